"""From a raw page to article text, title, publication date, outlet and language.

Steps: decode the bytes (UTF-8, else a detected encoding); for HTML take the
main text and metadata from trafilatura; split into lines (paragraphs); drop
boilerplate with a line classifier (structural features plus per-language
phrase lists in ``resources/<lang>/boilerplate.json``); find the headline; read
the publication date (metadata > HTML metadata > the text) and the outlet;
identify the language.

Title and body: ``Document.title`` is the headline and ``Document.body`` the
article without it. ``Document.text`` (what later stages read) is the body led
by the headline paragraph (``text[:body_start]``), as headlines often state the
event, except when the page repeats the headline verbatim (page header and
article header: every copy dropped). A site-name suffix (" - Jade", " | Site")
is cut from the title.

HTML: trafilatura chooses the main text; on it only the headline, notices,
line patterns and the trailing block are dropped (``EXTRACTED_DROPS``): the
rest of the line classifier below is for plain-text scrapes, and costs recall
on extracted HTML (``bench/clean_benchmark.py``).

Boilerplate classifier (one line = one paragraph): a line is furniture when a
context-free rule fires (cookie/consent or copyright notice, line pattern,
link or e-mail, "(Agency)" credit, view/comment counter, a line holding only a
date, byline, photo caption or credit, menu phrase making up half the line,
call to action, line speaking to the reader about the site, hashtags, menu
separators, all capitals) or when it does not have the shape of prose (short,
no sentence end). Context then adds: the trailing block opened by an end
marker ('Related Posts', 'Comments', '(FIN)') once the article has been seen,
repeated short lines, and the headline found among the lines above the body.
Phrases, patterns and words are data in ``resources/<lang>/boilerplate.json``
(all languages apply to every page); date labels in ``published.json``.

Every kept paragraph is copied unchanged from the decoded raw text, so each
one is a run in ``Document.offsets`` (clean_start, raw_start, length).
"""
from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from functools import lru_cache

from . import resources
from .langid import identify, stopword_votes
from .model import Document, Published, RawDoc

MAX_BYTES = 5 * 1024 * 1024      # an article is far smaller; larger inputs are truncated (with a warning)
SAMPLE = 100_000                 # characters inspected for binary content
BODY_WORDS = 8                   # a content paragraph at least this long opens the article body
TITLE_WINDOW = 20                # the headline is among the first lines
PREFERRED_ENCODINGS = ("cp1252", "latin_1", "iso8859_15", "cp1251", "koi8_r", "gb18030", "big5", "shift_jis", "euc_kr")
LONG_LINE = 40                   # words: longer lines are checked only for notices and patterns
SHORT_REPEAT = 15                # a repeated line shorter than this (words) is page furniture
# In the main text trafilatura extracted from HTML only these line rules still drop a line: the
# other rules (shape, repeats, captions, calls...) cost recall and no precision on the
# article-extraction benchmark (bench/clean_benchmark.py), as the extractor already chose the text.
EXTRACTED_DROPS = frozenset({"empty", "notice", "pattern", "end"})


class CleanError(ValueError):
    """The document cannot be cleaned; the message says why."""


@dataclass
class Line:
    text: str          # the line or paragraph, stripped
    start: int         # its offset in the decoded raw text, -1 when not found verbatim


# ---------------------------------------------------------------- knowledge

@dataclass
class Knowledge:
    """Boilerplate and date data of all languages, compiled once."""

    phrases: re.Pattern
    anywhere: tuple[str, ...]
    patterns: tuple[re.Pattern, ...]
    end_patterns: re.Pattern
    bylines: re.Pattern
    outlet_bylines: re.Pattern
    captions: re.Pattern
    calls: re.Pattern
    reader_words: frozenset[str]
    consent_words: frozenset[str]
    site_words: frozenset[str]
    counters: frozenset[str]
    date_words: frozenset[str]
    month_words: frozenset[str]
    months: dict[str, int]
    weekdays: dict[str, int]
    published: re.Pattern
    updated: re.Pattern
    this_weekday: re.Pattern
    dateline_articles: tuple[str, ...]


def _alt(words) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


def _gather(name: str, key: str) -> list:
    out: list = []
    for lang in resources.languages():
        out += resources.load_json(lang, name).get(key) or []
    return out


