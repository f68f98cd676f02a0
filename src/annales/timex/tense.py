"""Guess the tense of the clause around a temporal expression from data cue lists.

Cues (resources/<lang>/timex.json "tense_cues") are regexes with a tense and a
tier: tier-1 cues (auxiliary + participle, future forms, "va + infinitive",
"will") are trusted over tier-2 cues (bare endings). Cues in the expression's
own clause and comma-delimited stretch come first; among those, the nearest.
A cue of tense "none" (an infinitive governing the expression) means: no tense.

Work is linear in the text: sentences are split once per text, each sentence's
cues, clause breaks and commas are found once, and a query only looks at the cues
within WINDOW characters of the expression (a verb farther away than that does not
govern it; without the bound one 20k-character "sentence" was quadratic).
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from .lexicon import languages, load

_COMMA = re.compile(r"[,()«»—]")
_SENT_END = re.compile(r"(?<=[.!?…])\s+(?=[\"«“(]?[A-ZÀ-Ý])|\n+")
WINDOW = 600


def sentence_bounds(text: str, pos: int) -> tuple[int, int]:
    """Start and end of the sentence containing character `pos` (a cheap splitter)."""
    start = 0
    for m in _SENT_END.finditer(text, 0, pos):
        start = m.end()
    m = _SENT_END.search(text, pos)
    return start, (m.start() if m else len(text))


class _Sentence:
    """One sentence's cues (sorted by start), clause breaks and commas, found once."""

    def __init__(self, sentence: str, lang: str):
        lex = load(lang)
        self.bounds = [m.start() for m in lex.clause_breaks.finditer(sentence)] if lex.clause_breaks else []
        self.commas = [m.start() for m in _COMMA.finditer(sentence)]
        cues = [(m.start(), m.end(), tier, tense, order)
                for order, (tier, tense, rx) in enumerate(lex.tense_cues) for m in rx.finditer(sentence)]
        self.cues = sorted(cues)
        self.starts = [c[0] for c in self.cues]

    @staticmethod
    def _any(xs: list[int], a: int, b: int) -> bool:
        i = bisect_left(xs, a)
        return i < len(xs) and xs[i] < b

    def tense(self, lo: int, hi: int) -> str | None:
        best = None
        first = bisect_left(self.starts, lo - WINDOW)
        last = bisect_right(self.starts, hi + WINDOW)
        for start, end, tier, tense, order in self.cues[first:last]:
            if start < hi and end > lo:
                continue  # the expression itself ("prochain", "dernier") is not a verb cue
            a, b = (end, lo) if end <= lo else (hi, start)
            key = (self._any(self.bounds, a, b), self._any(self.commas, a, b), tier, b - a, order)
            if best is None or key < best[0]:
                best = (key, tense)
        if best is None:
            return None
        # "none": an infinitive governs the expression ("avant de quitter ses fonctions le 30
        # octobre"), so the tense of a farther verb says nothing about it
        return None if best[1] == "none" else best[1]


class TenseIndex:
    """tense_near for many expressions of one text, each sentence analysed once."""

    def __init__(self, text: str, lang: str):
        self.text, self.lang = text, lang
        self.starts = [0] + [m.end() for m in _SENT_END.finditer(text)]
        self.ends = [m.start() for m in _SENT_END.finditer(text)] + [len(text)]
        self.cache: dict[int, _Sentence] = {}

    def bounds(self, pos: int) -> tuple[int, int]:
        i = bisect_right(self.starts, pos) - 1
        return self.starts[i], self.ends[i]

    def tense_at(self, start: int, end: int) -> str | None:
        i = bisect_right(self.starts, start) - 1
        s, e = self.starts[i], self.ends[i]
        if i not in self.cache:
            self.cache[i] = _Sentence(self.text[s:e], self.lang)
        return self.cache[i].tense(start - s, end - s)


def tense_near(sentence: str, lang: str, lo: int, hi: int) -> str | None:
    """The tense of the cue nearest to sentence[lo:hi]: cues in the same clause first (a clause
    ends at a coordinating word or ';'), then in the same stretch between commas ("qui s'était
    rendu à Pékin en avril, a rencontré..."), then tier-1 before tier-2, then the nearest."""
    return _Sentence(sentence, lang).tense(lo, hi)


def tense_of(sentence: str, lang: str) -> str | None:
    """"past" | "present" | "future" for a sentence, or None when no cue is found (or the
    language has no data)."""
    lang = (lang or "").split("-")[0].lower()
    if lang not in languages():
        return None
    # nearest to the start: the first (usually main) verb of the best tier
    return tense_near(sentence, lang, 0, 0)
