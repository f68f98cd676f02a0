"""Key dates on the Egypt corpus: Annales' top days against counting date mentions, in one run.

    python bench/timeline_egypt.py [--db FILE] [--corpus DIR] [--reference FILE] [--json]

Ingests ../shared/corpus/crisis-fr/egypt/ (or reuses --db if it exists), then writes two ranked
timelines of as many days as the reference has and scores both with ../shared/tools/score_timeline.py:

- baseline "count date mentions": days ranked by how many articles (then how many expressions) name
  them, each summarised by the first sentence naming it;
- Annales: `top_days` (fuse/days.py), salience-weighted days with their best evidence sentences and a
  generated description.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from annales.fuse.days import SECOND_SENTENCE_SOURCES, _documents, day_mentions, top_days  # noqa: E402
from annales.timex.tense import sentence_bounds  # noqa: E402

SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus" / "crisis-fr" / "egypt"
REFERENCE = SHARED / "corpus" / "crisis-fr" / "egypt.reference.txt"
SCORER = SHARED / "tools" / "score_timeline.py"


def reference_days(path: Path) -> int:
    return sum(1 for line in path.read_text(encoding="utf-8").splitlines()
               if len(line.strip()) == 10 and line[:2] in ("19", "20") and line[4] == "-")


def ingest(corpus: Path, db: Path) -> None:
    cmd = [sys.executable, "-m", "annales", "ingest", str(corpus), "--metadata", str(corpus / "metadata.jsonl"),
           "--db", str(db), "-q"]
    subprocess.run(cmd, check=True, env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"},
                   stderr=subprocess.DEVNULL)


def counting_baseline(store, k: int, budget: int = 0) -> list[dict]:
    """Days ranked by the number of articles naming them, then of expressions; the first sentence
    naming the day as summary (the first two for days named by `budget` or more articles, when
    `budget`: the sentence budget Annales uses, for a comparison at equal length)."""
    articles, mentions, first = defaultdict(set), defaultdict(int), defaultdict(list)
    for doc in _documents(store, None).values():
        for day, pos in day_mentions(doc):
            articles[day].add(doc["id"])
            mentions[day] += 1
            a, b = sentence_bounds(doc["text"], pos)
            s = " ".join(doc["text"][a:b].split())
            if len(first[day]) < 2 and s not in first[day]:
                first[day].append(s)
    ranked = sorted(articles, key=lambda d: (-len(articles[d]), -mentions[d], d))[:k]
    return [{"date": d, "summary": " ".join(first[d][:2 if budget and len(articles[d]) >= budget else 1])}
            for d in ranked]


def score(lines: list[dict], reference: Path) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as fh:
        for d in lines:
            fh.write(json.dumps({"date": d["date"], "summary": d["summary"]}, ensure_ascii=False) + "\n")
    out = subprocess.run([sys.executable, str(SCORER), str(reference), fh.name, "--json"],
                         check=True, capture_output=True, text=True).stdout
    Path(fh.name).unlink()
    return json.loads(out)


def run(db: Path, corpus: Path = CORPUS, reference: Path = REFERENCE) -> dict:
    from annales.store import Store

    if not db.exists():
        ingest(corpus, db)
    k = reference_days(reference)
    store = Store(db, readonly=True)
    try:
        base = counting_baseline(store, k)
        same_length = counting_baseline(store, k, SECOND_SENTENCE_SOURCES)
        ours = [d.to_dict() for d in top_days(store, k)]
    finally:
        store.close()
    return {"baseline": score(base, reference), "baseline_same_length": score(same_length, reference),
            "annales": score(ours, reference), "k": k}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", help="store to use (ingested first if missing; default: a temporary file)")
    ap.add_argument("--corpus", default=str(CORPUS))
    ap.add_argument("--reference", default=str(REFERENCE))
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(args.db) if args.db else Path(tmp) / "egypt.db"
        res = run(db, Path(args.corpus), Path(args.reference))
    if args.json:
        print(json.dumps(res))
        return 0
    labels = {"baseline": "count date mentions", "baseline_same_length": "counting, 2 sentences",
              "annales": "annales top days"}
    for name, label in labels.items():
        print(f"{label:<22} " + " ".join(f"{a}={b}" for a, b in res[name].items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
