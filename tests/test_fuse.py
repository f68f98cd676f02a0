"""Fusion of per-document mentions into timeline events (fuse.fuse)."""
from __future__ import annotations

import copy
import json
import random
from pathlib import Path

from annales import fuse
from annales.model import Actor, EventRecord, TimeExpr, event_from_dict

DATA = Path(__file__).parent / "data" / "fuse"


def seed_mentions() -> list[EventRecord]:
    return [event_from_dict(json.loads(l)) for l in (DATA / "seeds_mentions.jsonl").read_text().splitlines()]


def seed_published() -> dict[str, str]:
    return json.loads((DATA / "seeds_published.json").read_text())


def containing(events, mention_id):
    found = [e for e in events if mention_id in e.mentions]
    assert len(found) == 1, f"{mention_id} is in {len(found)} fused events"
    return found[0]


# -- small builders for hand-made cases ---------------------------------------------------

def person(name, country):
    return Actor(name=name, country=country, type="person", id=name.lower().replace(" ", "-"))


def country(code, name):
    return Actor(name=name, country=code, type="country", id=code)


def when(earliest, latest=None, value=None, precision=None):
    latest = latest or earliest
    if value is None and earliest == latest:
        value, precision = earliest, "day"
    return TimeExpr(-1, -1, "fixture", value, precision or "unresolved", earliest, latest)


def mention(id_, doc, event, actor, recipient=(), date=None, mode=None, modality="asserted", location=None,
            quantity=None):
    return EventRecord(doc=doc, event=event, mode=mode, actor=list(actor), recipient=list(recipient), date=date,
                       modality=modality, location=location, quantity=quantity, id=id_, confidence=0.6)


PUTIN, KIM = person("Vladimir Putin", "RUS"), person("Kim Jong Un", "PRK")
GOREMYKIN, PAK, NO = person("Viktor Goremykin", "RUS"), person("Pak Yong-il", "PRK"), person("No Kwang-chol", "PRK")
SHOIGU = person("Sergei Shoigu", "RUS")
RUS, PRK = country("RUS", "Russia"), country("PRK", "North Korea")
PYONGYANG = {"name": "Pyongyang", "country": "PRK"}


# -- the seeds (fixture records written after the gold) --------------------------------------------

def test_seed_events_fuse_across_documents():
    events = fuse.fuse(seed_mentions(), seed_published())
    visit = containing(events, "m002-3")
    assert visit.mentions == ["m002-3", "m003-5"]
    assert visit.sources == ["002_22806c8730f4f847.txt", "003_1083638a956cab33.txt"]
    assert (visit.event, visit.mode) == ("CONSULT", "visit")
    assert [a.name for a in visit.actor] == ["Vladimir Putin"]
    assert [a.name for a in visit.recipient] == ["Kim Jong Un"]      # the person, not "North Korea"
    assert visit.first_reported == "2024-07-19"
    assert visit.date.value == "2024-06" and visit.conflicts == []

    treaty = containing(events, "m002-4")
    assert treaty.mentions == ["m002-4", "m003-6"]
    assert sorted(a.name for a in treaty.actor) == ["Kim Jong Un", "Vladimir Putin"]
    assert treaty.location == PYONGYANG


def test_month_and_day_reports_fuse_to_the_day():
    events = fuse.fuse(seed_mentions(), seed_published())
    shoigu = containing(events, "m000-4")
    assert shoigu.mentions == ["m000-4", "m001-1"]
    d = shoigu.date
    assert (d.value, d.precision, d.earliest, d.latest) == ("2023-07-26", "day", "2023-07-26", "2023-07-26")
    assert shoigu.location == PYONGYANG            # the city, not the country named by the other source
    assert shoigu.first_reported == "2023-07-27"


def test_distinct_seed_events_stay_apart():
    mentions = seed_mentions()
    events = fuse.fuse(mentions, seed_published())
    assert containing(events, "m004-1") is not containing(events, "m004-2")   # two meetings, one day
    assert containing(events, "m004-4") is not containing(events, "m004-5")   # soldiers vs workers
    # the records of one document are distinct events by contract
    for e in events:
        docs = [m.split("-")[0] for m in e.mentions]
        assert len(docs) == len(set(docs)), e
    # every mention is in exactly one event
    assert sorted(m for e in events for m in e.mentions) == sorted(m.id for m in mentions)


