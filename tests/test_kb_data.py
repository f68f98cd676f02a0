"""Checks of the shipped actor knowledge base (people, countries, organizations).

Self-contained: the files are read as plain JSON lines, so these tests hold the
data to FORMAT.md whatever the loader does with it.
"""
import calendar
import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest

KB_DIR = Path(__file__).resolve().parents[1] / "src" / "annales" / "resources" / "actors"
DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
CODE_RE = re.compile(r"^[A-Z]{3}[A-Z0-9]*$")
SINGLE_HOLDER = ("head_of_state", "head_of_government", "foreign_minister", "defence_minister")
REQUIRED = ("id", "name", "type", "country", "code", "names")


def read_jsonl(name):
    rows = []
    for n, line in enumerate((KB_DIR / name).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as e:
            pytest.fail(f"{name}:{n}: not JSON ({e})")
        assert isinstance(row, dict), f"{name}:{n}: not an object"
        rows.append(row)
    return rows


PEOPLE = read_jsonl("people.jsonl")
COUNTRIES = read_jsonl("countries.jsonl")
ORGS = read_jsonl("organizations.jsonl")
COUNTRY_IDS = {c["id"] for c in COUNTRIES}
ORG_IDS = {o["id"] for o in ORGS}
BY_ID = {e["id"]: e for e in PEOPLE + COUNTRIES + ORGS}


def role_vocabulary():
    """Role keys from the tables of FORMAT.md (first cell of each `| key | meaning |` row)."""
    keys = set()
    for line in (KB_DIR / "FORMAT.md").read_text(encoding="utf-8").splitlines():
        m = re.match(r"^\|\s*([a-z_]+(?:,\s*[a-z_]+)*)\s*\|", line)
        if m and m.group(1) != "key":
            keys.update(k.strip() for k in m.group(1).split(","))
    return keys


def bounds(value):
    """(first day, last day) of a full or partial ISO date."""
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 1:
        return date(parts[0], 1, 1), date(parts[0], 12, 31)
    if len(parts) == 2:
        y, m = parts
        return date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1])
    return date(*parts), date(*parts)


def held_leniently(role, day):
    """Could the role have been held on `day` (partial dates cover their whole period)?"""
    start = bounds(role["start"])[0] if role.get("start") else date.min
    end = bounds(role["end"])[1] if role.get("end") else date.max
    return start <= day <= end


def surely_held_interval(role):
    """[start, end) of the days the role was certainly held (partial start = its last day,
    partial end = its first day; an end on the day the successor starts does not overlap)."""
    start = bounds(role["start"])[1]
    end = bounds(role["end"])[0] if role.get("end") else date.max
    return start, end


def holders(role_key, of, day, to=None, acting=False):
    day = date.fromisoformat(day)
    out = set()
    for p in PEOPLE:
        for r in p["roles"]:
            if r["role"] == role_key and r.get("of") == of and (to is None or r.get("to") == to) \
                    and (acting or not r.get("acting")) and held_leniently(r, day):
                out.add(p["id"])
    return out


def person(pid):
    p = BY_ID.get(pid)
    assert p is not None and p["type"] == "person", f"missing person {pid}"
    return p


def all_names(entity, lang=None):
    langs = [lang] if lang else list(entity["names"])
    return {n for lg in langs for n in entity["names"].get(lg, [])}


# ---------------------------------------------------------------- every file

@pytest.mark.parametrize("rows,name", [(PEOPLE, "people"), (COUNTRIES, "countries"), (ORGS, "organizations")])
def test_required_fields_and_codes(rows, name):
    for row in rows:
        for key in REQUIRED:
            assert key in row, f"{name}: {row.get('id')} lacks {key}"
        assert re.fullmatch(r"[a-zA-Z0-9-]+", row["id"]), f"{name}: bad id {row['id']!r}"
        assert row["code"] and CODE_RE.match(row["code"]), f"{name}: {row['id']} bad code {row['code']!r}"
        assert row["country"] is None or row["country"] in COUNTRY_IDS, f"{name}: {row['id']} unknown country"
        for lang in ("en", "fr"):
            names = row["names"].get(lang)
            assert names and all(isinstance(n, str) and n.strip() == n and n for n in names), \
                f"{name}: {row['id']} needs clean {lang} names"


