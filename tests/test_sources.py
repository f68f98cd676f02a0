"""Reading files, folders, JSONL and feeds into RawDocs (fixtures written for these tests)."""
from __future__ import annotations

import json
import os
import time
import tracemalloc

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annales import sources
from annales.model import RawDoc, SourceError
from annales.sources import MAX_LINE_BYTES, load_metadata, read_paths

ARTICLE = "Le ministre a rencontré son homologue mardi à Hanoï pour parler de défense.\n"


def _write(path, text: str | bytes):
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _set_mtime(path, day: str):
    t = time.mktime(time.strptime(day + " 12", "%Y-%m-%d %H"))
    os.utime(path, (t, t))


def test_folder_recursion_ids_and_skips(tmp_path):
    _write(tmp_path / "b.txt", ARTICLE)
    _write(tmp_path / "a.html", "<html><body><p>Bonjour.</p></body></html>")
    _write(tmp_path / "sub" / "c.txt", ARTICLE)
    _write(tmp_path / ".hidden.txt", ARTICLE)
    _write(tmp_path / ".git" / "x.txt", ARTICLE)
    _write(tmp_path / "notes.docx", b"PK\x03\x04")
    _write(tmp_path / "metadata.jsonl", '{"file": "b.txt"}\n')
    items = list(read_paths([str(tmp_path)]))
    docs = [d for d in items if isinstance(d, RawDoc)]
    assert [d.id for d in docs] == ["a.html", "b.txt", "sub/c.txt"]
    assert [d.kind for d in docs] == ["html", "text", "text"]
    assert docs[1].data == ARTICLE.encode("utf-8")
    # hidden files and metadata go unsaid; any other path not read gets its line
    (skip,) = [d for d in items if isinstance(d, SourceError)]
    assert skip.id == "notes.docx" and skip.status == "ignored" and "unknown extension '.docx'" in skip.reason


def test_every_path_not_read_says_why(tmp_path):
    _write(tmp_path / "a.txt", ARTICLE)
    (tmp_path / "gone.txt").symlink_to(tmp_path / "missing.txt")
    locked = tmp_path / "locked"
    locked.mkdir()
    _write(locked / "x.txt", ARTICLE)
    locked.chmod(0)
    try:
        items = list(read_paths([str(tmp_path)]))
    finally:
        locked.chmod(0o755)
    said = {i.id: i.reason for i in items if isinstance(i, SourceError)}
    assert "broken symbolic link" in said["gone.txt"]
    if os.geteuid() != 0:            # root reads any folder: nothing to report then
        assert "folder not read: permission denied" in said["locked"]
    assert [i.id for i in items if isinstance(i, RawDoc)][0] == "a.txt"


def test_file_names_of_any_bytes(tmp_path):
    name = os.fsdecode(b"d\xe9p\xeache.txt")            # Latin-1 bytes: not UTF-8
    _write(tmp_path / name, ARTICLE)
    (doc,) = read_paths([str(tmp_path)])
    assert doc.id == "d\ufffdp\ufffdche.txt"
    doc.id.encode("utf-8")                                 # printable, storable, JSON-able
    doc.path.encode("utf-8")


def test_duplicate_ids_in_one_batch_are_reported(tmp_path):
    lines = [{"id": "x", "text": ARTICLE}, {"id": "y", "text": ARTICLE}, {"id": "x", "text": "Autre texte."}]
    _write(tmp_path / "feed.jsonl", "\n".join(json.dumps(r) for r in lines) + "\n")
    items = list(read_paths([str(tmp_path / "feed.jsonl")]))
    assert [i.id for i in items if isinstance(i, RawDoc)] == ["x", "y"]
    (dup,) = [i for i in items if isinstance(i, SourceError)]
    assert dup.id == "x" and "duplicate id" in dup.reason and "feed.jsonl:3" in dup.reason
    assert next(i for i in items if isinstance(i, RawDoc) and i.id == "x").data == ARTICLE.encode("utf-8")


def test_metadata_of_the_wrong_type_is_named_and_the_document_kept(tmp_path):
    rec = {"id": "x", "text": ARTICLE, "title": 42, "outlet": ["a", "b"], "url": {"u": 1}, "published": 2024}
    _write(tmp_path / "feed.jsonl", json.dumps(rec) + "\n")
    (doc,) = read_paths([str(tmp_path / "feed.jsonl")])
    assert isinstance(doc, RawDoc)
    assert doc.title is None and doc.outlet is None and doc.url is None and doc.published == "2024"
    said = " | ".join(doc.meta["warnings"])
    assert "'title' ignored: expected text, got int 42" in said and "'outlet'" in said and "'url'" in said
    from annales.pipeline import process
    out = process(doc)
    assert out.status == "ok" and any("'title' ignored" in w for w in out.document.warnings)


