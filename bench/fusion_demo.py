"""Fusion precision and recall on the demo corpus (examples/) against tests/data/fusion/demo.gold.jsonl.

    python bench/fusion_demo.py [--db FILE]

The gold lists the real-world events that several demo articles report, each mention named by its
document, event type and words of its evidence sentence; every other mention is its own event.
Measured over pairs of mentions from different documents (fusion never merges two records of one
document): a system pair is two mentions in one timeline event, a gold pair two mentions of one gold
event. Gold mentions the extractor did not produce are listed and left out of recall.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
GOLD = ROOT / "tests" / "data" / "fusion" / "demo.gold.jsonl"


def read_gold(path: Path = GOLD) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _matches(item: dict, m: dict) -> bool:
    words = item["words"].casefold()
    return (m["doc"] == item["doc"] and m["event"] == item["type"]
            and any(words in (e.get("text") or "").casefold() for e in m.get("evidence") or []))


def measure(mentions: list[dict], fused_of: dict[str, str], gold: list[dict]) -> dict:
    """Pairwise precision/recall of `fused_of` (mention id → timeline event id) against the gold."""
    event_of, missing = {}, []
    for g, ev in enumerate(gold):
        for item in ev["mentions"]:
            hits = [m for m in mentions if _matches(item, m)]
            if not hits:
                missing.append(f"{item['doc']} {item['type']} '{item['words']}'")
            for m in hits[:1]:
                event_of[m["id"]] = g
    doc = {m["id"]: m["doc"] for m in mentions}
    ids = sorted(doc)
    sys_pairs, gold_pairs = set(), set()
    for a, b in combinations(ids, 2):
        if doc[a] == doc[b]:
            continue
        if fused_of.get(a) is not None and fused_of.get(a) == fused_of.get(b):
            sys_pairs.add((a, b))
        if a in event_of and event_of.get(a) == event_of.get(b):
            gold_pairs.add((a, b))
    tp = len(sys_pairs & gold_pairs)
    p = tp / len(sys_pairs) if sys_pairs else 1.0
    r = tp / len(gold_pairs) if gold_pairs else 1.0
    return {"precision": round(p, 3), "recall": round(r, 3), "tp": tp, "fp": len(sys_pairs - gold_pairs),
            "fn": len(gold_pairs - sys_pairs), "missing_mentions": missing}


def run(db: Path) -> dict:
    from annales.store import Store

    if not db.exists():
        subprocess.run([sys.executable, "-m", "annales", "ingest", str(ROOT / "examples"), "--metadata",
                        str(ROOT / "examples" / "metadata.jsonl"), "--db", str(db), "-q"], check=True,
                       env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"}, stderr=subprocess.DEVNULL)
    store = Store(db, readonly=True)
    try:
        mentions = list(store.mention_dicts())
        fused_of = {m: f for f, m in store.db.execute("SELECT fused, mention FROM fused_mentions")}
    finally:
        store.close()
    return measure(mentions, fused_of, read_gold())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", help="demo store (ingested first if missing; default: a temporary file)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        res = run(Path(args.db) if args.db else Path(tmp) / "demo.db")
    missing = res.pop("missing_mentions")
    print("fusion on the demo: " + " ".join(f"{k}={v}" for k, v in res.items()))
    for m in missing:
        print("  not extracted:", m)
    return 0


if __name__ == "__main__":
    sys.exit(main())
