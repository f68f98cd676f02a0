"""The timeline for people and for other tools.

`table` and `chronology` are for a terminal; `export` writes files that open in
the target tool's own reader: JSONL, CSV and Parquet (pandas, DuckDB), PLOVER
JSONL (POLECAT-style), a GDELT-style events table, TimelineJS JSON, and the
actor network (who met whom) as GraphML and GEXF for Gephi.

Every function takes fused events as the EVENTS.md dicts that
`Store.fused_events` returns.
"""
from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

from .dates_label import date_label
from .resources import load_json

# -- flat rows (CSV, Parquet) ------------------------------------------------------

CSV_COLUMNS = [
    "id", "date", "earliest", "latest", "precision", "date_source", "date_label", "event", "mode", "modality",
    "context", "actor", "actor_country", "recipient", "recipient_country", "location", "location_country",
    "quantity_value", "quantity_unit", "quantity_qualifier", "n_mentions", "n_sources", "sources",
    "first_reported", "conflicts", "confidence", "cameo", "reviewed",
]

MENTION_COLUMNS = [
    "id", "doc", "date", "earliest", "latest", "precision", "date_source", "date_label", "date_text", "event", "mode", "modality",
    "context", "actor", "actor_country", "recipient", "recipient_country", "attributed_to", "location",
    "location_country", "quantity_value", "quantity_unit", "quantity_qualifier", "evidence",
    "evidence_start", "evidence_end", "confidence", "cameo",
]

SEP = "; "


def _names(actors: list[dict] | None) -> str:
    return SEP.join(a.get("name") or "" for a in actors or [])


def _countries(actors: list[dict] | None) -> str:
    return SEP.join(dict.fromkeys(a.get("country") or "" for a in actors or []))


def _date_cells(d: dict | None) -> list:
    d = d or {}
    return [d.get("value"), d.get("earliest"), d.get("latest"), d.get("precision"), d.get("source"),
            date_label(d) if d else None]


def _quantity_cells(q: dict | None) -> list:
    q = q or {}
    return [q.get("value"), q.get("unit"), q.get("qualifier")]


def _location_cells(loc: dict | None) -> list:
    loc = loc or {}
    return [loc.get("name"), loc.get("country")]


def csv_row(event: dict) -> list:
    """One fused event as a row of CSV_COLUMNS (lists joined with '; ')."""
    conflicts = SEP.join(c.get("slot", "") for c in event.get("conflicts") or [])
    return [event.get("id"), *_date_cells(event.get("date")), event.get("event"), event.get("mode"),
            event.get("modality"), SEP.join(event.get("context") or []),
            _names(event.get("actor")), _countries(event.get("actor")),
            _names(event.get("recipient")), _countries(event.get("recipient")),
            *_location_cells(event.get("location")), *_quantity_cells(event.get("quantity")),
            len(event.get("mentions") or []), len(event.get("sources") or []), SEP.join(event.get("sources") or []),
            event.get("first_reported"), conflicts, event.get("confidence"), event.get("cameo"),
            bool(event.get("reviewed"))]


def mention_row(m: dict) -> list:
    """One per-document mention as a row of MENTION_COLUMNS (the best evidence sentence)."""
    d = m.get("date") or {}
    ev = (m.get("evidence") or [{}])[0]
    return [m.get("id"), m.get("doc"), *_date_cells(d), d.get("text"), m.get("event"), m.get("mode"),
            m.get("modality"), SEP.join(m.get("context") or []),
            _names(m.get("actor")), _countries(m.get("actor")),
            _names(m.get("recipient")), _countries(m.get("recipient")), _names(m.get("attributed_to")),
            *_location_cells(m.get("location")), *_quantity_cells(m.get("quantity")),
            ev.get("text"), ev.get("start"), ev.get("end"), m.get("confidence"), m.get("cameo")]


# -- words ----------------------------------------------------------------------------

def _phrases(lang: str = "en") -> dict:
    """The wording of `lang` (resources/<lang>/phrases.json); English when the language has none."""
    return load_json(lang, "phrases") or load_json("en", "phrases")


