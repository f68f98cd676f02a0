"""Shared fixtures: a small store built from hand-written documents and event records.

The store does not depend on cleaning or extraction quality: documents and
EventRecords come from tests/data/web/corpus.json (written for the tests), are
saved with Store.save, then fused by annales.fuse.refuse_all. Where fusion
gives nothing (or when a test asks for it), the fixture writes fused events
itself from the `group` field of the records, with conflicts where the
sources disagree.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from annales.model import (Actor, Conflict, Document, EventRecord, Evidence, FusedEvent, Published, TimeExpr,
                           actor_from_dict)
from annales.store import Store, actor_key

CORPUS = Path(__file__).parent / "data" / "web" / "corpus.json"


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


def _merge_actors(lists: list[list[Actor]]) -> list[Actor]:
    seen, out = set(), []
    for actors in lists:
        for a in actors:
            key = actor_key(a.to_dict())
            if key not in seen:
                seen.add(key)
                out.append(a)
    return out


def _conflicts(recs: list[EventRecord]) -> list[Conflict]:
    """Slots on which the grouped records disagree."""
    slots = {"date": lambda r: r.date.value if r.date else None,
             "quantity": lambda r: (r.quantity or {}).get("value"),
             "location": lambda r: (r.location or {}).get("name"),
             "modality": lambda r: r.modality}
    out = []
    for slot, get in slots.items():
        values: dict = {}
        for r in recs:
            if get(r) is not None:
                values.setdefault(get(r), []).append(r.doc)
        if len(values) > 1:
            out.append(Conflict(slot=slot, values=list(values), sources=[sorted(set(v)) for v in values.values()]))
    return out


def fixture_fused(built) -> list[FusedEvent]:
    """One fused event per `group` of records, as fusion would make them."""
    published = {doc.id: doc.published.value for doc, _, _, _ in built}
    groups: dict[str, list[EventRecord]] = {}
    for _, _, records, names in built:
        for rec, name in zip(records, names):
            groups.setdefault(name, []).append(rec)
    events = []
    for name, recs in groups.items():
        first = recs[0]
        sources = sorted({r.doc for r in recs})
        events.append(FusedEvent(
            id=f"fx-{name}", event=first.event, mode=first.mode, context=first.context,
            actor=_merge_actors([r.actor for r in recs]), recipient=_merge_actors([r.recipient for r in recs]),
            location=first.location, date=first.date, modality=first.modality, mentions=[r.id for r in recs],
            sources=sources, first_reported=min(published[s] for s in sources), conflicts=_conflicts(recs),
            quantity=first.quantity, confidence=0.8))
    return events


def build_store(path: Path, fusion: str = "auto") -> Path:
    """A store at `path` with the corpus; fusion 'auto' (refuse_all, else the fixture's) or 'fixture'."""
    built = build_documents(load_corpus())
    store = Store(path)
    try:
        for doc, raw, records, _ in built:
            store.save(doc, raw, records)
        if fusion == "auto":
            try:
                from annales.fuse import refuse_all
                refuse_all(store)
            except (ImportError, AttributeError):
                pass  # fusion not there yet: the fixture's fused events below
        if store.counts()["fused_events"] == 0:
            store.replace_fused([], fixture_fused(built))
    finally:
        store.close()
    return path


@pytest.fixture(scope="session")
def corpus() -> dict:
    return load_corpus()


@pytest.fixture(scope="session")
def web_db(tmp_path_factory) -> Path:
    """The corpus stored and fused by the real fusion (or the fixture's where fusion gives nothing)."""
    return build_store(tmp_path_factory.mktemp("web") / "annales.db")


@pytest.fixture(scope="session")
def fixture_db(tmp_path_factory) -> Path:
    """The corpus with the fixture's own fused events (known groups and conflicts)."""
    return build_store(tmp_path_factory.mktemp("web-fixture") / "annales.db", fusion="fixture")
