"""Fusion of more mentions than one process can hold: the same fused events as `fuse.fuse_components`.

The work is cut in four phases, each a plain function over plain rows, so that the
same code runs in this process over spilled buckets (`engine="local"`) or on Ray Data
(`engine="ray"`, `groupby` → `map_groups`):

1. `key_rows`: each mention (a row: seq, id, doc, published, record JSON; the row
   carries its document's publication date, so no global dict of dates is needed)
   gives one row per blocking key: (key, seq, id, record, published).
2. `block_edges`: the rows of one key are the block; the sweep of `fuse.link`
   (`fuse.block_pairs`, with its first-common-block rule) finds the compatible
   pairs, of which only a spanning forest is kept: edges between seq numbers.
3. `Components`: union-find over the seq numbers in numpy arrays, fed the edges as
   they stream in. This is the one thing the driver holds: one integer per mention
   (4 bytes below 2^31 mentions), never a mention.
4. `fuse_group`: the mentions of one component (rows keyed by the component's root)
   go through the same `_compact_all` + `_fuse_compact` as the in-process fusion;
   inside one component `link` finds exactly the edges the blocks found, so the
   clusters, ids and component labels are those of `fuse_components`.

Mention ids must be unique (the store's primary key); `fuse_components` would
also settle two records with one id, these phases do not look for them.
"""
from __future__ import annotations

import json
import pickle
import resource
import shutil
import tempfile
import zlib
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

import numpy as np

from . import (KEYS_VERSION, Interner, _compact_all, _fuse_compact, _sort_date, block_pairs, blocking_keys,
               checked_compact, sweep_view)
from .. import faults
from ..model import EventRecord, FusedEvent, event_from_dict

NO_KEY = "-"                  # the key row of a mention with no blocking key: stored, never a block
SHARD_ROWS = 20_000           # mentions per staged Parquet shard
BUCKET_MENTIONS = 5_000       # mentions per bucket: a bucket holds about 6 key rows per mention
EDGE_BATCH = 65_536


def peak_mb() -> float:
    """Peak resident memory of this process so far (VmHWM: unlike ru_maxrss, it does not carry the
    peak of the program a process was exec'ed from)."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- staging: mentions as Parquet shards -----------------------------------------------

def record_json(rec: EventRecord) -> str:
    """The record as the store keeps it, with its confidence unrounded (fusion reads it)."""
    d = rec.to_dict()
    d["confidence"] = rec.confidence
    return json.dumps(d, ensure_ascii=False)


def rows_of(records: Iterable[EventRecord], published: dict[str, str | None]) -> Iterator[tuple]:
    """(id, doc, published, record JSON) of in-memory records."""
    for rec in records:
        yield rec.id, rec.doc, published.get(rec.doc), record_json(rec)


def stage(rows: Iterable[tuple], folder: Path) -> int:
    """Write (id, doc, published, record JSON) rows as Parquet shards numbered by seq, streaming;
    how many mentions there are."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder.mkdir(parents=True, exist_ok=True)
    n, part, chunk = 0, 0, []

    def flush():
        nonlocal part, chunk
        if chunk:
            cols = list(zip(*chunk))
            pq.write_table(pa.table({"seq": pa.array(range(n - len(chunk), n), pa.int64()), "id": cols[0],
                                     "doc": cols[1], "published": pa.array(cols[2], pa.string()),
                                     "record": cols[3]}), folder / f"m-{part:06d}.parquet")
            part, chunk = part + 1, []

    for row in rows:
        chunk.append(row)
        n += 1
        if len(chunk) >= SHARD_ROWS:
            flush()
    flush()
    return n


def shard_rows(folder: Path, columns=None) -> Iterator[list[dict]]:
    """The staged mention rows, a batch at a time."""
    import pyarrow.parquet as pq

    for f in sorted(folder.glob("*.parquet")):
        for b in pq.ParquetFile(f).iter_batches(batch_size=4096, columns=columns):
            yield b.to_pylist()


