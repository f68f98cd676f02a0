"""Pathological inputs: time and peak memory per input class, at two sizes.

Each class is a document an attacker or an unlucky crawl can produce (one
sentence of 20k characters full of dates, 80k word characters with no space,
thousands of brackets, "le " repeated 100k times, HTML nested thousands of
levels, one JSONL line of tens of MB). Each is processed end to end
(`pipeline.run` of the one document, under the per-document memory budget in
force, or reading for the JSONL line) in a fresh interpreter, at size n/2 and
n; the script prints seconds for both, the growth ratio (linear ≈ 2; quadratic
≈ 4), memory at n (added by the document and peak RSS), and the verdict
against the budget (5 s and 1 GB per class at full size on the reference
machine). In the same run the same input at size n goes through the bare
French spaCy pipeline (`nlp(text)`, every component, as bench/spacy_baseline.py)
for comparison: its seconds and peak RSS. The times include the document only:
the model is loaded and warmed before the clock starts.

    .venv/bin/python bench/pathological.py            # all classes
    .venv/bin/python bench/pathological.py --only open_parens --scale 0.5
    .venv/bin/python bench/pathological.py --max-doc-memory 300   # a tighter memory budget
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

# name -> (kind, builder source: a Python expression of n giving the input, full size n)
CLASSES = {
    "dates_one_sentence": ("text", "'Le ministre russe a rencontré son homologue ' + 'le 12 mars 2024, puis mardi et hier, ' * (n // 38) + 'fin.'", 20_000),
    "timex_one_sentence": ("timex", "'Le ministre a parlé ' + 'le 12 mars 2024, puis mardi et hier, ' * (n // 38) + 'fin.'", 20_000),
    "no_space_word": ("text", "'Le ministre russe a rencontré mardi son homologue chinois à Pékin. Il a dit que ' + 'a' * n + ' était prêt.'", 80_000),
    "email_like": ("text", "'Le ministre ' + 'x.' * (n // 2) + ' a parlé.'", 80_000),
    "open_parens": ("text", "'Le ministre russe a rencontré mardi son homologue chinois à Pékin ' + '(' * n + ' et a signé un accord.'", 8_000),
    "balanced_parens": ("text", "'Le ministre ' + '(' * (n // 2) + 'a visité Paris' + ')' * (n // 2) + '.'", 8_000),
    "le_repeated": ("text", "'Le ministre russe a rencontré mardi ' + 'le ' * n + 'homologue.'", 100_000),
    "many_short_sentences": ("text", "'Le président a rencontré le ministre mardi. ' * (n // 44)", 100_000),
    "deep_html": ("html", "'<html><body>' + '<div>' * n + '<p>Le ministre russe a visité Pékin mardi.</p>' + '</div>' * n + '</body></html>'", 5_000),
    "jsonl_huge_line": ("jsonl", "n", 50_000_000),
}

CHILD = r"""
import json, resource, sys, time
kind, expr, n, mb = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
from annales.model import RawDoc
from annales import pipeline
process = lambda raw: next(pipeline.run([raw], max_memory=mb))
process(RawDoc(id="warm", data="Le ministre a visité Paris mardi.".encode(), kind="text", published="2024-03-14"))
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
if kind == "jsonl":
    import tempfile, os
    from annales import sources
    path = os.path.join(tempfile.mkdtemp(), "big.jsonl")
    with open(path, "w") as f:
        f.write(json.dumps({"id": "big", "text": "a " * (n // 2)}) + "\n")
        f.write(json.dumps({"id": "ok", "text": "Le ministre a visité Paris mardi."}) + "\n")
    t = time.perf_counter()
    items = list(sources.read_paths([path]))
    status = ",".join(type(i).__name__ for i in items)
elif kind == "timex":
    from annales import timex
    value = eval(expr)
    t = time.perf_counter()
    status = f"{len(timex.tag(value, 'fr', '2024-03-14'))} expressions"
else:
    value = eval(expr)
    t = time.perf_counter()
    out = process(RawDoc(id="p", data=value.encode(), kind=kind, published="2024-03-14"))
    status = out.status + (":" + out.reason[:60] if out.reason else "")
sec = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": sec, "peak_mb": peak / 1024, "added_mb": (peak - base) / 1024, "status": status}))
"""


# the bare spaCy pipeline on the same input (the raw markup for HTML: spaCy has no cleaning)
SPACY = r"""
import json, resource, sys, time
kind, expr, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
from annales import nlp
pipe = nlp.load("fr")
pipe("Le ministre a visité Paris mardi.")
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
value = eval(expr)
t = time.perf_counter()
try:
    status = f"{len(pipe(value))} tokens"
except Exception as e:
    status = f"{type(e).__name__}: {e}"[:60]
sec = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": sec, "peak_mb": peak / 1024, "added_mb": (peak - base) / 1024, "status": status}))
"""
NOT_RUN = {"seconds": float("nan"), "peak_mb": float("nan"), "added_mb": float("nan"), "status": "-"}


def run_one(kind: str, expr: str, n: int, timeout: float, mb: float, child: str = CHILD) -> dict:
    try:
        p = subprocess.run([sys.executable, "-c", child, kind, expr, str(n), str(mb)], capture_output=True,
                           text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"seconds": timeout, "peak_mb": float("nan"), "added_mb": float("nan"), "status": "TIMEOUT"}
    if p.returncode != 0:
        return {"seconds": float("nan"), "peak_mb": float("nan"), "added_mb": float("nan"),
                "status": "CRASH " + p.stderr.strip().splitlines()[-1][:80] if p.stderr.strip() else "CRASH"}
    return json.loads(p.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", nargs="*", help="input classes to run (default: all)", choices=sorted(CLASSES))
    ap.add_argument("--scale", type=float, default=1.0, help="multiply every full size by this (default 1)")
    ap.add_argument("--timeout", type=float, default=120, help="seconds before a run counts as a timeout")
    ap.add_argument("--budget-seconds", type=float, default=5.0)
    ap.add_argument("--budget-mb", type=float, default=1024.0)
    ap.add_argument("--max-doc-memory", type=float, metavar="MB", default=None,
                    help="the per-document memory budget to process under (default: Annales' own)")
    ap.add_argument("--no-spacy", action="store_true", help="leave out the bare spaCy comparison")
    args = ap.parse_args(argv)
    from annales import memory
    mb = memory.default_mb() if args.max_doc_memory is None else args.max_doc_memory
    names = args.only or list(CLASSES)
    print(f"memory budget in force: {f'{mb:g} MB a document may add to its process' if mb else 'none'}"
          f" (--max-doc-memory, ${memory.ENV})")
    print(f"{'class':<22} {'n':>10} {'s(n/2)':>8} {'s(n)':>8} {'growth':>7} {'+MB(n)':>8} {'peak MB':>8} "
          f"{'spaCy s':>8} {'spaCy MB':>8}  verdict  status")
    bad = 0
    for name in names:
        kind, expr, full = CLASSES[name]
        n = max(2, int(full * args.scale))
        half = run_one(kind, expr, n // 2, args.timeout, mb)
        whole = run_one(kind, expr, n, args.timeout, mb)
        bare = NOT_RUN if args.no_spacy or kind == "jsonl" else run_one(kind, expr, n, args.timeout, mb, SPACY)
        growth = whole["seconds"] / half["seconds"] if half["seconds"] > 0.05 else float("nan")
        ok = whole["seconds"] <= args.budget_seconds and whole["peak_mb"] <= args.budget_mb \
            and not whole["status"].startswith(("TIMEOUT", "CRASH"))
        bad += not ok
        print(f"{name:<22} {n:>10} {half['seconds']:>8.2f} {whole['seconds']:>8.2f} {growth:>7.2f} "
              f"{whole['added_mb']:>8.0f} {whole['peak_mb']:>8.0f} {bare['seconds']:>8.2f} {bare['peak_mb']:>8.0f}  "
              f"{'ok' if ok else 'OVER':<7}  {whole['status']}")
    print(f"{len(names) - bad}/{len(names)} classes within {args.budget_seconds:g} s and {args.budget_mb:g} MB")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
