"""Exports open in their target tools' readers; the chronology reads as a timeline."""
from __future__ import annotations

import csv
import io
import json

import networkx as nx
import pandas as pd
import pytest

from annales import export, fuse
from annales.store import Store

from test_fuse import seed_mentions, seed_published
from test_store import by_doc, save

N_MENTIONS = 33


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    path = tmp_path_factory.mktemp("export") / "seeds.db"
    s = Store(path)
    pub = seed_published()
    for doc_id, recs in by_doc(seed_mentions()).items():
        save(s, doc_id, pub[doc_id], recs)
    fuse.refuse_all(s)
    return s


@pytest.fixture(scope="module")
def events(store):
    return store.fused_events()


def test_csv_rows_follow_the_columns(events):
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(export.CSV_COLUMNS)
    for ev in events:
        w.writerow(export.csv_row(ev))
    df = pd.read_csv(io.StringIO(buf.getvalue()))
    assert list(df.columns) == export.CSV_COLUMNS and len(df) == len(events)
    visit = df[df["id"] == next(e["id"] for e in events if "m002-3" in e["mentions"])].iloc[0]
    assert visit["actor"] == "Vladimir Putin" and visit["recipient_country"] == "PRK"
    assert visit["n_sources"] == 2 and visit["date"] == "2024-06"


def test_chronology_reads_as_a_timeline(events):
    text = export.chronology(events)
    lines = text.splitlines()
    undated = [e for e in events if not any((e.get("date") or {}).get(k) for k in ("value", "earliest", "latest"))]
    # one line per event, plus a blank line and a heading before the undated ones
    assert len(lines) == len(events) + (2 if undated else 0)
    if undated:
        head = lines.index(next(l for l in lines if l.startswith("Undated")))
        assert all(l.startswith("undated") for l in lines[head + 1:])
        assert not any(l.startswith("undated") for l in lines[:head])
    assert any(l.startswith("26 Jul 2023 ") and "Sergei Shoigu (RUS) visits Kang Sun-nam (PRK)" in l and "2 sources" in l
               for l in lines)
    assert any(l.startswith("Jun 2024 ") and "Vladimir Putin (RUS) visits Kim Jong Un (PRK)" in l for l in lines)
    assert any(l.startswith("early Oct 2025") for l in lines)
    assert any("North Korea supplies Russia: more than 10,000 soldiers (alleged)" in l for l in lines)
    assert any("United States accuses North Korea" in l for l in lines)
    # the lines follow the store's chronological order, each with its event's label
    dated = [e for e in events if e not in undated]
    assert [l.split("  ")[0].strip() for l in lines[:len(dated)]] == [export.date_words(e["date"]) for e in dated]


def test_chronology_flags_conflicts_and_modality():
    ev = {"id": "f-1", "event": "CONSULT", "mode": "visit", "actor": [{"name": "Sergei Shoigu", "country": "RUS",
                                                                       "type": "person"}],
          "recipient": [{"name": "North Korea", "country": "PRK", "type": "country"}], "location": None,
          "date": {"value": "2023-07", "precision": "month", "earliest": "2023-07-25", "latest": "2023-07-26"},
          "modality": "planned", "mentions": ["a", "b"], "sources": ["x", "y"],
          "conflicts": [{"slot": "date", "values": ["2023-07-25", "2023-07-26"], "sources": [["x"], ["y"]]}]}
    line = export.chronology([ev])
    assert line.startswith("25–26 Jul 2023")
    assert "Sergei Shoigu (RUS) visits North Korea (planned)" in line
    assert "2 sources" in line and "disagree on date" in line


def test_table_has_one_row_per_event(events):
    text = export.table(events)
    rows = text.splitlines()
    assert rows[0].split()[:2] == ["date", "event"] and len(rows) == len(events) + 2
    assert any("Viktor Goremykin (RUS) → Pak Yong-il (PRK)" in r for r in rows)


def test_jsonl_and_csv_of_events_and_mentions(store, events, tmp_path):
    out = tmp_path / "e.jsonl"
    assert export.export(store, "jsonl", str(out), "events", {}) == len(events)
    assert [json.loads(l) for l in out.read_text().splitlines()] == events
    out = tmp_path / "m.csv"
    assert export.export(store, "csv", str(out), "mentions", {}) == N_MENTIONS
    df = pd.read_csv(out)
    assert list(df.columns) == export.MENTION_COLUMNS and len(df) == N_MENTIONS
    # filters are the store's: only the mentions of the events kept
    n = export.export(store, "jsonl", str(tmp_path / "f.jsonl"), "mentions", {"actor": "Putin", "date_from": None})
    ids = {json.loads(l)["id"] for l in (tmp_path / "f.jsonl").read_text().splitlines()}
    assert n == len(ids) and {"m002-3", "m003-5", "m002-4", "m003-6"} <= ids and "m004-1" not in ids


