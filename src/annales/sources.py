"""Read documents from files, folders, JSONL files and RSS/Atom feeds.

Each input becomes a RawDoc holding the bytes exactly as read, or a SourceError
naming what could not be read and why; reading always goes on. Metadata (a
JSONL file keyed by ``file`` or ``id``) supplies publication date, outlet, URL,
title and crawl date. ``reference_date`` (which bounds year inference in later
stages) is the crawl date when known, else the file's modification date: never
today's date.
"""
from __future__ import annotations

import calendar
import datetime as dt
import json
from pathlib import Path
from typing import Iterable, Iterator

from .model import RawDoc, SourceError

TEXT_EXT = {".txt", ".text"}
HTML_EXT = {".html", ".htm", ".xhtml"}
JSONL_EXT = {".jsonl", ".ndjson"}
FEED_EXT = {".xml", ".rss", ".atom"}
KNOWN_EXT = TEXT_EXT | HTML_EXT | JSONL_EXT | FEED_EXT
CRAWL_KEYS = ("crawled", "fetched", "crawl_date")
METADATA_NAME = "metadata.jsonl"


def load_metadata(path: str | None, errors: list[SourceError] | None = None) -> dict[str, dict]:
    """JSONL keyed by `file` or `id` -> that line. Bad lines go to `errors` (if given)."""
    if not path:
        return {}
    out: dict[str, dict] = {}
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"metadata file {path}: cannot read ({_why(exc)})") from exc
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
            if not isinstance(rec, dict):
                raise ValueError("not a JSON object")
        except ValueError as exc:
            if errors is not None:
                errors.append(SourceError(f"{path}:{n}", f"metadata line {n}: invalid JSON ({exc})"))
            continue
        for key in (rec.get("file"), rec.get("id")):
            if key:
                out[str(key)] = rec
    return out


def read_paths(paths: Iterable[str], metadata: str | None = None) -> Iterator[RawDoc | SourceError]:
    """Yield one RawDoc per document (or a SourceError) for files and folders, in order."""
    errors: list[SourceError] = []
    try:
        meta = load_metadata(metadata, errors)
    except ValueError as exc:          # documents are still read, without metadata
        meta = {}
        errors.append(SourceError(str(metadata), str(exc)))
    yield from errors
    meta_file = Path(metadata).resolve() if metadata else None
    for p in paths:
        path = Path(p)
        if path.is_dir():
            for f in _walk(path, meta_file):
                yield from _read_file(f, f.relative_to(path).as_posix(), meta)
        elif path.exists():
            yield from _read_file(path, path.name, meta, explicit=True)
        else:
            yield SourceError(str(p), "no such file or directory")


def _walk(folder: Path, meta_file: Path | None) -> list[Path]:
    """Known files under `folder`, sorted, without hidden files and metadata files."""
    out = []
    for f in sorted(folder.rglob("*")):
        rel = f.relative_to(folder)
        if any(part.startswith(".") for part in rel.parts) or f.name == METADATA_NAME:
            continue
        if meta_file is not None and f.resolve() == meta_file:
            continue
        if f.is_file() and f.suffix.lower() in KNOWN_EXT:
            out.append(f)
    return out


def _read_file(f: Path, rel: str, meta: dict[str, dict], explicit: bool = False) -> Iterator[RawDoc | SourceError]:
    try:
        data = f.read_bytes()
        mtime = dt.datetime.fromtimestamp(f.stat().st_mtime, dt.timezone.utc).date().isoformat()
    except OSError as exc:
        yield SourceError(rel, _why(exc))
        return
    ext = f.suffix.lower()
    if ext in JSONL_EXT:
        yield from _read_jsonl(data, rel, f, mtime, meta)
    elif ext in FEED_EXT:
        yield from _read_feed(data, rel, f, mtime, meta)
    else:
        m = meta.get(rel) or meta.get(f.name) or (meta.get(str(f)) if explicit else None) or {}
        yield _rawdoc(rel, data, "html" if ext in HTML_EXT else "text", str(f), m, mtime)


