"""Temporal tagger: finds dates in French and English text and normalises them.

    tag(text, lang, anchor, tense=None) -> list[TimeExpr]
    tag_document(doc) -> list[TimeExpr]
    tense_of(sentence, lang) -> "past" | "present" | "future" | None

Rules and word lists are data (resources/<lang>/timex.json + calendar.json);
this package holds only the language-independent machinery:
  lexicon  compiles the data into regexes, once per language
  tense    guesses the tense of the clause around an expression
  periods  calendar arithmetic
  resolve  turns matches into periods (anchor, narrative reference time, year inference)

Output conventions (TimeExpr): `value` carries only the precision the text
supports ("2024-07-18", "2024-W29", "2024-07", "2024-Q3", "2024") and is None
where the text supports only a range; then `precision` names the unit the
range's width corresponds to (week <= 7 days, month <= 31, quarter <= 100, else
year) and `earliest`/`latest` bound it; "unresolved" means no bounds at all.
`kind` is "date", "duration" ("depuis trois mois": value = where it starts) or
"set" ("tous les jeudis": no value). The anchor is the publication date;
without one, relative expressions stay unresolved unless the text opens with a
dateline stating a full date. No wall clock is ever read.
"""
from __future__ import annotations

import re
from datetime import date

from ..model import Document, Published, TimeExpr
from . import periods as P
from .lexicon import languages, load
from .periods import Period
from .resolve import Hit, Resolver
from .tense import tense_of

__all__ = ["tag", "tag_document", "tense_of", "parse_anchor"]

# how far into a text a stated full date may stand in for a missing publication date
DATELINE_CHARS = 400
_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def parse_anchor(anchor: "Published | str | None") -> Period | None:
    """'2023-09-05' -> that day, '2023-07' -> that month, '2023' -> that year, None -> None."""
    if isinstance(anchor, Published):
        anchor = anchor.value
    if anchor is None or anchor == "":
        return None
    if not isinstance(anchor, str):
        raise ValueError(f"anchor must be an ISO date string or Published, not {type(anchor).__name__}")
    m = _ISO.match(anchor.strip())
    if not m:
        raise ValueError(f"anchor {anchor!r} is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)")
    try:
        y, mo, d = int(m.group(1)), m.group(2), m.group(3)
        if d:
            return P.day(date(y, int(mo), int(d)))
        if mo:
            return P.month(y, int(mo))
        return P.year(y)
    except ValueError as e:
        raise ValueError(f"anchor {anchor!r} is not a valid date: {e}") from None


def _select(hits: list[Hit]) -> list[Hit]:
    """Longest match first, then rule order; no two kept matches overlap."""
    kept: list[Hit] = []
    taken: list[tuple[int, int]] = []
    for h in sorted(hits, key=lambda h: (h.start - h.end, h.order, h.start)):
        if any(h.start < e and s < h.end for s, e in taken):
            continue
        kept.append(h)
        taken.append((h.start, h.end))
    return sorted(kept, key=lambda h: h.start)


def _expr(text: str, start: int, end: int, p: Period | None, kind: str) -> TimeExpr:
    if p is None:
        return TimeExpr(start, end, text[start:end], None, "unresolved", None, None, kind)
    return TimeExpr(start, end, text[start:end], p.value, p.precision,
                    p.lo.isoformat() if p.lo else None, p.hi.isoformat() if p.hi else None, kind)


def tag(text: str, lang: str, anchor: "Published | str | None", tense: str | None = None) -> list[TimeExpr]:
    """Every temporal expression in `text`, in order, normalised against `anchor`."""
    if tense not in (None, "past", "present", "future"):
        raise ValueError(f"tense must be past, present, future or None, not {tense!r}")
    lang = (lang or "").split("-")[0].lower()
    if lang not in languages():
        return []       # no temporal data for this language: nothing is tagged rather than guessed
    lex = load(lang)
    anchor_p = parse_anchor(anchor)
    resolver = Resolver(lex, text, anchor_p, tense)
    hits = []
    for order, rule in enumerate(lex.rules):
        for m in rule.regex.finditer(text):
            h = Hit(m.start(), m.end(), order, rule, m)
            if resolver.valid(h):
                hits.append(h)
    hits = _select(hits)
    if anchor_p is None:
        resolver.anchor = _stated_anchor(lex, text, hits)
        if resolver.anchor is not None:
            resolver.set_ref(resolver.anchor)
    out: list[TimeExpr] = []
    for h in hits:
        for start, end, p, kind in resolver.run(h):
            out.append(_expr(text, start, end, p, kind))
    return sorted(out, key=lambda e: e.start)


def _stated_anchor(lex, text: str, hits: list[Hit]) -> Period | None:
    """A full date (day, month and year) stated as a dateline near the start of the text: what
    precedes it on its line is only capitalised words (a place), punctuation or publication
    words ("Publié le", "Updated"). A date inside a sentence ("né le 21 janvier 1913") is not one."""
    probe = Resolver(lex, text, None, None)
    allowed = lex.classes.get("DATELINE", {})
    for h in hits:
        if h.start > DATELINE_CHARS:
            break
        if h.rule.action != "date":
            continue
        prefix = text[text.rfind("\n", 0, h.start) + 1:h.start]
        words = re.findall(r"[^\W\d_]+", prefix)
        if not all(w[0].isupper() or w.lower() in allowed for w in words):
            continue
        res = probe.act_date(h)
        if res and res[-1][2] is not None and res[-1][2].precision == "day":
            return res[-1][2]
    return None


def tag_document(doc: Document) -> list[TimeExpr]:
    """tag(doc.text, doc.language or "fr", doc.published); a bad date names the document."""
    try:
        return tag(doc.text, doc.language or "fr", doc.published)
    except ValueError as e:
        raise ValueError(f"document {doc.id}: {e}") from None
