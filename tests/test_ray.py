"""--engine ray gives what the local engine gives: the same records in the same order, the same
store. One local Ray with 2 workers for the module (the engine joins a running Ray)."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
import ray

from annales import distributed
from annales.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SEEDS = ROOT.parent / "shared" / "corpus" / "seeds"


@pytest.fixture(scope="module")
def local_ray():
    ray.init(num_cpus=3, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


def _extract(tmp_path: Path, name: str, *args: str) -> str:
    out = tmp_path / f"{name}.jsonl"
    assert main(["extract", *args, "-o", str(out), "-q"]) == 0
    return out.read_text(encoding="utf-8")


def _inputs(folder: Path) -> list[str]:
    meta = folder / "metadata.jsonl"
    return [str(folder)] + (["--metadata", str(meta)] if meta.exists() else [])


@pytest.mark.parametrize("folder", [EXAMPLES, SEEDS], ids=["demo", "seeds"])
def test_records_identical_to_the_local_engine(local_ray, tmp_path, folder):
    assert folder.is_dir(), f"missing corpus {folder}"
    local = _extract(tmp_path, "local", *_inputs(folder))
    remote = _extract(tmp_path, "ray", *_inputs(folder), "--engine", "ray", "--workers", "2",
                      "--shards", str(tmp_path / "shards"))
    assert local.count("\n") >= 5
    assert remote == local
    # the shards hold one row per document with its records, readable by any Parquet tool
    import pyarrow.dataset as pads
    table = pads.dataset(tmp_path / "shards").to_table(columns=["doc", "status", "n_events", "events"])
    assert sum(table.column("n_events").to_pylist()) == local.count("\n")
    assert all(json.loads(e) is not None for e in table.column("events").to_pylist())


def _tables(db: Path) -> dict:
    con = sqlite3.connect(db)
    try:
        return {
            "documents": con.execute("SELECT id, status, content_hash FROM documents ORDER BY id").fetchall(),
            "mentions": con.execute("SELECT id, doc, record FROM mentions ORDER BY id").fetchall(),
            "fused": con.execute("SELECT * FROM fused_events ORDER BY id").fetchall(),
        }
    finally:
        con.close()


def test_ingest_builds_the_same_store(local_ray, tmp_path):
    a, b = tmp_path / "local.db", tmp_path / "ray.db"
    assert main(["ingest", *_inputs(EXAMPLES), "--db", str(a), "-q"]) == 0
    assert main(["ingest", *_inputs(EXAMPLES), "--db", str(b), "-q", "--engine", "ray", "--workers", "2"]) == 0
    ta, tb = _tables(a), _tables(b)
    assert ta["fused"] and ta == tb
    # a second ray ingest of the same folder stores nothing twice
    assert main(["ingest", *_inputs(EXAMPLES), "--db", str(b), "-q", "--engine", "ray", "--workers", "2"]) == 0
    assert _tables(b) == tb


def test_parquet_input_and_bad_rows(local_ray, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [{"id": f.name, "text": f.read_text(encoding="utf-8"), "published": None}
            for f in sorted(EXAMPLES.glob("fr_*.txt"))[:4]]
    rows.append({"id": "empty", "text": None, "published": None})
    path = tmp_path / "articles.parquet"
    pq.write_table(pa.Table.from_pylist(rows), path)
    local = _extract(tmp_path, "local", str(path))
    remote = _extract(tmp_path, "ray", str(path), "--engine", "ray", "--workers", "2")
    assert local and remote == local
    assert {json.loads(line)["doc"] for line in local.splitlines()} <= {r["id"] for r in rows}


def test_engine_options_are_checked():
    with pytest.raises(SystemExit, match="--engine ray"):
        main(["extract", str(EXAMPLES), "--address", "auto", "-o", "/dev/null"])
    with pytest.raises(ValueError, match="whole pipeline or the cleaning"):
        list(distributed.run([], fn=len))


def test_shards_bundled_out_of_order_still_come_back_in_input_order(tmp_path):
    """Ray may bundle blocks into one output file out of order; the merge must not trust it."""
    import pickle

    import pyarrow as pa
    import pyarrow.parquet as pq

    from annales.pipeline import Outcome

    def outcome(seq):
        return Outcome(id=f"d{seq}", status="ok")

    for name, seqs in (("a.parquet", [4, 5, 1, 2]), ("b.parquet", [3, 7])):
        pq.write_table(pa.table({"seq": seqs, "outcome": [pickle.dumps(outcome(s)) for s in seqs]}),
                       tmp_path / name)
    decided = [(0, outcome(0)), (6, outcome(6))]
    assert [o.id for o in distributed._ordered(decided, tmp_path)] == [f"d{i}" for i in range(8)]
