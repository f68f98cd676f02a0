"""Import actor lists into the user's knowledge-base folder, and show an actor's role history.

Two formats are read:
- PETRARCH/Phoenix actor dictionaries: a name line (`SERGEI_SHOIGU_`), synonym lines
  (`+SERGEY_SHOYGU_`), code lines (`[RUSMIL 121106-240512]`, `[RUSGOV >120507]`,
  `[RUSGOV <000507]`, `[RUSGOV]`), `#` comments. A code names a sector, not a post,
  so it becomes a dated `affiliation` role, unless vocab.json maps its suffix to a post.
- Wikidata JSON (Special:EntityData `{"entities": {...}}`, a list of entities, or one
  entity per line as in the dumps): labels/aliases per language, P39 (position held)
  with P580/P582 (start/end), P27 (citizenship).
Entities already in the base (same Wikidata id, else same name) keep their id, so the
imported line extends them when the base is loaded.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from .kb import VOCAB, Entity, KnowledgeBase, NameCheck, Role, default_kb, entity_from_dict, fold, norm, user_dir


class ImportError_(ValueError):
    """A file that cannot be imported; the message names the file and the reason."""


# ---------------------------------------------------------------- PETRARCH / Phoenix

_CODE = re.compile(r"\[([~A-Z0-9]+)(?:\s+([<>]?(?:\d{8}|\d{6}))(?:\s*-\s*(\d{8}|\d{6}))?)?\s*\]")


def _yymmdd(s: str, century: int | None = None) -> str:
    """PETRARCH dates are yymmdd (or yyyymmdd); years below 30 are 20xx (the dictionaries date from
    2014), unless `century` is given (a start after its end belongs to the century before)."""
    if len(s) == 8:
        return f"{s[:4]}-{s[4:6]}-{s[6:8]}"
    yy, mm, dd = int(s[:2]), s[2:4], s[4:6]
    year = (century if century is not None else (2000 if yy < 30 else 1900)) + yy
    return f"{year}-{mm}-{dd}"


def _petrarch_name(token: str) -> str:
    words = [w for w in token.strip().strip("+").split("_") if w]
    return " ".join(w.capitalize() if w.isupper() else w for w in words)


def _code_role(code: str, start: str | None, end: str | None) -> Role:
    country, rest = code[:3], code[3:]
    key = VOCAB["petrarch"]["role_suffix"].get(rest)
    if key:
        return Role(role=key, of=country, start=start, end=end, code=code)
    return Role(role="affiliation", of=country, start=start, end=end, code=code)


def parse_petrarch(text: str, source: str = "<text>", strict: bool = True) -> list[dict]:
    """Entities (as FORMAT.md dicts, without ids) from a PETRARCH actor dictionary; `raw` keeps the
    name lines as written. Not strict: an unreadable line is skipped."""
    out: list[dict] = []
    cur: dict | None = None
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        head = _CODE.sub("", line).strip()
        if head.startswith("+") and cur is not None:
            cur["names"]["en"].append(_petrarch_name(head))
            cur["raw"].append(head)
        elif head and not head.startswith("["):
            cur = {"name": _petrarch_name(head), "type": "person", "names": {"en": [_petrarch_name(head)]}, "roles": [],
                   "raw": [head]}
            out.append(cur)
        elif head:
            if not strict:
                continue
            raise ImportError_(f"{source}:{n}: unreadable line: {raw.strip()!r}")
        for code, d1, d2 in _CODE.findall(line):
            if cur is None:
                if not strict:
                    continue
                raise ImportError_(f"{source}:{n}: code before any name")
            if code.startswith("~"):
                continue    # PETRARCH agent codes, not actors
            start = end = None
            if d1 and d2:
                start, end = _yymmdd(d1), _yymmdd(d2)
                if start > end:           # "460101-811007": both in the 1900s
                    start = _yymmdd(d1, 1900)
            elif d1.startswith(">"):
                start = _yymmdd(d1[1:])
            elif d1.startswith("<"):
                end = _yymmdd(d1[1:])
            elif d1:
                start = _yymmdd(d1)
            cur["roles"].append(_code_role(code, start, end).to_dict())
    for e in out:
        codes = [r["code"] for r in e["roles"] if r.get("code")]
        e["code"] = codes[-1] if codes else None
        e["country"] = codes[-1][:3] if codes else None
    return out


# ---------------------------------------------------------------- Wikidata

def _wd_entities(text: str, source: str) -> list[dict]:
    text = text.strip()
    try:
        data = json.loads(text)
        if isinstance(data, dict):
            return list(data["entities"].values()) if "entities" in data else [data]
        if isinstance(data, list):
            return data
    except json.JSONDecodeError:
        pass
    out = []
    for n, line in enumerate(text.splitlines(), 1):   # dump style: one entity per line, trailing commas
        line = line.strip().rstrip(",")
        if line in ("", "[", "]"):
            continue
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError as e:
            raise ImportError_(f"{source}:{n}: not Wikidata JSON: {e}") from e
    return out


def _wd_value(snak: dict):
    return ((snak or {}).get("datavalue") or {}).get("value")


def _wd_time(qualifiers: dict, prop: str) -> str | None:
    for q in (qualifiers or {}).get(prop, []):
        v = _wd_value(q)
        if isinstance(v, dict) and v.get("time"):
            y, m, d = v["time"].lstrip("+").split("T")[0].split("-")
            prec = v.get("precision", 11)
            return f"{y}-{m}-{d}" if prec >= 11 else (f"{y}-{m}" if prec == 10 else y)
    return None


def _wd_label(ent: dict, lang: str = "en") -> str | None:
    lab = (ent.get("labels") or {}).get(lang)
    return lab.get("value") if isinstance(lab, dict) else lab


def _wd_position(qid: str, positions: dict[str, dict], country: str | None) -> dict | None:
    """Role key and country of a position Q-id: the table, else its label (known or classified by words)."""
    wd = VOCAB["wikidata"]
    if qid in wd["positions"]:
        return dict(wd["positions"][qid])
    label = _wd_label(positions.get(qid, {})) or ""
    known = wd["position_labels"].get(label.lower())
    if known:
        return dict(known)
    low = label.lower()
    for key in ("minister", "military_official"):
        if any(w in low for w in wd["label_roles"][key]):
            return {"role": key, "of": country, "portfolio": label if key == "minister" else None,
                    "label": label or None}
    return None


def parse_wikidata(text: str, source: str = "<text>") -> list[dict]:
    """People (as FORMAT.md dicts, without ids) from a Wikidata JSON export."""
    ents = _wd_entities(text, source)
    by_id = {e.get("id"): e for e in ents if isinstance(e, dict)}
    countries = VOCAB["wikidata"]["countries"]
    out = []
    for e in by_id.values():
        claims = e.get("claims") or {}
        if "P39" not in claims:
            continue            # position entities and others are only read for their labels
        names: dict[str, list[str]] = {}
        for lg, lab in (e.get("labels") or {}).items():
            names.setdefault(lg, []).append(lab["value"])
        for lg, als in (e.get("aliases") or {}).items():
            names.setdefault(lg, []).extend(a["value"] for a in als)
        name = _wd_label(e) or next((v[0] for v in names.values()), None)
        if not name:
            raise ImportError_(f"{source}: entity {e.get('id')} has no label")
        country = next((countries.get((_wd_value(c.get("mainsnak")) or {}).get("id"))
                        for c in claims.get("P27", [])
                        if countries.get((_wd_value(c.get("mainsnak")) or {}).get("id"))), None)
        roles = []
        for c in claims["P39"]:
            qid = (_wd_value(c.get("mainsnak")) or {}).get("id")
            pos = _wd_position(qid, by_id, country) if qid else None
            if not pos:
                continue
            quals = c.get("qualifiers") or {}
            role = Role(role=pos["role"], of=pos.get("of") or country, to=pos.get("to"),
                        start=_wd_time(quals, "P580"), end=_wd_time(quals, "P582"),
                        portfolio=pos.get("portfolio"), label=pos.get("label"))
            roles.append(role.to_dict())
        out.append({"name": name, "type": "person", "country": country, "wikidata": e.get("id"),
                    "names": {lg: list(dict.fromkeys(v)) for lg, v in names.items()}, "roles": roles})
    return out


# ---------------------------------------------------------------- writing

def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-") or "actor"


def _assign_id(d: dict, kb: KnowledgeBase) -> str:
    """The id of the same entity in the base (Wikidata id, else a unique name match), else a new slug."""
    if d.get("wikidata") and d["wikidata"] in kb.by_wikidata:
        return kb.by_wikidata[d["wikidata"]]
    same = [e for n in [d["name"]] + [x for v in d["names"].values() for x in v]
            for e in kb.lookup(n) if e.type == d.get("type", "person")]
    ids = {e.id for e in same}
    if len(ids) == 1:
        return ids.pop()
    base, i = _slug(d["name"]), 1
    slug = base
    while slug in kb.entities:
        i += 1
        slug = f"{base}-{i}"
    return slug


def import_file(path: str, dest_dir: str | None = None, kb: KnowledgeBase | None = None) -> tuple[int, str]:
    """Read a PETRARCH dictionary or a Wikidata JSON export; write `imported-<name>.jsonl` into the
    user's actor folder (or `dest_dir`). Returns (number of entities, path written)."""
    p = Path(path)
    if not p.is_file():
        raise ImportError_(f"{path}: no such file")
    text = p.read_text(encoding="utf-8", errors="replace")
    kind = "wikidata" if text.lstrip()[:1] in "{[" else "petrarch"
    dicts = parse_wikidata(text, str(p)) if kind == "wikidata" else parse_petrarch(text, str(p))
    if not dicts:
        raise ImportError_(f"{path}: no actors found (read as {kind})")
    kb = kb or default_kb()
    dest = Path(dest_dir) if dest_dir else user_dir()
    dest.mkdir(parents=True, exist_ok=True)
    out = dest / f"imported-{_slug(p.stem)}.jsonl"
    check = NameCheck(kb, [entity_from_dict({**d, "id": d.get("id") or "new"}) for d in dicts])
    with out.open("w", encoding="utf-8") as f:
        for d in dicts:
            d["id"] = _assign_id(d, kb)   # two entries for one entity are merged when the base is loaded
            _keep_own_names(d, kb, check)
            d.pop("raw", None)
            f.write(json.dumps({k: v for k, v in d.items() if v is not None}, ensure_ascii=False) + "\n")
    if kb is default_kb():
        default_kb.cache_clear()         # the next default_kb() sees the new file
    return len(dicts), str(out)


