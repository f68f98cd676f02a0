"""A hard cap on the memory one document may add to its process (Linux).

Within `capped(mb)` the process's private writable memory (its data size, VmData: the heap,
anonymous mappings, thread stacks) may grow by at most `mb` MB: the kernel refuses any
allocation beyond (the soft RLIMIT_DATA, lowered for the block and put back after), so the
C code that does the allocating (the parser, lxml, the regular expressions) fails with a
MemoryError where it stands, which the per-document error handling turns into a failure of
that document. A watchdog thread sampling the resident size could not do that: it only runs
when the C code lets go of the interpreter lock, by which time the memory is taken.

The data size is what the cap counts because it is what a document makes grow; the virtual
size (RLIMIT_AS) also counts the libraries and files mapped from disk and address space only
reserved (each thread's malloc arena), which are not the document's. Measured with the French
model loaded and one article processed: VmData 722 MB, VmRSS 662 MB, VmSize 840 MB.

The cap holds for the process, so it is set around a group of documents (pipeline.run) and a
group that reaches it is retried one document at a time, as for the time budget.
"""
from __future__ import annotations

import ctypes
import os
import resource
import sys
import threading
from contextlib import contextmanager

DEFAULT_MB = 1536          # far above what a real article adds (tens of MB); see bench/pathological.py
ENV = "ANNALES_MAX_DOC_MEMORY"

_active: list["Cap"] = []   # the cap in force in this process, if any


class OverMemory(Exception):
    """A document (or a group of documents) needed more than its memory budget."""


class Cap:
    """What `capped` gives: whether a cap is in force, and after the block whether it was reached."""

    def __init__(self, mb: float | None):
        self.mb, self.active, self.reached = mb, False, False


def default_mb() -> float:
    """The budget in MB: $ANNALES_MAX_DOC_MEMORY, else DEFAULT_MB; 0 means no cap."""
    value = os.environ.get(ENV, "").strip()
    if not value:
        return DEFAULT_MB
    try:
        mb = float(value)
    except ValueError:
        raise SystemExit(f"annales: {ENV} must be a number of MB, not {value!r}") from None
    if mb < 0:
        raise SystemExit(f"annales: {ENV} must be 0 (no cap) or more")
    return mb


def _status(field: bytes) -> int:
    with open("/proc/self/status", "rb") as f:
        for line in f:
            if line.startswith(field):
                return int(line.split()[1]) * 1024
    raise OSError(f"no {field.decode()} in /proc/self/status")


def data_size() -> int:
    """Bytes of private writable memory of this process (VmData), what RLIMIT_DATA limits."""
    return _status(b"VmData:")


def resident_size() -> int:
    """Bytes of this process in memory now (VmRSS)."""
    return _status(b"VmRSS:")


def peak_resident() -> int:
    """The most bytes this process has had in memory (VmHWM)."""
    return _status(b"VmHWM:")


def supported() -> bool:
    """A cap can be set here: Linux, where RLIMIT_DATA counts every private mapping (kernel 4.7+)."""
    return sys.platform.startswith("linux") and os.path.exists("/proc/self/status")


@contextmanager
def capped(mb: float | None):
    """The block may add at most `mb` MB to the process's data size (None or 0: no cap).

    The cap is set from the main thread only (it holds for the whole process: a server's request
    threads must not tighten each other's), and a cap already in force is left as it is.

    Libraries catch a failed allocation too (trafilatura falls back to another extractor, lxml
    reports "unknown error"), so a MemoryError is not the only sign that the cap was hit: the
    block also counts as having reached it when the process's resident size rose, at a new peak,
    to within 5% of the budget above where it started (`Cap.reached`). Where an earlier peak of
    the process (VmHWM) is that high already, it is set back to the present size first, for this
    count to work; `ru_maxrss` (which reads it) then gives the peak since."""
    cap = Cap(mb)
    if not mb or _active or not supported() or threading.current_thread() is not threading.main_thread():
        yield cap
        return
    cap.old = resource.getrlimit(resource.RLIMIT_DATA)
    cap.rss, cap.mark = resident_size(), peak_resident()
    if cap.mark - cap.rss >= 0.95 * mb * 2**20:
        cap.mark = _reset_peak()
    cap.soft = _limit(data_size() + int(mb * 2**20), cap.old)
    cap.active = True
    _active.append(cap)
    try:
        yield cap
    finally:
        _active.pop()
        resource.setrlimit(resource.RLIMIT_DATA, cap.old)
        peak = peak_resident()
        cap.reached = peak > cap.mark and peak - cap.rss >= 0.95 * mb * 2**20


def in_force() -> bool:
    """Whether this process runs under a cap set by `capped` now."""
    return bool(_active)


@contextmanager
def lifted():
    """Within a capped block, a step that belongs to the process and not to the document (loading
    a language model, once): no cap while it runs, and what it adds is not counted."""
    if not _active:
        yield
        return
    cap = _active[-1]
    data, rss = data_size(), resident_size()
    resource.setrlimit(resource.RLIMIT_DATA, cap.old)
    try:
        yield
    finally:
        cap.soft = _limit(cap.soft + max(0, data_size() - data), cap.old)
        cap.rss += max(0, resident_size() - rss)
        cap.mark = max(cap.mark, peak_resident())      # a peak while loading is not the document's


def _reset_peak() -> int:
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass
    return peak_resident()


def _limit(soft: int, old: tuple[int, int]) -> int:
    """Set the soft limit to `soft`, never above the limit in force before (`ulimit -d`)."""
    if old[0] != resource.RLIM_INFINITY:
        soft = min(soft, old[0])
    resource.setrlimit(resource.RLIMIT_DATA, (soft, old[1]))
    return soft


def give_back() -> None:
    """Return the freed heap to the system after a document hit its cap (glibc keeps it
    otherwise, and every later document would start from the high-water mark)."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def exhausted(reason: str | None) -> bool:
    """Whether a failure's reason is an allocation refused (Python's MemoryError, or libxml2's
    own message, which lxml passes on as a parse error)."""
    return bool(reason) and ("MemoryError" in reason or "memory allocation failed" in reason.lower())


def reason(mb: float) -> str:
    return f"memory budget of {mb:g} MB exceeded"
