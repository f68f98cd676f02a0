"""Score `annales clean` against bare trafilatura on the article-extraction benchmark.

The ScrapingHub article-extraction benchmark (181 real pages, MIT) ships its
own scorer, ``evaluate.py`` (token 4-gram shingles, P/R/F1 averaged per page);
both extractors are scored by it in the same run. Trafilatura runs with the
settings Annales gives it (no comments, no tables, favour precision). The
article body compared with the ground truth is ``Document.body`` (the text
without its headline) for Annales and ``text`` for trafilatura.

    .venv/bin/python bench/clean_benchmark.py [--bench DIR] [--n-bootstrap N] [--limit N] [--json OUT]
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
SEEDS = ROOT.parent / "shared" / "corpus" / "seeds"
SEEDS_GOLD = ROOT.parent / "shared" / "gold" / "seeds.docs.jsonl"


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
    doc = trafilatura.bare_extraction(text, **clean.trafilatura_settings())
    return (doc.text or "") if doc is not None else ""


def run(fn, data: dict[str, bytes]) -> tuple[dict, float]:
    start = time.perf_counter()
    out = {k: {"articleBody": fn(k, v)} for k, v in data.items()}
    return out, time.perf_counter() - start


SYSTEMS = (("annales", annales_body), ("trafilatura", trafilatura_body))


def score(bench: Path = DEFAULT_BENCH, n_bootstrap: int = 200, limit: int | None = None,
          dump: Path | None = None) -> dict[str, dict]:
    """{system: {f1, precision, recall, accuracy, seconds}} by the benchmark's own evaluate.py."""
    evaluate = load_evaluate(bench)
    truth = evaluate.load_json(bench / "ground-truth.json")
    data = pages(bench, limit)
    truth = {k: truth[k] for k in data}
    out = {}
    for name, fn in SYSTEMS:
        pred, secs = run(fn, data)
        if dump:
            dump.mkdir(parents=True, exist_ok=True)
            (dump / f"{name}.json").write_text(json.dumps(pred, ensure_ascii=False), encoding="utf-8")
        m = evaluate.evaluate(truth, pred, n_bootstrap)
        out[name] = {k: round(m[k], 4) for k in ("f1", "precision", "recall", "accuracy",
                                                  "f1_std", "precision_std", "recall_std")}
        out[name]["seconds"] = round(secs, 1)
    out["pages"] = len(data)
    return out


def plain_text(seeds: Path = SEEDS, gold: Path = SEEDS_GOLD) -> dict[str, dict]:
    """Plain-text scrapes, where Annales' own line layer works alone: the seeds' gold lines to
    keep and to drop, with the layer and without it (every line kept, as an HTML extractor has
    nothing to work on in plain text)."""
    from annales.sources import read_paths

    want = {d["doc"]: d for d in map(json.loads, gold.read_text(encoding="utf-8").splitlines()) if d}
    out = {"annales": {"kept": 0, "dropped": 0}, "no layer": {"kept": 0, "dropped": 0}}
    for raw in read_paths([str(seeds)], str(seeds / "metadata.jsonl")):
        g = want.get(getattr(raw, "id", None))
        if g is None:
            continue
        for name, text in (("annales", clean.clean(raw).text), ("no layer", raw.data.decode("utf-8"))):
            out[name]["kept"] += sum(line in text for line in g["must_keep"])
            out[name]["dropped"] += sum(line not in text for line in g["must_drop"])
    n_keep = sum(len(g["must_keep"]) for g in want.values())
    n_drop = sum(len(g["must_drop"]) for g in want.values())
    for v in out.values():
        v.update(keep_of=n_keep, drop_of=n_drop)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bench", type=Path, default=DEFAULT_BENCH)
    ap.add_argument("--n-bootstrap", type=int, default=200, help="bootstrap samples for the ± figures")
    ap.add_argument("--limit", type=int, help="only the first N pages (for a quick look)")
    ap.add_argument("--dump", type=Path, help="write each system's predictions to DIR/<name>.json")
    ap.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = ap.parse_args(argv)
    r = score(args.bench, args.n_bootstrap, args.limit, args.dump)
    print(f"article-extraction benchmark, {r['pages']} pages (scored by its evaluate.py)")
    print(f"{'system':<12} {'F1':>13} {'precision':>13} {'recall':>13} {'accuracy':>8} {'seconds':>8}")
    for name, _ in SYSTEMS:
        m = r[name]
        print(f"{name:<12} {m['f1']:.3f} ± {m['f1_std']:.3f} {m['precision']:.3f} ± {m['precision_std']:.3f} "
              f"{m['recall']:.3f} ± {m['recall_std']:.3f} {m['accuracy']:8.3f} {m['seconds']:8.1f}")
    r["plain_text"] = plain_text()
    print("plain-text scrapes (seeds' gold lines): the line layer alone")
    for name, v in r["plain_text"].items():
        print(f"{name:<12} must_keep kept {v['kept']}/{v['keep_of']}   must_drop dropped {v['dropped']}/{v['drop_of']}")
    if args.json:
        args.json.write_text(json.dumps(r, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
