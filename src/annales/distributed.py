"""The pipeline on a Ray cluster: `--engine ray`.

The same `pipeline.process_batch` (through `pipeline.run`, so the per-document
time budget and the failure rules are those of one machine) is mapped with Ray
Data over an actor pool, one spaCy model per actor:

1. the inputs, read by `sources` as for the local engine (folders, JSONL, feeds,
   Parquet on any filesystem pyarrow reads), are staged as Parquet input shards,
   a few thousand documents each, streaming: the driver never holds the corpus;
2. `read_parquet` → `map_batches(Worker, ActorPoolStrategy(size=N))` →
   `write_parquet`: one output row per document (its id, status, reason, event
   records as EVENTS.md JSON, and the whole outcome for the store);
3. the driver reads the output shards back in input order and gives the same
   Outcomes as `pipeline.run`, so `extract` writes identical records and
   `ingest` stores and fuses exactly as with the local engine.

Without `address` a local Ray starts with `workers` CPUs and stops with the
command; with it the command joins that cluster (`ray start --head` elsewhere).
Ray is an optional dependency: `pip install annales[ray]`.
"""
from __future__ import annotations

import heapq
import json
import os
import pickle
import shutil
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterable, Iterator

from . import pipeline
from .model import RawDoc, SourceError
from .pipeline import Outcome

STAGE_ROWS = 2000                    # documents per staged input shard
RAW_FIELDS = ("id", "kind", "path", "url", "published", "outlet", "title", "reference_date")


def available() -> bool:
    try:
        import ray  # noqa: F401
        import ray.data  # noqa: F401
    except ImportError:
        return False
    return True


def require() -> None:
    if not available():
        raise SystemExit("annales: --engine ray needs Ray: pip install 'annales[ray]'")


@contextmanager
def cluster(workers: int, address: str | None = None, quiet: bool = False):
    """Join the cluster at `address`, or start a local Ray with `workers` CPUs for the block."""
    import ray

    started = not ray.is_initialized()
    if quiet:
        import logging
        import warnings
        logging.getLogger("ray.data").setLevel(logging.WARNING)
        warnings.filterwarnings("ignore", category=UserWarning, module=r"ray\.")
    if started:
        opts = dict(include_dashboard=False, log_to_driver=not quiet, configure_logging=True,
                    logging_level="ERROR")
        if address:
            ray.init(address=address, **opts)
        else:
            # one CPU more than actors: the read and write tasks must find a slot beside the
            # pool, or the pipeline waits for ever
            ray.init(num_cpus=workers + 1, **opts)
    try:
        yield
    finally:
        if started:
            ray.shutdown()


class Worker:
    """One Ray actor: loads the models once, then processes batches of staged documents."""

    def __init__(self, clean_only: bool = False, min_confidence: float | None = None,
                 max_memory: float | None = None):
        self.fn = pipeline.clean_only if clean_only else None
        self.min_confidence = min_confidence
        self.max_memory = max_memory

    def __call__(self, batch):
        started = time.time()
        raws = [_raw(row) for row in batch.to_pylist()]
        outs = list(pipeline.run(raws, workers=1, fn=self.fn, max_memory=self.max_memory))
        ended = time.time()
        if self.min_confidence is not None:     # the shards hold what the command outputs
            from .extract import confident
            for o in outs:
                o.records = confident(o.records, self.min_confidence)
        import pyarrow as pa
        return pa.table({
            "seq": batch.column("seq"),
            "doc": [o.id for o in outs],
            "status": [o.status for o in outs],
            "reason": [o.reason for o in outs],
            "n_events": [len(o.records) for o in outs],
            "events": [json.dumps([r.to_dict() for r in o.records], ensure_ascii=False) for o in outs],
            "outcome": [pickle.dumps(o, protocol=pickle.HIGHEST_PROTOCOL) for o in outs],
            # when and where the batch ran: steady throughput without start-up (bench/scaling.py)
            "worker": [os.getpid()] * len(outs),
            "started": [started] * len(outs),
            "ended": [ended] * len(outs),
        })


