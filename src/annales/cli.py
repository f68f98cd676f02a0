"""The `annales` command.

    annales ingest PATH... [--metadata F] [--db annales.db]    store documents, events and the timeline
    annales extract PATH... [--metadata F] -o OUT.jsonl        events without a store (the measurement interface)
    annales clean PATH... -o OUT.jsonl                         cleaned text and metadata per document
    annales dates PATH... -o OUT.jsonl                         temporal expressions per document
    annales events / timeline [--from --to --actor --country --type]   query the store
    annales export --format F -o OUT                           jsonl, csv, parquet, plover, gdelt, timelinejs, graphml, gexf
    annales actors import FILE / actors show NAME / actors stats   extend and inspect the knowledge base
    annales review list|reject|confirm|edit|merge|split|log    an analyst's corrections, kept across re-fusion
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

from . import __version__, memory
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
        yield from read_paths(present, args.metadata, getattr(args, "reference_from_mtime", False))


def _json_line(fh, obj: dict) -> None:
    fh.write(json.dumps(obj, ensure_ascii=False) + "\n")


class Tally:
    """Counts outcomes and remembers failures for the end-of-run summary."""

    SHOWN_WARNINGS = 50                  # beyond this, a count (every warning is stored with its document)

    def __init__(self):
        self.counts: dict[str, int] = {}
        self.events = 0
        self.problems: list[str] = []
        self.warnings: list[str] = []
        self.more_warnings = 0

    def add(self, outcome) -> None:
        self.counts[outcome.status] = self.counts.get(outcome.status, 0) + 1
        self.events += len(outcome.records)
        if outcome.status in ("failed", "unsupported", "ignored"):
            self.problems.append(outcome.line())
        doc = getattr(outcome, "document", None)
        for w in (doc.warnings if doc is not None else ()):
            if len(self.warnings) < self.SHOWN_WARNINGS:
                self.warnings.append(f"warning: {outcome.id} — {w}")
            else:
                self.more_warnings += 1

    def summary(self, verb: str) -> str:
        parts = [f"{n} {status}" for status, n in sorted(self.counts.items())]
        return f"{verb}: {', '.join(parts) or 'nothing'}; {self.events} events"

    def nothing_processed(self) -> bool:
        return not any(n for s, n in self.counts.items() if s not in ("failed", "ignored"))

    def report(self, verb: str) -> int:
        for line in self.warnings:
            _err(line)
        if self.more_warnings:
            _err(f"… and {self.more_warnings} more warnings (stored with their documents)")
        for line in self.problems:
            _err(line)
        _err(self.summary(verb))
        return 1 if self.nothing_processed() else 0


def _run_with_progress(items: Iterable, args, fn=None, desc="documents") -> Iterator:
    from . import pipeline

    bar = _progress(None, desc, args.quiet)
    events = 0
    if getattr(args, "engine", "local") == "ray":
        from . import distributed
        outcomes = distributed.run(items, workers=args.workers, address=args.address, fn=fn,
                                   shards=args.shards, quiet=args.quiet,
                                   min_confidence=getattr(args, "min_confidence", None),
                                   max_memory=args.max_doc_memory)
    else:
        outcomes = pipeline.run(items, workers=args.workers, fn=fn or pipeline.process,
                                max_memory=args.max_doc_memory)
    try:
        for out in outcomes:
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


def _confident(out, args):
    """The outcome with its records below --min-confidence left out."""
    from .extract import confident

    out.records = confident(out.records, args.min_confidence)
    return out


def _confident_all(outcomes, args):
    """Every outcome through _confident; closing it closes the stream below (worker processes)."""
    try:
        for out in outcomes:
            yield _confident(out, args)
    finally:
        if hasattr(outcomes, "close"):
            outcomes.close()


def cmd_extract(args) -> int:
    return _write_jsonl(args, "extract", lambda out: (rec.to_dict() for rec in _confident(out, args).records))


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
    with _ray_session(args):
        return _ingest(args)


@contextmanager
def _ray_session(args):
    """With --engine ray, one Ray session for the whole command (extraction, then fusion)."""
    if getattr(args, "engine", "local") != "ray":
        yield
        return
    from . import distributed
    with distributed.cluster(args.workers, args.address, args.quiet):
        yield


def _refuse_on_ray(store, args) -> None:
    from .fuse import partitioned

    partitioned.refuse_all(store, engine="ray", workers=args.workers, address=args.address, quiet=args.quiet)


def _ingest(args) -> int:
    from . import ingest

    store = _writable_store(args.db)
    before = _review_states(store)
    tally = Tally()
    ray = args.engine == "ray"
    pending = len(store.unfused_docs())
    if pending:
        _err(f"finishing an earlier ingest: fusing {pending} stored documents " + ("with the new ones" if ray else "first"))
    # the Ray engine fuses the whole store once, by phases (fuse.partitioned), after storing
    report = ingest.ingest(store, _confident_all(_run_with_progress(ingest.fresh(store, _read(args)), args), args),
                           on_outcome=tally.add, defer_fusion=ray)
    if ray and store.unfused_docs():
        _refuse_on_ray(store, args)
    counts = store.counts()
    _report_reviews(store, before)
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
            "event_type": args.type, "modality": args.modality, "source": args.source,
            "min_confidence": args.min_confidence, "original": args.original or None}


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
        lang = getattr(args, "lang", None) or "en"
        for ev in events:           # with the event in words, as the timeline tells it
            _json_line(sys.stdout, dict(ev, description=export.event_words(ev, lang, with_modality=True)))
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

    if args.top is None:
        return _print_events(args, lambda events: export.chronology(events, args.lang or "en"))
    if args.top < 1:
        raise SystemExit("annales: --top needs a positive number of days")
    from .fuse.days import top_days

    days = [d.to_dict() for d in top_days(_open_store(args), args.top, args.lang, _filters(args))]
    if args.format == "jsonl":
        for d in days:
            _json_line(sys.stdout, d)
    else:
        print(export.days_text(days, args.lang or (days[0]["language"] if days else "en")))
    return 0


def cmd_export(args) -> int:
    from . import export

    store = _open_store(args)
    n = export.export(store, args.format, args.output, what=args.what, filters=_filters(args))
    _err(f"exported {n} {args.what} as {args.format} to {args.output}")
    return 0


def cmd_fuse(args) -> int:
    from . import fuse

    store = _writable_store(args.db)
    before = _review_states(store)
    if args.engine == "ray":
        with _ray_session(args):
            _refuse_on_ray(store, args)
    else:
        fuse.refuse_all(store)
    _err(f"re-fused: {store.counts()['fused_events']} timeline events")
    _report_reviews(store, before)
    return 0


def _review_states(store) -> dict[int, str]:
    return {r["id"]: r["status"] for r in store.db.execute("SELECT id, status FROM reviews")}


def _report_reviews(store, before: dict[int, str]) -> None:
    """Say which reviews stopped applying (or apply again) after new articles or a re-fusion."""
    from . import review

    rows = review.log(store.db)
    lost = [r for r in rows if r["status"] == "orphaned" and before.get(r["id"]) != "orphaned"]
    back = [r for r in rows if r["status"] == "applied" and before.get(r["id"]) == "orphaned"]
    for r in lost:
        _err(f"review no longer applies: {review.describe(r)}")
    for r in back:
        _err(f"review applies again: {review.describe(r)}")
    if rows:
        held = sum(r["status"] == "applied" for r in rows)
        _err(f"reviews: {held} of {len(rows)} apply (`annales review log` lists them)")


def cmd_review(args) -> int:
    from . import review

    if args.action in ("list", "log"):
        store = _open_store(args)
        if args.action == "log":
            rows = review.log(store.db, args.event)
            for r in rows:
                print(review.describe(r))
            if not rows:
                _err("no reviews yet")
            return 0
        return _list_reviewed(store)
    store = _writable_store(args.db)
    try:
        if args.action == "edit":
            fields = review.edit_fields(args.type, args.actor, args.recipient, args.date, args.place,
                                        args.place_country, args.modality)
        else:
            fields = None
        r = review.add(store, args.action, args.event, who=args.who, note=args.note, fields=fields,
                       other=getattr(args, "other", None), mentions=getattr(args, "mentions", None))
    except review.ReviewError as exc:
        raise SystemExit(f"annales review {args.action}: {exc}")
    print(review.describe(r))
    return 0 if r["status"] == "applied" else 1


def _list_reviewed(store) -> int:
    """The timeline events an analyst reviewed, as they stand now."""
    from . import export

    rows = store.db.execute("SELECT id, review, record FROM fused_events WHERE review IS NOT NULL "
                            "ORDER BY COALESCE(date_earliest, date_value, '9999'), id").fetchall()
    for fid, state, record in rows:
        ev = json.loads(record)
        reviews = ", ".join(f"#{i}" for i in (ev.get("review") or {}).get("reviews") or [])
        print(f"{fid}  {state:<9}  {export.date_words(ev.get('date')):<17}  {export.event_words(ev)}  [{reviews}]")
    if not rows:
        _err("no reviewed events")
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

    if args.action != "stats" and not args.target:
        raise SystemExit(f"annales: actors {args.action} needs a {'name' if args.action == 'show' else 'file or folder'}")
    if args.action == "import":
        n, path = importers.import_file(args.target, args.kb)
        _err(f"imported {n} actors into {path}")
    elif args.action == "pack":
        n, path = importers.build_pack(args.target, args.kb)
        _err(f"wrote {n} actors into {path}")
    elif args.action == "stats":
        print(importers.stats())
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
    p.add_argument("--reference-from-mtime", action="store_true",
                   help="a document without crawl date takes its file's modification day as reference date "
                        "for year inference (default: no reference date)")
    p.add_argument("--workers", type=int, default=1, metavar="N",
                   help="worker processes, or Ray actors with --engine ray (default 1; each loads the "
                        "language models once)")
    p.add_argument("--max-doc-memory", type=float, metavar="MB", default=None,
                   help="memory one document may add to its process; beyond it the document fails "
                        "alone ('memory budget of MB MB exceeded') and the batch goes on (default "
                        f"${memory.ENV} or {memory.DEFAULT_MB:g}; 0: no cap)")
    p.add_argument("--engine", choices=("local", "ray"), default="local",
                   help="local: this machine's processes (default); ray: Ray Data over an actor pool "
                        "(pip install 'annales[ray]'), a local Ray unless --address is given")
    p.add_argument("--address", metavar="ADDR",
                   help="with --engine ray: join the Ray cluster at ADDR (e.g. ray://head:10001 or auto)")
    p.add_argument("--shards", metavar="DIR",
                   help="with --engine ray: keep the per-document Parquet output shards in DIR")
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
    p.add_argument("--min-confidence", type=float, metavar="X",
                   help="only events whose confidence is at least X (default: every stored event)")
    p.add_argument("--original", action="store_true",
                   help="the machine's timeline as fusion made it, before the analyst's reviews")


def _min_confidence_arg(p: argparse.ArgumentParser) -> None:
    from .extract import MIN_CONFIDENCE

    p.add_argument("--min-confidence", type=float, default=MIN_CONFIDENCE, metavar="X",
                   help=f"keep events whose confidence is at least X (default {MIN_CONFIDENCE}; "
                        "0 also gives the doubtful ones)")


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
                                   "yet fused are fused first. With --engine ray the whole store is "
                                   "re-fused once at the end, by phases on Ray (fuse.partitioned).")
    _input_args(p)
    p.add_argument("--db", default=DEFAULT_DB, help=f"SQLite database (created if missing; default {DEFAULT_DB})")
    _min_confidence_arg(p)
    p.set_defaults(func=cmd_ingest)

    for name, text, func in (
            ("extract", "extract event records (EVENTS.md JSONL) without a store", cmd_extract),
            ("clean", "cleaned text, title, date, outlet and language of each document", cmd_clean),
            ("dates", "temporal expressions of each document, normalised", cmd_dates)):
        p = sub.add_parser(name, help=text)
        _input_args(p)
        p.add_argument("-o", "--output", default="-", help="output JSONL (default: standard output)")
        if name == "extract":
            _min_confidence_arg(p)
        p.set_defaults(func=func)

    p = sub.add_parser("events", help="timeline events in the store, filtered")
    _filter_args(p)
    p.add_argument("--format", choices=("table", "jsonl", "csv"), default="table")
    p.set_defaults(func=cmd_events)

    p = sub.add_parser("timeline", help="a readable chronology of the stored events")
    _filter_args(p)
    p.add_argument("--format", choices=("text", "jsonl"), default="text",
                   help="text, or JSON Lines (with --top: one day per line, date, summary, events, sources)")
    p.add_argument("--top", type=int, metavar="K",
                   help="the K most important days, best first, each with a summary and its events")
    p.add_argument("--lang", choices=("en", "fr"),
                   help="language of the generated wording (default: English; with --top, the corpus' language)")
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
    p.add_argument("--engine", choices=("local", "ray"), default="local",
                   help="local: in this process (default); ray: by phases on Ray Data (fuse.partitioned), "
                        "no process holding every mention")
    p.add_argument("--workers", type=int, default=1, metavar="N", help="with --engine ray: CPUs for the phases")
    p.add_argument("--address", metavar="ADDR", help="with --engine ray: join the Ray cluster at ADDR")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bars")
    p.set_defaults(func=cmd_fuse)

    _review_parser(sub)

    p = sub.add_parser("actors", help="import actor dictionaries, show an actor's role history, KB statistics")
    p.add_argument("action", choices=("import", "show", "stats", "pack"))
    p.add_argument("target", nargs="?", default=None,
                   help="a PETRARCH dictionary or Wikidata JSON file (import), a name (show), or the folder "
                        "of the PETRARCH2/Phoenix dictionaries (pack: rebuilds the shipped lower-priority pack)")
    p.add_argument("--kb", metavar="DIR", help="knowledge-base folder to import into (default ~/.annales/actors; "
                                                "for pack: resources/actors/packs)")
    p.set_defaults(func=cmd_actors)

    p = sub.add_parser("serve", help="the web UI and JSON API over a database")
    p.add_argument("--db", default=DEFAULT_DB)
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    p.add_argument("--allow-host", action="append", metavar="NAME",
                   help="another host name clients use to reach the server (requests naming any other "
                        "host are refused, against DNS rebinding); repeatable")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--writable", "--write", dest="writable", action="store_true",
                   help="allow uploads and reviews (the event page's edit, reject and merge controls), on this "
                        "machine only, with the token printed at start (read-only by default)")
    p.set_defaults(func=cmd_serve)
    return parser


REVIEW_HELP = """Corrections an analyst makes to the timeline. They are stored as reviews, beside
what the machine extracted and fused, and applied again after every ingest and every
`annales fuse`: a review follows the mentions it was made on, so it holds when ids change.
A review whose mentions all vanished (the articles changed) is kept and reported as no
longer applying. `--original` on events, timeline and export shows the machine's timeline.

