"""organizations-world.jsonl: armed groups, parties, movements and state institutions of crisis news.

The data is checked as plain JSON lines (like tests/test_kb_data.py, which reads only the three older
files), then linked in sentences written for these tests from public facts."""
from __future__ import annotations

import glob
import json
import re
from pathlib import Path

import pytest

from annales.actors.kb import KnowledgeBase
from annales.actors.link import link
from annales.model import Document, Published

KB_DIR = Path(__file__).resolve().parents[1] / "src" / "annales" / "resources" / "actors"
WORLD = [json.loads(line) for line in (KB_DIR / "organizations-world.jsonl").read_text(encoding="utf-8").splitlines()
         if line.strip()]
CURATED = [json.loads(line) for path in sorted(glob.glob(str(KB_DIR / "*.jsonl")))
           for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
COUNTRY_IDS = {e["id"] for e in CURATED if e["type"] == "country"}
ORG_IDS = {e["id"] for e in CURATED if e["type"] in ("organization", "group")}
KINDS = {"armed_group", "armed_forces", "party", "movement", "government", "government_office", "ministry",
         "legislature", "court", "judiciary", "prosecution", "police", "intelligence_service", "union",
         "religious_body", "news_agency", "newspaper", "broadcaster", "igo"}
# a bare common noun is resolved by the extractor from its context, never by the base
GENERIC = {"armée", "l'armée", "police", "la police", "parquet", "le parquet", "gouvernement", "opposition",
           "rebelles", "militaires", "army", "the army", "military", "government", "rebels", "prosecutors",
           "junte", "junta", "régime", "regime", "justice", "parlement", "parliament", "confrérie"}


def names(e):
    return [e["name"]] + [n for ns in e["names"].values() for n in ns]


def test_rows_follow_the_format():
    for e in WORLD:
        where = e.get("id")
        assert re.fullmatch(r"[a-z0-9-]+", e["id"]), where
        assert e["type"] in ("organization", "group") and e["kind"] in KINDS, where
        assert e["names"]["en"][0] == e["name"] and e["names"]["fr"], where
        assert all(n and n.strip() == n for n in names(e)), where
        assert re.fullmatch(r"[A-Z]{6}", e["code"]), where
        if e["country"] is None:
            assert e["kind"] == "igo" and e["code"].startswith("IGO"), where
        else:
            assert e["country"] in COUNTRY_IDS and e["code"][:3] == e["country"], where
        assert e.get("parent") is None or e["parent"] in ORG_IDS, where
        assert e.get("metonym_for") is None or e["metonym_for"] in COUNTRY_IDS, where
        assert not {n.casefold() for n in names(e)} & GENERIC, where


def test_ids_and_full_names_are_unique_across_the_curated_files():
    ids = [e["id"] for e in CURATED if e["type"] != "person"]     # a person's id recurs: offices packs extend people
    assert len(ids) == len(set(ids))
    assert not {w["id"] for w in WORLD} & {e["id"] for e in CURATED if e not in WORLD}
    owner = {}
    for e in CURATED:
        if e["type"] == "person":
            continue
        for n in names(e):
            assert owner.setdefault(n.casefold(), e["id"]) == e["id"], f"{n!r}: {owner[n.casefold()]} and {e['id']}"


def test_coverage_of_the_three_families():
    kinds = [e["kind"] for e in WORLD]
    assert kinds.count("armed_group") >= 80
    assert kinds.count("party") + kinds.count("movement") >= 40
    state = {e["country"] for e in WORLD if e["kind"] in ("armed_forces", "legislature", "court", "prosecution",
                                                           "police", "ministry", "judiciary")}
    assert {"EGY", "SYR", "TUN", "IRQ", "ISR", "IRN", "TUR", "UKR", "FRA", "USA", "GBR", "DEU"} <= state


@pytest.fixture(scope="module")
def kb():
    return KnowledgeBase.load(user=False)


@pytest.fixture(autouse=True)
def _no_user_home(tmp_path, monkeypatch):
    monkeypatch.setenv("ANNALES_HOME", str(tmp_path / "home"))


def linked(kb, lang, text, date):
    doc = Document(id="t", text=text, language=lang, published=Published(date, "day", "metadata"))
    return link(doc, kb=kb)


@pytest.mark.parametrize("lang,text,date,surface,oid,country", [
    ("fr", "Le Hamas a revendiqué le tir de roquettes vers le sud d'Israël.", "2023-10-08", "Hamas", "hamas", "PSE"),
    ("fr", "Les Frères musulmans ont appelé à manifester vendredi au Caire.", "2013-07-05", "Frères musulmans",
     "muslim-brotherhood", "EGY"),
    ("fr", "La confrérie des Frères musulmans a rejeté le calendrier de transition.", "2013-07-09",
     "confrérie des Frères musulmans", "muslim-brotherhood", "EGY"),
    ("fr", "Le CSFA a promis de remettre le pouvoir aux civils.", "2011-11-22", "CSFA",
     "supreme-council-of-the-armed-forces", "EGY"),
    ("fr", "Le mouvement Tamarod a réuni des millions de signatures.", "2013-06-29", "mouvement Tamarod", "tamarod", "EGY"),
    ("fr", "Le Parti de la liberté et de la justice a dénoncé un coup d'État.", "2013-07-04",
     "Parti de la liberté et de la justice", "freedom-and-justice-party", "EGY"),
    ("fr", "Le parquet égyptien a ordonné la détention de quatre militants.", "2013-07-10", "parquet égyptien",
     "public-prosecution-egypt", "EGY"),
    ("fr", "La police égyptienne a dispersé le sit-in à l'aube.", "2013-08-14", "police égyptienne",
     "egyptian-national-police", "EGY"),
    ("fr", "La Haute Cour constitutionnelle égyptienne a invalidé les législatives.", "2012-06-14",
     "Haute Cour constitutionnelle égyptienne", "supreme-constitutional-court-egypt", "EGY"),
    ("fr", "Le Hizbollah a tiré des missiles antichars sur une position israélienne.", "2023-11-02", "Hizbollah",
     "hezbollah", "LBN"),
    ("fr", "Les houthistes ont attaqué un cargo en mer Rouge.", "2024-01-12", "houthistes", "houthis", "YEM"),
    ("fr", "Daech a perdu son dernier bastion en Syrie.", "2019-03-23", "Daech", "islamic-state", "IRQ"),
    ("fr", "L'EI a exécuté plusieurs otages.", "2015-02-03", "EI", "islamic-state", "IRQ"),
    ("fr", "AQMI a enlevé deux Français au Niger.", "2011-01-08", "AQMI", "aqim", "DZA"),
    ("fr", "Les shebab ont attaqué une base militaire en Somalie.", "2019-09-30", "shebab", "al-shabaab", "SOM"),
    ("fr", "Boko Haram a enlevé plus de deux cents lycéennes à Chibok.", "2014-04-15", "Boko Haram", "boko-haram", "NGA"),
    ("fr", "Le M23 s'est emparé de Goma.", "2012-11-20", "M23", "m23", "COD"),
    ("fr", "Les talibans sont entrés dans Kaboul.", "2021-08-15", "talibans", "taliban", "AFG"),
    ("fr", "Les Forces de soutien rapide ont attaqué la ville.", "2023-04-20", "Forces de soutien rapide",
     "rapid-support-forces", "SDN"),
    ("fr", "L'Armée syrienne libre a bombardé un barrage.", "2012-07-10", "Armée syrienne libre", "free-syrian-army", "SYR"),
    ("fr", "Le Conseil national de transition libyen a été reconnu par la France.", "2011-03-10",
     "Conseil national de transition libyen", "national-transitional-council", "LBY"),
    ("fr", "Le Parti démocratique du Kurdistan d'Iran a accusé Téhéran.", "2022-09-28",
     "Parti démocratique du Kurdistan d'Iran", "kdpi", "IRN"),
    ("fr", "Le Jihad islamique a tiré des roquettes depuis Gaza.", "2022-08-06", "Jihad islamique",
     "palestinian-islamic-jihad", "PSE"),
    ("fr", "Tsahal a frappé des cibles dans la bande de Gaza.", "2021-05-11", "Tsahal", "israel-defense-forces", "ISR"),
    ("fr", "Les Gardiens de la révolution ont saisi un pétrolier.", "2019-07-19", "Gardiens de la révolution", "irgc", "IRN"),
    ("fr", "Le Likoud a remporté les élections législatives.", "2015-03-17", "Likoud", "likud", "ISR"),
    ("fr", "Le Rassemblement national a déposé une motion de censure.", "2024-12-02", "Rassemblement national",
     "rassemblement-national", "FRA"),
    ("fr", "Ennahdha a quitté le gouvernement.", "2013-09-28", "Ennahdha", "ennahda", "TUN"),
    ("fr", "Le Groupe de soutien à l'islam et aux musulmans a revendiqué l'attaque.", "2024-09-17",
     "Groupe de soutien à l'islam et aux musulmans", "jnim", "MLI"),
    ("fr", "La République populaire de Donetsk a organisé un référendum.", "2014-05-11",
     "République populaire de Donetsk", "donetsk-peoples-republic", "UKR"),
    ("fr", "Le Mouvement du 6 avril a appelé à la grève.", "2011-04-06", "Mouvement du 6 avril",
     "april-6-youth-movement", "EGY"),
    ("fr", "La Ligue arabe a suspendu la Syrie.", "2011-11-12", "Ligue arabe", "arab-league", None),
    ("fr", "Les Volontaires pour la défense de la patrie ont repoussé l'attaque.", "2023-04-20",
     "Volontaires pour la défense de la patrie", "volunteers-for-the-defense-of-the-homeland", "BFA"),
    ("fr", "Le Parti libéral-démocrate japonais a perdu sa majorité.", "2024-10-27",
     "Parti libéral-démocrate japonais", "liberal-democratic-party-japan", "JPN"),
    ("fr", "Les Moudjahidine du peuple ont manifesté à Paris.", "2023-07-01", "Moudjahidine du peuple", "mek", "IRN"),
    # a longer name that holds a shorter one of another body is that body
    ("en", "The Uganda People's Defence Force crossed into Congo.", "2021-11-30", "Uganda People's Defence Force",
     "uganda-peoples-defence-force", "UGA"),
    ("fr", "Le Front national de résistance a attaqué un poste taliban.", "2022-05-10", "Front national de résistance",
     "national-resistance-front-of-afghanistan", "AFG"),
    ("en", "The PFLP-GC fired from Syria.", "2023-04-09", "PFLP-GC", "pflp-gc", "PSE"),
    ("en", "Police blamed the New IRA for the bomb.", "2019-01-20", "New IRA", "new-ira", "GBR"),
    ("en", "Hamas fighters crossed the border fence.", "2023-10-07", "Hamas", "hamas", "PSE"),
    ("en", "The Supreme Council of the Armed Forces dissolved parliament.", "2012-06-16",
     "Supreme Council of the Armed Forces", "supreme-council-of-the-armed-forces", "EGY"),
    ("en", "The Houthis fired a missile at a tanker.", "2024-01-12", "Houthis", "houthis", "YEM"),
    ("en", "ISIS claimed the bombing.", "2017-05-23", "ISIS", "islamic-state", "IRQ"),
    ("en", "Al-Shabaab militants attacked a hotel in Mogadishu.", "2022-08-20", "Al-Shabaab", "al-shabaab", "SOM"),
    ("en", "The Taliban seized Kabul.", "2021-08-15", "Taliban", "taliban", "AFG"),
    ("en", "The Kurdistan Workers' Party announced a ceasefire.", "2013-03-21", "Kurdistan Workers' Party", "pkk", "TUR"),
    ("en", "The FARC signed a peace deal with the government.", "2016-11-24", "FARC", "farc", "COL"),
    ("en", "The Popular Mobilization Forces entered Tikrit.", "2015-03-31", "Popular Mobilization Forces",
     "popular-mobilization-forces", "IRQ"),
    ("en", "Tehrik-i-Taliban Pakistan attacked a school in Peshawar.", "2014-12-16", "Tehrik-i-Taliban Pakistan",
     "tehrik-i-taliban-pakistan", "PAK"),
    ("en", "The Arakan Army captured a town.", "2024-02-01", "Arakan Army", "arakan-army", "MMR"),
    ("en", "AQAP claimed the attack.", "2015-01-09", "AQAP", "aqap", "YEM"),
    ("en", "The IRGC seized a British tanker.", "2019-07-19", "IRGC", "irgc", "IRN"),
    ("en", "Egyptian police dispersed the protesters.", "2013-08-14", "Egyptian police", "egyptian-national-police", "EGY"),
])
def test_sentences_link_the_new_entities(kb, lang, text, date, surface, oid, country):
    hits = [m for m in linked(kb, lang, text, date) if m.text == surface]
    assert hits, f"{surface!r} not linked in {text!r}"
    actor = hits[0].actor
    assert (actor.id, actor.country) == (oid, country)
    assert actor.name == kb.get(oid).name


@pytest.mark.parametrize("lang,text,surface,country,code", [
    ("fr", "L'Élysée a condamné l'attaque.", "Élysée", "FRA", "FRAGOV"),
    ("fr", "Le Quai d'Orsay a convoqué l'ambassadeur.", "Quai d'Orsay", "FRA", "FRAGOV"),
    ("en", "Downing Street condemned the attack.", "Downing Street", "GBR", "GBRGOV"),
])
def test_seats_of_power_stand_for_their_government(kb, lang, text, surface, country, code):
    hits = [m for m in linked(kb, lang, text, "2020-10-25") if m.text == surface]
    assert hits and (hits[0].actor.type, hits[0].actor.country, hits[0].actor.code) == ("country", country, code)


def test_a_party_name_inside_a_person_name_is_the_person(kb):
    ms = linked(kb, "fr", "Abdel Fatah al-Sissi a reçu une délégation du Fatah.", "2014-07-14")
    assert [(m.text, m.actor.id) for m in ms] == [("Abdel Fatah al-Sissi", "abdel-fattah-el-sisi"), ("Fatah", "fatah")]


def test_bare_common_nouns_stay_unlinked(kb):
    ms = linked(kb, "fr", "L'armée a encerclé la place, la police a arrêté des manifestants et le parquet a requis.",
                "2013-08-14")
    assert not [m for m in ms if m.actor.id]


@pytest.mark.parametrize("text,date,oid", [
    # the transitional parliaments of Mali, Guinea and Chad bear the name of Libya's 2011 rebel council
    ("Le Conseil national de transition a adopté la nouvelle charte à Bamako.", "2021-02-20", "national-transitional-council"),
    # Paris May Day marches have their own black blocs
    ("Des Black Blocs ont brisé des vitrines à Paris.", "2018-05-01", "black-bloc-egypt"),
    # "Mer d'Azov" is a sea, not the brigade
    ("Des navires ont croisé en mer d'Azov.", "2018-11-25", "azov-brigade"),
])
def test_names_shared_with_other_bodies_are_left_out(kb, text, date, oid):
    assert oid not in {m.actor.id for m in linked(kb, "fr", text, date)}


@pytest.mark.parametrize("text,oid", [
    # a ministry, a city police and another country's court hold a name of these bodies
    ("Pakistan's Ministry of Law and Justice published the bill.", "law-and-justice"),
    ("The Tokyo Metropolitan Police Department arrested two men.", "metropolitan-police"),
    ("Syria's Supreme Constitutional Court rejected the appeal.", "supreme-constitutional-court-egypt"),
])
def test_english_names_held_in_longer_names_of_other_bodies(kb, text, oid):
    assert oid not in {m.actor.id for m in linked(kb, "en", text, "2023-01-10")}
