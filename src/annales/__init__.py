"""Annales: sourced, dated, deduplicated chronologies of political and military events from news.

The small public API (the command line does the same work over files):

    >>> import annales
    >>> records = annales.extract_text("Le ministre russe de la Défense s'est rendu hier à Pyongyang.",
    ...                                published="2024-11-30")
    >>> records[0]["event"], records[0]["date"]["value"]
    ('CONSULT', '2024-11-29')

`extract_text` returns EVENTS.md records (dicts); `process` gives the full
`pipeline.Outcome` (cleaned Document and EventRecord objects) for a RawDoc.
"""
from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__", "extract_text", "process"]


def process(raw):
    """Clean one `model.RawDoc` and extract its events: a `pipeline.Outcome`."""
    from .pipeline import process as _process

    return _process(raw)


def extract_text(text: str, published: str | None = None, doc_id: str = "text", html: bool = False,
                 outlet: str | None = None, url: str | None = None) -> list[dict]:
    """Events reported in one article's text (or HTML), as EVENTS.md dicts.

    `published` ("2024-11-30", "2024-11" or None) anchors relative dates; without it
    they stay unresolved. Raises ValueError with the reason when the text is unusable.
    """
    from .model import RawDoc

    raw = RawDoc(id=doc_id, data=text.encode("utf-8"), kind="html" if html else "text",
                 published=published, outlet=outlet, url=url)
    out = process(raw)
    if out.status == "failed":
        raise ValueError(f"{doc_id}: {out.reason}")
    return [r.to_dict() for r in out.records]
