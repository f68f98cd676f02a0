"""The embedded store: one SQLite file in WAL mode.

Documents keep their raw input unchanged beside the cleaned text, so cleaning
and extraction can be re-run without re-fetching. Mentions are the EVENTS.md
records of one document; fused events are the timeline. Each document is
written with its mentions in one transaction: a crash never leaves half a
document, and re-ingesting the same bytes adds nothing.
"""
from __future__ import annotations

import json
import sqlite3
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Iterator

from .model import Document, EventRecord, FusedEvent, event_from_dict

SCHEMA_VERSION = 5

# One list per version: a database at version N gets the statements of N+1… applied in order.
MIGRATIONS: dict[int, list[str]] = {
    1: [
        """CREATE TABLE documents (
            id TEXT PRIMARY KEY,
            content_hash TEXT NOT NULL,
            kind TEXT, language TEXT, title TEXT,
            published TEXT, published_precision TEXT, published_source TEXT,
            outlet TEXT, url TEXT,
            raw BLOB NOT NULL,
            text TEXT NOT NULL,
            dropped TEXT NOT NULL DEFAULT '[]',
            offsets TEXT NOT NULL DEFAULT '[]',
            warnings TEXT NOT NULL DEFAULT '[]',
            status TEXT NOT NULL DEFAULT 'ok',
            ingested_at TEXT NOT NULL)""",
        "CREATE INDEX documents_hash ON documents(content_hash)",
        "CREATE INDEX documents_published ON documents(published)",
        """CREATE TABLE mentions (
            id TEXT PRIMARY KEY,
            doc TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            event TEXT NOT NULL, mode TEXT, modality TEXT,
            date_value TEXT, date_earliest TEXT, date_latest TEXT,
            confidence REAL,
            record TEXT NOT NULL)""",
        "CREATE INDEX mentions_doc ON mentions(doc)",
        """CREATE TABLE mention_actors (
            mention TEXT NOT NULL REFERENCES mentions(id) ON DELETE CASCADE,
            side TEXT NOT NULL,            -- actor | recipient | attributed_to
            actor_id TEXT, name TEXT NOT NULL, country TEXT, type TEXT)""",
        "CREATE INDEX mention_actors_mention ON mention_actors(mention)",
        "CREATE INDEX mention_actors_actor ON mention_actors(actor_id)",
        """CREATE TABLE actors (
            id TEXT PRIMARY KEY,           -- knowledge-base id, or 'unlinked:<country>:<name>'
            name TEXT NOT NULL, type TEXT, country TEXT, code TEXT,
            linked INTEGER NOT NULL DEFAULT 1)""",
        """CREATE TABLE fused_events (
            id TEXT PRIMARY KEY,
            event TEXT NOT NULL, mode TEXT, modality TEXT,
            date_value TEXT, date_earliest TEXT, date_latest TEXT,
            n_mentions INTEGER NOT NULL, n_sources INTEGER NOT NULL,
            first_reported TEXT, has_conflicts INTEGER NOT NULL DEFAULT 0,
            record TEXT NOT NULL)""",
        "CREATE INDEX fused_events_date ON fused_events(date_earliest, date_latest)",
        """CREATE TABLE fused_mentions (
            fused TEXT NOT NULL REFERENCES fused_events(id) ON DELETE CASCADE,
            mention TEXT NOT NULL,
            PRIMARY KEY (fused, mention))""",
        "CREATE INDEX fused_mentions_mention ON fused_mentions(mention)",
        """CREATE TABLE fused_actors (
            fused TEXT NOT NULL REFERENCES fused_events(id) ON DELETE CASCADE,
            side TEXT NOT NULL, actor_id TEXT, name TEXT NOT NULL, country TEXT, type TEXT)""",
        "CREATE INDEX fused_actors_fused ON fused_actors(fused)",
        "CREATE INDEX fused_actors_actor ON fused_actors(actor_id)",
        # Full-text search over articles and evidence sentences (the web UI's search).
        "CREATE VIRTUAL TABLE documents_fts USING fts5(doc UNINDEXED, title, text)",
        "CREATE VIRTUAL TABLE mentions_fts USING fts5(mention UNINDEXED, doc UNINDEXED, evidence, actors)",
    ],
    # Incremental fusion (fuse.update): the component of the blocking graph each fused
    # event belongs to, the documents behind each fused event, and the blocking keys of
    # each mention, so that the events a new document touches are found without a scan.
    2: [
        "ALTER TABLE fused_events ADD COLUMN component TEXT",
        "CREATE INDEX fused_events_component ON fused_events(component)",
        """CREATE TABLE fused_sources (
            fused TEXT NOT NULL REFERENCES fused_events(id) ON DELETE CASCADE,
            doc TEXT NOT NULL,
            PRIMARY KEY (fused, doc))""",
        "CREATE INDEX fused_sources_doc ON fused_sources(doc)",
        """CREATE TABLE mention_keys (
            key TEXT NOT NULL,
            mention TEXT NOT NULL REFERENCES mentions(id) ON DELETE CASCADE)""",
        "CREATE INDEX mention_keys_key ON mention_keys(key)",
        "CREATE INDEX mention_keys_mention ON mention_keys(mention)",
    ],
    # Settings the stored data depend on, e.g. the version of the fusion's blocking keys.
    3: [
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)",
    ],
    # Crash-safe ingest: a document is stored with its mentions in one transaction (so stored
    # means extracted); `fused` says whether the timeline already includes them. It is set in
    # the same transaction that writes the fused events, so a killed run leaves it at 0 and the
    # next run finishes the work. A store from before is marked by what its tables show.
    4: [
        "ALTER TABLE documents ADD COLUMN fused INTEGER NOT NULL DEFAULT 0",
        """UPDATE documents SET fused = NOT EXISTS (SELECT 1 FROM mentions m WHERE m.doc = documents.id
           AND NOT EXISTS (SELECT 1 FROM fused_mentions f WHERE f.mention = m.id))""",
        "CREATE INDEX documents_unfused ON documents(fused) WHERE fused = 0",
        # A timeline event's id stays when sources join; when fusion merges, splits or renames
        # events, the old id points at the event that took most of its mentions (links and
        # bookmarks keep working).
        "CREATE TABLE fused_aliases (old TEXT PRIMARY KEY, new TEXT NOT NULL)",
    ],
    # An analyst's reviews (annales.review), applied on top of every fusion. A review names the
    # timeline event it was made on and the mentions behind it (id and a fingerprint that
    # survives re-extraction), so it finds its event again after re-fusion. On fused_events,
    # `review` is the reviewed state (NULL: as the machine made it) and `original` the
    # machine's record when a review changed it; `made_by` marks the rows a split made.
    5: [
        """CREATE TABLE reviews (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            who TEXT NOT NULL, at TEXT NOT NULL,
            action TEXT NOT NULL,          -- reject | confirm | edit | merge | split
            fused TEXT,                    -- the timeline event's id when the review was made
            target TEXT NOT NULL,          -- JSON: the mentions it was made on
            payload TEXT NOT NULL DEFAULT '{}',
            note TEXT,
            status TEXT NOT NULL DEFAULT 'applied',   -- applied | orphaned (its mentions vanished)
            applied_to TEXT,               -- the timeline event it applies to now
            problem TEXT)                  -- why it no longer applies""",
        "ALTER TABLE fused_events ADD COLUMN review TEXT",
        "ALTER TABLE fused_events ADD COLUMN original TEXT",
        "ALTER TABLE fused_events ADD COLUMN made_by INTEGER",   # the review (a split) that made the row
        "CREATE INDEX fused_events_review ON fused_events(review) WHERE review IS NOT NULL",
    ],
}