def _rawdoc(doc_id: str, data: bytes, kind: str, path: str, rec: dict, mtime: str | None,
            extra: dict | None = None) -> RawDoc:
    """A RawDoc from the record `rec` (metadata or JSONL line); mtime is the fallback reference."""
    crawl = next((rec[k] for k in CRAWL_KEYS if rec.get(k)), None)
    ref = _iso_day(crawl) if crawl else None
    meta = dict(extra or {})
    meta["reference_source"] = "crawl" if ref else ("mtime" if mtime else None)
    return RawDoc(id=doc_id, data=data, kind=kind, path=path, url=rec.get("url") or None,
                  published=_as_str(rec.get("published")), outlet=rec.get("outlet") or None,
                  title=rec.get("title") or None, reference_date=ref or mtime, meta=meta)


def _read_jsonl(data: bytes, rel: str, f: Path, mtime: str, meta: dict[str, dict]) -> Iterator[RawDoc | SourceError]:
    """One article per line: id, text or html, optional url/published/outlet/title/crawl date."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        yield SourceError(rel, f"JSONL file is not UTF-8 ({exc.reason} at byte {exc.start})")
        return
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{rel}:{n}"
        try:
            rec = json.loads(line)
        except ValueError as exc:
            yield SourceError(where, f"line {n}: invalid JSON ({exc})")
            continue
        if not isinstance(rec, dict):
            yield SourceError(where, f"line {n}: not a JSON object")
            continue
        body, kind = (rec.get("html"), "html") if rec.get("html") else (rec.get("text"), "text")
        doc_id = str(rec.get("id") or rec.get("url") or where)
        if not isinstance(body, str):
            yield SourceError(doc_id, f"line {n}: no 'text' or 'html' string")
            continue
        merged = {**meta.get(doc_id, {}), **{k: v for k, v in rec.items() if v is not None}}
        yield _rawdoc(doc_id, body.encode("utf-8"), kind, str(f), merged, mtime, {"line": n})


def _read_feed(data: bytes, rel: str, f: Path, mtime: str, meta: dict[str, dict]) -> Iterator[RawDoc | SourceError]:
    """Each RSS/Atom entry is one document; its id is the entry's link, else its id."""
    import feedparser

    parsed = feedparser.parse(data)
    if not parsed.entries:
        reason = f"not a readable feed ({parsed.get('bozo_exception')})" if parsed.get("bozo") else "feed has no entries"
        yield SourceError(rel, reason)
        return
    outlet = parsed.feed.get("title") or None
    for n, entry in enumerate(parsed.entries, 1):
        doc_id = entry.get("link") or entry.get("id") or f"{rel}#{n}"
        body, kind = _entry_body(entry)
        if not body:
            yield SourceError(doc_id, f"feed entry {n} has no content or summary")
            continue
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        rec = {"url": entry.get("link"), "title": entry.get("title"), "outlet": outlet,
               "published": _struct_day(stamp) if stamp else None}
        rec = {**{k: v for k, v in rec.items() if v}, **meta.get(doc_id, {})}
        yield _rawdoc(doc_id, body.encode("utf-8"), kind, str(f), rec, mtime, {"feed_entry": n})


def _entry_body(entry) -> tuple[str, str]:
    """The fullest text an entry carries, and whether it is HTML."""
    for item in entry.get("content") or []:
        if item.get("value"):
            return item["value"], "html" if "html" in (item.get("type") or "html") else "text"
    detail = entry.get("summary_detail") or {}
    summary = entry.get("summary") or ""
    return summary, "html" if "html" in (detail.get("type") or "text/html") else "text"


def _struct_day(stamp) -> str:
    return dt.datetime.fromtimestamp(calendar.timegm(stamp), dt.timezone.utc).date().isoformat()


def _iso_day(value) -> str | None:
    """The ISO day of a crawl date given as a date or datetime string."""
    s = str(value).strip()
    try:
        return dt.date.fromisoformat(s[:10]).isoformat()
    except ValueError:
        return None


def _as_str(value) -> str | None:
    if value is None or value == "":
        return None
    return str(value)


def _why(exc: BaseException) -> str:
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, FileNotFoundError):
        return "no such file or directory"
    if isinstance(exc, IsADirectoryError):
        return "is a directory"
    return getattr(exc, "strerror", None) or str(exc)
