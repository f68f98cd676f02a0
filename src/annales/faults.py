"""Fault injection for the crash tests: `ANNALES_KILL_AT=POINT:N` kills this process with
SIGKILL (as `kill -9` or the out-of-memory killer would) the N-th time it passes POINT.

Points: `stored` (a document committed), `fusing` (inside a fusion transaction, before it
commits), `fused` (a fusion transaction committed: between batches). Unset, it costs one
environment lookup per point.
"""
from __future__ import annotations

import os
import signal
from collections import Counter

_passed: Counter = Counter()     # per process, and only read when the variable is set


def point(name: str) -> None:
    at = os.environ.get("ANNALES_KILL_AT")
    if not at or not at.startswith(name + ":"):
        return
    _passed[name] += 1
    if at == f"{name}:{_passed[name]}":
        os.kill(os.getpid(), signal.SIGKILL)