def test_malformed_feed_date_never_beats_a_valid_one(tmp_path):
    item = "<item><title>T{n}</title><link>http://x.test/{n}</link><description>{body}</description><pubDate>{d}</pubDate></item>"
    body = "Le ministre a annoncé lundi 13 mars 2023 un accord."
    feed = "<rss><channel><title>X</title>" + item.format(n=1, body=body, d="2023-13-45") \
        + item.format(n=2, body=body, d="2023-03-14T23:30:00-05:00") + "</channel></rss>"
    _write(tmp_path / "f.rss", feed)
    bad, good = read_paths([str(tmp_path / "f.rss")])
    assert bad.published is None and "unreadable feed date ignored" in bad.meta["warnings"][0]
    assert good.published == "2023-03-14"             # the outlet's own day, as written


def test_explicit_unknown_extension_read_as_text(tmp_path):
    f = _write(tmp_path / "dispatch.dat", ARTICLE)
    (doc,) = read_paths([str(f)])
    assert isinstance(doc, RawDoc) and doc.kind == "text" and doc.id == "dispatch.dat"


def test_missing_path_gives_source_error(tmp_path):
    out = list(read_paths([str(tmp_path / "nope.txt"), str(_write(tmp_path / "ok.txt", ARTICLE))]))
    assert isinstance(out[0], SourceError) and "no such file" in out[0].reason
    assert isinstance(out[1], RawDoc)


def test_metadata_matching_and_reference_date(tmp_path):
    root = tmp_path / "corpus"
    _write(root / "x" / "one.txt", ARTICLE)
    _write(root / "two.txt", ARTICLE)
    _set_mtime(_write(root / "three.txt", ARTICLE), "2022-03-04")
    meta = _write(tmp_path / "meta.jsonl", "\n".join([
        json.dumps({"file": "x/one.txt", "published": "2023-07", "outlet": "Jade", "crawled": "2023-08-02T10:00:00Z"}),
        json.dumps({"file": "two.txt", "published": None, "url": "https://example.org/two", "title": "Two"}),
        "{not json",
    ]))
    out = list(read_paths([str(root)], str(meta)))
    errors = [d for d in out if isinstance(d, SourceError)]
    docs = {d.id: d for d in out if isinstance(d, RawDoc)}
    assert len(errors) == 1 and "line 3" in errors[0].reason
    one, two, three = docs["x/one.txt"], docs["two.txt"], docs["three.txt"]
    assert (one.published, one.outlet, one.reference_date) == ("2023-07", "Jade", "2023-08-02")
    assert (two.published, two.outlet, two.url, two.title) == (None, None, "https://example.org/two", "Two")
    assert three.reference_date is None and three.published is None     # no mtime unless asked
    assert one.meta["reference_source"] == "crawl" and three.meta["reference_source"] is None
    asked = {d.id: d for d in read_paths([str(root)], str(meta), reference_from_mtime=True) if isinstance(d, RawDoc)}
    assert asked["three.txt"].reference_date == "2022-03-04" and asked["three.txt"].meta["reference_source"] == "mtime"
    assert asked["x/one.txt"].reference_date == "2023-08-02"            # a crawl date still wins


def test_metadata_matches_bare_file_name(tmp_path):
    _write(tmp_path / "deep" / "er" / "story.txt", ARTICLE)
    meta = _write(tmp_path / "m.jsonl", json.dumps({"file": "story.txt", "outlet": "Le Courrier"}) + "\n")
    (doc,) = read_paths([str(tmp_path / "deep")], str(meta))
    assert doc.id == "er/story.txt" and doc.outlet == "Le Courrier"
    assert load_metadata(str(meta))["story.txt"]["outlet"] == "Le Courrier"


