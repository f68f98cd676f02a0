/* Annales: small progressive enhancements. Data is always written with
   textContent / setAttribute, never parsed as HTML: article text and names are untrusted. */
"use strict";

(function () {
  const SVG = "http://www.w3.org/2000/svg";

  /* -- timeline: the range control moves the From/To fields and submits ------------ */
  function setupRange(box) {
    const periods = box.dataset.periods.split(" ").filter(Boolean);
    const slots = Number(box.dataset.slots) || periods.length;
    const track = box.querySelector(".range-inputs");
    if (track && periods.length > 1) {  // thumbs sit under the centres of the first and last bars
      track.style.marginLeft = `calc(${50 / slots}% - 8px)`;
      track.style.width = `calc(${((periods.length - 1) * 100) / slots}% + 16px)`;
    }
    const lo = box.querySelector(".range-from"), hi = box.querySelector(".range-to");
    const label = box.querySelector(".range-label");
    const form = document.querySelector("form.filters");
    if (!periods.length || !lo || !hi || !form) return;
    // compare a period and a date on their common prefix: "2024-03" is within "2024"
    const cmp = (p, v) => { const n = Math.min(p.length, v.length); return p.slice(0, n).localeCompare(v.slice(0, n)); };
    const first = periods.findIndex((p) => cmp(p, box.dataset.from) >= 0);
    let last = -1;
    periods.forEach((p, i) => { if (cmp(p, box.dataset.to) <= 0) last = i; });
    lo.value = box.dataset.from && first >= 0 ? first : 0;
    hi.value = box.dataset.to && last >= 0 ? last : periods.length - 1;
    const bars = document.querySelectorAll("svg.bars .bar");
    function show() {
      let a = Number(lo.value), b = Number(hi.value);
      if (a > b) [a, b] = [b, a];
      label.textContent = periods[a] + " → " + periods[b];
      const all = a === 0 && b === periods.length - 1;
      bars.forEach((bar, i) => bar.classList.toggle("sel", !all && i >= a && i <= b));
      return [a, b];
    }
    function apply() {
      const [a, b] = show();
      form.elements["from"].value = a === 0 && b === periods.length - 1 && !box.dataset.from ? "" : periods[a];
      form.elements["to"].value = a === 0 && b === periods.length - 1 && !box.dataset.to ? "" : periods[b];
      if (form.elements["group"] && a !== b) form.elements["group"].value = periods[a].length === 4 && b - a > 2 ? "year" : "month";
      form.submit();
    }
    lo.addEventListener("input", show);
    hi.addEventListener("input", show);
    lo.addEventListener("change", apply);
    hi.addEventListener("change", apply);
    show();
  }

  /* -- event and document pages: bring the first highlighted sentence into view -------- */
  function scrollToEvidence() {
    document.querySelectorAll(".article-text").forEach((box) => {
      const mark = box.querySelector("mark.evidence");
      if (mark && box.scrollHeight > box.clientHeight) {
        box.scrollTop = Math.max(0, mark.offsetTop - box.offsetTop - box.clientHeight / 3);
      }
    });
  }

  /* -- network: a small force-directed layout drawn in SVG ----------------------------- */
  function layout(nodes, edges, w, h) {
    // Fruchterman-Reingold with a pull towards the centre, then fitted into the drawing box
    const n = nodes.length, index = new Map(nodes.map((d, i) => [d.id, i]));
    nodes.forEach((d, i) => {  // deterministic start: a circle, busiest actors first
      const a = (2 * Math.PI * i) / Math.max(n, 1);
      d.x = Math.cos(a) * 100; d.y = Math.sin(a) * 100;
    });
    const links = edges.map((e) => [index.get(e.source), index.get(e.target), e.weight])
      .filter((l) => l[0] !== undefined && l[1] !== undefined);
    const k = 80;
    for (let it = 0, t = 40; it < 400; it++, t = Math.max(1, t * 0.985)) {
      const dx = new Float64Array(n), dy = new Float64Array(n);
      for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) {
        const x = nodes[i].x - nodes[j].x, y = nodes[i].y - nodes[j].y;
        const d = Math.max(Math.hypot(x, y), 0.1);
        if (d > 2.5 * k) continue;  // no push between far-apart groups: the centre pull keeps them close
        const f = (k * k) / (d * d);
        dx[i] += x * f; dy[i] += y * f; dx[j] -= x * f; dy[j] -= y * f;
      }
      for (const [i, j, wgt] of links) {
        const x = nodes[i].x - nodes[j].x, y = nodes[i].y - nodes[j].y;
        const d = Math.max(Math.hypot(x, y), 0.1), f = (d / k) * (1 + Math.log(wgt));
        dx[i] -= x * f; dy[i] -= y * f; dx[j] += x * f; dy[j] += y * f;
      }
      for (let i = 0; i < n; i++) {
        dx[i] -= nodes[i].x * 0.08; dy[i] -= nodes[i].y * 0.08;
        const d = Math.max(Math.hypot(dx[i], dy[i]), 0.01), s = Math.min(d, t) / d;
        nodes[i].x += dx[i] * s; nodes[i].y += dy[i] * s;
      }
    }
    // fit: margins leave room for the circles and, on the right, for the labels
    const xs = nodes.map((d) => d.x), ys = nodes.map((d) => d.y);
    const x0 = Math.min(...xs), x1 = Math.max(...xs), y0 = Math.min(...ys), y1 = Math.max(...ys);
    const left = 24, right = Math.min(150, w / 3), top = 24, bottom = 24;
    const sx = (w - left - right) / Math.max(x1 - x0, 1), sy = (h - top - bottom) / Math.max(y1 - y0, 1);
    nodes.forEach((d) => {
      d.x = x1 > x0 ? left + (d.x - x0) * sx : w / 2;
      d.y = y1 > y0 ? top + (d.y - y0) * sy : h / 2;
    });
    return links;
  }

  function el(name, attrs, parent) {
    const e = document.createElementNS(SVG, name);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    if (parent) parent.appendChild(e);
    return e;
  }

  function drawNetwork(box) {
    const svg = box.querySelector("svg"), status = box.querySelector(".network-status");
    fetch(box.dataset.api, { headers: { Accept: "application/json" } })
      .then((r) => r.ok ? r.json() : r.json().then((b) => Promise.reject(new Error(b.detail || r.status))))
      .then((data) => {
        const w = svg.clientWidth || 800, h = svg.clientHeight || 600;
        svg.setAttribute("viewBox", `0 0 ${w} ${h}`);
        if (!data.nodes.length) { status.textContent = "No actor matches these filters."; return; }
        status.textContent = `${data.nodes.length} actors, ${data.edges.length} links`;
        const links = layout(data.nodes, data.edges, w, h);
        const maxW = Math.max(1, ...data.edges.map((e) => e.weight));
        const maxN = Math.max(1, ...data.nodes.map((d) => d.events));
        const gEdges = el("g", {}, svg), gNodes = el("g", {}, svg);
        for (const [i, j, wgt] of links) {
          const a = data.nodes[i], b = data.nodes[j];
          const line = el("line", { class: "edge", x1: a.x, y1: a.y, x2: b.x, y2: b.y,
            "stroke-width": 1 + 5 * (wgt / maxW) }, gEdges);
          el("title", {}, line).textContent = `${a.name} — ${b.name}: ${wgt} event${wgt === 1 ? "" : "s"}`;
        }
        for (const d of data.nodes) {
          const g = el("g", { class: "node " + (d.type || ""), tabindex: 0, role: "link",
            "data-id": d.id, transform: `translate(${d.x},${d.y})` }, gNodes);
          el("circle", { r: 5 + 9 * Math.sqrt(d.events / maxN) }, g);
          const label = el("text", { x: 10, y: 4 }, g);
          label.textContent = d.name.length > 26 ? d.name.slice(0, 25) + "…" : d.name;
          el("title", {}, g).textContent = `${d.name}${d.country ? " (" + d.country + ")" : ""}: ${d.events} event${d.events === 1 ? "" : "s"}`;
          const go = () => { window.location.href = "/actors/" + encodeURIComponent(d.id); };
          g.addEventListener("click", go);
          g.addEventListener("keydown", (ev) => { if (ev.key === "Enter") go(); });
        }
        box.dataset.ready = "1";
      })
      .catch((err) => { status.textContent = "Could not load the network: " + err.message; });
  }

  /* -- phones: the filter box starts folded unless a filter is set ------------------------ */
  function foldFilters() {
    const box = document.querySelector("details.filter-box");
    if (box && window.innerWidth < 640 && !box.dataset.active) box.open = false;
  }

  document.addEventListener("DOMContentLoaded", () => {
    foldFilters();
    document.querySelectorAll(".range").forEach(setupRange);
    scrollToEvidence();
    const net = document.getElementById("network");
    if (net) drawNetwork(net);
  });
})();
