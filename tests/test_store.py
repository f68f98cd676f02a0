"""The store's fusion bookkeeping: incremental fusion equals re-fusing everything."""
from __future__ import annotations

import copy
import hashlib
import sqlite3
from collections import defaultdict

from annales import fuse
from annales.model import Document, EventRecord, Published
from annales.store import MIGRATIONS, SCHEMA_VERSION, Store

from test_fuse import KIM, PRK, PUTIN, mention, seed_mentions, seed_published, when


def save(store: Store, doc_id: str, published: str | None, records: list[EventRecord], text: str = "") -> None:
    text = text or f"fixture text of {doc_id} " + " ".join(r.id for r in records)
    raw = text.encode("utf-8")
    doc = Document(id=doc_id, text=text, raw=text, published=Published(published, "day" if published else "unresolved",
                                                                        "metadata" if published else None),
                   content_hash=hashlib.sha256(raw).hexdigest(), language="en")
    store.save(doc, raw, records)


def timeline(store: Store) -> list[dict]:
    return store.fused_events()


def by_doc(records):
    out = defaultdict(list)
    for r in records:
        out[r.doc].append(r)
    return dict(sorted(out.items()))


def changed_003(records: list[EventRecord]) -> list[EventRecord]:
    """Document 003 as re-ingested with other content: the Putin visit gone, the treaty dated to the day."""
    out = []
    for r in copy.deepcopy(records):
        if r.id == "m003-5":
            continue
        if r.id == "m003-6":
            r.date.value, r.date.precision, r.date.earliest, r.date.latest = "2024-06-19", "day", "2024-06-19", "2024-06-19"
        out.append(r)
    return out


def test_one_by_one_equals_all_at_once(tmp_path):
    docs, pub = by_doc(seed_mentions()), seed_published()
    one = Store(tmp_path / "one.db")
    for doc_id in reversed(list(docs)):            # any arrival order
        save(one, doc_id, pub[doc_id], docs[doc_id])
        fuse.update(one, {doc_id})
    every = Store(tmp_path / "all.db")
    for doc_id, recs in docs.items():
        save(every, doc_id, pub[doc_id], recs)
    fuse.refuse_all(every)
    assert timeline(one) == timeline(every)
    assert len(timeline(one)) == len(fuse.fuse(seed_mentions(), pub))
    visit = next(e for e in timeline(one) if "m002-3" in e["mentions"])
    assert visit["mentions"] == ["m002-3", "m003-5"]

    # document 003 comes again with changed content
    doc3 = "003_1083638a956cab33.txt"
    new3 = changed_003(docs[doc3])
    save(one, doc3, pub[doc3], new3, text="changed")
    fuse.update(one, {doc3})
    save(every, doc3, pub[doc3], new3, text="changed")
    fuse.refuse_all(every)
    assert timeline(one) == timeline(every)
    events = timeline(one)
    visit = next(e for e in events if "m002-3" in e["mentions"])
    assert visit["mentions"] == ["m002-3"] and visit["sources"] == ["002_22806c8730f4f847.txt"]
    treaty = next(e for e in events if "m003-6" in e["mentions"])
    assert treaty["mentions"] == ["m002-4", "m003-6"] and treaty["date"]["value"] == "2024-06-19"
    assert not any("m003-5" in e["mentions"] for e in events)
    n_links = one.db.execute("SELECT COUNT(*) FROM fused_mentions").fetchone()[0]
    assert n_links == sum(len(e["mentions"]) for e in events)


