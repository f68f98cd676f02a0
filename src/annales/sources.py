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
import os
import re
from pathlib import Path
from typing import Iterable, Iterator

from .model import RawDoc, SourceError

TEXT_EXT = {".txt", ".text"}
HTML_EXT = {".html", ".htm", ".xhtml"}
JSONL_EXT = {".jsonl", ".ndjson"}
FEED_EXT = {".xml", ".rss", ".atom"}
PARQUET_EXT = {".parquet", ".pq"}
KNOWN_EXT = TEXT_EXT | HTML_EXT | JSONL_EXT | FEED_EXT | PARQUET_EXT
PARQUET_BATCH = 1024                 # rows read at a time: a file of millions of articles streams
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
    seen: dict[str, str] = {}
    for p in paths:
        path = Path(p)
        if "://" in str(p) and Path(str(p).split("?")[0]).suffix.lower() in PARQUET_EXT:
            yield from _once(_read_parquet(str(p), str(p), None, meta), seen, str(p))
            continue
        if path.is_dir():
            found = _walk(path, meta_file)
            for f, why in found:
                rel = printable(f.relative_to(path).as_posix())
                if why:
                    yield SourceError(rel, why, status="ignored")
                else:
                    yield from _once(_read_file(f, rel, meta, reference_from_mtime), seen, rel)
        elif path.exists():
            rel = printable(path.name)
            yield from _once(_read_file(path, rel, meta, reference_from_mtime, explicit=True), seen, rel)
        elif path.is_symlink():
            yield SourceError(printable(str(p)), "broken symbolic link (its target does not exist)")
        else:
            yield SourceError(printable(str(p)), "no such file or directory")


