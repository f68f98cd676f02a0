"""Cleaning: boilerplate, title, publication date, outlet, language, bad input.

The seed articles are read from ../shared at test time; every other text
here was written for these tests.
"""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from annales import sources
from annales.clean import CleanError, clean, is_boilerplate_line
from annales.langid import identify
from annales.model import RawDoc

SHARED = Path(__file__).resolve().parents[2] / "shared"      # the clone sits next to ../shared
SEEDS = SHARED / "corpus" / "seeds"
GOLD = SHARED / "gold" / "seeds.docs.jsonl"
LINES = Path(__file__).parent / "data" / "clean" / "lines.jsonl"


def _gold() -> dict[str, dict]:
    return {d["doc"]: d for d in map(json.loads, GOLD.read_text(encoding="utf-8").splitlines()) if d}


def _seeds(with_metadata: bool) -> dict[str, RawDoc]:
    meta = str(SEEDS / "metadata.jsonl") if with_metadata else None
    docs = list(sources.read_paths([str(SEEDS)], meta))
    assert all(isinstance(d, RawDoc) for d in docs)
    return {d.id: d for d in docs}


@pytest.fixture(scope="module")
def seeds_meta():
    return {i: clean(r) for i, r in _seeds(True).items()}


@pytest.fixture(scope="module")
def seeds_bare():
    return _seeds(False)


# ---------------------------------------------------------------- seeds

def test_seed_lines_kept_and_dropped(seeds_meta):
    gold = _gold()
    assert set(gold) == set(seeds_meta)
    for doc_id, g in gold.items():
        doc = seeds_meta[doc_id]
        for line in g["must_keep"]:
            assert line in doc.text, (doc_id, "lost", line)
        for line in g["must_drop"]:
            assert line not in doc.text, (doc_id, "kept boilerplate", line)
        assert doc.language == g["language"], doc_id


def test_seed_titles(seeds_meta):
    for doc_id, g in _gold().items():
        assert seeds_meta[doc_id].title == g["title"], doc_id


def test_seed_title_out_of_text_only_when_repeated(seeds_meta):
    gold = _gold()
    for doc_id, doc in seeds_meta.items():
        title = gold[doc_id]["title"]
        if title is None:
            continue
        repeated = doc.raw.count(title) > 1
        first = doc.text.split("\n\n")[0]
        assert (first != title) if repeated else (first == title), doc_id
        assert title not in doc.text if repeated else doc.text.count(title) == 1
        # title and body apart: the body never holds the headline, text = headline paragraph + body
        assert title not in doc.body and doc.body == doc.text[doc.body_start:], doc_id
        assert doc.text[:doc.body_start] == ("" if repeated else title + "\n\n"), doc_id


def test_seed_offsets_are_straight_copies(seeds_meta):
    for doc in seeds_meta.values():
        assert doc.offsets
        for clean_start, raw_start, length in doc.offsets:
            assert doc.text[clean_start:clean_start + length] == doc.raw[raw_start:raw_start + length]
        covered = sum(n for _, _, n in doc.offsets) + 2 * (len(doc.offsets) - 1)
        assert covered == len(doc.text), doc.id


def test_seed_metadata_wins_and_hash(seeds_meta):
    meta = {r["file"]: r for r in map(json.loads, (SEEDS / "metadata.jsonl").read_text().splitlines())}
    for doc_id, doc in seeds_meta.items():
        assert doc.published.value == meta[doc_id]["published"]
        assert doc.published.source == "metadata"
        assert doc.outlet == meta[doc_id]["outlet"]
        assert len(doc.content_hash) == 64


def test_seed_000_date_from_text(seeds_bare):
    doc = clean(seeds_bare["000_763d113a13bcf018.txt"])
    assert (doc.published.value, doc.published.precision, doc.published.source) == ("2023-09-05", "day", "text")


def test_seed_datelines_day_and_month(seeds_bare):
    # the reference date is given, as a crawl date would be (never the file's mtime)
    d2 = clean(replace(seeds_bare["002_22806c8730f4f847.txt"], reference_date="2025-12-01"))
    d4 = clean(replace(seeds_bare["004_892bca4ce4e47079.txt"], reference_date="2025-12-01"))
    assert (d2.published.value, d2.published.source) == ("2024-07-19", "inferred")    # 'vendredi': 2024
    assert (d4.published.value, d4.published.source) == ("2025-11-07", "inferred")
    assert d4.outlet == "Yonhap"


def test_dateline_year_agrees_with_weekday(seeds_bare):
    # "ce vendredi" next to "19 juil.": of the years up to the reference, 2024 is the last
    # whose 19 July is a Friday (2026 and 2025 are not).
    raw = replace(seeds_bare["002_22806c8730f4f847.txt"], reference_date="2026-11-23")
    assert clean(raw).published.value == "2024-07-19"