def test_same_result_in_any_order():
    mentions, published = seed_mentions(), seed_published()
    expected = [e.to_dict() for e in fuse.fuse(mentions, published)]
    rng = random.Random(7)
    for _ in range(5):
        shuffled = copy.deepcopy(mentions)
        rng.shuffle(shuffled)
        assert [e.to_dict() for e in fuse.fuse(shuffled, published)] == expected


# -- the rules, case by case -----------------------------------------------------------------------

def test_a_vague_report_matching_two_events_stands_alone():
    day = when("2025-11-06")
    pak = mention("a1", "a", "CONSULT", [GOREMYKIN], [PAK], day, "visit", location=PYONGYANG)
    no = mention("b1", "b", "CONSULT", [GOREMYKIN], [NO], day, "visit", location=PYONGYANG)
    vague = mention("c1", "c", "CONSULT", [GOREMYKIN], [PRK], when("2025-11-01", "2025-11-30", "2025-11", "month"),
                    "visit")
    events = fuse.fuse([pak, no, vague])
    assert len(events) == 3
    # with only one of the meetings, the same report joins it
    events = fuse.fuse([pak, vague])
    assert len(events) == 1 and events[0].date.value == "2025-11-06"
    assert [a.name for a in events[0].recipient] == ["Pak Yong-il"]


def test_no_chaining_through_a_month():
    a = mention("a1", "a", "CONSULT", [PUTIN], [KIM], when("2024-06-10"), "visit")
    b = mention("b1", "b", "CONSULT", [PUTIN], [KIM], when("2024-06-19"), "visit")
    month = mention("c1", "c", "CONSULT", [PUTIN], [KIM], when("2024-06-01", "2024-06-30", "2024-06", "month"), "visit")
    events = fuse.fuse([a, b, month])
    assert sorted(len(e.mentions) for e in events) == [1, 1, 1]


def test_days_of_one_visit_fuse_with_a_conflict():
    a = mention("a1", "a", "CONSULT", [SHOIGU], [PRK], when("2023-07-25"), "visit", location=PYONGYANG)
    b = mention("b1", "b", "CONSULT", [SHOIGU], [KIM], when("2023-07-26"), "visit", location=PYONGYANG)
    [ev] = fuse.fuse([a, b])
    assert (ev.date.earliest, ev.date.latest) == ("2023-07-25", "2023-07-26")
    [c] = ev.conflicts
    assert c.slot == "date" and c.values == ["2023-07-25", "2023-07-26"] and c.sources == [["a"], ["b"]]
    # a week apart: two visits
    far = mention("b1", "b", "CONSULT", [SHOIGU], [KIM], when("2023-07-20"), "visit", location=PYONGYANG)
    assert len(fuse.fuse([a, far])) == 2
    # one day apart but not visits: two meetings
    m1 = mention("a1", "a", "CONSULT", [SHOIGU, KIM], [], when("2023-07-25"))
    m2 = mention("b1", "b", "CONSULT", [SHOIGU, KIM], [], when("2023-07-26"))
    assert len(fuse.fuse([m1, m2])) == 2


def test_different_cities_are_different_meetings_but_one_visit():
    a = mention("a1", "a", "CONSULT", [PUTIN, KIM], [], when("2023-09-13"), location={"name": "Vostochny", "country": "RUS"})
    b = mention("b1", "b", "CONSULT", [PUTIN, KIM], [], when("2023-09-13"), location={"name": "Moscow", "country": "RUS"})
    assert len(fuse.fuse([a, b])) == 2
    va = mention("a1", "a", "CONSULT", [KIM], [RUS], when("2023-09-13"), "visit", location={"name": "Vostochny", "country": "RUS"})
    vb = mention("b1", "b", "CONSULT", [KIM], [PUTIN], when("2023-09-13"), "visit", location={"name": "Amur", "country": "RUS"})
    [ev] = fuse.fuse([va, vb])
    assert [c.slot for c in ev.conflicts] == ["location"]


