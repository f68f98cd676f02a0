"""Does `annales extract` scale linearly in time and stay flat in memory?

    python bench/scaling.py [--base 100] [--workers 1] [--lang fr] [--json OUT]
    python bench/scaling.py --engine ray [--base 100] [--json OUT]

Runs the extract on 1x, 4x and 16x `--base` synthetic documents (bench/corpus.py;
the smaller corpora are prefixes of the largest). Every run pays the same fixed
start-up cost (interpreter, models, resources), which makes small runs look
slow, so time is called linear when the marginal rates, the extra documents
per extra second from 1x to 4x and from 4x to 16x, are within ±30% of each
other; `linear_raw` applies the same test to the plain docs/s of the three
runs. Memory is called flat when the peak RSS at 16x is at most 25% above the
peak at 1x.

With `--engine ray` it compares the engines instead, in the same run: the local
engine with 1 and 2 workers and the Ray engine (a local Ray) with 1 and 2
actors, each on 1x and 4x `--base` documents. Throughput is the marginal rate
from 1x to 4x (extra documents per extra second), which leaves out the start-up
of each run (Ray's own start and the actors' model loading included); memory is
the peak RSS of the whole process tree and of the largest single Ray worker.
The Ray runs also give a steady rate read from their kept output shards, where
each batch records when it ran and on which actor: the documents of every batch
but each actor's first (which loads the models) over the time from the first of
those starting to the last ending. It leaves out Ray's start, whose jitter of a
few seconds weighs on the marginal rate of runs this short.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

import corpus
from measure import checked, extract_command, run_measured, warm_models

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from annales.distributed import steady_rate  # noqa: E402

FACTORS = (1, 4, 16)
RATE_TOLERANCE = 0.30
MEMORY_TOLERANCE = 0.25


def _run(generated: list, folder: Path, workers: int, label: str, progress: bool):
    doc_dir, meta = corpus.write(generated, folder)
    m = run_measured(extract_command(doc_dir, meta, folder / "events.jsonl", workers), label, progress=progress)
    return checked(m, f"annales extract on {len(generated)} documents")


def within(rates: list[float | None], tolerance: float) -> bool | None:
    """All rates within ±tolerance of their median; None when a rate is undefined."""
    if not rates or None in rates:
        return None
    med = statistics.median(rates)
    return all(abs(r - med) <= tolerance * med for r in rates)


def measure_scaling(base: int, workers: int = 1, lang: str = "fr", seed: int = 0, progress: bool = True) -> dict:
    largest = corpus.generate(base * FACTORS[-1], lang=lang, seed=seed)   # generated before any timing
    warm_models()
    runs = []
    with tempfile.TemporaryDirectory(prefix="annales-scaling-") as tmp:
        for f in FACTORS:
            n = base * f
            m = _run(largest[:n], Path(tmp) / f"x{f}", workers, f"{n} docs", progress)
            runs.append({"factor": f, "docs": n, "words": corpus.word_count(largest[:n]),
                         "seconds": round(m.seconds, 3), "docs_per_s": round(n / m.seconds, 3),
                         "peak_rss_mb": round(m.peak_rss_mb, 1)})
    marginal = []
    for a, b in zip(runs, runs[1:]):
        dt = b["seconds"] - a["seconds"]
        # on a busy machine a larger run can finish no later than a smaller one: no rate then
        marginal.append(round((b["docs"] - a["docs"]) / dt, 3) if dt > 0 else None)
    growth = runs[-1]["peak_rss_mb"] / runs[0]["peak_rss_mb"]
    return {"base": base, "workers": workers, "lang": lang, "seed": seed, "runs": runs,
            "marginal_docs_per_s": marginal,
            "linear": within(marginal, RATE_TOLERANCE),
            "linear_raw": within([r["docs_per_s"] for r in runs], RATE_TOLERANCE),
            "memory_growth": round(growth, 3), "memory_flat": growth <= 1 + MEMORY_TOLERANCE}


ENGINE_RUNS = (("local", 1), ("local", 2), ("ray", 1), ("ray", 2))
RAY_WORKER = "ray::MapWorker"       # the title Ray gives the pool's actor processes


def measure_engines(base: int, lang: str = "fr", seed: int = 0, progress: bool = True) -> dict:
    sizes = (base, base * 4)
    largest = corpus.generate(sizes[-1], lang=lang, seed=seed)
    warm_models()
    runs = []
    with tempfile.TemporaryDirectory(prefix="annales-engines-") as tmp:
        dirs = {n: corpus.write(largest[:n], Path(tmp) / f"n{n}") for n in sizes}
        for engine, workers in ENGINE_RUNS:
            row = {"engine": engine, "workers": workers}
            for n in sizes:
                doc_dir, meta = dirs[n]
                out = Path(tmp) / f"{engine}{workers}-{n}.jsonl"
                shards = Path(tmp) / f"{engine}{workers}-{n}-shards" if engine == "ray" else None
                m = checked(run_measured(extract_command(doc_dir, meta, out, workers, engine, shards),
                                         f"{engine} x{workers} {n} docs", progress=progress,
                                         worker_prefix=RAY_WORKER if engine == "ray" else None),
                            f"annales extract --engine {engine} on {n} documents")
                row[f"seconds_{n}"] = round(m.seconds, 2)
                row["peak_rss_mb"] = round(max(row.get("peak_rss_mb", 0), m.peak_rss_mb), 1)
                if engine == "ray":
                    row["worker_peak_mb"] = round(max(row.get("worker_peak_mb", 0), m.worker_peak_mb), 1)
                    row[f"steady_{n}"] = steady_rate(shards)
                row.setdefault("outputs", []).append(out.read_bytes())
            dt = row[f"seconds_{sizes[1]}"] - row[f"seconds_{sizes[0]}"]
            row["marginal_docs_per_s"] = round((sizes[1] - sizes[0]) / dt, 2) if dt > 0 else None
            runs.append(row)
    same = all(r["outputs"] == runs[0]["outputs"] for r in runs)
    for r in runs:
        del r["outputs"]
    rate = {(r["engine"], r["workers"]): r["marginal_docs_per_s"] for r in runs}

    def ratio(a, b, rate=rate):
        return round(rate[a] / rate[b], 2) if rate[a] and rate[b] else None
    steady = {(r["engine"], r["workers"]): r[f"steady_{sizes[1]}"]["docs_per_s"] for r in runs if r["engine"] == "ray"}
    return {"base": base, "sizes": sizes, "lang": lang, "seed": seed, "runs": runs, "identical_output": same,
            "ray_2_vs_1": ratio(("ray", 2), ("ray", 1)), "local_2_vs_1": ratio(("local", 2), ("local", 1)),
            "ray_1_vs_local_1": ratio(("ray", 1), ("local", 1)),
            "ray_steady_2_vs_1": ratio(("ray", 2), ("ray", 1), steady)}


def report_engines(r: dict) -> str:
    a, b = r["sizes"]
    lines = [f"annales extract by engine, {r['lang']}, {a} and {b} documents (marginal docs/s: {b - a} extra "
             "documents over the extra seconds, start-up left out)",
             f"{'engine':<7} {'workers':>7} {f's({a})':>9} {f's({b})':>9} {'docs/s':>8} {'peak tree MB':>13} "
             f"{'per worker MB':>14}"]
    for x in r["runs"]:
        lines.append(f"{x['engine']:<7} {x['workers']:>7} {x[f'seconds_{a}']:>9} {x[f'seconds_{b}']:>9} "
                     f"{x['marginal_docs_per_s'] or '-':>8} {x['peak_rss_mb']:>13} {x.get('worker_peak_mb', '-'):>14}")
    lines.append(f"ray 2 actors vs 1: x{r['ray_2_vs_1']}; local 2 workers vs 1: x{r['local_2_vs_1']}; "
                 f"ray 1 vs local 1: x{r['ray_1_vs_local_1']}")
    for x in r["runs"]:
        if x["engine"] == "ray":
            st = x[f"steady_{b}"]
            lines.append(f"ray x{x['workers']} steady on {b} documents (each actor's first batch, with its model "
                         f"loading, left out): {st['docs']} documents in {st['seconds']} s = {st['docs_per_s']} docs/s")
    lines.append(f"ray steady 2 actors vs 1: x{r['ray_steady_2_vs_1']}")
    lines.append(f"identical records from every run: {'yes' if r['identical_output'] else 'NO'}")
    return "\n".join(lines)


def report(r: dict) -> str:
    lines = [f"annales extract, {r['lang']}, {r['workers']} worker(s)",
             f"{'docs':>8} {'seconds':>9} {'docs/s':>9} {'peak RSS MB':>12}"]
    for x in r["runs"]:
        lines.append(f"{x['docs']:>8} {x['seconds']:>9} {x['docs_per_s']:>9} {x['peak_rss_mb']:>12}")
    verdict = {True: "yes", False: "NO", None: "undecided (a larger run was not slower)"}
    lines.append("marginal docs/s 1x->4x, 4x->16x: " + ", ".join(str(m) for m in r["marginal_docs_per_s"]))
    lines.append(f"time linear (marginal docs/s within ±{RATE_TOLERANCE:.0%}): {verdict[r['linear']]}; "
                 f"plain docs/s within ±{RATE_TOLERANCE:.0%}: {verdict[r['linear_raw']]} (start-up weighs on small runs)")
    lines.append(f"memory flat (peak RSS at 16x within +{MEMORY_TOLERANCE:.0%} of 1x): "
                 f"{'yes' if r['memory_flat'] else 'NO'} (x{r['memory_growth']})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", type=int, default=100, help="documents at 1x (default 100)")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--engine", choices=("local", "ray"), default="local",
                    help="ray: compare the local and Ray engines with 1 and 2 workers instead")
    ap.add_argument("--lang", choices=("fr", "en", "mixed"), default="fr")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", type=Path, help="write the figures as JSON here")
    ap.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    args = ap.parse_args(argv)
    if args.base < 1 or args.workers < 1:
        ap.error("--base and --workers must be at least 1")
    if args.engine == "ray":
        r = measure_engines(args.base, args.lang, args.seed, progress=not args.quiet)
        print(report_engines(r))
    else:
        r = measure_scaling(args.base, args.workers, args.lang, args.seed, progress=not args.quiet)
        print(report(r))
    if args.json:
        args.json.write_text(json.dumps(r, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
