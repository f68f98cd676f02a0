"""The web UI in headless Chromium, as an analyst uses it (the desk: tests/browsing.py)."""
from __future__ import annotations

import json
import urllib.parse

import pytest

from annales.web.app import create_app

from browsing import browser, desk, running, watched  # noqa: F401 (browser and desk are fixtures)

XSS_TEXT = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>']


@pytest.fixture(scope="module")
def base_url(web_db):
    with running(create_app(str(web_db))) as url:
        yield url


@pytest.fixture
def phone(browser):  # noqa: F811
    yield from watched(browser, 390, 844)


def _evidence_sentences(corpus: dict) -> set[str]:
    return {s for d in corpus["documents"] for e in d["events"] for s in e["evidence"]}


def test_timeline_filter_event_evidence_actor(desk, base_url, corpus):
    page = desk.page
    page.goto(base_url + "/timeline")
    all_events = page.locator("li.event").count()
    assert all_events >= 5
    desk.shot("timeline-1280")

    page.fill("input[name=actor]", "Shoigu")
    page.click("#apply")
    page.wait_for_url("**actor=Shoigu**")
    rows = page.locator("li.event")
    assert 0 < rows.count() < all_events
    for text in rows.all_inner_texts():
        assert "Shoigu" in text
    desk.shot("timeline-actor-1280")

    rows.first.locator("a.event-link").click()
    page.wait_for_url("**/events/**")
    marks = page.locator("mark.evidence")
    assert marks.count() >= 1
    assert marks.first.is_visible()
    evidence = _evidence_sentences(corpus)
    for text in marks.all_inner_texts():
        assert text in evidence  # the highlighted run is exactly an evidence sentence of the article
    desk.shot("event-1280")

    page.locator("dl.facts a.actor", has_text="Sergei Shoigu").first.click()
    page.wait_for_url("**/actors/sergei-shoigu")
    assert page.locator("h1").inner_text() == "Sergei Shoigu"
    assert page.locator("li.event").count() >= 1
    desk.shot("actor-1280")


def test_zoom_into_a_period(desk, base_url):
    page = desk.page
    page.goto(base_url + "/timeline")
    bars = page.locator("svg.bars a.bar[data-period='2024']")
    assert bars.count() == 1
    bars.first.click()
    page.wait_for_url("**from=2024**")
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(page.url).query)
    assert query["from"] == ["2024"] and query["to"] == ["2024"] and query["group"] == ["month"]
    headings = page.locator("h2.period").all_inner_texts()
    assert headings and all(h.endswith("2024") for h in headings)
    assert page.locator("svg.bars a.bar[data-period='2024-06']").count() == 1
    desk.shot("timeline-2024-1280")


def test_range_control_narrows_the_timeline(desk, base_url):
    page = desk.page
    page.goto(base_url + "/timeline?group=month")
    periods = page.locator(".range").get_attribute("data-periods").split()
    start = periods.index("2024-01")
    with page.expect_navigation():
        page.locator(".range-from").fill(str(start))
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(page.url).query)
    assert query["from"] == ["2024-01"] and query["to"] == [periods[-1]]
    # the label is for reading ("2 Mar 2024"); the bounds it shows are on the element
    whens = page.locator("li.event .when")
    latest = [whens.nth(i).get_attribute("data-latest") for i in range(whens.count())]
    assert latest and all(d and d >= "2024-01" for d in latest)
    assert page.locator("svg.bars a.bar.on").count() == len(periods) - start


def test_network_node_opens_actor(desk, base_url):
    page = desk.page
    page.goto(base_url + "/network")
    page.wait_for_selector("#network[data-ready='1']")
    assert page.locator("#network-svg g.node").count() >= 5
    assert page.locator("#network-svg line.edge").count() >= 3
    desk.shot("network-1280")
    page.locator("#network-svg g.node[data-id='kim-jong-un'] circle").click()
    page.wait_for_url("**/actors/kim-jong-un")
    assert page.locator("h1").inner_text() == "Kim Jong Un"


def test_markup_in_articles_is_shown_as_text(desk, base_url):
    page = desk.page
    doc = json.loads(page.request.get(base_url + "/api/documents/xss-probe.txt").text())
    fused = [f for m in doc["mentions"] for f in m["fused"]]
    assert fused, "the probe's event is on the timeline"
    page.goto(base_url + "/documents/xss-probe.txt")
    text = page.locator(".article-text").inner_text()
    for probe in XSS_TEXT:
        assert probe in text
    assert page.locator("h1").inner_text().startswith("<script>")
    assert page.locator("main img, main script, main b").count() == 0
    assert page.locator("a.ext").count() == 0  # the javascript: URL is not made a link
    desk.shot("xss-document-1280")

    page.goto(base_url + "/events/" + urllib.parse.quote(fused[0], safe=""))
    assert any(XSS_TEXT[1] in t for t in page.locator("mark.evidence").all_inner_texts())
    assert XSS_TEXT[0] in page.locator("h1").inner_text()
    assert page.locator("main img, main script").count() == 0
    for url in ("/timeline", "/search?q=alert", "/actors", "/network"):
        page.goto(base_url + url)
        assert page.locator("main img, main script").count() == 0
    page.wait_for_selector("#network[data-ready='1']")
    labels = page.locator("#network-svg g.node text").all_text_contents()
    tooltips = page.locator("#network-svg g.node > title").all_text_contents()
    assert any(label.startswith(XSS_TEXT[1][:20]) for label in labels)
    assert any(tip.startswith(XSS_TEXT[1]) for tip in tooltips)
    assert page.locator("#network-svg img, #network-svg script").count() == 0


def test_phone_width(phone, base_url):
    page = phone.page
    for name, url in (("timeline", "/timeline"), ("event", None), ("actor", "/actors/kim-jong-un"),
                      ("search", "/search?q=Pyongyang"), ("network", "/network")):
        if url is None:
            page.goto(base_url + "/timeline?actor=Belousov")
            page.locator("li.event a.event-link").first.click()
            page.wait_for_url("**/events/**")
        else:
            page.goto(base_url + url)
        if name == "network":
            page.wait_for_selector("#network[data-ready='1']")
        assert phone.fits_width(), f"{name} page is wider than a 390 px screen"
        phone.shot(f"{name}-390")
