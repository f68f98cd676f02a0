"""Fuse mentions into timeline events. (stub: the fuse helper replaces it)"""
from __future__ import annotations

from typing import Iterable

from .model import EventRecord, FusedEvent


def fuse(mentions: Iterable[EventRecord], published: dict[str, str | None] | None = None) -> list[FusedEvent]:
    return []