def test_ids_unique_across_files():
    ids = [r["id"] for r in PEOPLE + COUNTRIES + ORGS]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    assert not dupes, dupes


def test_a_full_name_names_one_entity():
    """Two entities sharing a surface form would make the linker guess."""
    owner = {}
    for e in PEOPLE + COUNTRIES + ORGS:
        for n in all_names(e) | {e["name"]}:
            key = n.casefold()
            assert owner.setdefault(key, e["id"]) == e["id"], f"{n!r} names {owner[key]} and {e['id']}"


# ---------------------------------------------------------------- countries

def test_countries_are_the_un_members_plus_extras():
    assert all(re.fullmatch(r"[A-Z]{3}", c["id"]) for c in COUNTRIES)
    assert len(COUNTRY_IDS) == len(COUNTRIES)
    members = [c for c in COUNTRIES if c.get("un_member")]
    assert len(members) == 193
    assert {"PSE", "VAT", "TWN", "XKX"} <= COUNTRY_IDS - {c["id"] for c in members}
    for c in COUNTRIES:
        assert c["type"] == "country" and c["country"] == c["id"] and c["code"] == c["id"]
        assert c["name"] in c["names"]["en"]


def test_domain_countries_names_demonyms_capitals():
    prk, kor, usa = BY_ID["PRK"], BY_ID["KOR"], BY_ID["USA"]
    assert {"Corée du Nord", "RPDC", "République populaire démocratique de Corée", "royaume ermite"} <= set(prk["names"]["fr"])
    assert {"North Korea", "DPRK", "Hermit Kingdom"} <= set(prk["names"]["en"])
    assert "Nord" not in prk["names"]["fr"]
    assert {"nord-coréen", "nord-coréenne", "nord-coréens", "nord-coréennes"} <= set(prk["demonyms"]["fr"])
    assert {"sud-coréen", "sud-coréenne", "sud-coréens", "sud-coréennes"} <= set(kor["demonyms"]["fr"])
    assert "North Korean" in prk["demonyms"]["en"]
    assert {"États-Unis", "Etats-Unis", "Amérique"} <= set(usa["names"]["fr"])
    assert {"USA", "US", "U.S."} <= set(usa["names"]["en"])
    assert {"Grande-Bretagne", "Royaume-Uni"} <= set(BY_ID["GBR"]["names"]["fr"])
    capitals = {iso: (BY_ID[iso]["capital"]["en"], BY_ID[iso]["capital"]["fr"])
                for iso in ("RUS", "PRK", "KOR", "CHN", "USA", "JPN")}
    assert capitals == {"RUS": ("Moscow", "Moscou"), "PRK": ("Pyongyang", "Pyongyang"), "KOR": ("Seoul", "Séoul"),
                        "CHN": ("Beijing", "Pékin"), "USA": ("Washington", "Washington"), "JPN": ("Tokyo", "Tokyo")}
    ukr = BY_ID["UKR"]
    assert {ukr["capital"]["fr"], *ukr["capital_variants"]["fr"]} == {"Kiev", "Kyiv"}
    assert {ukr["capital"]["en"], *ukr["capital_variants"]["en"]} == {"Kiev", "Kyiv"}


def test_every_country_has_demonyms_in_both_languages_where_known():
    missing = [c["id"] for c in COUNTRIES if not c["demonyms"]["en"] or not c["demonyms"]["fr"]]
    # a few microstates have no settled French demonym; the Holy See has none
    assert set(missing) <= {"KNA", "VCT", "VAT"}, missing
    for c in COUNTRIES:
        fr = c["demonyms"]["fr"]
        assert all(d == d.lower() for d in fr), f"{c['id']}: French demonyms are lower-case"


# ---------------------------------------------------------------- people

def test_people_count_names_and_countries():
    assert len(PEOPLE) >= 170
    for p in PEOPLE:
        assert p["type"] == "person"
        assert p["country"] in COUNTRY_IDS, p["id"]
        assert p["name"] in p["names"]["en"], p["id"]
        assert isinstance(p["roles"], list)


