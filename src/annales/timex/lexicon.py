"""Per-language word lists and rules for the tagger, compiled once per language.

Data: resources/<lang>/calendar.json (month and weekday names, shared) and
resources/<lang>/timex.json (everything else: word classes, raw sub-patterns,
rules, tense cues). A rule's pattern is a small template:
  %NAME%   the alternation of word class NAME (or the raw sub-pattern NAME)
  ' '      one or more white-space characters
  '~'      optional white space or hyphen ("mi-juillet", "mi juillet")
  "'"      either apostrophe
Everything else is Python regex. Each rule is wrapped in word boundaries.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from ..resources import ROOT, load_json

_HYPHENS = "\\-\u2010\u2011\u2012\u2013"


def norm(word: str) -> str:
    """Lookup key for a matched word: lower case, one apostrophe, one hyphen, single spaces."""
    w = word.lower().replace("\u2019", "'")
    w = re.sub(f"[{_HYPHENS}]", "-", w)
    return re.sub(r"\s+", " ", w).strip()


def word_regex(word: str) -> str:
    out = []
    for ch in norm(word):
        if ch == " ":
            out.append(r"\s+")
        elif ch == "'":
            out.append("['\u2019]")
        elif ch == "-":
            out.append(f"[{_HYPHENS}]")
        else:
            out.append(re.escape(ch))
    return "".join(out)


def alternation(words) -> str:
    # longest first so that "avant-hier" wins over "hier" inside one alternation
    alts = sorted({word_regex(w) for w in words}, key=len, reverse=True)
    return "(?:" + "|".join(alts) + ")" if alts else "(?!)"


@dataclass
class Rule:
    name: str
    action: str
    regex: re.Pattern
    params: dict = field(default_factory=dict)


@dataclass
class Lexicon:
    lang: str
    classes: dict[str, dict[str, object]]
    rules: list[Rule]
    tense_cues: list[tuple[int, str, re.Pattern]]
    conf: dict
    clause_breaks: re.Pattern | None = None

    def value(self, cls: str, word: str | None):
        if word is None:
            return None
        return self.classes.get(cls, {}).get(norm(word))


def _literal(t: str) -> str:
    t = t.replace(" ", r"\s+").replace("_", r"\s*").replace("'", "['\u2019]")
    return t.replace("~", f"[\\s{_HYPHENS}]*")


def _expand(template: str, macros: dict[str, str], literal: bool = True) -> str:
    """Template -> regex: literal parts get the space/apostrophe conventions, %NAME% its alternation."""
    parts = re.split(r"%([A-Z0-9_]+)%", template)
    out = []
    for i, part in enumerate(parts):
        if i % 2:
            if part not in macros:
                raise KeyError(f"timex pattern uses unknown class %{part}%")
            out.append(macros[part])
        else:
            out.append(_literal(part) if literal else part)
    return "".join(out)


@lru_cache(maxsize=1)
def languages() -> frozenset[str]:
    """Languages that have tagger data (resources/<lang>/timex.json and calendar.json)."""
    return frozenset(p.parent.name for p in ROOT.glob("*/timex.json") if (p.parent / "calendar.json").exists())


@lru_cache(maxsize=None)
def load(lang: str) -> Lexicon:
    cal = load_json(lang, "calendar")
    data = load_json(lang, "timex")
    if not data or not cal:
        raise KeyError(f"no temporal-tagger data for language {lang!r}")
    classes: dict[str, dict[str, object]] = {}
    for name, words in data.get("classes", {}).items():
        classes[name] = {norm(k): v for k, v in (words.items() if isinstance(words, dict) else ((w, True) for w in words))}
    classes["MONTH"] = {norm(k): v for k, v in cal["months"].items()}
    classes["WEEKDAY"] = {norm(k): v for k, v in cal["weekdays"].items()}
    needs_ctx = {norm(w) for w in data.get("month_needs_context", [])}
    # a month name standing alone: full names only, minus those that are also common words
    classes["MONTH_BARE"] = {k: v for k, v in classes["MONTH"].items()
                             if "." not in k and k not in needs_ctx and len(k) > 3}
    macros = {name: alternation(words) for name, words in classes.items()}
    for name, pat in data.get("patterns", {}).items():     # raw regex; may use word classes
        macros[name] = "(?:" + _expand(pat, macros, literal=False) + ")"
    rules = []
    for r in data.get("rules", []):
        body = _expand(r["pattern"], macros)
        regex = re.compile(rf"(?<![\w{_HYPHENS}])(?:{body})(?![\w{_HYPHENS}])", re.IGNORECASE)
        rules.append(Rule(r["name"], r["action"], regex, r.get("params", {})))
    cues = []
    for c in data.get("tense_cues", []):
        # case-sensitive: capitalised words are names more often than verbs
        body = _expand(c["pattern"], macros)
        cues.append((c.get("tier", 1), c["tense"], re.compile(rf"(?<!\w)(?:{body})(?!\w)")))
    breaks = data.get("clause_breaks")
    brx = re.compile("|".join(f"(?<!\\w){_literal(re.escape(b).replace(chr(92) + ' ', ' '))}(?!\\w)" for b in breaks)) if breaks else None
    return Lexicon(lang, classes, rules, cues, data, brx)