def _keep_own_names(d: dict, kb: KnowledgeBase, check: NameCheck) -> None:
    """An entry merged into a curated entity adds only that entity's other spellings: a leader listed
    under his group, or a sister group, stays out (see kb.NameCheck)."""
    cur = kb.get(d["id"])
    if cur is None or cur.pack:
        return
    own = {norm(n) for n in cur.all_names()}
    d["names"] = {lg: [n for n in ns if norm(n) in own or check.lendable(n, cur)] for lg, ns in d["names"].items()}
    if norm(d["name"]) not in own:
        d["name"] = cur.name          # merged lines keep the curated name


# ---------------------------------------------------------------- show

def find(name: str, kb: KnowledgeBase | None = None) -> list[Entity]:
    """Entities answering to `name`: an id, an exact surface name, else the closest names."""
    kb = kb or default_kb()
    if name in kb.entities:
        return [kb.entities[name]]
    hits = kb.lookup(name)
    if hits:
        return hits
    from rapidfuzz import process, fuzz
    keys = list(kb.by_name)
    best = process.extract(norm(name), keys, scorer=fuzz.ratio, limit=3, score_cutoff=80)
    return list({i: kb.entities[i] for k, _, _ in best for i in kb.by_name[k]}.values())


def show(name: str, kb: KnowledgeBase | None = None) -> str:
    """A readable role history with dates (`annales actors show NAME`)."""
    kb = kb or default_kb()
    ents = find(name, kb)
    if not ents:
        return f"no actor named {name!r} in the knowledge base"
    return "\n\n".join(_show_one(e, kb) for e in ents)


