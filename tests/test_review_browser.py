"""The review controls in headless Chromium: correct an event, reject one, merge two, as an analyst does.

Launched from tests/browsing.py (Debian's chromium through Playwright, uvicorn in a thread);
each test gets its own store, since reviews write to it.
"""
from __future__ import annotations

import urllib.parse

import pytest

from annales.web.app import create_app

from browsing import browser, desk, running  # noqa: F401 (browser and desk are fixtures)
from conftest import build_store

TOKEN = "browser-test-token"


@pytest.fixture
def served(tmp_path):
    path = build_store(tmp_path / "review.db")
    with running(create_app(str(path), writable=True, token=TOKEN)) as url:
        yield url


def _event_ids(page, base_url, query="") -> list[str]:
    return [e["id"] for e in page.request.get(base_url + "/api/events?limit=500" + query).json()["items"]]


def _open(page, base_url, fid):
    page.goto(base_url + "/events/" + urllib.parse.quote(fid, safe=""))


def test_correct_an_event_then_see_the_original(desk, served):
    page = desk.page
    page.goto(served + "/timeline")
    page.locator("li.event a.event-link").first.click()
    page.wait_for_url("**/events/**")
    fid = page.url.rsplit("/", 1)[-1]
    assert page.locator("#review-edit").is_visible()
    assert page.locator("#review-edit input[name=token]").get_attribute("value") == TOKEN

    page.fill("#review-edit input[name=date]", "2001-05-17")
    page.fill("#review-edit input[name=actors]", "Sergei Shoigu")
    page.select_option("#review-edit select[name=modality]", "alleged")
    page.fill("#review-edit input[name=note]", "checked against the ministry's statement")
    with page.expect_navigation():
        page.click("#review-edit button[type=submit]")
    assert page.url.endswith(fid)
    assert "Reviewed: edited" in page.locator("#review-state").inner_text()
    facts = page.locator("dl.facts").inner_text()
    assert "17 May 2001" in facts and "Sergei Shoigu" in facts and "alleged" in facts
    assert "checked against" in page.locator("details.review-log").inner_text()
    desk.shot("review-edited-1280")

    page.click("text=Show the machine's original")
    page.wait_for_url("**original=1")
    assert "before any review" in page.locator("#review-state").inner_text()
    assert "17 May 2001" not in page.locator("dl.facts").inner_text()
    assert page.locator("#review-edit").count() == 0      # no controls over the machine's version

    page.goto(served + "/timeline?from=2001&to=2001")
    rows = page.locator("li.event")
    assert rows.count() == 1 and rows.first.locator(".badge.reviewed").count() == 1


def test_reject_and_merge_from_the_event_page(desk, served):
    page = desk.page
    before = _event_ids(page, served)
    doomed, keep, other = before[0], before[1], before[2]

    _open(page, served, doomed)
    with page.expect_navigation():
        page.click(".review-quick button[value=reject]")
    assert "rejected" in page.locator("#review-state").inner_text()
    assert doomed not in _event_ids(page, served)
    assert doomed in _event_ids(page, served, "&original=1")
    page.goto(served + "/timeline")
    assert page.locator(f"li.event[data-event-id='{doomed}']").count() == 0
    page.click("a.machine-link")
    page.wait_for_url("**original=1**")
    assert page.locator(f"li.event[data-event-id='{doomed}']").count() == 1
    assert page.locator("li.event .badge.reviewed").count() == 0

    _open(page, served, keep)
    page.fill("#review-merge input[name=other]", other)
    with page.expect_navigation():
        page.click("#review-merge button[type=submit]")
    after = _event_ids(page, served)
    assert keep in after and other not in after and len(after) == len(before) - 2
    merged = page.request.get(served + "/api/events/" + urllib.parse.quote(keep, safe="")).json()
    was = page.request.get(served + "/api/events/" + urllib.parse.quote(other, safe="") + "?original=1").json()
    assert set(was["mentions"]) <= set(merged["mentions"])
    assert page.locator(".source").count() == len(merged["documents"])
    page.goto(served + "/reviews")
    assert page.locator("ul.review-log li").count() == 2
    desk.shot("reviews-1280")


def test_a_form_without_the_token_is_refused(desk, served):
    page = desk.page
    fid = _event_ids(page, served)[0]
    _open(page, served, fid)
    # a forged form: same fields, the token emptied
    page.evaluate("document.querySelector('.review-quick input[name=token]').value = ''")
    with page.expect_navigation():
        page.click(".review-quick button[value=reject]")
    assert "token" in page.locator("main").inner_text()
    assert fid in _event_ids(page, served)