def actor_name(a: dict, lang: str = "en") -> str:
    """The actor's name as written in `lang`: the knowledge base's name in that language for a
    linked person or a country, else the name as found."""
    from .actors.kb import default_kb

    kb = default_kb()
    if a.get("type") == "country" and a.get("country"):
        return kb.country_name(a["country"], lang) or a.get("name") or a["country"]
    ent = kb.get(a.get("id")) if a.get("id") else None
    if ent is not None:
        return (ent.names.get(lang) or [ent.name])[0]
    return a.get("name") or a.get("text") or "?"


def country_with_article(name: str, lang: str) -> str:
    """'la Russie', 'les États-Unis', "l'Égypte", 'Israël': a country as a sentence names it, when the
    language's wording gives article rules (resources/<lang>/phrases.json `country_articles`)."""
    rules = _phrases(lang).get("country_articles")
    if not rules or not name or name in rules["no_article"]:
        return name
    first = name.replace("-", " ").split()[0]
    if first.endswith(tuple(rules["plural_endings"])) and name not in rules["masculine_names"]:
        return rules["plural"] + name
    feminine = first.endswith(tuple(rules["feminine_endings"])) and name not in rules["masculine_names"]
    if name[0] in rules["vowels"]:
        return rules["elided"] + name
    return (rules["feminine"] if feminine else rules["masculine"]) + name


def _contract(text: str, ph: dict) -> str:
    for a, b in (ph.get("country_articles") or {}).get("contractions", {}).items():
        text = text.replace(a, b)
    return text


def actor_label(a: dict, lang: str = "en") -> str:
    """'Andrey Belousov (RUS)' for a person or organisation, 'North Korea' for a country."""
    name = actor_name(a, lang) if lang != "en" else (a.get("name") or a.get("text") or "?")
    if a.get("type") != "country" and a.get("country"):
        return f"{name} ({a['country']})"
    return name


def _join(labels: list[str], ph: dict) -> str:
    if len(labels) <= 1:
        return "".join(labels)
    return ph["list_separator"].join(labels[:-1]) + ph["and"] + labels[-1]


def _form(template, many: bool) -> str:
    if isinstance(template, dict):
        return template["many" if many else "one"]
    return template


def date_words(d: dict | None, lang: str = "en") -> str:
    """The date as precise as it is, in words (dates_label): '29 Nov 2024', 'week to 29 Nov 2024'."""
    return date_label(d, lang)


def _forms(ev: dict, ph: dict):
    """The wording of the event: by type and mode, else type and CAMEO code (signing vs support), else type."""
    events, kind = ph["events"], ev.get("event") or ""
    for key in (f"{kind}/{ev.get('mode')}", f"{kind}/{ev.get('cameo')}", kind):
        if key in events:
            return events[key]
    return None