def test_denial_of_a_dated_event_is_a_conflict_not_a_pick():
    claim = mention("a1", "a", "AID", [PRK], [RUS], when("2024-10-01", "2024-10-31", "2024-10", "month"),
                    modality="alleged")
    denial = mention("b1", "b", "AID", [PRK], [RUS], when("2024-10-01", "2024-10-31", "2024-10", "month"),
                     modality="denied")
    [ev] = fuse.fuse([claim, denial])
    assert ev.modality == "alleged"
    [c] = ev.conflicts
    assert c.slot == "modality" and c.values == ["alleged", "denied"] and c.sources == [["a"], ["b"]]
    # undated, a denial does not attach to anything
    undated = mention("b1", "b", "AID", [PRK], [RUS], None, modality="denied")
    assert len(fuse.fuse([claim, undated], {"a": "2024-11-01", "b": "2024-11-02"})) == 2


def test_planned_visit_is_not_the_visit():
    done = mention("a1", "a", "CONSULT", [PUTIN], [KIM], when("2024-06-19"), "visit")
    plan = mention("b1", "b", "CONSULT", [PUTIN], [KIM], when("2024-06-19"), "visit", modality="planned")
    plan2 = mention("c1", "c", "CONSULT", [PUTIN], [PRK], when("2024-06-01", "2024-06-30", "2024-06", "month"), "visit",
                    modality="planned")
    events = fuse.fuse([done, plan, plan2])
    assert sorted(e.mentions for e in events) == [["a1"], ["b1", "c1"]]
    assert containing(events, "b1").modality == "planned"


def test_undated_report_joins_a_single_exact_candidate():
    pub = {"a": "2024-11-05", "b": "2024-12-02", "c": "2024-12-03"}
    troops = mention("a1", "a", "AID", [PRK], [RUS], when("2024-10-01", "2024-10-31", "2024-10", "month"),
                     modality="alleged", quantity={"value": 10000, "unit": "soldiers", "qualifier": "about"})
    undated = mention("b1", "b", "AID", [PRK], [RUS], None, modality="alleged",
                      quantity={"value": 11000, "unit": "soldiers", "qualifier": None})
    [ev] = fuse.fuse([troops, undated], pub)
    assert ev.date.value == "2024-10" and ev.sources == ["a", "b"]
    assert [c.slot for c in ev.conflicts] == ["quantity"]
    # two dated candidates: it could be either
    other = mention("c1", "c", "AID", [PRK], [RUS], when("2024-11-20"), modality="alleged",
                    quantity={"value": 3000, "unit": "soldiers", "qualifier": None})
    assert sorted(len(e.mentions) for e in fuse.fuse([troops, undated, other], pub)) == [1, 1, 1]
    # no publication date: no window in which to look
    assert len(fuse.fuse([troops, undated], {})) == 2
    # the participants must match exactly; the event's country may stand for the report's leader…
    by_kim = mention("b1", "b", "AID", [KIM], [RUS], None, modality="alleged",
                     quantity={"value": 11000, "unit": "soldiers", "qualifier": None})
    assert len(fuse.fuse([troops, by_kim], pub)) == 1
    # …but a report vaguer than the event (a country for its leader) or naming someone else does not join
    kim_troops = mention("a1", "a", "AID", [KIM], [RUS], troops.date, modality="alleged",
                         quantity={"value": 10000, "unit": "soldiers", "qualifier": "about"})
    assert len(fuse.fuse([kim_troops, undated], pub)) == 2
    with_china = mention("b1", "b", "AID", [PRK, country("CHN", "China")], [RUS], None, modality="alleged",
                         quantity={"value": 11000, "unit": "soldiers", "qualifier": None})
    assert len(fuse.fuse([troops, with_china], pub)) == 2
    # another unit is another thing supplied
    shells = mention("b1", "b", "AID", [PRK], [RUS], None, modality="alleged",
                     quantity={"value": 1000000, "unit": "shells", "qualifier": None})
    assert len(fuse.fuse([troops, shells], pub)) == 2
    # two undated reports say nothing about being the same event
    undated2 = mention("c1", "c", "AID", [PRK], [RUS], None, modality="alleged",
                       quantity={"value": 11000, "unit": "soldiers", "qualifier": None})
    assert len(fuse.fuse([undated, undated2], pub)) == 2


