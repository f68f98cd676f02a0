"""The actor knowledge base: people, organisations and countries with dated roles.

Entities come from the `*.jsonl` files shipped in resources/actors/, then the
user's folder ($ANNALES_HOME/actors/, default ~/.annales/actors/), then any
extra folders; lines with an id already seen are merged into the first entry
(format: resources/actors/FORMAT.md). All indexes are built once at load time
so that lookups never scan the whole base.
"""
from __future__ import annotations

import calendar
import itertools
import json
import os
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..model import Actor
from ..resources import ROOT, load_json

SHIPPED_DIR = ROOT / "actors"
PACK_DIR = SHIPPED_DIR / "packs"     # lower-priority packs (PETRARCH2/Phoenix), read after every curated file
VOCAB = json.loads((Path(__file__).parent / "vocab.json").read_text(encoding="utf-8"))


class KBError(ValueError):
    """A knowledge-base line that cannot be read; the message names the file and line."""


# ---------------------------------------------------------------- normalisation

_NON_WORD = re.compile(r"[^\w]+")


def fold(s: str) -> str:
    """Lower case without accents; letters like œ/ß kept as they are."""
    if s.isascii():
        return s.lower()
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if not unicodedata.combining(c)).lower()


@lru_cache(maxsize=200_000)
def norm(s: str, lang: str | None = None) -> str:
    """Matching key: case, accents, hyphens, apostrophes and leading articles ignored
    (the articles of `lang`, or of every language with data when None)."""
    toks = [t for t in _NON_WORD.split(fold(s)) if t and t != "_"]
    articles = _articles(lang)
    while len(toks) > 1 and toks[0] in articles:
        toks = toks[1:]
    return " ".join(toks)


def lang_data(lang: str | None) -> dict:
    """resources/<lang>/actors.json (articles, ambiguous demonyms, role nouns, ...)."""
    return load_json(lang, "actors") if lang else {}


@lru_cache(maxsize=None)
def _articles(lang: str | None) -> frozenset:
    from ..resources import languages
    langs = [lang] if lang else languages()
    return frozenset(a for lg in langs for a in lang_data(lg).get("articles", []))


# ---------------------------------------------------------------- dates

def date_range(value: str | None, open_low: str = "0001-01-01", open_high: str = "9999-12-31") -> tuple[str, str]:
    """ISO day bounds of a full or partial date ("2024", "2024-05", "2024-05-12")."""
    if not value:
        return open_low, open_high
    value = value[:10]
    if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
        raise KBError(f"bad date {value!r} (ISO yyyy, yyyy-mm or yyyy-mm-dd expected)")
    parts = value.split("-")
    try:
        if len(parts) == 1:
            return f"{parts[0]}-01-01", f"{parts[0]}-12-31"
        y, m = int(parts[0]), int(parts[1])
        if len(parts) == 2:
            return f"{y:04d}-{m:02d}-01", f"{y:04d}-{m:02d}-{calendar.monthrange(y, m)[1]:02d}"
        return value, value
    except ValueError as e:
        raise KBError(f"bad date {value!r}") from e


# ---------------------------------------------------------------- entities

@dataclass
class Role:
    role: str                            # key of the role vocabulary (FORMAT.md)
    of: str | None = None                # country whose post it is
    start: str | None = None
    end: str | None = None               # None = still held
    to: str | None = None                # host country (ambassadors)
    code: str | None = None              # actor code while the role is held
    portfolio: str | None = None         # free text for `minister` / unknown posts
    label: str | None = None             # free text shown instead of the generated label
    title: str | None = None             # the post as the press names it (`official` and others)
    acting: bool = False                 # acting/interim holder: may overlap the formal holder
    org: str | None = None               # organisation id for posts in international bodies

    def held(self, date: str | None, to: str | None = None) -> bool:
        """Whether the tenure overlaps the day range of `date` (partial dates are ranges)."""
        if to is not None and self.to != to:
            return False
        if date is None:
            return self.end is None
        lo, hi = date_range(date)
        start_lo, _ = date_range(self.start)
        if self.end and len(self.end) >= 10:
            # a full end day is the day the holder left, usually the successor's start: exclusive
            return start_lo <= hi and lo < self.end[:10]
        _, end_hi = date_range(self.end)      # partial end: covers its whole period
        return start_lo <= hi and lo <= end_hi

    def to_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items()
                if (v is not None and v is not False) or k in ("role", "start", "end")}


