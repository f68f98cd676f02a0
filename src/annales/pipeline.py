"""The road from a raw document to its events, in one process or in worker processes.

`process_batch` is a pure function of a list of RawDocs (the parser is fastest on
full batches, so documents travel in small groups); `run` maps it over a stream
with a bounded number of groups in flight, so memory stays flat however large
the corpus, and results come back in input order.
"""
from __future__ import annotations

import os
import signal
import threading
import traceback
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

from . import clean, extract, faults, memory, nlp
from .memory import OverMemory
from .model import Document, EventRecord, RawDoc, SourceError

BATCH = 16          # documents per group: enough sentences to fill the parser's batches
DOC_BUDGET = 60.0   # seconds a document may take (on average in its group) before it is failed alone


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
    with memory.lifted():               # the models are the process's, not the document's
        for lang in sorted({o.document.language for o in ready}):
            nlp.load(lang)
    try:
        for out in ready:
            faults.grow(out.id)
        found = extract.extract_many([o.document for o in ready])
    except Exception as exc:
        if isinstance(exc, MemoryError) and memory.in_force():
            raise                       # over the memory budget: the caller retries the group one by one
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
        return Outcome(item.id, item.status, item.reason)
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
        window: int | None = None, budget: float = DOC_BUDGET,
        max_memory: float | None = None) -> Iterator[Outcome]:
    """Process every RawDoc (with `fn`, default the whole pipeline), in input order.

    SourceErrors pass through as failed outcomes, and Outcomes decided by the caller
    (e.g. skipped) pass through unchanged. With workers > 1 the groups go to worker
    processes (each loads its spaCy models once, lazily); at most `window` groups are
    in flight at a time. A group that takes more than `budget` seconds a document, that
    adds more than `max_memory` MB to its process (default memory.default_mb(); 0: no
    cap), or whose worker dies (killed, out of memory), is retried one document at a
    time; a document that fails so again is reported as failed and the rest goes on.
    """
    max_memory = memory.default_mb() if max_memory is None else max_memory
    work = partial(_limited, process_batch if fn is None else _bind(fn), budget, max_memory)
    if workers <= 1:
        for group in _groups(items, batch):
            yield from group if isinstance(group[0], Outcome) else _local(work, group)
        return
    window = window or workers * 2
    pending: deque[tuple[list, Future | None]] = deque()
    pool = _Pool(workers)
    try:
        for group in _groups(items, batch):
            pending.append((group, None if isinstance(group[0], Outcome) else pool.submit(work, group)))
            while len(pending) >= window:
                yield from pool.result(work, *pending.popleft())
        while pending:
            yield from pool.result(work, *pending.popleft())
    finally:
        pool.shutdown()


class OverBudget(Exception):
    """A document (or a group of documents) took more than its time budget."""


EXCEEDED = (OverBudget, OverMemory)     # their message is the reason a document alone fails with


def _limited(work, budget: float, max_memory: float, group: list[RawDoc]) -> list[Outcome]:
    """`work(group)` within `budget` seconds a document and `max_memory` MB, else OverBudget or
    OverMemory (both set from the process's main thread, where the workers and the command line
    run the pipeline; see memory.py). A group that reached the cap fails whole, since what was
    refused may have been caught and turned into a wrong result; it is then retried one by one."""
    outs = None
    with memory.capped(max_memory) as cap:
        try:
            outs = _timed(work, budget, group)
        except MemoryError:
            if not cap.active:
                raise                    # no cap of ours: the machine is out of memory
    if cap.active and (outs is None or cap.reached
                       or any(o.status == "failed" and memory.exhausted(o.reason) for o in outs)):
        outs = None
        memory.give_back()
        raise OverMemory(memory.reason(max_memory))
    return outs


def _timed(work, budget: float, group: list[RawDoc]) -> list[Outcome]:
    if not budget or threading.current_thread() is not threading.main_thread():
        return work(group)

    def expire(signum, frame):
        raise OverBudget(f"over the time budget: took more than {budget:g} s")
    old = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, budget * len(group))
    try:
        return work(group)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def _local(work, group: list[RawDoc]) -> list[Outcome]:
    try:
        return work(group)
    except EXCEEDED as exc:
        why = str(exc)
    if len(group) == 1:
        return [_failed(group[0], why)]
    return [o for r in group for o in _local(work, [r])]


def _failed(raw: RawDoc, reason: str) -> Outcome:
    return Outcome(raw.id, "failed", reason, raw=raw.data)


class _Pool:
    """A process pool that survives the death of a worker: the groups it was running are
    retried one document at a time in a new pool."""

    def __init__(self, workers: int):
        self.workers = workers
        self.pool = self._new()

    def _new(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=self.workers, initializer=_ignore_interrupts)

    def submit(self, work, group) -> Future:
        try:
            fut = self.pool.submit(work, group)
        except BrokenProcessPool:            # a worker died since the last submit; its groups
            self._restart()                  # are retried when their turn comes (result)
            fut = self.pool.submit(work, group)
        fut.pool = self.pool                 # which pool ran it: only its own breakage restarts
        return fut

    def result(self, work, group: list, fut: Future | None) -> list[Outcome]:
        if fut is None:
            return group                     # decided already (passthrough)
        try:
            return fut.result()
        except BrokenProcessPool:
            if fut.pool is self.pool:        # futures of an older pool were broken with it
                self._restart()
        except EXCEEDED as exc:
            if len(group) == 1:
                return [_failed(group[0], str(exc))]
        return [o for raw in group for o in self._alone(work, raw)]

    def _alone(self, work, raw: RawDoc) -> list[Outcome]:
        try:
            return self.submit(work, [raw]).result()
        except BrokenProcessPool:
            self._restart()
            return [_failed(raw, "the worker process died while processing it, twice (killed or out of memory)")]
        except EXCEEDED as exc:
            return [_failed(raw, str(exc))]

    def _restart(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
        self.pool = self._new()

    def shutdown(self) -> None:
        self.pool.shutdown()


def _ignore_interrupts() -> None:
    """Workers leave Ctrl-C to the main process, which stops at a batch boundary."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _bind(fn: Callable[[RawDoc], Outcome]):
    return partial(_map, fn)