def test_dateline_without_reference_leaves_year_unresolved(seeds_bare):
    doc = clean(replace(seeds_bare["004_892bca4ce4e47079.txt"], reference_date=None))
    assert doc.published.value is None and doc.published.precision == "unresolved"
    assert any("11-07" in w for w in doc.warnings)


def test_partial_metadata_refined_by_agreeing_text(seeds_bare):
    raw = seeds_bare["000_763d113a13bcf018.txt"]
    refined = clean(replace(raw, published="2023-09")).published
    assert (refined.value, refined.precision, refined.source) == ("2023-09-05", "day", "text")
    kept = clean(replace(raw, published="2023-10")).published
    assert (kept.value, kept.precision, kept.source) == ("2023-10", "month", "metadata")


# ---------------------------------------------------------------- line classifier

def test_line_classifier_share():
    rows = [json.loads(line) for line in LINES.read_text(encoding="utf-8").splitlines() if line.strip()]
    for lang in ("fr", "en"):
        for kind in (True, False):
            assert sum(r["lang"] == lang and r["boilerplate"] is kind for r in rows) >= 30, (lang, kind)
    right = [is_boilerplate_line(r["text"]) == r["boilerplate"] for r in rows]
    share = sum(right) / len(rows)
    print(f"\nline classifier: {sum(right)}/{len(rows)} right ({share:.1%})")
    for lang in ("fr", "en"):
        sub = [ok for ok, r in zip(right, rows) if r["lang"] == lang]
        print(f"  {lang}: {sum(sub)}/{len(sub)}")
    assert share >= 0.95


# ---------------------------------------------------------------- documents written for the tests

EN_WIRE = """Skip to main content
World | Europe | Asia
Ministers agree new air defence package for Kyiv | The Northern Ledger
By Staff Reporter
Updated: 2024-06-14 09:10 GMT
BRUSSELS, June 13 (Reuters) - Defence ministers of the alliance agreed on Thursday to send additional air defence systems to Ukraine, two diplomats said.
The package includes launchers and interceptor missiles, according to a statement released after the meeting.
Share this article
Related Articles
Allies pledge more aid at spring summit
Leaders meet in Rome to discuss energy
"""


def _raw(text: str, **kw) -> RawDoc:
    return RawDoc(id=kw.pop("id", "doc"), data=text.encode("utf-8"), **kw)


def test_english_wire_page():
    doc = clean(_raw(EN_WIRE, reference_date="2024-06-20"))
    assert doc.language == "en"
    assert doc.title == "Ministers agree new air defence package for Kyiv"
    assert doc.text.split("\n\n")[0] == doc.title
    assert "interceptor missiles" in doc.text and "BRUSSELS, June 13" in doc.text
    for junk in ("Skip to main", "Share this", "Related Articles", "Allies pledge", "Leaders meet", "Staff Reporter"):
        assert junk not in doc.text
    # the 'Updated' line comes after the dateline in priority
    assert (doc.published.value, doc.published.source) == ("2024-06-13", "inferred")
    assert doc.outlet == "Reuters"


def test_french_labelled_date_and_byline_outlet():
    text = ("Publié le 5 mars 2024 à 10h12\nLa Guinée et le Mali signent un accord de défense\n\n"
            "Les deux pays ont signé mardi à Conakry un accord de coopération militaire couvrant la formation et le renseignement.\n"
            "Le texte doit encore être ratifié par les deux parlements.\nRédaction Sahel Hebdo\n")
    doc = clean(_raw(text))
    assert (doc.published.value, doc.published.source) == ("2024-03-05", "text")
    assert doc.outlet == "Sahel Hebdo"
    assert doc.title is None or doc.title == "La Guinée et le Mali signent un accord de défense"
    assert "ratifié" in doc.text and "Rédaction" not in doc.text


def test_known_title_from_metadata_strips_site_suffix():
    text = "Kenya to lead police mission in Haiti\n\nKenya's cabinet approved on Friday the deployment of one thousand officers to Haiti.\n"
    doc = clean(_raw(text, title="Kenya to lead police mission in Haiti | Daily Wire Desk"))
    assert doc.title == "Kenya to lead police mission in Haiti"
    assert doc.text.startswith("Kenya to lead police mission in Haiti\n\nKenya's cabinet")


@pytest.mark.parametrize("text, lang", [
    ("Le président a reçu son homologue à l'Élysée. Ils ont parlé de l'Ukraine.", "fr"),
    ("Kim Jong-un a reçu Sergueï Choïgou à Pyongyang. Les deux hommes ont signé un accord.", "fr"),
    ("The president received his counterpart in Seoul. They discussed trade and security.", "en"),
    ("Kim Jong Un met Sergei Shoigu in Pyongyang. The two men signed an agreement.", "en"),
    ("Der Präsident empfing seinen Amtskollegen in Berlin. Sie sprachen über die Ukraine.", "de"),
])
def test_language_on_two_sentences(text, lang):
    assert identify(text)[0] == lang