@dataclass
class Entity:
    id: str
    name: str
    type: str = "person"
    country: str | None = None
    code: str | None = None
    wikidata: str | None = None
    names: dict[str, list[str]] = field(default_factory=dict)
    roles: list[Role] = field(default_factory=list)
    demonyms: dict[str, list[str]] = field(default_factory=dict)
    capital: dict[str, str] = field(default_factory=dict)
    capital_variants: dict[str, list[str]] = field(default_factory=dict)
    metonym_for: str | None = None
    executive: str | None = None         # countries: the post that leads the government ("the Japanese leader")
    gender: str | None = None            # "m" | "f" (people): pronoun and role-phrase agreement
    born: str | None = None
    died: str | None = None
    kind: str | None = None              # organisations: news_agency, newspaper, broadcaster, igo ...
    national: bool = False               # the country's own institution of its kind (its armed forces)
    pack: str | None = None              # the lower-priority pack the entity comes from, None when curated
    kb: "KnowledgeBase | None" = field(default=None, repr=False, compare=False)

    def capitals(self) -> dict[str, list[str]]:
        """Capital spellings per language: the canonical one, then the variants the press uses."""
        out: dict[str, list[str]] = {}
        for lg, cap in self.capital.items():
            if cap:
                out.setdefault(lg, []).append(cap)
        for lg, caps in self.capital_variants.items():
            out.setdefault(lg, []).extend(c for c in caps if c)
        return out

    def all_names(self, lang: str | None = None) -> list[str]:
        """Canonical name then the names of `lang` (all languages when None), without repeats."""
        langs = [lang] if lang else list(self.names)
        out = [self.name]
        for lg in langs:
            out.extend(self.names.get(lg, []))
        return list(dict.fromkeys(out))

    def roles_on(self, date: str | None, to: str | None = None) -> list[Role]:
        prio = VOCAB["role_priority"]
        held = [r for r in self.roles if r.held(date, to)]
        # a dated tenure says more about that day than an undated affiliation ("EGYELI" for life)
        return sorted(held, key=lambda r: (prio.index(r.role) if r.role in prio else len(prio),
                                           r.start is None and r.end is None))

    def role_on(self, date: str | None) -> Role | None:
        held = self.roles_on(date)
        return held[0] if held else None

    def to_actor(self, text: str | None, date: str | None) -> Actor:
        """The model.Actor for a mention of this entity on `date` (role and code as held then)."""
        role = self.role_on(date) if self.type == "person" else None
        code = (role.code if role and role.code else None) or self.code
        if role and not code and role.of:
            sector = VOCAB["role_sector"].get(role.role)
            code = role.of + sector if sector else None
        label = self.kb.role_label(role) if (role and self.kb) else (role.role if role else None)
        return Actor(name=self.name, country=self.country, type=self.type, id=self.id,
                     role=label, code=code, text=text)

    def to_dict(self) -> dict:
        d = {"id": self.id, "name": self.name, "type": self.type, "country": self.country, "code": self.code}
        if self.wikidata:
            d["wikidata"] = self.wikidata
        d["names"] = self.names
        if self.type == "country":
            d["demonyms"], d["capital"] = self.demonyms, self.capital
        else:
            d["roles"] = [r.to_dict() for r in self.roles]
        if self.metonym_for:
            d["metonym_for"] = self.metonym_for
        if self.executive:
            d["executive"] = self.executive
        if self.national:
            d["national"] = True
        return d


