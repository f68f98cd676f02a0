"""Property tests of cleaning and extraction on generated documents: any mix of news words,
dates, punctuation, markup and stray characters is cleaned or refused with a reason, never
crashes a stage, and every record it gives points at text that is really there. Each example
runs under an alarm (a hang is a failure; speed is bench/pathological.py's job)."""
from __future__ import annotations


from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annales import pipeline
from annales.model import RawDoc

from alarm import within

PER_EXAMPLE = 30                     # seconds: a guard against hangs, far above the usual 0.1 s
SETTINGS = settings(max_examples=60, deadline=None, database=None, suppress_health_check=list(HealthCheck))
PLOVER = {"AGREE", "ACCUSE", "ASSAULT", "COERCE", "CONCEDE", "CONSULT", "COOPERATE", "AID", "DEMAND",
          "DISAPPROVE", "MOBILIZE", "PROTEST", "REJECT", "RETREAT", "SANCTION", "SUPPORT", "THREATEN"}

WORDS = ["Le", "ministre", "russe", "de", "la", "Défense", "a", "rencontré", "son", "homologue", "chinois",
         "à", "Pékin", "mardi", "hier", "le", "12", "mars", "2024", "président", "américain", "accusé",
         "l'Iran", "d'avoir", "livré", "des", "missiles", "aux", "Houthis", "selon", "l'AFP", "The", "minister",
         "visited", "Kyiv", "on", "Monday", "and", "signed", "an", "agreement", "with", "Ukraine", "n'a", "pas",
         "démenti", "prévoit", "de", "se", "rendre", "Moscou", "en", "juin", "Emmanuel", "Macron", "Kim",
         "Jong-un", "(", ")", "«", "»", ",", ".", ";", ":", "!", "?", "—", "-", "…", "'", '"', "\n", "\n\n",
         "\t", "  ", "1er", "2023-13-45", "31/02/2024", "Publié", "Lire aussi", "©", "@", "http://x.test/a",
         "é", "\u00a0", "\u200b", "\ufeff", "ﬁ", "𝔸", "🙂", "<", ">", "&amp;", "\x00", "\r"]
TAGS = ["<p>", "</p>", "<div>", "</div>", "<h1>", "</h1>", "<br>", "<script>x=1</script>", "<b>", "</b>",
        "<!-- c -->", "<html>", "<body>", "</body>", "<title>T</title>", "<a href='#'>", "</a>", "<table><tr><td>"]

text_docs = st.lists(st.sampled_from(WORDS) | st.text(max_size=8), min_size=0, max_size=300).map(" ".join)
html_docs = st.lists(st.sampled_from(WORDS + TAGS) | st.text(max_size=6), min_size=0, max_size=300).map(
    lambda parts: "<html><body>" + " ".join(parts) + "</body></html>")
published = st.sampled_from([None, "2024-03-14", "2024-03", "2024", "2024-02-30", "bad", ""])


def _processed(raw: RawDoc):
    with within(PER_EXAMPLE):
        return pipeline.process(raw)


def _check(out) -> None:
    assert out.status in ("ok", "failed", "unsupported"), out.status
    if out.status == "failed":
        assert out.reason and "crashed" not in out.reason, out.reason       # refused with a reason, not a bug
        return
    doc = out.document
    assert not [w for w in doc.warnings if w.startswith("extract:")], doc.warnings   # no stage crashed
    for rec in out.records:
        assert rec.event in PLOVER
        assert 0.0 <= rec.confidence <= 1.0
        if rec.date is not None and rec.date.earliest and rec.date.latest:
            assert rec.date.earliest <= rec.date.latest
        for ev in rec.evidence:
            assert 0 <= ev.start < ev.end <= len(doc.text)
            assert doc.text[ev.start:ev.end] == ev.text
        rec.to_dict()                                                     # serialisable as EVENTS.md


@SETTINGS
@given(text=text_docs, pub=published)
def test_any_text_is_cleaned_and_extracted_or_refused(text, pub):
    _check(_processed(RawDoc(id="fuzz.txt", data=text.encode("utf-8", "surrogatepass"), kind="text",
                             published=pub)))


@SETTINGS
@given(html=html_docs, pub=published)
def test_any_html_is_cleaned_and_extracted_or_refused(html, pub):
    _check(_processed(RawDoc(id="fuzz.html", data=html.encode("utf-8", "surrogatepass"), kind="html",
                             published=pub)))


@SETTINGS
@given(data=st.binary(max_size=2000))
def test_any_bytes_are_decoded_or_refused(data):
    _check(_processed(RawDoc(id="fuzz.bin", data=data, kind="text", published="2024-03-14")))
