"""Fault injection for the crash and budget tests.

`ANNALES_KILL_AT=POINT:N` kills this process with SIGKILL (as `kill -9` or the out-of-memory
killer would) the N-th time it passes POINT. Points: `stored` (a document committed), `fusing`
(inside a fusion transaction, before it commits), `fused` (a fusion transaction committed:
between batches).

`ANNALES_GROW_AT=ID[:MB]` makes the extraction of document ID take memory, 8 MB at a time and
touched, up to MB (default 4096) or until an allocation fails, and then let it go: a document
whose processing balloons, for the memory budget (pipeline.run, memory.py).

Unset, each costs one environment lookup per point.
"""
from __future__ import annotations

import os
import signal
from collections import Counter

_passed: Counter = Counter()     # per process, and only read when the variable is set
STEP = 8 * 2**20


def point(name: str) -> None:
    at = os.environ.get("ANNALES_KILL_AT")
    if not at or not at.startswith(name + ":"):
        return
    _passed[name] += 1
    if at == f"{name}:{_passed[name]}":
        os.kill(os.getpid(), signal.SIGKILL)


def grow(doc_id: str) -> None:
    at = os.environ.get("ANNALES_GROW_AT")
    if not at:
        return
    name, _, mb = at.rpartition(":") if at.rpartition(":")[2].isdigit() else (at, "", "")
    if name != doc_id:
        return
    taken = []
    for _ in range(int(mb or 4096) * 2**20 // STEP):
        taken.append(b"x" * STEP)      # written, so resident, not only reserved
    del taken