def _role_from_dict(d: dict) -> Role:
    if not isinstance(d, dict) or not d.get("role"):
        raise KBError(f"role without a `role` key: {d!r}")
    for k in ("start", "end"):
        if d.get(k):
            date_range(d[k])  # validates
    return Role(role=d["role"], of=d.get("of"), start=d.get("start"), end=d.get("end"), to=d.get("to"),
                code=d.get("code"), portfolio=d.get("portfolio"), label=d.get("label"), title=d.get("title"),
                acting=bool(d.get("acting")), org=d.get("org"))


def entity_from_dict(d: dict) -> Entity:
    if not d.get("id") or not d.get("name"):
        raise KBError("entity without `id` or `name`")
    names = {lg: [n for n in ns if n] for lg, ns in (d.get("names") or {}).items()}
    return Entity(id=str(d["id"]), name=d["name"], type=d.get("type") or "person", country=d.get("country"),
                  code=d.get("code"), wikidata=d.get("wikidata"), names=names,
                  roles=[_role_from_dict(r) for r in d.get("roles") or []],
                  demonyms={lg: list(v) for lg, v in (d.get("demonyms") or {}).items()},
                  capital=dict(d.get("capital") or {}),
                  capital_variants={lg: list(v) for lg, v in (d.get("capital_variants") or {}).items()},
                  metonym_for=d.get("metonym_for"), executive=d.get("executive"), gender=d.get("gender"),
                  born=d.get("born"), died=d.get("died"), kind=d.get("kind"),
                  national=bool(d.get("national")))


def _merge(a: Entity, b: Entity) -> None:
    """Extend `a` with what `b` adds: names, roles, demonyms; scalar fields only where `b` sets them."""
    for lg, ns in b.names.items():
        a.names[lg] = list(dict.fromkeys(a.names.get(lg, []) + ns))
    for lg, ns in b.demonyms.items():
        a.demonyms[lg] = list(dict.fromkeys(a.demonyms.get(lg, []) + ns))
    a.capital.update(b.capital)
    for lg, cs in b.capital_variants.items():
        a.capital_variants[lg] = list(dict.fromkeys(a.capital_variants.get(lg, []) + cs))
    for r in b.roles:
        if r not in a.roles:
            a.roles.append(r)
    for k in ("country", "code", "wikidata", "metonym_for", "executive", "gender", "born", "died", "kind"):
        if getattr(b, k):
            setattr(a, k, getattr(b, k))
    if b.type and b.type != "person":
        a.type = b.type


# ---------------------------------------------------------------- the base

_LOADS = itertools.count(1)


def user_dir() -> Path:
    home = os.environ.get("ANNALES_HOME")
    return (Path(home) if home else Path.home() / ".annales") / "actors"


