"""From a raw page to article text, title, date, outlet and language. (stub: the clean helper replaces it)"""
from __future__ import annotations

import hashlib

from .model import Document, Published, RawDoc


class CleanError(ValueError):
    """The document cannot be cleaned; the message says why."""


def clean(raw: RawDoc) -> Document:
    text = raw.data.decode("utf-8", errors="replace")
    pub = Published(raw.published, "day" if raw.published and len(raw.published) == 10 else "unresolved",
                    "metadata" if raw.published else None)
    return Document(id=raw.id, text=text, raw=text, kind=raw.kind, language="fr", published=pub,
                    outlet=raw.outlet, url=raw.url, content_hash=hashlib.sha256(raw.data).hexdigest(),
                    offsets=[(0, 0, len(text))])
