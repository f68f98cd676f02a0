"""The API under hostile input: property-based tests (hypothesis) and a bounded schemathesis run.

Every parameter is bounded and validated: a bad value is a 422 naming the parameter, never a 5xx.
"""
from __future__ import annotations

import os
import time

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from annales.web import params
from annales.web.app import create_app

# The schemathesis run lasts this long (ANNALES_FUZZ_SECONDS for a longer run), shared equally by
# the operations, in rounds of FUZZ_ROUND examples with fresh random seeds.
FUZZ_SECONDS = float(os.environ.get("ANNALES_FUZZ_SECONDS", "40"))
FUZZ_ROUND = 100
QUICK = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None)
LISTS = ["/api/events", "/api/actors", "/api/documents", "/api/search?q=talks", "/", "/actors", "/documents"]
DATED = ["/api/events", "/api/periods", "/api/network", "/api/documents", "/"]


@pytest.fixture(scope="module")
def client(web_db):
    with TestClient(create_app(str(web_db)), base_url="http://localhost") as c:
        yield c


def _named_422(r, name: str) -> bool:
    return r.status_code == 422 and name in r.text


@QUICK
@given(path=st.sampled_from(LISTS), limit=st.integers(), offset=st.integers())
def test_any_limit_and_offset_is_answered_or_refused(client, path, limit, offset):
    path, _, query = path.partition("?")       # params= replaces a query string given in the path
    r = client.get(path, params={**dict([query.split("=")] if query else []), "limit": limit, "offset": offset})
    ok = 1 <= limit <= params.MAX_LIMIT and 0 <= offset <= params.MAX_OFFSET
    if ok:
        assert r.status_code == 200, (path, limit, offset, r.text[:200])
    else:
        assert _named_422(r, "limit" if not 1 <= limit <= params.MAX_LIMIT else "offset"), (path, limit, offset)


def test_huge_offset_is_a_422_not_an_overflow(client):
    for path in ("/api/events", "/api/actors", "/api/documents", "/"):
        r = client.get(path, params={"offset": 10 ** 30})
        assert _named_422(r, "offset"), (path, r.status_code)
    r = client.get("/api/network", params={"min_weight": 10 ** 30})
    assert _named_422(r, "min_weight")


@QUICK
@given(path=st.sampled_from(DATED), name=st.sampled_from(["from", "to"]), value=st.text(max_size=30))
def test_any_date_parameter_is_answered_or_refused(client, path, name, value):
    r = client.get(path, params={name: value})
    try:
        valid = params.partial_date(name, value) is not None or not value.strip()
    except Exception:            # the validator's own verdict: an HTTPException for a bad value
        valid = False
    assert r.status_code == (200 if valid else 422), (path, name, value, r.status_code, r.text[:200])
    if not valid:
        assert f"'{name}'" in r.json()["detail"] if path.startswith("/api") else name in r.text


@QUICK
@given(value=st.one_of(st.just("2024-02-30"), st.just("2023-13"), st.just("20240101"),
                       st.from_regex(r"\A\d{4}-\d{2}-\d{2}\Z")))
def test_impossible_calendar_dates_are_refused(client, value):
    y, m, d = (int(x) for x in value.split("-")) if value.count("-") == 2 else (0, 0, 0)
    import datetime as dt
    try:
        real = value.count("-") == 2 and bool(dt.date(y, m, d))
    except ValueError:
        real = False
    r = client.get("/api/events", params={"from": value})
    assert r.status_code == (200 if real else 422), value


@QUICK
@given(name=st.sampled_from(["actor", "source", "country", "type", "modality"]),
       value=st.text(min_size=1, max_size=400))
def test_any_text_filter_is_answered_or_refused(client, name, value):
    r = client.get("/api/events", params={name: value})
    assert r.status_code in (200, 422), (name, value, r.status_code)
    if len(value) > params.MAX_TEXT:
        assert _named_422(r, name)