def test_people_replace_their_country_on_the_same_side():
    a = mention("a1", "a", "SUPPORT", [RUS, PRK], [], when("2024-06-19"))
    b = mention("b1", "b", "SUPPORT", [PUTIN, KIM], [], when("2024-06-19"))
    c = mention("c1", "c", "CONSULT", [PUTIN], [KIM], when("2024-06-19"), "visit")
    d = mention("d1", "d", "CONSULT", [RUS, PRK], [], when("2024-06-19"))
    events = fuse.fuse([a, b, c, d])
    support, consult = containing(events, "a1"), containing(events, "c1")
    assert support.mentions == ["a1", "b1"] and consult.mentions == ["c1", "d1"]
    assert sorted(x.name for x in support.actor) == ["Kim Jong Un", "Vladimir Putin"]
    assert [x.name for x in consult.actor] == ["Vladimir Putin"] and [x.name for x in consult.recipient] == ["Kim Jong Un"]
    assert consult.mode == "visit"


def test_direction_matters_for_visits():
    a = mention("a1", "a", "CONSULT", [PUTIN], [KIM], when("2024-06-19"), "visit")
    b = mention("b1", "b", "CONSULT", [KIM], [PUTIN], when("2024-06-19"), "visit")
    assert len(fuse.fuse([a, b])) == 2


def test_exact_duplicates_within_a_document_fuse():
    a = mention("a1", "a", "CONSULT", [PUTIN], [KIM], when("2024-06-19"), "visit")
    b = mention("a2", "a", "CONSULT", [PUTIN], [KIM], when("2024-06-19"), "visit")
    [ev] = fuse.fuse([a, b])
    assert ev.mentions == ["a1", "a2"] and ev.sources == ["a"]


def test_ids_are_stable_and_do_not_depend_on_other_events():
    a = mention("a1", "a", "CONSULT", [PUTIN], [KIM], when("2024-06-19"), "visit")
    b = mention("b1", "b", "CONSULT", [PUTIN], [PRK], when("2024-06-19"), "visit")
    other = mention("z9", "z", "ACCUSE", [RUS], [PRK], when("2024-01-02"))
    [alone] = fuse.fuse([a, b])
    both = fuse.fuse([other, b, a])
    assert containing(both, "a1").id == alone.id
    assert len({e.id for e in both}) == 2


def test_a_bad_mention_is_skipped_with_its_document_named(capsys):
    bad = mention("", "doc-x", "CONSULT", [PUTIN], [KIM], when("2024-06-19"))
    broken = mention("y1", "doc-y", "CONSULT", [PUTIN], [KIM], when("2024-06-19"))
    broken.actor = [None]
    good = mention("z1", "doc-z", "CONSULT", [PUTIN], [KIM], when("2024-06-19"))
    [ev] = fuse.fuse([bad, broken, good])
    assert ev.mentions == ["z1"]
    err = capsys.readouterr().err
    assert "doc-x" in err and "no id" in err and "doc-y" in err


def test_blocking_keeps_unrelated_mentions_apart():
    # many unrelated daily events: one fused event each, and only same-block pairs are compared
    rng = random.Random(1)
    mentions = []
    for i in range(400):
        d = f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        mentions.append(mention(f"m{i:04d}", f"d{i}", "ACCUSE", [country(f"C{i % 40:02d}", f"Country {i % 40}")],
                                [PRK], when(d)))
    calls = 0
    real = fuse.compatible

    def counting(a, b):
        nonlocal calls
        calls += 1
        return real(a, b)

    fuse.compatible = counting
    try:
        events = fuse.fuse(mentions)
    finally:
        fuse.compatible = real
    same_day_pairs = {(m.actor[0].country, m.date.value) for m in mentions}
    assert len(events) == len(same_day_pairs)
    assert calls < 400 * 399 / 2 / 20