class KnowledgeBase:
    def __init__(self, entities: list[Entity] | None = None):
        self.entities: dict[str, Entity] = {}
        self.warnings: list[str] = []
        for e in entities or []:
            self.add(e)
        self._index()

    # -- loading
    @classmethod
    def load(cls, extra_dirs: list[str] | None = None, shipped: bool = True, user: bool = True,
             packs: bool | None = None) -> "KnowledgeBase":
        """Curated files (shipped, user, extra), then the shipped packs (`packs` defaults to `shipped`;
        ANNALES_KB_PACKS=0 turns them off)."""
        dirs: list[Path] = []
        if shipped:
            dirs.append(SHIPPED_DIR)
        if user:
            dirs.append(user_dir())
        dirs.extend(Path(d) for d in extra_dirs or [])
        kb = cls()
        for d in dirs:
            if d.is_dir():
                for path in sorted(d.glob("*.jsonl")):
                    kb._read_file(path)
        if shipped:
            kb._add_iso_names()
        kb._index()
        if packs is None:
            packs = shipped and os.environ.get("ANNALES_KB_PACKS", "1") != "0"
        if packs and PACK_DIR.is_dir():
            for path in sorted(PACK_DIR.glob("*.jsonl")):
                kb._read_file(path, pack=path.stem)
            kb._index()
        return kb

    def _read_file(self, path: Path, pack: str | None = None) -> None:
        ents = []
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            line = line.strip()
            if not line or line.startswith("#") or line.startswith("//"):
                continue
            try:
                ents.append(entity_from_dict(json.loads(line)))
            except (ValueError, TypeError, AttributeError) as e:  # a bad line must not lose the base
                self.warnings.append(f"{path}:{n}: {e}")
        if not pack:
            for e in ents:
                self.add(e)
            return
        self._name_check = NameCheck(self, ents)       # the whole pack's people and bodies, read first
        for e in ents:
            e.pack = pack
            self._add_pack(e)
        self._name_check = None

    def _add_iso_names(self) -> None:
        """The ISO 3166 names (pycountry, with its French locale) of the countries the base holds,
        where the curated file lacks them ("Arab Republic of Egypt", "République arabe d'Égypte")."""
        try:
            from ..gazetteer import iso_countries
            iso = iso_countries()
        except Exception:      # the gazetteer is optional: the curated names stay
            return
        taken = {norm(n) for e in self.entities.values() for n in e.all_names()}
        for code, c in self.countries_in_file().items():
            for lg, ns in (iso.get(code) or {}).get("names", {}).items():
                new = [n for n in ns if norm(n) not in taken]
                if new:
                    c.names[lg] = c.names.get(lg, []) + new
                    taken |= {norm(n) for n in new}

    def countries_in_file(self) -> dict[str, Entity]:
        return {e.id: e for e in self.entities.values() if e.type == "country"}

    def _add_pack(self, e: Entity) -> None:
        """A pack entity after the curated base is indexed: curated entities win. One the curated base
        already knows by a full name only lends it its other spellings; a name of another curated
        entity is dropped from the pack entity."""
        same_kind = ("person",) if e.type == "person" else ("organization", "group")
        owners = {i for n in e.all_names() for i in self.by_name.get(norm(n), [])
                  if not self.entities[i].pack}
        known = [i for i in owners if self.entities[i].type in same_kind]
        if len(known) == 1:
            cur = self.entities[known[0]]
            check = getattr(self, "_name_check", None) or NameCheck(self, [e])
            free = [n for n in e.names.get("en", []) if check.lendable(n, cur, e)]    # new spellings only
            cur.names["en"] = list(dict.fromkeys(cur.names.get("en", []) + free))
            return
        if owners:
            keep = {lg: [n for n in ns if not self.by_name.get(norm(n))] for lg, ns in e.names.items()}
            if not any(keep.values()):
                return
            e.names = keep
            if norm(e.name) in self.by_name:
                e.name = next(n for ns in keep.values() for n in ns)
        self.add(e)

    def add(self, e: Entity) -> None:
        e.kb = self
        if e.id in self.entities:
            _merge(self.entities[e.id], e)
        else:
            self.entities[e.id] = e

    def _index(self) -> None:
        self.by_name: dict[str, list[str]] = {}
        self.by_wikidata: dict[str, str] = {}
        self.role_index: dict[str, list[tuple[Entity, Role]]] = {}
        self.countries: dict[str, Entity] = {}
        self.demonym_index: dict[tuple[str, str], str] = {}
        self.capital_index: dict[tuple[str, str], str] = {}
        for e in self.entities.values():
            for n in e.all_names():
                ids = self.by_name.setdefault(norm(n), [])
                if e.id not in ids:
                    ids.append(e.id)
            if e.wikidata:
                self.by_wikidata[e.wikidata] = e.id
            for r in e.roles:
                self.role_index.setdefault(r.role, []).append((e, r))
            if e.type == "country":
                self.countries[e.id] = e
                for lg, ds in e.demonyms.items():
                    for dm in ds:
                        self.demonym_index[(lg, norm(dm, lg))] = e.id
                for lg, caps in e.capitals().items():
                    for cap in caps:
                        self.capital_index[(lg, norm(cap, lg))] = e.id
        self.version = next(_LOADS)      # matchers built from an older state of this base are not reused

    # -- lookups
    def get(self, id: str | None) -> Entity | None:
        return self.entities.get(id) if id else None

    def lookup(self, name: str, lang: str | None = None) -> list[Entity]:
        """Entities with this surface name (case, accents, hyphens, apostrophes, articles ignored)."""
        return [self.entities[i] for i in self.by_name.get(norm(name, lang), [])]

    def holders(self, role: str, of: str | None, date: str | None, to: str | None = None,
                org: str | None = None) -> list[Entity]:
        """Who held `role` of country `of` (host `to` for ambassadors; organisation `org` for posts in
        international bodies) on `date`; partial dates are ranges."""
        formal, acting, packed = [], [], []
        for e, r in self.role_index.get(role, []):
            if (of is None or r.of == of) and (org is None or r.org == org) and r.held(date, to):
                lst = packed if e.pack else acting if r.acting else formal
                if e not in lst:
                    lst.append(e)
        # an acting holder overlaps the formal one (a suspended president): the formal holder answers;
        # a pack's holder only where the curated offices say nothing
        found = formal or acting or packed
        if not found and role == "leader" and of:
            # "le dirigeant chinois": only a few countries have a supreme leader; elsewhere the press
            # means whoever runs the executive (the president, or the prime minister where the head
            # of state is ceremonial: the country's `executive`)
            c = self.country(of)
            return self.holders((c.executive if c and c.executive else "head_of_state"), of, date, to)
        return found

    def role_on(self, entity: Entity | str, date: str | None) -> str | None:
        """The role label to show for `entity` on `date`, e.g. "defence minister of Russia"."""
        e = self.get(entity) if isinstance(entity, str) else entity
        role = e.role_on(date) if e else None
        return self.role_label(role) if role else None

    def role_label(self, role: Role) -> str:
        if role.label:
            return role.label
        labels = load_json("en", "roles").get("labels", {})
        if role.role == "affiliation" and role.code:
            sector = VOCAB["petrarch"]["sector_label"].get(role.code[3:6], role.code[3:] or "")
            return f"{sector} of {self.country_name(role.of) or role.code[:3]} ({role.code})".strip()
        if role.title and role.role not in labels_with_title_ignored():
            country = self.country_name(role.of)
            return role.title if not country or country in role.title else f"{role.title} of {self._label_country(role.of)}"
        tpl = labels.get(role.role) or (role.role.replace("_", " ") + " of {of}")
        if role.role == "ambassador" and not role.to:
            tpl = labels.get("ambassador_no_host", "ambassador of {of}")
        label = tpl.format(of=self._label_country(role.of), to=self._label_country(role.to),
                           portfolio=role.portfolio or "", code=role.code or "")
        return re.sub(r"\s+", " ", label).strip()

    def _label_country(self, iso3: str | None) -> str:
        name = self.country_name(iso3) or "?"
        the = iso3 in load_json("en", "roles").get("country_with_the", [])
        return f"the {name}" if the and not name.lower().startswith("the ") else name

    # -- countries
    def country(self, iso3: str | None) -> Entity | None:
        return self.countries.get(iso3) if iso3 else None

    def country_name(self, iso3: str | None, lang: str = "en") -> str | None:
        c = self.country(iso3)
        if not c:
            return iso3
        return c.name if lang == "en" else (c.names.get(lang) or [c.name])[0]

    def demonym(self, word: str, lang: str) -> str | None:
        """The country a demonym ("nord-coréennes", "Russian") belongs to."""
        return self.demonym_index.get((lang, norm(word, lang)))

    def capital_of(self, word: str, lang: str) -> str | None:
        return self.capital_index.get((lang, norm(word, lang)))

    def country_actor(self, iso3: str, text: str | None = None, code: str | None = None) -> Actor:
        c = self.country(iso3)
        return Actor(name=c.name if c else iso3, country=iso3, type="country", id=c.id if c else None,
                     role=None, code=code or (c.code if c and c.code else iso3), text=text)