def test_parquet_loads_in_pandas_and_duckdb(store, events, tmp_path):
    import duckdb

    out = tmp_path / "e.parquet"
    assert export.export(store, "parquet", str(out), "events", {}) == len(events)
    df = pd.read_parquet(out)
    assert len(df) == len(events) and set(export.CSV_COLUMNS) <= set(df.columns)
    assert json.loads(df["record"].iloc[0]) == events[0]
    con = duckdb.connect()
    [(two,)] = con.execute(f"SELECT COUNT(*) FROM read_parquet('{out}') WHERE n_sources = 2").fetchall()
    con.close()
    assert two == sum(1 for e in events if len(e["sources"]) == 2) and two >= 3


def test_plover_maps_future_cooperation_to_agree(store, events, tmp_path):
    out = tmp_path / "p.jsonl"
    assert export.export(store, "plover", str(out), "events", {}) == len(events)
    recs = {r["id"]: r for r in map(json.loads, out.read_text().splitlines())}
    for ev in events:
        r = recs[ev["id"]]
        assert r["date"] == (ev["date"] or {}).get("earliest") and isinstance(r["event"], list)
        if ev["modality"] in ("planned", "possible") and ev["event"] in ("CONSULT", "COOPERATE", "AID", "SUPPORT"):
            assert r["event"] == ["AGREE"] and "future" in r["context"]
        else:
            assert r["event"] == [ev["event"]]
    planned = next(e for e in events if "m003-2" in e["mentions"])
    assert recs[planned["id"]]["event"] == ["AGREE"]
    visit = recs[next(e for e in events if "m002-3" in e["mentions"])["id"]]
    assert visit["mode"] == ["visit"] and visit["actor"][0]["code"] == "RUS" and visit["quad_code"] == 1


def test_gdelt_table(store, events, tmp_path):
    out = tmp_path / "g.tsv"
    assert export.export(store, "gdelt", str(out), "events", {}) == len(events)
    df = pd.read_csv(out, sep="\t", dtype=str, keep_default_na=False)
    assert list(df.columns) == export.GDELT_COLUMNS and len(df) == len(events)
    visit = df[df["GLOBALEVENTID"] == next(e["id"] for e in events if "m002-3" in e["mentions"])].iloc[0]
    assert visit["EventCode"] == "042" and visit["EventRootCode"] == "04" and visit["QuadClass"] == "1"
    assert visit["SQLDATE"] == "20240601" and visit["Actor1Name"] == "Vladimir Putin"
    assert visit["Actor2CountryCode"] == "PRK" and visit["NumSources"] == "2"
    accuse = df[df["PLOVEREvent"] == "ACCUSE"].iloc[0]
    assert accuse["EventRootCode"] == "11" and accuse["QuadClass"] == "3" and float(accuse["GoldsteinScale"]) < 0


def test_timelinejs(store, events, tmp_path):
    out = tmp_path / "t.json"
    n = export.export(store, "timelinejs", str(out), "events", {})
    doc = json.loads(out.read_text())
    dated = [e for e in events if e["date"]]
    assert n == len(dated) == len(doc["events"])
    for slide in doc["events"]:
        assert set(slide["start_date"]) == {"year", "month", "day"} and slide["text"]["headline"] and slide["group"]
    ranged = [s for s in doc["events"] if "end_date" in s]
    assert ranged and all((s["end_date"]["year"], s["end_date"]["month"], s["end_date"]["day"]) >=
                          (s["start_date"]["year"], s["start_date"]["month"], s["start_date"]["day"]) for s in ranged)


@pytest.mark.parametrize("fmt,reader", [("graphml", nx.read_graphml), ("gexf", nx.read_gexf)])
def test_actor_network(store, tmp_path, fmt, reader):
    out = tmp_path / f"n.{fmt}"
    n = export.export(store, fmt, str(out), "events", {})
    g = reader(out)
    assert n == len(export.network_events(store.fused_events())) > 0 and g.number_of_edges() > 0
    assert g.has_edge("vladimir-putin", "kim-jong-un")
    # the 2024 visit and treaty (each fused from two reports) and the 2023 letters: three events, not five
    assert int(g["vladimir-putin"]["kim-jong-un"]["weight"]) == 3
    assert g.nodes["viktor-goremykin"]["country"] == "RUS"
    assert g.has_edge("viktor-goremykin", "pak-yong-il") and g.has_edge("viktor-goremykin", "no-kwang-chol")
    # accusations are not co-operation
    assert not g.has_edge("USA", "PRK")


def test_bad_format_is_refused(store, tmp_path):
    with pytest.raises(ValueError, match="unknown export format"):
        export.export(store, "xlsx", str(tmp_path / "x"), "events", {})
    with pytest.raises(ValueError, match="mentions"):
        export.export(store, "gdelt", str(tmp_path / "x"), "mentions", {})
