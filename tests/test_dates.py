"""Every event anchored in the article's time (extract/dates.py), and how dates read (dates_label).

The anchoring cases (tests/data/dates/anchoring.jsonl) are sentences written for these tests,
one or more per step of the order explicit → clause → discourse → publication, and for the
rule that a time describing a noun inside an argument never dates the event.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from annales import export, fuse
from annales.dates_label import date_label
from annales.extract import extract
from test_extract import describe, doc_of

CASES = [json.loads(line) for line in
         (Path(__file__).parent / "data" / "dates" / "anchoring.jsonl").read_text(encoding="utf-8").splitlines()
         if line.strip()]


@pytest.mark.parametrize("case", CASES, ids=[f'{c["step"]}-{c["lang"]}-{i}' for i, c in enumerate(CASES)])
def test_anchoring(case):
    recs = [r for r in extract(doc_of(case["text"], case["lang"], case["published"])) if r.event == case["event"]]
    assert recs, f'no {case["event"]} record'
    d = recs[0].date
    if case["source"] is None:
        assert d is None, describe(recs)
        return
    assert d is not None and d.source == case["source"], (d, describe(recs))
    if "value" in case:
        assert d.value == case["value"], d
    else:
        assert d.value is None, d          # an inferred or bounded date is never a day of its own
    for key in ("earliest", "latest", "precision"):
        if key in case:
            assert getattr(d, key) == case[key], (key, d)


def test_cases_cover_every_step_in_both_languages():
    for step in ("explicit", "noun-time", "clause", "discourse", "publication", "none"):
        assert {c["lang"] for c in CASES if c["step"] == step} == {"fr", "en"}, step


def test_date_source_is_in_the_record():
    [rec] = [r for r in extract(doc_of("Russia and North Korea signed a defence pact.", "en", "2024-06-20"))]
    assert rec.to_dict()["date"]["source"] == "publication"


# -- labels ------------------------------------------------------------------------------------

LABELS = [
    ({"value": "2024-11-29", "earliest": "2024-11-29", "latest": "2024-11-29"}, "29 Nov 2024", "29 nov. 2024"),
    ({"value": "2024-11-01"}, "1 Nov 2024", "1er nov. 2024"),
    ({"value": "2024-11", "earliest": "2024-11-01", "latest": "2024-11-30"}, "Nov 2024", "nov. 2024"),
    ({"value": "2024"}, "2024", "2024"),
    ({"value": "2024-Q3"}, "Q3 2024", "3e trimestre 2024"),
    ({"value": "2024-W48"}, "week of 25 Nov 2024", "semaine du 25 nov. 2024"),
    ({"value": None, "earliest": "2024-11-22", "latest": "2024-11-29", "precision": "week", "source": "publication"},
     "week to 29 Nov 2024", "semaine précédant le 29 nov. 2024"),
    ({"value": None, "earliest": None, "latest": "2024-11-29", "source": "publication"},
     "before 29 Nov 2024", "avant le 29 nov. 2024"),
    ({"value": None, "earliest": "2024-06-12", "latest": None, "source": "publication"},
     "after 12 Jun 2024", "après le 12 juin 2024"),
    ({"value": "2025-10", "earliest": "2025-10-01", "latest": "2025-10-10"}, "early Oct 2025", "début oct. 2025"),
    ({"value": "2023-07", "earliest": "2023-07-25", "latest": "2023-07-26"}, "25–26 Jul 2023", "25–26 juil. 2023"),
    ({"earliest": "2024-11-28", "latest": "2024-12-03"}, "28 Nov – 3 Dec 2024", "du 28 nov. au 3 déc. 2024"),
    ({"earliest": "2023-12-28", "latest": "2024-01-03"}, "28 Dec 2023 – 3 Jan 2024", "du 28 déc. 2023 au 3 janv. 2024"),
    (None, "undated", "sans date"),
    ({"value": None, "precision": "unresolved", "earliest": None, "latest": None}, "undated", "sans date"),
]


@pytest.mark.parametrize("d,en,fr", LABELS, ids=[en for _, en, _ in LABELS])
def test_date_label(d, en, fr):
    assert date_label(d) == en
    assert date_label(d, "fr") == fr


def test_label_takes_a_time_expression_and_never_shows_a_window_as_a_day():
    [rec] = extract(doc_of("Russia and North Korea signed a defence pact.", "en", "2024-06-20"))
    assert date_label(rec.date) == "week to 20 Jun 2024"
    [rec] = extract(doc_of("Russia and North Korea signed a defence pact.", "en", "2024-06"))
    assert date_label(rec.date) == "25 May – 30 Jun 2024"


def test_exports_carry_source_and_label():
    ev = {"id": "f-1", "event": "SUPPORT", "actor": [], "recipient": [], "mentions": ["a"], "sources": ["x"],
          "date": {"value": None, "earliest": "2024-06-13", "latest": "2024-06-20", "precision": "week",
                   "source": "publication", "text": ""}}
    row = dict(zip(export.CSV_COLUMNS, export.csv_row(ev)))
    assert row["date_source"] == "publication" and row["date_label"] == "week to 20 Jun 2024"
    assert row["date"] is None
    assert export.chronology([ev]).startswith("week to 20 Jun 2024")
    assert export.timeline_event(ev)["display_date"] == "week to 20 Jun 2024"


# -- fusion ------------------------------------------------------------------------------------

def test_publication_window_neither_joins_nor_splits_reports_but_dates_an_otherwise_undated_event():
    text = "Russia and North Korea signed a defence pact."
    a = extract(doc_of(text, "en", "2024-06-20", id="a"))
    b = extract(doc_of("Russia and North Korea signed a defence pact on June 19.", "en", "2024-06-28", id="b"))
    # a window of the week before 20 June and a stated 19 June: one event, dated by the stated day
    [ev] = fuse.fuse(a + b, {"a": "2024-06-20", "b": "2024-06-28"})
    assert ev.date.value == "2024-06-19" and ev.date.source == "explicit"
    # alone, the event keeps its window, as a window
    [alone] = fuse.fuse(a, {"a": "2024-06-20"})
    assert alone.date.value is None and alone.date.source == "publication"
    assert (alone.date.earliest, alone.date.latest) == ("2024-06-13", "2024-06-20")
