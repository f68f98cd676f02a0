"""Read documents from files, folders, JSONL and HTML. (stub: the sources/clean helper replaces it)"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable, Iterator

from .model import RawDoc, SourceError


def load_metadata(path: str | None) -> dict[str, dict]:
    """JSONL keyed by `file` or `id` -> that line."""
    if not path:
        return {}
    out = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            rec = json.loads(line)
            key = rec.get("file") or rec.get("id")
            if key:
                out[key] = rec
    return out


def read_paths(paths: Iterable[str], metadata: str | None = None) -> Iterator[RawDoc | SourceError]:
    meta = load_metadata(metadata)
    for p in paths:
        path = Path(p)
        files = sorted(f for f in path.rglob("*") if f.is_file() and f.suffix in (".txt", ".html")) if path.is_dir() else [path]
        for f in files:
            m = meta.get(f.name, {})
            yield RawDoc(id=f.name, data=f.read_bytes(), kind="html" if f.suffix == ".html" else "text",
                         path=str(f), url=m.get("url"), published=m.get("published"), outlet=m.get("outlet"))
