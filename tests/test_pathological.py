"""Hostile and unlucky documents: each is handled in linear time and the document still gives
what it can. The sizes are far past where the quadratic versions took minutes; the alarm is a
guard against a hang (a margin of about a hundred times this machine's time), not a benchmark:
bench/pathological.py measures time and memory."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from annales import clean, langid, pipeline, timex
from annales.extract import MAX_SENTENCE, parseable
from annales.model import RawDoc

from alarm import within

ROOT = Path(__file__).resolve().parents[1]
LEAD = "Le ministre russe de la Défense a rencontré mardi son homologue chinois à Pékin. "


def _process(text: str, kind: str = "text"):
    return pipeline.process(RawDoc(id="p", data=text.encode(), kind=kind, published="2024-03-14"))


def test_address_pattern_is_linear_in_a_long_word():
    # was quadratic: the e-mail branch restarted from every character of the run
    with within(20):
        assert clean._URL.search("x" * 400_000) is None
        assert clean._URL.search("a." * 200_000) is None
    assert clean._URL.search("écrire à presse@exemple.fr")          # still finds addresses


def test_long_words_and_address_like_runs_keep_the_article():
    with within(30):
        out = _process(LEAD + "Il a dit que " + "x." * 50_000 + " était prêt.")
    assert out.status == "ok" and any(r.event == "CONSULT" for r in out.records)


def test_punctuation_runs_reach_the_parser_as_one_mark():
    text = "Il a visité Paris " + "(" * 1000 + " et Rome."
    seen = parseable(text)
    assert len(seen) == len(text)                                     # offsets unchanged
    assert seen.startswith("Il a visité Paris (") and seen.endswith(" et Rome.")
    assert not re.search(r"\({2,}", seen)
    assert len(parseable("le " * 100_000)) == MAX_SENTENCE


def test_bracket_runs_do_not_stall_extraction():
    # spaCy's tokenizer took seconds per thousand brackets (its suffix search rescans the run)
    with within(30):
        out = _process(LEAD.rstrip(". ") + " " + "(" * 20_000 + " et a signé un accord.")
    assert out.status == "ok" and out.records


def test_a_huge_sentence_is_cut_not_parsed_whole():
    # "le " x 100k used to cost gigabytes in the parser
    with within(60):
        out = _process(LEAD + "Le ministre a rencontré " + "le " * 100_000 + "homologue.")
    assert out.status == "ok" and any(r.event == "CONSULT" for r in out.records)


def test_language_of_a_text_that_opens_with_symbols():
    text = "(" * 5000 + " " + "Le ministre a rencontré son homologue à Paris et ils ont signé un accord. " * 3
    assert langid.identify(text)[0] == "fr"


def test_time_tagging_is_linear_in_one_long_sentence():
    sentence = "Le ministre a parlé " + "le 12 mars 2024, puis mardi et hier, " * 3000 + "enfin."
    with within(30):
        found = timex.tag(sentence, "fr", "2024-03-14")
    assert len(found) >= 3 * 3000 - 10


def test_deeply_nested_html_keeps_its_article():
    deep = 3000
    html = ("<html><body>" + "<div>" * deep + "<p>" + LEAD + "</p>" + "</div>" * deep + "</body></html>")
    with within(30):
        out = _process(html, kind="html")
    assert out.status == "ok", out.reason
    assert "Pékin" in out.document.text
    assert any("nested" in w for w in out.document.warnings)


def test_pathological_bench_runs_and_prints_each_class():
    p = subprocess.run([sys.executable, str(ROOT / "bench" / "pathological.py"), "--scale", "0.01",
                        "--only", "deep_html"],
                       capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert p.returncode == 0, p.stdout + p.stderr
    lines = p.stdout.splitlines()
    assert any(line.startswith("deep_html") and " ok " in line for line in lines)
    assert lines[-1].startswith("1/1 classes within")


@pytest.mark.parametrize("deep", [300, 1000])
def test_flattening_keeps_text_and_says_so(deep):
    warnings: list[str] = []
    html = "<div>" * deep + "<p>texte</p>" + "</div>" * deep
    flat = clean._flatten_deep(html, warnings)
    assert "texte" in flat and flat.count("<div>") == clean.MAX_DEPTH
    assert warnings and str(deep + 1) in warnings[0]
    assert clean._flatten_deep("<div><p>a</p><br><img src=x></div>", []) == "<div><p>a</p><br><img src=x></div>"