# Reviewed states that take an event out of the timeline (the machine's original still shows them).
HIDDEN_REVIEW = ("rejected", "merged")
VISIBLE_SQL = "(f.review IS NULL OR f.review NOT IN ('rejected', 'merged'))"
# The machine's timeline: every fused event but the parts a review split off, as fusion wrote it.
ORIGINAL_SQL = "(f.made_by IS NULL)"


def actor_key(a: dict) -> str:
    """The actors-table id of an EVENTS.md actor: its KB id, else a stable key for an unlinked one."""
    if a.get("id"):
        return a["id"]
    return f"unlinked:{a.get('country') or ''}:{(a.get('name') or '').strip().lower()}"


def _chunks(ids: list, size: int = 500) -> Iterator[list]:
    for i in range(0, len(ids), size):
        yield ids[i:i + size]


def shim_old_schema(db: sqlite3.Connection) -> None:
    """Let a read-only connection to a store from before reviews answer the queries of this
    version: a temporary view (it shadows the table) adds the review columns, empty."""
    cols = {r[1] for r in db.execute("PRAGMA table_info(fused_events)")}
    if cols and "review" not in cols:
        db.execute("CREATE TEMP VIEW IF NOT EXISTS fused_events AS "
                   "SELECT *, NULL AS review, NULL AS original, NULL AS made_by FROM main.fused_events")


