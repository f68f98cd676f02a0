"""Table-driven tests of the temporal tagger (cases in tests/data/timex/cases.jsonl)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from annales.model import Document, Published
from annales.timex import parse_anchor, tag, tag_document, tense_of

CASES = [json.loads(line) for line in
         (Path(__file__).parent / "data" / "timex" / "cases.jsonl").read_text(encoding="utf-8").splitlines()
         if line.strip()]
FIELDS = ("value", "precision", "earliest", "latest", "kind")


def check(case: dict) -> str | None:
    """None when the case passes, else what went wrong."""
    found = tag(case["text"], case["lang"], case["anchor"], case.get("tense"))
    for e in found:
        if case["text"][e.start:e.end] != e.text:
            return f"offsets {e.start}:{e.end} do not give {e.text!r}"
    if "absent" in case:
        i = case["text"].index(case["absent"])
        j = i + len(case["absent"])
        hits = [e.text for e in found if e.start < j and i < e.end]
        return f"spurious {hits}" if hits else None
    match = [e for e in found if e.text == case["expr"]]
    if not match:
        return f"{case['expr']!r} not found; got {[e.text for e in found]}"
    got = {k: getattr(match[0], k) for k in FIELDS}
    want = {k: case[k] for k in FIELDS}
    return None if got == want else f"got {got}, want {want}"


def test_cases_table():
    langs = {c["lang"] for c in CASES}
    assert {"fr", "en"} <= langs
    assert sum(c["lang"] == "fr" for c in CASES) >= 80 and sum(c["lang"] == "en" for c in CASES) >= 40
    failures = []
    for c in CASES:
        err = check(c)
        if err:
            failures.append(f"[{c['lang']}] {c['text']!r} @ {c['anchor']}: {err}")
    for lang in sorted(langs):
        n = sum(c["lang"] == lang for c in CASES)
        bad = sum(f.startswith(f"[{lang}]") for f in failures)
        print(f"timex cases {lang}: {n - bad}/{n} pass")
    assert not failures, "\n".join(failures)


def test_order_and_offsets_of_a_longer_text():
    text = ("Le ministre a annoncé hier sa visite. Ce même jour, son homologue a démenti. "
            "En juillet, il s'était rendu à Pyongyang. Deux jours plus tôt, l'ambassadeur avait parlé.")
    found = tag(text, "fr", "2023-09-05")
    assert [e.text for e in found] == ["hier", "Ce même jour", "En juillet", "Deux jours plus tôt"]
    assert [e.value for e in found] == ["2023-09-04", "2023-09-04", "2023-07", "2023-09-02"]
    assert all(text[e.start:e.end] == e.text for e in found)
    assert found == sorted(found, key=lambda e: e.start)


def test_published_object_and_tag_document():
    doc = Document(id="d1", text="Kim a reçu jeudi une délégation.", language="fr",
                   published=Published("2024-07-19", "day", "metadata"))
    assert [e.value for e in tag_document(doc)] == ["2024-07-18"]
    doc.language = None                       # French is the default
    assert [e.value for e in tag_document(doc)] == ["2024-07-18"]


def test_bad_publication_date_names_the_document():
    doc = Document(id="broken-42", text="hier", language="fr", published=Published("19/07/2024", "day"))
    with pytest.raises(ValueError, match="broken-42"):
        tag_document(doc)
    with pytest.raises(ValueError):
        parse_anchor("2024-13-45")
    with pytest.raises(ValueError):
        tag("hier", "fr", "2024-07-19", tense="someday")


def test_language_tags():
    assert tag("gestern", "de", "2024-07-19") == []          # no data for German: nothing guessed
    assert [e.value for e in tag("hier", "fr-FR", "2024-07-19")] == ["2024-07-18"]
    assert [e.value for e in tag("yesterday", "EN", "2024-07-19")] == ["2024-07-18"]


def test_tense_of():
    assert tense_of("Le ministre a rencontré son homologue.", "fr") == "past"
    assert tense_of("Le ministre rencontrera son homologue.", "fr") == "future"
    assert tense_of("Le ministre va rencontrer son homologue.", "fr") == "future"
    assert tense_of("Les troupes étaient déployées à la frontière.", "fr") == "past"
    assert tense_of("La réunion a lieu à Genève.", "fr") == "present"
    assert tense_of("The minister met his counterpart.", "en") == "past"
    assert tense_of("The minister will meet his counterpart.", "en") == "future"
    assert tense_of("Paris, Berlin, Rome.", "fr") is None


def test_no_wall_clock_without_anchor():
    found = tag("Le ministre a annoncé hier, la semaine dernière et mercredi ses décisions.", "fr", None)
    assert [e.text for e in found] == ["hier", "la semaine dernière", "mercredi"]
    assert all(e.value is None and e.precision == "unresolved" and e.earliest is None for e in found)


def test_odd_input_does_not_crash():
    assert tag("", "fr", "2024-03-14") == []
    for text in ("il y a 100000 ans", "dans 99999999 jours", "le 31 février", "00/00/2023", "le 29 février",
                 "hier " * 50, "2000-13-45", "in 99999999999 days", "Friday the 31st"):
        for lang in ("fr", "en"):
            for e in tag(text, lang, "2023-03-14"):
                assert text[e.start:e.end] == e.text
    # no 29 February in 2022 or 2023: the only candidate year is 2024
    assert [e.value for e in tag("le 29 février", "fr", "2023-03-14")] == ["2024-02-29"]


def test_a_date_inside_a_sentence_is_not_a_dateline():
    found = tag("Il est né le 21 janvier 1913 à Nancy. Ses obsèques ont eu lieu hier.", "fr", None)
    assert [(e.text, e.value) for e in found] == [("le 21 janvier 1913", "1913-01-21"), ("hier", None)]
    found = tag("Publié le 12 mars 2024\nLes obsèques ont eu lieu hier.", "fr", None)
    assert [e.value for e in found] == ["2024-03-12", "2024-03-11"]


def test_time_tagging_is_linear_in_one_long_sentence():
    """One 'sentence' of 50k characters with hundreds of dates (no full stop to split it): each
    expression's tense must not rescan the sentence (it used to take close to a minute)."""
    import time

    from annales.timex import tense

    calls = {"n": 0}
    real = tense._Sentence.__init__

    def counting(self, *a, **k):
        calls["n"] += 1
        real(self, *a, **k)

    tense._Sentence.__init__ = counting
    try:
        unit = "le ministre a rencontré son homologue le 3 mai et a annoncé mardi, "
        text = unit * (50_000 // len(unit))
        t0 = time.perf_counter()
        found = tag(text, "fr", "2024-05-10")
        took = time.perf_counter() - t0
    finally:
        tense._Sentence.__init__ = real
    assert len(found) >= 1400 and all(e.value for e in found[:10])
    assert calls["n"] <= 2, f"the sentence was analysed {calls['n']} times"
    assert took < 5, f"{took:.1f}s for 50k characters"
