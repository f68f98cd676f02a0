"""A guard against hangs in tests: the block raises TimeoutError after `seconds` (SIGALRM, main thread)."""
from __future__ import annotations

import signal
from contextlib import contextmanager


@contextmanager
def within(seconds: int):
    def expire(signum, frame):
        raise TimeoutError(f"still running after {seconds} s")
    old = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
