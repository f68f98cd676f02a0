"""The Egypt gold (tests/data/egypt/) is well-formed and fits the real articles in ../shared.

The gold holds offsets, not text: every `evidence_span` must fall inside its article and inside one
paragraph, every type must be a PLOVER type (read from the PLOVER conversion table in ../shared, not
from the code under test), dates must be ISO with earliest <= latest, and materialize.py must give
records the referee accepts: scoring the gold against itself must give F1 = 1.0.
A missing ../shared is a failure, not a skip: without it this gold cannot be checked or used.
"""
from __future__ import annotations

import datetime
import importlib.util
import json
import re
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data" / "egypt"
SHARED = Path(__file__).resolve().parents[2] / "shared"      # the clone sits next to ../shared
CORPUS = SHARED / "corpus" / "crisis-fr" / "egypt"
SCORER = SHARED / "tools" / "score_events.py"
PLOVER_TABLE = SHARED / "design" / "plover" / "CAMEO2PLOVER-2021.txt"
SPLITS = ("gold.jsonl", "gold-test.jsonl")
MODALITIES = {"asserted", "alleged", "denied", "planned", "possible", "hypothetical", "negated"}
ACTOR_TYPES = {"person", "organization", "country", "group"}


@pytest.fixture(autouse=True)
def _shared_is_there():
    assert CORPUS.is_dir() and SCORER.is_file() and PLOVER_TABLE.is_file(), \
        f"Egypt corpus, referee or PLOVER table missing under {SHARED}"


def _load(path: Path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _gold(name: str) -> list[dict]:
    return [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines() if line.strip()]


def _plover_types() -> set[str]:
    text = PLOVER_TABLE.read_text(encoding="utf-8")
    return set(re.findall(r"^\d+:\s*([A-Z]+)", text, flags=re.M))


def _day(value: str, where: str) -> datetime.date:
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", value or ""), f"{where}: not an ISO day: {value!r}"
    return datetime.date.fromisoformat(value)


def test_plover_table_gives_the_sixteen_types():
    assert len(_plover_types()) == 16


@pytest.mark.parametrize("name", SPLITS)
def test_every_doc_exists_and_every_span_is_one_sentence_of_it(name):
    metadata = {json.loads(line)["file"] for line in (CORPUS / "metadata.jsonl").read_text(encoding="utf-8").splitlines()
                if line.strip()}
    for g in _gold(name):
        where = f"{name} {g['id']}"
        assert "evidence" not in g, f"{where}: article text must not be stored in the repository"
        assert g["doc"] in metadata, f"{where}: {g['doc']} is not a document of the corpus"
        article = (CORPUS / g["doc"]).read_text(encoding="utf-8")
        start, end = g["evidence_span"]
        assert 0 <= start < end <= len(article), f"{where}: span {g['evidence_span']} outside the file"
        sentence = article[start:end]
        assert "\n" not in sentence, f"{where}: span crosses a paragraph break"
        assert sentence.strip() == sentence and len(sentence) > 10, f"{where}: span is not a trimmed sentence"


@pytest.mark.parametrize("name", SPLITS)
def test_fields_types_dates_and_actors_are_well_formed(name):
    types = _plover_types()
    for g in _gold(name):
        where = f"{name} {g['id']}"
        assert g["event"] in types, f"{where}: {g['event']} is not a PLOVER type"
        assert set(g.get("alt_events") or []) <= types - {g["event"]}, f"{where}: bad alt_events"
        assert g["modality"] in MODALITIES, where
        assert isinstance(g["main"], bool) and isinstance(g["optional"], bool), where
        assert not (g["main"] and g["optional"]), f"{where}: a main event cannot be optional"
        for actor in g["actor"] + g["recipient"] + g["attributed_to"]:
            assert actor["name"] and actor["type"] in ACTOR_TYPES, f"{where}: bad actor {actor}"
            assert actor["country"] is None or re.fullmatch(r"[A-Z]{3}", actor["country"]), where
        assert g["actor"], f"{where}: no actor"
        d = g["date"]
        if d is None:
            continue
        lo, hi = _day(d["earliest"], where), _day(d["latest"], where)
        assert lo <= hi, f"{where}: earliest after latest"
        if d["value"] is not None:
            assert re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", d["value"]), f"{where}: bad value {d['value']!r}"
            assert d["earliest"].startswith(d["value"]) and d["latest"].startswith(d["value"]), \
                f"{where}: value {d['value']} not the range {lo}..{hi}"


def test_ids_are_unique_and_the_splits_share_no_article():
    dev, test = _gold(SPLITS[0]), _gold(SPLITS[1])
    ids = [g["id"] for g in dev + test]
    assert len(ids) == len(set(ids))
    dev_docs, test_docs = {g["doc"] for g in dev}, {g["doc"] for g in test}
    assert not dev_docs & test_docs
    assert len(dev_docs) + len(test_docs) >= 20      # issue 13 asks for at least 20 annotated articles
    for doc in dev_docs | test_docs:
        assert any(g["main"] for g in dev + test if g["doc"] == doc), f"{doc}: no main event"


@pytest.mark.parametrize("name", SPLITS)
def test_materialized_gold_scores_one_against_itself(name, tmp_path):
    materialize, scorer = _load(DATA / "materialize.py"), _load(SCORER)
    out = tmp_path / "gold.jsonl"
    assert materialize.main([str(DATA / name), str(out)]) == 0
    records = scorer.load(str(out))
    assert len(records) == len(_gold(name))
    for rec in records:
        start, end = rec["evidence_span"]
        assert rec["evidence"] == (CORPUS / rec["doc"]).read_text(encoding="utf-8")[start:end]
    result = scorer.score(records, records)
    assert result["f1"] == 1.0 and result["strict_f1"] == 1.0, result
    assert result["tp"] == sum(not g["optional"] for g in records)


def test_materialize_names_the_event_whose_span_does_not_fit(tmp_path):
    materialize = _load(DATA / "materialize.py")
    line = dict(_gold(SPLITS[0])[0])
    article = (CORPUS / line["doc"]).read_text(encoding="utf-8")
    line["evidence_span"] = [len(article) - 5, len(article) + 40]
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(line) + "\n", encoding="utf-8")
    with pytest.raises(materialize.GoldError, match=re.escape(line["id"])):
        materialize.materialize(materialize.read_gold(bad), CORPUS)