def run(items: Iterable[RawDoc | SourceError | Outcome], workers: int = 1, address: str | None = None,
        fn: Callable[[RawDoc], Outcome] | None = None, batch: int = pipeline.BATCH,
        shards: str | None = None, quiet: bool = False,
        min_confidence: float | None = None, max_memory: float | None = None) -> Iterator[Outcome]:
    """Outcomes of every item, in input order, computed on Ray (see the module doc). `fn` may
    be None (the whole pipeline) or `pipeline.clean_only`. The output shards are kept in
    `shards` when given. With `min_confidence`, records below it are left out on the workers.
    `max_memory` is each document's memory budget in MB, as for `pipeline.run`."""
    if fn not in (None, pipeline.process, pipeline.clean_only):
        raise ValueError("the Ray engine runs the whole pipeline or the cleaning only")
    require()
    import ray.data

    work = Path(tempfile.mkdtemp(prefix="annales-ray-"))
    out_dir = Path(shards) if shards else work / "out"
    try:
        decided, staged = _stage(items, work / "in", batch)
        with cluster(workers, address, quiet):
            if staged:
                ctx = ray.data.DataContext.get_current()
                ctx.execution_options.preserve_order = True
                ctx.enable_progress_bars = not quiet
                ctx.execution_no_progress_timeout_s = 600
                # one block per batch of documents, so that every actor gets work (Ray would
                # read a few MB of text as one block, for one actor)
                ds = ray.data.read_parquet(str(work / "in")).repartition(-(-staged // batch), shuffle=False)
                ds = ds.map_batches(Worker, fn_constructor_kwargs={"clean_only": fn is pipeline.clean_only,
                                                           "min_confidence": min_confidence,
                                                           "max_memory": max_memory},
                                    batch_size=batch, batch_format="pyarrow", num_cpus=1,
                                    compute=ray.data.ActorPoolStrategy(size=workers))
                ds.write_parquet(str(out_dir))
        yield from _ordered(decided, out_dir if staged else None)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _ordered(decided: list[tuple[int, Outcome]], out_dir: Path | None) -> Iterator[Outcome]:
    streams = [iter(decided)] + (_shards(out_dir) if out_dir is not None else [])
    for _, out in heapq.merge(*streams, key=lambda x: x[0]):
        yield out


def _stage(items: Iterable, folder: Path, batch: int) -> tuple[list[tuple[int, Outcome]], int]:
    """Write the RawDocs as Parquet input shards; items decided already (source errors,
    documents stored before) are kept aside with their place in the input order."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder.mkdir(parents=True, exist_ok=True)
    decided: list[tuple[int, Outcome]] = []
    rows: list[dict] = []
    staged = part = 0

    def flush():
        nonlocal rows, part
        if rows:
            pq.write_table(pa.Table.from_pylist(rows), folder / f"part-{part:06d}.parquet", row_group_size=batch)
            part += 1
            rows = []

    for seq, item in enumerate(items):
        done = pipeline._passthrough(item)
        if done is not None:
            decided.append((seq, done))
            continue
        rows.append({"seq": seq, "data": item.data, "meta": json.dumps(item.meta, ensure_ascii=False, default=str),
                     **{k: getattr(item, k) for k in RAW_FIELDS}})
        staged += 1
        if len(rows) >= STAGE_ROWS:
            flush()
    flush()
    return decided, staged


def _raw(row: dict) -> RawDoc:
    return RawDoc(data=row["data"], meta=json.loads(row["meta"] or "{}"), **{k: row[k] for k in RAW_FIELDS})


def _shards(out_dir: Path) -> list[Iterator[tuple[int, Outcome]]]:
    """One stream per output shard, each in input order, so that merging the streams by
    position restores the input order."""
    return [_rows(f) for f in sorted(out_dir.glob("*.parquet"))]


def _rows(path: Path) -> Iterator[tuple[int, Outcome]]:
    """The shard's rows by position. Ray keeps the order of the blocks it is given but may
    bundle blocks into one file in another order, so a shard found out of order (rare; a
    shard is a few batches) is sorted in memory rather than trusted."""
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(path)
    seqs = pf.read(columns=["seq"]).column("seq").to_pylist()
    if all(a < b for a, b in zip(seqs, seqs[1:])):
        for b in pf.iter_batches(batch_size=256, columns=["seq", "outcome"]):
            for seq, blob in zip(b.column("seq").to_pylist(), b.column("outcome").to_pylist()):
                yield seq, pickle.loads(blob)
        return
    blobs = pf.read(columns=["outcome"]).column("outcome").to_pylist()
    for i in sorted(range(len(seqs)), key=seqs.__getitem__):
        yield seqs[i], pickle.loads(blobs[i])


def steady_rate(out_dir: str | Path) -> dict:
    """Documents a second over the kept output shards of a run, start-up left out.

    Each worker's first batch carries its model loading, so it is dropped; the rate
    is the documents of the other batches over the wall time from the first of them
    starting to the last ending, across all workers (they run at the same time)."""
    import pyarrow.parquet as pq

    batches: dict[tuple[int, float], tuple[float, int]] = {}
    for f in Path(out_dir).glob("*.parquet"):
        t = pq.read_table(f, columns=["worker", "started", "ended"]).to_pydict()
        for w, s, e in zip(t["worker"], t["started"], t["ended"]):
            ended, n = batches.get((w, s), (e, 0))
            batches[(w, s)] = (ended, n + 1)
    first = {}
    for w, s in batches:
        first[w] = min(first.get(w, s), s)
    rest = [(s, e, n) for (w, s), (e, n) in batches.items() if s != first[w]]
    if not rest:
        return {"workers": len(first), "docs": 0, "seconds": 0.0, "docs_per_s": None}
    span = max(e for _, e, _ in rest) - min(s for s, _, _ in rest)
    docs = sum(n for _, _, n in rest)
    return {"workers": len(first), "docs": docs, "seconds": round(span, 2),
            "docs_per_s": round(docs / span, 2) if span > 0 else None}
