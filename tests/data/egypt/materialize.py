#!/usr/bin/env python3
"""Turns the Egypt gold (offsets only) into scorer-ready JSON Lines (with the evidence sentence).

The gold in this folder carries no article text: each event points at its evidence sentence with
`evidence_span` [start, end], character offsets into the article file read as UTF-8. This script reads
the articles from ../shared/corpus/crisis-fr/egypt/ (next to the checkout) or from --corpus, checks
every span and writes each event with its `evidence` filled in, in the format of
../shared/gold/seeds.events.jsonl, so that ../shared/tools/score_events.py can use it.

usage: materialize.py GOLD.jsonl OUT.jsonl [--corpus DIR]
       e.g. python3 tests/data/egypt/materialize.py tests/data/egypt/gold.jsonl /tmp/egypt-gold.jsonl

Standard library only. Write OUT outside the repository (it holds article text).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_CORPUS = HERE.parents[2].parent / "shared" / "corpus" / "crisis-fr" / "egypt"


class GoldError(ValueError):
    """A gold line that does not fit its article."""


def read_gold(path: Path) -> list[dict]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise GoldError(f"{path}:{n}: not JSON ({exc})") from None
    return rows


def evidence_text(article: str, span, where: str) -> str:
    """The sentence under `span`; it must lie inside the article and inside one paragraph (line)."""
    if not (isinstance(span, list) and len(span) == 2 and all(isinstance(x, int) for x in span)):
        raise GoldError(f"{where}: evidence_span must be [start, end], got {span!r}")
    start, end = span
    if not 0 <= start < end <= len(article):
        raise GoldError(f"{where}: evidence_span {span} outside the article ({len(article)} characters)")
    text = article[start:end]
    if "\n" in text:
        raise GoldError(f"{where}: evidence_span {span} crosses a paragraph break")
    if not text.strip():
        raise GoldError(f"{where}: evidence_span {span} is blank")
    return text


def materialize(gold: list[dict], corpus: Path) -> list[dict]:
    articles: dict[str, str] = {}
    out = []
    for g in gold:
        where = f"{g.get('doc')} {g.get('id')}"
        if g["doc"] not in articles:
            path = corpus / g["doc"]
            if not path.is_file():
                raise GoldError(f"{where}: article not found: {path}")
            articles[g["doc"]] = path.read_text(encoding="utf-8")
        rec = dict(g)
        rec["evidence"] = evidence_text(articles[g["doc"]], g.get("evidence_span"), where)
        out.append(rec)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("gold", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                    help=f"folder of the Egypt articles (default {DEFAULT_CORPUS})")
    args = ap.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"materialize: corpus folder not found: {args.corpus}", file=sys.stderr)
        return 2
    try:
        records = materialize(read_gold(args.gold), args.corpus)
    except GoldError as exc:
        print(f"materialize: {exc}", file=sys.stderr)
        return 1
    with args.out.open("w", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    print(f"materialize: {len(records)} events from {len({r['doc'] for r in records})} articles -> {args.out}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