def current_id(db: sqlite3.Connection, fused_id: str) -> str | None:
    """Shared with the web layer, which reads the database without a Store."""
    if db.execute("SELECT 1 FROM fused_events WHERE id = ?", (fused_id,)).fetchone():
        return fused_id
    try:
        row = db.execute("SELECT new FROM fused_aliases WHERE old = ?", (fused_id,)).fetchone()
    except sqlite3.OperationalError:         # a store from before aliases, opened read-only
        return None
    return row[0] if row else None


def _reviewed_flag(rec: dict) -> dict:
    rec.setdefault("reviewed", False)
    return rec


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class Store:
    """A SQLite database of documents, mentions and fused events."""

    def __init__(self, path: str | Path, readonly: bool = False):
        self.path = str(path)
        self.readonly = readonly
        self._depth = 0
        if readonly:
            if not Path(self.path).exists():
                raise FileNotFoundError(f"no database at {self.path}")
            self.db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
        else:
            self.db = sqlite3.connect(self.path, check_same_thread=False)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA foreign_keys=ON")
        if readonly:
            shim_old_schema(self.db)
        else:
            self.migrate()

    # -- schema -------------------------------------------------------------
    def version(self) -> int:
        row = self.db.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name='schema_version'").fetchone()
        if row is None:
            return 0
        row = self.db.execute("SELECT MAX(version) FROM schema_version").fetchone()
        return row[0] or 0

    def migrate(self) -> None:
        current = self.version()
        if current > SCHEMA_VERSION:
            raise RuntimeError(f"{self.path} has schema version {current}, newer than this Annales ({SCHEMA_VERSION})")
        with self.db:
            self.db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_at TEXT)")
            for v in range(current + 1, SCHEMA_VERSION + 1):
                for stmt in MIGRATIONS[v]:
                    self.db.execute(stmt)
                self.db.execute("INSERT INTO schema_version VALUES (?, ?)", (v, _now()))

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self):
        """One transaction for everything inside, however deeply the writes nest: committed at
        the outermost exit, rolled back whole on an exception (or a kill: SQLite's journal)."""
        if self._depth == 0 and self.db.in_transaction:
            self.db.commit()
        self._depth += 1
        try:
            yield self.db
        except BaseException:
            self._depth -= 1
            if self._depth == 0:
                self.db.rollback()
            raise
        self._depth -= 1
        if self._depth == 0:
            self.db.commit()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- documents ------------------------------------------------------------
    def find_hash(self, content_hash: str) -> str | None:
        """The id of a stored document with these exact bytes, if any."""
        row = self.db.execute("SELECT id FROM documents WHERE content_hash=? LIMIT 1", (content_hash,)).fetchone()
        return row[0] if row else None

    def stored_hash(self, doc_id: str) -> str | None:
        row = self.db.execute("SELECT content_hash FROM documents WHERE id=?", (doc_id,)).fetchone()
        return row[0] if row else None

    def save(self, doc: Document, raw: bytes, records: Iterable[EventRecord], status: str = "ok") -> str:
        """Store a document with its mentions in one transaction; 'added' or 'updated'.

        A document stored before under the same id is replaced with its mentions
        (the fused events that used them are re-fused by the caller).
        """
        records = list(records)
        with self.transaction():
            existed = self.stored_hash(doc.id) is not None
            if existed:
                self._delete_document(doc.id)
            self.db.execute(
                """INSERT INTO documents (id, content_hash, kind, language, title, published,
                   published_precision, published_source, outlet, url, raw, text, dropped, offsets,
                   warnings, status, ingested_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""",
                (doc.id, doc.content_hash, doc.kind, doc.language, doc.title, doc.published.value,
                 doc.published.precision, doc.published.source, doc.outlet, doc.url, raw, doc.text,
                 json.dumps(doc.dropped, ensure_ascii=False), json.dumps(doc.offsets),
                 json.dumps(doc.warnings, ensure_ascii=False), status, _now()))
            self.db.execute("INSERT INTO documents_fts (doc, title, text) VALUES (?,?,?)",
                            (doc.id, doc.title or "", doc.text))
            for rec in records:
                self._insert_mention(rec)
        return "updated" if existed else "added"

    def _delete_document(self, doc_id: str) -> None:
        ids = [r[0] for r in self.db.execute("SELECT id FROM mentions WHERE doc=?", (doc_id,))]
        self.db.executemany("DELETE FROM mentions_fts WHERE mention=?", [(i,) for i in ids])
        self.db.execute("DELETE FROM documents_fts WHERE doc=?", (doc_id,))
        self.db.execute("DELETE FROM documents WHERE id=?", (doc_id,))  # cascades to mentions

    def _insert_mention(self, rec: EventRecord) -> None:
        d = rec.to_dict()
        date = d.get("date") or {}
        self.db.execute(
            """INSERT OR REPLACE INTO mentions (id, doc, event, mode, modality, date_value, date_earliest,
               date_latest, confidence, record) VALUES (?,?,?,?,?,?,?,?,?,?)""",
            (rec.id, rec.doc, rec.event, rec.mode, rec.modality, date.get("value"), date.get("earliest"),
             date.get("latest"), rec.confidence, json.dumps(d, ensure_ascii=False)))
        for side in ("actor", "recipient", "attributed_to"):
            for a in d.get(side) or []:
                key = actor_key(a)
                self.db.execute("INSERT INTO mention_actors VALUES (?,?,?,?,?,?)",
                                (rec.id, side, key, a.get("name") or "", a.get("country"), a.get("type")))
                self.db.execute(
                    "INSERT OR IGNORE INTO actors (id, name, type, country, code, linked) VALUES (?,?,?,?,?,?)",
                    (key, a.get("name") or "", a.get("type"), a.get("country"), a.get("code"),
                     1 if a.get("id") else 0))
        self.index_mention(rec, d)

    def index_mention(self, rec: EventRecord, d: dict | None = None) -> None:
        """The mention's row in the search index (evidence sentences and actor names)."""
        d = d or rec.to_dict()
        names = [a.get("name") or "" for side in ("actor", "recipient", "attributed_to") for a in d.get(side) or []]
        evidence = " ".join(e["text"] for e in d.get("evidence") or [])
        self.db.execute("INSERT INTO mentions_fts (mention, doc, evidence, actors) VALUES (?,?,?,?)",
                        (rec.id, rec.doc, evidence, " ".join(names)))

    def document(self, doc_id: str) -> sqlite3.Row | None:
        return self.db.execute("SELECT * FROM documents WHERE id=?", (doc_id,)).fetchone()

    def published_dates(self, doc_ids: Iterable[str] | None = None) -> dict[str, str | None]:
        if doc_ids is None:
            rows = self.db.execute("SELECT id, published FROM documents")
        else:
            ids = list(doc_ids)
            rows = self._in_query("SELECT id, published FROM documents WHERE id IN ({})", ids)
        return {r[0]: r[1] for r in rows}

    def counts(self) -> dict[str, int]:
        return {t: self.db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                for t in ("documents", "mentions", "actors", "fused_events")}

    # -- mentions -------------------------------------------------------------
    def mentions(self, doc_ids: Iterable[str] | None = None) -> Iterator[EventRecord]:
        if doc_ids is None:
            rows = self.db.execute("SELECT record FROM mentions ORDER BY doc, id")
        else:
            rows = self._in_query("SELECT record FROM mentions WHERE doc IN ({}) ORDER BY doc, id", list(doc_ids))
        for r in rows:
            yield event_from_dict(json.loads(r[0]))

    def mention_rows(self) -> Iterator[tuple[str, str, str | None, str]]:
        """(id, doc, the document's publication date, record JSON) of every mention, streaming."""
        yield from self.db.execute("SELECT m.id, m.doc, d.published, m.record FROM mentions m "
                                   "LEFT JOIN documents d ON d.id = m.doc ORDER BY m.doc, m.id")

    def mentions_by_id(self, ids: Iterable[str]) -> list[EventRecord]:
        rows = self._in_query("SELECT record FROM mentions WHERE id IN ({}) ORDER BY doc, id", list(ids))
        return [event_from_dict(json.loads(r[0])) for r in rows]

    # -- fused events ---------------------------------------------------------
    def fused_ids_for_mentions(self, mention_ids: Iterable[str]) -> set[str]:
        rows = self._in_query("SELECT DISTINCT fused FROM fused_mentions WHERE mention IN ({})", list(mention_ids))
        return {r[0] for r in rows}

    def replace_fused(self, remove: Iterable[str], events: Iterable[FusedEvent],
                      components: dict[str, str] | None = None) -> None:
        """Delete the fused events `remove` and write `events`, in one transaction.

        `components` maps a fused id to the label of its component in the blocking graph
        (fuse.update re-fuses whole components).
        """
        components = components or {}
        with self.transaction():
            self.db.execute("CREATE TEMP TABLE IF NOT EXISTS old_links (fused TEXT, mention TEXT)")
            for part in _chunks(list(remove)):
                marks = ",".join("?" * len(part))
                self.db.execute(f"INSERT INTO old_links SELECT fused, mention FROM fused_mentions "
                                f"WHERE fused IN ({marks})", part)
                self.db.execute(f"DELETE FROM fused_events WHERE id IN ({marks})", part)
            for ev in events:
                self._insert_fused(ev, components.get(ev.id))
            self._alias_replaced()
            self.apply_reviews()

    def apply_reviews(self) -> list[dict]:
        """Lay the analyst's reviews over the timeline again (after fusion rewrote part of it);
        the reviews that stopped applying since the last time."""
        from . import review

        return review.apply(self)

    def _alias_replaced(self) -> None:
        """Point each replaced id (in old_links) at the new event holding most of its mentions."""
        self.db.execute("""CREATE TEMP TABLE IF NOT EXISTS new_ids (old TEXT PRIMARY KEY, new TEXT)""")
        self.db.execute("DELETE FROM new_ids")
        self.db.execute("""INSERT INTO new_ids SELECT old, new FROM (
              SELECT o.fused AS old, n.fused AS new, ROW_NUMBER() OVER (
                  PARTITION BY o.fused ORDER BY COUNT(*) DESC, n.fused) AS rk
              FROM old_links o JOIN fused_mentions n ON n.mention = o.mention
              GROUP BY o.fused, n.fused) WHERE rk = 1 AND old != new""")
        self.db.execute("""UPDATE fused_aliases SET new = (SELECT t.new FROM new_ids t WHERE t.old = fused_aliases.new)
                           WHERE new IN (SELECT old FROM new_ids)""")
        self.db.execute("INSERT OR REPLACE INTO fused_aliases (old, new) SELECT old, new FROM new_ids")
        self.db.execute("DELETE FROM fused_aliases WHERE old IN (SELECT id FROM fused_events)")
        self.db.execute("DELETE FROM old_links")

    def add_fused(self, pairs: Iterable[tuple[str, FusedEvent]]) -> None:
        """Write (component label, fused event) pairs as they come; `replace_fused([], [])` then
        aliases the old ids and lays the reviews again (fuse.partitioned streams a whole timeline)."""
        with self.transaction():
            for label, ev in pairs:
                self._insert_fused(ev, label)

    def clear_fused(self) -> None:
        """Remove the whole timeline (old ids keep pointing at their successors once the new
        timeline is written in the same transaction with `replace_fused`)."""
        with self.transaction():
            self.db.execute("CREATE TEMP TABLE IF NOT EXISTS old_links (fused TEXT, mention TEXT)")
            self.db.execute("DELETE FROM old_links")
            self.db.execute("INSERT INTO old_links SELECT fused, mention FROM fused_mentions")
            self.db.execute("DELETE FROM fused_events")

    def current_id(self, fused_id: str) -> str | None:
        """The id a timeline event has now: itself, its successor, or None when it is gone."""
        return current_id(self.db, fused_id)

    # -- what is left to do (crash-safe ingest) ----------------------------------
    def unfused_docs(self) -> list[str]:
        """Documents stored (with their mentions) whose mentions the timeline does not include yet."""
        return [r[0] for r in self.db.execute("SELECT id FROM documents WHERE fused = 0 ORDER BY id")]

    def mark_fused(self, doc_ids: Iterable[str] | None = None) -> None:
        """Record that the timeline includes these documents (all, when None); call it inside the
        transaction that writes their fused events."""
        with self.transaction():
            if doc_ids is None:
                self.db.execute("UPDATE documents SET fused = 1 WHERE fused = 0")
            else:
                self.db.executemany("UPDATE documents SET fused = 1 WHERE id = ?", [(d,) for d in doc_ids])

    def _insert_fused(self, ev: FusedEvent, component: str | None = None) -> None:
        d = ev.to_dict()
        date = d.get("date") or {}
        self.db.execute(
            """INSERT OR REPLACE INTO fused_events (id, event, mode, modality, date_value, date_earliest,
               date_latest, n_mentions, n_sources, first_reported, has_conflicts, record, component)
               VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)""",
            (ev.id, ev.event, ev.mode, ev.modality, date.get("value"), date.get("earliest"), date.get("latest"),
             len(ev.mentions), len(ev.sources), ev.first_reported, 1 if ev.conflicts else 0,
             json.dumps(d, ensure_ascii=False), component))
        self.db.executemany("INSERT OR IGNORE INTO fused_mentions VALUES (?,?)", [(ev.id, m) for m in ev.mentions])
        self.db.executemany("INSERT OR IGNORE INTO fused_sources VALUES (?,?)", [(ev.id, s) for s in ev.sources])
        for side in ("actor", "recipient"):
            for a in d.get(side) or []:
                self.db.execute("INSERT INTO fused_actors VALUES (?,?,?,?,?,?)",
                                (ev.id, side, actor_key(a), a.get("name") or "", a.get("country"), a.get("type")))

    def fused_events(self, date_from: str | None = None, date_to: str | None = None, actor: str | None = None,
                     country: str | None = None, event_type: str | None = None, modality: str | None = None,
                     source: str | None = None, limit: int | None = None, offset: int = 0,
                     min_confidence: float | None = None, original: bool = False) -> list[dict]:
        """Fused events as EVENTS.md dicts, in chronological order, filtered, as reviewed
        (`reviewed` says whether an analyst's review changed or confirmed it); with `original`,
        the machine's timeline before review (filters still match the reviewed values).

        Dates filter by overlap: an event whose range touches [date_from, date_to] is kept.
        `actor` matches an actor id or a name (case-insensitive substring); `country` an ISO code
        of any participant; `source` a document id or outlet.
        """
        where, args = [], []
        if date_from:
            where.append("COALESCE(f.date_latest, f.date_value) >= ?"); args.append(date_from)
        if date_to:
            where.append("COALESCE(f.date_earliest, f.date_value) <= ?"); args.append(date_to + "\uffff")
        if event_type:
            where.append("f.event = ?"); args.append(event_type.upper())
        if modality:
            where.append("f.modality = ?"); args.append(modality)
        if min_confidence is not None:
            where.append("COALESCE(json_extract(f.record, '$.confidence'), 0) >= ?"); args.append(min_confidence)
        if actor:
            where.append("""f.id IN (SELECT fused FROM fused_actors WHERE actor_id = ? OR name LIKE ?)""")
            args += [actor, f"%{actor}%"]
        if country:
            where.append("f.id IN (SELECT fused FROM fused_actors WHERE country = ?)"); args.append(country.upper())
        if source:
            where.append("""f.id IN (SELECT fm.fused FROM fused_mentions fm JOIN mentions m ON m.id = fm.mention
                             JOIN documents d ON d.id = m.doc WHERE d.id = ? OR d.outlet = ?)""")
            args += [source, source]
        where.append(ORIGINAL_SQL if original else VISIBLE_SQL)
        column = "COALESCE(f.original, f.record)" if original else "f.record"
        sql = f"SELECT {column} FROM fused_events f WHERE " + " AND ".join(where)
        sql += " ORDER BY COALESCE(f.date_earliest, f.date_value, f.date_latest, '9999') , f.id"
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"; args += [limit, offset]
        return [_reviewed_flag(json.loads(r[0])) for r in self.db.execute(sql, args)]

    def fused_ids_for_docs(self, doc_ids: Iterable[str]) -> set[str]:
        rows = self._in_query("SELECT DISTINCT fused FROM fused_sources WHERE doc IN ({})", list(doc_ids))
        return {r[0] for r in rows}

    def components_of(self, fused_ids: Iterable[str]) -> set[str]:
        rows = self._in_query("SELECT DISTINCT component FROM fused_events WHERE id IN ({})", list(fused_ids))
        return {r[0] for r in rows if r[0] is not None}

    def fused_ids_in_components(self, labels: Iterable[str]) -> set[str]:
        rows = self._in_query("SELECT id FROM fused_events WHERE component IN ({})", list(labels))
        return {r[0] for r in rows}

    def mention_ids_of_fused(self, fused_ids: Iterable[str]) -> set[str]:
        rows = self._in_query("SELECT mention FROM fused_mentions WHERE fused IN ({})", list(fused_ids))
        return {r[0] for r in rows}

    def needs_refuse(self, ignore_docs: Iterable[str] = ()) -> bool:
        """True when the incremental bookkeeping is missing: fused events without a component
        (a v1 database) or mentions without blocking keys (stored before fusion kept them),
        other than those of `ignore_docs` (the documents about to be fused)."""
        if self.db.execute("SELECT 1 FROM fused_events WHERE component IS NULL LIMIT 1").fetchone():
            return True
        skip = set(ignore_docs)
        rows = self.db.execute("SELECT DISTINCT m.doc FROM mentions m WHERE NOT EXISTS "
                               "(SELECT 1 FROM mention_keys k WHERE k.mention = m.id)")
        return any(r[0] not in skip for r in rows)

    def get_meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction():
            self.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    # -- blocking keys (written by fuse) -------------------------------------
    def set_mention_keys(self, keys: dict[str, list[str]], replace_all: bool = False) -> None:
        """Write the blocking keys of mentions, replacing what those mentions (or all) had."""
        with self.transaction():
            if replace_all:
                self.db.execute("DELETE FROM mention_keys")
            else:
                ids = list(keys)
                for i in range(0, len(ids), 500):
                    part = ids[i:i + 500]
                    self.db.execute(f"DELETE FROM mention_keys WHERE mention IN ({','.join('?' * len(part))})", part)
            # a mention without keys gets the key "-" (never looked up): it shows the mention was keyed
            self.db.executemany("INSERT INTO mention_keys (key, mention) VALUES (?,?)",
                                [(k, mid) for mid, ks in keys.items() for k in (ks or ["-"])])

    def add_mention_keys(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Write (key, mention) pairs as they come, after `set_mention_keys({}, replace_all=True)`."""
        with self.transaction():
            self.db.executemany("INSERT INTO mention_keys (key, mention) VALUES (?,?)", pairs)

    def mentions_with_keys(self, keys: Iterable[str]) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for r in self._in_query("SELECT key, mention FROM mention_keys WHERE key IN ({})", sorted(keys)):
            out.setdefault(r[0], []).append(r[1])
        return out

    def mention_dicts(self, doc_ids: Iterable[str] | None = None) -> Iterator[dict]:
        """Mentions as EVENTS.md dicts (the JSON stored), in document order."""
        if doc_ids is None:
            rows = self.db.execute("SELECT record FROM mentions ORDER BY doc, id")
        else:
            rows = self._in_query("SELECT record FROM mentions WHERE doc IN ({}) ORDER BY doc, id", list(doc_ids))
        for r in rows:
            yield json.loads(r[0])

    def documents_info(self, doc_ids: Iterable[str] | None = None) -> dict[str, dict]:
        """id → {published, outlet, url, title, language} (what exports cite)."""
        cols = "id, published, outlet, url, title, language"
        if doc_ids is None:
            rows = self.db.execute(f"SELECT {cols} FROM documents")
        else:
            rows = self._in_query(f"SELECT {cols} FROM documents WHERE id IN ({{}})", list(doc_ids))
        return {r[0]: {"published": r[1], "outlet": r[2], "url": r[3], "title": r[4], "language": r[5]}
                for r in rows}

    # -- helpers --------------------------------------------------------------
    def _in_query(self, sql: str, ids: list[str], chunk: int = 500) -> Iterator[sqlite3.Row]:
        """Run `sql` with an IN ({}) placeholder over ids in chunks (SQLite limits parameters)."""
        for i in range(0, len(ids), chunk):
            part = ids[i:i + chunk]
            yield from self.db.execute(sql.format(",".join("?" * len(part))), part)