def test_roles_use_the_vocabulary_and_valid_dates():
    vocab = role_vocabulary()
    assert {"head_of_state", "defence_minister", "ambassador", "official"} <= vocab
    for p in PEOPLE:
        for r in p["roles"]:
            where = f"{p['id']}: {r}"
            assert r["role"] in vocab, where
            assert r.get("of") is None or r["of"] in COUNTRY_IDS, where
            assert r.get("of") is not None or r.get("org") in ORG_IDS, where
            if r["role"] == "ambassador":
                assert r.get("to") in COUNTRY_IDS and r["to"] != r["of"], where
            for k in ("start", "end"):
                if r.get(k) is not None:
                    assert DATE_RE.match(r[k]), where
                    bounds(r[k])  # a real calendar date
            if r.get("start") and r.get("end"):
                assert bounds(r["start"])[0] <= bounds(r["end"])[1], where
            if r.get("code"):
                assert CODE_RE.match(r["code"]), where
            if r["role"] in SINGLE_HOLDER:
                assert r.get("start"), f"{where}: single-holder posts need a start"


def test_no_two_holders_of_a_single_holder_post():
    """Checked on the 1st and 15th of every month of 2020-2025 under the strict
    reading of partial dates; acting holders are left aside."""
    tenures = {}
    for p in PEOPLE:
        for r in p["roles"]:
            if r["role"] in SINGLE_HOLDER and not r.get("acting"):
                tenures.setdefault((r["role"], r["of"]), []).append((p["id"], surely_held_interval(r)))
    days = [date(y, m, d) for y in range(2020, 2026) for m in range(1, 13) for d in (1, 15)]
    for (role, of), items in tenures.items():
        for day in days:
            on = {pid for pid, (s, e) in items if s <= day < e}
            assert len(on) <= 1, f"{role} of {of} on {day}: {sorted(on)}"
    # and exactly, over every pair of tenures
    for (role, of), items in tenures.items():
        for i, (a, (s1, e1)) in enumerate(items):
            for b, (s2, e2) in items[i + 1:]:
                assert not (s1 < e2 and s2 < e1), f"{role} of {of}: {a} and {b} overlap"


def test_domain_posts_are_covered_through_2020_2025():
    """The single-holder posts of the domain countries have a known holder on most days."""
    day = date(2020, 1, 20)
    gaps = []
    while day <= date(2025, 12, 31):
        for of in ("RUS", "KOR", "CHN", "USA", "UKR", "JPN"):
            for role in ("head_of_state", "foreign_minister", "defence_minister"):
                if of == "JPN" and role == "head_of_state":
                    continue
                if not holders(role, of, day.isoformat(), acting=True):
                    gaps.append((role, of, day.isoformat()))
        day += timedelta(days=30)
    # the one known vacancy on these days: China had no defence minister from October to December 2023
    assert all((g[0], g[1]) == ("defence_minister", "CHN") and g[2].startswith("2023-1") for g in gaps), gaps[:10]