# -- the four phases, over plain rows ---------------------------------------------------

def _compact_row(r: dict, cache: Interner):
    try:
        return checked_compact(event_from_dict(json.loads(r["record"])), r["published"], cache)
    except (ValueError, TypeError, AttributeError, KeyError):
        return None             # skipped, and said so, when its component is fused


def _slim(record: str) -> str:
    """What `compact` reads of a record: the evidence is left behind for the blocks."""
    d = json.loads(record)
    d.pop("evidence", None)
    return json.dumps(d, ensure_ascii=False)


def bucket_of(value: str | int, buckets: int) -> int:
    """The bucket of a key or a component root: the unit a worker gets (whole blocks, whole components)."""
    if isinstance(value, str):
        return zlib.crc32(_family(value).encode("utf-8")) % buckets
    return value % buckets


def _family(key: str) -> str:
    """A key without its second country: modality group, type, first participant country, month.
    The keys a mention has in one month (participant set, pairs, countries) fall in one or two
    families, so that a bucket compacts a mention about twice, not once per key; and a family
    stays a small part of a month, so that no bucket grows with the whole month's news."""
    parts = key.split("|")
    if len(parts) < 4:
        return key
    what = parts[2]
    first = what[1:].split("+")[0] if what.startswith("=") else parts[3]
    return f"{parts[0]}|{parts[1]}|{first}|{parts[-1]}"


def key_rows(rows: Iterable[dict], buckets: int) -> list[dict]:
    """Phase 1: one row per blocking key of each mention (a mention without keys: one NO_KEY row),
    with the key's bucket."""
    cache = Interner()
    out = []
    for r in rows:
        m = _compact_row(r, cache)
        keys = blocking_keys(m) if m is not None else []
        slim = _slim(r["record"]) if keys else None
        for k in keys or [NO_KEY]:
            out.append({"key": k, "bucket": bucket_of(k, buckets), "seq": r["seq"], "id": r["id"],
                        "record": slim, "published": r["published"]})
    return out


