"""Run a command as a subprocess and measure its wall time and peak memory.

Peak memory is the larger of two readings:
- the summed RSS of the whole process tree (the command and every worker it
  forks), sampled from /proc while it runs: this is what a machine must hold
  when several worker processes run at once;
- the ``ru_maxrss`` that ``wait4`` reports for the command (the largest single
  process, measured by the kernel): this catches a short spike between samples.
RSS counts pages shared between forked workers once per worker, so with
``--workers N`` the tree figure is an upper bound.
"""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


@dataclass
class Measurement:
    seconds: float
    peak_rss_mb: float
    returncode: int
    stderr: str
    worker_peak_mb: float = 0.0          # largest single process whose title starts with the prefix asked


def _children(pid: int) -> list[int]:
    """Direct children of `pid` (every thread may have forked some)."""
    out = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tasks:
        try:
            out += [int(c) for c in Path(f"/proc/{pid}/task/{tid}/children").read_text().split()]
        except OSError:
            continue
    return out


def _rss_kb(pid: int) -> int:
    try:
        # statm: size resident shared ... (in pages)
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_KB
    except (OSError, IndexError, ValueError):
        return 0


def tree_rss_mb(root: int) -> float:
    """Summed RSS of `root` and all its descendants, in MB."""
    total, stack, seen = 0, [root], set()
    while stack:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        total += _rss_kb(pid)
        stack += _children(pid)
    return total / 1024


def _tree(root: int) -> list[int]:
    out, stack = [], [root]
    while stack:
        pid = stack.pop()
        if pid not in out:
            out.append(pid)
            stack += _children(pid)
    return out


def _title(pid: int) -> str:
    """The process title (Ray names its workers 'ray::ClassName' there)."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0].decode("utf-8", "replace")
    except OSError:
        return ""


class _Sampler(threading.Thread):
    """Samples the tree RSS of a running process; optionally prints a progress line."""

    def __init__(self, pid: int, label: str, interval: float, progress: bool, worker_prefix: str | None = None):
        super().__init__(daemon=True)
        self.pid, self.label, self.interval, self.progress = pid, label, interval, progress
        self.worker_prefix = worker_prefix
        self.worker_peak_mb = 0.0
        self.peak_mb = 0.0
        self.stop = threading.Event()
        self.started = time.perf_counter()

    def run(self) -> None:
        last_print = 0.0
        while not self.stop.is_set():
            mb = tree_rss_mb(self.pid)
            self.peak_mb = max(self.peak_mb, mb)
            if self.worker_prefix:
                self.worker_peak_mb = max([self.worker_peak_mb] + [
                    _rss_kb(p) / 1024 for p in _tree(self.pid) if _title(p).startswith(self.worker_prefix)])
            now = time.perf_counter()
            if self.progress and now - last_print >= 1.0:
                last_print = now
                sys.stderr.write(f"\r  [{self.label}] {now - self.started:6.1f} s  RSS {mb:7.1f} MB  "
                                 f"(peak {self.peak_mb:7.1f} MB)   ")
                sys.stderr.flush()
            self.stop.wait(self.interval)
        if self.progress:
            sys.stderr.write("\n")


def run_measured(cmd: list[str], label: str, interval: float = 0.1, progress: bool = True,
                 env: dict | None = None, cwd: str | None = None, worker_prefix: str | None = None) -> Measurement:
    """Run `cmd` to completion; wall time from start to exit, peak RSS of its tree."""
    errfile = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-{os.getpid()}-{label}.stderr"
    with open(errfile, "w+b") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, env=env, cwd=cwd)
        sampler = _Sampler(proc.pid, label, interval, progress, worker_prefix)
        sampler.start()
        # wait4 rather than Popen.wait: it gives the kernel's ru_maxrss for this child alone
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        sampler.stop.set()
        sampler.join()
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    errfile.unlink(missing_ok=True)
    peak = max(sampler.peak_mb, usage.ru_maxrss / 1024)  # ru_maxrss is in KB on Linux
    return Measurement(seconds, peak, proc.returncode, stderr, sampler.worker_peak_mb)


def extract_command(doc_dir: Path, metadata: Path, output: Path, workers: int = 1, engine: str = "local",
                    shards: Path | None = None) -> list[str]:
    """The end-to-end Annales run the benchmarks time."""
    cmd = [sys.executable, "-m", "annales", "extract", str(doc_dir), "--metadata", str(metadata),
           "-o", str(output), "-q"]
    if workers > 1 or engine != "local":
        cmd += ["--workers", str(workers)]
    if engine != "local":
        cmd += ["--engine", engine]
    if shards is not None:
        cmd += ["--shards", str(shards)]
    return cmd


def checked(m: Measurement, what: str) -> Measurement:
    """Stop with the command's own error output when it failed."""
    if m.returncode != 0:
        tail = "\n".join(m.stderr.strip().splitlines()[-15:])
        raise SystemExit(f"{what} failed (exit {m.returncode}):\n{tail}")
    return m


def warm_models() -> None:
    """Read the spaCy model files once, so that neither timed run pays for a cold disk cache."""
    import importlib.util

    from annales import nlp

    for names in nlp.MODELS.values():
        for name in names:
            spec = importlib.util.find_spec(name)
            for root in (spec.submodule_search_locations or []) if spec else []:
                for f in Path(root).rglob("*"):
                    if f.is_file():
                        with open(f, "rb") as fh:
                            while fh.read(1 << 20):
                                pass
