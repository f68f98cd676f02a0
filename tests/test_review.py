"""Reviews: an analyst's corrections hold across re-ingest and re-fusion, in every view.

The store tests use the hand-written web corpus (tests/data/web, fused by the real fusion);
the acceptance test ingests a copy of the demo corpus examples/ with the real pipeline,
changes one article and re-ingests it.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from annales import fuse, review
from annales.cli import main
from annales.model import Document, EventRecord, Evidence, Published, TimeExpr
from annales.store import MIGRATIONS, Store
from annales.web.app import create_app

from conftest import build_store

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def store(tmp_path):
    s = Store(build_store(tmp_path / "r.db"))
    yield s
    s.close()


def _event(store, fid, original=False):
    return next((e for e in store.fused_events(original=original) if e["id"] == fid), None)


def _multi(store):
    return next(e for e in store.fused_events() if len(e["mentions"]) > 1)


def _singles(store, n):
    out = [e for e in store.fused_events() if len(e["mentions"]) == 1][:n]
    assert len(out) == n
    return out


# -- applying --------------------------------------------------------------------------------

def test_reject_and_edit_show_in_the_timeline_and_the_original_stays(store):
    a, b = _singles(store, 2)
    review.add(store, "reject", a["id"], who="ana", note="not an event")
    fields = review.edit_fields(date="2001-01-02", actors=["Sergei Shoigu"], modality="alleged")
    review.add(store, "edit", b["id"], who="ana", fields=fields)

    assert _event(store, a["id"]) is None                       # out of the reviewed timeline
    edited = _event(store, b["id"])
    assert edited["reviewed"] and edited["review"]["state"] == "edited"
    assert edited["date"]["earliest"] == edited["date"]["latest"] == "2001-01-02"
    assert [x["id"] for x in edited["actor"]] == ["sergei-shoigu"]     # linked to the knowledge base
    assert edited["modality"] == "alleged"
    # filters see the reviewed values
    assert [e["id"] for e in store.fused_events(actor="Shoigu", date_from="2001", date_to="2001")
            ] == [b["id"]]
    # the machine's timeline is still there, unreviewed
    assert _event(store, a["id"], original=True) == {**a, "reviewed": False}
    assert _event(store, b["id"], original=True) == {**b, "reviewed": False}


def test_a_new_type_drops_the_machine_mode_and_code(store):
    e = next(x for x in store.fused_events() if x["mode"] and x["event"] != "ACCUSE")
    review.add(store, "edit", e["id"], fields=review.edit_fields(event_type="accuse"))
    now = _event(store, e["id"])
    assert now["event"] == "ACCUSE" and now["mode"] is None and now["cameo"] is None
    assert [x["id"] for x in store.fused_events(event_type="ACCUSE")].count(e["id"]) == 1


def test_merge_and_split(store):
    m = _multi(store)
    x, y = [e for e in _singles(store, 3) if e["id"] != m["id"]][:2]
    split = review.add(store, "split", m["id"], mentions=m["mentions"][:1])
    part = _event(store, split["applied_to"])
    assert part["mentions"] == m["mentions"][:1] and part["split_from"] == m["id"]
    assert _event(store, m["id"])["mentions"] == m["mentions"][1:]

    review.add(store, "merge", x["id"], other=y["id"])
    merged = _event(store, x["id"])
    assert sorted(merged["mentions"]) == sorted(x["mentions"] + y["mentions"])
    assert set(merged["sources"]) == set(x["sources"]) | set(y["sources"])
    assert _event(store, y["id"]) is None
    assert _event(store, y["id"], original=True) is not None
    n_machine = len(store.fused_events(original=True))
    assert len(store.fused_events()) == n_machine              # one more (split), one fewer (merge)

    # the part a split made can be reviewed in turn; it never leaks into the machine's timeline
    review.add(store, "reject", part["id"])
    fuse.refuse_all(store)
    assert _event(store, part["id"]) is None and _event(store, part["id"], original=True) is None
    assert len(store.fused_events(original=True)) == n_machine
    assert len(store.fused_events()) == n_machine - 1


def test_reviews_hold_after_refusion_and_incremental_update_agrees(store, tmp_path):
    a, b = _singles(store, 2)
    review.add(store, "reject", a["id"])
    review.add(store, "edit", b["id"], fields=review.edit_fields(date="2024-06-19", place="Pyongyang",
                                                                  place_country="PRK"))
    m = _multi(store)
    review.add(store, "split", m["id"], mentions=m["mentions"][:1])
    reviewed = store.fused_events()
    fuse.refuse_all(store)
    assert store.fused_events() == reviewed
    # an incremental update of every document gives the same reviewed timeline
    docs = [r[0] for r in store.db.execute("SELECT id FROM documents")]
    fuse.update(store, set(docs[:2]))
    assert store.fused_events() == reviewed
    assert all(r["status"] == "applied" for r in review.log(store.db))


# -- surviving re-ingest ------------------------------------------------------------------------

SENTENCES = [
    "The defence ministers of France and Poland met in Warsaw on 4 March 2024.",
    "Poland promised France more ammunition on 5 March 2024.",
    "Their deputies held talks in Paris on 6 March 2024.",
]


def _doc(text: str, doc_id: str = "doc-a") -> tuple[Document, bytes, list[EventRecord]]:
    """A document and one record per sentence of SENTENCES found in it (ids hash offsets, as extraction's do)."""
    raw = text.encode()
    doc = Document(id=doc_id, text=text, raw=text, published=Published("2024-03-07", "day", "metadata"),
                   content_hash=hashlib.sha256(raw).hexdigest(), language="en")
    recs = []
    for n, s in enumerate(SENTENCES):
        at = text.find(s)
        if at < 0:
            continue
        day = f"2024-03-0{4 + n}"
        recs.append(EventRecord(
            doc=doc_id, event="CONSULT" if n != 1 else "SUPPORT", actor=[], recipient=[],
            date=TimeExpr(-1, -1, day, day, "day", day, day), evidence=[Evidence(s, at, at + len(s))],
            id=f"e-{hashlib.sha1(f'{doc_id}|{at}'.encode()).hexdigest()[:12]}", confidence=0.7))
    return doc, raw, recs


def _ingest(store, text):
    doc, raw, recs = _doc(text)
    store.save(doc, raw, recs)
    fuse.update(store, {doc.id})


def _holding(store, sentence):
    return next(e for e in store.fused_events() + store.fused_events(original=True)
                if any(m["evidence"][0]["text"] == sentence for m in store.mention_dicts()
                       if m["id"] in e["mentions"]))


def test_a_review_follows_its_mention_when_offsets_change_and_is_kept_when_it_vanishes(tmp_path):
    store = Store(tmp_path / "s.db")
    _ingest(store, " ".join(SENTENCES))
    first, second, third = (_holding(store, s) for s in SENTENCES)
    review.add(store, "reject", first["id"])
    review.add(store, "edit", second["id"], fields=review.edit_fields(date="2024-03-08"))
    review.add(store, "confirm", third["id"])

    # the article changes: a sentence before them all, the first event's sentence gone
    lost = store.apply_reviews()
    assert lost == []
    _ingest(store, "An editor's note opens the revised article. " + " ".join(SENTENCES[1:]))
    second_now = _holding(store, SENTENCES[1])
    assert second_now["mentions"] != second["mentions"]            # new offsets, new mention ids
    assert second_now["date"]["value"] == "2024-03-08" and second_now["reviewed"]
    assert _holding(store, SENTENCES[2])["review"]["state"] == "confirmed"
    log = {r["action"]: r for r in review.log(store.db)}
    assert log["reject"]["status"] == "orphaned" and "vanished" in log["reject"]["problem"]
    assert log["edit"]["status"] == log["confirm"]["status"] == "applied"
    assert "2024-03-08" in review.describe(log["edit"]) and "applies to" in review.describe(log["edit"])
    assert "NO LONGER APPLIES" in review.describe(log["reject"])

    # the sentence comes back: the kept review applies again
    _ingest(store, " ".join(SENTENCES) + " A closing line.")
    assert all(r["status"] == "applied" for r in review.log(store.db))
    assert _holding(store, SENTENCES[0])["id"] not in {e["id"] for e in store.fused_events()}
    store.close()


# -- checks and the schema ----------------------------------------------------------------------

def test_bad_reviews_are_refused_with_a_reason(store):
    e = _multi(store)
    with pytest.raises(review.ReviewError, match="no timeline event"):
        review.add(store, "reject", "f-nothing")
    with pytest.raises(review.ReviewError, match="does not exist"):
        review.edit_fields(date="2023-02-30")
    with pytest.raises(review.ReviewError, match="unknown event type"):
        review.edit_fields(event_type="PARTY")
    with pytest.raises(review.ReviewError, match="itself"):
        review.add(store, "merge", e["id"], other=e["id"])
    with pytest.raises(review.ReviewError, match="at least one mention"):
        review.add(store, "split", e["id"], mentions=e["mentions"])
    assert review.log(store.db) == []


def test_the_command_line_says_what_is_wrong(store, capsys):
    fid = _multi(store)["id"]
    db = store.path
    with pytest.raises(SystemExit, match="date 'soon' is not YYYY"):
        main(["review", "edit", fid, "--db", db, "--date", "soon"])
    with pytest.raises(SystemExit, match="an edit needs at least one field"):
        main(["review", "edit", fid, "--db", db])
    with pytest.raises(SystemExit, match="no timeline event 'f-gone'"):
        main(["review", "confirm", "f-gone", "--db", db])
    assert main(["review", "log", "--db", db]) == 0
    assert capsys.readouterr().out == ""


def test_a_store_from_before_reviews_is_migrated_or_read_as_it_is(tmp_path):
    path = tmp_path / "v4.db"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE schema_version (version INTEGER NOT NULL, applied_at TEXT)")
    for v in range(1, 5):
        for stmt in MIGRATIONS[v]:
            db.execute(stmt)
        db.execute("INSERT INTO schema_version VALUES (?, 'then')", (v,))
    db.commit()
    db.close()
    old = Store(path, readonly=True)
    assert old.fused_events() == [] and review.log(old.db) == []
    old.close()
    with Store(path) as s:
        assert s.version() == 5
        assert s.db.execute("SELECT COUNT(*) FROM reviews").fetchone()[0] == 0


# -- the web ----------------------------------------------------------------------------------

def test_web_reviews_need_the_token_and_a_writable_server(tmp_path):
    path = build_store(tmp_path / "w.db")
    app = create_app(str(path), writable=True, token="the-token")
    with TestClient(app, base_url="http://localhost") as c:
        fid = c.get("/api/events").json()["items"][0]["id"]
        form = {"event": fid, "action": "reject"}
        assert c.post("/reviews", data=form, follow_redirects=False).status_code == 403
        assert c.post("/reviews", data={**form, "token": "guess"}, follow_redirects=False).status_code == 403
        assert c.post("/api/reviews", json=form).status_code == 403
        assert c.post("/reviews", data={**form, "token": "the-token"}, follow_redirects=False,
                      headers={"Origin": "https://evil.example"}).status_code == 403
        assert c.get("/api/reviews").json()["total"] == 0
        page = c.get(f"/events/{fid}").text
        assert 'name="token" value="the-token"' in page and 'action="/reviews"' in page
        r = c.post("/reviews", data={**form, "token": "the-token"}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == f"/events/{fid}"
        assert fid not in [e["id"] for e in c.get("/api/events").json()["items"]]
        assert fid in [e["id"] for e in c.get("/api/events?original=1").json()["items"]]
        assert c.get(f"/api/events/{fid}").json()["review_state"] == "rejected"
        bad = c.post("/api/reviews", json={"event": fid, "action": "edit", "date": "soon"},
                     headers={"X-Annales-Token": "the-token"})
        assert bad.status_code == 422 and "soon" in bad.json()["detail"]
    # read-only by default: no controls, no token on the page, every write refused
    with TestClient(create_app(str(path)), base_url="http://localhost") as c:
        other = c.get("/api/events").json()["items"][0]["id"]
        assert "token" not in c.get(f"/events/{other}").text
        assert c.post("/api/reviews", json={"event": other, "action": "reject"},
                      headers={"X-Annales-Token": "the-token"}).status_code == 403
        assert c.get("/api/reviews").json()["total"] == 1


def test_exports_carry_the_reviewed_flag(store, tmp_path):
    from annales import export

    a = _singles(store, 1)[0]
    review.add(store, "confirm", a["id"])
    export.export(store, "jsonl", str(tmp_path / "e.jsonl"))
    rows = [json.loads(line) for line in (tmp_path / "e.jsonl").read_text().splitlines()]
    assert {r["id"]: r["reviewed"] for r in rows}[a["id"]] is True
    assert sum(r["reviewed"] for r in rows) == 1
    export.export(store, "csv", str(tmp_path / "e.csv"))
    lines = (tmp_path / "e.csv").read_text().splitlines()
    assert lines[0].endswith(",reviewed") and sum(line.endswith(",True") for line in lines) == 1
    plover = [json.loads(line) for line in (export.export(store, "plover", str(tmp_path / "p.jsonl")) and
                                              (tmp_path / "p.jsonl").read_text().splitlines())]
    assert [p["id"] for p in plover if p["reviewed"]] == [a["id"]]


# -- the acceptance: the command line over the demo corpus ----------------------------------------

def _events(db, *extra) -> list[dict]:
    from io import StringIO
    import contextlib

    out = StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["events", "--db", str(db), "--format", "jsonl", *extra]) == 0
    return [json.loads(line) for line in out.getvalue().splitlines()]


def _pick(db) -> tuple[str, list[dict]]:
    """A plain-text article with three one-article events on distinct sentences (document order)."""
    with Store(db, readonly=True) as s:
        mentions = {m["id"]: m for m in s.mention_dicts()}
        by_doc: dict[str, list] = {}
        for e in s.fused_events():
            if len(e["mentions"]) == 1 and e["sources"][0].endswith(".txt"):
                m = mentions[e["mentions"][0]]
                by_doc.setdefault(m["doc"], []).append((m["evidence"][0]["start"], m["evidence"][0]["text"], e))
    for doc, found in sorted(by_doc.items()):
        picked, used = [], set()
        for start, text, e in sorted(found, key=lambda x: x[0]):
            if text not in used:
                used.add(text)
                picked.append({"event": e, "sentence": text})
        if len(picked) >= 3:
            return doc, picked[:3]
    raise AssertionError("no article of examples/ has three events on distinct sentences")


def test_corrections_survive_reingest_and_fuse(tmp_path, capsys):
    corpus = tmp_path / "examples"
    shutil.copytree(ROOT / "examples", corpus)
    db = tmp_path / "a.db"
    ingest = ["ingest", str(corpus), "--metadata", str(corpus / "metadata.jsonl"), "--db", str(db), "-q"]
    assert main(ingest) == 0
    doc, (gone, rejected, edited) = _pick(db)
    assert main(["review", "reject", rejected["event"]["id"], "--db", str(db), "--note", "a rumour"]) == 0
    assert main(["review", "edit", edited["event"]["id"], "--db", str(db), "--date", "2023-07-26",
                 "--actor", "Sergei Shoigu", "--who", "ana"]) == 0
    assert main(["review", "confirm", gone["event"]["id"], "--db", str(db)]) == 0
    capsys.readouterr()

    # one article changed: the first reviewed event's sentence replaced by one that reports nothing
    path = next(p for p in corpus.rglob("*.txt") if p.name == Path(doc).name)
    text = path.read_text(encoding="utf-8")
    assert gone["sentence"] in text
    path.write_text(text.replace(gone["sentence"], "The editors revised this passage later on."), encoding="utf-8")
    assert main(ingest) == 0
    assert "review no longer applies" in capsys.readouterr().err
    assert main(["fuse", "--db", str(db)]) == 0
    err = capsys.readouterr().err
    assert "reviews: 2 of 3 apply" in err

    events = {e["id"]: e for e in _events(db)}
    with Store(db, readonly=True) as s:
        again = [m["id"] for m in s.mention_dicts() if m["evidence"][0]["text"] == rejected["sentence"]]
    assert again and again != rejected["event"]["mentions"]          # re-extracted at new offsets
    assert not any(set(again) & set(e["mentions"]) for e in events.values())
    now = next(e for e in events.values() if e["reviewed"] and e.get("review", {}).get("state") == "edited")
    assert now["date"]["value"] == "2023-07-26" and [a["name"] for a in now["actor"]] == ["Sergei Shoigu"]
    machine = {e["id"]: e for e in _events(db, "--original")}
    assert not any(e["reviewed"] for e in machine.values()) and len(machine) > len(events)

    assert main(["review", "log", "--db", str(db)]) == 0
    log = capsys.readouterr().out.splitlines()
    assert len(log) == 3
    assert "reject" in log[0] and "applies to" in log[0] and "a rumour" in log[0]
    assert "edit date=2023-07-26, actor=[Sergei Shoigu]" in log[1] and "applies to" in log[1]
    assert "confirm" in log[2] and "NO LONGER APPLIES" in log[2]
    assert main(["review", "list", "--db", str(db)]) == 0
    listed = capsys.readouterr().out
    assert "rejected" in listed and "edited" in listed