def printable(name: str) -> str:
    """A file name as text: bytes that are not UTF-8 (kept by Python as lone surrogates, which
    no terminal, JSON file or database accepts) become U+FFFD."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _once(items: Iterable[RawDoc | SourceError], seen: dict[str, str], where: str) -> Iterator[RawDoc | SourceError]:
    """Documents whose id was already read in this batch are reported, not read twice: the
    first one is kept (a later one would silently replace it and inflate the counts)."""
    for item in items:
        if isinstance(item, RawDoc):
            line = item.meta.get("line")
            here = f"{where}:{line}" if line else where
            if item.id in seen:
                yield SourceError(item.id, f"duplicate id: {here} has the id of {seen[item.id]}, which is kept")
                continue
            seen[item.id] = here
        yield item


def _walk(folder: Path, meta_file: Path | None) -> list[tuple[Path, str | None]]:
    """Files under `folder`, sorted, each with None (read it) or why it is not read. Hidden
    files and folders and metadata files are left out without a word; every other path that is
    not read says why (unknown extension, broken link, unreadable folder)."""
    out: list[tuple[Path, str | None]] = []

    def unreadable(exc: OSError) -> None:
        out.append((Path(exc.filename), f"folder not read: {_why(exc)}"))

    for root, dirs, files in os.walk(folder, onerror=unreadable):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        base = Path(root)
        for d in dirs:
            if (base / d).is_symlink():
                out.append((base / d, "symbolic link to a folder: not followed"))
        for name in files:
            f = base / name
            if name.startswith(".") or name == METADATA_NAME:
                continue
            if meta_file is not None and f.resolve() == meta_file:
                continue
            if f.is_symlink() and not f.exists():
                out.append((f, "broken symbolic link (its target does not exist)"))
            elif f.suffix.lower() not in KNOWN_EXT:
                out.append((f, f"not read: unknown extension {f.suffix or '(none)'!r} "
                               f"(known: {', '.join(sorted(KNOWN_EXT))})"))
            elif not f.is_file():
                out.append((f, "not a regular file"))
            else:
                out.append((f, None))
    return sorted(out, key=lambda x: x[0].parts)


def _read_file(f: Path, rel: str, meta: dict[str, dict], from_mtime: bool = False,
               explicit: bool = False) -> Iterator[RawDoc | SourceError]:
    ext = f.suffix.lower()
    if ext in PARQUET_EXT:
        yield from _read_parquet(str(f), rel, _mtime(f) if from_mtime else None, meta)
        return
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
    meta = dict(extra or {})
    problems: list[str] = []
    rec = _typed(rec, problems)
    crawl = next((rec[k] for k in CRAWL_KEYS if rec.get(k)), None)
    ref = _iso_day(crawl) if crawl else None
    meta["reference_source"] = "crawl" if ref else ("mtime" if mtime else None)
    if problems:
        meta["warnings"] = problems
    return RawDoc(id=doc_id, data=data, kind=kind, path=printable(path), url=rec.get("url") or None,
                  published=_as_str(rec.get("published")), outlet=rec.get("outlet") or None,
                  title=rec.get("title") or None, reference_date=ref or mtime, meta=meta)


TEXT_FIELDS = ("url", "outlet", "title", "published") + CRAWL_KEYS


def _typed(rec: dict, problems: list[str]) -> dict:
    """The record without metadata fields of the wrong type, each named in `problems`: a title
    given as a number or a list must not crash cleaning nor cost the document. A year given as
    a number (2024) is read as text."""
    out = dict(rec)
    for k in TEXT_FIELDS:
        v = out.get(k)
        if v is None or isinstance(v, str):
            continue
        if k in ("published",) + CRAWL_KEYS and isinstance(v, int) and not isinstance(v, bool) and 1000 <= v <= 9999:
            out[k] = str(v)
            continue
        problems.append(f"metadata field {k!r} ignored: expected text, got {type(v).__name__} {_short(v)}")
        out[k] = None
    return out


def _short(v) -> str:
    text = json.dumps(v, ensure_ascii=False, default=str)
    return text if len(text) <= 40 else text[:37] + "..."


def _read_jsonl(fh, rel: str, f: Path, mtime: str | None, meta: dict[str, dict]) -> Iterator[RawDoc | SourceError]:
    """One article per line: id, text or html, optional url/published/outlet/title/crawl date."""
    for n, rec in _json_lines(fh, "line"):
        where = f"{rel}:{n}"
        if isinstance(rec, str):
            yield SourceError(where, rec)
            continue
        yield _record(rec, where, f"line {n}", str(f), mtime, meta, {"line": n})


def _record(rec: dict, where: str, what: str, path: str, mtime: str | None, meta: dict[str, dict],
            extra: dict) -> RawDoc | SourceError:
    """One article given as a record (a JSONL line, a Parquet row): id, text or html, and
    optional url/published/outlet/title/crawl date."""
    body, kind = (rec.get("html"), "html") if rec.get("html") else (rec.get("text"), "text")
    doc_id = str(rec.get("id") or rec.get("url") or where)
    if not isinstance(body, str):
        return SourceError(doc_id, f"{what}: no 'text' or 'html' string")
    data = body.encode("utf-8")
    if len(data) > MAX_LINE_BYTES:      # a Parquet row has no line limit before this one
        return SourceError(doc_id, f"{what}: {kind} is {_mb(len(data))}, above the limit of "
                                   f"{_mb(MAX_LINE_BYTES)} for one document: skipped")
    merged = {**meta.get(doc_id, {}), **{k: v for k, v in rec.items() if v is not None}}
    return _rawdoc(doc_id, data, kind, path, merged, mtime, extra)


def _read_parquet(source: str, rel: str, mtime: str | None, meta: dict[str, dict]) -> Iterator[RawDoc | SourceError]:
    """One article per row, the columns of a JSONL line; `source` is a local path or any URI
    pyarrow reads (s3://, gs://, hdfs://…). Rows are read a batch at a time."""
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(source) if "://" not in source else _remote_parquet(source)
        n = 0
        for batch in pf.iter_batches(batch_size=PARQUET_BATCH):
            for rec in batch.to_pylist():
                n += 1
                yield _record(rec, f"{rel}#{n}", f"row {n}", source, mtime, meta, {"row": n})
    except (OSError, ValueError) as exc:       # pyarrow's ArrowInvalid is a ValueError
        yield SourceError(rel, f"Parquet file not read: {exc}")


def _remote_parquet(uri: str):
    import pyarrow.fs as pafs
    import pyarrow.parquet as pq

    fs, path = pafs.FileSystem.from_uri(uri)
    return pq.ParquetFile(fs.open_input_file(path))


def _mtime(f: Path) -> str | None:
    try:
        return dt.datetime.fromtimestamp(f.stat().st_mtime, dt.timezone.utc).date().isoformat()
    except OSError:
        return None


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
        day, bad = _entry_day(entry)
        rec = {"url": entry.get("link"), "title": entry.get("title"), "outlet": outlet, "published": day}
        rec = {**{k: v for k, v in rec.items() if v}, **meta.get(doc_id, {})}
        doc = _rawdoc(doc_id, body.encode("utf-8"), kind, str(f), rec, mtime, {"feed_entry": n})
        if bad:
            doc.meta.setdefault("warnings", []).append(f"unreadable feed date ignored: {_short(bad)}")
        yield doc


def _entry_day(entry) -> tuple[str | None, str | None]:
    """(ISO day, None) from the entry's published/updated date; (None, the raw value) when that
    value is not a real date. feedparser rolls "2023-13-45" over into a valid-looking day of the
    next year, which would then beat the article's own date, so a written ISO day is checked
    (and kept as written: the outlet's own day, not UTC's)."""
    bad = None
    for key in ("published", "updated"):
        # plain dict reads: feedparser's own get() maps 'updated' to 'published' with a warning
        raw, stamp = dict.get(entry, key) or "", dict.get(entry, f"{key}_parsed")
        iso = _ISO_DAY.search(raw)
        if iso is not None:
            y, m, d = (int(x) for x in iso.groups())
            if _valid(y, m, d):
                return f"{y:04d}-{m:02d}-{d:02d}", None
        elif stamp is not None:
            return _struct_day(stamp), None
        bad = bad or raw or None
    return None, bad


_ISO_DAY = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")


def _valid(y: int, m: int, d: int) -> bool:
    try:
        dt.date(y, m, d)
        return True
    except ValueError:
        return False


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
