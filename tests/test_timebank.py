"""The tagger on the French TimeBank half kept in ../shared (read at test time, never copied).

Exports the corpus with the shared scorer, tags every text with its document
creation time as anchor, scores with the same scorer and prints its last line.
"""
from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import re
from pathlib import Path

from annales.timex import tag

SHARED = Path(__file__).resolve().parents[2] / "shared"
CORPUS = SHARED / "corpus" / "fr-timebank"
SCORER = SHARED / "tools" / "score_timex.py"

MIN_ACCURACY = 0.93
MAX_SPURIOUS = 13


def _scorer():
    spec = importlib.util.spec_from_file_location("score_timex", SCORER)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_french_timebank(tmp_path):
    assert CORPUS.is_dir() and SCORER.is_file(), f"French TimeBank or scorer missing under {SHARED}"
    scorer = _scorer()
    export = tmp_path / "tb"
    with contextlib.redirect_stdout(io.StringIO()):
        scorer.export(str(CORPUS), str(export))
    pred = tmp_path / "pred.jsonl"
    n = 0
    with pred.open("w", encoding="utf-8") as out:
        for line in (export / "metadata.jsonl").read_text(encoding="utf-8").splitlines():
            meta = json.loads(line)
            text = (export / meta["file"]).read_text(encoding="utf-8")
            for e in tag(text, "fr", meta["published"]):
                out.write(json.dumps({"doc": meta["file"], "start": e.start, "end": e.end, "text": e.text,
                                      "value": e.value, "precision": e.precision, "earliest": e.earliest,
                                      "latest": e.latest}, ensure_ascii=False) + "\n")
                n += 1
    assert n > 0
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        scorer.score(str(CORPUS), str(pred))
    last = buf.getvalue().strip().splitlines()[-1]
    print(last)
    acc = float(re.search(r"date_value_accuracy=([\d.]+)", last).group(1))
    spurious = int(re.search(r"spurious=(\d+)", last).group(1))
    assert acc >= MIN_ACCURACY, buf.getvalue()
    assert spurious <= MAX_SPURIOUS, last
