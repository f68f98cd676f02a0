"""Per-event-type precision, recall, F1 and strict F1 from the reference scorer's own pairing.

usage: python bench/score_by_type.py GOLD.jsonl PRED.jsonl [--min-confidence X]

Pairs gold and predicted records exactly as ../shared/tools/score_events.py does (required gold
first, strict match before lenient, greedy one-to-one per document), then counts per type: a
true positive under the gold type, a false positive under the predicted type, a miss under the
gold type. Optional gold matched by nothing is not a miss; a prediction it absorbs is not extra.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
from collections import defaultdict
from pathlib import Path

SCORER = Path(__file__).resolve().parents[1] / ".." / "shared" / "tools" / "score_events.py"


def _scorer():
    spec = importlib.util.spec_from_file_location("score_events", SCORER)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def by_type(gold: list[dict], pred: list[dict], sc) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = defaultdict(lambda: {"tp": 0, "fp": 0, "fn": 0, "tp_strict": 0})
    docs: dict[str, tuple[list, list]] = {}
    for g in gold:
        docs.setdefault(g["doc"], ([], []))[0].append(g)
    for p in pred:
        if p.get("doc") in docs:
            docs[p["doc"]][1].append(p)
    for gs, ps in docs.values():
        taken: set[int] = set()
        for g in sorted(gs, key=lambda g: g.get("optional", False)):
            hit = next((i for i, p in enumerate(ps) if i not in taken and sc.strict(g, p)), None)
            if hit is None:
                hit = next((i for i, p in enumerate(ps) if i not in taken and sc.lenient(g, p)), None)
            if hit is None:
                if not g.get("optional"):
                    counts[g["event"]]["fn"] += 1
                continue
            taken.add(hit)
            if not g.get("optional"):
                counts[g["event"]]["tp"] += 1
                counts[g["event"]]["tp_strict"] += bool(sc.strict(g, ps[hit]))
        for i, p in enumerate(ps):
            if i not in taken:
                counts[p.get("event")]["fp"] += 1
    return counts


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("gold")
    ap.add_argument("pred")
    ap.add_argument("--min-confidence", type=float, default=None,
                    help="drop predictions below this confidence before scoring")
    a = ap.parse_args()
    sc = _scorer()
    gold, pred = sc.load(a.gold), sc.load(a.pred)
    if a.min_confidence is not None:
        pred = [p for p in pred if (p.get("confidence") or 0) >= a.min_confidence]
    counts = by_type(gold, pred, sc)
    print(f"{'type':<10} {'tp':>3} {'fp':>3} {'fn':>3}  {'P':>5} {'R':>5} {'F1':>5} {'strict':>6}")
    tot = {"tp": 0, "fp": 0, "fn": 0, "tp_strict": 0}
    for t in sorted(counts):
        c = counts[t]
        for k in tot:
            tot[k] += c[k]
        p, r, f = _prf(c["tp"], c["fp"], c["fn"])
        s = _prf(c["tp_strict"], c["fp"] + c["tp"] - c["tp_strict"], c["fn"] + c["tp"] - c["tp_strict"])[2]
        print(f"{t:<10} {c['tp']:>3} {c['fp']:>3} {c['fn']:>3}  {p:5.2f} {r:5.2f} {f:5.2f} {s:6.2f}")
    p, r, f = _prf(tot["tp"], tot["fp"], tot["fn"])
    s = _prf(tot["tp_strict"], tot["fp"] + tot["tp"] - tot["tp_strict"], tot["fn"] + tot["tp"] - tot["tp_strict"])[2]
    print(f"{'all':<10} {tot['tp']:>3} {tot['fp']:>3} {tot['fn']:>3}  {p:5.2f} {r:5.2f} {f:5.2f} {s:6.2f}")
    print(json.dumps({"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3), "strict_f1": round(s, 3)}))


if __name__ == "__main__":
    main()
