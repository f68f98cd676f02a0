"""Knowledge base, importers and linker, on fixture files written for these tests."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from annales.actors import importers
from annales.actors.kb import KnowledgeBase, KBError, date_range, norm
from annales.actors.link import RoleMention, counterpart, link, resolve_role
from annales.model import Actor, Document, Published

FIX = Path(__file__).parent / "data" / "actors"


@pytest.fixture(autouse=True)
def _no_user_home(tmp_path, monkeypatch):
    monkeypatch.setenv("ANNALES_HOME", str(tmp_path / "home"))


@pytest.fixture(scope="module")
def kb():
    return KnowledgeBase.load(extra_dirs=[str(FIX)], shipped=False, user=False)


def doc(text, date, lang="fr"):
    return Document(id="t", text=text, language=lang, published=Published(date, "day", "metadata"))


def find(mentions, surface):
    hits = [m for m in mentions if m.text == surface]
    assert hits, f"no mention {surface!r} in {[m.text for m in mentions]}"
    return hits[0]


# ---------------------------------------------------------------- knowledge base

def test_norm_ignores_case_accents_hyphens_apostrophes_articles():
    assert norm("Sergueï Choïgou") == norm("sergueï choigou") == "serguei choigou"
    assert norm("Kim Jong-un") == norm("KIM JONG UN")
    assert norm("les États-Unis", "fr") == "etats unis"
    assert norm("l’armée", "fr") == "armee"


def test_date_range_of_partial_dates():
    assert date_range("2024") == ("2024-01-01", "2024-12-31")
    assert date_range("2024-02") == ("2024-02-01", "2024-02-29")
    assert date_range("2024-05-12") == ("2024-05-12", "2024-05-12")
    with pytest.raises(KBError):
        date_range("May 2024")


def test_lookup_by_surface_name(kb):
    assert [e.id for e in kb.lookup("sergueï choigou")] == ["sergei-shoigu"]
    assert [e.id for e in kb.lookup("Kim Jong-Un")] == ["kim-jong-un"]
    assert kb.demonym("Nord-Coréennes", "fr") == "PRK"
    assert kb.capital_of("Moscou", "fr") == "RUS"


def test_holders_by_date_and_transitions(kb):
    assert [e.id for e in kb.holders("defence_minister", "RUS", "2023-07-26")] == ["sergei-shoigu"]
    assert [e.id for e in kb.holders("defence_minister", "RUS", "2024-11-30")] == ["andrey-belousov"]
    # a month that spans the hand-over has two holders: callers must not guess
    assert {e.id for e in kb.holders("defence_minister", "RUS", "2024-05")} == {"sergei-shoigu", "andrey-belousov"}
    # partial start date "2024-10": in office during October 2025, not in 2023
    assert [e.id for e in kb.holders("defence_minister", "PRK", "2025-10")] == ["no-kwang-chol"]
    assert [e.id for e in kb.holders("defence_minister", "PRK", "2023-07-27")] == ["kang-sun-nam"]
    assert [e.id for e in kb.holders("ambassador", "RUS", "2023-09-05", to="PRK")] == ["alexander-matsegora"]
    assert kb.holders("ambassador", "RUS", "2023-09-05", to="CHN") == []


def test_role_on_and_to_actor(kb):
    shoigu = kb.get("sergei-shoigu")
    assert kb.role_on(shoigu, "2020-01-01") == "defence minister of Russia"
    assert kb.role_on(shoigu, "2025-01-01") == "security council secretary of Russia"
    a = shoigu.to_actor("Choïgou", "2020-01-01")
    assert (a.name, a.country, a.type, a.id, a.code, a.text) == ("Sergei Shoigu", "RUS", "person", "sergei-shoigu",
                                                               "RUSMIL", "Choïgou")
    assert shoigu.to_actor(None, "2025-01-01").code == "RUSGOV"
    # Kim is leader and head of state: the leader label is shown
    assert kb.role_on("kim-jong-un", "2024-07-19") == "leader of North Korea"
    assert kb.role_on("alexander-matsegora", "2023") == "ambassador of Russia to North Korea"


def test_user_folder_extends_shipped_entry(tmp_path, monkeypatch):
    home = tmp_path / "h"
    (home / "actors").mkdir(parents=True)
    (home / "actors" / "mine.jsonl").write_text(
        json.dumps({"id": "sergei-shoigu", "name": "Sergei Shoigu", "names": {"de": ["Sergei Schoigu"]}}) + "\n"
        + "not json\n", encoding="utf-8")
    monkeypatch.setenv("ANNALES_HOME", str(home))
    kb2 = KnowledgeBase.load(extra_dirs=[str(FIX)], shipped=False, user=True)
    assert [e.id for e in kb2.lookup("Sergei Schoigu")] == ["sergei-shoigu"]
    assert len(kb2.get("sergei-shoigu").roles) == 2          # roles of the first file kept
    assert any("mine.jsonl:2" in w for w in kb2.warnings)     # the bad line is reported, not fatal


# ---------------------------------------------------------------- importers

def test_petrarch_import_dated_affiliations(kb, tmp_path):
    n, path = importers.import_file(str(FIX / "petrarch_sample.txt"), dest_dir=str(tmp_path), kb=kb)
    assert n == 3 and Path(path).exists()
    lines = [json.loads(x) for x in Path(path).read_text(encoding="utf-8").splitlines()]
    ids = [d["id"] for d in lines]
    assert ids[0] == "sergei-shoigu" and ids[2] == "kim-jong-un"   # existing entries are extended, not duplicated
    kb2 = KnowledgeBase.load(extra_dirs=[str(FIX), str(tmp_path)], shipped=False, user=False)
    g = kb2.lookup("Valery Gerasimov")[0]
    assert g.country == "RUS"
    assert g.to_actor(None, "2023-01-01").code == "RUSMIL"
    assert g.role_on("2010-01-01") is None
    assert kb2.role_on(g, "2023-01-01") == "military of Russia (RUSMIL)"
    # an `affiliation` never answers a role question
    assert g not in kb2.holders("chief_of_general_staff", "RUS", "2023-01-01")
    # a code that does name a post gives the role
    assert "kim-jong-un" in [e.id for e in kb2.holders("head_of_state", "PRK", "2015-01-01")]
    # the imported spelling links in text
    ms = link(doc("Valeri Guerassimov a inspecté les troupes.", "2023-01-10"), kb=kb2)
    assert find(ms, "Valeri Guerassimov").actor.id == g.id


def test_wikidata_import_roles_resolve_by_date(kb, tmp_path):
    n, path = importers.import_file(str(FIX / "wikidata_sample.json"), dest_dir=str(tmp_path), kb=kb)
    assert n == 2
    kb2 = KnowledgeBase.load(extra_dirs=[str(FIX), str(tmp_path)], shipped=False, user=False)
    b = kb2.get("andrey-belousov")                            # matched to the existing entry
    assert b.wikidata == "Q900000001"
    assert kb2.role_on(b, "2022-06-01") == "First Deputy Prime Minister of Russia"   # unknown post kept by label
    k = kb2.lookup("Alexei Krivoruchko")[0]
    assert [e.id for e in kb2.holders("deputy_defence_minister", "RUS", "2024-07-19")] == [k.id]
    assert kb2.holders("deputy_defence_minister", "RUS", "2018-10") == []
    assert len(k.roles) == 1                                   # the unclassifiable post is left out
    ms = link(doc("Le vice-ministre russe de la Défense est arrivé à Pyongyang.", "2024-07-18"), kb=kb2)
    assert find(ms, "vice-ministre russe de la Défense").actor.name == "Alexei Krivoruchko"


def test_import_errors_name_the_file(tmp_path, kb):
    bad = tmp_path / "bad.txt"
    bad.write_text("[RUSMIL]\n", encoding="utf-8")
    with pytest.raises(ValueError, match="bad.txt"):
        importers.import_file(str(bad), dest_dir=str(tmp_path), kb=kb)
    with pytest.raises(ValueError, match="no such file"):
        importers.import_file(str(tmp_path / "missing.json"), dest_dir=str(tmp_path), kb=kb)


def test_show_role_history(kb):
    out = importers.show("Choïgou", kb=kb)
    assert "Sergei Shoigu" in out
    assert "2012-11-06 – 2024-05-12" in out and "defence minister of Russia" in out
    assert "present" in out
    assert "Andrey Belousov" in importers.show("Andrei Belousof", kb=kb)     # close spelling
    assert "no actor" in importers.show("Nobody Atall", kb=kb)


# ---------------------------------------------------------------- linker, French

def test_dictionary_countries_capitals_groups_metonyms(kb):
    t = ("Les États-Unis accusent Pyongyang. L'armée russe et les troupes nord-coréennes avancent, "
         "selon le Kremlin et la présidence américaine.")
    ms = link(doc(t, "2024-11-30"), kb=kb)
    usa = find(ms, "États-Unis")
    assert (usa.kind, usa.actor.country, usa.actor.type) == ("country", "USA", "country")
    assert (find(ms, "Pyongyang").kind, find(ms, "Pyongyang").actor.country) == ("capital", "PRK")
    army = find(ms, "armée russe")
    assert (army.actor.country, army.actor.code) == ("RUS", "RUSMIL")
    assert find(ms, "troupes nord-coréennes").actor.code == "PRKMIL"
    assert find(ms, "Kremlin").actor.country == "RUS"
    assert find(ms, "présidence américaine").actor.code == "USAGOV"
    spans = [(m.start, m.end) for m in ms]
    assert spans == sorted(spans) and all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))
    assert all(t[m.start:m.end] == m.text for m in ms)


def test_role_phrases_resolve_at_the_reference_date(kb):
    t = ("Le chef de la défense russe a rencontré le dirigeant nord-coréen. "
         "L'ambassadeur russe à Pyongyang a salué la visite.")
    ms = link(doc(t, "2023-07-27"), kb=kb)
    chef = find(ms, "chef de la défense russe")
    assert isinstance(chef, RoleMention) and chef.kind == "role"
    assert chef.actor.name == "Sergei Shoigu"
    assert find(ms, "dirigeant nord-coréen").actor.name == "Kim Jong Un"
    assert find(ms, "ambassadeur russe à Pyongyang").actor.name == "Alexander Matsegora"
    # the extraction stage re-resolves at the event's own date
    assert resolve_role(chef, "2024-11-01", kb).name == "Andrey Belousov"
    unsure = resolve_role(chef, "2024-05", kb)                   # the hand-over month: no guess
    # no person then: the post stays a role of its country, never a person named "chef de la défense russe"
    assert (unsure.type, unsure.country, unsure.role, unsure.code) == ("country", "RUS", "defence minister of Russia",
                                                                       "RUSMIL")


def test_role_without_single_holder_stays_a_role_of_its_country(kb):
    ms = link(doc("Le président sud-coréen a rencontré le ministre japonais de la Défense.", "2025-05-01"), kb=kb)
    pres = find(ms, "président sud-coréen")      # between Yoon's removal and Lee's election
    assert (pres.actor.type, pres.actor.name, pres.actor.role) == ("country", "South Korea", "president of South Korea")
    assert pres.actor.text == "président sud-coréen"
    jp = find(ms, "ministre japonais de la Défense")     # nobody on record in the fixtures
    assert (jp.actor.type, jp.actor.country, jp.actor.code) == ("country", "JPN", "JPNMIL")
    ms = link(doc("Le président sud-coréen a rencontré des experts.", "2024-03-01"), kb=kb)
    assert find(ms, "président sud-coréen").actor.name == "Yoon Suk Yeol"


def test_fuzzy_only_when_role_agrees(kb):
    t = "Le ministre russe de la Défense, Andreï Belousof, est arrivé. Belousof a parlé."
    ms = link(doc(t, "2024-11-30"), kb=kb)
    full = find(ms, "Andreï Belousof")
    assert full.actor.id == "andrey-belousov" and full.actor.text == "Andreï Belousof"
    assert [m.actor.id for m in ms if m.text == "Belousof"] == ["andrey-belousov"]
    # the same misspelling with nothing agreeing is not forced onto the entry
    ms = link(doc("Selon Andreï Belousof, chercheur indépendant, la guerre durera.", "2023-01-10"), kb=kb)
    m = find(ms, "Andreï Belousof")
    assert m.actor.id is None and m.actor.name == "Andreï Belousof"
    # a very close spelling of someone in office on the date is accepted without context
    ms = link(doc("Selon Sergueï Choïgov, chercheur indépendant, la guerre durera.", "2023-01-10"), kb=kb)
    assert find(ms, "Sergueï Choïgov").actor.id == "sergei-shoigu"


def test_unlinked_people_kept_with_country_from_apposition(kb):
    t = ("Hier, le vice-ministre de la Défense russe, Ivan Petrovitch, a rencontré le chef de l'état-major de l'armée "
         "de la Corée du Nord, Ri Yong-gil. Selon Park Won-gon, professeur à l'université sud-coréenne Ewha, "
         "Petrovitch restera trois jours.")
    ms = link(doc(t, "2025-01-10"), kb=kb)
    ivan = find(ms, "Ivan Petrovitch")
    assert (ivan.actor.id, ivan.actor.country, ivan.actor.role) == (None, "RUS", "deputy defence minister of Russia")
    assert find(ms, "Ri Yong-gil").actor.country == "PRK"
    assert find(ms, "Park Won-gon").actor.country == "KOR"
    short = find(ms, "Petrovitch")
    assert short.kind == "short" and short.actor.name == "Ivan Petrovitch"


def test_ner_repairs_hyphenated_and_mislabelled_korean_names(kb):
    from annales import nlp
    t = "Le directeur adjoint de l'armée nord-coréenne, Pak Yong-il, a reçu Viktor Goremykin. Pak a salué la visite."
    nlpfr = nlp.load("fr")
    parsed = [(s.start_char, s.as_doc()) for s in nlpfr(t).sents]
    ms = link(doc(t, "2025-11-07"), parsed, kb=kb)
    pak = find(ms, "Pak Yong-il")
    assert pak.actor.id is None and pak.actor.country == "PRK" and pak.actor.type == "person"
    assert find(ms, "Pak").actor.name == "Pak Yong-il"
    assert find(ms, "Viktor Goremykin").actor.id is None


def test_short_forms_follow_the_document(kb):
    t = "Kim Yo-jong, sœur du dirigeant, a parlé. Kim Jong-un a répondu. Kim a ensuite quitté la salle."
    ms = link(doc(t, "2024-01-01"), kb=kb)
    assert find(ms, "Kim Yo-jong").actor.id is None          # never forced onto Kim Jong Un
    kims = [m for m in ms if m.text == "Kim"]
    assert [m.actor.id for m in kims] == ["kim-jong-un"]     # the latest full mention before it


def test_honorific_is_not_part_of_the_name(kb):
    from annales import nlp
    t = "Sergueï Choïgou est arrivé à Pyongyang. M. Choïgou a ensuite rencontré des officiers."
    nlpfr = nlp.load("fr")
    parsed = [(s.start_char, s.as_doc()) for s in nlpfr(t).sents]
    ms = link(doc(t, "2023-07-27"), parsed, kb=kb)
    assert [m.actor.id for m in ms if "Choïgou" in m.text] == ["sergei-shoigu", "sergei-shoigu"]
    assert not any(m.text.startswith("M.") for m in ms)


def test_counterpart_and_country_actor(kb):
    no = kb.get("no-kwang-chol").to_actor("No Kwang-chol", "2025-10")
    assert counterpart(no, "RUS", "2025-10", kb).name == "Andrey Belousov"
    shoigu = kb.get("sergei-shoigu").to_actor(None, "2023-07-27")
    assert counterpart(shoigu, "PRK", "2023-07-27", kb).name == "Kang Sun-nam"
    assert counterpart(shoigu, None, "2023-07-27", kb) is None
    unlinked = Actor(name="Ivan Petrovitch", country="RUS", role="deputy defence minister of Russia")
    other = counterpart(unlinked, "PRK", "2025-01-10", kb)
    assert (other.type, other.country, other.role) == ("country", "PRK", "deputy defence minister of North Korea")
    # alone, "son homologue" is left to the extraction stage; before a name it gives the name's country
    ms = link(doc("Choïgou a rencontré son homologue nord-coréen.", "2023-07-27"), kb=kb)
    assert [m.text for m in ms] == ["Choïgou"]
    ms = link(doc("Choïgou a rencontré son homologue nord-coréen, Ri Chang-ho.", "2023-07-27"), kb=kb)
    assert find(ms, "Ri Chang-ho").actor.country == "PRK"
    assert kb.country_actor("PRK").name == "North Korea"


# ---------------------------------------------------------------- linker, English

def test_english_same_design(kb):
    from annales import nlp
    t = ("Russian Defence Minister Sergei Shoigu met North Korean leader Kim Jong Un in Pyongyang. "
         "Russia's defence minister praised North Korean troops. "
         "Later, the South Korean president met Andrei Belousof, Russia's defence minister.")
    nlpen = nlp.load("en")
    parsed = [(s.start_char, s.as_doc()) for s in nlpen(t).sents]
    ms = link(doc(t, "2023-07-27", "en"), parsed, kb=kb)
    assert find(ms, "Sergei Shoigu").actor.id == "sergei-shoigu"
    assert find(ms, "Kim Jong Un").actor.role == "leader of North Korea"
    assert find(ms, "Pyongyang").kind == "capital"
    assert find(ms, "Russia's defence minister").actor.id == "sergei-shoigu"
    assert find(ms, "North Korean troops").actor.code == "PRKMIL"
    assert find(ms, "South Korean president").actor.id == "yoon-suk-yeol"
    # role in apposition + close spelling, but in July 2023 Belousov was not defence minister:
    # the role does not agree, so no link
    assert find(ms, "Andrei Belousof").actor.id is None
    ms = link(doc("Andrei Belousof, Russia's defence minister, arrived.", "2024-11-29", "en"), kb=kb)
    assert find(ms, "Andrei Belousof").actor.id == "andrey-belousov"


def test_former_holders_are_not_the_current_one(kb):
    t = "L'ancien ministre russe de la Défense a critiqué le ministre russe de la Défense."
    ms = link(doc(t, "2024-11-30"), kb=kb)
    former = find(ms, "ministre russe de la Défense")          # the first one, after "ancien"
    assert (former.actor.type, former.actor.country, former.actor.role) == ("country", "RUS", None)
    assert [m.actor.id for m in ms if m.text == "ministre russe de la Défense"] == ["RUS", "andrey-belousov"]
    ms = link(doc("The former South Korean president met US troops.", "2024-03-01", "en"), kb=kb)
    assert find(ms, "South Korean president").actor.type == "country"
    assert find(ms, "US troops").actor.code == "USAMIL"


def test_bad_document_is_named(kb):
    with pytest.raises(ValueError, match="doc-7"):
        link(Document(id="doc-7", text=None), kb=kb)


def test_title_words_are_not_part_of_an_unknown_name(kb):
    t = "On Monday, Russian Deputy Defence Minister Ivan Petrov arrived in Pyongyang."
    ms = link(doc(t, "2025-01-10", "en"), kb=kb)
    petrov = find(ms, "Ivan Petrov")
    assert (petrov.actor.id, petrov.actor.country, petrov.actor.role) == (None, "RUS", "deputy defence minister of Russia")


def test_press_idioms_for_posts(kb):
    ms = link(doc("Le maître du Kremlin a reçu le secrétaire d'État américain.", "2023-06-15"), kb=kb)
    assert find(ms, "maître du Kremlin").actor.name == "Vladimir Putin"
    ms = link(doc("US President Joe Biden spoke to the Kremlin leader.", "2023-06-15", "en"), kb=kb)
    assert find(ms, "Kremlin leader").actor.name == "Vladimir Putin"
    # not in the fixture base: the apposition gives the unlinked person the post and the country
    biden = find(ms, "Joe Biden").actor
    assert (biden.id, biden.country, biden.role) == (None, "USA", "president of the United States")


def test_bare_post_refers_to_the_one_holder_named_before(kb):
    t = "Sergueï Choïgou est arrivé à Pyongyang. Le ministre de la Défense a visité une usine."
    ms = link(doc(t, "2023-07-27"), kb=kb)
    assert find(ms, "ministre de la Défense").actor.id == "sergei-shoigu"
    t = "Sergueï Choïgou a rencontré Kang Sun-nam. Le ministre de la Défense a visité une usine."
    ms = link(doc(t, "2023-07-27"), kb=kb)        # two defence ministers named: no guess
    assert not any(m.text == "ministre de la Défense" for m in ms)


# ---------------------------------------------------------------- shipped knowledge base, press phrasing

@pytest.fixture(scope="module")
def shipped():
    return KnowledgeBase.load(shipped=True, user=False)


def test_two_letter_chinese_family_name_follows_the_full_name(shipped):
    t = "Kim Jong Un stood beside Xi Jinping at the parade. He is expected to meet Xi before leaving. Li declined."
    ms = link(doc(t, "2025-09-04", "en"), kb=shipped)
    assert find(ms, "Xi").actor.id == "xi-jinping"
    assert not any(m.text == "Li" for m in ms)          # no Li named in full: nobody


def test_leader_falls_back_to_who_runs_the_executive(shipped):
    t = "Le dirigeant chinois a reçu le dirigeant japonais, puis le dirigeant nord-coréen."
    ms = link(doc(t, "2023-03-22"), kb=shipped)
    assert find(ms, "dirigeant chinois").actor.id == "xi-jinping"          # president
    assert find(ms, "dirigeant japonais").actor.id == "fumio-kishida"      # prime minister: the emperor is ceremonial
    assert find(ms, "dirigeant nord-coréen").actor.id == "kim-jong-un"     # a real `leader` role wins
    assert [e.id for e in shipped.holders("leader", "JPN", "2023-03-22")] == ["fumio-kishida"]


def test_feminine_role_phrases_and_former_holders(shipped):
    t = "Vendredi, la cheffe de la diplomatie nord-coréenne a vu Sergueï Lavrov. L'ancien ministre de la Défense a parlé."
    ms = link(doc(t, "2024-11-05"), kb=shipped)
    assert find(ms, "cheffe de la diplomatie nord-coréenne").actor.id == "choe-son-hui"
    assert all(m.actor.id is None for m in ms if "Défense" in m.text)


def test_bodies_without_a_country(shipped):
    t = "Zelensky addressed Congress. The Quad met in Tokyo while G7 countries watched."
    ms = link(doc(t, "2022-12-22", "en"), kb=shipped)
    assert find(ms, "Congress").actor.id == "us-congress"
    assert find(ms, "Quad").actor.id == "quad" and find(ms, "Quad").actor.country is None
    # the members taken together are the body, not two countries or people of the context
    assert find(ms, "G7 countries").actor.id == "g7"
    ms = link(doc("The leaders of the Quad met in Tokyo. Leaders of China and Russia", "2022-05-24", "en"), kb=shipped)
    assert find(ms, "leaders of the Quad").actor.id == "quad"
    assert not any(m.actor.id == "quad" for m in ms if "China" in m.text)
    ms = link(doc("Les pays du G7 et les alliés de l'OTAN ont participé à la réunion du Conseil OTAN-Ukraine.",
                  "2023-07-13"), kb=shipped)
    assert find(ms, "pays du G7").actor.id == "g7"
    assert find(ms, "alliés de l'OTAN").actor.id == "nato"
    assert find(ms, "Conseil OTAN-Ukraine").actor.id == "nato"     # one mention, not NATO and Ukraine
    # a national body has no member countries: "les pays du Pentagone" is not a phrase the linker builds
    ms = link(doc("Les membres du Pentagone ont parlé.", "2023-07-13"), kb=shipped)
    assert not any(m.text.startswith("membres") for m in ms)


def test_american_spelling_and_counterpart(shipped):
    ms = link(doc("The US defense secretary met his Chinese counterpart.", "2024-06-01", "en"), kb=shipped)
    austin = find(ms, "US defense secretary").actor
    assert austin.id == "lloyd-austin"
    assert counterpart(austin, "CHN", "2024-06-01", shipped).id == "dong-jun"
    assert counterpart(austin, "CHN", "2023-06-01", shipped).id == "li-shangfu"


def test_bare_posts_name_only_the_holder_named_before(shipped):
    t = ("US Defense Secretary Lloyd Austin met the defense secretary of Japan. The defense secretary said talks "
         "went well. The foreign minister was absent.")
    ms = link(doc(t, "2023-06-01", "en"), kb=shipped)
    secs = [m for m in ms if m.text == "defense secretary"]
    assert [m.actor.id for m in secs] == ["lloyd-austin"]      # not the one "of Japan"
    assert not any(m.text == "foreign minister" for m in ms)  # nobody named before with that post
    t = "La ministre nord-coréenne des Affaires étrangères, Choe Son-hui, est arrivée. La ministre des Affaires étrangères a salué."
    ms = link(doc(t, "2024-11-05"), kb=shipped)
    assert find(ms, "ministre des Affaires étrangères").actor.id == "choe-son-hui"


def test_posts_in_international_bodies(shipped):
    ms = link(doc("The NATO chief met the UN chief. The IAEA head stayed home.", "2023-07-13", "en"), kb=shipped)
    assert find(ms, "NATO chief").actor.id == "jens-stoltenberg"
    assert find(ms, "UN chief").actor.id == "antonio-guterres"
    ms = link(doc("The NATO chief arrived.", "2025-07-13", "en"), kb=shipped)
    assert find(ms, "NATO chief").actor.id == "mark-rutte"                     # the holder at the date
    ms = link(doc("L'ancien secrétaire général de l'OTAN a parlé.", "2025-07-13"), kb=shipped)
    assert all(m.actor.id is None for m in ms)                                 # a former holder: nobody
    assert [e.id for e in shipped.holders("org_head", None, "2023-07-13", org="nato")] == ["jens-stoltenberg"]