@lru_cache(maxsize=1)
def knowledge() -> Knowledge:
    months: dict[str, int] = {}
    weekdays: dict[str, int] = {}
    for lang in resources.languages():
        cal = resources.load_json(lang, "calendar")
        months.update({k.lower(): v for k, v in (cal.get("months") or {}).items()})
        weekdays.update({k.lower(): v for k, v in (cal.get("weekdays") or {}).items()})
    pub, upd = _gather("published", "published"), _gather("published", "updated")
    label_words = {w for p in pub + upd for w in re.findall(r"[^\W\d_]+", p.lower())}
    date_words = set(_gather("published", "connectors")) | label_words
    date_words |= {re.sub(r"\W", "", m) for m in months} | {re.sub(r"\W", "", w) for w in weekdays}
    date_words |= set(_gather("published", "day_suffixes"))
    wd = _alt(weekdays)
    return Knowledge(
        phrases=re.compile(rf"(?<!\w)(?:{_alt(_gather('boilerplate', 'phrases'))})(?!\w)"),
        anywhere=tuple(_gather("boilerplate", "anywhere")),
        patterns=tuple(re.compile(p, re.I) for p in _gather("boilerplate", "line_patterns")),
        end_patterns=re.compile("|".join(f"(?:{p})" for p in _gather("boilerplate", "end_patterns")), re.I),
        bylines=re.compile(rf"^(?:{_alt(_gather('boilerplate', 'bylines'))})\s+(?=[^\W\d_])", re.I),
        outlet_bylines=re.compile(rf"^(?:{_alt(_gather('boilerplate', 'outlet_bylines'))})\s+(?=[^\W\d_])", re.I),
        captions=re.compile(rf"^(?:{_alt(_gather('boilerplate', 'captions'))})\b", re.I),
        # not before a hyphen: 'Soutenez-vous ce plan ?' is an interview question, not a call
        calls=re.compile(rf"^(?:{_alt(_gather('boilerplate', 'calls_to_action'))})(?![\w-])", re.I),
        reader_words=frozenset(_gather("boilerplate", "reader_words")),
        consent_words=frozenset(_gather("boilerplate", "consent_words")),
        site_words=frozenset(_gather("boilerplate", "site_words")),
        counters=frozenset(_gather("boilerplate", "counters")),
        date_words=frozenset(date_words),
        month_words=frozenset(re.sub(r"\W", "", m) for m in months),
        months=months,
        weekdays=weekdays,
        published=re.compile(rf"(?<!\w)(?:{_alt(pub)})(?!\w)", re.I),
        updated=re.compile(rf"(?<!\w)(?:{_alt(upd)})(?!\w)", re.I),
        this_weekday=re.compile(rf"(?<!\w)(?:{_alt(_gather('published', 'this_words'))})\s+({wd})(?!\w)", re.I),
        dateline_articles=tuple(_gather("published", "dateline_articles")),
    )


# ---------------------------------------------------------------- decoding

def decode(data: bytes) -> tuple[str, list[str]]:
    """Bytes -> text, with warnings. Raises CleanError for empty or binary input."""
    warnings: list[str] = []
    truncated = len(data) > MAX_BYTES
    if truncated:
        warnings.append(f"input is {len(data) / 2**20:.1f} MB: truncated to the first {MAX_BYTES // 2**20} MB")
        data = data[:MAX_BYTES]
    if not data.strip():
        raise CleanError("empty document" if not data else "document holds only whitespace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data.decode("utf-16", errors="replace")
    elif b"\x00" in data[:SAMPLE]:
        raise CleanError("binary content (NUL bytes), not text")
    else:
        text = _decode_8bit(data, warnings, truncated)
    _check_text(text)
    return text, warnings


def _decode_8bit(data: bytes, warnings: list[str], truncated: bool = False) -> str:
    for cut in range(4 if truncated else 1):     # a truncation may split the last UTF-8 character
        try:
            return data[:len(data) - cut].decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            if exc.start < len(data) - 4:
                break
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data[:2 * 2**20]))
    if not matches:
        raise CleanError("binary or undecodable content: no text encoding fits")
    # Among equally clean readings prefer the commonest legacy encodings of web
    # text: the detector's coherence score cannot tell cp1252 from its rare
    # cousins (iso8859_14...) on a short text, and picks the wrong « ».
    low = min(m.chaos for m in matches)
    fits = [m.encoding for m in matches if m.chaos <= low + 0.01]
    encoding = next((e for e in PREFERRED_ENCODINGS if e in fits), fits[0])
    warnings.append(f"not valid UTF-8: decoded as {encoding}")
    return data.decode(encoding, errors="replace")


def _check_text(text: str) -> None:
    if not text.strip():
        raise CleanError("document holds only whitespace")
    sample = text[:SAMPLE]
    bad = sum(1 for c in sample if (unicodedata.category(c) == "Cc" and c not in "\t\n\r\f\v") or c == "\ufffd")
    if bad / len(sample) > 0.05:
        raise CleanError(f"binary or non-text content ({bad / len(sample):.0%} control or undecodable characters)")


# ---------------------------------------------------------------- lines

_LINE = re.compile(r"[^\r\n]+")
_BULLET = re.compile(r"^[\s\-–—•*·>▪►]+")
_TOKEN = re.compile(r"\d+|[^\W\d_]+(?:['’][^\W\d_]+)*")
# the e-mail branch starts only where an address can start: without the lookbehind a long run of
# word characters is rescanned from every position (quadratic)
_URL = re.compile(r"https?://|www\.\w|\[email[\s\u00a0]*protected\]|(?<![\w.+-])[\w.+-]+@[\w-]+\.[\w.]+", re.I)
_CREDIT_HEAD = re.compile(r"^[\w'’]+(?:\s+[\w'’]+){0,2}\s*[:©|/]")   # 'Crédit photo :', 'Photo ©'
_PAREN = re.compile(r"^\(([^()]{1,40})\)$")
_CLOSERS = " \t»\"”’')]*"
_SEPARATORS = {"|", "•", "·", "›", ">", "/", "::"}


def text_lines(raw: str) -> list[Line]:
    out = []
    for m in _LINE.finditer(raw):
        s = m.group()
        stripped = s.strip()
        if stripped:
            out.append(Line(stripped, m.start() + (len(s) - len(s.lstrip()))))
    return out


def norm(s: str) -> str:
    """Lower case, straight apostrophes, no leading bullets, single spaces."""
    s = s.replace("’", "'").replace("‘", "'").replace("\u00a0", " ")
    return " ".join(_BULLET.sub("", s).lower().split())


