"""Offline language identification for cleaned article text.

py3langid (a small n-gram model shipped inside the package) gives the first
answer, restricted to the languages news in our scope is written in. On short
texts it can waver between languages that share names and spelling (a
two-sentence French text full of Korean and Russian names), so the function
words listed under ``stopwords`` in ``resources/<lang>/boilerplate.json`` cast a
second vote. Adding a language to that vote is adding its stop-word list.
"""
from __future__ import annotations

import re
from functools import lru_cache

from . import resources

# Languages the identifier may answer: the main languages of world news. Other
# languages are still reported (with their code) so later stages can skip them.
CANDIDATES = ("fr", "en", "de", "es", "it", "pt", "nl", "ru", "uk", "pl", "ar", "fa", "tr",
              "zh", "ja", "ko", "vi", "id", "ro", "cs", "sv", "el", "he", "hi")
SAMPLE_CHARS = 4000          # enough for a stable answer; keeps long documents fast
SHORT_TEXT = 400             # below this many characters the stop-word vote may overrule
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier
    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    ident.set_languages(list(CANDIDATES))
    return ident


@lru_cache(maxsize=1)
def _stopwords() -> dict[str, frozenset[str]]:
    lists = {}
    for lang in resources.languages():
        words = resources.load_json(lang, "boilerplate").get("stopwords") or []
        if words:
            lists[lang] = {w.lower() for w in words}
    # a word shared by two lists ("a", "en") says nothing about which one it is
    return {lang: frozenset(w for w in words if not any(w in o for k, o in lists.items() if k != lang))
            for lang, words in lists.items()}


def stopword_votes(text: str) -> dict[str, int]:
    """How many tokens of `text` are function words of each language with a list."""
    tokens = [t.lower().replace("’", "'") for t in _WORD.findall(text)]
    # elided forms ("l'armée") count through their first part
    tokens += [t.split("'")[0] + "'" for t in tokens if "'" in t]
    return {lang: sum(t in words for t in tokens) for lang, words in _stopwords().items()}


def _sample(text: str) -> str:
    """The first SAMPLE_CHARS of the text, or, when that stretch is mostly not letters (a run of
    brackets, a table of figures), the first words of the text wherever they are."""
    head = text[:SAMPLE_CHARS]
    if sum(len(w) for w in _WORD.findall(head)) * 2 >= len(head):
        return head
    words, size = [], 0
    for m in _WORD.finditer(text):
        words.append(m.group(0))
        size += len(words[-1]) + 1
        if size >= SAMPLE_CHARS:
            break
    return " ".join(words)


def identify(text: str, hint: str | None = None) -> tuple[str | None, float]:
    """(ISO 639-1 code, confidence) for `text`; (None, 0.0) when there are no letters.

    `hint` (e.g. an HTML lang attribute) only breaks ties on texts too short
    for either vote.
    """
    sample = _sample(text)
    if not sample:
        return None, 0.0
    lang, prob = _identifier().classify(sample)
    votes = stopword_votes(sample)
    if votes:
        best = max(votes, key=votes.get)
        ranked = sorted(votes.values(), reverse=True)
        runner = ranked[1] if len(ranked) > 1 else 0
        clear = votes[best] >= 2 and votes[best] >= 2 * max(runner, 1)
        # Overrule the model only where it is unsure or the text is short, and
        # only in favour of a language the stop-word lists know.
        if clear and best != lang and (prob < 0.9 or len(sample) < SHORT_TEXT):
            return best, 0.6
    if prob < 0.5 and hint:
        return hint.split("-")[0].lower(), prob
    return lang, float(prob)
