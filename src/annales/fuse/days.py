"""The days that matter: `annales timeline --top K` and the API's /api/days.

A day is worth a line in an analyst's chronology when the coverage points at
it. Each document supports a day at most once, when it reports an event dated
that day (day precision only: a week inferred from a publication date names no
day) or names the day in its text. The support is worth more when it comes in
the title or lead (the article's main news), when the article looks back at the
day from more than a week later (the day became a reference point), and when it
carries an extracted event (weighted by the event's salience). A day's score is
the sum over the documents that support it.

Each day is told by the best sentences of its sources (in their own language)
and one generated line describing its most salient event, in the language asked.
"""
from __future__ import annotations

import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from .. import timex
from ..model import Document, Published
from ..timex.tense import sentence_bounds
from .salience import in_lead, lead_end, prominence, salience

LEAD_BONUS = 0.5
RETRO_BONUS = 0.5
RETRO_DAYS = 7
EVENT_BONUS = 0.5
# A day told by many sources gets a second sentence.
SECOND_SENTENCE_SOURCES = 3
MAX_SENTENCE_CHARS = 400


@dataclass
class Support:
    """What one document says about one day."""

    lead: bool = False
    retro: bool = False
    event: float = 0.0                   # salience share (0..1) of its best event on the day
    named: int = 0                       # how many times it names the day
    sentences: list[tuple[float, int, str]] = field(default_factory=list)   # (rank, start, text)

    def weight(self) -> float:
        return 1.0 + LEAD_BONUS * self.lead + RETRO_BONUS * self.retro + EVENT_BONUS * self.event


@dataclass
class Day:
    date: str
    score: float
    events: list[dict]
    sources: list[str]
    evidence: list[dict]                 # {"text", "doc", "language"}
    description: str | None
    language: str

    @property
    def summary(self) -> str:
        parts = [self.description + "."] if self.description else []
        return " ".join(parts + [e["text"] for e in self.evidence])

    def to_dict(self) -> dict:
        return {"date": self.date, "summary": self.summary, "description": self.description,
                "evidence": self.evidence, "events": self.events, "sources": len(self.sources),
                "source_ids": self.sources, "score": round(self.score, 3), "language": self.language}


def exact_day(d: dict | None) -> str | None:
    """The day an event date names, only when it is a stated day (not a range, not inferred)."""
    if not d or d.get("precision") != "day" or d.get("source") == "publication":
        return None
    lo, hi = d.get("earliest"), d.get("latest")
    if lo and hi and lo != hi:
        return None
    day = (d.get("value") or lo or "")[:10]
    return day if len(day) == 10 else None


def _may_be_on(ev: dict, day: str) -> bool:
    """Can event `ev` have happened on `day`? Undated events can; dated ones only within their range."""
    d = ev.get("date") or {}
    lo, hi = d.get("earliest"), d.get("latest")
    return (not lo or lo <= day) and (not hi or day <= hi)


def _ordinal(s: str | None) -> int | None:
    try:
        return date.fromisoformat(s[:10]).toordinal() if s and len(s) >= 10 else None
    except ValueError:
        return None


def _documents(store, doc_ids: set[str] | None) -> dict[str, dict]:
    sql = "SELECT id, title, text, language, published, published_precision FROM documents"
    rows = store.db.execute(sql) if doc_ids is None else store._in_query(sql + " WHERE id IN ({})", sorted(doc_ids))
    docs = {}
    for r in rows:
        text = r[2] or ""
        docs[r[0]] = {"id": r[0], "title": r[1], "text": text, "language": r[3], "published": r[4],
                      "precision": r[5] or "unresolved", "lead_end": lead_end(text)}
    return docs


_TAGGED: dict[tuple, list[tuple[str, int]]] = {}


def day_mentions(doc: dict) -> list[tuple[str, int]]:
    """(day, offset) of every temporal expression of the document that names one calendar day.

    Tagging is the costly part of ranking days (about 0.2 s a document), so a process keeps the
    answers for documents it has seen (same id, text and publication date)."""
    key = (doc["id"], doc["published"], hash(doc["text"]))
    if key not in _TAGGED:
        if len(_TAGGED) > 100_000:
            _TAGGED.clear()
        _TAGGED[key] = _tag_days(doc)
    return _TAGGED[key]


def _tag_days(doc: dict) -> list[tuple[str, int]]:
    d = Document(id=doc["id"], text=doc["text"], language=doc["language"],
                 published=Published(doc["published"], doc["precision"]))
    try:
        found = timex.tag_document(d)
    except ValueError as exc:           # one bad document must not lose the timeline
        print(f"timeline: {exc}", file=sys.stderr)
        return []
    return [(t.value[:10], t.start) for t in found
            if t.kind == "date" and t.precision == "day" and t.value and len(t.value) >= 10]


def _sentence(text: str, pos: int) -> tuple[int, str]:
    a, b = sentence_bounds(text, pos)
    s = " ".join(text[a:b].split())
    return a, s[:MAX_SENTENCE_CHARS]