def test_removing_an_event_lets_a_vague_report_join_the_other(tmp_path):
    """The vague June report fits two visits; when one is re-ingested away, it joins the other."""
    a = mention("a1", "a", "CONSULT", [PUTIN], [KIM], when("2024-06-10"), "visit")
    r = mention("r1", "r", "CONSULT", [PUTIN], [KIM], when("2024-06-19"), "visit")
    v = mention("v1", "v", "CONSULT", [PUTIN], [PRK], when("2024-06-01", "2024-06-30", "2024-06", "month"), "visit")
    inc, full = Store(tmp_path / "inc.db"), Store(tmp_path / "full.db")
    for store in (inc, full):
        for rec in (a, r, v):
            save(store, rec.doc, "2024-07-01", [rec])
            if store is inc:
                fuse.update(store, {rec.doc})
    fuse.refuse_all(full)
    assert timeline(inc) == timeline(full)
    assert sorted(len(e["mentions"]) for e in timeline(inc)) == [1, 1, 1]
    # r is re-ingested and now reports a phone call instead
    r2 = mention("r1", "r", "CONSULT", [PUTIN], [KIM], when("2024-06-19"), "phone")
    for store in (inc, full):
        save(store, "r", "2024-07-01", [r2], text="changed")
    fuse.update(inc, {"r"})
    fuse.refuse_all(full)
    assert timeline(inc) == timeline(full)
    joined = next(e for e in timeline(inc) if "v1" in e["mentions"])
    assert joined["mentions"] == ["a1", "v1"] and joined["date"]["value"] == "2024-06-10"


def test_update_finds_components_through_stored_keys(tmp_path):
    store = Store(tmp_path / "k.db")
    a = mention("a1", "a", "CONSULT", [PUTIN], [KIM], when("2024-06-19"), "visit")
    save(store, "a", "2024-06-20", [a])
    fuse.update(store, {"a"})
    keys = [r[0] for r in store.db.execute("SELECT key FROM mention_keys WHERE mention='a1'")]
    assert keys and all(k.startswith("F|CONSULT|") for k in keys)
    b = mention("b1", "b", "CONSULT", [PUTIN], [PRK], when("2024-06-19"), "visit")
    save(store, "b", "2024-06-21", [b])
    fuse.update(store, {"b"})
    [ev] = timeline(store)
    assert ev["sources"] == ["a", "b"] and ev["first_reported"] == "2024-06-20"
    assert store.fused_ids_for_docs({"a"}) == {ev["id"]}
    label = store.components_of({ev["id"]})
    assert len(label) == 1 and store.fused_ids_in_components(label) == {ev["id"]}


def test_a_version_1_database_is_migrated_and_refused(tmp_path):
    path = tmp_path / "v1.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE schema_version (version INTEGER NOT NULL, applied_at TEXT)")
    for stmt in MIGRATIONS[1]:
        con.execute(stmt)
    con.execute("INSERT INTO schema_version VALUES (1, 'then')")
    con.commit()
    con.close()
    store = Store(path)
    assert store.version() == SCHEMA_VERSION == 5
    # mentions stored by an older Annales (no blocking keys) are fused with the next document
    a = mention("a1", "a", "CONSULT", [PUTIN], [KIM], when("2024-06-19"), "visit")
    save(store, "a", "2024-06-20", [a])
    store.db.execute("DELETE FROM mention_keys")
    store.db.commit()
    assert store.needs_refuse()
    b = mention("b1", "b", "CONSULT", [PUTIN], [KIM], when("2024-06-19"), "visit")
    save(store, "b", "2024-06-20", [b])
    fuse.update(store, {"b"})
    assert [e["mentions"] for e in timeline(store)] == [["a1", "b1"]]
    assert not store.needs_refuse() and store.get_meta("fusion_keys") == fuse.KEYS_VERSION


def test_keys_of_another_version_are_rebuilt(tmp_path, monkeypatch):
    store = Store(tmp_path / "v.db")
    a = mention("a1", "a", "CONSULT", [PUTIN], [KIM], when("2024-06-19"), "visit")
    save(store, "a", "2024-06-20", [a])
    fuse.update(store, {"a"})
    store.db.execute("UPDATE mention_keys SET key = 'stale|' || key")
    store.db.commit()
    b = mention("b1", "b", "CONSULT", [PUTIN], [KIM], when("2024-06-19"), "visit")
    save(store, "b", "2024-06-20", [b])
    monkeypatch.setattr(fuse, "KEYS_VERSION", "next")       # the rules changed since a1 was keyed
    fuse.update(store, {"b"})
    assert [e["mentions"] for e in timeline(store)] == [["a1", "b1"]]
    assert not any(k.startswith("stale|") for (k,) in store.db.execute("SELECT key FROM mention_keys"))


