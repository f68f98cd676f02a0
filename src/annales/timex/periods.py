"""Calendar arithmetic on periods: a day, week, month, quarter, year or a bare range.

A Period is what an expression denotes: ISO-day bounds, a precision and the value
string the text supports (None where it supports only a range). Everything here is
language-independent.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

# Parts of a period as fractions of its days or months ("début", "mi-", "fin", "early", "mid", "late").
PART_MONTH_DAYS = {"early": (1, 10), "mid": (11, 20), "late": (21, 31), "whole": (1, 31)}
PART_YEAR_MONTHS = {"early": (1, 4), "mid": (5, 8), "late": (9, 12), "whole": (1, 12)}


@dataclass(frozen=True)
class Period:
    lo: date | None          # None: open-ended ("il y a plus de deux ans")
    hi: date | None
    precision: str
    value: str | None


def day(d: date) -> Period:
    return Period(d, d, "day", d.isoformat())


def month(y: int, m: int) -> Period:
    last = calendar.monthrange(y, m)[1]
    return Period(date(y, m, 1), date(y, m, last), "month", f"{y:04d}-{m:02d}")


def year(y: int) -> Period:
    return Period(date(y, 1, 1), date(y, 12, 31), "year", f"{y:04d}")


def week(d: date) -> Period:
    iy, iw, _ = d.isocalendar()
    mon = d - timedelta(days=d.weekday())
    return Period(mon, mon + timedelta(days=6), "week", f"{iy:04d}-W{iw:02d}")


def quarter(y: int, q: int) -> Period:
    lo = date(y, 3 * q - 2, 1)
    return Period(lo, month(y, 3 * q).hi, "quarter", f"{y:04d}-Q{q}")


def span(lo: date, hi: date) -> Period:
    """A bare range: value None; precision names the unit its width corresponds to."""
    if lo is None or hi is None:
        return Period(lo, hi, "unresolved", None)
    if lo == hi:
        return day(lo)
    width = (hi - lo).days + 1
    prec = "week" if width <= 7 else "month" if width <= 31 else "quarter" if width <= 100 else "year"
    return Period(lo, hi, prec, None)


def of_unit(unit: str, d: date) -> Period:
    """The calendar period of `unit` that contains day d."""
    if unit == "day":
        return day(d)
    if unit == "week":
        return week(d)
    if unit == "month":
        return month(d.year, d.month)
    if unit == "quarter":
        return quarter(d.year, (d.month - 1) // 3 + 1)
    if unit == "weekend":
        sat = d - timedelta(days=d.weekday()) + timedelta(days=5)
        return span(sat, sat + timedelta(days=1))
    return year(d.year)


def add_months(d: date, n: int) -> date:
    k = d.year * 12 + d.month - 1 + n
    y, m = divmod(k, 12)
    return date(y, m + 1, min(d.day, calendar.monthrange(y, m + 1)[1]))


def shift(d: date, unit: str, n: int) -> date:
    if unit == "day":
        return d + timedelta(days=n)
    if unit in ("week", "weekend"):
        return d + timedelta(days=7 * n)
    if unit == "month":
        return add_months(d, n)
    if unit == "quarter":
        return add_months(d, 3 * n)
    return add_months(d, 12 * n)


def part_of(p: Period, part: str | None) -> Period:
    """'early'/'mid'/'late' of a month or year: same value, narrower bounds."""
    if not part or part == "whole":
        return p
    if p.precision == "month":
        a, b = PART_MONTH_DAYS[part]
        hi = min(b, p.hi.day)
        return Period(p.lo.replace(day=a), p.lo.replace(day=hi), p.precision, p.value)
    if p.precision == "year":
        a, b = PART_YEAR_MONTHS[part]
        return Period(date(p.lo.year, a, 1), month(p.lo.year, b).hi, p.precision, p.value)
    if p.precision == "week":
        a, b = {"early": (0, 2), "mid": (2, 4), "late": (4, 6)}[part]
        return Period(p.lo + timedelta(days=a), p.lo + timedelta(days=b), p.precision, p.value)
    return p


def distance(p: Period, d: date) -> int:
    """Days between day d and period p (0 when p contains d)."""
    if p.lo <= d <= p.hi:
        return 0
    return (p.lo - d).days if p.lo > d else (d - p.hi).days


def join(a: Period, b: Period) -> Period:
    """One period when both resolutions agree, else the range covering both."""
    if a == b:
        return a
    return span(min(a.lo, b.lo), max(a.hi, b.hi))
