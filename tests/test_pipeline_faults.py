"""One document that kills its worker or runs forever costs only itself; the batch goes on."""
from __future__ import annotations

import os
import signal
import time

import pytest

from annales import pipeline
from annales.model import RawDoc
from annales.pipeline import Outcome

ATTEMPTS = "ANNALES_TEST_ATTEMPTS"


def _doc(i: int, name: str | None = None) -> RawDoc:
    return RawDoc(id=name or f"doc-{i:02d}", data=f"text {i}".encode())


def deadly(raw: RawDoc) -> Outcome:
    """Kills the process that runs it for the poisoned document, as the OOM killer would."""
    if raw.id == "poison":
        os.kill(os.getpid(), signal.SIGKILL)
    return Outcome(raw.id, "ok")


def flaky(raw: RawDoc) -> Outcome:
    """Kills its worker the first time only (a marker file says it has been tried)."""
    marker = os.path.join(os.environ[ATTEMPTS], raw.id)
    if raw.id == "unlucky" and not os.path.exists(marker):
        open(marker, "w").close()
        os.kill(os.getpid(), signal.SIGKILL)
    return Outcome(raw.id, "ok")


def slow(raw: RawDoc) -> Outcome:
    if raw.id == "forever":
        time.sleep(30)
    return Outcome(raw.id, "ok")


def test_a_dead_worker_costs_only_its_document():
    docs = [_doc(i) for i in range(20)]
    docs.insert(7, _doc(0, "poison"))
    outs = list(pipeline.run(docs, workers=2, fn=deadly, batch=4))
    assert [o.id for o in outs] == [d.id for d in docs]          # every document, in order
    bad = [o for o in outs if o.status != "ok"]
    assert [o.id for o in bad] == ["poison"] and "worker process died" in bad[0].reason


def test_a_document_whose_worker_died_once_is_retried(tmp_path, monkeypatch):
    monkeypatch.setenv(ATTEMPTS, str(tmp_path))
    docs = [_doc(i) for i in range(10)] + [_doc(0, "unlucky")]
    outs = list(pipeline.run(docs, workers=2, fn=flaky, batch=3))
    assert all(o.status == "ok" for o in outs) and len(outs) == 11


@pytest.mark.parametrize("workers", [1, 2])
def test_a_document_over_the_time_budget_fails_alone(workers):
    docs = [_doc(i) for i in range(6)]
    docs.insert(2, _doc(0, "forever"))
    t0 = time.monotonic()
    outs = list(pipeline.run(docs, workers=workers, fn=slow, batch=4, budget=0.5))
    assert time.monotonic() - t0 < 20
    assert [o.id for o in outs] == [d.id for d in docs]
    bad = [o for o in outs if o.status != "ok"]
    assert [o.id for o in bad] == ["forever"] and "time budget" in bad[0].reason