def is_sentence(text: str) -> bool:
    """Prose shape: ends like a sentence and is mostly lower case, or is long running text."""
    n = len(text.split())
    lower = _lower_share(text[:300])     # the opening is enough to see the shape
    tail = text.rstrip(_CLOSERS)
    last = tail[-1:] if tail else ""
    terminal = last in ".!?…" or (last in ":;" and n >= BODY_WORDS)
    if tail.endswith(("...", "…")) and n <= 6:      # 'Loading...', 'Read more…': interface text
        return False
    if terminal:
        return n >= 4 and lower >= 0.5
    # running text cut before its end still reads as prose: long, lower case, with
    # inner punctuation or the function words of a sentence
    return n >= 16 and lower >= 0.6 and (bool(_INNER_PUNCT.search(text)) or sum(stopword_votes(text).values()) >= 3)


_INNER_PUNCT = re.compile(r"\w[,.;:]\s")
_LETTER = re.compile(r"[^\W\d_]")
_UPPER = re.compile(r"[A-ZÀ-ÖØ-ÞА-ЯЁΑ-Ω]")


def _lower_share(text: str) -> float:
    """Share of letters that are not capitals (caseless scripts count as lower case)."""
    letters = len(_LETTER.findall(text))
    return 1 - len(_UPPER.findall(text)) / letters if letters else 0.0


def hard_reason(text: str, kb: Knowledge | None = None, low: str | None = None) -> str | None:
    """Why `text` is boilerplate whatever its neighbours, or None."""
    kb = kb or knowledge()
    low = norm(text) if low is None else low
    words = low.split()
    if not words:
        return "empty"
    if any(p in low for p in kb.anywhere):
        return "notice"
    if any(p.match(low) for p in kb.patterns):
        return "pattern"
    if _asks_consent(low, kb):
        return "notice"
    if len(words) > LONG_LINE:     # the checks below are for short lines; keep long prose fast
        return None
    if _URL.search(low) and len(words) <= 12:
        return "link"
    if _PAREN.match(low):
        return "credit"
    if _is_counter(low, kb):
        return "counter"
    if _is_date_only(low, kb):
        return "date"
    if len(words) <= 7 and (kb.bylines.match(low) or kb.outlet_bylines.match(low)) and not is_sentence(text):
        return "byline"
    if kb.captions.match(low) and len(words) <= 25 and (not is_sentence(text) or _CREDIT_HEAD.match(low)):
        return "caption"
    if _phrase_share(low, kb) >= 0.5 or (len(words) <= 12 and not is_sentence(text) and kb.phrases.search(low)):
        return "phrase"
    if kb.calls.match(low) and len(words) <= 25:
        return "call"
    if len(words) <= 20 and _speaks_to_reader(low, kb):
        return "reader"
    if all(w.startswith("#") for w in words):
        return "tags"
    if sum(w in _SEPARATORS for w in words) >= 2 and not is_sentence(text):
        return "menu"
    if len(words) <= 8 and len(_LETTER.findall(text)) >= 3 and _lower_share(text) < 0.1:
        return "caps"
    return None


def _asks_consent(low: str, kb: Knowledge) -> bool:
    """Cookie and consent banners: a consent word addressed to the reader ('vous', 'we')."""
    if "cook" not in low and "consent" not in low and "trac" not in low:
        return False
    toks = set(_TOKEN.findall(low.replace("'", " ")))
    return bool(toks & kb.consent_words) and bool(toks & kb.reader_words)


def _speaks_to_reader(low: str, kb: Knowledge) -> bool:
    """'Was this article helpful?', 'Ce contenu n'est pas disponible dans votre pays.'"""
    toks = set(_TOKEN.findall(low.replace("'", " ")))
    return bool(toks & kb.reader_words) and bool(toks & kb.site_words)


def _phrase_share(low: str, kb: Knowledge) -> float:
    covered = sum(m.end() - m.start() for m in kb.phrases.finditer(low))
    return covered / max(1, len(low.replace(" ", "")) + low.count(" "))


def _is_counter(low: str, kb: Knowledge) -> bool:
    """'2 vues0 commentaire', 'Estimated read time 2 min read': numbers and counter words only."""
    toks = _TOKEN.findall(low)
    digits = [t for t in toks if t.isdigit()]
    words = [t for t in toks if not t.isdigit()]
    return bool(digits) and bool(words) and all(w in kb.counters for w in words)


def _is_date_only(low: str, kb: Knowledge) -> bool:
    """A line holding a date (and labels, times, weekdays) but nothing else."""
    toks = _TOKEN.findall(low.replace(".", " "))
    digits = [t for t in toks if t.isdigit()]
    words = [t for t in toks if not t.isdigit()]
    if not digits or not all(w in kb.date_words for w in words):
        return False
    return len(digits) >= 3 or any(w in kb.month_words for w in words)


def is_boilerplate_line(text: str) -> bool:
    """Context-free verdict on one line: page furniture rather than article prose."""
    return hard_reason(text) is not None or not is_sentence(text.strip())


def _end_marker(text: str, kb: Knowledge, low: str | None = None) -> bool:
    """A short line that opens the trailing block: 'Related Posts:', 'Comments (3)', '(FIN)'."""
    low = norm(text) if low is None else low
    if low.count(" ") > 8:
        return False
    bare = re.sub(r"\s*\(\d+\)\s*", " ", low)
    bare = re.sub(r"[\s:.…»>|\-–—]+$", "", bare).strip()
    return bool(kb.end_patterns.fullmatch(bare) or kb.end_patterns.fullmatch(low))


# ---------------------------------------------------------------- page layout

@dataclass
class Layout:
    keep: list[bool]
    reasons: list[str | None]
    body: int                  # index of the first body paragraph (len(lines) if none)
    end: int                   # index where the trailing block begins (len(lines) if none)
    title: str | None = None
    title_lines: list[int] = field(default_factory=list)


