"""Temporal expressions normalised against the publication date. (stub: the timex helper replaces it)"""
from __future__ import annotations

from .model import Document, TimeExpr


def tag_document(doc: Document) -> list[TimeExpr]:
    return []