# ---------------------------------------------------------------- bad input

@pytest.mark.parametrize("data, reason", [
    (b"", "empty"),
    (b"   \n\t\r\n  ", "whitespace"),
    (bytes(range(256)) * 40, "binary"),
    (b"\x89PNG\r\n\x1a\n" + bytes([7, 200, 3, 0, 14]) * 500, "binary"),
])
def test_unusable_input_raises_clear_error(data, reason):
    with pytest.raises(CleanError, match=reason):
        clean(RawDoc(id="bad", data=data))


def test_only_furniture_raises_clear_error():
    with pytest.raises(CleanError, match="no article text"):
        clean(_raw("Accueil\nMenu\nSe connecter\nNewsletter\n"))


def test_latin1_decodes_with_warning():
    text = ("Le ministre des Affaires étrangères a rencontré son homologue à Genève en février. "
            "Les négociations ont été qualifiées de « très fructueuses » par les deux délégations.\n")
    doc = clean(RawDoc(id="latin", data=text.encode("latin-1")))
    assert doc.text == text.strip()
    assert any("UTF-8" in w for w in doc.warnings)
    assert doc.language == "fr"


def test_html_script_and_style_never_leak():
    html = """<!DOCTYPE html><html lang="en"><head><title>Navy ships visit Manila - Harbour Post</title>
<meta property="og:site_name" content="Harbour Post">
<meta property="article:published_time" content="2024-05-02T08:00:00Z">
<style>.lead{color:#123456}</style><script>var trackingId = "UA-000";</script></head>
<body><nav><a href="/">Home</a> | <a href="/asia">Asia</a></nav><article>
<h1>Navy ships visit Manila</h1>
<p>Two Japanese destroyers arrived in Manila on Thursday for a four-day port call, the Philippine navy said.</p>
<p>The visit follows a reciprocal access agreement signed by both governments earlier this year.</p>
<script>document.write("injected text")</script></article><footer>© Harbour Post</footer></body></html>"""
    doc = clean(RawDoc(id="page.html", data=html.encode(), kind="html"))
    assert "destroyers arrived in Manila" in doc.text and "reciprocal access" in doc.text
    for leak in ("trackingId", "injected", "color:", "UA-000"):
        assert leak not in doc.text
    assert doc.title == "Navy ships visit Manila"
    assert (doc.published.value, doc.published.source) == ("2024-05-02", "html")
    assert doc.outlet == "Harbour Post" and doc.language == "en"
    for clean_start, raw_start, length in doc.offsets:
        assert doc.text[clean_start:clean_start + length] == doc.raw[raw_start:raw_start + length]


ARTICLE_PAGE = """<!DOCTYPE html><html lang="en"><head><title>Port deal signed in Mombasa - Coast Ledger</title>
<meta property="og:site_name" content="Coast Ledger"></head>
<body><nav><a href="/">Home</a> | <a href="/news">News</a></nav><article>
<h1>Port deal signed in Mombasa</h1>
<p>Kenya and Tanzania signed an agreement in Mombasa on Tuesday to share cargo data between their two main ports.</p>
<h2>What changes for shippers</h2>
<p>Customs officers on both sides will see the same manifest, which should cut the waiting time at the border.</p>
<ul><li>Shared manifests from March</li><li>One inspection for transit cargo</li></ul>
<p>We use cookies to improve your experience; by continuing you accept our cookie policy.</p>
<p>The agreement still has to be approved by both parliaments before it enters into force.</p>
</article><footer>Contact us</footer></body></html>"""


def test_html_main_text_is_kept_whole_with_the_title_apart():
    """On HTML the extractor's main text is trusted: subheadings and list items stay, notices go."""
    doc = clean(RawDoc(id="port.html", data=ARTICLE_PAGE.encode(), kind="html"))
    assert doc.title == "Port deal signed in Mombasa"
    assert doc.text.startswith(doc.title + "\n\n") and doc.body == doc.text[doc.body_start:]
    assert "Port deal signed" not in doc.body and "Coast Ledger" not in doc.body
    for kept in ("What changes for shippers", "Shared manifests from March", "One inspection for transit cargo",
                 "cargo data", "approved by both parliaments"):
        assert kept in doc.body, kept
    assert "cookies" not in doc.body and "Contact us" not in doc.body
    assert doc.body.startswith("Kenya and Tanzania signed")


