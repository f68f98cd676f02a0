"""The road from a raw document to its events, in one process or in worker processes.

`process_batch` is a pure function of a list of RawDocs (the parser is fastest on
full batches, so documents travel in small groups); `run` maps it over a stream
with a bounded number of groups in flight, so memory stays flat however large
the corpus, and results come back in input order.
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

BATCH = 16          # documents per group: enough sentences to fill the parser's batches


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
    return process_batch([raw])[0]


def process_batch(raws: list[RawDoc]) -> list[Outcome]:
    """Clean the documents, then extract the events of all of them with one parser pass."""
    outs = [clean_only(r) for r in raws]
    ready = []
    for out in outs:
        if out.status != "ok":
            continue
        if nlp.supported(out.document.language):
            ready.append(out)
        else:
            lang = out.document.language or "unknown"
            out.status, out.reason = "unsupported", f"language {lang} is not processed (stored only)"
    if not ready:
        return outs
    try:
        found = extract.extract_many([o.document for o in ready])
    except Exception:
        # something failed for the group as a whole: retry one by one so only the culprit fails
        found = [_extract_one(o) for o in ready]
    for out, records in zip(ready, found):
        if records is None:
            continue
        out.records = records
        crash = next((w for w in out.document.warnings if w.startswith("extract:")), None)
        if crash:
            out.status, out.reason = "failed", f"extraction crashed: {crash.split(': ', 2)[-1]}"
    return outs


def _extract_one(out: Outcome) -> list[EventRecord] | None:
    try:
        return extract.extract(out.document)
    except Exception as exc:
        out.status, out.reason = "failed", f"extraction crashed: {type(exc).__name__}: {exc}"
        if os.environ.get("ANNALES_DEBUG"):
            traceback.print_exc()
        return None


def _map(fn: Callable[[RawDoc], Outcome], raws: list[RawDoc]) -> list[Outcome]:
    return [fn(r) for r in raws]


def _passthrough(item) -> Outcome | None:
    if isinstance(item, SourceError):
        return Outcome(item.id, "failed", item.reason)
    return item if isinstance(item, Outcome) else None


def _groups(items: Iterable, size: int) -> Iterator[list]:
    """Consecutive groups of up to `size` items; an item decided already (passthrough) is a group
    of its own so the order of the stream is kept."""
    group: list[RawDoc] = []
    for item in items:
        done = _passthrough(item)
        if done is not None:
            if group:
                yield group
                group = []
            yield [done]
        else:
            group.append(item)
            if len(group) >= size:
                yield group
                group = []
    if group:
        yield group


def run(items: Iterable[RawDoc | SourceError | Outcome], workers: int = 1,
        fn: Callable[[RawDoc], Outcome] | None = None, batch: int = BATCH,
        window: int | None = None) -> Iterator[Outcome]:
    """Process every RawDoc (with `fn`, default the whole pipeline), in input order.

    SourceErrors pass through as failed outcomes, and Outcomes decided by the caller
    (e.g. skipped) pass through unchanged. With workers > 1 the groups go to worker
    processes (each loads its spaCy models once, lazily); at most `window` groups are
    in flight at a time.
    """
    work = process_batch if fn is None else _bind(fn)
    if workers <= 1:
        for group in _groups(items, batch):
            yield from group if isinstance(group[0], Outcome) else work(group)
        return
    window = window or workers * 2
    pending: deque[Future | list[Outcome]] = deque()
    with ProcessPoolExecutor(max_workers=workers, initializer=_ignore_interrupts) as pool:
        for group in _groups(items, batch):
            pending.append(group if isinstance(group[0], Outcome) else pool.submit(work, group))
            while len(pending) >= window:
                yield from _result(pending.popleft())
        while pending:
            yield from _result(pending.popleft())


def _ignore_interrupts() -> None:
    """Workers leave Ctrl-C to the main process, which stops at a batch boundary."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _bind(fn: Callable[[RawDoc], Outcome]):
    from functools import partial

    return partial(_map, fn)


def _result(p: Future | list[Outcome]) -> list[Outcome]:
    return p if isinstance(p, list) else p.result()
