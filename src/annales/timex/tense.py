"""Guess the tense of the clause around a temporal expression from data cue lists.

Cues (resources/<lang>/timex.json "tense_cues") are regexes with a tense and a
tier: tier-1 cues (auxiliary + participle, future forms, "va + infinitive",
"will") are trusted over tier-2 cues (bare endings). Cues in the expression's
own clause and comma-delimited stretch come first; among those, the nearest.
A cue of tense "none" (an infinitive governing the expression) means: no tense.
"""
from __future__ import annotations

import re

from .lexicon import languages, load

_COMMA = re.compile(r"[,()«»—]")
_SENT_END = re.compile(r"(?<=[.!?…])\s+(?=[\"«“(]?[A-ZÀ-Ý])|\n+")


def sentence_bounds(text: str, pos: int) -> tuple[int, int]:
    """Start and end of the sentence containing character `pos` (a cheap splitter)."""
    start = 0
    for m in _SENT_END.finditer(text, 0, pos):
        start = m.end()
    m = _SENT_END.search(text, pos)
    return start, (m.start() if m else len(text))


def tense_near(sentence: str, lang: str, lo: int, hi: int) -> str | None:
    """The tense of the cue nearest to sentence[lo:hi]: cues in the same clause first (a clause
    ends at a coordinating word or ';'), then in the same stretch between commas ("qui s'était
    rendu à Pékin en avril, a rencontré..."), then tier-1 before tier-2, then the nearest."""
    lex = load(lang)
    bounds = [m.start() for m in lex.clause_breaks.finditer(sentence)] if lex.clause_breaks else []
    commas = [m.start() for m in _COMMA.finditer(sentence)]
    best = None
    for order, (tier, tense, rx) in enumerate(lex.tense_cues):
        for m in rx.finditer(sentence):
            if m.start() < hi and m.end() > lo:
                continue  # the expression itself ("prochain", "dernier") is not a verb cue
            a, b = (m.end(), lo) if m.end() <= lo else (hi, m.start())
            other_clause = any(a <= x < b for x in bounds)
            other_segment = any(a <= x < b for x in commas)
            key = (other_clause, other_segment, tier, b - a, order)
            if best is None or key < best[0]:
                best = (key, tense)
    if best is None:
        return None
    # "none": an infinitive governs the expression ("avant de quitter ses fonctions le 30
    # octobre"), so the tense of a farther verb says nothing about it
    return None if best[1] == "none" else best[1]


def tense_of(sentence: str, lang: str) -> str | None:
    """"past" | "present" | "future" for a sentence, or None when no cue is found (or the
    language has no data)."""
    lang = (lang or "").split("-")[0].lower()
    if lang not in languages():
        return None
    # nearest to the start: the first (usually main) verb of the best tier
    return tense_near(sentence, lang, 0, 0)