class Ranker:
    """Collects each document's support for each day, then ranks the days."""

    def __init__(self, events: list[dict], mentions: dict[str, dict], docs: dict[str, dict]):
        self.events, self.mentions, self.docs = events, mentions, docs
        counts = prominence(events)
        self.salience = {ev["id"]: salience(ev, [mentions[m] for m in ev.get("mentions") or [] if m in mentions],
                                            docs, counts) for ev in events}
        top = max(self.salience.values(), default=1.0) or 1.0
        self.share = {k: v / top for k, v in self.salience.items()}
        self.support: dict[str, dict[str, Support]] = defaultdict(lambda: defaultdict(Support))
        self.on_day: dict[str, dict[str, dict]] = defaultdict(dict)      # day -> event id -> event
        # sentences that report an event: (doc, sentence start) -> best event
        self.event_at: dict[tuple[str, int], dict] = {}
        for ev in events:
            for mid in ev.get("mentions") or []:
                for e in (mentions.get(mid) or {}).get("evidence") or []:
                    doc = docs.get(mentions[mid]["doc"])
                    if doc is None or e.get("start") is None:
                        continue
                    key = (doc["id"], _sentence(doc["text"], e["start"])[0])
                    if key not in self.event_at or self.share[ev["id"]] > self.share[self.event_at[key]["id"]]:
                        self.event_at[key] = ev

    def add_events(self) -> None:
        for ev in self.events:
            day = exact_day(ev.get("date"))
            if day is None:
                continue
            self.on_day[day][ev["id"]] = ev
            for mid in ev.get("mentions") or []:
                m = self.mentions.get(mid)
                if m is None or m["doc"] not in self.docs:
                    continue
                doc = self.docs[m["doc"]]
                s = self.support[day][doc["id"]]
                s.event = max(s.event, self.share[ev["id"]])
                for e in m.get("evidence") or []:
                    s.lead = s.lead or in_lead(e, doc)
                    self._note_sentence(s, doc, e.get("start") or 0, self.share[ev["id"]])
                self._note_retro(s, doc, day)

    def add_mentions(self) -> None:
        for doc in self.docs.values():
            for day, pos in day_mentions(doc):
                s = self.support[day][doc["id"]]
                s.named += 1
                s.lead = s.lead or pos < doc["lead_end"]
                start, _ = _sentence(doc["text"], pos)
                ev = self.event_at.get((doc["id"], start))
                if ev is not None and not _may_be_on(ev, day):
                    ev = None
                if ev is not None:
                    s.event = max(s.event, self.share[ev["id"]])
                    self.on_day[day].setdefault(ev["id"], ev)
                self._note_sentence(s, doc, pos, self.share[ev["id"]] if ev else 0.0)
                self._note_retro(s, doc, day)

    def _note_sentence(self, s: Support, doc: dict, pos: int, event_share: float) -> None:
        start, text = _sentence(doc["text"], pos)
        if len(text.split()) < 4 or any(start == st for _, st, _ in s.sentences):
            return
        rank = event_share + LEAD_BONUS * (pos < doc["lead_end"])
        s.sentences.append((rank, start, text))

    def _note_retro(self, s: Support, doc: dict, day: str) -> None:
        pub, d = _ordinal(doc.get("published")), _ordinal(day)
        if pub is not None and d is not None and pub - d > RETRO_DAYS:
            s.retro = True

    def ranked(self) -> list[tuple[str, float]]:
        scores = {day: (sum(s.weight() for s in by_doc.values()), sum(s.named for s in by_doc.values()))
                  for day, by_doc in self.support.items()}
        return [(d, scores[d][0]) for d in sorted(scores, key=lambda d: (-scores[d][0], -scores[d][1], d))]

    def evidence(self, day: str) -> list[dict]:
        """The best sentences of the day: from its best-supporting documents, event sentences first."""
        by_doc = self.support[day]
        cands = []
        for doc_id, s in by_doc.items():
            for rank, start, text in s.sentences:
                cands.append((-(s.weight() + rank), doc_id, start, text))
        cands.sort()
        want = 2 if len(by_doc) >= SECOND_SENTENCE_SOURCES else 1
        out, seen = [], set()
        for _, doc_id, _, text in cands:
            if text in seen:
                continue
            seen.add(text)
            out.append({"text": text, "doc": doc_id, "language": self.docs[doc_id]["language"]})
            if len(out) == want:
                break
        return out


def corpus_language(docs: dict[str, dict]) -> str:
    langs = Counter(d["language"] for d in docs.values() if d.get("language"))
    return langs.most_common(1)[0][0] if langs else "en"


def top_days(store, k: int = 10, lang: str | None = None, filters: dict | None = None) -> list[Day]:
    """The `k` most important days of the stored timeline, best first, each with its events,
    sources, best sentences and a generated description in `lang` (default: the corpus' language)."""
    from ..export import event_words

    filters = {key: v for key, v in (filters or {}).items() if v}
    events = store.fused_events(**filters)
    narrow = any(key not in ("date_from", "date_to") for key in filters)
    doc_ids = {s for ev in events for s in ev.get("sources") or []} if narrow else None
    docs = _documents(store, doc_ids)
    mentions = {m["id"]: m for m in store.mention_dicts(doc_ids)}
    ranker = Ranker(events, mentions, docs)
    ranker.add_events()
    ranker.add_mentions()
    lang = lang or corpus_language(docs)
    lo, hi = filters.get("date_from"), filters.get("date_to")
    out = []
    for day, score in ranker.ranked():
        if (lo and day < lo[:10]) or (hi and day[:len(hi)] > hi):
            continue
        evs = sorted(ranker.on_day[day].values(), key=lambda e: -ranker.salience[e["id"]])
        evs = [dict(e, salience=round(ranker.salience[e["id"]], 3)) for e in evs]
        desc = event_words(evs[0], lang, with_modality=True) if evs else None
        out.append(Day(day, score, evs, sorted(ranker.support[day]), ranker.evidence(day), desc, lang))
        if len(out) >= k:
            break
    return out