def _show_one(e: Entity, kb: KnowledgeBase) -> str:
    head = f"{e.name} [{e.id}] {e.type}" + (f", {kb.country_name(e.country)}" if e.country else "")
    head += f", code {e.code}" if e.code else ""
    lines = [head]
    for lg, ns in sorted(e.names.items()):
        lines.append(f"  names ({lg}): {', '.join(ns)}")
    if e.type == "country":
        for lg, ds in sorted(e.demonyms.items()):
            lines.append(f"  demonyms ({lg}): {', '.join(ds)}")
        if e.capital:
            lines.append(f"  capital: {', '.join(f'{v} ({k})' for k, v in sorted(e.capital.items()))}")
    if e.metonym_for:
        lines.append(f"  stands for: {kb.country_name(e.metonym_for)}")
    for r in sorted(e.roles, key=lambda r: r.start or ""):
        span = f"{r.start or '?':>10} – {r.end or 'present':<10}"
        code = f" [{r.code}]" if r.code else ""
        lines.append(f"  {span}  {kb.role_label(r)}{code}")
    if not e.roles and e.type == "person":
        lines.append("  no roles recorded")
    return "\n".join(lines)


# ---------------------------------------------------------------- the shipped PETRARCH2 / Phoenix pack

PACK_NOTICE = """Actors in petrarch2.jsonl are converted from the PETRARCH2 / Phoenix actor dictionaries
(Phoenix.Countries.actors.txt, Phoenix.International.actors.txt, Phoenix.MilNonState.actors.txt)
of the Open Event Data Alliance, by `annales actors pack`. They are a lower-priority pack: the
curated knowledge base wins wherever both know an actor. Their licence follows.

"""


