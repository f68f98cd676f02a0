"""How many: '10 000 soldats', 'plus de 3 000 hommes', 'un millier d'ouvriers', 'some 3,000 troops'."""
from __future__ import annotations

import re

from spacy.tokens import Token

from .lexicon import Lexicon

_NUM = r"\d{1,3}(?:[ \u00a0\u202f.,]\d{3})+|\d+(?:[.,]\d+)?"


def _pattern(lex: Lexicon) -> re.Pattern:
    q = lex.quant
    quals = "|".join(re.escape(k) for k in sorted(q.get("qualifiers", {}), key=len, reverse=True))
    words = "|".join(re.escape(k) for k in sorted(q.get("number_words", {}), key=len, reverse=True))
    approx = "|".join(re.escape(k) + "s?" for k in sorted(q.get("approx_nouns", {}), key=len, reverse=True))
    mult = "|".join(re.escape(k) for k in sorted(q.get("multipliers", {}), key=len, reverse=True))
    return re.compile(
        rf"(?:(?P<qual>{quals or '$^'})\s+)?"
        rf"(?:(?P<num>{_NUM})|(?P<word>{words or '$^'}))?\s*"
        rf"(?P<approx>{approx or '$^'})?\s*(?P<mult>{mult or '$^'})?\s*"
        rf"(?:de\s+|d['’]\s*|of\s+)?(?P<unit>[\w-]+)$", re.IGNORECASE)


def find(obj: Token | None, lex: Lexicon) -> dict | None:
    """The quantity of the argument `obj` (its head noun is the unit), or None."""
    if obj is None or not lex.quant:
        return None
    q = lex.quant
    start = max(0, obj.left_edge.idx - 40)          # the parsed chunk is one sentence
    text = obj.doc.text[start:obj.idx + len(obj.text)]
    m = _pattern(lex).search(text)
    if not m:
        return None
    value = None
    if m.group("num"):
        raw = re.sub(r"[ \u00a0\u202f]", "", m.group("num"))
        if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", raw):
            raw = re.sub(r"[.,]", "", raw)
        try:
            value = float(raw.replace(",", "."))
        except ValueError:
            value = None
    elif m.group("word"):
        value = q.get("number_words", {}).get(m.group("word").lower())
    qual = q.get("qualifiers", {}).get((m.group("qual") or "").lower())
    if m.group("approx"):
        base = q.get("approx_nouns", {}).get(m.group("approx").lower().rstrip("s"))
        if base:
            value = (value or 1) * base if value and value < 100 else base
            qual = qual or "about"
    if m.group("mult") and value:
        value *= q.get("multipliers", {}).get(m.group("mult").lower(), 1)
    if value is None:
        return None
    value = int(value) if float(value).is_integer() else value
    unit = q.get("units", {}).get(obj.lemma_.lower()) or q.get("units", {}).get(obj.lower_) or obj.lemma_.lower()
    return {"value": value, "unit": unit, "qualifier": qual}
