"""Read-only SQL behind the web pages and the JSON API.

Every function takes an open read-only sqlite3 connection (rows as sqlite3.Row)
and returns plain dicts and lists, so the same results feed the JSON API and
the templates. Nothing here writes to the store.
"""
from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass, fields
from pathlib import Path

from ..store import ORIGINAL_SQL, VISIBLE_SQL, shim_old_schema

# snippet() markers: control characters never found in cleaned article text,
# so matches can be split out and rendered safely instead of as HTML
MARK_OPEN, MARK_CLOSE = "\x02", "\x03"


def connect(path: str | Path) -> sqlite3.Connection:
    """A read-only connection to the store (one per request: sqlite3 objects are not thread-safe)."""
    if not Path(path).exists():
        raise FileNotFoundError(f"no database at {path}")
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    db.row_factory = sqlite3.Row
    shim_old_schema(db)
    return db


@dataclass
class Filters:
    """The timeline filters shared by the pages, the API and the exports (already validated)."""

    date_from: str | None = None
    date_to: str | None = None
    actor: str | None = None
    country: str | None = None
    event_type: str | None = None
    modality: str | None = None
    source: str | None = None
    min_confidence: float | None = None
    original: bool = False       # the machine's timeline, before the analyst's reviews

    def as_dict(self) -> dict:
        """The keyword arguments of Store.fused_events and annales.export.export."""
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        if not out["original"]:
            del out["original"]
        return out

    def query(self) -> dict:
        """The same filters as URL query parameters (empty ones left out)."""
        names = {"date_from": "from", "date_to": "to", "event_type": "type"}
        out = {names.get(k, k): v for k, v in self.as_dict().items() if v is not None and v != ""}
        if self.original:
            out["original"] = 1
        return out