def block_edges(rows: list[dict], known: dict | None = None, cache: Interner | None = None) -> list[tuple[int, int]]:
    """Phase 2: the rows of one block (one key) → a spanning forest of its compatible pairs, as seqs.
    `known` keeps the compact mentions by seq between the blocks of one bucket."""
    k = rows[0]["key"]
    known = {} if known is None else known
    cache = cache or Interner()
    ms = [known[r["seq"]] if r["seq"] in known else known.setdefault(r["seq"], _compact_row(r, cache))
          for r in rows]
    views = [sweep_view(m) for m in ms]
    parent = list(range(len(rows)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    edges = []
    for i, j in block_pairs(k, list(range(len(rows))), ms, views):
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[ri] = rj
            edges.append((rows[i]["seq"], rows[j]["seq"]))
    return edges


class Components:
    """Phase 3: union-find over 0..n-1, fed batches of edges; `roots()` gives each seq the
    smallest seq of its component. Memory: one int32 (int64 past 2^31) per mention."""

    def __init__(self, n: int):
        self.parent = np.arange(n, dtype=np.int32 if n < 2 ** 31 else np.int64)

    def _find(self, x: np.ndarray) -> np.ndarray:
        p = self.parent
        r = p[x]
        while True:
            nxt = p[r]
            if np.array_equal(nxt, r):
                break
            r = nxt
        p[x] = r                     # compress the paths walked
        return r

    def add(self, a, b) -> None:
        a = np.asarray(a, dtype=self.parent.dtype)
        b = np.asarray(b, dtype=self.parent.dtype)
        while len(a):
            ra, rb = self._find(a), self._find(b)
            differ = ra != rb
            if not differ.any():
                return
            a, b, ra, rb = a[differ], b[differ], ra[differ], rb[differ]
            # a root only ever points to a smaller one: no cycles; of several writes to one
            # root one wins, and the loop joins the others on the next round
            self.parent[np.maximum(ra, rb)] = np.minimum(ra, rb)

    def roots(self) -> np.ndarray:
        p = self.parent
        while True:
            nxt = p[p]
            if np.array_equal(nxt, p):
                return p
            p[:] = nxt


def bucket_edges(rows: Iterable[dict]) -> list[tuple[int, int]]:
    """Phase 2 over a bucket: the edges of every block in it."""
    known: dict = {}
    cache = Interner()
    return [e for g in _groups((r for r in rows if r["key"] != NO_KEY), "key") for e in block_edges(g, known, cache)]


def root_rows(rows: Iterable[dict], roots: np.ndarray, buckets: int) -> list[dict]:
    """Phase 4's input: each mention row with the root of its component and the root's bucket."""
    out = []
    for r in rows:
        root = int(roots[r["seq"]])
        out.append({**r, "root": root, "bucket": bucket_of(root, buckets)})
    return out


def bucket_fuse(rows: Iterable[dict]) -> list[tuple[str, FusedEvent]]:
    """Phase 4 over a bucket: the fused events of every component in it."""
    return [pair for g in _groups(rows, "root") for pair in fuse_group(g)]


def _groups(rows: Iterable[dict], field: str) -> Iterator[list[dict]]:
    by: dict = defaultdict(list)
    for r in rows:
        by[r[field]].append(r)
    return iter(by.values())


def fuse_group(rows: list[dict]) -> list[tuple[str, FusedEvent]]:
    """Phase 4: the mention rows of one component → (component label, fused event) pairs."""
    published = {r["doc"]: r["published"] for r in rows}
    records = (event_from_dict(json.loads(r["record"])) for r in rows)
    return _fuse_compact(_compact_all(records, published), published)


# -- the engines --------------------------------------------------------------------------

@dataclass
class Stats:
    mentions: int = 0
    buckets: int = 0
    edges: int = 0
    components: int = 0
    worker_peak_mb: float = 0.0        # the largest peak RSS a phase function ran in


def buckets_for(n: int) -> int:
    return max(1, -(-n // BUCKET_MENTIONS))


class _Spill:
    """Rows appended to one file per bucket (by their "bucket"), read back one bucket at a time."""

    def __init__(self, folder: Path, buckets: int):
        folder.mkdir(parents=True, exist_ok=True)
        self.files = [folder / f"b-{i:05d}.pkl" for i in range(buckets)]
        self.pending: dict[int, list] = defaultdict(list)
        self.size = 0

    def add(self, rows: Iterable[dict]) -> None:
        for r in rows:
            self.pending[r["bucket"]].append(r)
            self.size += 1
        if self.size >= 20_000:
            self.flush()

    def flush(self) -> None:
        for b, rows in self.pending.items():
            with open(self.files[b], "ab") as fh:
                pickle.dump(rows, fh, protocol=pickle.HIGHEST_PROTOCOL)
        self.pending, self.size = defaultdict(list), 0

    def bucket(self, b: int) -> Iterator[dict]:
        if not self.files[b].exists():
            return
        with open(self.files[b], "rb") as fh:
            while True:
                try:
                    yield from pickle.load(fh)
                except EOFError:
                    return


class LocalFusion:
    """The phases in this process over buckets spilled to `work`: it holds one bucket at a time
    (about BUCKET_MENTIONS mentions' rows) besides the union-find arrays."""

    def __init__(self, shards: Path, n: int, work: Path):
        self.shards, self.n, self.work = shards, n, work
        self.stats = Stats(mentions=n, buckets=buckets_for(n))

    def run(self) -> None:
        nb = self.stats.buckets
        self.keyed = _Spill(self.work / "keys", nb)
        for batch in shard_rows(self.shards):
            self.keyed.add(key_rows(batch, nb))
        self.keyed.flush()
        comps = Components(self.n)
        for b in range(nb):
            edges = bucket_edges(self.keyed.bucket(b))
            self.stats.edges += len(edges)
            if edges:
                comps.add(*zip(*edges))
        self.roots = comps.roots()
        self.stats.components = int(np.count_nonzero(self.roots == np.arange(self.n)))

    def keys(self) -> Iterator[tuple[str, str]]:
        for b in range(self.stats.buckets):
            for r in self.keyed.bucket(b):
                yield r["key"], r["id"]

    def events(self) -> Iterator[tuple[str, FusedEvent]]:
        nb = self.stats.buckets
        by_root = _Spill(self.work / "components", nb)
        for batch in shard_rows(self.shards, columns=["seq", "doc", "published", "record"]):
            by_root.add(root_rows(batch, self.roots, nb))
        by_root.flush()
        for b in range(nb):
            yield from bucket_fuse(by_root.bucket(b))
        self.stats.worker_peak_mb = peak_mb()


# Ray Data adapters: pyarrow tables in, pyarrow tables out, the phase functions in between.

def _ray_keys(t, buckets: int):
    import pyarrow as pa

    return pa.Table.from_pylist(key_rows(t.to_pylist(), buckets), schema=_key_schema())


def _key_schema():
    import pyarrow as pa

    return pa.schema([("key", pa.string()), ("bucket", pa.int64()), ("seq", pa.int64()), ("id", pa.string()),
                      ("record", pa.string()), ("published", pa.string())])


def _ray_keyed_only(t):
    import pyarrow.compute as pc

    return t.filter(pc.not_equal(t.column("key"), NO_KEY))


def _ray_edges(t):
    import pyarrow as pa

    edges = bucket_edges(t.to_pylist())
    a = [e[0] for e in edges]
    return pa.table({"a": pa.array(a, pa.int64()), "b": pa.array([e[1] for e in edges], pa.int64()),
                     "peak_mb": pa.array([peak_mb()] * len(a), pa.float64())})


def _ray_roots(t, roots, buckets: int):
    import pyarrow as pa
    import ray

    arr = ray.get(roots[0])
    root = arr[t.column("seq").to_numpy()].astype(np.int64)
    return t.append_column("root", pa.array(root)).append_column("bucket", pa.array(root % buckets))


def _ray_fuse(t):
    import pyarrow as pa

    pairs = bucket_fuse(t.to_pylist())
    return pa.table({"label": pa.array([lb for lb, _ in pairs], pa.string()),
                     "event": pa.array([pickle.dumps(ev, protocol=pickle.HIGHEST_PROTOCOL) for _, ev in pairs],
                                       pa.binary()),
                     "peak_mb": pa.array([peak_mb()] * len(pairs), pa.float64())})


class RayFusion:
    """The phases on Ray Data: map_batches for the rows, groupby(bucket) → map_groups for the
    blocks and the components; the driver streams the edges into the union-find and the fused
    events out of the output shards."""

    def __init__(self, shards: Path, n: int, work: Path, workers: int = 2, address: str | None = None,
                 quiet: bool = True):
        self.shards, self.n, self.work = shards, n, work
        self.workers, self.address, self.quiet = workers, address, quiet
        self.stats = Stats(mentions=n, buckets=buckets_for(n))

    def run(self) -> None:
        import ray
        import ray.data

        from .. import distributed

        nb = self.stats.buckets
        parts = nb          # one shuffle partition per bucket: a reduce task holds about one bucket
        with distributed.cluster(self.workers, self.address, self.quiet):
            ray.data.DataContext.get_current().enable_progress_bars = not self.quiet
            ds = ray.data.read_parquet(str(self.shards))
            ds.map_batches(_ray_keys, fn_kwargs={"buckets": nb}, batch_format="pyarrow") \
              .write_parquet(str(self.work / "keys"))
            keyed = ray.data.read_parquet(str(self.work / "keys"), columns=["key", "bucket", "seq", "record",
                                                                             "published"])
            edges = keyed.map_batches(_ray_keyed_only, batch_format="pyarrow") \
                .groupby("bucket", num_partitions=parts).map_groups(_ray_edges, batch_format="pyarrow")
            comps = Components(self.n)
            for batch in edges.iter_batches(batch_format="numpy", batch_size=EDGE_BATCH):
                comps.add(batch["a"], batch["b"])
                self.stats.edges += len(batch["a"])
                self._peak(batch["peak_mb"])
            roots = comps.roots()
            self.stats.components = int(np.count_nonzero(roots == np.arange(self.n)))
            ref = ray.put(roots)
            del roots, comps
            ray.data.read_parquet(str(self.shards), columns=["seq", "doc", "published", "record"]) \
                .map_batches(_ray_roots, fn_kwargs={"roots": [ref], "buckets": nb}, batch_format="pyarrow") \
                .groupby("bucket", num_partitions=parts).map_groups(_ray_fuse, batch_format="pyarrow") \
                .write_parquet(str(self.work / "fused"))
            del ref

    def _peak(self, values) -> None:
        if len(values):
            self.stats.worker_peak_mb = max(self.stats.worker_peak_mb, float(np.max(values)))

    def keys(self) -> Iterator[tuple[str, str]]:
        for f in sorted((self.work / "keys").glob("*.parquet")):
            for b in _batches(f, ["key", "id"]):
                yield from zip(b.column("key").to_pylist(), b.column("id").to_pylist())

    def events(self) -> Iterator[tuple[str, FusedEvent]]:
        for f in sorted((self.work / "fused").glob("*.parquet")):
            for b in _batches(f, ["label", "event", "peak_mb"]):
                self._peak(b.column("peak_mb").to_numpy())
                for label, blob in zip(b.column("label").to_pylist(), b.column("event").to_pylist()):
                    yield label, pickle.loads(blob)


def _batches(path: Path, columns: list[str]):
    import pyarrow.parquet as pq

    yield from pq.ParquetFile(path).iter_batches(batch_size=2048, columns=columns)


# -- entry points -----------------------------------------------------------------------------

@contextmanager
def fusion(rows: Iterable[tuple], engine: str = "local", workers: int = 2, address: str | None = None,
           quiet: bool = True):
    """Stage the (id, doc, published, record JSON) rows, run the phases; the block gives the engine,
    whose `keys()` and `events()` stream the blocking keys and the (label, fused event) pairs."""
    work = Path(tempfile.mkdtemp(prefix="annales-fuse-"))
    try:
        n = stage(rows, work / "mentions")
        yield run(work / "mentions", n, work, engine, workers, address, quiet)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(shards: Path, n: int, work: Path, engine: str = "local", workers: int = 2, address: str | None = None,
        quiet: bool = True):
    """The phases over `n` mentions staged in `shards`, with `work` for what they spill; the engine,
    done (its `keys()` and `events()` read what the phases left in `work`)."""
    if engine == "ray":
        f = RayFusion(shards, n, work, workers, address, quiet)
    elif engine == "local":
        f = LocalFusion(shards, n, work)
    else:
        raise ValueError(f"unknown fusion engine {engine!r}")
    if n:
        f.run()
    else:
        f.keys = f.events = lambda: iter(())
    return f


def fuse_components(records: Iterable[EventRecord], published: dict[str, str | None] | None = None,
                    **engine) -> list[tuple[str, FusedEvent]]:
    """What `fuse.fuse_components` gives, computed by phases (`engine="local"` or `"ray"`)."""
    with fusion(rows_of(records, published or {}), **engine) as f:
        out = list(f.events())
    out.sort(key=lambda x: (_sort_date(x[1]), x[1].id))
    return out


def refuse_all(store, **engine) -> None:
    """`fuse.refuse_all` by phases: the stored mentions are staged as Parquet shards, streaming,
    and the keys and fused events stream back into the store in one transaction."""
    with fusion(store.mention_rows(), **engine) as f:
        with store.transaction():
            store.set_mention_keys({}, replace_all=True)
            store.add_mention_keys(f.keys())
            store.clear_fused()
            store.add_fused(f.events())
            store.replace_fused([], [])        # old ids point at their successors; reviews laid again
            store.set_meta("fusion_keys", KEYS_VERSION)
            store.mark_fused()
            faults.point("fusing")