def layout(lines: list[Line], known_title: str | None = None, outlet: str | None = None,
           extracted: bool = False) -> Layout:
    """Decide, line by line, what is article text, what is the headline and what is furniture.

    `extracted`: the lines are the main text an HTML extractor chose; only the
    headline, notices, line patterns and the trailing block are dropped then.
    """
    kb = knowledge()
    lows = [norm(ln.text) for ln in lines]
    reasons = [hard_reason(ln.text, kb, low) for ln, low in zip(lines, lows)]
    sentence = [is_sentence(ln.text) for ln in lines]
    end = _trailing_block(lines, lows, reasons, sentence, kb)
    if not extracted:                # the extractor already dropped repeated furniture
        _mark_repeats(lows, reasons)
    body = next((i for i in range(end) if reasons[i] is None and sentence[i]
                 and len(lines[i].text.split()) >= BODY_WORDS), len(lines))
    lay = Layout(keep=[False] * len(lines), reasons=reasons, body=body, end=end)
    _find_title(lines, lay, known_title, outlet, kb)
    for i in range(end):
        if extracted:
            lay.keep[i] = reasons[i] not in EXTRACTED_DROPS and i not in lay.title_lines
        else:
            lay.keep[i] = reasons[i] is None and sentence[i] and i not in lay.title_lines
    return lay


def _trailing_block(lines, lows, reasons, sentence, kb) -> int:
    """Index of the first end marker ('Related Posts', 'Comments', '(FIN)') after the article.

    A marker counts once enough prose stands before it (200 characters, or 30%
    of the page's prose when the page is short), so a menu item named
    'Comments' above a teaser line does not cut the article away.
    """
    prose = [len(ln.text) if reasons[i] is None and sentence[i] else 0 for i, ln in enumerate(lines)]
    need = min(200, 0.3 * sum(prose)) or 1
    seen = 0
    for i in range(len(lines)):
        if _end_marker(lines[i].text, kb, lows[i]):
            if seen >= need:
                return i
            reasons[i] = reasons[i] or "end"
        seen += prose[i]
    return len(lines)


def _mark_repeats(lows, reasons) -> None:
    """Short repeated lines are furniture; a long repeated paragraph is kept once."""
    seen: dict[str, int] = {}
    counts: dict[str, int] = {}
    for key in lows:
        counts[key] = counts.get(key, 0) + 1
    for i, key in enumerate(lows):
        if counts[key] > 1 and reasons[i] is None:
            if len(key.split()) < SHORT_REPEAT or key in seen:
                reasons[i] = "repeated"
        seen.setdefault(key, i)


_SENTENCE_BREAK = re.compile(r"[a-zà-ÿ]{2}[.!?]\s+[A-ZÀ-Þ]")     # not after "U.S."
_SUFFIX_SEP = re.compile(r"\s+(?:-|\||–|—|·|::|»)\s+")


def split_site_suffix(title: str, outlet: str | None = None) -> tuple[str, str | None]:
    """('Headline', 'Site') for 'Headline - Site'; (title, None) when there is no site suffix."""
    seps = list(_SUFFIX_SEP.finditer(title))
    if not seps:
        return title, None
    head, suffix = title[:seps[-1].start()].strip(), title[seps[-1].end():].strip()
    if outlet and norm(suffix) == norm(outlet):
        return head, suffix
    words = suffix.split()
    # a site name: short, no sentence end, opening with a capital, a digit or a domain
    site_shaped = (0 < len(words) <= 4 and len(suffix) <= 40 and suffix[-1] not in ".!?"
                   and (words[0][0].isupper() or words[0][0].isdigit() or "." in words[0]))
    if site_shaped and len(head.split()) >= 3 and not parse_date(suffix):     # ' | 14 Sept 2024' is no site
        return head, suffix
    return title, None


def _title_shaped(text: str, reason: str | None) -> bool:
    """A headline's shape: 3-30 words, no sentence end, no inner sentence break, no menu separator."""
    head = split_site_suffix(text)[0]
    n = len(head.split())
    return (reason in (None, "repeated") and 3 <= n <= 30 and len(head) <= 250
            and head.rstrip(_CLOSERS)[-1:] not in ".:;," and any(c.islower() for c in head)
            and not _SENTENCE_BREAK.search(head) and not any(w in _SEPARATORS for w in head.split()))


def _find_title(lines, lay: Layout, known: str | None, outlet: str | None, kb: Knowledge) -> None:
    if known:
        _place_known_title(lines, lay, known, outlet)
        return
    window = min(lay.body, TITLE_WINDOW, lay.end)
    shaped = [i for i in range(window) if _title_shaped(lines[i].text, lay.reasons[i])]
    if not shaped:
        return
    heads: dict[str, list[int]] = {}
    for j, ln in enumerate(lines):
        heads.setdefault(norm(split_site_suffix(ln.text, outlet)[0]), []).append(j)
    best, strength = None, 0
    for i in shaped:
        head, suffix = split_site_suffix(lines[i].text, outlet)
        repeats = [j for j in heads.get(norm(head), []) if j != i]
        s = _title_strength(lines, lay, i, shaped, bool(repeats), suffix, outlet, kb)
        if s > strength:
            best, strength = (i, head, repeats), s
    if best is None:
        return
    i, head, repeats = best
    lay.title, lay.title_lines = head, [i] + [j for j in repeats if lay.reasons[j] in (None, "repeated")]
    for j in lay.title_lines:
        lay.reasons[j] = "title"


