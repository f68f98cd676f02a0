"""The temporal tagger against TimeML-annotated text, with the TempEval-3 measures.

    python bench/tempeval.py TML_DIR [--lang fr|en] [--json OUT] [--wrong]

Each `.tml` file is ISO-TimeML inline XML: `<DCT><TIMEX3 value=.../></DCT>` is the
document creation time (the anchor the tagger gets) and `<TEXT>` holds the text with
its `<TIMEX3 type=... value=...>` tags (French TimeBank in ../shared, the English set
in tests/data/timex). The tags are stripped, the plain text is tagged, and the
predictions are compared with the gold TIMEX3 of types DATE, TIME, DURATION and SET:

  extent strict   a prediction with exactly the gold span
  extent relaxed  a prediction overlapping the gold span (one-to-one, greedy)
  type            accuracy over the relaxed matches, and its attribute F1
                  (TempEval-3: relaxed F1 x accuracy)
  value           likewise for the normalised value
  spurious        predictions overlapping no gold TIMEX3 at all (as score_timex.py counts)

Our TimeExpr maps to TimeML as: kind "duration" -> DURATION, "set" -> SET, a value with
a clock time -> TIME, else DATE; value as it is (None where the text supports only a
range, which TimeML writes otherwise: such a value is never right).
"""
from __future__ import annotations

import argparse
import json
import pathlib
import sys
import xml.etree.ElementTree as ET

TYPES = ("DATE", "TIME", "DURATION", "SET")


def parse(path) -> tuple[str, str | None, str, list[dict]]:
    """(doc id, creation time, plain text, gold TIMEX3 spans) of one TimeML file."""
    root = ET.parse(path).getroot()
    dct_el = root.find("DCT/TIMEX3")
    dct = dct_el.get("value") if dct_el is not None else None
    out, spans = [], []

    def walk(el):
        if el.text:
            out.append(el.text)
        for ch in el:
            start = sum(map(len, out))
            walk(ch)
            if ch.tag == "TIMEX3":
                spans.append({"start": start, "end": sum(map(len, out)), "type": ch.get("type"),
                              "value": ch.get("value"), "text": "".join(out)[start:]})
            if ch.tail:
                out.append(ch.tail)

    walk(root.find("TEXT"))
    return root.findtext("DOCID") or pathlib.Path(path).stem, dct, "".join(out), spans


def timeml_type(t) -> str:
    if t.kind == "duration":
        return "DURATION"
    if t.kind == "set":
        return "SET"
    return "TIME" if t.value and "T" in t.value[4:] else "DATE"


def predict(text: str, lang: str, dct: str | None) -> list[dict]:
    from annales.timex import tag
    anchor = dct[:10] if dct else None
    return [{"start": t.start, "end": t.end, "type": timeml_type(t), "value": t.value, "text": t.text}
            for t in tag(text, lang, anchor)]


def _f1(right: int, npred: int, ngold: int) -> dict:
    p = right / npred if npred else 0.0
    r = right / ngold if ngold else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(2 * p * r / (p + r) if p + r else 0.0, 3)}


def score(docs: list[tuple[str, list[dict], list[dict]]]) -> dict:
    """docs: (doc id, gold spans, predicted spans). The TempEval-3 figures, overall and per type."""
    n_gold = n_pred = strict = relaxed = type_ok = value_ok = spurious = 0
    per = {t: {"gold": 0, "found": 0, "value_ok": 0} for t in TYPES}
    wrong = []
    for doc, gold, pred in docs:
        gold = [g for g in gold if g["type"] in TYPES]
        n_gold += len(gold)
        n_pred += len(pred)
        all_gold = gold
        spurious += sum(1 for q in pred if not any(q["start"] < g["end"] and g["start"] < q["end"] for g in all_gold))
        strict += sum(1 for g in gold if any((q["start"], q["end"]) == (g["start"], g["end"]) for q in pred))
        taken = set()
        for g in gold:
            per[g["type"]]["gold"] += 1
            hit = next((i for i, q in enumerate(pred) if i not in taken
                        and q["start"] < g["end"] and g["start"] < q["end"]), None)
            if hit is None:
                wrong.append(f'{doc}: missed {g["type"]} "{g["text"]}" {g["value"]}')
                continue
            taken.add(hit)
            q = pred[hit]
            relaxed += 1
            per[g["type"]]["found"] += 1
            type_ok += q["type"] == g["type"]
            same = str(q["value"]) == str(g["value"])
            value_ok += same
            per[g["type"]]["value_ok"] += same
            if not same or q["type"] != g["type"]:
                wrong.append(f'{doc}: "{g["text"]}" gold {g["type"]} {g["value"]} got {q["type"]} {q["value"]}')
    rel = _f1(relaxed, n_pred, n_gold)
    return {
        "gold": n_gold, "predicted": n_pred, "spurious": spurious,
        "strict": _f1(strict, n_pred, n_gold), "relaxed": rel,
        "type_accuracy": round(type_ok / relaxed, 3) if relaxed else 0.0,
        "type_f1": round(rel["f1"] * type_ok / relaxed, 3) if relaxed else 0.0,
        "value_accuracy": round(value_ok / relaxed, 3) if relaxed else 0.0,
        "value_f1": round(rel["f1"] * value_ok / relaxed, 3) if relaxed else 0.0,
        "per_type": {t: {**v, "recall": round(v["found"] / v["gold"], 3) if v["gold"] else None,
                         "value_recall": round(v["value_ok"] / v["gold"], 3) if v["gold"] else None}
                     for t, v in per.items()},
        "wrong": wrong,
    }


def run(tml_dir: str, lang: str) -> dict:
    docs = []
    for path in sorted(pathlib.Path(tml_dir).glob("*.tml")):
        doc, dct, text, gold = parse(path)
        docs.append((doc, gold, predict(text, lang, dct)))
    if not docs:
        raise SystemExit(f"no .tml file in {tml_dir}")
    res = score(docs)
    res["documents"] = len(docs)
    return res


def summary(res: dict) -> str:
    s, r = res["strict"], res["relaxed"]
    lines = [f'{t}: gold={v["gold"]} found={v["found"]} value_ok={v["value_ok"]}'
             for t, v in res["per_type"].items() if v["gold"]]
    lines.append(f'documents={res["documents"]} gold={res["gold"]} predicted={res["predicted"]} '
                 f'spurious={res["spurious"]} strict_p={s["precision"]} strict_r={s["recall"]} strict_f1={s["f1"]} '
                 f'relaxed_p={r["precision"]} relaxed_r={r["recall"]} relaxed_f1={r["f1"]} '
                 f'type_acc={res["type_accuracy"]} type_f1={res["type_f1"]} '
                 f'value_acc={res["value_accuracy"]} value_f1={res["value_f1"]}')
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("tml_dir")
    ap.add_argument("--lang", default="fr")
    ap.add_argument("--json", help="write the figures as JSON here")
    ap.add_argument("--wrong", action="store_true", help="list the missed and wrongly typed or valued expressions")
    args = ap.parse_args(argv)
    res = run(args.tml_dir, args.lang)
    if args.wrong:
        for w in res["wrong"]:
            print("wrong:", w)
    print(summary(res))
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(res, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
