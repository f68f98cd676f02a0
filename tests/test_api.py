"""The JSON API and the server-rendered pages, through FastAPI's TestClient."""
from __future__ import annotations

import csv
import hashlib
import io
import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from annales.model import Document, EventRecord, Evidence, Published
from annales.store import Store
from annales.web.app import create_app

ROOT = Path(__file__).resolve().parents[1]
XSS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>']


@pytest.fixture(scope="module")
def client(web_db):
    with TestClient(create_app(str(web_db)), base_url="http://localhost") as c:
        yield c


@pytest.fixture(scope="module")
def all_events(client):
    return client.get("/api/events", params={"limit": 500}).json()["items"]


def names(ev: dict) -> list[str]:
    return [a["name"] for a in ev["actor"] + ev["recipient"]]


def first_day(ev: dict) -> str:
    d = ev.get("date") or {}
    return d.get("earliest") or d.get("value") or "9999"


def fused_of(client, doc_id: str) -> list[str]:
    doc = client.get("/api/documents/" + quote(doc_id, safe="")).json()
    return [f for m in doc["mentions"] for f in m["fused"]]


# -- events ----------------------------------------------------------------------------

def test_events_are_chronological_with_a_summary(client, web_db, all_events):
    con = sqlite3.connect(web_db)
    stored = con.execute("SELECT COUNT(*) FROM fused_events").fetchone()[0]
    body = client.get("/api/events").json()
    assert body["total"] == stored == len(all_events)
    days = [first_day(e) for e in all_events]
    assert days == sorted(days)
    for ev in all_events:
        assert ev["sources"] and ev["mentions"]
        assert ev["summary"]  # an evidence sentence of one of its mentions


def test_pagination_slices_the_same_list(client, all_events):
    seen = []
    for offset in range(0, len(all_events), 3):
        page = client.get("/api/events", params={"limit": 3, "offset": offset}).json()
        assert page["total"] == len(all_events) and page["limit"] == 3 and page["offset"] == offset
        seen += [e["id"] for e in page["items"]]
    assert seen == [e["id"] for e in all_events]


def test_filter_by_actor_name_or_id(client, all_events):
    by_name = client.get("/api/events", params={"actor": "Kim Jong"}).json()["items"]
    by_id = client.get("/api/events", params={"actor": "kim-jong-un"}).json()["items"]
    expected = [e["id"] for e in all_events if any("Kim Jong Un" == n for n in names(e))]
    assert len(expected) >= 3
    assert [e["id"] for e in by_name] == expected == [e["id"] for e in by_id]


def test_filter_by_country_type_modality(client, all_events):
    prk = client.get("/api/events", params={"country": "prk"}).json()["items"]
    assert prk and len(prk) < len(all_events)
    for ev in prk:
        places = [a.get("country") for a in ev["actor"] + ev["recipient"]] + [(ev["location"] or {}).get("country")]
        assert "PRK" in places
    support = client.get("/api/events", params={"type": "support"}).json()["items"]
    assert support and all(e["event"] == "SUPPORT" for e in support)
    alleged = client.get("/api/events", params={"modality": "alleged"}).json()["items"]
    assert alleged and all(e["modality"] == "alleged" for e in alleged)
    assert len(alleged) == sum(e["modality"] == "alleged" for e in all_events)