def _title_strength(lines, lay: Layout, i: int, shaped: list[int], repeated: bool,
                    suffix: str | None, outlet: str | None, kb: Knowledge) -> int:
    """3: repeated, followed by a date/byline line or ending in the outlet's name; 2: likely; 0: no.

    'Likely' is a site-name suffix, or the only title-shaped line before the
    body with nothing but furniture above it (a lone site name above the
    headline is not enough: it must be the last such line and have 4+ words).
    """
    def dated(j: int) -> bool:         # a date, byline or counter line: the article header
        low = norm(lines[j].text)
        return (lay.reasons[j] in ("date", "byline", "counter")
                or bool(kb.published.match(low) or kb.updated.match(low))
                or (bool(kb.bylines.match(low)) and len(low.split()) <= 20))

    followed = any(dated(j) for j in range(i + 1, min(i + 4, len(lines))))
    if repeated or followed or (suffix and outlet):
        return 3
    no_prose_above = not any(lay.reasons[j] is None and is_sentence(lines[j].text) for j in range(i))
    if suffix or (no_prose_above and shaped == [i] and len(lines[i].text.split()) >= 4):
        return 2
    return 0


def _place_known_title(lines, lay: Layout, known: str, outlet: str | None) -> None:
    """A title from metadata or HTML: find its line(s) in the text."""
    head = split_site_suffix(known.strip(), outlet)[0]
    lay.title = head
    key = norm(head)
    lay.title_lines = [i for i, ln in enumerate(lines[:lay.end])
                       if norm(ln.text) == key or norm(split_site_suffix(ln.text, outlet)[0]) == key]
    for j in lay.title_lines:
        lay.reasons[j] = "title"


# ---------------------------------------------------------------- dates

@dataclass
class DateHit:
    month: int
    day: int | None
    year: int | None
    weekdays: set[int]
    kind: str            # published | dateline | header | updated
    line: int


@lru_cache(maxsize=1)
def _date_res() -> dict[str, re.Pattern]:
    kb = knowledge()
    mon, wd = _alt(kb.months), _alt(kb.weekdays)
    suf = _alt(_gather("published", "day_suffixes")) or "x"
    return {
        "iso": re.compile(r"(?<!\d)(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?!\d)"),
        "num": re.compile(r"(?<!\d)(?P<a>\d{1,2})[/.](?P<b>\d{1,2})[/.](?P<y>\d{4})(?!\d)"),
        "dmy": re.compile(rf"(?<!\w)(?:(?P<wd>{wd}),?\s+)?(?P<d>\d{{1,2}})(?:{suf}|\.)?\s+(?P<m>{mon})(?!\w)"
                          rf"(?:,?\s+(?P<y>\d{{4}})(?!\d))?", re.I),
        "mdy": re.compile(rf"(?<!\w)(?:(?P<wd>{wd}),?\s+)?(?P<m>{mon})\s+(?P<d>\d{{1,2}})(?:{suf})?(?!\d)"
                          rf"(?:,?\s+(?P<y>\d{{4}})(?!\d))?", re.I),
    }


def parse_date(text: str, kind: str = "published", line: int = -1, anchored: bool = False,
               dmy: bool = True) -> DateHit | None:
    """The first date in `text` (at its start when `anchored`), year optional; `dmy` reads 05/03 as 5 March."""
    kb = knowledge()
    hits = []
    for name, rx in _date_res().items():
        m = rx.match(text) if anchored else rx.search(text)
        if m:
            hits.append((m.start(), name, m))
    for _, name, m in sorted(hits, key=lambda h: h[0]):
        hit = _hit_from_match(name, m, kb, kind, line, dmy)
        if hit:
            return hit
    return None


def _hit_from_match(name, m, kb: Knowledge, kind, line, dmy: bool) -> DateHit | None:
    g = m.groupdict()
    if name == "num":
        a, b = int(g["a"]), int(g["b"])
        if (a > 12) != (b > 12):          # a number above 12 can only be the day
            d, mo = (a, b) if a > 12 else (b, a)
        else:
            d, mo = (a, b) if dmy else (b, a)
    elif name == "iso":
        d, mo = int(g["d"]), int(g["m"])
    else:
        d, mo = int(g["d"]), kb.months.get(g["m"].lower())
    year = int(g["y"]) if g.get("y") else None
    if not mo or not _valid(year or 2000, mo, d):
        return None
    wds = {kb.weekdays[g["wd"].lower()]} if g.get("wd") else set()
    return DateHit(mo, d, year, wds, kind, line)


def _valid(y: int, m: int, d: int) -> bool:
    try:
        dt.date(y, m, d)
        return 1900 <= y <= 2100
    except ValueError:
        return False


_DATELINE_HEAD = re.compile(r"^(?P<place>[^\W\d_][^\W\d_'’.\- ]*(?:[\s'’.\-]+[^\W\d_]+){0,3}\.?)\s*"
                            r"(?:,\s*(?P<region>[^\W\d_][^\W\d_'’.\- ]*(?:\s+[^\W\d_]+){0,2})(?=\s*,))?\s*"  # ', Russia'
                            r"(?:\((?P<a0>[^()]{2,40})\)\s*)?(?P<comma>,\s*)?")
_DATELINE_TAIL = re.compile(r"\s*(?:\((?P<agency>[^()]{2,40})\)\s*)?[-–—]+\s")