def test_schemathesis_finds_no_server_error(web_db):
    """Positive and negative cases for every operation of the OpenAPI schema, bounded in time."""
    import schemathesis
    from schemathesis.generation import GenerationMode

    app = create_app(str(web_db))
    schema = schemathesis.openapi.from_asgi("/openapi.json", app, headers={"host": "localhost"})
    operations = [r.ok() for r in schema.get_all_operations()]
    assert len(operations) >= 10
    failures, calls, seen = [], [0], set()
    share = FUZZ_SECONDS / len(operations)      # each operation gets its share of the time

    def fuzz(op) -> None:
        stop = time.monotonic() + share
        cases = st.one_of([op.as_strategy(generation_mode=mode)
                           for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)])

        @settings(max_examples=FUZZ_ROUND, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        @given(cases)
        def call(case):
            if time.monotonic() > stop:
                return
            calls[0] += 1
            seen.add(case.operation.label)
            try:
                r = case.call(headers={"host": "localhost"})
            except Exception as exc:          # the test client re-raises what the app did not handle
                failures.append((case.operation.label, case.query, f"{type(exc).__name__}: {exc}"[:200]))
                return
            if r.status_code >= 500:
                failures.append((case.operation.label, case.query, r.status_code, r.text[:200]))

        while time.monotonic() < stop:
            call()

    for op in operations:
        fuzz(op)
    print(f"schemathesis: {calls[0]} calls over {len(seen)} operations in {FUZZ_SECONDS:.0f} s, "
          f"{len(failures)} server errors")
    assert calls[0] >= 200, f"only {calls[0]} calls in {FUZZ_SECONDS} s"
    assert len(seen) == len(operations), set(op.label for op in operations) - seen
    assert not failures, failures[:5]


@pytest.fixture(scope="module")
def writable(tmp_path_factory):
    db = tmp_path_factory.mktemp("upload") / "annales.db"
    app = create_app(str(db), writable=True, token="t0ken")
    with TestClient(app, base_url="http://localhost") as c:
        yield c


@QUICK
@given(kind=st.text(max_size=12), published=st.text(max_size=14), body=st.binary(min_size=1, max_size=200))
def test_bad_upload_parameters_are_refused_before_any_work(writable, kind, published, body):
    kind_ok = kind.strip() in ("", "text", "html")
    try:
        date_ok = params.partial_date("published", published) is not None or not published.strip()
    except Exception:
        date_ok = False
    if kind_ok and date_ok:
        published = "not a date"          # keep every case invalid: a valid one would run the pipeline
        date_ok = False
    r = writable.post("/api/documents", params={"kind": kind, "published": published}, content=body,
                      headers={"x-annales-token": "t0ken"})
    assert r.status_code == 422, (kind, published, r.status_code, r.text[:200])
    assert ("'kind'" if not kind_ok else "'published'") in r.json()["detail"]
    assert writable.get("/api/documents").json()["total"] == 0


PAGES = ["/", "/timeline", "/actors", "/network", "/search", "/documents", "/api", "/export"]
NAMES = ["from", "to", "actor", "country", "type", "modality", "source", "group", "limit", "offset", "q",
         "min_weight", "what", "language"]


@QUICK
@given(path=st.sampled_from(PAGES),
       query=st.dictionaries(st.sampled_from(NAMES),
                             st.one_of(st.text(max_size=30), st.integers().map(str), st.just("")), max_size=5))
def test_pages_answer_any_query_without_a_server_error(client, path, query):
    r = client.get(path, params=query)
    assert r.status_code < 500, (path, query, r.status_code, r.text[:300])
    if r.status_code == 422:
        assert "parameter" in r.text


@pytest.fixture(scope="module")
def reviewing(web_db, tmp_path_factory):
    """A writable copy of the fused corpus (reviews change it), with its timeline event ids."""
    import shutil

    db = tmp_path_factory.mktemp("review") / "annales.db"
    shutil.copy(web_db, db)
    with TestClient(create_app(str(db), writable=True, token="t0ken"), base_url="http://localhost") as c:
        events = [e["id"] for e in c.get("/api/events", params={"limit": 50}).json()["items"]]
        assert len(events) >= 2
        yield c, events


JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
                           max_leaves=6)
REVIEW_KEYS = ["event", "action", "who", "note", "type", "actors", "recipients", "date", "place", "place_country",
               "modality", "other", "mentions"]


def test_any_review_body_is_applied_or_refused(reviewing):
    """Any JSON object posted as a review is applied (200) or refused with a reason (422), and the
    run reaches the review code itself, not only the first validation."""
    client, events = reviewing
    ids = st.sampled_from(events) | st.text(max_size=20)
    actions = st.sampled_from(["reject", "confirm", "edit", "merge", "split"])
    optional = {"event": ids | JSON_VALUES, "action": actions | JSON_VALUES, "other": ids | JSON_VALUES}
    forms = st.builds(lambda a, b: {**a, **b}, st.fixed_dictionaries({}, optional=optional),
                      st.dictionaries(st.sampled_from(REVIEW_KEYS), JSON_VALUES | ids | actions, max_size=4))
    statuses = []

    @QUICK
    @given(forms)
    @example({"event": events[0], "action": "confirm", "note": "checked"})   # one well-formed review at least
    @example({"event": events[1], "action": "edit", "type": "meet", "actors": 3})
    def post(form):
        r = client.post("/api/reviews", json=form, headers={"x-annales-token": "t0ken"})
        assert r.status_code in (200, 422), (form, r.status_code, r.text[:300])
        if r.status_code == 422:
            assert r.json()["detail"], form
        statuses.append(r.status_code)

    post()
    assert 422 in statuses, statuses
    # the applied path, every run (random forms reach it only by chance)
    r = client.post("/api/reviews", json={"event": events[0], "action": "confirm", "who": "fuzz"},
                    headers={"x-annales-token": "t0ken"})
    assert r.status_code == 200, r.text[:300]
