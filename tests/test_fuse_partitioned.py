"""fuse.partitioned gives exactly what fuse.fuse_components gives, locally (spilled buckets) and on a
local Ray with 2 workers; its store path writes the timeline and keys of fuse.refuse_all. One Ray
session for the module (the engine joins a running Ray)."""
from __future__ import annotations

import json
import random
import shutil
import sqlite3
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from annales import fuse
from annales.cli import main
from annales.fuse import partitioned
from annales.model import EventRecord
from annales.store import Store

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
sys.path.insert(0, str(ROOT / "bench"))

import fuse as bench_fuse  # noqa: E402  (bench/fuse.py: the synthetic mentions)


def _serialized(pairs) -> list[tuple[str, str]]:
    return [(label, json.dumps(ev.to_dict(), sort_keys=True, ensure_ascii=False)) for label, ev in pairs]


def _synthetic(n: int, seed: int) -> tuple[list[EventRecord], dict]:
    mentions, published = bench_fuse.generate(n, seed)
    records = list(mentions)
    # what the generator never makes: an undated mention of a document without a date (no
    # blocking key), and a record without id (skipped by fusion, which must not let it link others)
    records.append(replace(records[0], id="m-undated-nowhere", doc="d-no-date", date=None))
    records.append(replace(records[1], id=""))
    return records, published


@pytest.fixture(scope="module")
def synthetic():
    return _synthetic(3000, 7)


@pytest.fixture
def small_buckets(monkeypatch):
    """Several shards and buckets even for a few thousand mentions."""
    monkeypatch.setattr(partitioned, "SHARD_ROWS", 700)
    monkeypatch.setattr(partitioned, "BUCKET_MENTIONS", 400)


@pytest.fixture(scope="module")
def local_ray():
    import ray

    ray.init(num_cpus=3, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    """The demo corpus ingested (and fused) by the local engine, once for the module."""
    db = tmp_path_factory.mktemp("demo") / "demo.db"
    assert main(["ingest", str(EXAMPLES), "--metadata", str(EXAMPLES / "metadata.jsonl"), "--db", str(db), "-q"]) == 0
    return db


def test_local_phases_give_the_in_process_events(synthetic, small_buckets):
    records, published = synthetic
    expected = fuse.fuse_components(records, published)
    assert len(expected) > 500 and any(len(ev.mentions) > 2 for _, ev in expected)
    with partitioned.fusion(partitioned.rows_of(records, published)) as f:
        assert f.stats.buckets > 5
        got = list(f.events())
        keys = list(f.keys())
    got.sort(key=lambda x: (fuse._sort_date(x[1]), x[1].id))
    assert _serialized(got) == _serialized(expected)
    assert not any(m == "" for _, ev in got for m in ev.mentions)
    # the keys are those refuse_all stores: every mention's blocking keys, "-" for none
    ms = fuse._compact_all(records, published)
    want = {(k, m.id) for m in ms for k in fuse.blocking_keys(m) or ["-"]}
    assert {kv for kv in keys if kv[1]} == want


def test_the_input_order_does_not_matter(synthetic):
    records, published = synthetic
    shuffled = list(records)
    random.Random(3).shuffle(shuffled)
    assert _serialized(partitioned.fuse_components(shuffled, published)) == \
        _serialized(fuse.fuse_components(records, published))


def test_components_join_streamed_edges():
    rng = np.random.default_rng(5)
    n = 2000
    edges = rng.integers(0, n, size=(1500, 2))
    comps = partitioned.Components(n)
    for part in np.array_split(edges, 7):
        comps.add(part[:, 0], part[:, 1])
    roots = comps.roots()
    # the reference: components by depth-first search, each named by its smallest member
    adj = [[] for _ in range(n)]
    for a, b in edges:
        adj[a].append(b)
        adj[b].append(a)
    want = np.full(n, -1)
    for s in range(n):
        if want[s] < 0:
            want[s], stack = s, [s]
            while stack:
                for j in adj[stack.pop()]:
                    if want[j] < 0:
                        want[j] = s
                        stack.append(j)
    assert np.array_equal(roots, want)
    assert 1 < len(set(roots.tolist())) < n


def test_ray_phases_give_the_in_process_events(local_ray, monkeypatch):
    monkeypatch.setattr(partitioned, "SHARD_ROWS", 500)        # several read tasks
    records, published = _synthetic(1500, 11)
    expected = fuse.fuse_components(records, published)
    got = partitioned.fuse_components(records, published, engine="ray", workers=2)
    assert _serialized(got) == _serialized(expected)


def test_demo_corpus(demo_db):
    store = Store(demo_db, readonly=True)
    try:
        records, published = list(store.mentions()), store.published_dates()
    finally:
        store.close()
    expected = fuse.fuse_components(records, published)
    assert len(expected) >= 10
    got = partitioned.fuse_components(records, published)
    assert _serialized(got) == _serialized(expected)


def _tables(db: Path) -> dict:
    con = sqlite3.connect(db)
    try:
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall()
                for t in ("fused_events", "fused_mentions", "fused_sources", "mention_keys", "fused_aliases")}
    finally:
        con.close()


def test_fuse_command_on_ray_writes_the_local_timeline(demo_db, local_ray, tmp_path):
    """The demo corpus on Ray: the same events (their records) with the same component labels."""
    local, remote = tmp_path / "local.db", tmp_path / "ray.db"
    shutil.copy(demo_db, local)
    shutil.copy(demo_db, remote)
    assert main(["fuse", "--db", str(local)]) == 0
    assert main(["fuse", "--db", str(remote), "--engine", "ray", "--workers", "2", "-q"]) == 0
    a, b = _tables(local), _tables(remote)
    assert a["fused_events"] and a["mention_keys"]
    assert a == b


def test_store_refuse_by_local_phases(demo_db, tmp_path):
    local, phased = tmp_path / "local.db", tmp_path / "phased.db"
    shutil.copy(demo_db, local)
    shutil.copy(demo_db, phased)
    for path, refuse in ((local, fuse.refuse_all), (phased, partitioned.refuse_all)):
        store = Store(path)
        refuse(store)
        assert not store.unfused_docs()
        store.close()
    assert _tables(local) == _tables(phased)


def test_unknown_engine():
    with pytest.raises(ValueError, match="unknown fusion engine"):
        partitioned.fuse_components([], {}, engine="spark")