def test_thirty_megabyte_file_is_truncated_not_crashed(tmp_path):
    sentence = "Les délégations ont poursuivi leurs discussions sur la sécurité régionale, jour {}. "
    para = sentence * 12 + "\n\n"
    big = tmp_path / "big.txt"
    with big.open("w", encoding="utf-8") as f:
        n = 0
        while f.tell() < 30 * 2**20:
            f.write(para.replace("{}", str(n)))
            n += 1
    raw = next(sources.read_paths([str(big)]))
    doc = clean(raw)
    assert any("truncated" in w for w in doc.warnings)
    assert len(doc.raw.encode("utf-8")) <= 20 * 2**20
    assert doc.text.startswith("Les délégations")


def test_seed_001_title_suffix_gives_outlet_without_metadata(seeds_bare):
    doc = clean(seeds_bare["001_dea8bfa46d40976d.txt"])
    assert doc.title == _gold()["001_dea8bfa46d40976d.txt"]["title"]
    assert doc.outlet == "Jade"
    assert doc.published.value is None      # the page states no date


def test_headline_detected_and_kept_in_text_when_not_repeated():
    text = ("Accueil\nKenya to lead police mission in Haiti\n\n"
            "Kenya's cabinet approved on Friday the deployment of one thousand officers to Haiti, officials said.\n")
    doc = clean(_raw(text))
    assert doc.title == "Kenya to lead police mission in Haiti"
    assert doc.text.split("\n\n")[0] == doc.title and "Accueil" not in doc.text


def test_numeric_dates_follow_the_language_order():
    en = clean(_raw("Published 03/05/2024\n\nThe minister travelled to Tokyo on Monday to meet his Japanese counterpart.\n"))
    fr = clean(_raw("Publié le 03/05/2024\n\nLe ministre s'est rendu lundi à Tokyo pour rencontrer son homologue japonais.\n"))
    assert (en.language, en.published.value) == ("en", "2024-03-05")
    assert (fr.language, fr.published.value) == ("fr", "2024-05-03")


def test_supplied_datetime_and_bad_value():
    body = "The minister travelled to Tokyo on Monday to meet his Japanese counterpart.\n"
    doc = clean(_raw(body, published="2024-03-05T22:10:00+09:00"))
    assert (doc.published.value, doc.published.precision, doc.published.source) == ("2024-03-05", "day", "metadata")
    doc = clean(_raw(body, published="sometime soon"))
    assert doc.published.value is None and any("unreadable" in w for w in doc.warnings)


def test_dateline_borrows_the_year_of_the_header_date():
    text = ("Talks in Pyongyang\nJune 5, 2025\n\n"
            "SEOUL, June 5 (Example Wire) - North Korea's leader received a Russian security official on Wednesday.\n")
    doc = clean(_raw(text, reference_date="2026-11-23"))
    assert (doc.published.value, doc.published.source) == ("2025-06-05", "text")
    assert doc.outlet == "Example Wire" and doc.title == "Talks in Pyongyang"


def test_consent_banner_copyright_outlet_and_agency_dateline():
    text = ("En poursuivant, vous acceptez le dépôt de cookies et de traceurs par nos partenaires publicitaires.\n"
            "PARIS (AFP) - Le ministre des Armées a annoncé jeudi la livraison de nouveaux blindés à l'Ukraine.\n"
            "© Agence France Presse\n")
    doc = clean(_raw(text))
    assert doc.text.startswith("PARIS (AFP)") and "cookies" not in doc.text
    assert doc.outlet == "AFP"
    assert clean(_raw(text.replace("PARIS (AFP) - ", ""))).outlet == "Agence France Presse"


def test_html_page_whose_title_is_the_site_name_gets_no_title():
    html = ("<html><head><title>Home</title></head><body><article>"
            "<p>The defence ministers of both countries met in Ankara on Tuesday to discuss drone production.</p>"
            "</article></body></html>")
    doc = clean(RawDoc(id="p.html", data=html.encode(), kind="html"))
    assert doc.title is None and doc.text.startswith("The defence ministers")


def test_feed_entry_cleans_to_text(tmp_path):
    feed = ("<?xml version='1.0'?><rss version='2.0'><channel><title>Wire</title>"
            "<item><title>Ministers meet in Ankara</title><link>https://wire.example/a</link>"
            "<description>&lt;p&gt;The defence ministers of both countries met in Ankara on Tuesday."
            "&lt;/p&gt;</description></item></channel></rss>")
    path = tmp_path / "wire.rss"
    path.write_text(feed, encoding="utf-8")
    (raw,) = sources.read_paths([str(path)])
    doc = clean(raw)
    assert doc.title == "Ministers meet in Ankara" and doc.outlet == "Wire"
    assert "met in Ankara on Tuesday." in doc.text and "<p>" not in doc.text
