"""Throughput and memory of `annales extract` against the bare spaCy pipeline.

    python bench/throughput.py [--docs 2000] [--lang fr|en|mixed] [--workers 1] [--json OUT]

Builds a synthetic corpus from examples/ (bench/corpus.py, seeded), writes it
to a temporary folder, then times two subprocesses on the same machine and the
same files: `python -m annales extract` end to end, and bench/spacy_baseline.py
(nlp.pipe of the same raw file texts with the same models, loaded through
annales.nlp.load). Both times are whole-process wall times, interpreter start
and model loading included; peak memory is the RSS of the process tree
(bench/measure.py). `ratio` is Annales docs/s divided by spaCy docs/s.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from pathlib import Path

import corpus
from measure import checked, extract_command, run_measured, warm_models

BENCH = Path(__file__).resolve().parent


def measure_throughput(docs: int, lang: str = "fr", workers: int = 1, seed: int = 0,
                       keep: Path | None = None, progress: bool = True, spacy_batch_size: int | None = None) -> dict:
    """Generate the corpus (untimed), then time Annales and bare spaCy on it."""
    generated = corpus.generate(docs, lang=lang, seed=seed)
    words = corpus.word_count(generated)
    with tempfile.TemporaryDirectory(prefix="annales-bench-") as tmp:
        folder = keep or Path(tmp)
        doc_dir, meta = corpus.write(generated, folder)
        log(progress, f"corpus: {docs} {lang} documents, {words} words in {folder}")
        warm_models()

        out = folder / "events.jsonl"
        a = checked(run_measured(extract_command(doc_dir, meta, out, workers), "annales", progress=progress),
                    "annales extract")
        stats = folder / "spacy.json"
        cmd = [sys.executable, str(BENCH / "spacy_baseline.py"), str(folder), "--workers", str(workers),
               "--out", str(stats)]
        if spacy_batch_size:
            cmd += ["--batch-size", str(spacy_batch_size)]
        s = checked(run_measured(cmd, "spacy", progress=progress), "spaCy baseline")
        spacy_stats = json.loads(stats.read_text())
        events = sum(1 for line in out.open(encoding="utf-8") if line.strip()) if out.exists() else 0
    ok = re.search(r"(\d+) ok", a.stderr)
    summary = [ln for ln in a.stderr.splitlines() if ln.startswith("extract:")]
    a_rate, s_rate = docs / a.seconds, docs / s.seconds
    return {
        "docs": docs, "words": words,
        "annales_docs_per_s": round(a_rate, 3), "spacy_docs_per_s": round(s_rate, 3),
        "ratio": round(a_rate / s_rate, 4),
        "annales_peak_rss_mb": round(a.peak_rss_mb, 1), "spacy_peak_rss_mb": round(s.peak_rss_mb, 1),
        "workers": workers,
        # extra keys: the raw figures behind the rates
        "lang": lang, "seed": seed,
        "annales_seconds": round(a.seconds, 3), "spacy_seconds": round(s.seconds, 3),
        "annales_words_per_s": round(words / a.seconds, 1), "spacy_words_per_s": round(words / s.seconds, 1),
        "spacy_load_seconds": round(spacy_stats["load_s"], 3), "spacy_parse_seconds": round(spacy_stats["parse_s"], 3),
        "spacy_batch_size": spacy_stats.get("batch_size"),
        "annales_ok_docs": int(ok.group(1)) if ok else None, "annales_events": events,
        "annales_summary": summary[-1] if summary else None,
    }


def log(progress: bool, msg: str) -> None:
    if progress:
        print(msg, file=sys.stderr, flush=True)


def report(r: dict) -> str:
    rows = [("", "docs/s", "words/s", "seconds", "peak RSS MB"),
            ("Annales", r["annales_docs_per_s"], r["annales_words_per_s"], r["annales_seconds"], r["annales_peak_rss_mb"]),
            ("bare spaCy", r["spacy_docs_per_s"], r["spacy_words_per_s"], r["spacy_seconds"], r["spacy_peak_rss_mb"])]
    lines = [f"{r['docs']} documents ({r['lang']}), {r['words']} words, {r['workers']} worker(s)"]
    lines += ["  ".join(f"{str(c):>12}" for c in row) for row in rows]
    lines.append(f"ratio Annales/spaCy (docs/s): {r['ratio']:.3f}   "
                 f"memory ratio: {r['annales_peak_rss_mb'] / max(r['spacy_peak_rss_mb'], 1e-9):.2f}")
    lines.append(f"(spaCy model loading {r['spacy_load_seconds']} s of {r['spacy_seconds']} s, "
                 f"nlp.pipe batch_size {r['spacy_batch_size']}; "
                 f"Annales: {r['annales_ok_docs']} documents ok, {r['annales_events']} events)")
    if r["annales_ok_docs"] != r["docs"]:
        lines.append(f"warning: not every document was processed: {r['annales_summary']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=2000, help="number of documents (default 2000)")
    ap.add_argument("--lang", choices=("fr", "en", "mixed"), default="fr")
    ap.add_argument("--workers", type=int, default=1, help="worker processes for both runs")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--spacy-batch-size", type=int, default=None,
                    help="nlp.pipe batch_size for the baseline (default: the model's; it buffers that many parsed "
                         "documents, which sets the baseline's memory)")
    ap.add_argument("--json", type=Path, help="write the figures as JSON here")
    ap.add_argument("--keep", type=Path, help="write the corpus here and keep it")
    ap.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    args = ap.parse_args(argv)
    if args.docs < 1 or args.workers < 1:
        ap.error("--docs and --workers must be at least 1")
    r = measure_throughput(args.docs, args.lang, args.workers, args.seed, args.keep, progress=not args.quiet,
                           spacy_batch_size=args.spacy_batch_size)
    print(report(r))
    if args.json:
        args.json.write_text(json.dumps(r, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