def dateline(text: str) -> tuple[DateHit | None, str | None]:
    """A news dateline 'SEOUL, 19 juil. --', 'MOSCOW, Nov. 7 (Reuters) -': (date, agency)."""
    m = _DATELINE_HEAD.match(text)
    if not m or not _place_like(m.group("place")):
        return None, None
    rest = text[m.end():]
    if m.group("a0") and re.match(r"\s*[-–—]+\s", rest):        # 'PARIS (AFP) -': agency, no date
        return None, m.group("a0").strip()
    if not m.group("comma"):
        return None, None
    art = next((a for a in knowledge().dateline_articles if rest.lower().startswith(a + " ")), None)
    if art:
        rest = rest[len(art) + 1:]
    hit = parse_date(rest, "dateline", anchored=True)
    if hit is None:
        return None, None
    span = _date_span(rest)
    tail = _DATELINE_TAIL.match(rest[span:])
    if not tail:
        return None, None
    return hit, (tail.group("agency") or m.group("a0") or "").strip() or None


def _date_span(text: str) -> int:
    for rx in _date_res().values():
        m = rx.match(text)
        if m:
            return m.end()
    return 0


def _place_like(place: str) -> bool:
    """An upper-case place name ('SEOUL', 'NEW YORK') or a short capitalised one ('Séoul')."""
    letters = [c for c in place if c.isalpha()]
    words = place.split()
    upper = sum(c.isupper() for c in letters) / max(1, len(letters))
    return upper > 0.8 or (len(words) <= 3 and all(w[0].isupper() for w in words))


def text_dates(lines: list[Line], lay: Layout, dmy: bool = True) -> list[DateHit]:
    """Publication-date candidates in the text, best first."""
    kb = knowledge()
    hits: list[DateHit] = []
    for i, ln in enumerate(lines[:lay.end]):
        low = norm(ln.text)
        short = len(low.split()) <= 20
        labelled = (kb.published.match(low) or kb.updated.match(low)) and short
        if labelled or (lay.reasons[i] == "date" and i <= lay.body + 1):
            hits += _labelled_dates(ln.text, i, kb, not labelled, dmy)
        elif i < lay.body and not lay.keep[i] and i not in lay.title_lines and short:
            # a header line with a full date beside other furniture ('Par X | 2 octobre 2025 | 9 commentaires')
            hit = parse_date(ln.text, "header", i, dmy=dmy)
            if hit and hit.year:
                hits.append(hit)
    for i in [j for j in range(lay.body, lay.end) if lay.keep[j]][:3]:
        hit, _ = dateline(lines[i].text)
        if hit:
            hit.line = i
            hit.weekdays |= {kb.weekdays[m.group(1).lower()] for m in kb.this_weekday.finditer(lines[i].text)}
            hits.append(hit)
    _borrow_years(hits)
    order = {"published": 0, "dateline": 1, "header": 2, "updated": 3}
    return sorted(hits, key=lambda h: (order[h.kind], h.line))


def _borrow_years(hits: list[DateHit]) -> None:
    """A dateline without year ('SEOUL, June 5') takes the year of a header date on the same day."""
    for h in hits:
        if h.year is None:
            h.year = next((o.year for o in hits if o.year and (o.month, o.day) == (h.month, h.day)), None)


def _labelled_dates(text: str, line: int, kb: Knowledge, header: bool, dmy: bool) -> list[DateHit]:
    """Dates after each label of a line ('Write: 2023-09-05 ... Update: 2023-09-05')."""
    labels = sorted([(m.start(), m.end(), "published") for m in kb.published.finditer(text)]
                    + [(m.start(), m.end(), "updated") for m in kb.updated.finditer(text)])
    labels = [lb for k, lb in enumerate(labels) if not any(o[0] <= lb[0] < o[1] and o != lb for o in labels[:k])]
    out = []
    if header and not labels:
        hit = parse_date(text, "header", line, dmy=dmy)
        return [hit] if hit else []
    for k, (_, e, kind) in enumerate(labels):
        stop = labels[k + 1][0] if k + 1 < len(labels) else len(text)
        hit = parse_date(text[e:stop], kind, line, dmy=dmy)
        if hit:
            out.append(hit)
    return out


def infer_year(month: int, day: int, ref: dt.date, weekdays: set[int]) -> int | None:
    """Latest year, not after `ref`, whose (month, day) falls on one of `weekdays` (if any are given)."""
    for constraint in ([weekdays] if weekdays else []) + [None]:
        for y in range(ref.year, ref.year - 11, -1):
            if not _valid(y, month, day) or dt.date(y, month, day) > ref:
                continue
            if constraint is None or dt.date(y, month, day).weekday() in constraint:
                return y
    return None


def parse_given(value) -> tuple[str, str] | None:
    """A supplied date ('2023-09-05', '2023-07', '2023', a datetime, an RFC 822 date) -> (value, precision)."""
    if value is None:
        return None
    s = str(value).strip()
    m = re.match(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:$|[T ])", s)
    if m:
        y, mo, d = m.group(1), m.group(2), m.group(3)
        if d and _valid(int(y), int(mo), int(d)):
            return f"{y}-{int(mo):02d}-{int(d):02d}", "day"
        if mo and 1 <= int(mo) <= 12:
            return f"{y}-{int(mo):02d}", "month"
        if not mo:
            return y, "year"
        return None
    try:
        return parsedate_to_datetime(s).date().isoformat(), "day"
    except (TypeError, ValueError, IndexError):
        pass
    hit = parse_date(s)
    if hit and hit.year:
        return f"{hit.year}-{hit.month:02d}-{hit.day:02d}", "day"
    return None


