"""Ingest: documents into the store and the timeline, so that a killed run resumes exactly.

Each document is stored with its mentions in one transaction (stored = extracted). Every
`fuse_every` stored documents, fusion runs for them in one transaction that also marks them
`fused`. A run killed anywhere therefore leaves whole documents, some not yet fused; the next
run (or any command that reads the timeline) fuses those first. Since fusion is a pure
function of the stored mentions, the timeline is then the one an uninterrupted run builds.
"""
from __future__ import annotations

import hashlib
import signal
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

from . import faults, fuse
from .model import RawDoc, SourceError
from .pipeline import Outcome

FUSE_EVERY = 100        # documents per fusion transaction: bounds the work a kill can undo


@dataclass
class Report:
    healed: int = 0                      # documents an earlier run left unfused, fused now
    stored: int = 0
    interrupted: bool = False
    outcomes: list[Outcome] = field(default_factory=list)


def heal(store) -> int:
    """Fuse the documents an interrupted run stored but did not fuse; how many there were."""
    pending = store.unfused_docs()
    if pending:
        fuse.update(store, set(pending))
    return len(pending)


def fresh(store, items: Iterable[RawDoc | SourceError]) -> Iterator[RawDoc | SourceError | Outcome]:
    """The items, with documents whose exact bytes are stored already turned into 'skipped'
    before any work is spent on them."""
    for item in items:
        if isinstance(item, RawDoc):
            same = store.find_hash(hashlib.sha256(item.data).hexdigest())
            if same is not None:
                yield Outcome(item.id, "skipped", f"already stored as {same}")
                continue
        yield item


def ingest(store, outcomes: Iterable[Outcome], on_outcome: Callable[[Outcome], None] = lambda o: None,
           fuse_every: int = FUSE_EVERY, defer_fusion: bool = False) -> Report:
    """Store every outcome's document and fuse them batch by batch.

    With `defer_fusion` nothing is fused: the documents stay marked unfused for the caller to
    re-fuse the whole store once (`fuse.partitioned.refuse_all`, the Ray engine).
    The first Ctrl-C stops at the next document boundary, after fusing what was stored; a
    second one interrupts at once (the store stays consistent: the next run finishes)."""
    if defer_fusion:
        fuse_every = 0
    report = Report(healed=0 if defer_fusion else heal(store))
    batch: set[str] = set()
    with _first_interrupt_stops() as stop:
        for out in outcomes:
            _store_one(store, out)
            on_outcome(out)
            if out.status in ("ok", "unsupported") and out.document is not None:
                batch.add(out.document.id)
                report.stored += 1
                faults.point("stored")
            if fuse_every and len(batch) >= fuse_every:
                _fuse(store, batch)
                batch = set()
            if stop():
                report.interrupted = True
                break
        if hasattr(outcomes, "close"):
            outcomes.close()             # lets worker processes finish their groups and exit
        if not defer_fusion:
            _fuse(store, batch)
    return report


def _store_one(store, out: Outcome) -> None:
    if out.document is None or out.status not in ("ok", "unsupported"):
        return
    try:
        how = store.save(out.document, out.raw, out.records, status=out.status)
        out.reason = out.reason or how
    except Exception as exc:  # a storage error on one document must not lose the others
        out.status, out.reason, out.records = "failed", f"could not store: {exc}", []


def _fuse(store, doc_ids: set[str]) -> None:
    if doc_ids:
        fuse.update(store, doc_ids)
        faults.point("fused")


class _first_interrupt_stops:
    """Within the block, the first SIGINT only raises a flag (read with the callable it gives);
    the second one is a KeyboardInterrupt as usual."""

    def __enter__(self):
        self.hit = False
        self.old = None
        try:
            self.old = signal.signal(signal.SIGINT, self._handle)
        except ValueError:               # not the main thread: Ctrl-C is not ours to catch
            pass
        return lambda: self.hit

    def _handle(self, signum, frame):
        if self.hit:
            raise KeyboardInterrupt
        self.hit = True

    def __exit__(self, *exc):
        if self.old is not None:
            signal.signal(signal.SIGINT, self.old)
