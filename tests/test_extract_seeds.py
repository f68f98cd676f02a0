"""The seed articles, scored with the referee (shared/tools/score_events.py) against the gold.

Floors are what the extractor was measured at (lenient F1 0.98, strict F1 0.83, 7/7 main
events, date accuracy 0.87, modality accuracy 0.94 on 2026-11-23, with the linker and time
tagger of that day), rounded down a little.
"""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from annales.clean import clean
from annales.extract import confident, extract
from annales.model import RawDoc
from annales.sources import read_paths

SHARED = Path(__file__).resolve().parents[2] / "shared"      # the clone sits next to ../shared
SEEDS = SHARED / "corpus" / "seeds"
GOLD = SHARED / "gold" / "seeds.events.jsonl"
SCORER = SHARED / "tools" / "score_events.py"



@pytest.fixture(autouse=True)
def _shared_is_there():
    # a missing ../shared is a failure, not a skip: these figures are the acceptance
    assert SEEDS.exists() and GOLD.exists() and SCORER.exists(), f"seeds, gold or referee missing under {SHARED}"


def _scorer():
    spec = importlib.util.spec_from_file_location("score_events", SCORER)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def predicted():
    out = []
    for raw in read_paths([str(SEEDS)], str(SEEDS / "metadata.jsonl")):
        assert isinstance(raw, RawDoc), raw
        out.extend(r.to_dict() for r in confident(extract(clean(raw))))   # what the CLI emits
    return out


@pytest.fixture(scope="module")
def scores(predicted):
    gold = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    return _scorer().score(gold, predicted)


def test_seed_scores_reach_the_floors(scores):
    assert scores["f1"] >= 0.85, scores
    assert scores["strict_f1"] >= 0.75, scores
    assert scores["main_recall"] == "7/7", scores
    assert scores["date_accuracy"] >= 0.85, scores
    assert scores["modality_accuracy"] >= 0.90, scores


def test_records_are_well_formed(predicted):
    assert predicted
    ids = [r["id"] for r in predicted]
    assert len(ids) == len(set(ids))
    for r in predicted:
        assert r["evidence"] and r["cameo"] and 0 < r["confidence"] <= 1
        assert r["actor"] or r["recipient"]
        text = (SEEDS / r["doc"]).read_text(encoding="utf-8")
        for ev in r["evidence"]:
            # evidence offsets point into the cleaned text, whose sentences come from the raw file
            assert ev["text"] in text