def test_confidence_floor_and_an_empty_form_field(client, all_events):
    # a submitted form sends every field: an empty floor is no floor
    empty = client.get("/api/events", params={"min_confidence": ""}).json()["items"]
    assert [e["id"] for e in empty] == [e["id"] for e in all_events]
    confidences = sorted(e["confidence"] for e in all_events)
    floor = confidences[len(confidences) // 2]
    kept = client.get("/api/events", params={"min_confidence": str(floor)}).json()["items"]
    assert 0 < len(kept) <= len(all_events)
    assert {e["id"] for e in kept} == {e["id"] for e in all_events if e["confidence"] >= floor}


def test_filter_by_dates_keeps_overlapping_events(client, all_events):
    june = client.get("/api/events", params={"from": "2024-06", "to": "2024-06"}).json()["items"]
    assert june
    for ev in june:
        assert ev["date"]["earliest"] <= "2024-06-30" and ev["date"]["latest"] >= "2024-06-01"
    year = client.get("/api/events", params={"from": "2023", "to": "2023"}).json()["items"]
    assert {e["id"] for e in year} == {e["id"] for e in all_events if first_day(e).startswith("2023")}
    # a month-precision event (October 2024) overlaps a day inside it
    oct10 = client.get("/api/events", params={"from": "2024-10-10", "to": "2024-10-10"}).json()["items"]
    assert any(e["date"]["precision"] == "month" for e in oct10)


def test_filter_by_source_outlet_or_document(client, corpus):
    outlet_docs = {d["id"] for d in corpus["documents"] if d["outlet"] == "Courrier d'Asie"}
    items = client.get("/api/events", params={"source": "Courrier d'Asie"}).json()["items"]
    assert items and all(set(e["sources"]) & outlet_docs for e in items)
    one = client.get("/api/events", params={"source": "seoul-wire/en-lavrov-2023.txt"}).json()["items"]
    assert len(one) == 1 and one[0]["sources"] == ["seoul-wire/en-lavrov-2023.txt"]


@pytest.mark.parametrize("query,param", [
    ({"from": "2024-13"}, "from"), ({"from": "yesterday"}, "from"), ({"to": "2024-02-30"}, "to"),
    ({"type": "MEET"}, "type"), ({"modality": "certain"}, "modality"), ({"country": "Korea"}, "country"),
    ({"limit": "501"}, "limit"), ({"limit": "0"}, "limit"), ({"limit": "many"}, "limit"), ({"offset": "-1"}, "offset"),
    ({"from": "2025", "to": "2024"}, "from"), ({"actor": "x" * 300}, "actor"),
    ({"min_confidence": "1.5"}, "min_confidence"), ({"min_confidence": "high"}, "min_confidence"),
])
def test_bad_event_parameters_are_refused_by_name(client, query, param):
    r = client.get("/api/events", params=query)
    assert r.status_code == 422
    assert f"'{param}'" in r.json()["detail"]


def test_one_event_with_its_evidence_located(client, corpus):
    fused = fused_of(client, "fr-traite-2024.txt")
    assert fused
    ev = client.get("/api/events/" + quote(fused[0], safe="")).json()
    assert ev["id"] == fused[0]
    assert {d["id"] for d in ev["documents"]} == set(ev["sources"])
    texts = {d["id"]: d["text"] for d in corpus["documents"]}
    for d in ev["documents"]:
        for m in d["mentions"]:
            for e in m["evidence"]:
                assert e["found"]
                assert texts[d["id"]][e["start"]:e["end"]] == e["text"]


def test_unknown_event_is_404(client):
    r = client.get("/api/events/no-such-event")
    assert r.status_code == 404 and "no-such-event" in r.json()["detail"]


def test_periods_count_every_dated_event(client, all_events):
    body = client.get("/api/periods", params={"group": "month"}).json()
    periods = [p["period"] for p in body["periods"]]
    assert periods == sorted(periods) and len(set(periods)) == len(periods)
    assert sum(p["count"] for p in body["periods"]) == sum(first_day(e) != "9999" for e in all_events)
    assert client.get("/api/periods", params={"group": "week"}).status_code == 422


# -- actors ------------------------------------------------------------------------------

def test_actors_most_eventful_first(client):
    body = client.get("/api/actors").json()
    counts = [a["n_events"] for a in body["items"]]
    assert counts == sorted(counts, reverse=True) and body["total"] == len(body["items"])
    assert body["items"][0]["id"] == "kim-jong-un"
    found = client.get("/api/actors", params={"q": "shoi"}).json()["items"]
    assert [a["id"] for a in found] == ["sergei-shoigu"]
    assert all(a["country"] == "UKR" for a in client.get("/api/actors", params={"country": "UKR"}).json()["items"])
    assert client.get("/api/actors", params={"type": "planet"}).status_code == 422


def test_actor_page_data(client, all_events):
    a = client.get("/api/actors/kim-jong-un").json()
    mine = [e for e in all_events if "kim-jong-un" in [x.get("id") for x in e["actor"] + e["recipient"]]]
    assert a["name"] == "Kim Jong Un" and a["n_events"] == len(mine) == a["events"]["total"]
    assert sum(p["count"] for p in a["periods"]) == len(mine)
    partners = {p["id"]: p["weight"] for p in a["partners"]}
    with_putin = [e for e in mine if "Vladimir Putin" in names(e)]
    assert partners["vladimir-putin"] == len(with_putin)
    assert isinstance(a["roles"], list)
    assert client.get("/api/actors/nobody").status_code == 404


class FakeKB:
    """A knowledge base as annales.actors.kb shapes it: get(id) -> entity with roles, role_label(role)."""

    class Role:
        def __init__(self, role, of, start, end):
            self.role, self.of, self.start, self.end, self.to, self.portfolio = role, of, start, end, None, None

    class Entity:
        roles = []

    def get(self, actor_id):
        if actor_id != "sergei-shoigu":
            return None
        e = self.Entity()
        e.roles = [self.Role("security_council_secretary", "RUS", "2024-05-12", None),
                   self.Role("defence_minister", "RUS", "2012-11-06", "2024-05-12")]
        return e

    def role_label(self, role):
        return role.role.replace("_", " ") + " of " + role.of


def test_actor_roles_come_from_the_knowledge_base(client, monkeypatch):
    from annales.web import kb
    monkeypatch.setattr(kb, "_kb", lambda: FakeKB())
    roles = client.get("/api/actors/sergei-shoigu").json()["roles"]
    assert [(r["role"], r["start"], r["end"]) for r in roles] == [
        ("defence_minister", "2012-11-06", "2024-05-12"), ("security_council_secretary", "2024-05-12", None)]
    html = client.get("/actors/sergei-shoigu").text
    assert "defence minister of RUS" in html and "in office" in html
    assert client.get("/api/actors/kim-jong-un").json()["roles"] == []  # unknown to this base


def test_actor_page_without_a_knowledge_base(client, monkeypatch):
    from annales.web import kb
    monkeypatch.setattr(kb, "_kb", lambda: None)
    assert client.get("/api/actors/sergei-shoigu").json()["roles"] == []
    r = client.get("/actors/sergei-shoigu")
    assert r.status_code == 200 and "No role history" in r.text


def test_unlinked_actor_id_with_spaces(client):
    r = client.get("/api/actors/" + quote("unlinked:KOR:national intelligence service", safe=""))
    assert r.status_code == 200
    assert r.json()["name"] == "National Intelligence Service" and r.json()["linked"] is False


# -- documents -----------------------------------------------------------------------------

def test_documents_list_and_filters(client, corpus):
    body = client.get("/api/documents", params={"limit": 500}).json()
    assert body["total"] == len(corpus["documents"])
    dates = [d["published"] for d in body["items"]]
    assert dates == sorted(dates)
    later = client.get("/api/documents", params={"from": "2024-06"}).json()["items"]
    assert later and all(d["published"] >= "2024-06" for d in later)
    seoul = client.get("/api/documents", params={"source": "Seoul Wire"}).json()["items"]
    assert {d["outlet"] for d in seoul} == {"Seoul Wire"}
    assert client.get("/api/documents", params={"to": "2024-1"}).status_code == 422


def test_one_document_with_a_slash_in_its_id(client, corpus):
    src = next(d for d in corpus["documents"] if "/" in d["id"])
    doc = client.get("/api/documents/" + quote(src["id"], safe="")).json()
    assert doc["id"] == src["id"] and doc["text"] == src["text"]
    assert len(doc["mentions"]) == len(src["events"])
    assert all(m["fused"] for m in doc["mentions"])
    assert client.get("/api/documents/missing.txt").status_code == 404


# -- network and search ----------------------------------------------------------------------

def test_network_weights_count_shared_events(client, all_events):
    net = client.get("/api/network").json()
    ids = {n["id"] for n in net["nodes"]}
    assert {"kim-jong-un", "vladimir-putin", "sergei-shoigu"} <= ids
    edge = next(e for e in net["edges"] if {e["source"], e["target"]} == {"kim-jong-un", "vladimir-putin"})
    assert edge["weight"] == sum({"Kim Jong Un", "Vladimir Putin"} <= set(names(e)) for e in all_events)
    strong = client.get("/api/network", params={"min_weight": 2}).json()["edges"]
    assert strong and all(e["weight"] >= 2 for e in strong)
    meetings = client.get("/api/network", params={"type": "CONSULT", "limit": 3}).json()
    assert len(meetings["nodes"]) == 3
    assert client.get("/api/network", params={"limit": 1000}).status_code == 422


def test_search_articles_and_events(client):
    body = client.get("/api/search", params={"q": "Pyongyang"}).json()
    assert len(body["documents"]) >= 4 and body["events"]
    for d in body["documents"]:
        assert any(p["mark"] and p["text"].lower() == "pyongyang" for p in d["snippet_parts"])
    # accents are folded: the French spelling is found without them
    fr = client.get("/api/search", params={"q": "choigou"}).json()["documents"]
    assert [d["id"] for d in fr] == ["fr-choigou-pyongyang-2023.txt"]
    treaty = client.get("/api/search", params={"q": "partnership treaty"}).json()["events"]
    assert treaty and treaty[0]["event"] == "SUPPORT"
    assert [a["id"] for a in client.get("/api/search", params={"q": "Lavrov"}).json()["actors"]] == ["sergey-lavrov"]


@pytest.mark.parametrize("q", ['"', "NEAR(", "a OR", "*", "kim AND NOT", '") OR 1=1 --'])
def test_search_never_breaks_on_query_syntax(client, q):
    r = client.get("/api/search", params={"q": q})
    assert r.status_code in (200, 422)
    if r.status_code == 422:
        assert "'q'" in r.json()["detail"]


def test_search_needs_words(client):
    assert client.get("/api/search").status_code == 422
    assert "'q'" in client.get("/api/search", params={"q": "  "}).json()["detail"]


# -- schema, exports, upload -------------------------------------------------------------------

def test_openapi_documents_every_endpoint(client):
    spec = client.get("/openapi.json").json()
    for path in ("/api/events", "/api/events/{event_id}", "/api/actors", "/api/actors/{actor_id}", "/api/documents",
                 "/api/documents/{doc_id}", "/api/network", "/api/search", "/api/export/{fmt}", "/api/periods"):
        assert path in spec["paths"], path
    params = {p["name"]: p for p in spec["paths"]["/api/events"]["get"]["parameters"]}
    assert {"from", "to", "actor", "country", "type", "modality", "source", "limit", "offset"} <= set(params)
    assert params["limit"]["schema"]["maximum"] == 500


def test_export_jsonl_and_csv_follow_the_filters(client):
    consult = client.get("/api/events", params={"type": "CONSULT", "limit": 500}).json()["items"]
    r = client.get("/export/jsonl", params={"type": "CONSULT"})
    assert r.status_code == 200, r.text
    assert "attachment" in r.headers["content-disposition"]
    lines = [json.loads(x) for x in r.text.splitlines() if x.strip()]
    assert sorted(x["id"] for x in lines) == sorted(e["id"] for e in consult)
    r = client.get("/api/export/csv", params={"actor": "Shoigu"})
    rows = list(csv.reader(io.StringIO(r.text)))
    shoigu = client.get("/api/events", params={"actor": "Shoigu"}).json()["total"]
    assert r.status_code == 200 and len(rows) - 1 == shoigu


@pytest.mark.parametrize("fmt", ["parquet", "plover", "gdelt", "timelinejs", "graphml", "gexf"])
def test_every_export_format_downloads(client, fmt):
    r = client.get(f"/export/{fmt}")
    assert r.status_code == 200, r.text
    assert r.content


def test_export_refusals(client):
    assert client.get("/export/xlsx").status_code == 404
    assert client.get("/export/jsonl", params={"what": "everything"}).status_code == 422
    assert client.get("/export/graphml", params={"what": "mentions"}).status_code == 422


def test_read_only_server_refuses_uploads(client):
    r = client.post("/api/documents", content=b"Some text.")
    assert r.status_code == 403 and "read-only" in r.json()["detail"]


def test_missing_database(tmp_path):
    with pytest.raises(FileNotFoundError, match="no database"):
        create_app(str(tmp_path / "none.db"))


def test_writable_server_ingests_an_upload(tmp_path):
    db = tmp_path / "up.db"
    app = create_app(str(db), writable=True)
    with TestClient(app, base_url="http://localhost", headers={"X-Annales-Token": app.state.guard.token}) as c:
        text = ("Lavrov in Pyongyang\n\nRussian Foreign Minister Sergey Lavrov arrived in Pyongyang on "
                "18 October 2023 for talks with Choe Son Hui.").encode()
        r = c.post("/api/documents", params={"id": "upload-lavrov.txt", "published": "2023-10-18",
                                             "outlet": "Test Wire"}, content=text)
        assert r.status_code == 200, r.text
        assert r.json()["id"] == "upload-lavrov.txt"
        doc = c.get("/api/documents/upload-lavrov.txt").json()
        assert doc["outlet"] == "Test Wire" and "Lavrov" in doc["text"]
        assert c.post("/api/documents", content=b"").status_code == 422
        assert c.post("/api/documents", params={"published": "soon"}, content=text).status_code == 422


# -- pages -------------------------------------------------------------------------------------

def test_every_page_serves_html(client, all_events):
    pages = ["/", "/timeline", "/timeline?group=month&from=2024", "/timeline?actor=Shoigu&type=CONSULT",
             "/actors", "/actors?q=kim", "/actors/kim-jong-un", "/actors/kim-jong-un?group=month", "/network",
             "/network?type=CONSULT", "/search", "/search?q=Pyongyang", "/documents",
             "/documents/" + quote("seoul-wire/en-lavrov-2023.txt", safe=""), "/about/api"]
    pages += ["/events/" + quote(e["id"], safe="") for e in all_events]
    for url in pages:
        r = client.get(url)
        assert r.status_code == 200, url
        assert r.headers["content-type"].startswith("text/html")
        assert "script-src 'self'" in r.headers["content-security-policy"]
        assert "<script" not in r.text.split("</head>", 1)[1]  # no inline script anywhere in a body


def test_timeline_page_shows_the_filtered_events(client):
    html = client.get("/timeline", params={"actor": "Belousov"}).text
    listing = html.split('<ol class="events">', 1)[1]
    assert listing.count('class="event"') == 1
    assert "Andrei Belousov" in listing and "Kim Jong Un" in listing and "Sergey Lavrov" not in listing


def test_event_page_highlights_evidence(client, corpus):
    fused = fused_of(client, "en-shoigu-pyongyang-2023.txt")
    html = client.get("/events/" + quote(fused[0], safe="")).text
    sentence = corpus["documents"][0]["events"][0]["evidence"][0]
    assert sentence.split(",")[0] in html
    assert html.count('<mark class="evidence">') >= 1


def test_markup_in_stored_text_is_escaped_everywhere(client):
    pages = ["/documents/xss-probe.txt", "/timeline", "/search?q=alert", "/actors", "/documents"]
    pages += ["/events/" + quote(f, safe="") for f in fused_of(client, "xss-probe.txt")]
    for url in pages:
        html = client.get(url).text
        body = html.split("</head>", 1)[1]
        for probe in XSS:
            assert probe not in body, url
        assert "<img" not in body and "onmouseover=alert(1)>Ruritania" not in body, url
    doc = client.get("/documents/xss-probe.txt").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in doc
    assert 'href="javascript:' not in doc


def test_page_errors_name_the_parameter_and_escape_it(client):
    r = client.get("/timeline", params={"from": "<script>alert(1)</script>"})
    assert r.status_code == 422 and r.headers["content-type"].startswith("text/html")
    assert "parameter &#39;from&#39;" in r.text and "<script>alert(1)" not in r.text
    r = client.get("/timeline", params={"limit": "100000"})
    assert r.status_code == 422 and "limit" in r.text
    assert client.get("/events/nothing-here").status_code == 404


def test_conflicts_are_shown(client, corpus):
    """The two troop reports (1,500 and 10,000 soldiers) fuse into one event whose quantities conflict."""
    doc_ids = sorted(d["id"] for d in corpus["documents"] if any(e.get("group") == "troops-2024" for e in d["events"]))
    assert len(doc_ids) == 2
    fused = set(fused_of(client, doc_ids[0])) & set(fused_of(client, doc_ids[1]))
    assert len(fused) == 1
    ev = client.get("/api/events/" + quote(fused.pop(), safe="")).json()
    assert [x["slot"] for x in ev["conflicts"]] == ["quantity"]
    html = client.get("/events/" + quote(ev["id"], safe="")).text
    assert "The sources disagree" in html and "1500" in html and "10000" in html


def test_the_corpus_fuses_into_the_events_its_author_meant(client, corpus):
    """Real fusion on the test corpus: one timeline event per `group` of records (the API tests rely on it)."""
    groups: dict[str, set[str]] = {}
    for d in corpus["documents"]:
        for i, e in enumerate(d["events"]):
            groups.setdefault(e.get("group") or f"m-{d['id']}-{i}", set()).add(f"m-{d['id']}-{i}")
    events = client.get("/api/events", params={"limit": 500}).json()["items"]
    assert sorted(sorted(e["mentions"]) for e in events) == sorted(sorted(g) for g in groups.values())


def test_misplaced_evidence_offsets_are_repaired_or_flagged(tmp_path):
    text = "Title\n\nFirst sentence here. The minister met the envoy in Hanoi. Last one."
    good = "The minister met the envoy in Hanoi."
    doc = Document(id="d1", text=text, raw=text, language="en", published=Published("2024-01-05", "day"),
                   content_hash=hashlib.sha256(text.encode()).hexdigest())
    rec = EventRecord(id="m1", doc="d1", event="CONSULT",
                      evidence=[Evidence(good, 0, len(good)), Evidence("Not in the article.", 3, 10)])
    store = Store(tmp_path / "x.db")
    store.save(doc, text.encode(), [rec])
    store.close()
    with TestClient(create_app(str(tmp_path / "x.db")), base_url="http://localhost") as c:
        found = c.get("/api/documents/d1").json()["mentions"][0]["evidence"]
        assert found[0] == {"text": good, "start": text.index(good), "end": text.index(good) + len(good),
                            "found": True}
        assert found[1]["found"] is False and found[1]["start"] is None
        html = c.get("/documents/d1").text
        assert f'<mark class="evidence">{good}</mark>' in html


def test_demo_corpus_through_the_cli_serves(tmp_path):
    """The real pipeline on examples/: pages must serve whatever extraction finds (counts not checked)."""
    db = tmp_path / "demo.db"
    cmd = [sys.executable, "-m", "annales", "ingest", "examples", "--db", str(db), "-q"]
    if (ROOT / "examples" / "metadata.jsonl").exists():
        cmd[4:4] = ["--metadata", "examples/metadata.jsonl"]
    res = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr
    with TestClient(create_app(str(db)), base_url="http://localhost") as c:
        docs = c.get("/api/documents", params={"limit": 500}).json()["items"]
        assert docs
        events = c.get("/api/events", params={"limit": 500}).json()["items"]
        actors = c.get("/api/actors", params={"limit": 20}).json()["items"]
        urls = ["/", "/timeline?group=month", "/network", "/actors", "/documents", "/search?q=Pyongyang"]
        urls += ["/documents/" + quote(d["id"], safe="") for d in docs]
        urls += ["/events/" + quote(e["id"], safe="") for e in events[:30]]
        urls += ["/actors/" + quote(a["id"], safe="") for a in actors]
        urls += ["/api/network", "/api/search?q=Kim", "/api/periods?group=month"]
        for url in urls:
            assert c.get(url).status_code == 200, url
