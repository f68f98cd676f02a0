"""The `annales` command.

    annales ingest PATH... [--metadata F] [--db annales.db]    store documents, events and the timeline
    annales extract PATH... [--metadata F] -o OUT.jsonl        events without a store (the measurement interface)
    annales clean PATH... -o OUT.jsonl                         cleaned text and metadata per document
    annales dates PATH... -o OUT.jsonl                         temporal expressions per document
    annales events / timeline [--from --to --actor --country --type]   query the store
    annales export --format F -o OUT                           jsonl, csv, parquet, plover, gdelt, timelinejs, graphml, gexf
    annales actors import FILE / actors show NAME              extend and inspect the knowledge base
    annales serve [--db annales.db]                            the web UI and JSON API
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import sqlite3
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator

from . import __version__
from .model import RawDoc, SourceError

DEFAULT_DB = "annales.db"


# -- helpers -----------------------------------------------------------------

def _err(msg: str) -> None:
    print(msg, file=sys.stderr)


@contextmanager
def _output(path: str | None):
    """A text stream for -o PATH ('-' or nothing: standard output)."""
    if not path or path == "-":
        yield sys.stdout
        sys.stdout.flush()
        return
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        yield fh


def _progress(total: int | None, desc: str, quiet: bool):
    from tqdm import tqdm

    # disable=None: a bar on a terminal, silence when stderr is a pipe or a file
    return tqdm(total=total, desc=desc, unit="doc", disable=True if quiet else None, file=sys.stderr,
                dynamic_ncols=True)


def _read(args) -> Iterator[RawDoc | SourceError]:
    from .sources import read_paths

    missing = [p for p in args.paths if not Path(p).exists()]
    for p in missing:
        yield SourceError(p, "no such file or folder")
    present = [p for p in args.paths if p not in missing]
    if present:
        yield from read_paths(present, args.metadata)


def _json_line(fh, obj: dict) -> None:
    fh.write(json.dumps(obj, ensure_ascii=False) + "\n")


class Tally:
    """Counts outcomes and remembers failures for the end-of-run summary."""

    def __init__(self):
        self.counts: dict[str, int] = {}
        self.events = 0
        self.problems: list[str] = []

    def add(self, outcome) -> None:
        self.counts[outcome.status] = self.counts.get(outcome.status, 0) + 1
        self.events += len(outcome.records)
        if outcome.status in ("failed", "unsupported"):
            self.problems.append(outcome.line())

    def summary(self, verb: str) -> str:
        parts = [f"{n} {status}" for status, n in sorted(self.counts.items())]
        return f"{verb}: {', '.join(parts) or 'nothing'}; {self.events} events"

    def nothing_processed(self) -> bool:
        return not any(n for s, n in self.counts.items() if s != "failed")

    def report(self, verb: str) -> int:
        for line in self.problems:
            _err(line)
        _err(self.summary(verb))
        return 1 if self.nothing_processed() else 0


def _run_with_progress(items: Iterable, args, fn=None, desc="documents") -> Iterator:
    from . import pipeline

    bar = _progress(None, desc, args.quiet)
    events = 0
    try:
        for out in pipeline.run(items, workers=args.workers, fn=fn or pipeline.process):
            events += len(out.records)
            bar.update(1)
            bar.set_postfix(events=events, refresh=False)
            yield out
    finally:
        bar.close()


# -- commands ------------------------------------------------------------------

def _write_jsonl(args, verb: str, lines_of, fn=None) -> int:
    """Run the pipeline (or `fn`) over the inputs, writing the dicts `lines_of(outcome)` gives as JSONL."""
    tally = Tally()
    with _output(args.output) as fh:
        for out in _run_with_progress(_read(args), args, fn=fn):
            tally.add(out)
            for obj in lines_of(out):
                _json_line(fh, obj)
    return tally.report(verb)


def cmd_extract(args) -> int:
    return _write_jsonl(args, "extract", lambda out: (rec.to_dict() for rec in out.records))


def cmd_clean(args) -> int:
    from . import pipeline

    return _write_jsonl(args, "clean", lambda out: [out.document.to_dict()] if out.document else [],
                        fn=pipeline.clean_only)


def cmd_dates(args) -> int:
    """Temporal expressions of each document; offsets into the text as given for .txt input."""
    from . import pipeline, timex

    def expressions(out):
        doc = out.document
        if doc is None:
            return
        text = doc.raw if doc.kind == "text" else doc.text
        for t in timex.tag(text, doc.language or "fr", doc.published):
            yield {"doc": doc.id, "start": t.start, "end": t.end, "text": t.text, "value": t.value,
                   "precision": t.precision, "earliest": t.earliest, "latest": t.latest}

    return _write_jsonl(args, "dates", expressions, fn=pipeline.clean_only)


def cmd_ingest(args) -> int:
    from . import ingest

    store = _writable_store(args.db)
    tally = Tally()
    pending = len(store.unfused_docs())
    if pending:
        _err(f"finishing an earlier ingest: fusing {pending} stored documents first")
    report = ingest.ingest(store, _run_with_progress(ingest.fresh(store, _read(args)), args), on_outcome=tally.add)
    counts = store.counts()
    store.close()
    code = tally.report("ingest")
    _err(f"store {args.db}: {counts['documents']} documents, {counts['mentions']} mentions, "
         f"{counts['fused_events']} timeline events")
    if report.interrupted:
        _err(f"interrupted: {report.stored} documents stored and fused; run the same command again to "
             "resume (stored documents are skipped)")
        return 130
    if not report.stored and tally.counts.get("skipped"):
        _err("nothing new: every document was already stored")
    return code


def _writable_store(path: str):
    from .store import Store

    try:
        return Store(path)
    except sqlite3.DatabaseError as exc:
        raise SystemExit(f"annales: {path} is not an Annales database ({exc})")


def _filters(args) -> dict:
    return {"date_from": args.date_from, "date_to": args.date_to, "actor": args.actor, "country": args.country,
            "event_type": args.type, "modality": args.modality, "source": args.source}


def _open_store(args):
    """The store, read-only, after finishing what an interrupted ingest left unfused (when the
    file can be written; else a warning says the timeline is incomplete)."""
    from . import ingest
    from .store import Store

    if not Path(args.db).exists():
        raise SystemExit(f"annales: no database at {args.db} (run `annales ingest` first)")
    try:
        store = Store(args.db, readonly=True)
        pending = len(store.unfused_docs())
    except sqlite3.DatabaseError as exc:
        raise SystemExit(f"annales: {args.db} is not an Annales database ({exc})")
    if pending:
        if os.access(args.db, os.W_OK):
            _err(f"finishing an earlier ingest: fusing {pending} stored documents")
            store.close()
            with Store(args.db) as rw:
                ingest.heal(rw)
            store = Store(args.db, readonly=True)
        else:
            _err(f"warning: {pending} stored documents are not in the timeline yet "
                 f"(run `annales fuse --db {args.db}` with write access)")
    return store


def _print_events(args, render) -> int:
    """Query the store with the filters and print the events as JSONL, CSV or `render(events)`."""
    from . import export

    events = _open_store(args).fused_events(**_filters(args), limit=args.limit)
    if args.format == "jsonl":
        for ev in events:
            _json_line(sys.stdout, ev)
    elif args.format == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(export.CSV_COLUMNS)
        writer.writerows(export.csv_row(ev) for ev in events)
    else:
        print(render(events))
    return 0


def cmd_events(args) -> int:
    from . import export

    return _print_events(args, export.table)


def cmd_timeline(args) -> int:
    from . import export

    return _print_events(args, export.chronology)


def cmd_export(args) -> int:
    from . import export

    store = _open_store(args)
    n = export.export(store, args.format, args.output, what=args.what, filters=_filters(args))
    _err(f"exported {n} {args.what} as {args.format} to {args.output}")
    return 0


def cmd_fuse(args) -> int:
    from . import fuse

    store = _writable_store(args.db)
    fuse.refuse_all(store)
    _err(f"re-fused: {store.counts()['fused_events']} timeline events")
    return 0


def cmd_check(args) -> int:
    from . import check

    if not Path(args.db).exists():
        raise SystemExit(f"annales: no database at {args.db}")
    store = _writable_store(args.db) if args.repair else _open_raw(args.db)
    problems = check.check(store)
    for p in problems:
        _err(p.line())
    if not problems:
        _err(f"{args.db}: no problem found")
        return 0
    if not args.repair:
        _err(f"{len(problems)} problems; `annales check --db {args.db} --repair` mends them")
        return 1
    for line in check.repair(store, problems):
        _err(f"repaired: {line}")
    left = check.check(store)
    for p in left:
        _err(f"still: {p.line()}")
    return 1 if left else 0


def _open_raw(path: str):
    """Read-only, as it is: `check` must see what an interrupted run left, not heal it."""
    from .store import Store

    try:
        return Store(path, readonly=True)
    except sqlite3.DatabaseError as exc:
        raise SystemExit(f"annales: {path} is not an Annales database ({exc})")


def cmd_actors(args) -> int:
    from .actors import importers

    if args.action == "import":
        n, path = importers.import_file(args.target, args.kb)
        _err(f"imported {n} actors into {path}")
    else:
        print(importers.show(args.target))
    return 0


def cmd_serve(args) -> int:
    import uvicorn

    from .web.app import create_app
    from .web.guard import LOCAL_HOSTS

    bound = () if args.host in ("0.0.0.0", "::") else (args.host,)
    hosts = tuple(dict.fromkeys((*bound, *LOCAL_HOSTS, *(args.allow_host or ()))))
    if args.writable and (args.host not in LOCAL_HOSTS or args.allow_host):
        raise SystemExit("annales: --writable serves only on this machine (--host 127.0.0.1, localhost or ::1)")
    app = create_app(args.db, writable=args.writable, hosts=hosts)
    print(f"Annales on http://{args.host}:{args.port}/  (database {args.db}; Ctrl-C to stop)", file=sys.stderr)
    if args.writable:
        print(f"writes need the header X-Annales-Token: {app.state.guard.token}", file=sys.stderr)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0


# -- parser ----------------------------------------------------------------------

def _input_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", metavar="PATH",
                   help="files or folders (.txt, .html, .jsonl, RSS/Atom feeds); folders are read recursively")
    p.add_argument("--metadata", metavar="FILE",
                   help="JSONL keyed by `file` or `id` giving published, outlet, url, title (as a crawler records them)")
    p.add_argument("--workers", type=int, default=1, metavar="N",
                   help="worker processes (default 1; each loads the language models once)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")


def _filter_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", default=DEFAULT_DB, help=f"SQLite database (default {DEFAULT_DB})")
    p.add_argument("--from", dest="date_from", metavar="DATE", help="events on or after DATE (YYYY[-MM[-DD]])")
    p.add_argument("--to", dest="date_to", metavar="DATE", help="events on or before DATE")
    p.add_argument("--actor", help="actor id or part of a name (e.g. Shoigu)")
    p.add_argument("--country", metavar="ISO3", help="a participant's country (e.g. PRK)")
    p.add_argument("--type", metavar="EVENT", help="PLOVER event type (e.g. CONSULT)")
    p.add_argument("--modality", help="asserted, alleged, denied, planned, possible…")
    p.add_argument("--source", help="a document id or an outlet")
    p.add_argument("--limit", type=int, help="at most this many events")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="annales", description="Turn news articles into a sourced, dated chronology of political and "
        "military events.", formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Example: annales ingest examples/ --metadata examples/metadata.jsonl && annales timeline")
    parser.add_argument("--version", action="version", version=f"annales {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("ingest", help="read, clean, extract and store documents; update the timeline",
                       description="Reads, cleans and extracts the documents, stores each with its events "
                                   "and fuses them into the timeline every 100 documents. Interrupted (Ctrl-C "
                                   "stops after the current document; a second Ctrl-C at once) or killed, the "
                                   "same command again resumes: stored documents are skipped and those not "
                                   "yet fused are fused first.")
    _input_args(p)
    p.add_argument("--db", default=DEFAULT_DB, help=f"SQLite database (created if missing; default {DEFAULT_DB})")
    p.set_defaults(func=cmd_ingest)

    for name, text, func in (
            ("extract", "extract event records (EVENTS.md JSONL) without a store", cmd_extract),
            ("clean", "cleaned text, title, date, outlet and language of each document", cmd_clean),
            ("dates", "temporal expressions of each document, normalised", cmd_dates)):
        p = sub.add_parser(name, help=text)
        _input_args(p)
        p.add_argument("-o", "--output", default="-", help="output JSONL (default: standard output)")
        p.set_defaults(func=func)

    p = sub.add_parser("events", help="timeline events in the store, filtered")
    _filter_args(p)
    p.add_argument("--format", choices=("table", "jsonl", "csv"), default="table")
    p.set_defaults(func=cmd_events)

    p = sub.add_parser("timeline", help="a readable chronology of the stored events")
    _filter_args(p)
    p.add_argument("--format", choices=("text", "jsonl"), default="text")
    p.set_defaults(func=cmd_timeline)

    p = sub.add_parser("export", help="export events, mentions or the actor network")
    _filter_args(p)
    p.add_argument("--format", required=True,
                   choices=("jsonl", "csv", "parquet", "plover", "gdelt", "timelinejs", "graphml", "gexf"))
    p.add_argument("--what", choices=("events", "mentions"), default="events",
                   help="fused timeline events (default) or per-document mentions")
    p.add_argument("-o", "--output", required=True, help="output file")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("check", help="check the store's integrity (timeline, search index); --repair mends it",
                       description="Checks what SQLite's own check cannot: documents or mentions left out of "
                                   "the timeline (e.g. by an interrupted ingest), timeline events pointing at "
                                   "missing mentions or documents, and the search index out of step. Exit "
                                   "status 1 when a problem is found (and not repaired).")
    p.add_argument("--db", default=DEFAULT_DB, help=f"SQLite database (default {DEFAULT_DB})")
    p.add_argument("--repair", action="store_true", help="mend what is found (rebuild the index, re-fuse)")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("fuse", help="re-fuse every stored mention into timeline events")
    p.add_argument("--db", default=DEFAULT_DB)
    p.set_defaults(func=cmd_fuse)

    p = sub.add_parser("actors", help="import actor dictionaries or show an actor's role history")
    p.add_argument("action", choices=("import", "show"))
    p.add_argument("target", help="a PETRARCH dictionary or Wikidata JSON file (import), or a name (show)")
    p.add_argument("--kb", metavar="DIR", help="knowledge-base folder to import into (default ~/.annales/actors)")
    p.set_defaults(func=cmd_actors)

    p = sub.add_parser("serve", help="the web UI and JSON API over a database")
    p.add_argument("--db", default=DEFAULT_DB)
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    p.add_argument("--allow-host", action="append", metavar="NAME",
                   help="another host name clients use to reach the server (requests naming any other "
                        "host are refused, against DNS rebinding); repeatable")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--writable", action="store_true", help="allow uploads through the API, on this machine only, with the token printed at start "
                        "(read-only by default)")
    p.set_defaults(func=cmd_serve)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if getattr(args, "workers", 1) < 1:
        raise SystemExit("annales: --workers must be at least 1")
    try:
        return args.func(args) or 0
    except KeyboardInterrupt:
        _err("interrupted")
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
