"""Shared fixtures: a small store built from hand-written documents and event records.

The store does not depend on cleaning or extraction quality: documents and
EventRecords come from tests/data/web/corpus.json (written for the tests), are
saved with Store.save, then fused by annales.fuse.refuse_all: the web tests run
on real fusion output (the `group` field of a record says which records the
corpus author meant as one event; tests/test_api.py checks fusion against it).
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from annales.model import Document, EventRecord, Evidence, Published, TimeExpr, actor_from_dict
from annales.store import Store

CORPUS = Path(__file__).parent / "data" / "web" / "corpus.json"


def pytest_configure(config):
    """The tests never read the user's home: the knowledge base's user folder ($ANNALES_HOME/actors)
    is an empty temporary folder for the whole run, subprocesses included."""
    config._annales_home = tempfile.mkdtemp(prefix="annales-test-home-")
    os.environ["ANNALES_HOME"] = config._annales_home


def pytest_unconfigure(config):
    home = getattr(config, "_annales_home", None)
    if home:
        shutil.rmtree(home, ignore_errors=True)


def load_corpus() -> dict:
    return json.loads(CORPUS.read_text(encoding="utf-8"))


def _date(d: dict | None, text: str) -> TimeExpr | None:
    if not d:
        return None
    at = text.find(d.get("text") or "\0")
    value = d["value"]
    return TimeExpr(start=at, end=at + len(d.get("text") or ""), text=d.get("text") or "", value=value,
                    precision=d["precision"], earliest=d.get("earliest") or value, latest=d.get("latest") or value)


def _evidence(text: str, sentence: str, doc_id: str) -> Evidence:
    at = text.find(sentence)
    assert at >= 0, f"{doc_id}: evidence not in the text: {sentence[:60]}"
    return Evidence(text=sentence, start=at, end=at + len(sentence))


def build_documents(corpus: dict) -> list[tuple[Document, bytes, list[EventRecord], list[str]]]:
    """(document, raw bytes, records, group of each record) for every article of the corpus."""
    people = corpus["actors"]
    actors = lambda keys: [actor_from_dict(people[k]) for k in keys]  # noqa: E731
    out = []
    for d in corpus["documents"]:
        raw = d["text"].encode("utf-8")
        precision = {4: "year", 7: "month", 10: "day"}[len(d["published"])]
        doc = Document(id=d["id"], text=d["text"], raw=d["text"], kind="text", language=d["language"],
                       title=d["title"], published=Published(d["published"], precision, "metadata"),
                       outlet=d["outlet"], url=d["url"], content_hash=hashlib.sha256(raw).hexdigest())
        records, groups = [], []
        for i, e in enumerate(d["events"]):
            records.append(EventRecord(
                id=f"m-{d['id']}-{i}", doc=d["id"], event=e["event"], mode=e.get("mode"),
                context=e.get("context", []), actor=actors(e.get("actor", [])),
                recipient=actors(e.get("recipient", [])), location=e.get("location"),
                date=_date(e.get("date"), d["text"]), modality=e.get("modality", "asserted"),
                attributed_to=actors(e.get("attributed_to", [])), quantity=e.get("quantity"),
                evidence=[_evidence(d["text"], s, d["id"]) for s in e["evidence"]], confidence=0.8))
            groups.append(e.get("group") or records[-1].id)
        out.append((doc, raw, records, groups))
    return out


def build_store(path: Path) -> Path:
    """A store at `path` with the corpus, fused by the real fusion (annales.fuse.refuse_all)."""
    from annales.fuse import refuse_all

    built = build_documents(load_corpus())
    store = Store(path)
    try:
        for doc, raw, records, _ in built:
            store.save(doc, raw, records)
        refuse_all(store)
        fused = store.counts()["fused_events"]
    finally:
        store.close()
    # the web tests read what fusion made of the corpus; without it they would test nothing
    assert fused > 0, "fusion made no timeline event of the test corpus"
    return path


@pytest.fixture(scope="session")
def corpus() -> dict:
    return load_corpus()


@pytest.fixture(scope="session")
def web_db(tmp_path_factory) -> Path:
    """The corpus stored and fused by the real fusion."""
    return build_store(tmp_path_factory.mktemp("web") / "annales.db")
