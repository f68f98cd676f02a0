"""End to end through the `annales` command, as a user runs it."""
from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "corpus" / "seeds"

# Raised as extraction improves: the referee's lenient F1 on the seeds must not fall below it.
SEEDS_F1_FLOOR = 0.85


def annales(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "annales", *args], capture_output=True, text=True,
                          cwd=cwd or ROOT, timeout=900)


def snapshot(db: Path) -> dict:
    con = sqlite3.connect(db)
    out = {t: con.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()
           for t in ("documents", "mentions", "fused_events", "fused_mentions", "actors")}
    con.close()
    # ingestion time is the only field allowed to differ between identical runs
    out["documents"] = [row[:-1] for row in out["documents"]]
    return out


@pytest.mark.parametrize("command", ["ingest", "extract", "clean", "dates", "events", "timeline", "export",
                                     "actors", "serve", "fuse"])
def test_every_command_has_help(command):
    res = annales(command, "--help")
    assert res.returncode == 0, res.stderr
    assert "usage: annales " + command in res.stdout


def test_ingest_twice_changes_nothing(tmp_path):
    db = tmp_path / "a.db"
    first = annales("ingest", str(EXAMPLES), "--metadata", str(EXAMPLES / "metadata.jsonl"), "--db", str(db), "-q")
    assert first.returncode == 0, first.stderr
    before = snapshot(db)
    assert before["documents"], "the demo corpus stored no document"
    second = annales("ingest", str(EXAMPLES), "--metadata", str(EXAMPLES / "metadata.jsonl"), "--db", str(db), "-q")
    assert second.returncode == 0, second.stderr
    assert "already stored" in second.stderr
    assert snapshot(db) == before


def test_timeline_prints_a_chronology(tmp_path):
    db = tmp_path / "t.db"
    res = annales("ingest", str(EXAMPLES), "--metadata", str(EXAMPLES / "metadata.jsonl"), "--db", str(db), "-q")
    assert res.returncode == 0, res.stderr
    out = annales("timeline", "--db", str(db))
    assert out.returncode == 0, out.stderr
    lines = [l for l in out.stdout.splitlines() if re.match(r"\d{1,2} [A-Z][a-z]{2} \d{4} ", l)]
    assert len(lines) >= 3, out.stdout
    days = [datetime.strptime(" ".join(l.split()[:3]), "%d %b %Y") for l in lines]
    assert days == sorted(days), "the timeline is not chronological"
    ev = annales("events", "--db", str(db), "--format", "jsonl", "--country", "PRK")
    assert ev.returncode == 0, ev.stderr
    records = [json.loads(l) for l in ev.stdout.splitlines()]
    assert records and all("sources" in r and "mentions" in r for r in records)
    assert all(any(a.get("country") == "PRK" for a in r["actor"] + r["recipient"]) for r in records)


def test_bad_files_get_one_line_each_and_good_ones_are_stored(tmp_path):
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (corpus / "latin1.txt").write_bytes(
        "Le ministre russe de la Défense s'est rendu à Pyongyang mercredi, où il a été reçu par le "
        "dirigeant nord-coréen. Les deux hommes ont évoqué une coopération militaire accrue.".encode("latin-1"))
    big = ("Ligne de remplissage sans aucun intérêt pour les événements politiques. " * 20 + "\n") * 22000
    (corpus / "huge.txt").write_bytes(big.encode("utf-8"))
    assert (corpus / "huge.txt").stat().st_size > 30_000_000
    (corpus / "good.txt").write_text(
        "Moscou, 13 septembre 2023. Le président russe Vladimir Poutine a reçu mercredi le dirigeant "
        "nord-coréen Kim Jong-un au cosmodrome de Vostotchny.\n\nLes deux dirigeants ont tenu des "
        "pourparlers pendant plusieurs heures.", encoding="utf-8")
    db = tmp_path / "b.db"
    res = annales("ingest", str(corpus), "--db", str(db), "-q")
    assert res.returncode == 0, res.stderr
    lines = res.stderr.splitlines()
    for name in ("empty.txt", "binary.txt"):
        assert any(name in l and l.startswith("failed") for l in lines), res.stderr
    con = sqlite3.connect(db)
    stored = {r[0] for r in con.execute("SELECT id FROM documents")}
    assert {"good.txt", "latin1.txt"} <= stored
    assert not {"empty.txt", "binary.txt"} & stored
    latin = con.execute("SELECT text FROM documents WHERE id='latin1.txt'").fetchone()[0]
    assert "Défense" in latin
    # the huge file is refused or truncated, with a message naming it either way
    assert any("huge.txt" in l for l in lines) or "huge.txt" in stored