def event_words(ev: dict, lang: str = "en", with_modality: bool = False, plain: bool | None = None) -> str:
    """The event in words: 'North Korea supplies Russia: more than 10,000 soldiers'.

    `plain` (the default for a language other than English, and for descriptions) names people
    and countries as the language writes them, without country codes."""
    ph = _phrases(lang)
    plain = (lang != "en" or with_modality) if plain is None else plain
    def named(a: dict) -> str:
        name = actor_name(a, lang)
        return country_with_article(name, lang) if a.get("type") == "country" else name

    label = named if plain else (lambda a: actor_label(a, lang))
    actors = list(dict.fromkeys(label(a) for a in ev.get("actor") or []))
    recipients = [r for r in dict.fromkeys(label(a) for a in ev.get("recipient") or []) if r not in actors]
    place = ev.get("location") or {}
    loc = place.get("name")
    in_country = bool(loc and place.get("country") and loc in _country_names(place["country"]))
    if in_country:
        if any(a.get("type") == "country" and a.get("country") == place["country"]
               for a in (ev.get("actor") or []) + (ev.get("recipient") or [])):
            loc = None                   # "visits Russia in Russia"
        else:
            loc = actor_name({"type": "country", "country": place["country"], "name": loc}, lang)
            loc = country_with_article(loc, lang) if plain else loc
    forms = _forms(ev, ph)
    actor = _join(actors, ph) or ph["unknown_actor"]
    plural = (ph.get("country_articles") or {}).get("plural")
    many = len(actors) > 1 or bool(plain and plural and actors and actors[0].startswith(plural))   # "les États-Unis"
    if forms is None:
        text = ph["fallback"].format(event=ev.get("event"), actor=actor)
    elif recipients:
        text = _form(forms["recipient"], many).format(actor=actor, recipient=_join(recipients, ph), location=loc)
    elif loc and "location" in forms and not in_country:
        text = _form(forms["location"], many).format(actor=actor, location=loc)
        loc = None
    else:
        text = _form(forms["alone"], many).format(actor=actor)
    if loc and loc not in text:
        text += ph["in_country" if in_country else "in_location"].format(location=loc)
    q = ev.get("quantity")
    if q and q.get("value") is not None:
        value = f"{q['value']:,}" if isinstance(q["value"], (int, float)) else str(q["value"])
        if lang != "en" and isinstance(q["value"], (int, float)):
            value = value.replace(",", ph.get("thousands", ","))
        words = " ".join(ph["quantity"].format(qualifier=q.get("qualifier") or "", value=value,
                                               unit=q.get("unit") or "").split())
        # French puts a space before the colon (the template starts with one); English does not
        text += " " + words if ph["quantity"].startswith(" ") else words.replace(" :", ":")
    modality = ev.get("modality") or "asserted"
    if with_modality and modality != "asserted":
        text += f" ({ph['modality'].get(modality, modality)})"
    if plain:
        text = _contract(text, ph)
        return text[:1].upper() + text[1:]
    return text


def _country_names(iso3: str) -> set[str]:
    from .actors.kb import default_kb

    ent = default_kb().country(iso3)
    return set(ent.all_names()) if ent is not None else set()


def chronology(events: list[dict], lang: str = "en") -> str:
    """The readable timeline, one line per event, in the order given (the store's date order).

    Events whose text gives no time are listed after the dated ones, under their own
    heading: they cannot be placed on the timeline, but the analyst should see them.
    """
    ph = _phrases(lang)
    dated = [ev for ev in events if _has_date(ev)]
    undated = [ev for ev in events if not _has_date(ev)]
    lines = [_chronology_line(ev, ph, lang) for ev in dated]
    if undated:
        if lines:
            lines.append("")
        lines.append(ph["undated_heading"].format(n=len(undated)))
        lines += [_chronology_line(ev, ph, lang) for ev in undated]
    return "\n".join(lines)


def days_text(days: list[dict], lang: str = "en") -> str:
    """The top days for a terminal: the day, its description and sources, then its best sentences."""
    ph = _phrases(lang)
    lines = [ph["days_heading"].format(n=len(days))]
    for d in days:
        n = d.get("sources") or 0
        count = ph["sources"]["one"] if n == 1 else ph["sources"]["many"].format(n=n)
        lines.append("")
        lines.append(f"{d['date']}  {d.get('description') or ''}  [{count}]".replace("   [", "  ["))
        for e in d.get("evidence") or []:
            lines.append(f"    « {e['text']} »  ({e['doc']})" if (e.get("language") or lang) == "fr"
                         else f"    \"{e['text']}\"  ({e['doc']})")
    return "\n".join(lines)


def _has_date(ev: dict) -> bool:
    d = ev.get("date") or {}
    return bool(d.get("value") or d.get("earliest") or d.get("latest"))


def _chronology_line(ev: dict, ph: dict, lang: str = "en") -> str:
    parts = [f"{date_words(ev.get('date'), lang):<20}", event_words(ev, lang, plain=False)]
    modality = ev.get("modality") or "asserted"
    if modality != "asserted":
        parts[-1] += f" ({ph['modality'].get(modality, modality)})"
    n = len(ev.get("sources") or [])
    extra = [ph["sources"]["one"] if n == 1 else ph["sources"]["many"].format(n=n)]
    if ev.get("conflicts"):
        slots = ", ".join(dict.fromkeys(c.get("slot", "") for c in ev["conflicts"]))
        extra.append("⚠ " + ph["conflict"].format(slots=slots))
    if ev.get("reviewed"):
        extra.append("✓ " + ph.get("reviewed", "reviewed"))
    return f"{parts[0]}  {parts[1]}  [{'; '.join(extra)}]"