@pytest.mark.parametrize("role,of,day,to,expected", [
    ("defence_minister", "RUS", "2023-07-26", None, {"sergei-shoigu"}),
    ("defence_minister", "RUS", "2024-11-29", None, {"andrey-belousov"}),
    ("security_council_secretary", "RUS", "2024-11-29", None, {"sergei-shoigu"}),
    ("security_council_secretary", "RUS", "2023-07-26", None, {"nikolai-patrushev"}),
    ("ambassador", "RUS", "2023-09-01", "PRK", {"alexander-matsegora"}),
    ("defence_minister", "PRK", "2023-07-26", None, {"kang-sun-nam"}),
    ("defence_minister", "PRK", "2024-11-29", None, {"no-kwang-chol"}),
    ("defence_minister", "PRK", "2025-10-05", None, {"no-kwang-chol"}),
    ("foreign_minister", "PRK", "2024-06-19", None, {"choe-son-hui"}),
    ("leader", "PRK", "2024-06-19", None, {"kim-jong-un"}),
    ("head_of_state", "RUS", "2024-06-19", None, {"vladimir-putin"}),
    ("foreign_minister", "RUS", "2023-09-13", None, {"sergey-lavrov"}),
    ("head_of_state", "KOR", "2024-11-29", None, {"yoon-suk-yeol"}),
    ("head_of_state", "KOR", "2025-06-10", None, {"lee-jae-myung"}),
    ("head_of_government", "KOR", "2023-01-10", None, {"han-duck-soo"}),
    ("defence_minister", "KOR", "2024-01-10", None, {"shin-won-sik"}),
    ("defence_minister", "KOR", "2024-11-01", None, {"kim-yong-hyun"}),
    ("intelligence_chief", "KOR", "2024-07-01", None, {"cho-tae-yong"}),
    ("defence_minister", "UKR", "2024-11-20", None, {"rustem-umerov"}),
    ("head_of_state", "UKR", "2024-11-20", None, {"volodymyr-zelenskyy"}),
    ("head_of_state", "USA", "2023-09-05", None, {"joe-biden"}),
    ("head_of_state", "USA", "2025-11-06", None, {"donald-trump"}),
    ("foreign_minister", "USA", "2023-09-05", None, {"antony-blinken"}),
    ("foreign_minister", "USA", "2025-11-06", None, {"marco-rubio"}),
    ("defence_minister", "USA", "2023-09-05", None, {"lloyd-austin"}),
    ("defence_minister", "USA", "2025-11-06", None, {"pete-hegseth"}),
    ("head_of_state", "CHN", "2023-09-05", None, {"xi-jinping"}),
    ("foreign_minister", "CHN", "2023-05-01", None, {"qin-gang"}),
    ("foreign_minister", "CHN", "2024-05-01", None, {"wang-yi"}),
    ("defence_minister", "CHN", "2023-05-01", None, {"li-shangfu"}),
    ("defence_minister", "CHN", "2024-05-01", None, {"dong-jun"}),
    ("head_of_government", "JPN", "2023-09-05", None, {"fumio-kishida"}),
    ("head_of_government", "JPN", "2025-03-01", None, {"shigeru-ishiba"}),
    ("head_of_government", "JPN", "2025-11-06", None, {"sanae-takaichi"}),
    ("head_of_state", "POL", "2022-12-22", None, {"andrzej-duda"}),
    ("head_of_government", "SWE", "2023-07-12", None, {"ulf-kristersson"}),
    ("head_of_government", "AUS", "2022-05-24", None, {"anthony-albanese"}),
    ("foreign_minister", "IRN", "2022-11-06", None, {"hossein-amir-abdollahian"}),
    ("speaker", "USA", "2022-08-02", None, {"nancy-pelosi"}),
    ("speaker", "USA", "2009-06-01", None, {"nancy-pelosi"}),
])
def test_who_held_the_post(role, of, day, to, expected):
    assert holders(role, of, day, to) == expected


def test_deputies_and_officials_on_record():
    assert "alexei-krivoruchko" in holders("deputy_defence_minister", "RUS", "2024-07-18")
    assert "viktor-goremykin" in holders("deputy_defence_minister", "RUS", "2025-11-06")
    assert "pak-yong-il" in {p["id"] for p in PEOPLE if any(r["role"] == "military_official" and r["of"] == "PRK"
                                                           for r in p["roles"])}
    assert person("alexander-matsegora")["died"].startswith("2025-12")
    shoigu = person("sergei-shoigu")
    assert [(r["role"], r["start"], r["end"]) for r in shoigu["roles"]][:2] == [
        ("defence_minister", "2012-11-06", "2024-05-12"), ("security_council_secretary", "2024-05-12", None)]
    assert person("andrey-belousov")["roles"][-1]["start"] == "2024-05-14"
    assert person("lee-jae-myung")["roles"][-1]["start"] == "2025-06-04"