def test_replace_fused_is_one_transaction_and_cascades(tmp_path):
    store = Store(tmp_path / "r.db")
    a = mention("a1", "a", "CONSULT", [PUTIN], [KIM], when("2024-06-19"), "visit")
    save(store, "a", "2024-06-20", [a])
    fuse.refuse_all(store)
    [ev] = timeline(store)
    store.replace_fused([ev["id"]], [])
    for table in ("fused_events", "fused_mentions", "fused_actors", "fused_sources"):
        assert store.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 0, table


def test_a_mention_that_cannot_be_fused_does_not_force_full_refusion(tmp_path, capsys):
    store = Store(tmp_path / "b.db")
    a = mention("a1", "a", "CONSULT", [PUTIN], [KIM], when("2024-06-19"), "visit")
    bad = mention("a2", "a", "CONSULT", [PUTIN], [KIM], when("2024-06-19"), "visit")
    bad.date.earliest = 20240619          # not a date string: compact() fails on it
    save(store, "a", "2024-06-20", [a, bad])
    fuse.update(store, {"a"})
    assert "skipped a mention of document a" in capsys.readouterr().err
    assert [e["mentions"] for e in timeline(store)] == [["a1"]]
    assert not store.needs_refuse()


def _random_corpus(rng) -> dict[str, list[EventRecord]]:
    """Dense random reports over few actors and two months, so that components overlap and split."""
    from test_fuse import country, person

    people = [person(f"P{i}", "RUS" if i % 2 else "PRK") for i in range(4)] + [country("RUS", "Russia"),
                                                                                country("PRK", "North Korea")]
    docs: dict[str, list[EventRecord]] = defaultdict(list)
    for n in range(70):
        day = rng.randint(1, 40)
        iso = f"2024-{6 + day // 31:02d}-{day % 31 or 1:02d}"
        kind = rng.random()
        date = (None if kind < 0.15 else
                when(iso[:7] + "-01", iso[:7] + ("-30" if iso[5:7] == "06" else "-31"), iso[:7], "month")
                if kind < 0.35 else when(iso))
        a, r = rng.sample(people, 2)
        doc = f"d{rng.randint(0, 14):02d}"
        docs[doc].append(mention(f"{doc}-m{n:03d}", doc, rng.choice(["CONSULT", "CONSULT", "AID"]),
                                 [a], [r] if rng.random() < 0.8 else [], date,
                                 mode="visit" if rng.random() < 0.5 else None,
                                 modality=rng.choice(["asserted", "asserted", "alleged", "denied", "planned"])))
    return dict(docs)


def test_incremental_fusion_equals_full_fusion_on_random_corpora(tmp_path):
    import random

    for seed in range(4):
        rng = random.Random(seed)
        docs = _random_corpus(rng)
        inc, full = Store(tmp_path / f"inc{seed}.db"), Store(tmp_path / f"full{seed}.db")
        order = list(docs)
        rng.shuffle(order)
        # re-ingest some documents with changed content: records dropped, dates moved
        changes = []
        for doc_id in rng.sample(order, 5):
            recs = copy.deepcopy(docs[doc_id])
            recs = [r for r in recs if rng.random() < 0.6]
            for r in recs:
                if r.date is not None and rng.random() < 0.5:
                    r.date = when("2024-06-15")
            changes.append((doc_id, recs))
        for doc_id, recs in [(d, docs[d]) for d in order] + changes:
            text = f"{doc_id} {len(recs)} " + " ".join(r.id for r in recs)
            for store in (inc, full):
                save(store, doc_id, "2024-07-20", recs, text=text)
            fuse.update(inc, {doc_id})
        fuse.refuse_all(full)
        assert timeline(inc) == timeline(full), f"seed {seed}"
        assert any(len(e["mentions"]) > 1 for e in timeline(full))


