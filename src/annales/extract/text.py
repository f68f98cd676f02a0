"""Cheap sentence splitting with offsets into the document text (no parser needed)."""
from __future__ import annotations

import re
from dataclasses import dataclass

_BOUNDARY = re.compile(r"(?<=[.!?…])([»”\"')\]]?)\s+(?=[«“\"'(\[]?\s?[A-ZÀ-ÖØ-Þ0-9])")
# "LIMA, May 2 (Agency) - ", "LIMA, le 3 mars (Agence) – ", "LIMA, 8 févr. -- "
DATELINE = re.compile(r"^(?P<place>[A-ZÀ-Þ][A-ZÀ-Þ'’ .-]{2,40}),\s[^()\n]{0,30}?(?:\([^)\n]{1,40}\))?\s*(?:--|[-–—])\s+")
_TERMINAL = re.compile(r"[.!?…»”\"'):;]\s*$")


def dateline(text: str) -> re.Match | None:
    """The dateline opening a sentence, if any (it is not part of the clause to parse)."""
    return DATELINE.match(text)


@dataclass
class Sentence:
    start: int
    end: int
    text: str
    para: int                 # index of the line/paragraph it belongs to
    headline: bool = False    # a line without final punctuation: a title, a caption or a menu item


def split(text: str, abbreviations: set[str] | frozenset = frozenset()) -> list[Sentence]:
    """Sentences of `text`: every line is a paragraph, split further at sentence punctuation."""
    out: list[Sentence] = []
    pos, para = 0, 0
    for line in text.split("\n"):
        lstart = pos
        pos += len(line) + 1
        if not line.strip():
            continue
        cut = 0
        for m in _BOUNDARY.finditer(line):
            end = m.start() + len(m.group(1))
            prev = line[cut:m.start()].rsplit(None, 1)
            last = prev[-1] if prev else ""
            # "M. Kim", "juil. 19", initials: not a boundary
            if last.lower() in abbreviations or re.fullmatch(r"(?:[A-ZÀ-Þ]\.)+", last):
                continue
            _add(out, line, lstart, cut, end, para)
            cut = m.end()
        _add(out, line, lstart, cut, len(line), para)
        para += 1
    return out


def _add(out, line, lstart, a, b, para):
    seg = line[a:b]
    lead = len(seg) - len(seg.lstrip())
    seg = seg.strip()
    m = dateline(seg)
    if m and m.end() < len(seg):
        lead += m.end()
        seg = seg[m.end():]
    if seg:
        s = lstart + a + lead
        # a long run without final punctuation is still prose (some scrapes drop the periods)
        out.append(Sentence(s, s + len(seg), seg, para, not _TERMINAL.search(seg) and len(seg.split()) < 16))