examples:
  annales review reject f-1a2b3c --note "a rumour, not a visit"
  annales review edit f-4d5e6f --date 2023-07-26 --actor "Sergei Shoigu"
  annales review edit f-4d5e6f --type CONSULT --place Pyongyang --place-country PRK
  annales review merge f-4d5e6f f-7a8b9c
  annales review split f-4d5e6f e-0123abcd4567
  annales review log"""


def _review_parser(sub) -> None:
    p = sub.add_parser("review", help="reject, confirm, edit, merge or split timeline events; list and log reviews",
                       description=REVIEW_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    acts = p.add_subparsers(dest="action", required=True, metavar="ACTION")

    def common(q, event=True):
        q.add_argument("--db", default=DEFAULT_DB, help=f"SQLite database (default {DEFAULT_DB})")
        if event:
            q.add_argument("event", metavar="EVENT", help="timeline event id (as `annales events --format jsonl` "
                                                          "or the web UI show it; old ids are followed)")
            q.add_argument("--who", help="who makes the review (default: the user name)")
            q.add_argument("--note", help="why, in a few words (shown by `annales review log`)")
        q.set_defaults(func=cmd_review)

    q = acts.add_parser("list", help="the reviewed events as they stand now")
    common(q, event=False)
    q = acts.add_parser("log", help="every review, oldest first, and whether it still applies")
    common(q, event=False)
    q.add_argument("--event", help="only the reviews of this timeline event")
    common(acts.add_parser("reject", help="take an event out of the timeline (it was wrongly extracted)"))
    common(acts.add_parser("confirm", help="mark an event as checked and right"))
    q = acts.add_parser("edit", help="correct an event's type, actors, date, place or modality")
    common(q)
    q.add_argument("--type", metavar="EVENT", help="PLOVER event type, e.g. CONSULT")
    q.add_argument("--actor", action="append", metavar="NAME",
                   help="the actor (repeat for several; replaces them all). A knowledge-base name is linked "
                        "(role as held on the event's date); 'Name (ISO3)' gives an unknown one a country")
    q.add_argument("--recipient", action="append", metavar="NAME", help="the recipient, as --actor")
    q.add_argument("--date", help="YYYY-MM-DD, YYYY-MM, YYYY or a range A..B")
    q.add_argument("--place", help="where it happened, e.g. Pyongyang")
    q.add_argument("--place-country", metavar="ISO3", help="the place's country, e.g. PRK")
    q.add_argument("--modality", help="asserted, alleged, denied, planned, possible, hypothetical or negated")
    q = acts.add_parser("merge", help="make two timeline events one (the first keeps its id)")
    common(q)
    q.add_argument("other", metavar="OTHER", help="the event to merge into EVENT")
    q = acts.add_parser("split", help="take some mentions out of an event into an event of their own")
    common(q)
    q.add_argument("mentions", nargs="+", metavar="MENTION",
                   help="mention ids of the event (see `annales events --format jsonl`: its `mentions`)")


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if getattr(args, "workers", 1) < 1:
        raise SystemExit("annales: --workers must be at least 1")
    if hasattr(args, "max_doc_memory"):
        if args.max_doc_memory is None:
            args.max_doc_memory = memory.default_mb()
        elif args.max_doc_memory < 0:
            raise SystemExit("annales: --max-doc-memory must be 0 (no cap) or more")
    if getattr(args, "engine", "local") != "ray" and (getattr(args, "address", None) or getattr(args, "shards", None)):
        raise SystemExit("annales: --address and --shards go with --engine ray")
    if getattr(args, "engine", "local") == "ray":
        from . import distributed
        distributed.require()
    try:
        return args.func(args) or 0
    except KeyboardInterrupt:
        _err("interrupted")
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