def _like(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, with its own % and _ taken literally."""
    return "%" + re.sub(r"([\\%_])", r"\\\1", text) + "%"


def _event_where(f: Filters, dates: bool = True) -> tuple[str, list]:
    """WHERE clause over fused_events f. Dates filter by overlap, as Store.fused_events does."""
    where, args = [], []
    if dates and f.date_from:
        where.append("COALESCE(f.date_latest, f.date_value) >= ?"); args.append(f.date_from)
    if dates and f.date_to:
        # "2024" as an upper bound includes every day of 2024
        where.append("COALESCE(f.date_earliest, f.date_value) <= ?"); args.append(f.date_to + "\uffff")
    if f.event_type:
        where.append("f.event = ?"); args.append(f.event_type)
    if f.modality:
        where.append("f.modality = ?"); args.append(f.modality)
    if f.min_confidence is not None:
        where.append("COALESCE(json_extract(f.record, '$.confidence'), 0) >= ?"); args.append(f.min_confidence)
    if f.actor:
        where.append("f.id IN (SELECT fused FROM fused_actors WHERE actor_id = ? OR name LIKE ? ESCAPE '\\')")
        args += [f.actor, _like(f.actor)]
    if f.country:
        where.append("(f.id IN (SELECT fused FROM fused_actors WHERE country = ?)"
                     " OR json_extract(f.record, '$.location.country') = ?)")
        args += [f.country, f.country]
    if f.source:
        where.append("""f.id IN (SELECT fm.fused FROM fused_mentions fm JOIN mentions m ON m.id = fm.mention
                         JOIN documents d ON d.id = m.doc WHERE d.id = ? OR d.outlet = ?)""")
        args += [f.source, f.source]
    where.append(ORIGINAL_SQL if f.original else VISIBLE_SQL)
    return (" WHERE " + " AND ".join(where)) if where else "", args


ORDER = " ORDER BY COALESCE(f.date_earliest, f.date_value, '9999'), f.id"


def _event_row(r: sqlite3.Row, original: bool = False) -> dict:
    """The reviewed record (`reviewed` says whether a review touched it), or the machine's."""
    rec = json.loads((r["original"] if original else None) or r["record"])
    rec.setdefault("reviewed", False)
    if original:
        rec["reviewed"] = False
    rec["n_mentions"] = r["n_mentions"]
    rec["n_sources"] = r["n_sources"]
    return rec


def _with_summaries(db: sqlite3.Connection, items: list[dict]) -> list[dict]:
    """Add `summary`: the best evidence sentence of the earliest-published mention (a readable line)."""
    if not items:
        return items
    ids = [e["id"] for e in items]
    first: dict[str, str] = {}
    rows = db.execute(f"""SELECT fm.fused, m.record FROM fused_mentions fm JOIN mentions m ON m.id = fm.mention
                          JOIN documents d ON d.id = m.doc WHERE fm.fused IN ({",".join("?" * len(ids))})
                          ORDER BY COALESCE(d.published, '9999'), m.id""", ids)
    for fused, record in rows:
        if fused not in first:
            evidence = json.loads(record).get("evidence") or []
            if evidence and evidence[0].get("text"):
                first[fused] = evidence[0]["text"]
    for e in items:
        e["summary"] = first.get(e["id"])
    return items


def events(db: sqlite3.Connection, f: Filters, limit: int = 100, offset: int = 0) -> dict:
    """One page of fused events, chronological, with the total matching count."""
    where, args = _event_where(f)
    total = db.execute("SELECT COUNT(*) FROM fused_events f" + where, args).fetchone()[0]
    rows = db.execute("SELECT f.* FROM fused_events f" + where + ORDER + " LIMIT ? OFFSET ?",
                      args + [limit, offset]).fetchall()
    items = _with_summaries(db, [_event_row(r, f.original) for r in rows])
    return {"total": total, "limit": limit, "offset": offset, "items": items}


def histogram(db: sqlite3.Connection, f: Filters, group: str) -> list[dict]:
    """Event counts per year or month over the whole range (date filters ignored: the zoom control)."""
    width = 4 if group == "year" else 7
    where, args = _event_where(f, dates=False)
    cond = " AND " if where else " WHERE "
    sql = (f"SELECT substr(COALESCE(f.date_earliest, f.date_value), 1, {width}) AS p, COUNT(*) AS n "
           f"FROM fused_events f{where}{cond}COALESCE(f.date_earliest, f.date_value) GLOB '[0-9][0-9][0-9][0-9]*' "
           "GROUP BY p ORDER BY p")
    return [{"period": r["p"], "count": r["n"]} for r in db.execute(sql, args)]


def facets(db: sqlite3.Connection) -> dict:
    """The values the filter controls offer."""
    q = lambda sql: [r[0] for r in db.execute(sql) if r[0]]  # noqa: E731
    return {
        "types": q("SELECT DISTINCT event FROM fused_events ORDER BY 1"),
        "modalities": q("SELECT DISTINCT modality FROM fused_events ORDER BY 1"),
        "countries": q("SELECT DISTINCT country FROM fused_actors ORDER BY 1"),
        "outlets": q("SELECT DISTINCT outlet FROM documents ORDER BY 1"),
        "actors": q("""SELECT name FROM fused_actors GROUP BY actor_id
                       ORDER BY COUNT(DISTINCT fused) DESC, name LIMIT 300"""),
    }


# -- one event ---------------------------------------------------------------------

def _check_span(text: str, ev: dict) -> tuple[int, int] | None:
    """The evidence's offsets if they point at its sentence in `text`; else where the sentence is, if found."""
    start, end, sentence = ev.get("start"), ev.get("end"), ev.get("text") or ""
    if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text):
        if not sentence or " ".join(text[start:end].split()) == " ".join(sentence.split()):
            return start, end
    at = text.find(sentence) if sentence else -1
    return (at, at + len(sentence)) if at >= 0 else None


