"""The demo corpus in examples/ is well formed."""
import json
import re
from pathlib import Path

import py3langid
import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def metadata() -> list[dict]:
    return [json.loads(line) for line in (EXAMPLES / "metadata.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()]


def feed() -> list[dict]:
    return [json.loads(line) for line in (EXAMPLES / "feed.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()]


def plain_files() -> list[Path]:
    return sorted(f for f in EXAMPLES.iterdir() if f.suffix in (".txt", ".html"))


def article_texts() -> dict[str, str]:
    """Visible text of every article (plain files and feed items), by name."""
    import lxml.html

    def visible(html: str) -> str:
        root = lxml.html.fromstring(html)
        for bad in root.xpath("//script|//style"):
            bad.drop_tree()
        return root.text_content()

    out = {}
    for f in plain_files():
        raw = f.read_text(encoding="utf-8")
        out[f.name] = visible(raw) if f.suffix == ".html" else raw
    for rec in feed():
        out[rec["id"]] = rec.get("text") or visible(rec["html"])
    return out


def test_metadata_lines_match_files_one_to_one():
    names = [m["file"] for m in metadata()]
    assert len(names) == len(set(names)), "duplicate metadata lines"
    assert sorted(names) == [f.name for f in plain_files()]


def test_metadata_fields_and_date_shapes():
    rows = metadata()
    for m in rows:
        assert set(m) >= {"file", "published", "outlet", "url", "crawled"}, m["file"]
        assert m["published"] is None or DATE.match(m["published"]), m
        assert DATE.match(m["crawled"]) and len(m["crawled"]) == 10, m
        # a page cannot be crawled before it was published
        if m["published"]:
            assert m["published"][:len(m["published"])] <= m["crawled"][:len(m["published"])], m
    shapes = {None if m["published"] is None else len(m["published"]) for m in rows}
    assert {None, 7, 10} <= shapes, "need full dates, a month-only date and a missing date"


def test_feed_lines_parse_with_required_fields():
    rows = feed()
    assert len(rows) >= 2
    assert len({r["id"] for r in rows}) == len(rows)
    for r in rows:
        assert {"id", "url", "published", "outlet", "title"} <= set(r), r.get("id")
        assert bool(r.get("text")) != bool(r.get("html")), f"{r['id']}: exactly one of text/html"
        assert DATE.match(r["published"])
    assert any("html" in r for r in rows) and any("text" in r for r in rows)


def test_enough_articles_in_both_languages():
    langs = {name: py3langid.classify(text)[0] for name, text in article_texts().items()}
    counts = {lang: sum(1 for v in langs.values() if v == lang) for lang in set(langs.values())}
    assert sum(counts.values()) >= 12
    assert counts.get("fr", 0) >= 7, counts
    assert counts.get("en", 0) >= 5, counts
    # at least one distractor in another language, which the pipeline must mark and skip
    assert set(counts) - {"fr", "en"}, counts


@pytest.mark.parametrize("page", [f for f in plain_files() if f.suffix == ".html"], ids=lambda f: f.name)
def test_html_pages_are_full_pages(page):
    html = page.read_text(encoding="utf-8").lower()
    for tag in ("<html", "<head", "<body", "<script", "<style", "</html>"):
        assert tag in html, f"{page.name} lacks {tag}"
    assert "<nav" in html or "menu" in html or "topnav" in html
    assert "<footer" in html or "footer" in html


def test_at_least_three_html_pages_and_readme():
    assert len([f for f in plain_files() if f.suffix == ".html"]) >= 3
    readme = (EXAMPLES / "README.md").read_text(encoding="utf-8")
    assert "written" in readme and "feed.jsonl" in readme and "metadata.jsonl" in readme


def test_pages_carry_web_scrape_furniture():
    # boilerplate the cleaner must remove: cookie banners and related-article blocks on most pages
    texts = [t.lower() for t in article_texts().values()]
    assert sum("cookie" in t for t in texts) >= 12
    assert sum(("articles similaires" in t) or ("related posts" in t) for t in texts) >= 10