def test_the_benchmark_runs_on_a_small_corpus(tmp_path):
    import subprocess
    import sys

    bench = Path(__file__).resolve().parents[1] / "bench" / "fuse.py"
    out = tmp_path / "bench.json"
    res = subprocess.run([sys.executable, str(bench), "--n", "300", "--json", str(out)], capture_output=True,
                         text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    figures = json.loads(out.read_text())
    assert figures["mentions"] == 300
    assert 0 < figures["fused_events"] < 300          # reports of one event were fused
    assert figures["pairwise_precision"] > 0.9 and figures["pairwise_recall"] > 0.5
    assert figures["peak_rss_mb"] > 0 and "fused them into" in res.stdout


def test_a_named_person_beats_a_country_level_match():
    """'Shoigu visited in July' fits both the day-dated Shoigu visit and a same-week country-level
    delegation; the shared person decides."""
    shoigu_day = mention("b1", "b", "CONSULT", [SHOIGU], [person("Kang Sun-nam", "PRK")], when("2023-07-26"), "visit",
                         location=PYONGYANG)
    delegation = mention("b2", "b", "CONSULT", [RUS, country("CHN", "China")], [PRK],
                         when("2023-07-24", "2023-07-30", None, "week"), "visit")
    july = mention("a1", "a", "CONSULT", [SHOIGU], [PRK], when("2023-07-01", "2023-07-31", "2023-07", "month"), "visit")
    events = fuse.fuse([shoigu_day, delegation, july])
    assert containing(events, "a1").mentions == ["a1", "b1"]
    assert containing(events, "b2").mentions == ["b2"]


def test_compatibility_is_symmetric():
    """The graph, hence the components, must not depend on which mention is looked at first."""
    lavrov = person("Sergey Lavrov", "RUS")
    cases = [
        (mention("a", "a", "CONSULT", [PUTIN, lavrov], [], when("2024-06-19")),
         mention("b", "b", "CONSULT", [RUS, KIM], [], when("2024-06-19"))),
        (mention("a", "a", "CONSULT", [PUTIN], [KIM], when("2024-06-19"), "visit"),
         mention("b", "b", "CONSULT", [PUTIN, KIM], [], when("2024-06-01", "2024-06-30", "2024-06", "month"))),
        (mention("a", "a", "AID", [PRK], [RUS], None),
         mention("b", "b", "AID", [KIM], [RUS], when("2024-06-19"))),
    ]
    rng = random.Random(3)
    pool = [m for pair in cases for m in pair]
    for _ in range(200):
        x, y = rng.sample(pool, 2)
        y = copy.deepcopy(y)
        y.id, y.doc = "other", "other"
        cases.append((x, y))
    pub = {"a": "2024-07-01", "b": "2024-07-02", "other": "2024-07-03"}
    for x, y in cases:
        cx, cy = fuse.compact(x, pub.get(x.doc)), fuse.compact(y, pub.get(y.doc))
        assert fuse.compatible(cx, cy) == fuse.compatible(cy, cx), (x, y)
    first = cases[0]
    assert not fuse.compatible(fuse.compact(first[0], None), fuse.compact(first[1], None))


def test_blocking_finds_every_compatible_pair():
    """link() through blocking keys gives exactly the graph of comparing all pairs, and compatible() is
    symmetric, on messy random reports (people on both sides, actors without a country, vague dates)."""
    import itertools

    cast = [PUTIN, KIM, SHOIGU, GOREMYKIN, PAK, person("Sergey Lavrov", "RUS"), RUS, PRK,
            country("CHN", "China"), Actor(name="Some Group", type="group"),
            Actor(name="Wagner", country="RUS", type="group")]
    pub = {f"d{i}": "2024-08-15" for i in range(81)}
    for seed in range(5):
        rng = random.Random(seed)
        mentions = []
        for n in range(300):
            kind = rng.random()
            day = rng.randint(1, 60)
            iso = f"2024-{6 + day // 31:02d}-{day % 31 or 1:02d}"
            date = None if kind < 0.15 else (when(iso[:7] + "-01", iso[:7] + "-28", iso[:7], "month")
                                             if kind < 0.4 else when(iso))
            mentions.append(mention(f"m{n:03d}", f"d{rng.randint(0, 80)}", rng.choice(["CONSULT", "AID"]),
                                    rng.sample(cast, rng.choice([1, 1, 2, 3])), rng.sample(cast, rng.choice([0, 1, 1, 2])),
                                    date, mode=rng.choice([None, "visit"]),
                                    modality=rng.choice(["asserted", "alleged", "denied"]),
                                    location=rng.choice([None, PYONGYANG])))
        ms = fuse._compact_all(mentions, pub)
        adj = fuse.link(ms)
        found = {(min(i, j), max(i, j)) for i in range(len(ms)) for j in adj[i]}
        assert sum(len(a) for a in adj) == 2 * len(found)            # each pair judged once
        every = set()
        for i, j in itertools.combinations(range(len(ms)), 2):
            ok = fuse.compatible(ms[i], ms[j])
            assert ok == fuse.compatible(ms[j], ms[i])
            if ok:
                every.add((i, j))
        assert found == every and len(every) > 500