def _cased(word: str, lower: set[str]) -> str:
    """'AL-ASSAD' -> 'al-Assad', 'MORSI' -> 'Morsi' (particles stay lower case)."""
    if re.fullmatch(r"[IVX]+", word):
        return word                                   # "MOHAMMED_VI_": a regnal number
    parts = word.split("-")
    out = [p.lower() if p.lower() in lower and (k < len(parts) - 1 or len(parts) == 1) else p.capitalize()
           for k, p in enumerate(parts)]
    return "-".join(out)


def _pack_name(token: str, lower: set[str], first: bool, person: bool = False,
               demonyms: frozenset = frozenset()) -> str | None:
    """A PETRARCH name line as the press writes it; None for what the pack must not hold
    (single words, parentheses or digits; for a person's synonyms, a title or a demonym in it:
    "Russian President Vladimir Putin" is the role phrases' job)."""
    raw = token.strip().strip("+").strip()
    raw = re.sub(r"_?\([^)]*\)_?", "_", raw)          # "ANIMAL_LIBERATION_FRONT_(ALF)_"
    words = [w for w in raw.split("_") if w]
    while words and words[0].lower() in ("the", "a", "an"):      # "THE_UN_": the linker drops articles itself
        words = words[1:]
    titles = set(VOCAB["petrarch"]["pack"]["title_words"])
    if len(words) < 2 or any(re.search(r"[\d/&]", w) for w in words):
        return None
    if not first and words[0].lower() in titles:
        return None
    org_words = set(VOCAB["petrarch"]["pack"]["org_words"])
    parts = {p.rstrip(".") for w in words for p in w.lower().split("-")}
    if person and not first and (words[0].lower() in demonyms or parts & (titles | org_words)):
        return None          # "Mr. Obama", "President-Elect Obama", "Obama Administration"
    return " ".join(_cased(w, lower) if (k == 0 or w.lower() not in lower) else w.lower()
                    for k, w in enumerate(words))


def _pack_type(kind: str, codes: list[str], dated: bool, name: str) -> str | None:
    if kind == "armed_groups":
        return "group"
    org_words = set(VOCAB["petrarch"]["pack"]["org_words"])
    if any(w in org_words for w in fold(name).replace("-", " ").split()):
        return "organization"
    if kind == "international":
        return "person" if dated or any(c.endswith("ELI") for c in codes) else "organization"
    if all(len(c) == 3 for c in codes):
        return None                                   # a country, city or demonym: the gazetteer's job
    return "person"


def _keep(d: dict, typ: str) -> bool:
    """Businesses are not political actors; people whose every post ended before `since` are out of scope."""
    pk = VOCAB["petrarch"]["pack"]
    if any((d.get("code") or "").startswith(p) for p in pk["skip_code_prefixes"]):
        return False
    if typ == "person" and d["roles"]:
        return any(not r.get("end") or r["end"] >= pk["since"] for r in d["roles"])
    return True


