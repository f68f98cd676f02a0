"""`annales check`: the store's integrity at the application level.

SQLite's own check says the file is sound; these say the chronology is: every stored
mention is in the timeline, the timeline points only at what is stored, and the search
index matches the tables. `repair` mends what it finds (the timeline by a full re-fusion).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from . import fuse

# (name, what it means, SQL counting the offending rows, SQL listing a few of them)
CHECKS = [
    ("unfused_documents", "documents stored but not yet fused into the timeline",
     "SELECT id FROM documents WHERE fused = 0"),
    ("unfused_mentions", "mentions that no timeline event includes",
     "SELECT id FROM mentions m WHERE NOT EXISTS (SELECT 1 FROM fused_mentions f WHERE f.mention = m.id)"),
    ("dangling_fused_mentions", "timeline events pointing at mentions that are not stored",
     "SELECT DISTINCT fused FROM fused_mentions f WHERE NOT EXISTS (SELECT 1 FROM mentions m WHERE m.id = f.mention)"),
    ("dangling_fused_sources", "timeline events citing documents that are not stored",
     "SELECT DISTINCT fused FROM fused_sources s WHERE NOT EXISTS (SELECT 1 FROM documents d WHERE d.id = s.doc)"),
    ("empty_fused_events", "timeline events with no mention",
     "SELECT id FROM fused_events e WHERE NOT EXISTS (SELECT 1 FROM fused_mentions f WHERE f.fused = e.id)"),
    ("unkeyed_mentions", "mentions without blocking keys (incremental fusion cannot find them)",
     "SELECT id FROM mentions m WHERE NOT EXISTS (SELECT 1 FROM mention_keys k WHERE k.mention = m.id)"),
    ("documents_fts_missing", "documents missing from the search index",
     "SELECT id FROM documents d WHERE NOT EXISTS (SELECT 1 FROM documents_fts f WHERE f.doc = d.id)"),
    ("documents_fts_stale", "search-index rows of documents that are not stored",
     "SELECT doc FROM documents_fts f WHERE NOT EXISTS (SELECT 1 FROM documents d WHERE d.id = f.doc)"),
    ("mentions_fts_missing", "mentions missing from the search index",
     "SELECT id FROM mentions m WHERE NOT EXISTS (SELECT 1 FROM mentions_fts f WHERE f.mention = m.id)"),
    ("mentions_fts_stale", "search-index rows of mentions that are not stored",
     "SELECT mention FROM mentions_fts f WHERE NOT EXISTS (SELECT 1 FROM mentions m WHERE m.id = f.mention)"),
]
FUSION = {"unfused_documents", "unfused_mentions", "dangling_fused_mentions", "dangling_fused_sources",
          "empty_fused_events", "unkeyed_mentions"}


@dataclass
class Problem:
    name: str
    meaning: str
    count: int
    examples: list[str] = field(default_factory=list)

    def line(self) -> str:
        more = f" (e.g. {', '.join(self.examples)})" if self.examples else ""
        return f"{self.name}: {self.count} {self.meaning}{more}"


def check(store) -> list[Problem]:
    """Every problem found; [] for a sound store."""
    out = []
    for row in store.db.execute("PRAGMA integrity_check"):
        if row[0] != "ok":
            out.append(Problem("sqlite_integrity", "SQLite integrity errors", 1, [row[0]]))
    fk = store.db.execute("PRAGMA foreign_key_check").fetchall()
    if fk:
        out.append(Problem("foreign_keys", "rows pointing at missing parents", len(fk), [str(fk[0][0])]))
    for name, meaning, sql in CHECKS:
        ids = [r[0] for r in store.db.execute(sql)]
        if ids:
            out.append(Problem(name, meaning, len(ids), [str(i) for i in ids[:3]]))
    return out


def repair(store, problems: list[Problem]) -> list[str]:
    """Mend what `check` found; what was done, one line each."""
    names = {p.name for p in problems}
    done = []
    with store.transaction():
        if names & {"documents_fts_missing", "documents_fts_stale"}:
            store.db.execute("DELETE FROM documents_fts")
            store.db.execute("INSERT INTO documents_fts (doc, title, text) SELECT id, COALESCE(title, ''), text "
                             "FROM documents")
            done.append("rebuilt the documents' search index")
        if names & {"mentions_fts_missing", "mentions_fts_stale"}:
            store.db.execute("DELETE FROM mentions_fts")
            for rec in store.mentions():
                store.index_mention(rec)
            done.append("rebuilt the mentions' search index")
    if names & FUSION:
        fuse.refuse_all(store)
        done.append("re-fused the whole timeline")
    return done
