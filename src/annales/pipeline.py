"""The road from a raw document to its events, in one process or in worker processes.

`process` is a pure function of one RawDoc; `run` maps it over a stream with a
bounded window of documents in flight, so memory stays flat however large the
corpus, and results come back in input order.
"""
from __future__ import annotations

import os
import traceback
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

from . import clean, extract, nlp
from .model import Document, EventRecord, RawDoc, SourceError


@dataclass
class Outcome:
    """What happened to one document."""

    id: str
    status: str                          # ok | unsupported | failed | skipped
    reason: str | None = None
    document: Document | None = None
    records: list[EventRecord] = field(default_factory=list)
    raw: bytes = b""

    def line(self) -> str:
        """One line for the user: document, outcome, reason."""
        if self.status == "ok":
            return f"ok: {self.id} ({len(self.records)} events)"
        return f"{self.status}: {self.id} — {self.reason}"


def clean_only(raw: RawDoc) -> Outcome:
    try:
        doc = clean.clean(raw)
    except clean.CleanError as exc:
        return Outcome(raw.id, "failed", str(exc), raw=raw.data)
    except Exception as exc:  # a bug must not stop the batch; say what and where
        return Outcome(raw.id, "failed", f"cleaning crashed: {type(exc).__name__}: {exc}", raw=raw.data)
    return Outcome(raw.id, "ok", document=doc, raw=raw.data)


def process(raw: RawDoc) -> Outcome:
    """Clean one document and extract its events."""
    out = clean_only(raw)
    if out.status != "ok":
        return out
    doc = out.document
    if not nlp.supported(doc.language):
        out.status, out.reason = "unsupported", f"language {doc.language or 'unknown'} is not processed (stored only)"
        return out
    try:
        out.records = extract.extract(doc)
    except Exception as exc:
        out.status = "failed"
        out.reason = f"extraction crashed: {type(exc).__name__}: {exc}"
        if os.environ.get("ANNALES_DEBUG"):
            traceback.print_exc()
    return out


def _passthrough(item) -> Outcome | None:
    if isinstance(item, SourceError):
        return Outcome(item.id, "failed", item.reason)
    return item if isinstance(item, Outcome) else None


def run(items: Iterable[RawDoc | SourceError | Outcome], workers: int = 1,
        fn: Callable[[RawDoc], Outcome] = process, window: int | None = None) -> Iterator[Outcome]:
    """Apply `fn` to every RawDoc, in order; SourceErrors pass through as failed
    outcomes, and Outcomes decided by the caller (e.g. skipped) pass through unchanged.

    With workers > 1 the documents go to worker processes (each loads its spaCy
    models once, lazily); at most `window` documents are in flight at a time.
    """
    if workers <= 1:
        for item in items:
            yield _passthrough(item) or fn(item)
        return
    window = window or workers * 8
    pending: deque[Future | Outcome] = deque()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for item in items:
            pending.append(_passthrough(item) or pool.submit(fn, item))
            while len(pending) >= window:
                yield _result(pending.popleft())
        while pending:
            yield _result(pending.popleft())


def _result(p: Future | Outcome) -> Outcome:
    return p if isinstance(p, Outcome) else p.result()