def _cut(s: str, width: int) -> str:
    return s if len(s) <= width else s[:width - 1] + "…"


def table(events: list[dict]) -> str:
    """A fixed-width table: date, type/mode, actor → recipient, modality, sources."""
    ph = _phrases()
    widths = (24, 16, 60, 12, 7)
    rows = [ph["table_headers"]]
    for ev in events:
        kind = ev.get("event") or ""
        if ev.get("mode"):
            kind += "/" + ev["mode"]
        who = ", ".join(actor_label(a) for a in ev.get("actor") or [])
        if ev.get("recipient"):
            who += " → " + ", ".join(actor_label(a) for a in ev["recipient"])
        n = str(len(ev.get("sources") or []))
        if ev.get("conflicts"):
            n += " !"
        rows.append([date_words(ev.get("date")), kind, who, ev.get("modality") or "", n])
    out = []
    for r in rows:
        out.append("  ".join(_cut(str(c), w).ljust(w) for c, w in zip(r, widths)).rstrip())
    out.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(out)


# -- CAMEO / GDELT ---------------------------------------------------------------------

# Default CAMEO code of a PLOVER type (and mode), from the CAMEO→PLOVER table read backwards;
# a record's own `cameo` wins.
CAMEO_DEFAULT = {
    "AGREE": "030", "CONSULT": "040", "CONSULT/phone": "041", "CONSULT/visit": "042",
    "SUPPORT": "057", "COOPERATE": "060", "AID": "070", "CONCEDE": "080", "RETREAT": "087",
    "REQUEST": "100", "ACCUSE": "112", "REJECT": "120", "THREATEN": "130", "PROTEST": "140",
    "MOBILIZE": "150", "MOBILIZE/troops": "154", "SANCTION": "160", "COERCE": "170", "ASSAULT": "190",
}
# Context refinements of the default code (CAMEO's third digit).
CAMEO_CONTEXT = {("COOPERATE", "military"): "062", ("AID", "military"): "072", ("AID", "economic"): "071",
                 ("AID", "humanitarian"): "073", ("AGREE", "military"): "0312"}
# Future/possible cooperation is AGREE (PLOVER manual, AGREE): intent to meet, to cooperate, to aid.
CAMEO_INTENT = {"CONSULT": "036", "SUPPORT": "030", "COOPERATE": "031", "AID": "033"}
# Goldstein (1992) weights of the codes above, as GDELT uses them.
GOLDSTEIN = {
    "030": 4.0, "0312": 4.0, "031": 5.2, "033": 5.2, "036": 4.0, "040": 1.0, "041": 1.0, "042": 1.9,
    "043": 2.8, "057": 8.0, "060": 6.0, "062": 7.4, "070": 7.0, "071": 7.4, "072": 8.3, "073": 7.4,
    "080": 5.0, "087": 9.0, "100": -5.0, "112": -2.0, "120": -4.0, "130": -4.4, "140": -6.5,
    "150": -7.2, "154": -7.2, "160": -4.0, "170": -7.0, "190": -10.0,
}
PROSPECTIVE = {"planned", "possible"}
INTENT_TYPES = {"CONSULT", "SUPPORT", "COOPERATE", "AID"}


def cameo_code(ev: dict) -> str:
    kind, mode = ev.get("event") or "", ev.get("mode")
    if ev.get("modality") in PROSPECTIVE and kind in INTENT_TYPES:
        return CAMEO_INTENT[kind]
    if ev.get("cameo"):
        return str(ev["cameo"])
    for ctx in ev.get("context") or []:
        if (kind, ctx) in CAMEO_CONTEXT:
            return CAMEO_CONTEXT[(kind, ctx)]
    return CAMEO_DEFAULT.get(f"{kind}/{mode}") or CAMEO_DEFAULT.get(kind, "")


