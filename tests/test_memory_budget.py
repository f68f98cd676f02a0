"""A document whose processing balloons fails alone with the memory reason; the process that
ran it (the command itself, or a worker) lives on, the batch goes on, and what is stored
stays stored once. The budgets are made small here; allocations go far past them."""
from __future__ import annotations

import os
import resource
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from annales import memory, pipeline
from annales.model import RawDoc
from annales.pipeline import Outcome

ROOT = Path(__file__).resolve().parents[1]
GOOD = "<html><body><p>Le ministre a reçu mardi à Paris son homologue espagnol.</p></body></html>"


def _doc(name: str, text: str = "texte", kind: str = "text") -> RawDoc:
    return RawDoc(id=name, data=text.encode(), kind=kind)


def hungry(raw: RawDoc) -> Outcome:
    """Keeps taking memory for the document 'balloon' (up to 1 GB, so that a missing cap makes the
    test fail rather than the machine)."""
    if raw.id == "balloon":
        taken = [b"x" * 2**23 for _ in range(128)]
        return Outcome(raw.id, "ok", reason=f"took {len(taken) * 8} MB")
    return Outcome(raw.id, "ok")


@pytest.mark.parametrize("workers", [1, 2])
def test_a_document_over_the_memory_budget_fails_alone(workers):
    limit = resource.getrlimit(resource.RLIMIT_DATA)
    docs = [_doc(f"doc-{i}") for i in range(6)]
    docs.insert(3, _doc("balloon"))
    outs = list(pipeline.run(docs, workers=workers, fn=hungry, batch=4, max_memory=100))
    assert [o.id for o in outs] == [d.id for d in docs]
    bad = [o for o in outs if o.status != "ok"]
    assert [(o.id, o.reason) for o in bad] == [("balloon", "memory budget of 100 MB exceeded")]
    assert resource.getrlimit(resource.RLIMIT_DATA) == limit          # the cap is put back


def test_no_cap_when_the_budget_is_zero():
    outs = list(pipeline.run([_doc("balloon")], fn=hungry, max_memory=0))
    assert outs[0].status == "ok" and outs[0].reason == "took 1024 MB"


def test_html_whose_cleaning_balloons_fails_and_its_neighbours_are_cleaned():
    # half a million tiny inline elements: the parsed tree costs ~200 bytes an element, and
    # lxml reports a refused allocation as "unknown error", trafilatura by falling back to
    # another extractor: the cap still names the cause
    hostile = "<html><body><p>Le ministre a parlé.</p><p>" + "<b>x</b>" * 600_000 + "</p></body></html>"
    docs = [_doc("good-1", GOOD, "html"), _doc("tree", hostile, "html"), _doc("good-2", GOOD, "html")]
    outs = list(pipeline.run(docs, fn=pipeline.clean_only, max_memory=100))
    assert [(o.id, o.status) for o in outs] == [("good-1", "ok"), ("tree", "failed"), ("good-2", "ok")]
    assert outs[1].reason == "memory budget of 100 MB exceeded"
    assert "homologue espagnol" in outs[2].document.text


def test_what_a_lifted_step_adds_is_not_counted():
    with memory.capped(100) as cap:
        assert cap.active
        with memory.lifted():                         # as a language model loaded once
            model = [b"x" * 2**23 for _ in range(40)]
        page = [b"x" * 2**23 for _ in range(6)]       # the document's own 48 MB: within
        with pytest.raises(MemoryError):
            page += [b"x" * 2**23 for _ in range(20)]
    assert len(model) == 40 and len(page) == 6
    del model, page


def test_the_budget_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv(memory.ENV, "750")
    assert memory.default_mb() == 750
    monkeypatch.setenv(memory.ENV, "beaucoup")
    with pytest.raises(SystemExit, match=memory.ENV):
        memory.default_mb()
    monkeypatch.delenv(memory.ENV)
    assert memory.default_mb() == memory.DEFAULT_MB


def _ingest(db: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if not k.startswith("ANNALES_")} | env
    return subprocess.run([sys.executable, "-m", "annales", "ingest", *args, "--db", str(db), "-q"],
                          capture_output=True, text=True, env=full, cwd=ROOT, timeout=300)


def _stored(db: Path) -> list[str]:
    con = sqlite3.connect(db)
    ids = sorted(r[0] for r in con.execute("SELECT id FROM documents"))
    con.close()
    return ids


def test_ingest_fails_the_ballooning_document_and_stores_the_others(tmp_path):
    # the real pipeline, with the extraction of one document made to take memory without end
    # (faults.grow); the good document shares its group, which fails whole and is retried one
    # document at a time
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir(), second.mkdir()
    (first / "a_balloon.txt").write_text("Le président a reçu lundi à Rome le Premier ministre espagnol.\n")
    (first / "b_good.txt").write_text("Le ministre des Affaires étrangères a rencontré mardi son homologue.\n")
    (second / "c_good.txt").write_text("Le chef du gouvernement a visité jeudi Berlin avec ses ministres.\n")
    db = tmp_path / "x.db"
    grow = {"ANNALES_GROW_AT": "a_balloon.txt:4000"}

    # one process: the command itself survives the document and goes on with the next one
    run = _ingest(db, str(first), env=grow | {memory.ENV: "500"})
    assert run.returncode == 0, run.stderr[-2000:]
    assert "failed: a_balloon.txt — memory budget of 500 MB exceeded" in run.stderr
    assert _stored(db) == ["b_good.txt"]

    # two workers, the same folder again and a new one: the stored document is neither lost
    # nor stored twice, the balloon fails again, the new document is stored
    run = _ingest(db, str(first), str(second), "--workers", "2", "--max-doc-memory", "500", env=grow)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "failed: a_balloon.txt — memory budget of 500 MB exceeded" in run.stderr
    assert "1 skipped" in run.stderr
    assert _stored(db) == ["b_good.txt", "c_good.txt"]
