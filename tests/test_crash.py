"""A killed ingest resumes to exactly the store an uninterrupted one builds.

The corpus is 210 documents made from the demo articles (written by us): copies with a
reference line of their own, some under a later publication date, so that many events are
reported by many documents across fusion batches (100 documents each). Each run is a real
`annales ingest` process; ANNALES_KILL_AT (annales/faults.py) sends it SIGKILL at a chosen
point, as `kill -9` or the out-of-memory killer would.
"""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
N_DOCS = 210

# columns that say when, not what: they differ between any two runs
VOLATILE = {"documents": {"ingested_at"}, "schema_version": {"applied_at"}}
# the redirects of ids that fusion replaced: a history of the batches that ran, not the timeline
HISTORY = {"fused_aliases"}


def _corpus(folder: Path) -> tuple[Path, Path]:
    meta = {json.loads(l)["file"]: json.loads(l) for l in (EXAMPLES / "metadata.jsonl").read_text().splitlines() if l}
    sources = sorted(p for p in EXAMPLES.glob("*.txt") if p.name[:3] in ("fr_", "en_"))
    docs = folder / "docs"
    docs.mkdir()
    lines = []
    for i in range(N_DOCS):
        src = sources[i % len(sources)]
        name = f"{i:03d}_{src.name}"
        (docs / name).write_text(src.read_text(encoding="utf-8") + f"\n\nRef. {i:03d}\n", encoding="utf-8")
        rec = dict(meta.get(src.name, {}), file=name)
        if i % 3 == 2 and rec.get("published"):       # a later report of the same article
            rec["published"] = str(int(rec["published"][:4]) + 1) + rec["published"][4:]
        lines.append(json.dumps(rec))
    mfile = folder / "metadata.jsonl"
    mfile.write_text("\n".join(lines) + "\n")
    return docs, mfile


def _ingest(docs: Path, meta: Path, db: Path, kill_at: str | None = None, **kw) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.pop("ANNALES_KILL_AT", None)
    if kill_at:
        env["ANNALES_KILL_AT"] = kill_at
    cmd = [sys.executable, "-m", "annales", "ingest", str(docs), "--metadata", str(meta), "--db", str(db), "-q"]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT, timeout=600, **kw)


def dump(db: Path) -> dict[str, list]:
    """Every table's rows, in a canonical order, without the columns that record wall-clock time."""
    con = sqlite3.connect(db)
    out = {}
    tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' "
                                        "AND name NOT LIKE '%fts_%' AND name NOT LIKE 'sqlite_%'")
              if r[0] not in HISTORY]
    for t in tables:
        cols = [r[1] for r in con.execute(f"PRAGMA table_info({t})") if r[1] not in VOLATILE.get(t, ())]
        out[t] = sorted(map(repr, con.execute(f"SELECT {', '.join(cols)} FROM {t}")))
    for t, col in (("documents_fts", "doc"), ("mentions_fts", "mention")):
        out[t] = sorted(r[0] for r in con.execute(f"SELECT {col} FROM {t}"))
    con.close()
    return out


def _state(db: Path) -> tuple[int, int]:
    con = sqlite3.connect(db)
    n, unfused = con.execute("SELECT COUNT(*), COALESCE(SUM(fused = 0), 0) FROM documents").fetchone()
    con.close()
    return n, unfused


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("crash")
    docs, meta = _corpus(folder)
    ref = folder / "reference.db"
    run = _ingest(docs, meta, ref)
    assert run.returncode == 0, run.stderr[-2000:]
    expected = dump(ref)
    assert len(expected["documents"]) == N_DOCS and len(expected["fused_events"]) > 10
    # the corpus really makes events reported by many documents, across fusion batches
    con = sqlite3.connect(ref)
    assert con.execute("SELECT MAX(n_sources) FROM fused_events").fetchone()[0] >= 10
    con.close()
    return docs, meta, folder, expected


# where the kill lands, and what the killed run must have left: (documents stored, of which unfused)
KILLS = {
    "stored:60": (60, 60),       # during extraction, before the first fusion batch
    "fused:1": (100, 0),         # between batches: the first batch fused, nothing else stored yet
    "fusing:2": (200, 100),      # inside the second fusion transaction: it is rolled back whole
}


@pytest.mark.parametrize("kill_at", list(KILLS))
def test_a_killed_ingest_resumes_to_the_uninterrupted_store(corpus, kill_at):
    docs, meta, folder, expected = corpus
    db = folder / f"killed-{kill_at.replace(':', '-')}.db"
    killed = _ingest(docs, meta, db, kill_at=kill_at)
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    assert _state(db) == KILLS[kill_at]
    rerun = _ingest(docs, meta, db)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert "finishing an earlier ingest" in rerun.stderr or KILLS[kill_at][1] == 0
    got = dump(db)
    for table in expected:
        assert got[table] == expected[table], f"{kill_at}: table {table} differs from the uninterrupted run"


def test_ctrl_c_stops_at_a_batch_boundary_and_the_rerun_resumes(corpus):
    docs, meta, folder, expected = corpus
    db = folder / "interrupted.db"
    env = dict(os.environ)
    env.pop("ANNALES_KILL_AT", None)
    cmd = [sys.executable, "-m", "annales", "ingest", str(docs), "--metadata", str(meta), "--db", str(db), "-q"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None:
        if db.exists() and Path(f"{db}-wal").exists():
            try:
                if _state(db)[0] >= 5:
                    break
            except sqlite3.OperationalError:
                pass
        time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 130, err[-2000:]
    assert "run the same command again" in err
    stored, unfused = _state(db)
    assert 5 <= stored < N_DOCS and unfused == 0       # what was stored is fused before it stops
    rerun = _ingest(docs, meta, db)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert dump(db) == expected


def test_check_reports_unfused_mentions_and_repair_mends_them(tmp_path):
    db = tmp_path / "c.db"
    meta = EXAMPLES / "metadata.jsonl"
    killed = _ingest(EXAMPLES, meta, db, kill_at="stored:6")
    assert killed.returncode == -signal.SIGKILL
    run = lambda *a: subprocess.run([sys.executable, "-m", "annales", "check", "--db", str(db), *a],
                                    capture_output=True, text=True, cwd=ROOT, timeout=300)
    found = run()
    assert found.returncode == 1
    assert "unfused_documents: 6" in found.stderr and "unfused_mentions" in found.stderr
    # the search index out of step too
    con = sqlite3.connect(db)
    con.execute("DELETE FROM documents_fts WHERE rowid = (SELECT MIN(rowid) FROM documents_fts)")
    con.commit()
    con.close()
    assert "documents_fts_missing: 1" in run().stderr
    fixed = run("--repair")
    assert fixed.returncode == 0, fixed.stderr
    assert "re-fused" in fixed.stderr and "search index" in fixed.stderr
    clean = run()
    assert clean.returncode == 0 and "no problem found" in clean.stderr
    con = sqlite3.connect(db)
    n_fused = con.execute("SELECT COUNT(*) FROM fused_events").fetchone()[0]
    con.close()
    assert n_fused > 0