class NameCheck:
    """Whether a pack's (or an imported file's) name may be added to a curated entity. PETRARCH lists
    an armed group's leaders and sister groups among its synonyms ("Joseph Kony" under the Lord's
    Resistance Army, "Drug Enforcement Agency" under the FBI): only another spelling of the entity is
    lent, never a person's name, nor another body's name, nor a name that shares nothing with it."""

    def __init__(self, kb: "KnowledgeBase", incoming: list[Entity]):
        self.kb = kb
        words = VOCAB["petrarch"]["pack"]
        self.org_words = set(words["org_words"])
        self.particles = set(words["lower_words"])
        self.demonyms = {fold(d).lower() for c in kb.entities.values() if c.type == "country"
                         for ds in c.demonyms.values() for d in ds}
        people = [e for e in list(kb.entities.values()) + incoming if e.type == "person"]
        self.people = {norm(n) for e in people for n in e.all_names()}
        firsts = [norm(n).split()[0] for e in people for n in e.all_names() if len(norm(n).split()) >= 2]
        # given names: first words of at least two people's names ("Joseph", "Khaled")
        self.first_names = {w for w, k in _counts(firsts).items() if k >= 2}
        self.bodies: dict[str, set[str]] = {}        # stem of a body's name -> ids
        for e in list(kb.entities.values()) + incoming:
            if e.type in ("organization", "group"):
                for n in e.all_names():
                    if (st := self.stem(n)):
                        self.bodies.setdefault(st, set()).add(e.id)

    def words(self, name: str) -> list[str]:
        return [w for w in norm(name).split() if w not in self.particles]

    def stem(self, name: str) -> str:
        """A body's name without demonyms, organisation words and plurals ("Italian Red Brigade" -> "red")."""
        return " ".join(w.rstrip("s") for w in self.words(name) if w not in self.org_words and w not in self.demonyms)

    def person_shaped(self, name: str) -> bool:
        ws = norm(name).split()
        return 2 <= len(ws) <= 4 and ws[0] in self.first_names and not set(ws) & self.org_words

    def lendable(self, name: str, target: Entity, source: Entity | None = None) -> bool:
        key = norm(name)
        if key in self.kb.by_name:
            return False                      # a name the base already gives to someone
        if target.type != "person":
            if key in self.people or self.person_shaped(name):
                return False                  # "Joseph Kony" is not a name of his group
            st = self.stem(name)
            own = {i for n in target.all_names() for i in self.bodies.get(self.stem(n), set())}
            if st and self.bodies.get(st, set()) - {target.id} - own - {source.id if source else None}:
                return False                  # another body's name ("Red Brigades")
        elif set(self.words(name)) & self.org_words:
            return False
        return self.spelling_of(name, target)

    def spelling_of(self, name: str, target: Entity) -> bool:
        """The name shares a content word, an acronym or most of its letters with one of the target's names."""
        from rapidfuzz import fuzz
        ws = {w for w in self.words(name) if len(w) >= 3 and w not in self.org_words}
        for n in target.all_names():
            other = {w for w in self.words(n) if len(w) >= 3 and w not in self.org_words}
            if ws & other or fuzz.token_sort_ratio(norm(name), norm(n)) >= 75:
                return True
            if _acronym(name) == norm(n).replace(" ", "") or _acronym(n) == key_of(name):
                return True
        return False


def _counts(xs: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for x in xs:
        out[x] = out.get(x, 0) + 1
    return out


def _acronym(name: str) -> str:
    return "".join(w[0] for w in norm(name).split() if w not in ("of", "the", "de", "la", "du", "des", "and"))


def key_of(name: str) -> str:
    return norm(name).replace(" ", "")


def labels_with_title_ignored() -> set[str]:
    """Role keys whose generated label is clearer than a free-text title (the vocabulary's main posts)."""
    return set(load_json("en", "roles").get("labels_preferred_over_title", []))


@lru_cache(maxsize=1)
def default_kb() -> KnowledgeBase:
    """The shipped base plus the user's folder, loaded once per process."""
    return KnowledgeBase.load()


def country_actor(iso3: str, text: str | None = None) -> Actor:
    """The country-level Actor for an ISO alpha-3 code ("les deux pays", "leurs dirigeants")."""
    return default_kb().country_actor(iso3, text)
