"""A date as a reader should see it: as precise as the sources are, never more.

`date_label` turns an EVENTS.md `date` (value, earliest, latest, precision, source) into
words: "29 Nov 2024", "Nov 2024", "early Oct 2025", "week of 25 Nov 2024", "week to
29 Nov 2024" (a window inferred from the publication date), "before 29 Nov 2024",
"after 12 Jun 2024". The wording is data: resources/<lang>/date_labels.json. The
timeline text, the web pages and the exports all call it, so a date reads the same
everywhere.
"""
from __future__ import annotations

import re
from datetime import date, timedelta

from .resources import load_json

VALUE = re.compile(r"^(\d{4})(?:-(?:(\d{2})(?:-(\d{2}))?|W(\d{2})|Q([1-4])))?$")


def date_label(d, lang: str = "en") -> str:
    """The words for a date dict or TimeExpr (None or an empty date: the 'undated' word)."""
    w = _words(lang)
    if d is not None and not isinstance(d, dict):
        d = d.to_dict()
    d = d or {}
    lo, hi = _day(d.get("earliest")), _day(d.get("latest"))
    if lo is None and hi is None:
        lo, hi = value_range(d.get("value"))
    elif (lo is None or hi is None) and d.get("value"):
        vlo, vhi = value_range(d.get("value"))
        lo, hi = lo or vlo, hi or vhi
    if lo is None and hi is None:
        return w["undated"]
    if lo is None:
        return w["before"].format(day=_full(hi, w))
    if hi is None:
        return w["after"].format(day=_full(lo, w))
    if hi < lo:
        lo, hi = hi, lo
    return _closed(lo, hi, d.get("source"), w)


def _closed(lo: date, hi: date, source: str | None, w: dict) -> str:
    month = w["months"][lo.month - 1]
    if lo == hi:
        return _full(lo, w)
    if (lo.year, lo.month, lo.day) == (hi.year, 1, 1) and (hi.month, hi.day) == (12, 31):
        return w["year"].format(year=lo.year)
    if lo.day == 1 and (hi + timedelta(days=1)).day == 1:
        n = (hi.year - lo.year) * 12 + hi.month - lo.month + 1
        if n == 1:
            return w["month"].format(month=month, year=lo.year)
        if n == 3 and lo.month % 3 == 1 and lo.year == hi.year:
            return w["quarter"].format(q=lo.month // 3 + 1, year=lo.year)
    if source == "publication" and (hi - lo).days <= 8:
        return w["week_to"].format(day=_full(hi, w))
    if (hi - lo).days == 6 and lo.weekday() == 0:
        return w["week_of"].format(day=_full(lo, w))
    if (lo.year, lo.month) == (hi.year, hi.month):
        for third, (first, last) in enumerate(((1, 10), (11, 20), (21, 31))):
            if lo.day >= first and hi.day <= last and hi.day - lo.day >= 5:
                return w["thirds"][third].format(month=month, year=lo.year)
        return w["days_in_month"].format(d1=_d(lo, w), d2=_d(hi, w), month=month, year=lo.year)
    start = w["day_in_year"].format(d=_d(lo, w), month=month) if lo.year == hi.year else _full(lo, w)
    return w["range"].format(start=start, end=_full(hi, w))


def value_range(value: str | None) -> tuple[date | None, date | None]:
    """The first and last day an EVENTS.md value names: 2024, 2024-07, 2024-07-18, 2024-W29, 2024-Q3."""
    m = VALUE.match(str(value or ""))
    if not m:
        return None, None
    y, mo, dd, wk, q = m.groups()
    y = int(y)
    try:
        if dd:
            day = date(y, int(mo), int(dd))
            return day, day
        if mo:
            return date(y, int(mo), 1), _month_end(y, int(mo))
        if wk:
            monday = date.fromisocalendar(y, int(wk), 1)
            return monday, monday + timedelta(days=6)
        if q:
            return date(y, 3 * int(q) - 2, 1), _month_end(y, 3 * int(q))
    except ValueError:
        return None, None
    return date(y, 1, 1), date(y, 12, 31)


def _month_end(y: int, m: int) -> date:
    return date(y + (m == 12), m % 12 + 1, 1) - timedelta(days=1)


def _day(s: str | None) -> date | None:
    try:
        return date.fromisoformat(s[:10]) if s else None
    except ValueError:
        return None


def _d(day: date, w: dict) -> str:
    return w["first_day"] if day.day == 1 else str(day.day)


def _full(day: date, w: dict) -> str:
    return w["day"].format(d=_d(day, w), month=w["months"][day.month - 1], year=day.year)


def _words(lang: str) -> dict:
    return load_json(lang, "date_labels") or load_json("en", "date_labels")