def test_jsonl_text_html_and_bad_line(tmp_path):
    lines = [
        json.dumps({"id": "a1", "text": ARTICLE, "published": "2024-02-01", "outlet": "Agence X", "crawled": "2024-02-02"}),
        "{broken json",
        json.dumps({"id": "a2", "html": "<p>Bonjour.</p>", "url": "https://example.org/a2", "title": "T"}),
        json.dumps({"id": "a3"}),
        json.dumps({"text": ARTICLE}),
    ]
    f = _write(tmp_path / "batch.jsonl", "\n".join(lines) + "\n")
    _set_mtime(f, "2024-05-06")
    out = list(read_paths([str(f)]))
    assert [type(d).__name__ for d in out] == ["RawDoc", "SourceError", "RawDoc", "SourceError", "RawDoc"]
    a1, bad, a2, a3, a5 = out
    assert (a1.id, a1.kind, a1.published, a1.outlet, a1.reference_date) == ("a1", "text", "2024-02-01", "Agence X", "2024-02-02")
    assert a1.data == ARTICLE.encode("utf-8")
    assert "line 2" in bad.reason and "invalid JSON" in bad.reason
    assert (a2.kind, a2.url, a2.title, a2.reference_date) == ("html", "https://example.org/a2", "T", None)
    assert [d.reference_date for d in read_paths([str(f)], reference_from_mtime=True)
            if isinstance(d, RawDoc)] == ["2024-02-02", "2024-05-06", "2024-05-06"]
    assert a3.id == "a3" and "text" in a3.reason
    assert a5.id == "batch.jsonl:5"


def test_rss_feed_entries(tmp_path):
    feed = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Gazette du Nord</title><link>https://gazette.example</link>
