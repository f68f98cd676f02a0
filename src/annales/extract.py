"""Events from sentences. (stub: the extract helper replaces it)"""
from __future__ import annotations

from .model import Document, EventRecord


def extract(doc: Document) -> list[EventRecord]:
    return []