def quad_class(code: str) -> int | None:
    """GDELT QuadClass: 1 verbal cooperation, 2 material cooperation, 3 verbal conflict, 4 material conflict."""
    if not code[:2].isdigit():
        return None
    root = int(code[:2])
    return 1 if root <= 5 else 2 if root <= 8 else 3 if root <= 14 else 4


GDELT_COLUMNS = [
    "GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate", "DatePrecision", "DateEnd",
    "Actor1Code", "Actor1Name", "Actor1CountryCode", "Actor1Type1Code",
    "Actor2Code", "Actor2Name", "Actor2CountryCode", "Actor2Type1Code",
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
    "NumMentions", "NumSources", "NumArticles", "AvgTone", "ActionGeo_FullName", "ActionGeo_CountryCode",
    "DATEADDED", "SOURCEURL", "Modality", "PLOVEREvent", "Reviewed",
]


def _actor_code(actors: list[dict]) -> str:
    for a in actors:
        if a.get("code"):
            return a["code"]
    return next((a.get("country") for a in actors if a.get("country")), "") or ""


def gdelt_row(ev: dict, docs: dict[str, dict]) -> list:
    d = ev.get("date") or {}
    day = d.get("earliest") or ""
    code = cameo_code(ev)
    actors, recipients = ev.get("actor") or [], ev.get("recipient") or []
    if not recipients and len(actors) > 1:      # undirected: the second participant is Actor2
        actors, recipients = actors[:1], actors[1:]
    year = day[:4]
    fraction = ""
    if day:
        dd = date.fromisoformat(day)
        fraction = round(dd.year + (dd.timetuple().tm_yday - 1) / 365.0, 4)
    urls = [docs.get(s, {}).get("url") or s for s in ev.get("sources") or []]
    loc = ev.get("location") or {}
    return [
        ev.get("id"), day.replace("-", ""), day[:7].replace("-", ""), year, fraction, d.get("precision") or "",
        (d.get("latest") or "").replace("-", ""),
        _actor_code(actors), _names(actors), _countries(actors).split(SEP)[0] if actors else "",
        actors[0].get("type", "") if actors else "",
        _actor_code(recipients), _names(recipients), _countries(recipients).split(SEP)[0] if recipients else "",
        recipients[0].get("type", "") if recipients else "",
        1, code, code[:3], code[:2], quad_class(code) or "", GOLDSTEIN.get(code, GOLDSTEIN.get(code[:3], "")),
        len(ev.get("mentions") or []), len(ev.get("sources") or []), len(ev.get("sources") or []), "",
        loc.get("name") or "", loc.get("country") or "", (ev.get("first_reported") or "").replace("-", ""),
        " ".join(urls), ev.get("modality") or "", ev.get("event") or "", 1 if ev.get("reviewed") else 0,
    ]


# -- PLOVER -----------------------------------------------------------------------------------

AUXILIARY = {"planned": "future", "possible": "future", "hypothetical": "hypothetical", "negated": "negation",
             "denied": "negation"}


def _plover_entity(a: dict) -> dict:
    out = {"code": a.get("country") or "", "entity_text": a.get("text") or a.get("name"),
           "identifier_id": a.get("id"), "identifier_text": a.get("name"), "type": a.get("type")}
    if a.get("code") and len(a["code"]) > 3:
        out["sector"] = a["code"][3:]
    if a.get("role"):
        out["office"] = a["role"]
    return out