def publication(given: list[tuple[tuple[str, str] | None, str]], hits: list[DateHit],
                ref: str | None, warnings: list[str]) -> Published:
    """Metadata > HTML > text; a coarse given date is refined by a text date that agrees with it."""
    ref_day = _ref(ref)
    anchor = next(((g, src) for g, src in given if g), None)
    for hit in hits:
        resolved = _resolve(hit, anchor[0] if anchor else None, ref_day)
        if resolved is None:
            continue
        value, source = resolved
        if anchor is None:
            return Published(value, "day", source)
        (gval, gprec), gsrc = anchor
        if gprec != "day" and value.startswith(gval):
            return Published(value, "day", source)
        if gprec == "day" and value != gval:
            warnings.append(f"publication date {gval} ({gsrc}) differs from the text's {value}")
        break
    if anchor:
        (gval, gprec), gsrc = anchor
        return Published(gval, gprec, gsrc)
    if hits and not ref_day:
        h = hits[0]
        warnings.append(f"publication day --{h.month:02d}-{h.day:02d} found in the text, but no year "
                        "and no reference date to infer it")
    return Published()


def _ref(ref: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(ref)[:10]) if ref else None
    except ValueError:
        return None


def _resolve(hit: DateHit, anchor: tuple[str, str] | None, ref: dt.date | None) -> tuple[str, str] | None:
    """(ISO day, source) for a text date; the year comes from the text, a coarser given date, or the reference."""
    if hit.day is None:
        return None
    if hit.year:
        return f"{hit.year}-{hit.month:02d}-{hit.day:02d}", "text"
    if anchor:                     # a supplied date of any precision gives the year
        y = int(anchor[0][:4])
        if _valid(y, hit.month, hit.day):
            return f"{y}-{hit.month:02d}-{hit.day:02d}", "text"
    if ref:
        y = infer_year(hit.month, hit.day, ref, hit.weekdays)
        if y:
            return f"{y}-{hit.month:02d}-{hit.day:02d}", "inferred"
    return None


# ---------------------------------------------------------------- outlet

def text_outlet(lines: list[Line], lay: Layout, title_suffix: str | None) -> str | None:
    """The outlet as the text names it: dateline agency, '(Agency)' credit, title suffix, 'Rédaction X', ©."""
    kb = knowledge()
    for i in [j for j in range(lay.body, lay.end) if lay.keep[j]][:3]:
        agency = dateline(lines[i].text)[1]
        if agency and _name_like(agency):
            return agency
    for i, ln in enumerate(lines):
        m = _PAREN.match(ln.text)
        if m and lay.reasons[i] == "credit" and i > lay.body and _name_like(m.group(1)):
            return m.group(1).strip()
    if title_suffix:
        return title_suffix
    for ln in lines:
        low = norm(ln.text)
        m = kb.outlet_bylines.match(low)
        name = _BULLET.sub("", ln.text).strip()[m.end():].strip() if m else ""
        if m and len(low.split()) <= 6 and _name_like(name):
            return name
    for ln in lines:
        m = _COPYRIGHT.match(ln.text.strip())
        if m and _name_like(m.group("o")):
            return m.group("o").strip()
    return None


_COPYRIGHT = re.compile(r"^(?:(?:copyright\b|\(c\)|©)\s*)+(?:\d{4}(?:\s*[-–]\s*\d{4})?\s*)?(?P<o>[^.,|]{2,60})", re.I)


def _name_like(s: str) -> bool:
    words = s.split()
    return 0 < len(words) <= 6 and not any(c.isdigit() for c in s) and s.strip()[0].isupper()


# ---------------------------------------------------------------- HTML

_HTML_SNIFF = re.compile(r"^\s*(?:<!doctype html|<html|<\?xml[^>]*>\s*<html|<head|<body)", re.I)
_BLOCK_TAGS = ("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "br", "section", "article",
               "header", "footer", "blockquote", "pre", "td", "th", "dd", "dt", "figcaption", "title")


def looks_like_html(text: str) -> bool:
    return bool(_HTML_SNIFF.match(text[:2000]))


def trafilatura_settings() -> dict:
    """How Annales calls trafilatura (also used by bench/clean_benchmark.py for the bare baseline)."""
    return dict(with_metadata=True, include_comments=False, include_tables=False, favor_precision=True,
                date_extraction_params={"extensive_search": False, "original_date": True})


def html_lines(raw: str, warnings: list[str]) -> tuple[list[Line], dict]:
    """Main-text paragraphs (located in the raw where copied verbatim) and page metadata."""
    import trafilatura

    meta: dict = {}
    text = ""
    raw = _flatten_deep(raw, warnings)
    try:
        doc = trafilatura.bare_extraction(raw, **trafilatura_settings())
    except Exception as exc:      # trafilatura raises many kinds on broken markup; fall back below
        doc = None
        warnings.append(f"trafilatura failed ({type(exc).__name__}); used the plain HTML text")
    if doc is not None:
        text = doc.text or ""
        meta = {"title": doc.title, "sitename": doc.sitename, "date": doc.date, "language": doc.language}
    lang = re.search(r"<html[^>]*\blang=[\"']?([A-Za-z]{2,3})", raw[:5000], re.I)
    if lang and not meta.get("language"):
        meta["language"] = lang.group(1).lower()
    if not text.strip():
        if doc is not None:
            warnings.append("trafilatura found no main text; used the plain HTML text")
        text = _plain_html_text(raw)
    else:
        meta["extracted"] = True
    return _locate(text, raw), meta


MAX_DEPTH = 150
_TAG = re.compile(r"<(/?)([A-Za-z][\w:-]*)\b[^<>]*?(/?)>")
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())