def pack_entities(path: Path, kind: str, countries: set[str], demonyms: frozenset = frozenset()) -> list[dict]:
    """The entities of one PETRARCH dictionary, cleaned for the shipped pack."""
    lower = set(VOCAB["petrarch"]["pack"]["lower_words"])
    text = path.read_text(encoding="utf-8", errors="replace")
    out = []
    for d in parse_petrarch(text, str(path), strict=False):
        names = d["raw"]
        codes = [r["code"] for r in d["roles"] if r.get("code")]
        dated = any(r.get("start") or r.get("end") for r in d["roles"])
        typ = _pack_type(kind, codes, dated, d["name"]) if codes else None
        if typ is None:
            continue
        clean = [n for k, x in enumerate(names) if (n := _pack_name(x, lower, k == 0, typ == "person", demonyms))]
        clean = list(dict.fromkeys(clean))
        if not clean or not _keep(d, typ):
            continue
        country = next((c[:3] for c in reversed(codes) if c[:3] in countries), None)
        roles = [dict(r, of=r["of"] if r.get("of") in countries else None) for r in d["roles"]
                 if typ == "person"]
        out.append({"name": clean[0], "type": typ, "country": country, "code": codes[-1] if codes else None,
                    "names": {"en": clean}, "roles": roles})
    return out


def build_pack(src_dir: str, dest_dir: str | None = None) -> tuple[int, str]:
    """`annales actors pack DIR`: convert the PETRARCH2/Phoenix dictionaries of DIR into
    `packs/petrarch2.jsonl` (ids `px-...`) with the licence notice next to it."""
    from .kb import PACK_DIR, SHIPPED_DIR
    src = Path(src_dir)
    files = VOCAB["petrarch"]["pack"]["files"]
    if not all((src / f).is_file() for f in files):
        raise ImportError_(f"{src_dir}: expected the PETRARCH2 dictionaries {', '.join(files)}")
    rows = [json.loads(x) for x in (SHIPPED_DIR / "countries.jsonl").read_text(encoding="utf-8").splitlines()
            if x.strip()]
    countries = {r["id"] for r in rows}
    demonyms = frozenset(w.lower() for r in rows for w in (r.get("demonyms") or {}).get("en", []))
    dest = Path(dest_dir) if dest_dir else PACK_DIR
    dest.mkdir(parents=True, exist_ok=True)
    seen: dict[str, int] = {}
    n = 0
    with (dest / "petrarch2.jsonl").open("w", encoding="utf-8") as f:
        for fname, kind in files.items():
            for d in pack_entities(src / fname, kind, countries, demonyms):
                base = "px-" + _slug(d["name"])
                seen[base] = seen.get(base, 0) + 1
                d["id"] = base if seen[base] == 1 else f"{base}-{seen[base]}"
                d = {"id": d.pop("id"), **d}
                f.write(json.dumps({k: v for k, v in d.items() if v not in (None, [])}, ensure_ascii=False) + "\n")
                n += 1
    licence = (src / "LICENSE").read_text(encoding="utf-8") if (src / "LICENSE").is_file() else ""
    (dest / "petrarch2.NOTICE.txt").write_text(PACK_NOTICE + licence, encoding="utf-8")
    return n, str(dest / "petrarch2.jsonl")


# ---------------------------------------------------------------- statistics

def stats(kb: KnowledgeBase | None = None) -> str:
    """`annales actors stats`: what the knowledge base holds, curated and from packs."""
    from collections import Counter
    kb = kb or default_kb()
    ents = list(kb.entities.values())
    by_src = Counter((e.pack or "curated", e.type) for e in ents)
    people = [e for e in ents if e.type == "person" and not e.pack]
    posts = ("head_of_state", "head_of_government", "foreign_minister", "defence_minister")
    role_counts = Counter(r.role for e in people for r in e.roles)
    countries_with = {p: {r.of for e in people for r in e.roles if r.role == p and r.of} for p in posts}
    lines = [f"entities: {len(ents)}"]
    for (src, typ), n in sorted(by_src.items()):
        lines.append(f"  {src:<10} {typ:<13} {n}")
    lines.append(f"curated people with dated roles: {sum(1 for e in people if e.roles)}, "
                 f"with gender: {sum(1 for e in people if e.gender)}")
    lines.append(f"curated roles: {sum(role_counts.values())} "
                 f"({', '.join(f'{k} {v}' for k, v in role_counts.most_common(8))})")
    for p in posts:
        lines.append(f"  countries with a {p.replace('_', ' ')} on record: {len(countries_with[p])}")
    lines.append(f"international bodies with a head on record: "
                 f"{len({r.org for e in people for r in e.roles if r.org})}")
    lines.append(f"names (surface forms): {len(kb.by_name)}")
    if kb.warnings:
        lines.append(f"warnings: {len(kb.warnings)} (first: {kb.warnings[0]})")
    return "\n".join(lines)