def test_nothing_processed_is_an_error(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    res = annales("extract", str(tmp_path / "empty.txt"), "-o", str(tmp_path / "o.jsonl"), "-q")
    assert res.returncode != 0
    assert "empty.txt" in res.stderr
    missing = annales("extract", str(tmp_path / "nope"), "-o", str(tmp_path / "o.jsonl"), "-q")
    assert missing.returncode != 0 and "no such file" in missing.stderr


def test_seeds_score_with_the_referee(tmp_path):
    assert SEEDS.exists(), f"the seeds are read from {SEEDS}: clone next to ../shared"
    out = tmp_path / "seeds.jsonl"
    res = annales("extract", str(SEEDS), "--metadata", str(SEEDS / "metadata.jsonl"), "-o", str(out), "-q")
    assert res.returncode == 0, res.stderr
    records = [json.loads(l) for l in out.read_text().splitlines()]
    for r in records:
        assert set(r) >= {"id", "doc", "event", "actor", "recipient", "date", "modality", "evidence"}
    score = subprocess.run([sys.executable, str(SHARED / "tools" / "score_events.py"),
                            str(SHARED / "gold" / "seeds.events.jsonl"), str(out), "--json"],
                           capture_output=True, text=True, check=True)
    result = json.loads(score.stdout)
    print("referee:", {k: v for k, v in result.items() if k not in ("missed", "extra")})
    assert result["f1"] >= SEEDS_F1_FLOOR


def test_actors_import_then_show_and_link(tmp_path):
    """A user's dictionary, imported through the command, extends the knowledge base for every command."""
    import os

    (tmp_path / "dict.txt").write_text(
        "# written for this test\nIVAN_PETROVSKY_\n+IVAN_PETROVSKI_\n[RUSMIL 190301-230615]\n", encoding="utf-8")
    env = dict(os.environ, ANNALES_HOME=str(tmp_path / "home"))
    run = lambda *a: subprocess.run([sys.executable, "-m", "annales", *a], capture_output=True, text=True,
                                    cwd=ROOT, env=env, timeout=300)
    imp = run("actors", "import", str(tmp_path / "dict.txt"))
    assert imp.returncode == 0, imp.stderr
    assert "imported 1 actors" in imp.stderr
    assert list((tmp_path / "home" / "actors").glob("*.jsonl"))
    show = run("actors", "show", "Ivan Petrovsky")
    assert show.returncode == 0, show.stderr
    assert "2019-03-01" in show.stdout and "2023-06-15" in show.stdout
    known = run("actors", "show", "Sergei Shoigu")
    assert "defence minister of Russia" in known.stdout and "2024-05-12" in known.stdout


def test_seeds_fuse_into_the_expected_timeline(tmp_path):
    """Issue 7's acceptance on the real extraction of the seeds."""
    db = tmp_path / "seeds.db"
    res = annales("ingest", str(SEEDS), "--metadata", str(SEEDS / "metadata.jsonl"), "--db", str(db), "-q")
    assert res.returncode == 0, res.stderr
    out = annales("events", "--db", str(db), "--format", "jsonl")
    events = [json.loads(l) for l in out.stdout.splitlines()]

    def names(ev):
        return {a["name"] for a in ev["actor"] + ev["recipient"]}

    putin = [e for e in events if e["event"] == "CONSULT" and e["mode"] == "visit" and "Vladimir Putin" in names(e)
             and ((e["date"] or {}).get("value") or "").startswith("2024-06")]
    assert len(putin) == 1 and len(putin[0]["sources"]) == 2, putin
    treaty = [e for e in events if e["event"] == "SUPPORT" and ((e["date"] or {}).get("value") or "").startswith("2024-06")]
    assert len(treaty) == 1 and len(treaty[0]["sources"]) == 2, treaty
    shoigu = [e for e in events if e["event"] == "CONSULT" and "Sergei Shoigu" in names(e) and e["mode"] == "visit"]
    assert len(shoigu) == 1 and shoigu[0]["date"]["value"] == "2023-07-26" and len(shoigu[0]["sources"]) == 2
    goremykin = [e for e in events if "Viktor Goremykin" in names(e) and e["event"] == "CONSULT"]
    assert {"Pak Yong-il", "No Kwang-chol"} <= {n for e in goremykin for n in names(e)}
    assert not any({"Pak Yong-il", "No Kwang-chol"} <= names(e) for e in goremykin), "two meetings merged"
