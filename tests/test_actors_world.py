"""Issue 14, code part: the PETRARCH2 pack, roles of countries, media as sources, pronoun
agreement, the gazetteer and the actors commands. Sentences written for these tests."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from annales.actors import importers, kb as kbmod
from annales.actors.kb import KnowledgeBase
from annales.actors.link import link
from annales.model import Document, Published

ROOT = Path(__file__).resolve().parents[1]

DICT = """# a PETRARCH-style dictionary written for this test
FRANCE_ [FRA]
+FRENCH_
JEAN_EXEMPLE_   # a minister
+PRESIDENT_JEAN_EXEMPLE_
+EXEMPLE_
+JEAN_B._EXEMPLE_
[FRAGOV 100101-120515]
[FRAELI]
ANCIEN_CHEF_
[FRAGOV 600101-700101]
VLADIMIR_PUTIN_
+VLADIMIR_VLADIMIROVICH_PUTIN_
+VLADIMIR_V_PUTIN_
[RUSGOV >000507]
"""
INTL = "ACME_WIDGETS_INC_ [MNCUSA]\nUNITED_NATIONS_ [IGOUNO]\n"
MIL = "FRONT_OF_EXAMPLES_ [FRAREB]\n+EXAMPLE_FRONT_\n"


def doc(text, date, lang="fr"):
    return Document(id="t", text=text, language=lang, published=Published(date, "day", "metadata"))


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch):
    monkeypatch.setenv("ANNALES_HOME", str(tmp_path / "home"))


@pytest.fixture()
def pack(tmp_path, monkeypatch):
    src = tmp_path / "petrarch"
    src.mkdir()
    names = list(importers.VOCAB["petrarch"]["pack"]["files"])
    for name, text in zip(names, (DICT, INTL, MIL)):
        (src / name).write_text(text, encoding="utf-8")
    (src / "LICENSE").write_text("The MIT License (MIT)\n", encoding="utf-8")
    n, path = importers.build_pack(str(src), str(tmp_path / "packs"))
    monkeypatch.setattr(kbmod, "PACK_DIR", tmp_path / "packs")
    return n, Path(path)


def test_pack_keeps_people_groups_and_bodies_not_countries_firms_titles_or_bare_names(pack):
    n, path = pack
    rows = {d["name"]: d for d in map(json.loads, path.read_text(encoding="utf-8").splitlines())}
    assert "France" not in rows and "Acme Widgets Inc" not in rows and "Ancien Chef" not in rows
    jean = rows["Jean Exemple"]
    assert jean["id"].startswith("px-") and jean["type"] == "person" and jean["country"] == "FRA"
    assert jean["names"]["en"] == ["Jean Exemple", "Jean B. Exemple"]    # no "President ...", no bare "Exemple"
    assert [(r["start"], r["end"], r["code"]) for r in jean["roles"]][0] == ("2010-01-01", "2012-05-15", "FRAGOV")
    assert rows["Front of Examples"]["type"] == "group" and rows["United Nations"]["type"] == "organization"
    assert "MIT License" in (path.parent / "petrarch2.NOTICE.txt").read_text(encoding="utf-8")


def test_curated_entries_win_over_the_pack(pack):
    kb = KnowledgeBase.load(user=False)
    assert [e.id for e in kb.lookup("Vladimir Putin")] == ["vladimir-putin"]
    putin = kb.get("vladimir-putin")
    assert not putin.pack and "Vladimir Vladimirovich Putin" in putin.names["en"]
    assert all(r.role != "affiliation" for r in putin.roles)          # the pack's codes do not add roles
    assert [e.id for e in kb.lookup("United Nations") if e.pack] == []
    jean = kb.lookup("Jean Exemple")[0]
    assert jean.pack == "petrarch2"
    ms = link(doc("Jean Exemple a rencontré des élus.", "2011-03-01"), kb=kb)
    assert ms[0].actor.id == jean.id and ms[0].actor.code == "FRAGOV"
    assert KnowledgeBase.load(user=False, packs=False).lookup("Jean Exemple") == []


def test_shipped_pack_is_loaded_after_the_curated_files():
    kb = KnowledgeBase.load(user=False)
    packed = [e for e in kb.entities.values() if e.pack == "petrarch2"]
    assert len(packed) > 10000
    assert (kbmod.PACK_DIR / "petrarch2.NOTICE.txt").is_file()
    # a pack person never answers a post the curated offices fill
    assert all(not e.pack for e in kb.holders("head_of_state", "FRA", "2014-03-01"))


@pytest.mark.parametrize("lang,text,date,country,role", [
    ("fr", "Le président américain a téléphoné au président français.", "1861-06-01", "USA",
     "president of the United States"),
    ("fr", "La chancelière allemande a reçu des élus.", "1900-06-01", "DEU", "prime minister of Germany"),
    ("en", "The Japanese prime minister met reporters.", "1890-06-01", "JPN", "prime minister of Japan"),
])
def test_a_post_with_no_holder_is_a_role_of_its_country(lang, text, date, country, role):
    ms = link(doc(text, date, lang), kb=KnowledgeBase.load(user=False))
    a = ms[0].actor
    assert (a.type, a.country, a.role) == ("country", country, role)
    assert a.name != ms[0].text and a.code == country + "GOV"


def test_media_are_sources_not_actors():
    from annales.extract import extract
    text = ("L'Agence France-Presse s'est rendue mardi en Libye. "
            "Selon Reuters, Emmanuel Macron a rencontré Olaf Scholz mercredi à Berlin.")
    recs = extract(doc(text, "2023-05-10"))
    doers = {a.name for r in recs for a in r.actor + r.recipient}
    assert not doers & {"Agence France-Presse", "Reuters"}
    assert recs and any(a.name == "Emmanuel Macron" for r in recs for a in r.actor)


def test_pronouns_agree_in_gender():
    from annales.extract import extract
    text = "Barack Obama est arrivé lundi à Berlin. Elle s'est rendue mardi à Paris pour rencontrer des élus."
    recs = extract(doc(text, "2013-06-19"))
    assert all(a.name != "Barack Obama" for r in recs for a in r.actor if a.text == "Elle")
    text = "Angela Merkel est arrivée lundi à Paris. Elle s'est rendue mardi à Madrid."
    recs = extract(doc(text, "2013-06-19"))
    assert any(a.name == "Angela Merkel" and a.text == "Elle" for r in recs for a in r.actor)


def test_gazetteer_cities_and_country_names():
    from annales import gazetteer
    cairo = gazetteer.find_city("Le Caire")
    assert (cairo.name, cairo.country) == ("Cairo", "EGY") and abs(cairo.lat - 30.05) < 0.2
    assert gazetteer.find_city("Alexandrie").country == "EGY"        # the biggest of the name
    assert gazetteer.find_city("Alexandria", "USA").country == "USA"
    assert "Égypte" in gazetteer.iso_countries()["EGY"]["names"]["fr"]
    assert gazetteer.locate({"name": "Alep", "country": "SYR"})["name"] == "Aleppo"
    ms = link(doc("Les manifestants se sont rassemblés à Alexandrie.", "2011-01-28"), kb=KnowledgeBase.load(user=False))
    place = [m for m in ms if m.text == "Alexandrie"]
    assert place and place[0].kind == "city" and place[0].actor.country == "EGY"


def test_actors_show_and_stats_commands(tmp_path):
    import os
    env = dict(os.environ, ANNALES_HOME=str(tmp_path / "home"))
    run = lambda *a: subprocess.run([sys.executable, "-m", "annales", *a], capture_output=True, text=True,
                                    cwd=ROOT, env=env, timeout=300)
    show = run("actors", "show", "Barack Obama")
    assert show.returncode == 0, show.stderr
    assert "2009-01-20" in show.stdout and "president of the United States" in show.stdout
    stats = run("actors", "stats")
    assert stats.returncode == 0, stats.stderr
    assert "petrarch2" in stats.stdout and "countries with a head of state on record" in stats.stdout


def test_a_bare_short_name_is_never_someone_dead_by_then():
    kb = KnowledgeBase.load(user=False)
    dead = [e for e in kb.entities.values() if e.type == "person" and e.died and not e.pack and
            any(len(n.split()) == 1 for n in e.names.get("en", []))]
    assert dead
    e = dead[0]
    short = next(n for n in e.names["en"] if len(n.split()) == 1)
    after = f"{int(e.died[:4]) + 2}-06-01"
    ms = [m for m in link(doc(f"{short} a parlé.", after), kb=kb) if m.text == short]
    assert all(m.actor.id != e.id for m in ms)
