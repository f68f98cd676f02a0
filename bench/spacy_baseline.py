"""The bare spaCy baseline: run the language pipelines over the raw file texts.

Usage: python bench/spacy_baseline.py FOLDER [--workers N] [--out STATS.json]

FOLDER is a corpus written by bench/corpus.py (docs/ and langs.jsonl). Each
text goes through the pipeline of its language, loaded through
annales.nlp.load exactly as Annales loads it; nothing else is done with the
parsed documents. bench/throughput.py runs this as a subprocess so that its
time and memory are measured the same way as `annales extract`.
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from annales import nlp


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--workers", type=int, default=1, help="nlp.pipe n_process")
    ap.add_argument("--batch-size", type=int, default=None,
                    help="nlp.pipe batch_size (default: the model's own)")
    ap.add_argument("--out", type=Path, help="write load and parse seconds here")
    args = ap.parse_args(argv)

    by_lang: dict[str, list[str]] = {}
    for line in (args.folder / "langs.jsonl").read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        text = (args.folder / "docs" / rec["file"]).read_text(encoding="utf-8")
        by_lang.setdefault(rec["lang"], []).append(text)

    t0 = time.perf_counter()
    pipes = {lang: nlp.load(lang) for lang in by_lang}
    t1 = time.perf_counter()
    parsed = 0
    for lang, texts in by_lang.items():
        for doc in pipes[lang].pipe(texts, n_process=max(1, args.workers), batch_size=args.batch_size):
            parsed += len(doc) > 0
    t2 = time.perf_counter()
    if args.out:
        batch = args.batch_size or min(p.batch_size for p in pipes.values())
        args.out.write_text(json.dumps({"load_s": t1 - t0, "parse_s": t2 - t1, "docs": parsed, "batch_size": batch}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