def segments(text: str, spans: list[tuple[int, int]]) -> list[dict]:
    """Cut `text` into plain and highlighted runs; overlapping spans are merged."""
    merged: list[list[int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    out, pos = [], 0
    for s, e in merged:
        if s > pos:
            out.append({"text": text[pos:s], "mark": False})
        out.append({"text": text[s:e], "mark": True})
        pos = e
    if pos < len(text):
        out.append({"text": text[pos:], "mark": False})
    return out


def _doc_meta(r: sqlite3.Row) -> dict:
    return {"id": r["id"], "title": r["title"], "outlet": r["outlet"], "url": r["url"],
            "published": r["published"], "published_precision": r["published_precision"],
            "language": r["language"]}


def _evidence(text: str, rec: dict) -> list[dict]:
    """The record's evidence with offsets checked against the stored cleaned text."""
    out = []
    for ev in rec.get("evidence") or []:
        span = _check_span(text, ev)
        out.append({"text": ev.get("text"), "start": span[0] if span else None,
                    "end": span[1] if span else None, "found": span is not None})
    return out


def event(db: sqlite3.Connection, event_id: str, with_text: bool = False, original: bool = False) -> dict | None:
    """A fused event with its mentions grouped by source document, evidence located in each text.

    As reviewed (merges and splits change its mentions), or the machine's with `original`; a
    reviewed event carries `machine` (the machine's record) and `reviews` (what was done)."""
    row = db.execute("SELECT * FROM fused_events WHERE id = ?", (event_id,)).fetchone()
    if row is None:
        return None
    ev = _event_row(row, original)
    ev["review_state"] = None if original else row["review"]
    ev["machine"] = json.loads(row["original"]) if row["original"] and not original else None
    ev["reviews"] = _reviews_of(db, event_id)
    ids = ev.get("mentions") or []
    rows = db.execute(f"""SELECT m.record, d.* FROM mentions m JOIN documents d ON d.id = m.doc
                          WHERE m.id IN ({",".join("?" * len(ids))})
                          ORDER BY d.published, d.id, m.id""", ids).fetchall() if ids else []
    docs: dict[str, dict] = {}
    for r in rows:
        d = docs.setdefault(r["id"], {**_doc_meta(r), "mentions": [], "_text": r["text"]})
        rec = json.loads(r["record"])
        rec["evidence"] = _evidence(r["text"], rec)
        d["mentions"].append(rec)
    for d in docs.values():
        text = d.pop("_text")
        if with_text:
            spans = [(e["start"], e["end"]) for m in d["mentions"] for e in m["evidence"] if e["found"]]
            d["segments"] = segments(text, spans)
    ev["documents"] = list(docs.values())
    return ev


def _reviews_of(db: sqlite3.Connection, event_id: str) -> list[dict]:
    from ..review import describe, log

    return [{**r, "line": describe(r)} for r in log(db, event_id)]


# -- documents ---------------------------------------------------------------------

def documents(db: sqlite3.Connection, date_from: str | None = None, date_to: str | None = None,
              source: str | None = None, language: str | None = None, limit: int = 100, offset: int = 0) -> dict:
    where, args = [], []
    if date_from:
        where.append("d.published >= ?"); args.append(date_from)
    if date_to:
        where.append("d.published <= ?"); args.append(date_to + "\uffff")
    if source:
        where.append("(d.id = ? OR d.outlet = ?)"); args += [source, source]
    if language:
        where.append("d.language = ?"); args.append(language)
    w = (" WHERE " + " AND ".join(where)) if where else ""
    total = db.execute("SELECT COUNT(*) FROM documents d" + w, args).fetchone()[0]
    rows = db.execute(f"""SELECT d.*, (SELECT COUNT(*) FROM mentions m WHERE m.doc = d.id) AS n_mentions
                          FROM documents d{w} ORDER BY COALESCE(d.published, '9999'), d.id LIMIT ? OFFSET ?""",
                      args + [limit, offset]).fetchall()
    items = [{**_doc_meta(r), "kind": r["kind"], "status": r["status"], "n_mentions": r["n_mentions"]}
             for r in rows]
    return {"total": total, "limit": limit, "offset": offset, "items": items}


def document(db: sqlite3.Connection, doc_id: str, with_segments: bool = False) -> dict | None:
    """A stored document: metadata, cleaned text, its mentions (evidence located) and their fused events."""
    r = db.execute("SELECT * FROM documents WHERE id = ?", (doc_id,)).fetchone()
    if r is None:
        return None
    doc = {**_doc_meta(r), "kind": r["kind"], "status": r["status"], "content_hash": r["content_hash"],
           "published_source": r["published_source"], "ingested_at": r["ingested_at"],
           "warnings": json.loads(r["warnings"] or "[]"), "dropped": len(json.loads(r["dropped"] or "[]")),
           "text": r["text"]}
    mentions = []
    for m in db.execute("SELECT id, record FROM mentions WHERE doc = ? ORDER BY id", (doc_id,)):
        rec = json.loads(m["record"])
        rec["evidence"] = _evidence(r["text"], rec)
        rec["fused"] = [x[0] for x in db.execute("SELECT fused FROM fused_mentions WHERE mention = ?", (m["id"],))]
        mentions.append(rec)
    doc["mentions"] = mentions
    if with_segments:
        spans = [(e["start"], e["end"]) for m in mentions for e in m["evidence"] if e["found"]]
        doc["segments"] = segments(r["text"], spans)
    return doc


# -- actors ------------------------------------------------------------------------

# Every actor the store knows: the actors table, plus any participant of a fused event missing from it.
_ACTORS = """
  SELECT id, name, type, country, code, linked FROM actors
  UNION ALL
  SELECT actor_id, MAX(name), MAX(type), MAX(country), NULL, actor_id NOT LIKE 'unlinked:%'
  FROM fused_actors WHERE actor_id NOT IN (SELECT id FROM actors) GROUP BY actor_id"""
_COUNTS = "SELECT actor_id, COUNT(DISTINCT fused) AS n FROM fused_actors GROUP BY actor_id"


def actors(db: sqlite3.Connection, q: str | None = None, country: str | None = None, kind: str | None = None,
           limit: int = 100, offset: int = 0) -> dict:
    """Actors, most eventful first."""
    where, args = [], []
    if q:
        where.append("(a.name LIKE ? ESCAPE '\\' OR a.id = ?)"); args += [_like(q), q]
    if country:
        where.append("a.country = ?"); args.append(country)
    if kind:
        where.append("a.type = ?"); args.append(kind)
    w = (" WHERE " + " AND ".join(where)) if where else ""
    base = f"FROM ({_ACTORS}) a LEFT JOIN ({_COUNTS}) c ON c.actor_id = a.id{w}"
    total = db.execute("SELECT COUNT(*) " + base, args).fetchone()[0]
    rows = db.execute("SELECT a.*, COALESCE(c.n, 0) AS n_events " + base +
                      " ORDER BY n_events DESC, a.name LIMIT ? OFFSET ?", args + [limit, offset]).fetchall()
    return {"total": total, "limit": limit, "offset": offset, "items": [_actor_row(r) for r in rows]}


def _actor_row(r: sqlite3.Row) -> dict:
    return {"id": r["id"], "name": r["name"], "type": r["type"], "country": r["country"], "code": r["code"],
            "linked": bool(r["linked"]), "n_events": r["n_events"]}


def actor(db: sqlite3.Connection, actor_id: str, group: str = "year") -> dict | None:
    """An actor with its events per period and the actors it shares events with."""
    r = db.execute(f"SELECT a.*, COALESCE(c.n, 0) AS n_events FROM ({_ACTORS}) a "
                   f"LEFT JOIN ({_COUNTS}) c ON c.actor_id = a.id WHERE a.id = ?", (actor_id,)).fetchone()
    if r is None:
        return None
    out = _actor_row(r)
    width = 4 if group == "year" else 7
    out["periods"] = [{"period": p["p"], "count": p["n"]} for p in db.execute(
        f"""SELECT substr(COALESCE(f.date_earliest, f.date_value), 1, {width}) AS p, COUNT(DISTINCT f.id) AS n
            FROM fused_events f JOIN fused_actors fa ON fa.fused = f.id
            WHERE fa.actor_id = ? AND COALESCE(f.date_earliest, f.date_value) GLOB '[0-9][0-9][0-9][0-9]*'
            GROUP BY p ORDER BY p""", (actor_id,))]
    out["partners"] = [{"id": p["actor_id"], "name": p["name"], "country": p["country"], "weight": p["n"]}
                       for p in db.execute(
        """SELECT b.actor_id, MAX(b.name) AS name, MAX(b.country) AS country, COUNT(DISTINCT b.fused) AS n
           FROM fused_actors a JOIN fused_actors b ON a.fused = b.fused AND b.actor_id != a.actor_id
           WHERE a.actor_id = ? GROUP BY b.actor_id ORDER BY n DESC, name LIMIT 50""", (actor_id,))]
    return out


def actor_events(db: sqlite3.Connection, actor_id: str, limit: int = 100, offset: int = 0) -> dict:
    """Fused events in which the actor (by exact id) takes part, chronological."""
    where = f" WHERE f.id IN (SELECT fused FROM fused_actors WHERE actor_id = ?) AND {VISIBLE_SQL}"
    total = db.execute("SELECT COUNT(*) FROM fused_events f" + where, (actor_id,)).fetchone()[0]
    rows = db.execute("SELECT f.* FROM fused_events f" + where + ORDER + " LIMIT ? OFFSET ?",
                      (actor_id, limit, offset)).fetchall()
    items = _with_summaries(db, [_event_row(r) for r in rows])
    return {"total": total, "limit": limit, "offset": offset, "items": items}


# -- network -----------------------------------------------------------------------

def network(db: sqlite3.Connection, f: Filters, limit: int = 100, min_weight: int = 1) -> dict:
    """Actors as nodes, linked by the number of (filtered) events they share; the `limit` busiest actors."""
    where, args = _event_where(f)
    ids = f"SELECT f.id FROM fused_events f{where}"
    nodes = [{"id": r["actor_id"], "name": r["name"], "country": r["country"], "type": r["type"], "events": r["n"]}
             for r in db.execute(f"""SELECT actor_id, MAX(name) AS name, MAX(country) AS country, MAX(type) AS type,
                                      COUNT(DISTINCT fused) AS n FROM fused_actors WHERE fused IN ({ids})
                                      GROUP BY actor_id ORDER BY n DESC, name LIMIT ?""", args + [limit])]
    keep = {n["id"] for n in nodes}
    edges = [{"source": r["a"], "target": r["b"], "weight": r["n"]}
             for r in db.execute(f"""SELECT x.actor_id AS a, y.actor_id AS b, COUNT(DISTINCT x.fused) AS n
                                      FROM fused_actors x JOIN fused_actors y
                                        ON x.fused = y.fused AND x.actor_id < y.actor_id
                                      WHERE x.fused IN ({ids}) GROUP BY a, b HAVING n >= ?
                                      ORDER BY n DESC, a, b""", args + [min_weight])
             if r["a"] in keep and r["b"] in keep]
    return {"nodes": nodes, "edges": edges}


# -- search ------------------------------------------------------------------------

def fts_query(q: str) -> str | None:
    """A safe FTS5 query from user text: every word must appear (quoted, so no FTS syntax gets through)."""
    words = re.findall(r"\w+", q)
    return " ".join(f'"{w}"' for w in words) if words else None


def _snippet_parts(snippet: str) -> list[dict]:
    parts = []
    for i, chunk in enumerate(re.split(f"[{MARK_OPEN}{MARK_CLOSE}]", snippet or "")):
        if chunk:
            parts.append({"text": chunk, "mark": i % 2 == 1})
    return parts


def search(db: sqlite3.Connection, q: str, limit: int = 20, offset: int = 0) -> dict:
    """Articles and events whose text matches every word of `q`, best first; actors by name."""
    match = fts_query(q)
    out: dict = {"q": q, "limit": limit, "offset": offset, "documents": [], "events": [], "actors": []}
    if match is None:
        return out
    snip = f"'{MARK_OPEN}', '{MARK_CLOSE}', '…', 24"
    for r in db.execute(f"""SELECT s.doc, snippet(documents_fts, 2, {snip}) AS snip, d.title, d.outlet, d.published
                            FROM documents_fts s JOIN documents d ON d.id = s.doc
                            WHERE documents_fts MATCH ? ORDER BY rank LIMIT ? OFFSET ?""", (match, limit, offset)):
        parts = _snippet_parts(r["snip"])
        out["documents"].append({"id": r["doc"], "title": r["title"], "outlet": r["outlet"],
                                 "published": r["published"], "snippet": "".join(p["text"] for p in parts),
                                 "snippet_parts": parts})
    seen: set[str] = set()
    for r in db.execute(f"""SELECT s.mention, snippet(mentions_fts, 2, {snip}) AS snip, f.*
                            FROM mentions_fts s JOIN fused_mentions fm ON fm.mention = s.mention
                            JOIN fused_events f ON f.id = fm.fused
                            WHERE mentions_fts MATCH ? AND {VISIBLE_SQL}
                            ORDER BY rank LIMIT ? OFFSET ?""", (match, limit, offset)):
        if r["id"] in seen:
            continue
        seen.add(r["id"])
        parts = _snippet_parts(r["snip"])
        out["events"].append({**_event_row(r), "snippet": "".join(p["text"] for p in parts), "snippet_parts": parts})
    out["actors"] = actors(db, q=q.strip(), limit=limit)["items"] if q.strip() else []
    return out


def fill_periods(hist: list[dict], group: str, cap: int = 600) -> list[dict]:
    """The histogram with empty years/months between the first and the last added (a continuous axis)."""
    if not hist:
        return []
    counts = {h["period"]: h["count"] for h in hist}
    first, last = hist[0]["period"], hist[-1]["period"]
    out, y, m = [], int(first[:4]), int(first[5:7] or 1) if group == "month" else 1
    while len(out) < cap:
        key = f"{y:04d}" if group == "year" else f"{y:04d}-{m:02d}"
        out.append({"period": key, "count": counts.get(key, 0)})
        if key >= last:
            break
        if group == "year":
            y += 1
        else:
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out
