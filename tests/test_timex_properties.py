"""Properties of the temporal tagger over generated input (hypothesis): it never crashes, its
offsets are exact, its bounds are ordered, it reads no clock, and it reads any full date right."""
from __future__ import annotations

import datetime as dt
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annales import resources
from annales.timex import tag

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), database=None)


def _calendar(lang: str) -> tuple[dict[int, str], dict[int, str]]:
    """Month number -> its first (full) name, weekday number -> its first name, from the data files."""
    cal = resources.load_json(lang, "calendar")
    months, days = {}, {}
    for name, n in cal["months"].items():
        months.setdefault(n, name)
    for name, n in cal["weekdays"].items():
        days.setdefault(n, name)
    return months, days


WORDS = {lang: sorted(set(_calendar(lang)[0].values()) | set(_calendar(lang)[1].values())) for lang in ("fr", "en")}
EXTRA = ["hier", "demain", "aujourd'hui", "la semaine dernière", "l'an dernier", "en", "le", "depuis", "mois",
         "yesterday", "tomorrow", "last", "next", "week", "year", "on", "in", "since", "ago", "months", "2024",
         "1999", "-", "/", ".", ",", "12", "31", "1er", "3", "XXe", "siècle", "Q3", "W29"]

days = st.dates(min_value=dt.date(1901, 1, 1), max_value=dt.date(2099, 12, 31))
anchors = st.one_of(st.none(), days.map(dt.date.isoformat), st.just("2024"), st.just("2024-07"),
                    st.text(max_size=12))


def texts(lang: str):
    token = st.one_of(st.sampled_from(WORDS[lang] + EXTRA), st.integers(0, 3000).map(str),
                      st.text(max_size=6))
    return st.lists(token, max_size=14).map(" ".join)


@SETTINGS
@given(data=st.data(), lang=st.sampled_from(["fr", "en"]), anchor=anchors)
def test_any_text_is_tagged_with_exact_offsets_and_ordered_bounds(data, lang, anchor):
    text = data.draw(texts(lang))
    try:
        found = tag(text, lang, anchor)
    except ValueError as exc:             # an unreadable anchor is refused, and named
        assert isinstance(anchor, str) and "anchor" in str(exc) and repr(anchor) in str(exc)
        return
    assert found == tag(text, lang, anchor)             # deterministic: no clock, no leftover state
    for e in found:
        assert text[e.start:e.end] == e.text
        assert e.kind in ("date", "duration", "set")
        if e.earliest and e.latest:
            assert e.earliest <= e.latest, e
        if e.value and e.precision == "day":
            assert e.earliest == e.latest == e.value, e
            dt.date.fromisoformat(e.value)


@SETTINGS
@given(day=days, lang=st.sampled_from(["fr", "en"]), anchor=st.one_of(st.none(), days.map(dt.date.isoformat)))
def test_any_full_date_is_read_as_that_day(day, lang, anchor):
    months, _ = _calendar(lang)
    month = months[day.month]
    if lang == "fr":
        d = "1er" if day.day == 1 else str(day.day)
        text = f"Les deux ministres se sont rencontrés le {d} {month} {day.year} à Genève."
    else:
        text = f"The two ministers met in Geneva on {month.capitalize()} {day.day}, {day.year}."
    values = [e.value for e in tag(text, lang, anchor) if e.kind == "date"]
    assert values == [day.isoformat()], (text, anchor, json.dumps(values))
