"""Plain data passed between the stages.

Every stage is a function from one of these to another, so the same code runs
in one process, in worker processes or on a cluster. Records that leave the
program (events, fused events, cleaned documents) have a ``to_dict`` giving the
JSON form of ../shared/design/EVENTS.md.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

PRECISIONS = ("day", "week", "month", "quarter", "year", "unresolved")
MODALITIES = ("asserted", "alleged", "denied", "planned", "possible", "hypothetical", "negated")
EVENT_TYPES = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
)


@dataclass
class RawDoc:
    """One input document exactly as read, before any cleaning."""

    id: str                              # given id, else file name (relative to the folder given)
    data: bytes                          # the bytes as read; never modified
    kind: str = "text"                   # "text" | "html"
    path: str | None = None
    url: str | None = None
    published: str | None = None         # as supplied by metadata/feed: "2023-09-05", "2023-07", "2023" or None
    outlet: str | None = None
    title: str | None = None             # as supplied by metadata/feed
    reference_date: str | None = None    # crawl date (file mtime only if asked), ISO: bounds year inference
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass
class SourceError:
    """A document that could not be read; the batch goes on."""

    id: str
    reason: str
    status: str = "failed"               # failed | ignored (a path that is not a document)


@dataclass
class Published:
    value: str | None = None             # "2024-07-19", "2024-07", "2024" or None
    precision: str = "unresolved"        # day | month | year | unresolved
    source: str | None = None            # metadata | html | text | inferred

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Document:
    """A cleaned article: the text every later stage reads."""

    id: str
    text: str                            # cleaned article text; all offsets downstream point into it
    raw: str = ""                        # decoded raw input, unchanged
    kind: str = "text"
    language: str | None = None          # "fr", "en", other ISO 639-1, or None
    title: str | None = None
    # text[:body_start] is the headline paragraph (later stages read it too), text[body_start:] the body
    body_start: int = 0
    published: Published = field(default_factory=Published)
    outlet: str | None = None
    url: str | None = None
    dropped: list[str] = field(default_factory=list)     # boilerplate lines removed
    content_hash: str = ""               # sha256 of the raw bytes: idempotent ingestion
    # (clean_start, raw_start, length): runs of cleaned text copied verbatim from the raw text
    offsets: list[tuple[int, int, int]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        """The `annales clean` line."""
        return {
            "doc": self.id, "language": self.language, "title": self.title,
            "published": self.published.to_dict(), "outlet": self.outlet, "url": self.url,
            "text": self.text, "body_start": self.body_start, "dropped": self.dropped,
        }

    @property
    def body(self) -> str:
        """The article text without its headline."""
        return self.text[self.body_start:]


@dataclass
class TimeExpr:
    """A temporal expression found in a text, normalised."""

    start: int                           # offsets into the text given to the tagger
    end: int
    text: str
    value: str | None                    # "2024-07-18", "2024-07", "2024", "2024-W29", "2024-Q3" or None
    precision: str                       # one of PRECISIONS
    earliest: str | None = None          # ISO day bounds of what the text supports
    latest: str | None = None
    kind: str = "date"                   # date | duration | set
    # on an event's date, where it comes from (EVENTS.md): "explicit" (a time of the event's own),
    # "clause" (the governing or reporting clause's), "discourse" (an earlier time of the same
    # story), "publication" (a window inferred from the publication date and the tense); None on
    # a bare tagger output
    source: str | None = None

    def to_dict(self) -> dict:
        """The EVENTS.md `date` object."""
        d = {"value": self.value, "precision": self.precision, "earliest": self.earliest,
             "latest": self.latest, "text": self.text}
        if self.source is not None:
            d["source"] = self.source
        return d


@dataclass
class Actor:
    """An actor as EVENTS.md writes it."""

    name: str                            # canonical English name; the surface text when unlinked
    country: str | None = None           # ISO 3166-1 alpha-3
    type: str = "person"                 # person | organization | country | group
    id: str | None = None                # knowledge-base id; None when unlinked
    role: str | None = None              # e.g. "defence minister of Russia", as held on the event's date
    code: str | None = None              # CAMEO-style actor code, e.g. RUSMIL
    text: str | None = None              # surface form in the article

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class ActorMention:
    """A span of text that refers to an actor, as found by the linker."""

    start: int                           # character offsets into Document.text
    end: int
    text: str
    actor: Actor
    kind: str = "name"                   # name | short | role | country | demonym | capital | org | pronoun
    score: float = 1.0


@dataclass
class Evidence:
    text: str
    start: int
    end: int


@dataclass
class EventRecord:
    """One event reported in one document: the EVENTS.md record."""

    doc: str
    event: str
    mode: str | None = None
    context: list[str] = field(default_factory=list)
    actor: list[Actor] = field(default_factory=list)
    recipient: list[Actor] = field(default_factory=list)
    location: dict | None = None         # {"name": "Pyongyang", "country": "PRK"}
    date: TimeExpr | None = None
    modality: str = "asserted"
    attributed_to: list[Actor] = field(default_factory=list)
    quantity: dict | None = None         # {"value": 10000, "unit": "soldiers", "qualifier": "more than"}
    evidence: list[Evidence] = field(default_factory=list)
    confidence: float = 0.5
    cameo: str | None = None
    reported: TimeExpr | None = None     # when the statement was made (planned/possible events, states)
    id: str = ""

    def to_dict(self) -> dict:
        d = {
            "id": self.id, "doc": self.doc, "event": self.event, "mode": self.mode,
            "context": list(self.context),
            "actor": [a.to_dict() for a in self.actor],
            "recipient": [a.to_dict() for a in self.recipient],
            "location": self.location,
            "date": self.date.to_dict() if self.date else None,
            "modality": self.modality,
            "attributed_to": [a.to_dict() for a in self.attributed_to],
            "quantity": self.quantity,
            "evidence": [asdict(e) for e in self.evidence],
            "confidence": round(self.confidence, 3),
            "cameo": self.cameo,
        }
        if self.reported is not None:
            d["reported"] = self.reported.to_dict()
        return d


def actor_from_dict(d: dict) -> Actor:
    return Actor(**{k: d.get(k) for k in Actor.__dataclass_fields__ if k in d})


def time_from_dict(d: dict | None) -> TimeExpr | None:
    if not d:
        return None
    return TimeExpr(start=d.get("start", -1), end=d.get("end", -1), text=d.get("text") or "",
                    value=d.get("value"), precision=d.get("precision") or "unresolved",
                    earliest=d.get("earliest"), latest=d.get("latest"), source=d.get("source"))


def event_from_dict(d: dict) -> EventRecord:
    """Inverse of EventRecord.to_dict (for records read back from the store or a JSONL file)."""
    return EventRecord(
        id=d.get("id", ""), doc=d["doc"], event=d["event"], mode=d.get("mode"),
        context=list(d.get("context") or []),
        actor=[actor_from_dict(a) for a in d.get("actor") or []],
        recipient=[actor_from_dict(a) for a in d.get("recipient") or []],
        location=d.get("location"), date=time_from_dict(d.get("date")),
        modality=d.get("modality") or "asserted",
        attributed_to=[actor_from_dict(a) for a in d.get("attributed_to") or []],
        quantity=d.get("quantity"),
        evidence=[Evidence(**e) for e in d.get("evidence") or []],
        confidence=d.get("confidence") or 0.0, cameo=d.get("cameo"),
        reported=time_from_dict(d.get("reported")),
    )


@dataclass
class Conflict:
    slot: str                            # "date" | "location" | "modality" | "actor" | ...
    values: list[Any]
    sources: list[list[str]]             # doc ids per value, parallel to values


@dataclass
class FusedEvent:
    """One real-world event, fused from mentions in one or more documents."""

    id: str
    event: str
    mode: str | None = None
    context: list[str] = field(default_factory=list)
    actor: list[Actor] = field(default_factory=list)
    recipient: list[Actor] = field(default_factory=list)
    location: dict | None = None
    date: TimeExpr | None = None
    modality: str = "asserted"
    mentions: list[str] = field(default_factory=list)   # EventRecord ids
    sources: list[str] = field(default_factory=list)    # doc ids
    first_reported: str | None = None                   # earliest publication date among sources
    conflicts: list[Conflict] = field(default_factory=list)
    quantity: dict | None = None
    cameo: str | None = None
    confidence: float = 0.5

    def to_dict(self) -> dict:
        return {
            "id": self.id, "event": self.event, "mode": self.mode, "context": list(self.context),
            "actor": [a.to_dict() for a in self.actor],
            "recipient": [a.to_dict() for a in self.recipient],
            "location": self.location,
            "date": self.date.to_dict() if self.date else None,
            "modality": self.modality, "mentions": list(self.mentions), "sources": list(self.sources),
            "first_reported": self.first_reported,
            "conflicts": [asdict(c) for c in self.conflicts],
            "quantity": self.quantity, "cameo": self.cameo, "confidence": round(self.confidence, 3),
        }
