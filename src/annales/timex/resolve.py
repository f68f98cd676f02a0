"""Turn rule matches into normalised periods, in text order.

Deictic expressions ("hier", "la semaine dernière", "mercredi") resolve against
the anchor (the publication date); anaphoric ones ("la veille", "ce même jour",
"deux jours plus tôt") against the reference time of the narrative: the last
date of that granularity the text resolved. Nothing here reads the wall clock.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Callable

from . import periods as P
from .lexicon import Lexicon, Rule, norm
from .periods import Period
from .tense import TenseIndex

LEVELS = ("day", "week", "month", "quarter", "year")


@dataclass
class Hit:
    start: int
    end: int
    order: int
    rule: Rule
    m: re.Match


Out = tuple[int, int, "Period | None", str]      # start, end, period (None: unresolved), kind


def pick(cands: list[Period], a: date, direction: str | None, strict: bool) -> Period | None:
    """The candidate nearest the anchor day `a` on the side `direction` implies."""
    if not cands:
        return None
    nearest = min(cands, key=lambda p: (P.distance(p, a), p.lo > a))   # ties: the past
    if direction == "past":
        side = [p for p in cands if (p.hi < a if strict else p.lo <= a)]
        chosen = max(side, key=lambda p: p.lo) if side else nearest
    elif direction == "future":
        side = [p for p in cands if (p.lo > a if strict else p.hi >= a)]
        chosen = min(side, key=lambda p: p.lo) if side else nearest
    else:
        chosen = nearest
    return chosen


def pick_year(build: Callable[[int], Period | None], a: date, direction: str | None,
              strict: bool) -> Period | None:
    """The year that puts the date nearest the anchor on the side the tense implies."""
    cands = [p for y in (a.year - 1, a.year, a.year + 1) if (p := build(y)) is not None]
    return pick(cands, a, direction, strict)


def pick_month(dd: int, wd: int, a: date, direction: str | None, strict: bool) -> Period | None:
    """'vendredi 13': the month around the anchor where day dd falls on weekday wd."""
    cands = []
    for k in range(-2, 3):
        first = P.add_months(a.replace(day=1), k)
        try:
            d = first.replace(day=dd)
        except ValueError:
            continue
        if d.weekday() == wd:
            cands.append(P.day(d))
    return pick(cands, a, direction, strict)


def weekday_from(a: date, wd: int, direction: str | None, allow_same: bool) -> date:
    back = (a.weekday() - wd) % 7
    fwd = (wd - a.weekday()) % 7
    if back == 0 and allow_same:
        return a
    back, fwd = back or 7, fwd or 7
    if direction == "past":
        return a - timedelta(days=back)
    if direction == "future":
        return a + timedelta(days=fwd)
    return a - timedelta(days=back) if back <= fwd else a + timedelta(days=fwd)


class Resolver:
    def __init__(self, lex: Lexicon, text: str, anchor: Period | None, tense: str | None):
        self.lex, self.text, self.anchor, self.tense = lex, text, anchor, tense
        self.refs: dict[str, Period] = {}
        self.ref_seq: dict[str, int] = {}
        self.seq = 0
        if anchor is not None:
            self.set_ref(anchor)
        self.conf = lex.conf
        self.tenses = TenseIndex(text, lex.lang)

    # ---- context -------------------------------------------------------------------------
    def set_ref(self, p: Period) -> None:
        """A resolved date becomes the reference time at its own and all coarser levels."""
        if p.value is None or p.precision not in LEVELS:
            return
        self.seq += 1
        for lvl in LEVELS[LEVELS.index(p.precision):]:
            self.refs[lvl] = p
            self.ref_seq[lvl] = self.seq

    def ref_for(self, unit: str) -> Period | None:
        """The latest-mentioned reference time fine enough for an offset in `unit`
        ("deux jours plus tôt" needs a day; "deux ans plus tard" takes the last year or day)."""
        unit = "week" if unit == "weekend" else unit
        usable = [lvl for lvl in LEVELS[: LEVELS.index(unit) + 1] if lvl in self.refs]
        if usable:
            return self.refs[max(usable, key=lambda lvl: self.ref_seq[lvl])]
        return self.refs.get("year")

    def tense_at(self, start: int, end: int) -> str | None:
        if self.tense:
            return self.tense
        return self.tenses.tense_at(start, end)

    def over(self, base: Period | None, fn: Callable[[date], Period | None]) -> Period | None:
        """Apply fn to both ends of a base period (anchor or reference): one period if they agree."""
        if base is None or base.lo is None or base.hi is None:
            return None
        p0 = fn(base.lo)
        p1 = p0 if base.hi == base.lo else fn(base.hi)
        if p0 is None or p1 is None:
            return None
        return P.join(p0, p1) if p0.lo and p1.lo and p0.hi and p1.hi else p0

    def word_after(self, pos: int) -> str:
        m = re.match(r"\s*([^\s]+)", self.text[pos:pos + 40])
        return m.group(1) if m else ""

    def word_before(self, pos: int) -> str:
        m = re.search(r"(\S+)\s*$", self.text[max(0, pos - 40):pos])
        return m.group(1) if m else ""

    def first_word(self, pos: int) -> str:
        """The next word, normalised; elided forms keep their apostrophe ("l'annonce" -> "l'")."""
        w = norm(re.sub(r"[^\w'’-]+$", "", self.word_after(pos)))
        return w.split("'")[0] + "'" if "'" in w[:3] else w

    def in_class(self, cls: str, word: str) -> bool:
        return word in self.lex.classes.get(cls, {})

    def valid(self, h: Hit) -> bool:
        """Context checks a regex cannot state: what may follow or precede a year-like number."""
        prm = h.rule.params
        if prm.get("require_any") and not any(h.m.groupdict().get(k) for k in prm["require_any"]):
            return False
        end = h.m.end("span") if "span" in h.m.groupdict() and h.m.group("span") else h.end
        if prm.get("check_follow"):
            # "de 1500 à 2000 euros": the number after the range word decides for both
            rng = re.match(r"\s*(?:à|et|to|and|-|–)\s*\d[\d\u00a0 .,]*\d(?!\w)", self.text[end:end + 40])
            if rng:
                end += rng.end()
            nxt = self.word_after(end)
            if nxt:
                if nxt[0].isdigit():
                    return False
                if (prm["check_follow"] != "units" and nxt[0].isalpha() and nxt[0].islower()
                        and not self.in_class("YEAR_FOLLOW_OK", self.first_word(end))):
                    return False
                if nxt[0] in "€$£%" or self.in_class("YEAR_FOLLOW_BAD", norm(re.sub(r"[^\w€$£%]+$", "", nxt))):
                    return False        # "de 1500 F", "2000 €": amounts
        if prm.get("check_before"):
            prev = norm(re.sub(r"^\W+|\W+$", "", self.word_before(h.start)))
            if self.in_class("YEAR_NOT_AFTER", prev):
                return False
        if prm.get("not_after") and self.after_class(h.start, prm["not_after"]):
            return False
        if prm.get("not_before") and self.in_class(prm["not_before"], self.first_word(h.end)):
            return False        # "Vendredi saint", "the Sunday Times"
        return True

    def after_class(self, pos: int, cls: str) -> bool:
        """Whether the word before pos (looking past one small linking word such as "du") is in
        class cls: "rue du 8-Mai", "le Journal du dimanche"."""
        before = re.findall(r"[\w'’.-]+", self.text[max(0, pos - 60):pos])
        words = [norm(w) for w in before[-3:]]
        links = self.lex.classes.get("LINK", {})
        for w in reversed(words):
            if self.in_class(cls, w):
                return True
            if w not in links:
                return False
        return False

    # ---- actions -------------------------------------------------------------------------
    def run(self, h: Hit) -> list[Out]:
        try:
            out = getattr(self, "act_" + h.rule.action)(h)
        except (ValueError, OverflowError):
            return []       # a number no calendar can hold ("il y a 100000 ans"): not a date
        for _, _, p, kind in out:
            if p is not None and kind == "date":
                self.set_ref(p)
        return out

    def span_of(self, h: Hit) -> tuple[int, int]:
        g = h.m.groupdict()
        if g.get("span"):
            return h.m.span("span")
        return h.start, h.end

    def g(self, h: Hit, name: str) -> str | None:
        return h.m.groupdict().get(name)

    def num(self, word: str | None):
        """An integer, or a (low, high) pair for vague quantities ("quelques")."""
        if word is None:
            return None
        if word.isdigit():
            return int(word)
        v = self.lex.value("NUM", word)
        if v is None:
            v = self.lex.value("VAGUE_NUM", word)
        return tuple(v) if isinstance(v, list) else v

    def day_num(self, word: str | None) -> int | None:
        if word is None:
            return None
        m = re.match(r"\d+", word)
        return int(m.group()) if m else self.lex.value("DAYWORD", word)

    def year_num(self, h: Hit) -> int | None:
        y = self.g(h, "y")
        if y:
            return int(y)
        y2 = self.g(h, "y2")
        if y2:
            n = int(y2.lstrip("'\u2019"))
            ref_year = self.anchor.lo.year if self.anchor and self.anchor.lo else 2000
            cent = ref_year // 100 * 100
            # the century that puts the year nearest the anchor, and not more than ten years after it
            y = cent + n
            return y - 100 if y > ref_year + 10 else y
        return None

    def direction(self, h: Hit, start: int, end: int) -> tuple[str | None, bool]:
        """(direction, strict) for year inference and weekdays: "dernier"/"prochain" are strict
        (never the anchor's own period), a preposition like "depuis" or the clause's tense is not."""
        rel = self.lex.value("REL", self.g(h, "rel"))
        if rel == -1:
            return "past", True
        if rel == 1:
            return "future", True
        prep = self.lex.value("PREP_DIR", self.g(h, "prep"))
        if prep:
            return prep, False
        t = self.tense_at(start, end)
        return {"past": "past", "future": "future"}.get(t or ""), False

    def act_date(self, h: Hit) -> list[Out]:
        lex = self.lex
        mon = lex.value("MONTH", self.g(h, "m"))
        d = self.day_num(self.g(h, "d"))
        hol = lex.value("HOLIDAY", self.g(h, "hol"))
        if hol:
            mon, d = hol
        if self.g(h, "mn"):
            mon = int(self.g(h, "mn"))
        if self.g(h, "a"):                          # numeric date: order is a language convention
            a, b = int(self.g(h, "a")), int(self.g(h, "b"))
            if self.conf.get("numeric_date_order", "dmy") == "mdy":
                a, b = b, a
            if b > 12 and a <= 12:                  # 13/05 can only be day/month
                a, b = b, a
            d, mon = a, b
        if mon is not None and not 1 <= mon <= 12:
            return []
        y = self.year_num(h)
        wd = lex.value("WEEKDAY", self.g(h, "wd"))
        part = lex.value("PART", self.g(h, "part"))
        season = lex.value("SEASON", self.g(h, "season"))
        q = lex.value("QUARTER", self.g(h, "qn"))
        if self.g(h, "qd"):
            q = int(self.g(h, "qd"))
        extra_days = [self.day_num(self.g(h, k)) for k in ("d1", "d2") if self.g(h, k)]

        def build(yy: int, dd: int | None = d, check_wd: bool = True) -> Period | None:
            try:
                if season is not None:
                    (sm, sd), (em, ed) = season
                    lo = date(yy, sm, sd)
                    return P.span(lo, date(yy + (1 if (em, ed) < (sm, sd) else 0), em, ed))
                if q is not None:
                    return P.quarter(yy, q) if 1 <= q <= 4 else None
                if mon is not None and dd is not None:
                    dt = date(yy, mon, dd)
                    if check_wd and wd is not None and dt.weekday() != wd:
                        return None
                    return P.day(dt)
                if mon is not None:
                    return P.part_of(P.month(yy, mon), part)
                return P.part_of(P.year(yy), part)
            except ValueError:
                return None

        start, end = self.span_of(h)
        out: list[Out] = []
        if mon is None and d is not None and wd is not None and y is None:
            direction, strict = self.direction(h, start, end)
            return [(start, end, self.over(self.anchor, lambda a: pick_month(d, wd, a, direction, strict)), "date")]
        if y is not None:
            p = build(y) or build(y, check_wd=False)
            if p is None:
                return []
            days = [(dd, build(y, dd, False)) for dd in extra_days]
        else:
            direction, strict = self.direction(h, start, end)

            def infer(dd: int | None, use_wd: bool) -> Period | None:
                return self.over(self.anchor, lambda a: pick_year(lambda yy: build(yy, dd, use_wd), a,
                                                                  direction, strict))
            p = infer(d, True) or infer(d, False)
            if p is None and self.anchor is not None:
                return []
            days = [(dd, infer(dd, False)) for dd in extra_days]
        for key, (dd, pd) in zip(("d1", "d2"), days):
            out.append((h.m.start(key), h.m.end(key), pd, "date"))
        if extra_days:
            start = h.m.start("d")
        out.append((start, end, p, "date"))
        return out

    def act_years(self, h: Hit) -> list[Out]:
        """'2002/2003', '2019-2020': two years."""
        y1, y = int(self.g(h, "y1")), int(self.g(h, "y"))
        if not 0 < y - y1 <= 50:
            return []
        return [(h.m.start("y1"), h.m.end("y1"), P.year(y1), "date"),
                (h.m.start("y"), h.m.end("y"), P.year(y), "date")]

    def act_weekday(self, h: Hit) -> list[Out]:
        wd = self.lex.value("WEEKDAY", self.g(h, "wd"))
        start, end = self.span_of(h)
        if self.g(h, "arel"):                       # "le mercredi suivant": after the reference day
            n = self.lex.value("REL_ANA", self.g(h, "arel"))
            return [(start, end, self.over(self.refs.get("day"), lambda a: P.day(
                weekday_from(a, wd, "future" if n > 0 else "past", False))), "date")]
        allow_same = bool(self.g(h, "dem"))
        direction, strict = self.direction(h, start, end)
        wire = bool(self.conf.get("past_weekday_includes_anchor_day"))
        if direction == "past" and not strict and wire:
            allow_same = True                       # wire style: "said on Friday" in Friday's paper
        if strict:
            allow_same = False
        elif direction is None:
            if not self.g(h, "prep") and self.tense_at(start, end) == "present":
                direction, allow_same = "future", True     # "se rend mardi": the coming one
            else:
                # no tense to go by ("dès mardi soir" after an infinitive, an imperfect): the
                # nearest such day, which in that day's paper is the day itself
                allow_same = allow_same or wire
        p = self.over(self.anchor, lambda a: P.day(weekday_from(a, wd, direction, allow_same)))
        return [(start, end, p, "date")]

    def act_deictic(self, h: Hit) -> list[Out]:
        n = self.lex.value("DEICTIC", self.g(h, "deixis"))
        start, end = self.span_of(h)
        return [(start, end, self.over(self.anchor, lambda a: P.day(a + timedelta(days=n))), "date")]

    def act_anaphor(self, h: Hit) -> list[Out]:
        n = self.lex.value("ANAPHOR", self.g(h, "ana"))
        start, end = self.span_of(h)
        if self.in_class("ANAPHOR_BLOCK", self.first_word(end)):
            return [(start, end, None, "date")]     # "la veille du sommet": the day before an undated event
        return [(start, end, self.over(self.refs.get("day"), lambda a: P.day(a + timedelta(days=n))), "date")]

    def act_relunit(self, h: Hit) -> list[Out]:
        lex = self.lex
        unit = lex.value("UNIT", self.g(h, "unit"))
        part = lex.value("PART", self.g(h, "part"))
        start, end = self.span_of(h)
        if self.g(h, "arel"):                       # "l'année précédente": from the narrative
            n, base = lex.value("REL_ANA", self.g(h, "arel")), self.ref_for(unit)
        else:
            n = lex.value("REL", self.g(h, "rel"))
            if n is None:
                if not (self.g(h, "dem") or part):
                    return []
                n = 0
            base = self.anchor
        if unit is None or n is None:
            return []
        tense = self.tense_at(start, end) if unit == "weekend" and n == 0 else None

        def fn(a: date) -> Period:
            if unit == "weekend":
                sat = a - timedelta(days=(a.weekday() - 5) % 7)     # last Saturday, or today
                in_weekend = a.weekday() >= 5
                if n == -1 and in_weekend:
                    sat -= timedelta(days=7)
                elif n == 1 or (n == 0 and not in_weekend and tense != "past"):
                    sat += timedelta(days=7)
                return P.span(sat, sat + timedelta(days=1))
            p = P.of_unit(unit, P.shift(a, unit, n))
            if part == "sofar":
                return Period(p.lo, min(a, p.hi), p.precision, p.value)
            if part == "rest":
                return Period(max(a, p.lo), p.hi, p.precision, p.value)
            return P.part_of(p, part)
        return [(start, end, self.over(base, fn), "date")]

    def act_offset(self, h: Hit) -> list[Out]:
        """'il y a deux ans', 'two days ago', 'deux jours plus tôt', 'dans trois semaines', 'depuis trois mois'."""
        prm = h.rule.params
        unit = self.lex.value("UNIT", self.g(h, "unit"))
        q = self.num(self.g(h, "q")) if self.g(h, "q") else 1
        if unit is None or q is None:
            return []
        sign = prm.get("sign") or self.lex.value("SHIFT_DIR", self.g(h, "dir"))
        if sign is None:
            return []
        base = self.anchor if prm.get("base", "anchor") == "anchor" else self.ref_for(unit)
        start, end = self.span_of(h)
        if prm.get("tense_not") and self.tense_at(start, end) == prm["tense_not"]:
            return []                               # "in three days" in a past clause is a duration
        if self.in_class("NP_DIR", norm(self.g(h, "dir") or "")) and re.match(r"\s*\w", self.text[end:end + 3]):
            if not self.in_class("NP_REF_VERB", norm(self.word_before(start)).strip(",")):
                return [(start, end, None, "date")]     # "deux jours après le vote, ...": the vote is undated
            # "X survient quelques jours après la rencontre": the offset dates the event the noun
            # phrase names, counted back from the reference time (X)
            sign = -sign
            base = self.ref_for(unit)
        mod = self.lex.value("MOD", self.g(h, "mod")) or prm.get("mod")
        unit_p = "day" if unit == "weekend" else unit

        def fn(a: date) -> Period:
            if isinstance(q, tuple):
                n1, n2 = q
                far, near = P.shift(a, unit_p, sign * n2), P.shift(a, unit_p, sign * n1)
                lo, hi = min(far, near), max(far, near)
                return P.span(P.of_unit(unit_p, lo).lo, P.of_unit(unit_p, hi).hi)
            point = P.shift(a, unit_p, sign * q)
            if mod == "more":       # more than N ago: before that point
                return P.span(None, point) if sign < 0 else P.span(point, None)
            if mod == "less":       # less than N ago: between that point and the base
                return P.span(point, a) if sign < 0 else P.span(a, point)
            return P.of_unit(unit_p, point)
        return [(start, end, self.over(base, fn), prm.get("kind", "date"))]

    def act_vague(self, h: Hit) -> list[Out]:
        """'ces dernières semaines', 'récemment', 'dans les prochains jours': a range touching the anchor."""
        spec = self.lex.value("VAGUE", self.g(h, "vague"))
        if spec:
            unit, n, sign = spec
        else:
            unit = self.lex.value("UNIT", self.g(h, "unit"))
            sign = h.rule.params.get("sign", -1)
            if self.g(h, "q"):
                n = self.num(self.g(h, "q"))
            elif self.lex.value("UNIT_ONE", self.g(h, "unit")):
                n = 1                               # "within the next year": one unit, not a vague span
            else:
                n = self.conf.get("vague_span", {}).get(unit)
            if isinstance(n, tuple):
                n = n[1]
        if unit is None or not n:
            return []
        start, end = self.span_of(h)

        def fn(a: date) -> Period:
            other = P.shift(a, "day" if unit == "weekend" else unit, sign * n)
            return P.span(other, a) if sign < 0 else P.span(a + timedelta(days=1), other)
        return [(start, end, self.over(self.anchor, fn), "date")]

    def act_set(self, h: Hit) -> list[Out]:
        start, end = self.span_of(h)
        return [(start, end, None, "set")]