<item><title>Visite du ministre à Tokyo</title><link>https://gazette.example/visite</link>
<pubDate>Tue, 05 Sep 2023 12:05:01 +0000</pubDate>
<description>&lt;p&gt;Le ministre s'est rendu à Tokyo lundi.&lt;/p&gt;</description></item>
<item><title>Accord signé</title><guid isPermaLink="false">id-42</guid>
<description>Un accord a été signé hier.</description></item>
</channel></rss>"""
    f = _write(tmp_path / "news.rss", feed)
    _set_mtime(f, "2023-09-06")
    docs = list(read_paths([str(tmp_path)]))
    assert [d.id for d in docs] == ["https://gazette.example/visite", "id-42"]
    first = docs[0]
    assert (first.published, first.outlet, first.title, first.url) == (
        "2023-09-05", "Gazette du Nord", "Visite du ministre à Tokyo", "https://gazette.example/visite")
    assert b"Tokyo" in first.data and first.reference_date is None
    assert next(read_paths([str(tmp_path)], reference_from_mtime=True)).reference_date == "2023-09-06"


def test_unreadable_feed_gives_source_error(tmp_path):
    f = _write(tmp_path / "broken.xml", "this is not a feed at all")
    (err,) = read_paths([str(f)])
    assert isinstance(err, SourceError) and err.id == "broken.xml"


def test_missing_metadata_file_is_reported_and_files_still_read(tmp_path):
    _write(tmp_path / "one.txt", ARTICLE)
    out = list(read_paths([str(tmp_path)], str(tmp_path / "absent.jsonl")))
    assert isinstance(out[0], SourceError) and "metadata" in out[0].reason
    assert [d.id for d in out[1:]] == ["one.txt"]


# ---------------------------------------------------------------- size limits

def test_200_mb_jsonl_line_is_refused_in_seconds_without_being_held(tmp_path):
    f = tmp_path / "huge.jsonl"
    with f.open("wb") as fh:
        fh.write((json.dumps({"id": "before", "text": ARTICLE}) + "\n").encode())
        fh.write(b'{"id": "giant", "text": "')
        block = b"x" * 2**20
        for _ in range(200):
            fh.write(block)
        fh.write(b'"}\n')
        fh.write((json.dumps({"id": "after", "text": ARTICLE}) + "\n").encode())
    tracemalloc.start()
    t0 = time.perf_counter()
    out = list(read_paths([str(f)]))
    seconds = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert [type(d).__name__ for d in out] == ["RawDoc", "SourceError", "RawDoc"]
    assert out[1].id == "huge.jsonl:2" and "200.0 MB" in out[1].reason and "limit" in out[1].reason
    assert [out[0].id, out[2].id] == ["before", "after"]
    assert seconds < 10, seconds
    assert peak < 4 * MAX_LINE_BYTES < 100 * 2**20, peak   # streamed past, never held whole


def test_line_and_file_limits_name_the_document_and_reading_goes_on(tmp_path, monkeypatch):
    monkeypatch.setattr(sources, "MAX_LINE_BYTES", 200)
    monkeypatch.setattr(sources, "MAX_FILE_BYTES", 300)
    lines = [json.dumps({"id": "short", "text": ARTICLE}), json.dumps({"id": "long", "text": ARTICLE * 5}),
             json.dumps({"id": "short2", "text": ARTICLE})]
    _write(tmp_path / "a.jsonl", "\n".join(lines) + "\n")
    _write(tmp_path / "b.txt", ARTICLE * 5)
    _write(tmp_path / "c.txt", ARTICLE)
    meta = _write(tmp_path / "m.jsonl", json.dumps({"file": "c.txt", "outlet": "X" * 300}) + "\n"
                  + json.dumps({"file": "b.txt", "outlet": "Y"}) + "\n")
    out = list(read_paths([str(tmp_path)], str(meta)))
    kinds = [(type(d).__name__, d.id) for d in out]
    assert kinds == [("SourceError", f"{meta}:1"), ("RawDoc", "short"), ("SourceError", "a.jsonl:2"),
                     ("RawDoc", "short2"), ("SourceError", "b.txt"), ("RawDoc", "c.txt")]
    assert "above the limit" in out[0].reason and "metadata line 1" in out[0].reason
    assert "above the limit" in out[4].reason and "one document" in out[4].reason


def test_parquet_row_over_the_limit_is_refused_and_the_file_goes_on(tmp_path, monkeypatch):
    import pyarrow as pa
    import pyarrow.parquet as pq

    monkeypatch.setattr(sources, "MAX_LINE_BYTES", 200)
    rows = [{"id": "short", "text": ARTICLE}, {"id": "long", "text": ARTICLE * 5}, {"id": "short2", "text": ARTICLE}]
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "rows.parquet")
    out = list(read_paths([str(tmp_path / "rows.parquet")]))
    assert [(type(d).__name__, d.id) for d in out] == [("RawDoc", "short"), ("SourceError", "long"),
                                                        ("RawDoc", "short2")]
    assert "row 2" in out[1].reason and "above the limit" in out[1].reason


def test_jsonl_bad_utf8_line_is_refused_alone(tmp_path):
    f = _write(tmp_path / "mixed.jsonl", b'{"id": "ok1", "text": "Bonjour."}\n{"id": "bad", "text": "\xff\xfe"}\n'
                                        b'{"id": "ok2", "text": "Salut."}\n')
    out = list(read_paths([str(f)]))
    assert [type(d).__name__ for d in out] == ["RawDoc", "SourceError", "RawDoc"]
    assert out[1].id == "mixed.jsonl:2" and "UTF-8" in out[1].reason


# ---------------------------------------------------------------- properties

@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(lines=st.lists(st.one_of(
    st.binary(max_size=60),
    st.text(max_size=60).map(str.encode),
    st.dictionaries(st.sampled_from(["id", "text", "html", "published", "crawled", "url", "title"]),
                    st.one_of(st.none(), st.integers(), st.text(max_size=30), st.lists(st.integers(), max_size=2)),
                    max_size=5).map(lambda d: json.dumps(d).encode())), max_size=8))
def test_any_jsonl_gives_a_doc_or_an_error_per_line(tmp_path_factory, lines):
    folder = tmp_path_factory.mktemp("fz")
    f = _write(folder / "any.jsonl", b"\n".join(ln.replace(b"\n", b" ").replace(b"\r", b" ") for ln in lines))
    out = list(read_paths([str(f)]))
    assert all(isinstance(d, (RawDoc, SourceError)) for d in out)
    assert len(out) <= len(lines)
    for d in out:
        if isinstance(d, SourceError):
            assert d.id and d.reason
        else:
            assert isinstance(d.data, bytes) and d.kind in ("text", "html")
            assert d.reference_date is None or len(d.reference_date) == 10


@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(data=st.binary(max_size=400))
def test_any_bytes_clean_or_give_a_clean_error(data):
    from annales.clean import CleanError, clean

    try:
        doc = clean(RawDoc(id="fz.txt", data=data))
    except CleanError as exc:
        assert str(exc)
        return
    assert doc.text and doc.body_start <= len(doc.text)
    for clean_start, raw_start, length in doc.offsets:
        assert doc.text[clean_start:clean_start + length] == doc.raw[raw_start:raw_start + length]
