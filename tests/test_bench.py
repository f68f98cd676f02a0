"""The benchmark scripts run end to end on tiny corpora and report sane figures (never timing limits)."""
import json
import subprocess
import sys
from pathlib import Path

import py3langid
import pytest

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
sys.path.insert(0, str(BENCH))

import corpus  # noqa: E402  (bench/ is a folder of scripts, not a package)
import clean_benchmark  # noqa: E402
import measure  # noqa: E402
import scaling  # noqa: E402

THROUGHPUT_KEYS = {"docs", "words", "annales_docs_per_s", "spacy_docs_per_s", "ratio",
                   "annales_peak_rss_mb", "spacy_peak_rss_mb", "workers"}


def run_script(name: str, *args: str, tmp_path: Path) -> dict:
    out = tmp_path / f"{name}.json"
    proc = subprocess.run([sys.executable, str(BENCH / name), *args, "--json", str(out), "-q"],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip(), "the script prints a report"
    return json.loads(out.read_text())


def test_throughput_json_has_the_keys_and_sane_values(tmp_path):
    r = run_script("throughput.py", "--docs", "6", tmp_path=tmp_path)
    assert THROUGHPUT_KEYS <= set(r)
    assert r["docs"] == 6 and r["workers"] == 1
    assert r["words"] > 6 * 50
    for key in ("annales_docs_per_s", "spacy_docs_per_s", "ratio", "annales_peak_rss_mb", "spacy_peak_rss_mb"):
        assert r[key] > 0, key
    assert r["ratio"] == pytest.approx(r["annales_docs_per_s"] / r["spacy_docs_per_s"], rel=0.01)
    # the baseline really loaded a spaCy model: far more memory than a bare interpreter
    assert r["spacy_peak_rss_mb"] > 100
    assert r["annales_ok_docs"] == 6


def test_scaling_json_has_three_sizes(tmp_path):
    r = run_script("scaling.py", "--base", "3", tmp_path=tmp_path)
    assert [x["docs"] for x in r["runs"]] == [3, 12, 48]
    for x in r["runs"]:
        assert x["seconds"] > 0 and x["docs_per_s"] > 0 and x["peak_rss_mb"] > 0
    assert len(r["marginal_docs_per_s"]) == 2
    for m, (a, b) in zip(r["marginal_docs_per_s"], zip(r["runs"], r["runs"][1:])):
        dt = b["seconds"] - a["seconds"]
        assert m == (pytest.approx((b["docs"] - a["docs"]) / dt, rel=0.01) if dt > 0 else None)
    # the verdicts follow from the figures reported beside them
    assert r["linear"] == scaling.within(r["marginal_docs_per_s"], scaling.RATE_TOLERANCE)
    assert r["linear_raw"] == scaling.within([x["docs_per_s"] for x in r["runs"]], scaling.RATE_TOLERANCE)
    assert r["memory_growth"] == pytest.approx(r["runs"][2]["peak_rss_mb"] / r["runs"][0]["peak_rss_mb"], rel=0.01)
    assert r["memory_flat"] == (r["memory_growth"] <= 1 + scaling.MEMORY_TOLERANCE)


def test_linearity_verdict():
    assert scaling.within([10.0, 10.5, 9.8], 0.1) is True
    assert scaling.within([10.0, 20.0], 0.1) is False
    assert scaling.within([10.0, None], 0.1) is None and scaling.within([], 0.1) is None


def test_generated_corpus_is_deterministic_and_varied():
    a = corpus.generate(12, lang="fr", seed=3)
    b = corpus.generate(12, lang="fr", seed=3)
    c = corpus.generate(12, lang="fr", seed=4)
    assert [d.text for d in a] == [d.text for d in b]
    assert [d.text for d in a] != [d.text for d in c]
    assert len({d.text for d in a}) == 12
    assert len({d.file for d in a}) == 12


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_generated_documents_are_in_the_language_asked(lang):
    docs = corpus.generate(8, lang=lang, seed=1)
    assert all(d.lang == lang for d in docs)
    assert all(py3langid.classify(d.text)[0] == lang for d in docs)


def test_mixed_corpus_has_both_languages_and_valid_metadata(tmp_path):
    docs = corpus.generate(30, lang="mixed", seed=2)
    assert {d.lang for d in docs} == {"fr", "en"}
    doc_dir, meta = corpus.write(docs, tmp_path)
    lines = [json.loads(x) for x in meta.read_text(encoding="utf-8").splitlines()]
    assert [m["file"] for m in lines] == sorted(p.name for p in doc_dir.iterdir())
    for m in lines:
        assert m["published"] is None or len(m["published"]) in (7, 10)


def test_generated_documents_are_not_copies_of_the_demo_articles():
    demo_bodies = {"\n\n".join(t.body) for t in corpus.load_templates()}
    for d in corpus.generate(20, lang="mixed", seed=5):
        assert not any(body in d.text for body in demo_bodies)


def test_bad_language_is_refused():
    with pytest.raises(ValueError, match="lang"):
        corpus.generate(3, lang="de")


def test_peak_rss_sums_the_process_tree():
    # two children hold ~120 MB each at the same time: the tree peak must see both
    code = ("import os, time\n"
            "pids = []\n"
            "for _ in range(2):\n"
            "    pid = os.fork()\n"
            "    if pid == 0:\n"
            "        b = bytearray(120 * 1024 * 1024); time.sleep(1.0); os._exit(0)\n"
            "    pids.append(pid)\n"
            "for p in pids: os.waitpid(p, 0)\n")
    m = measure.run_measured([sys.executable, "-c", code], "fork-test", interval=0.05, progress=False)
    assert m.returncode == 0
    assert m.peak_rss_mb > 200


def test_failed_command_is_reported():
    m = measure.run_measured([sys.executable, "-c", "import sys; sys.exit('boom')"], "fail", progress=False)
    with pytest.raises(SystemExit, match="boom"):
        measure.checked(m, "failing command")


def test_clean_is_at_least_as_good_as_bare_trafilatura_on_the_extraction_benchmark():
    """The whole ScrapingHub benchmark, scored by its own evaluate.py (a missing ../shared fails)."""
    r = clean_benchmark.score(n_bootstrap=2)
    annales, bare = r["annales"], r["trafilatura"]
    assert r["pages"] == 181
    assert annales["f1"] >= bare["f1"], r
    assert annales["f1"] >= 0.95 and annales["recall"] >= 0.95, r
