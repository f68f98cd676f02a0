"""Score `annales clean` against bare trafilatura on the article-extraction benchmark.

The ScrapingHub article-extraction benchmark (181 real pages, MIT) ships its
own scorer, ``evaluate.py`` (token 4-gram shingles, P/R/F1 averaged per page);
both extractors are scored by it in the same run. Trafilatura runs with the
settings Annales gives it (no comments, no tables, favour precision). The
article body compared with the ground truth is ``Document.body`` (the text
without its headline) for Annales and ``text`` for trafilatura.

    .venv/bin/python bench/clean_benchmark.py [--bench DIR] [--n-bootstrap N] [--limit N]
"""
from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from annales import clean  # noqa: E402
from annales.model import RawDoc  # noqa: E402

DEFAULT_BENCH = ROOT.parent / "shared" / "corpus" / "article-extraction-benchmark"


def load_evaluate(bench: Path):
    spec = importlib.util.spec_from_file_location("aeb_evaluate", bench / "evaluate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def pages(bench: Path, limit: int | None) -> dict[str, bytes]:
    truth = json.loads((bench / "ground-truth.json").read_text(encoding="utf-8"))
    keys = sorted(truth)[:limit] if limit else sorted(truth)
    return {k: gzip.decompress((bench / "html" / f"{k}.html.gz").read_bytes()) for k in keys}


def annales_body(key: str, data: bytes) -> str:
    try:
        return clean.clean(RawDoc(id=key, data=data, kind="html")).body
    except clean.CleanError:
        return ""


def trafilatura_body(key: str, data: bytes) -> str:
    import trafilatura

    text, _ = clean.decode(data)
    doc = trafilatura.bare_extraction(text, **clean.TRAFILATURA_SETTINGS)
    return (doc.text or "") if doc is not None else ""


def run(name: str, fn, data: dict[str, bytes]) -> tuple[dict, float]:
    start = time.perf_counter()
    out = {k: {"articleBody": fn(k, v)} for k, v in data.items()}
    return out, time.perf_counter() - start


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bench", type=Path, default=DEFAULT_BENCH)
    ap.add_argument("--n-bootstrap", type=int, default=200)
    ap.add_argument("--limit", type=int, help="only the first N pages (for a quick look)")
    ap.add_argument("--dump", type=Path, help="write each system's predictions to DIR/<name>.json")
    args = ap.parse_args(argv)
    evaluate = load_evaluate(args.bench)
    truth = evaluate.load_json(args.bench / "ground-truth.json")
    data = pages(args.bench, args.limit)
    truth = {k: truth[k] for k in data}
    print(f"{'system':<12} {'F1':>6} {'P':>6} {'R':>6} {'acc':>6} {'s':>6}")
    for name, fn in (("annales", annales_body), ("trafilatura", trafilatura_body)):
        pred, secs = run(name, fn, data)
        if args.dump:
            args.dump.mkdir(parents=True, exist_ok=True)
            (args.dump / f"{name}.json").write_text(json.dumps(pred, ensure_ascii=False), encoding="utf-8")
        m = evaluate.evaluate(truth, pred, args.n_bootstrap)
        print(f"{name:<12} {m['f1']:6.3f} {m['precision']:6.3f} {m['recall']:6.3f} {m['accuracy']:6.3f} {secs:6.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