def plover_record(ev: dict, docs: dict[str, dict]) -> dict:
    """A PLOVER/POLECAT-style record. Future and possible cooperation is AGREE, as the manual asks."""
    kind, modality = ev.get("event"), ev.get("modality") or "asserted"
    mode = [ev["mode"]] if ev.get("mode") else []
    if modality in PROSPECTIVE and kind in INTENT_TYPES:
        kind, mode = "AGREE", []
    elif modality in PROSPECTIVE and kind == "RETREAT":
        kind, mode = "CONCEDE", []
    context = list(ev.get("context") or [])
    if modality in AUXILIARY and AUXILIARY[modality] not in context:
        context.append(AUXILIARY[modality])
    d = ev.get("date") or {}
    code = cameo_code(ev)
    loc = ev.get("location")
    return {
        "id": ev.get("id"), "date": d.get("earliest"), "enddate": d.get("latest"),
        "date_precision": d.get("precision"),
        "actor": [_plover_entity(a) for a in ev.get("actor") or []],
        "recipient": [_plover_entity(a) for a in ev.get("recipient") or []],
        "event": [kind], "mode": mode, "context": context,
        "event_loc": {"name": loc.get("name"), "country": loc.get("country")} if loc else None,
        "quad_code": quad_class(code), "event_scale": GOLDSTEIN.get(code),
        "modality": modality, "quantity": ev.get("quantity"),
        "cite_info": [{"doc": s, **{k: v for k, v in docs.get(s, {}).items() if v}} for s in ev.get("sources") or []],
        "link": ev.get("id"), "mentions": ev.get("mentions"), "first_reported": ev.get("first_reported"),
        "comment": "; ".join(f"sources disagree on {c.get('slot')}" for c in ev.get("conflicts") or []) or None,
        "coder": "annales", "reviewed": bool(ev.get("reviewed")),
    }


# -- TimelineJS -----------------------------------------------------------------------------

def _tl_date(iso: str) -> dict:
    return {"year": int(iso[:4]), "month": int(iso[5:7]), "day": int(iso[8:10])}


def timeline_event(ev: dict) -> dict | None:
    """A TimelineJS slide, or None for an undated event (TimelineJS needs a start date)."""
    d = ev.get("date") or {}
    if not d.get("earliest"):
        return None
    ph = _phrases()
    n = len(ev.get("sources") or [])
    body = [ph["sources"]["one"] if n == 1 else ph["sources"]["many"].format(n=n)]
    if (ev.get("modality") or "asserted") != "asserted":
        body.insert(0, ph["modality"].get(ev["modality"], ev["modality"]))
    if ev.get("conflicts"):
        body.append(ph["conflict"].format(slots=", ".join(c.get("slot", "") for c in ev["conflicts"])))
    slide = {"unique_id": ev.get("id"), "start_date": _tl_date(d["earliest"]),
             "text": {"headline": event_words(ev), "text": " · ".join(body)},
             "group": ev.get("event")}
    if d.get("latest") and d["latest"] != d["earliest"]:
        slide["end_date"] = _tl_date(d["latest"])
    slide["display_date"] = date_words(d)
    return slide


# -- the actor network -------------------------------------------------------------------------

# Who met, signed with, cooperated with or supplied whom.
NETWORK_TYPES = {"CONSULT", "AGREE", "SUPPORT", "COOPERATE", "AID"}


def _node_key(a: dict) -> str:
    if a.get("id"):
        return a["id"]
    if a.get("type") == "country" and a.get("country"):
        return a["country"]
    return f"unlinked:{a.get('country') or ''}:{(a.get('name') or '').strip().lower()}"


def network_events(events: list[dict]) -> list[dict]:
    """The events that link actors: co-operative types, reported as having happened."""
    return [ev for ev in events if ev.get("event") in NETWORK_TYPES
            and (ev.get("modality") or "asserted") in ("asserted", "alleged")]


def network(events: list[dict]):
    """networkx Graph: actors as nodes (name, country, type), co-participation as weighted edges."""
    import networkx as nx

    g = nx.Graph()
    for ev in network_events(events):
        people = {}
        for a in (ev.get("actor") or []) + (ev.get("recipient") or []):
            key = _node_key(a)
            people[key] = a
            if key not in g:
                g.add_node(key, label=a.get("name") or key, country=a.get("country") or "",
                           type=a.get("type") or "")
        keys = sorted(people)
        for i, u in enumerate(keys):
            for v in keys[i + 1:]:
                if g.has_edge(u, v):
                    e = g[u][v]
                    e["weight"] += 1
                    e["events"] += " " + ev["id"]
                    kinds = set(e["types"].split(" ")) | {ev["event"]}
                    e["types"] = " ".join(sorted(kinds))
                else:
                    g.add_edge(u, v, weight=1, events=ev["id"], types=ev["event"])
    return g