def _flatten_deep(raw: str, warnings: list[str]) -> str:
    """libxml2 stops building a tree about 255 elements deep and the article is lost: beyond
    MAX_DEPTH, drop the tags and keep their text (one linear scan; void and self-closing
    tags do not nest)."""
    depth, deepest, cut = 0, 0, []
    for m in _TAG.finditer(raw):
        if m.group(3) or m.group(2).lower() in _VOID:
            continue
        if m.group(1):
            if depth > MAX_DEPTH:
                cut.append(m.span())
            depth = max(0, depth - 1)
        else:
            depth += 1
            deepest = max(deepest, depth)
            if depth > MAX_DEPTH:
                cut.append(m.span())
    if not cut:
        return raw
    warnings.append(f"HTML nested {deepest} elements deep: tags below depth {MAX_DEPTH} dropped, their text kept")
    parts, last = [], 0
    for a, b in cut:
        parts.append(raw[last:a])
        last = b
    parts.append(raw[last:])
    return " ".join(parts)


def _plain_html_text(raw: str) -> str:
    """All visible text, one line per block element, never script or style."""
    from lxml import etree, html as lhtml

    try:
        tree = lhtml.fromstring(raw)
    except (etree.ParserError, ValueError):
        return ""
    for bad in tree.xpath("//script|//style|//noscript|//template|//svg|//iframe"):
        bad.drop_tree()
    for el in tree.iter(*_BLOCK_TAGS):
        el.tail = "\n" + (el.tail or "")
    return tree.text_content()


def _locate(text: str, raw: str) -> list[Line]:
    out, cursor = [], 0
    for para in (p.strip() for p in text.split("\n")):
        if not para:
            continue
        pos = raw.find(para, cursor)
        if pos < 0:
            pos = raw.find(para)
        out.append(Line(para, pos))
        if pos >= 0:
            cursor = pos + len(para)
    return out


# ---------------------------------------------------------------- main

def clean(raw: RawDoc) -> Document:
    """RawDoc -> Document; raises CleanError (with the reason) when there is no usable text."""
    text_raw, warnings = decode(raw.data)
    warnings[:0] = (raw.meta or {}).get("warnings", [])       # what reading found wrong in its metadata
    is_html = raw.kind == "html" or looks_like_html(text_raw)
    if is_html:
        lines, hmeta = html_lines(text_raw, warnings)
    else:
        lines, hmeta = text_lines(text_raw), {}
    outlet_hint = raw.outlet or hmeta.get("sitename")
    known_title = raw.title or _page_title(hmeta.get("title"), outlet_hint)
    lay = layout(lines, known_title, outlet_hint, extracted=bool(hmeta.get("extracted")))
    paragraphs, headline = _paragraphs(lines, lay, text_raw)
    if not paragraphs:
        raise CleanError(f"no article text found: all {len(lines)} lines look like page furniture")
    text, offsets = _join(paragraphs)
    language, _ = identify(text, hmeta.get("language"))
    dmy = (resources.load_json(language or "", "published").get("numeric_order") or "dmy") == "dmy"
    pub = publication([(parse_given(raw.published), "metadata"), (parse_given(hmeta.get("date")), "html")],
                      text_dates(lines, lay, dmy), raw.reference_date, warnings)
    if raw.published and not parse_given(raw.published):
        warnings.append(f"unreadable published value in metadata: {raw.published!r}")
    title_source = known_title or (lines[lay.title_lines[0]].text if lay.title_lines else "")
    suffix = split_site_suffix(title_source, outlet_hint)[1]
    return Document(
        id=raw.id, text=text, raw=text_raw, kind="html" if is_html else raw.kind, language=language,
        title=lay.title or None, body_start=len(paragraphs[0][0]) + 2 if headline else 0, published=pub,
        outlet=raw.outlet or hmeta.get("sitename") or text_outlet(lines, lay, suffix),
        url=raw.url, dropped=[ln.text for i, ln in enumerate(lines) if not lay.keep[i]],
        content_hash=hashlib.sha256(raw.data).hexdigest(), offsets=offsets, warnings=warnings)


def _page_title(title: str | None, outlet: str | None) -> str | None:
    """The HTML title when it reads as a headline (not 'Home', not the site name alone)."""
    if not title:
        return None
    head = split_site_suffix(title.strip(), outlet)[0]
    return title if _title_shaped(head, hard_reason(head)) else None


def _paragraphs(lines, lay: Layout, raw: str) -> tuple[list[tuple[str, int]], bool]:
    """Kept paragraphs as (text, raw_start), led by the headline (without its site suffix) when the
    page states it once: later stages read it too, as headlines often state the event. A headline
    the page repeats is its header furniture (every copy dropped). True when a headline leads."""
    body = [(ln.text, ln.start) for i, ln in enumerate(lines) if lay.keep[i]]
    if not body or not lay.title or len(lay.title_lines) > 1:
        return body, False
    line = lines[lay.title_lines[0]] if lay.title_lines else None
    start = line.start if line and line.start >= 0 and line.text.startswith(lay.title) else raw.find(lay.title)
    return [(lay.title, start)] + body, True


def _join(paragraphs: list[tuple[str, int]]) -> tuple[str, list[tuple[int, int, int]]]:
    parts, offsets, pos = [], [], 0
    for text, start in paragraphs:
        if start >= 0:
            offsets.append((pos, start, len(text)))
        parts.append(text)
        pos += len(text) + 2
    return "\n\n".join(parts), offsets