def test_an_event_keeps_its_id_when_a_later_source_joins(tmp_path):
    store = Store(tmp_path / "ids.db")
    # mention ids chosen so that the later report sorts first: the id must follow the first report
    a = mention("z-first", "a", "CONSULT", [PUTIN], [KIM], when("2024-06-19"), "visit")
    save(store, "a", "2024-06-19", [a])
    fuse.update(store, {"a"})
    [before] = timeline(store)
    b = mention("a-later", "b", "CONSULT", [PUTIN], [KIM], when("2024-06-19"), "visit")
    save(store, "b", "2024-06-22", [b])
    fuse.update(store, {"b"})
    [after] = timeline(store)
    assert after["sources"] == ["a", "b"] and after["id"] == before["id"]


def test_an_id_lost_in_a_merge_points_at_its_successor(tmp_path):
    store = Store(tmp_path / "alias.db")
    late = mention("m-late", "late", "CONSULT", [PUTIN], [KIM], when("2024-06-19"), "visit")
    save(store, "late", "2024-06-25", [late])
    fuse.update(store, {"late"})
    [old] = timeline(store)
    early = mention("m-early", "early", "CONSULT", [PUTIN], [KIM], when("2024-06-19"), "visit")
    save(store, "early", "2024-06-20", [early])      # an earlier report found later: the id moves
    fuse.update(store, {"early"})
    [new] = timeline(store)
    assert new["id"] != old["id"] and new["sources"] == ["early", "late"]
    assert store.current_id(old["id"]) == new["id"] and store.current_id(new["id"]) == new["id"]
    fuse.refuse_all(store)                          # a full rebuild keeps the redirect
    assert store.current_id(old["id"]) == new["id"]
    assert store.current_id("f-never-was") is None


def test_a_failed_refusion_leaves_the_whole_old_timeline(tmp_path, monkeypatch):
    store = Store(tmp_path / "tx.db")
    a = mention("a1", "a", "CONSULT", [PUTIN], [KIM], when("2024-06-19"), "visit")
    save(store, "a", "2024-06-20", [a])
    fuse.refuse_all(store)
    before = timeline(store)

    def broken(*args, **kw):
        raise RuntimeError("disk full")
    monkeypatch.setattr(store, "replace_fused", broken)
    try:
        fuse.refuse_all(store)
    except RuntimeError:
        pass
    else:
        raise AssertionError("the failure was swallowed")
    assert timeline(store) == before and store.unfused_docs() == []
    # a reader on another connection never saw an empty timeline in between: the clear was rolled back
    other = Store(tmp_path / "tx.db", readonly=True)
    assert len(other.fused_events()) == len(before)


def test_the_web_follows_an_old_event_id_to_its_successor(tmp_path):
    from fastapi.testclient import TestClient

    from annales.web.app import create_app

    path = tmp_path / "web-alias.db"
    store = Store(path)
    save(store, "late", "2024-06-25", [mention("m-late", "late", "CONSULT", [PUTIN], [KIM], when("2024-06-19"), "visit")])
    fuse.update(store, {"late"})
    [old] = timeline(store)
    save(store, "early", "2024-06-20", [mention("m-early", "early", "CONSULT", [PUTIN], [KIM], when("2024-06-19"), "visit")])
    fuse.update(store, {"early"})
    [new] = timeline(store)
    store.close()
    with TestClient(create_app(str(path)), base_url="http://localhost") as c:
        r = c.get(f"/api/events/{old['id']}", follow_redirects=False)
        assert r.status_code == 308 and r.headers["location"].endswith(f"/api/events/{new['id']}")
        assert c.get(f"/api/events/{old['id']}").json()["id"] == new["id"]
        page = c.get(f"/events/{old['id']}")
        assert page.status_code == 200 and page.url.path.endswith(new["id"])
        assert c.get("/api/events/f-never-was").status_code == 404