# -- the writer --------------------------------------------------------------------------------

FORMATS = ("jsonl", "csv", "parquet", "plover", "gdelt", "timelinejs", "graphml", "gexf")


def _clean_filters(filters: dict | None) -> dict:
    return {k: v for k, v in (filters or {}).items() if v is not None}


def _mentions(store, events: list[dict], filtered: bool) -> list[dict]:
    if not filtered:
        return list(store.mention_dicts())
    wanted = {m for ev in events for m in ev.get("mentions") or []}
    return [m for m in store.mention_dicts() if m.get("id") in wanted]


def export(store, fmt: str, out_path: str, what: str = "events", filters: dict | None = None) -> int:
    """Write the (filtered) timeline or its mentions as `fmt` to `out_path`; the number of records written
    (for graphml/gexf: the number of events drawn into the network)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r} (one of {', '.join(FORMATS)})")
    if what not in ("events", "mentions"):
        raise ValueError(f"can export 'events' or 'mentions', not {what!r}")
    filters = _clean_filters(filters)
    events = store.fused_events(**filters)
    Path(out_path).parent.mkdir(parents=True, exist_ok=True)
    if what == "mentions":
        if fmt not in ("jsonl", "csv", "parquet"):
            raise ValueError(f"mentions export as jsonl, csv or parquet, not {fmt}")
        return _write_rows(_mentions(store, events, bool(filters)), fmt, out_path, MENTION_COLUMNS, mention_row)
    if fmt in ("jsonl", "csv", "parquet"):
        return _write_rows(events, fmt, out_path, CSV_COLUMNS, csv_row)
    docs = store.documents_info({s for ev in events for s in ev.get("sources") or []})
    if fmt == "plover":
        with open(out_path, "w", encoding="utf-8") as fh:
            for ev in events:
                fh.write(json.dumps(plover_record(ev, docs), ensure_ascii=False) + "\n")
        return len(events)
    if fmt == "gdelt":
        with open(out_path, "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh, delimiter="\t", lineterminator="\n")
            w.writerow(GDELT_COLUMNS)
            for ev in events:
                w.writerow(gdelt_row(ev, docs))
        return len(events)
    if fmt == "timelinejs":
        slides = [s for s in (timeline_event(ev) for ev in events) if s]
        doc = {"title": {"text": {"headline": "Annales", "text": f"{len(slides)} events"}}, "events": slides}
        Path(out_path).write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
        return len(slides)
    import networkx as nx

    g = network(events)
    if fmt == "graphml":
        nx.write_graphml(g, out_path)
    else:
        nx.write_gexf(g, out_path)
    return len(network_events(events))


def _write_rows(records: list[dict], fmt: str, out_path: str, columns: list[str], row) -> int:
    if fmt == "jsonl":
        with open(out_path, "w", encoding="utf-8") as fh:
            for r in records:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    elif fmt == "csv":
        with open(out_path, "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(columns)
            for r in records:
                w.writerow(row(r))
    else:
        import pyarrow as pa
        import pyarrow.parquet as pq

        rows = [row(r) for r in records]
        cols = {c: [r[i] for r in rows] for i, c in enumerate(columns)}
        # the full record too, as JSON, so that nothing is lost in the flat columns
        cols["record"] = [json.dumps(r, ensure_ascii=False) for r in records]
        table = pa.table({c: pa.array(v, type=_arrow_type(c, v)) for c, v in cols.items()})
        pq.write_table(table, out_path)
    return len(records)


def _arrow_type(column: str, values: list):
    import pyarrow as pa

    if column in ("n_mentions", "n_sources", "evidence_start", "evidence_end"):
        return pa.int64()
    if column == "confidence":
        return pa.float64()
    if column == "reviewed":
        return pa.bool_()
    if column == "quantity_value":
        return pa.float64() if all(v is None or isinstance(v, (int, float)) for v in values) else pa.string()
    return pa.string()
