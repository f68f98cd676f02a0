"""Write mode is safe by construction: token, origin, host and size checks on every request."""
from __future__ import annotations

import sqlite3

import pytest
from fastapi.testclient import TestClient

from annales.web.app import create_app

TEXT = ("Talks in Hanoi\n\nThe foreign ministers of Vietnam and Japan held talks in Hanoi on "
        "3 March 2024 about maritime security.").encode()


@pytest.fixture
def app(tmp_path):
    return create_app(str(tmp_path / "w.db"), writable=True, max_body=4096)


def _documents(app) -> int:
    con = sqlite3.connect(app.state.db_path)
    n = con.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    con.close()
    return n


def test_a_write_without_the_token_is_refused(app):
    with TestClient(app, base_url="http://localhost") as c:
        assert c.post("/api/documents", content=TEXT).status_code == 403
        assert c.post("/api/documents", content=TEXT, headers={"X-Annales-Token": "guess"}).status_code == 403
        assert c.post("/api/documents", content=TEXT,
                      headers={"X-Annales-Token": app.state.guard.token}).status_code == 200
    assert _documents(app) == 1


@pytest.mark.parametrize("headers", [
    {"Origin": "https://evil.example", "Content-Type": "text/plain"},
    {"Origin": "http://localhost.evil.example:8000"},
    {"Sec-Fetch-Site": "cross-site", "Content-Type": "application/x-www-form-urlencoded"},
])
def test_a_cross_origin_write_is_refused_even_with_the_token(app, headers):
    with TestClient(app, base_url="http://localhost") as c:
        r = c.post("/api/documents", content=TEXT, headers={**headers, "X-Annales-Token": app.state.guard.token})
        assert r.status_code == 403 and "refused" in r.json()["detail"]
    assert _documents(app) == 0


def test_a_request_for_another_host_is_refused(app):
    with TestClient(app, base_url="http://attacker.example") as c:
        assert c.get("/api/events").status_code == 421
    with TestClient(app, base_url="http://127.0.0.1:8000") as c:
        assert c.get("/api/events").status_code == 200


def test_a_body_over_the_limit_is_refused(app):
    big = b"x" * 5000
    with TestClient(app, base_url="http://localhost", headers={"X-Annales-Token": app.state.guard.token}) as c:
        assert c.post("/api/documents", content=big).status_code == 413

        def chunks():                    # no Content-Length: the stream itself is counted
            for _ in range(5):
                yield b"y" * 1000
        assert c.post("/api/documents", content=chunks()).status_code == 413
    assert _documents(app) == 0


def test_a_read_only_server_refuses_every_write(tmp_path):
    app = create_app(str(tmp_path / "w.db"), writable=True)
    ro = create_app(app.state.db_path)
    with TestClient(ro, base_url="http://localhost") as c:
        r = c.post("/api/documents", content=TEXT, headers={"X-Annales-Token": app.state.guard.token})
        assert r.status_code == 403 and "read-only" in r.json()["detail"]
