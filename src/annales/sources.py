"""Read documents from files, folders, JSONL files and RSS/Atom feeds.

Each input becomes a RawDoc holding the bytes exactly as read, or a SourceError
naming what could not be read and why; reading always goes on. Metadata (a
JSONL file keyed by ``file`` or ``id``) supplies publication date, outlet, URL,
title and crawl date. ``reference_date`` (which bounds year inference in later
stages) is the crawl date when known; the file's modification date only when the
caller asks for it (``reference_from_mtime``), as a copied file's mtime says
nothing about the article; never today's date.

Size limits: a file (one document, or one feed) above ``MAX_FILE_BYTES`` and a
JSONL or metadata line above ``MAX_LINE_BYTES`` are refused with a SourceError
naming it, and reading goes on. JSONL and metadata files are read line by line
and an over-long line is skipped as it streams past, never held whole.
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
MAX_FILE_BYTES = 64 * 2**20      # one article file or feed (cleaning keeps the first 5 MB of a document)
MAX_LINE_BYTES = 16 * 2**20      # one JSONL line: a document with its metadata, JSON-escaped
CHUNK = 2**20


def load_metadata(path: str | None, errors: list[SourceError] | None = None) -> dict[str, dict]:
    """JSONL keyed by `file` or `id` -> that line. Bad lines go to `errors` (if given)."""
    if not path:
        return {}
    out: dict[str, dict] = {}
    try:
        fh = open(path, "rb")
    except OSError as exc:
        raise ValueError(f"metadata file {path}: cannot read ({_why(exc)})") from exc
    with fh:
        for n, rec in _json_lines(fh, "metadata line"):
            if isinstance(rec, str):
                if errors is not None:
                    errors.append(SourceError(f"{path}:{n}", rec))
                continue
            for key in (rec.get("file"), rec.get("id")):
                if key:
                    out[str(key)] = rec
    return out


def stream_lines(fh, limit: int | None = None) -> Iterator[tuple[int, bytes | None, int]]:
    """(number, bytes, size) of each line of a binary file; bytes is None for a line longer than
    `limit` (default MAX_LINE_BYTES), which is skipped in chunks as it streams past (never held whole)."""
    limit = MAX_LINE_BYTES if limit is None else limit
    n = 0
    while True:
        line = fh.readline(limit + 1)
        if not line:
            return
        n += 1
        if len(line) <= limit or line.endswith(b"\n"):
            yield n, line, len(line)
            continue
        size = len(line)
        while line and not line.endswith(b"\n"):
            line = fh.readline(CHUNK)
            size += len(line)
        yield n, None, size


def _json_lines(fh, what: str) -> Iterator[tuple[int, dict | str]]:
    """(line number, JSON object) per non-blank line, or (line number, reason) for a bad one."""
    for n, line, size in stream_lines(fh):
        if line is None:
            yield n, f"{what} {n}: {_mb(size)}, above the limit of {_mb(MAX_LINE_BYTES)} for one line: skipped"
            continue
        if n == 1:
            line = line.removeprefix(b"\xef\xbb\xbf")
        if not line.strip():
            continue
        try:
            rec = json.loads(line.decode("utf-8"))
        except UnicodeDecodeError as exc:
            yield n, f"{what} {n}: not UTF-8 ({exc.reason} at byte {exc.start})"
            continue
        except ValueError as exc:
            yield n, f"{what} {n}: invalid JSON ({exc})"
            continue
        yield n, rec if isinstance(rec, dict) else f"{what} {n}: not a JSON object"


def _mb(size: int) -> str:
    return f"{size / 2**20:.1f} MB" if size >= 2**20 else f"{size} bytes"


def read_paths(paths: Iterable[str], metadata: str | None = None,
               reference_from_mtime: bool = False) -> Iterator[RawDoc | SourceError]:
    """Yield one RawDoc per document (or a SourceError) for files and folders, in order.

    `reference_from_mtime`: a document without crawl date takes its file's modification day
    as reference date (otherwise it has none)."""
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
                yield from _read_file(f, f.relative_to(path).as_posix(), meta, reference_from_mtime)
        elif path.exists():
            yield from _read_file(path, path.name, meta, reference_from_mtime, explicit=True)
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


def _read_file(f: Path, rel: str, meta: dict[str, dict], from_mtime: bool = False,
               explicit: bool = False) -> Iterator[RawDoc | SourceError]:
    ext = f.suffix.lower()
    try:
        stat = f.stat()
        mtime = dt.datetime.fromtimestamp(stat.st_mtime, dt.timezone.utc).date().isoformat() if from_mtime else None
        if ext in JSONL_EXT:
            with f.open("rb") as fh:
                yield from _read_jsonl(fh, rel, f, mtime, meta)
            return
        if stat.st_size > MAX_FILE_BYTES:
            yield SourceError(rel, f"file is {_mb(stat.st_size)}, above the limit of {_mb(MAX_FILE_BYTES)} "
                                   "for one document: skipped")
            return
        data = f.read_bytes()
    except OSError as exc:
        yield SourceError(rel, _why(exc))
        return
    if ext in FEED_EXT:
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


def _read_jsonl(fh, rel: str, f: Path, mtime: str | None, meta: dict[str, dict]) -> Iterator[RawDoc | SourceError]:
    """One article per line: id, text or html, optional url/published/outlet/title/crawl date."""
    for n, rec in _json_lines(fh, "line"):
        where = f"{rel}:{n}"
        if isinstance(rec, str):
            yield SourceError(where, rec)
            continue
        body, kind = (rec.get("html"), "html") if rec.get("html") else (rec.get("text"), "text")
        doc_id = str(rec.get("id") or rec.get("url") or where)
        if not isinstance(body, str):
            yield SourceError(doc_id, f"line {n}: no 'text' or 'html' string")
            continue
        merged = {**meta.get(doc_id, {}), **{k: v for k, v in rec.items() if v is not None}}
        yield _rawdoc(doc_id, body.encode("utf-8"), kind, str(f), merged, mtime, {"line": n})


def _read_feed(data: bytes, rel: str, f: Path, mtime: str | None, meta: dict[str, dict]) -> Iterator[RawDoc | SourceError]:
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