@pytest.mark.parametrize("pid,lang,forms", [
    ("sergei-shoigu", "fr", {"Sergueï Choïgou", "Choïgou"}),
    ("sergei-shoigu", "en", {"Sergei Shoigu", "Sergey Shoygu", "Shoigu"}),
    ("andrey-belousov", "en", {"Andrey Belousov", "Andrei Belousov"}),
    ("andrey-belousov", "fr", {"Andreï Belooussov", "Bélooussov", "Belooussov"}),
    ("kim-jong-un", "fr", {"Kim Jong-un", "Kim Jong Un", "Kim Jong-Un"}),
    ("vladimir-putin", "fr", {"Vladimir Poutine", "Poutine"}),
    ("volodymyr-zelenskyy", "en", {"Zelenskyy", "Zelensky", "Zelenskiy"}),
    ("volodymyr-zelenskyy", "fr", {"Volodymyr Zelensky"}),
    ("alexei-krivoruchko", "fr", {"Krivoroutchko", "Krivoruchko"}),
    ("rustem-umerov", "fr", {"Oumerov", "Roustem Oumerov"}),
    ("kang-sun-nam", "en", {"Kang Sun-nam", "Kang Sun Nam"}),
    ("no-kwang-chol", "fr", {"No Kwang-chol"}),
])
def test_press_spellings(pid, lang, forms):
    assert forms <= all_names(person(pid), lang)


def test_no_ambiguous_korean_family_name_alone():
    for p in PEOPLE:
        if p["country"] in ("PRK", "KOR"):
            for n in all_names(p):
                assert " " in n or "-" in n, f"{p['id']}: bare short form {n!r}"


# ---------------------------------------------------------------- organizations

def test_organizations_fields_and_links():
    for o in ORGS:
        assert o["type"] in ("organization", "group"), o["id"]
        if o["country"] is None:
            assert o["code"].startswith("IGO"), o["id"]
        else:
            assert o["code"][:3] == o["country"], o["id"]
        assert o.get("metonym_for") is None or o["metonym_for"] in COUNTRY_IDS
        assert o.get("parent") is None or o["parent"] in ORG_IDS


@pytest.mark.parametrize("oid,country,code,forms", [
    ("kcna", "PRK", "PRKMED", {"KCNA", "Agence centrale de presse nord-coréenne", "agence officielle nord-coréenne"}),
    ("national-intelligence-service", "KOR", "KORSPY", {"NIS", "renseignement sud-coréen", "Service national du renseignement",
                                                       "services de renseignement sud-coréens"}),
    ("wagner-group", "RUS", None, {"Wagner Group", "groupe Wagner"}),
    ("russian-ministry-of-defence", "RUS", "RUSMIL", {"Russian Ministry of Defence", "ministère russe de la Défense"}),
    ("us-department-of-defense", "USA", "USAMIL", {"Pentagon", "Pentagone"}),
    ("us-department-of-state", "USA", "USAGOV", {"département d'État", "State Department"}),
    ("new-york-times", "USA", "USAMED", {"The New York Times", "New York Times"}),
    ("nato", None, "IGONAT", {"NATO", "OTAN", "Conseil OTAN-Ukraine"}),
    ("un-security-council", None, "IGOUNO", {"Conseil de sécurité de l'ONU", "UN Security Council"}),
    ("iaea", None, "IGOIAE", {"AIEA", "IAEA"}),
    ("us-congress", "USA", "USALEG", {"Congress", "Congrès américain"}),
    ("quad", None, None, {"Quad"}),
    ("g7", None, "IGOG7", {"G7"}),
])
def test_key_organizations(oid, country, code, forms):
    o = BY_ID[oid]
    assert o["country"] == country
    assert code is None or o["code"] == code
    assert forms <= all_names(o) | {o["name"]}


def test_seats_of_power_stand_for_their_country():
    metonyms = {o["id"]: o.get("metonym_for") for o in ORGS}
    assert metonyms["kremlin"] == "RUS"
    assert metonyms["white-house"] == "USA"
    assert "Maison Blanche" in BY_ID["white-house"]["names"]["fr"]
    assert metonyms["kor-presidential-office"] == "KOR"


def test_each_domain_country_has_defence_and_foreign_ministries():
    kinds = {}
    for o in ORGS:
        if o.get("kind") == "ministry":
            kinds.setdefault(o["country"], set()).add(o["code"][3:])
    for iso in ("RUS", "PRK", "KOR", "CHN", "USA", "UKR", "JPN"):
        assert {"MIL", "GOV"} <= kinds.get(iso, set()), iso
