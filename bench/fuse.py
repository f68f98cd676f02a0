"""Benchmark of fusion: synthetic mentions of synthetic events, fused with `fuse.fuse`.

    .venv/bin/python bench/fuse.py [--n 200000] [--seed 1] [--json OUT] [--engine partitioned|ray]

The corpus is deterministic for a seed: a few hundred actors (people of 30
countries and the countries themselves), real events spread over five years,
each reported by 3–5 documents with the usual noise (a month instead of the
day, a range, no date, the country instead of the minister, the day after for a
visit, alleged instead of asserted), plus stray one-off mentions. It prints the
time, the peak memory (RSS of this process) and how well the fused events match
the true ones (pairwise precision and recall over mentions).

With --engine, the same mentions are also fused by `fuse.partitioned` (in this
machine's one process over spilled buckets, or on a local Ray with --workers), in
a fresh process that reads them from Parquet shards: its time, its peak memory
(the driver's, and the largest of the processes that ran the phases), the driver's
memory per mention above its start, and whether its events are the in-process
ones (a digest of every serialized event with its component label).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from annales import fuse  # noqa: E402
from annales.model import Actor, EventRecord, TimeExpr  # noqa: E402

TYPES = [("CONSULT", "visit", 0.3), ("CONSULT", None, 0.2), ("CONSULT", "phone", 0.05), ("AGREE", None, 0.1),
         ("SUPPORT", None, 0.08), ("COOPERATE", None, 0.07), ("AID", None, 0.08), ("ACCUSE", "allege", 0.08),
         ("REJECT", None, 0.02), ("MOBILIZE", "troops", 0.02)]
START = date(2020, 1, 1).toordinal()
DAYS = 5 * 365


def make_actors(rng: random.Random, n_countries: int = 30, per_country: int = 10):
    countries = [f"C{i:02d}" for i in range(n_countries)]
    people = {c: [(f"p-{c}-{j}", f"Person {j} of {c}") for j in range(per_country)] for c in countries}
    return countries, people


def actor(kind: str, country: str, pid: str | None = None, name: str | None = None) -> Actor:
    if kind == "country":
        return Actor(name=f"Country {country}", country=country, type="country", id=country, text=country)
    return Actor(name=name, country=country, type="person", id=pid, text=name)


def cast(countries, people) -> tuple[dict, dict]:
    """One Actor per country and per person (the extractor gives equal actors; sharing them is cheaper)."""
    return ({c: actor("country", c) for c in countries},
            {pid: actor("person", c, pid, name) for c in countries for pid, name in people[c]})


def time_expr(lo: int, hi: int, value: str | None, precision: str) -> TimeExpr:
    return TimeExpr(-1, -1, "synthetic", value, precision, date.fromordinal(lo).isoformat(),
                    date.fromordinal(hi).isoformat())


def noisy_date(rng: random.Random, day: int, visit: bool) -> TimeExpr | None:
    r = rng.random()
    d = date.fromordinal(day)
    if r < 0.62:
        return time_expr(day, day, d.isoformat(), "day")
    if r < 0.70 and visit:
        nxt = day + 1                                   # the next day of the same visit
        return time_expr(nxt, nxt, date.fromordinal(nxt).isoformat(), "day")
    if r < 0.84:
        first = d.replace(day=1).toordinal()
        last = (d.replace(day=28) + timedelta(days=4)).replace(day=1).toordinal() - 1
        return time_expr(first, last, d.isoformat()[:7], "month")
    if r < 0.94:
        lo = day - rng.randint(0, 6)
        return time_expr(lo, lo + 6, None, "week")
    return None


def generate(n: int, seed: int):
    """(mentions as a generator, published dates, truth: mention id → event number)."""
    rng = random.Random(seed)
    countries, people = make_actors(rng)
    published: dict[str, str] = {}
    weights = [t[2] for t in TYPES]
    as_country, as_person = cast(countries, people)

    def mentions():
        made, event_no = 0, 0
        while made < n:
            event_no += 1
            kind, mode, _ = rng.choices(TYPES, weights)[0]
            c1, c2 = rng.sample(countries, 2)
            p1, p2 = rng.choice(people[c1]), rng.choice(people[c2])
            day = START + rng.randrange(DAYS)
            stray = rng.random() < 0.1
            k = 1 if stray else rng.randint(3, 5)
            for j in range(k):
                if made >= n:
                    return
                doc = f"d{event_no:07d}-{j}"
                published[doc] = date.fromordinal(day + rng.randint(0, 3)).isoformat()
                a = [as_country[c1]] if rng.random() < 0.15 else [as_person[p1[0]]]
                r = [as_country[c2]] if rng.random() < 0.25 else [as_person[p2[0]]]
                if kind in fuse.UNDIRECTED_TYPES and mode != "visit" and rng.random() < 0.5:
                    a, r = a + r, []
                modality = "alleged" if rng.random() < 0.1 else "asserted"
                loc = {"name": f"City of {c2}", "country": c2} if mode == "visit" and rng.random() < 0.6 else None
                yield EventRecord(doc=doc, event=kind, mode=mode, actor=a, recipient=r, location=loc,
                                  date=noisy_date(rng, day, mode == "visit"), modality=modality,
                                  confidence=round(rng.uniform(0.4, 0.9), 2), id=f"m-{event_no:07d}-{j}",
                                  evidence=[])
                made += 1

    return mentions(), published


def current_rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * resource.getpagesize() / 2 ** 20


def truth_of(mention_id: str) -> str:
    return mention_id.split("-")[1]


def pairwise(events) -> tuple[float, float]:
    from collections import Counter

    fused_pairs = true_in_fused = 0
    per_truth: Counter = Counter()
    for ev in events:
        counts = Counter(truth_of(m) for m in ev.mentions)
        k = len(ev.mentions)
        fused_pairs += k * (k - 1) // 2
        true_in_fused += sum(c * (c - 1) // 2 for c in counts.values())
        per_truth.update(counts)
    all_true = sum(c * (c - 1) // 2 for c in per_truth.values())
    precision = true_in_fused / fused_pairs if fused_pairs else 1.0
    recall = true_in_fused / all_true if all_true else 1.0
    return precision, recall


def digest(pairs) -> tuple[int, str]:
    """(count, order-free digest) of (component label, fused event) pairs, in constant memory."""
    n, total = 0, 0
    for label, ev in pairs:
        blob = json.dumps([label, ev.to_dict()], sort_keys=True, ensure_ascii=False).encode("utf-8")
        total = (total + int.from_bytes(hashlib.sha1(blob).digest()[:8], "big")) % 2 ** 64
        n += 1
    return n, f"{total:016x}"


def child(engine: str, shards: str, n: int, workers: int) -> int:
    """The partitioned fusion of the staged shards, alone in this process: print its figures as JSON."""
    from annales.fuse import partitioned

    if engine == "ray":              # Ray's own memory is not the fusion's: it is up before the start
        import ray
        ray.init(num_cpus=workers + 1, include_dashboard=False, log_to_driver=False, logging_level="ERROR")
    start_mb = current_rss_mb()
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-fuse-") as work:
        f = partitioned.run(Path(shards), n, Path(work), engine, workers=workers)
        phases = time.perf_counter() - t0
        count, dig = digest(f.events())
    seconds = time.perf_counter() - t0
    peak = partitioned.peak_mb()
    print(json.dumps({"engine": engine, "seconds": round(seconds, 2), "seconds_to_components": round(phases, 2),
                      "fused_events": count, "digest": dig, "driver_start_mb": round(start_mb, 1),
                      "driver_peak_mb": round(peak, 1), "worker_peak_mb": round(f.stats.worker_peak_mb, 1),
                      "driver_bytes_per_mention": round((peak - start_mb) * 2 ** 20 / max(n, 1), 1),
                      "buckets": f.stats.buckets, "edges": f.stats.edges, "components": f.stats.components}))
    return 0


def partitioned_figures(args, engine: str) -> dict:
    """Stage the same mentions as Parquet shards, then fuse them in a fresh process."""
    from annales.fuse import partitioned

    with tempfile.TemporaryDirectory(prefix="bench-shards-") as shards:
        mentions, published = generate(args.n, args.seed)
        t0 = time.perf_counter()
        n = partitioned.stage(partitioned.rows_of(mentions, published), Path(shards))
        staged = time.perf_counter() - t0
        out = subprocess.run([sys.executable, __file__, "--child", engine, "--shards", shards, "--n", str(n),
                              "--workers", str(args.workers)], capture_output=True, text=True)
        if out.returncode:
            raise SystemExit(f"bench: the {engine} fusion failed:\n{out.stderr[-3000:]}")
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    figures["staging_seconds"] = round(staged, 2)
    return figures


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=200_000, help="number of mentions (default 200000)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", metavar="OUT", help="also write the figures as JSON")
    ap.add_argument("-q", "--quiet", action="store_true", help="print nothing (with --json)")
    ap.add_argument("--engine", choices=("partitioned", "ray"), action="append", default=[],
                    help="also fuse by phases (fuse.partitioned): in one process, or on a local Ray "
                         "(repeatable)")
    ap.add_argument("--workers", type=int, default=2, help="Ray CPUs for the phases (default 2)")
    ap.add_argument("--child", choices=("partitioned", "ray"), help=argparse.SUPPRESS)
    ap.add_argument("--shards", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        return child("local" if args.child == "partitioned" else "ray", args.shards, args.n, args.workers)
    t0 = time.perf_counter()
    mentions, published = generate(args.n, args.seed)
    mentions = list(mentions)
    generated = time.perf_counter() - t0
    rss_before = current_rss_mb()
    t0, cpu0 = time.perf_counter(), time.process_time()
    pairs = fuse.fuse_components(mentions, published)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    events = [ev for _, ev in pairs]
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    precision, recall = pairwise(events)
    n_mentions = sum(len(e.mentions) for e in events)
    figures = {"mentions": n_mentions, "fused_events": len(events), "seconds": round(seconds, 2),
               "cpu_seconds": round(cpu, 2), "generation_seconds": round(generated, 2),
               "peak_rss_mb": round(peak_mb, 1), "rss_before_fusion_mb": round(rss_before, 1), "pairwise_precision": round(precision, 4),
               "pairwise_recall": round(recall, 4), "multi_source_events": sum(1 for e in events if len(e.sources) > 1),
               "conflicts": sum(1 for e in events if e.conflicts)}
    if not args.quiet:
        print(f"generated {args.n} mentions in {generated:.1f} s; fused them into {len(events)} events in "
              f"{seconds:.1f} s ({cpu:.1f} s CPU); peak RSS {peak_mb:.0f} MB ({rss_before:.0f} MB before fusion); "
              f"pairwise precision {precision:.3f}, recall {recall:.3f}", flush=True)
    if args.engine:
        figures["digest"] = digest(pairs)[1]
        del mentions, published, events, pairs
    for engine in args.engine:
        other = partitioned_figures(args, engine)
        other["same_events"] = (other["digest"], other["fused_events"]) == (figures["digest"], figures["fused_events"])
        figures[engine] = other
        if not args.quiet:
            print(f"{engine}: staged in {other['staging_seconds']:.1f} s, fused in {other['seconds']:.1f} s; "
                  f"driver peak RSS {other['driver_peak_mb']:.0f} MB ({other['driver_start_mb']:.0f} MB at start, "
                  f"{other['driver_bytes_per_mention']:.0f} bytes per mention above it); largest phase process "
                  f"{other['worker_peak_mb']:.0f} MB; {other['buckets']} buckets, {other['edges']} edges, "
                  f"{other['components']} components; same events as in-process: {other['same_events']}",
                  flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
