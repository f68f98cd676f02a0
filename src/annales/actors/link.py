"""Actor mentions in a cleaned document, linked to the knowledge base.

Order of work (each step is a short function):
1. dictionary matching over the whole text (names, countries, demonyms, capitals,
   organisations, metonyms) with a token table built once per process and language;
2. role and group phrases ("le ministre russe de la Défense", "l'armée russe") from
   resources/<lang>/roles.json, whose slots are filled by step 1's countries/demonyms;
3. people the base does not know: spaCy NER over the parsed chunks (repaired for
   hyphenated and mislabelled romanised names) and a name-shape rule next to a role
   apposition;
4. longest match wins; a role phrase in apposition to a name is folded into it and
   gives the context that fuzzy matching and unlinked people's country need;
5. people resolved (exact, then fuzzy only when a role, the country or the date agrees:
   a close spelling of someone in office), roles resolved through `holders` at the
   reference date (doc.published), short forms to earlier mentions of the document.

The reference date is the publication date; `resolve_role` re-resolves a RoleMention at
an event's own date, `counterpart` answers "son homologue", `country_actor` "les deux pays".
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz, process

from ..model import Actor, ActorMention, Document
from ..resources import load_json
from .kb import VOCAB, Entity, KnowledgeBase, Role, default_kb, fold, lang_data

TOKEN = re.compile(r"\w+")


@dataclass
class RoleMention(ActorMention):
    """A mention resolved through a role: what `resolve_role` needs to redo it at another date."""

    role_key: str | None = None
    role_of: str | None = None
    role_to: str | None = None
    role_title: tuple = ()               # words one of which the holder's title must contain ("junta")
    role_gender: str | None = None       # "f" | "m" | "m!" (a noun only men bear): see _phrase_gender


@dataclass
class Tok:
    start: int
    end: int
    norm: str


def tokenize(text: str) -> list[Tok]:
    return [Tok(m.start(), m.end(), fold(m.group())) for m in TOKEN.finditer(text)]


def _key(s: str) -> tuple[str, ...]:
    return tuple(fold(m.group()) for m in TOKEN.finditer(s))


def _caps(s: str) -> tuple[bool, ...]:
    """Which words of a name start with a capital: the text must capitalise them too."""
    return tuple(m.group()[0].isupper() for m in TOKEN.finditer(s))


# ---------------------------------------------------------------- the per-language matcher

@dataclass
class Entry:
    kind: str            # person | person_short | org | metonym | country | capital | demonym | ambig
    target: str          # entity id or ISO alpha-3
    caps: tuple = ()


@dataclass
class Elem:
    slot: str | None = None                    # DEM | COUNTRY | CAPITAL | OF | ORG | OF_ORG
    fills: str = "of"                          # of | to
    alts: list[tuple[str, ...]] = field(default_factory=list)
    optional: bool = False


@dataclass
class Pattern:
    elems: list[Elem]
    kind: str            # role | group | members
    key: str             # role key or CAMEO sector
    of: str | None = None
    org: str | None = None               # a post in one organisation ("le chef des talibans")
    title_has: tuple = ()                # the holder's title must contain one of these words
    monarch: bool = False                # "le roi du Maroc": only where the country is a monarchy


class Matcher:
    """Token tables and compiled phrase patterns for one knowledge base and language."""

    def __init__(self, kb: KnowledgeBase, lang: str):
        self.kb, self.lang = kb, lang
        self.table: dict[tuple[str, ...], list[Entry]] = {}
        self.people_by_country: dict[str, list[Entity]] = {}
        self.person_keys: list[str] = []        # full names of people, for fuzzy look-ups without context
        self.person_key_ids: list[str] = []
        self._build_table()
        self.prefixes = {k[:n] for k in self.table for n in range(1, len(k) + 1)}
        data = load_json(lang, "roles")
        self.of_prefixes = [_key(p) for p in data.get("of_prefixes", [])]
        self.patterns = [Pattern(self._compile(p), "role", r["role"], r.get("of"), r.get("org"),
                                 tuple(w.lower() for w in r.get("title_has", [])), bool(r.get("monarch")))
                         for r in data.get("roles", []) for p in r["patterns"]]
        self.patterns += [Pattern(self._compile(p), "group", g["sector"], g.get("of"))
                          for g in data.get("groups", []) for p in g["patterns"]]
        # "les pays du G7", "the leaders of the Quad": the body's members taken together are the body
        self.patterns += [Pattern(self._compile(p), "members", "", None) for p in data.get("members", [])]
        self.by_first = _index_patterns(self.patterns)
        self.not_current = {fold(w) for w in data.get("not_current_words", [])}
        self.gender = {k: {fold(w) for w in v} for k, v in data.get("gender", {}).items() if isinstance(v, list)}
        self.gendered_demonyms = _gendered_demonyms(kb, lang) if self.gender else {}
        ld = lang_data(lang)
        self.role_nouns = [_key(w) for w in ld.get("role_nouns", [])]
        self.titles = {fold(t) for t in ld.get("person_titles", [])}
        self.org_nouns = {k[0] for k in (_key(w) for w in ld.get("org_nouns", [])) if len(k) == 1}
        self.stop = _stop_words(lang)
        self.connectors = {fold(w) for w in ld.get("name_connectors", [])}
        self.particles = {fold(w) for w in ld.get("name_particles", [])}
        # words that open a capitalised run without being part of the name ("Deputy Defence Minister Ivan Petrov")
        self.not_name = self.stop | self.titles | {t for r in self.role_nouns for t in r} | {
            k[0] for k, es in self.table.items() if len(k) == 1 and any(e.kind in ("demonym", "ambig") for e in es)}

    def _add(self, name: str, entry: Entry, key: tuple | None = None, caps: tuple | None = None) -> None:
        key = key if key is not None else _key(name)
        if key:
            entry.caps = caps if caps is not None else _caps(name)
            lst = self.table.setdefault(key, [])
            same = next((e for e in lst if e.kind == entry.kind and e.target == entry.target), None)
            if same is None:
                lst.append(entry)
            else:   # "Kim Jong Un" and "Kim Jong-un": a word need be capitalised only if every spelling does
                same.caps = tuple(a and b for a, b in zip(same.caps, entry.caps))

    def _build_table(self) -> None:
        lang = self.lang
        firsts: dict[str, int] = {}
        for e in self.kb.entities.values():
            if e.type == "country":
                for n in [e.name] + e.names.get(lang, []):
                    self._add(n, Entry("country", e.id))
                for d in e.demonyms.get(lang, []):
                    self._add(d.lower(), Entry("demonym", e.id))
                for cap in {e.capital.get(lang), e.capital.get("en")} - {None}:
                    self._add(cap, Entry("capital", e.id))
                continue
            kind = "metonym" if e.metonym_for else ("person" if e.type == "person" else "org")
            for n in e.all_names():
                short = e.type == "person" and len(_key(n)) == 1
                self._add(n, Entry("person_short" if short else kind, e.id))
            if e.type == "person":
                for n in e.all_names():
                    ws = _key(n)
                    if len(ws) >= 2:
                        firsts[ws[0]] = firsts.get(ws[0], 0) + 1
            if e.pack:
                continue        # a pack's people link by their exact names only: no fuzzy look-ups
            if e.type == "person" and e.country:
                self.people_by_country.setdefault(e.country, []).append(e)
            if e.type == "person":
                for n in e.all_names():
                    if len(_key(n)) >= 2:
                        self.person_keys.append(" ".join(_key(n)))
                        self.person_key_ids.append(e.id)
        # given names: the first word of several people's names ("Abdel", "Mohamed")
        self.first_names = {w for w, k in firsts.items() if k >= 3}
        self._add_cities()
        for word, iso in lang_data(lang).get("ambiguous_demonyms", {}).items():
            if not any(x.kind in ("demonym", "country") for x in self.table.get(_key(word), [])):
                self._add(word.lower(), Entry("ambig", iso))

    def _add_cities(self) -> None:
        """The gazetteer's cities (all spellings, whatever the language): places, with coordinates."""
        for name, key, caps, id in _city_keys():
            self._add(name, Entry("city", id), key, caps)

    def _compile(self, pattern: str) -> list[Elem]:
        elems = []
        for piece in pattern.split():
            m = re.fullmatch(r"\{(\w+)(?::(\w+))?\}(\?)?", piece)
            if m:
                elems.append(Elem(slot=m.group(1), fills=m.group(2) or "of", optional=bool(m.group(3))))
                continue
            opt = piece.endswith("?")
            alts = [_key(a) for a in piece.rstrip("?").split("|")]
            elems.append(Elem(alts=[a for a in alts if a], optional=opt))
        return elems


def _gendered_demonyms(kb: KnowledgeBase, lang: str) -> dict[str, str]:
    """Folded demonym form -> "f" | "m" where the country's forms show the agreement ("birmane" is
    "birman" + e; "coréenne" is "coréen" + ne; "turque" is "turc"); epicene forms ("russe") get none."""
    out: dict[str, str] = {}
    for e in kb.entities.values():
        forms = {fold(d.lower()) for d in e.demonyms.get(lang, [])}
        for f in forms:
            base = f[:-1] if f.endswith("s") and f[:-1] in forms else f
            masc = {base[:-1], base[:-2], base[:-3], base[:-3] + "c"} - {base, ""}
            if base.endswith("e") and masc & forms:
                out[f] = "f"
        for f in forms:
            base = f[:-1] if f.endswith("s") and f[:-1] in forms else f
            if f not in out and {base + "e", base + "ne", base + "le", base[:-1] + "que", base + "que"} & set(out):
                out[f] = "m"
    return out


@lru_cache(maxsize=1)
def _city_keys() -> list[tuple[str, tuple, tuple, str]]:
    """(name, token key, capitals, city id) for every city spelling, computed once per process."""
    try:
        from ..gazetteer import cities
        found = cities()
    except Exception:     # the gazetteer is optional: countries and capitals still come from the base
        return []
    return [(n, _key(n), _caps(n), c.id) for c in found for n in c.names]


def _index_patterns(patterns: list[Pattern]) -> dict[str, list[Pattern]]:
    """Patterns by the words they can start with; "*" for those starting with a slot."""
    out: dict[str, list[Pattern]] = {}
    for p in patterns:
        firsts: set[str] = set()
        for el in p.elems:
            if el.slot:
                firsts.add("*")
            else:
                firsts.update(a[0] for a in el.alts)
            if not el.optional:
                break
        for w in firsts:
            out.setdefault(w, []).append(p)
    return out


def matcher(kb: KnowledgeBase, lang: str) -> Matcher:
    """Built once per knowledge base, state of it and language; kept on the base itself (not in a
    module-level table keyed by id(), which outlived the base and could meet its id again)."""
    cache = kb.__dict__.setdefault("_matchers", {})
    key = (kb.version, lang)
    if key not in cache:
        for old in [k for k in cache if k[0] != kb.version]:
            del cache[old]            # built from an older state of this base
        cache[key] = Matcher(kb, lang)
    return cache[key]


def _stop_words(lang: str) -> set[str]:
    """Capitalised function words that are never part of a name (data, not spaCy's lists: importing
    spacy.lang.<lang> costs seconds)."""
    return {fold(w) for w in lang_data(lang).get("not_name_words", [])}


# ---------------------------------------------------------------- candidates

@dataclass
class Cand:
    i: int               # token span [i, j)
    j: int
    start: int           # char span
    end: int
    kind: str            # person | person_short | org | metonym | country | capital | role | group | members | ner | ner_org
    targets: list[str] = field(default_factory=list)
    role: str | None = None
    of: str | None = None
    to: str | None = None
    ctx_role: tuple | None = None   # (role, of, to) from an apposition
    not_current: bool = False       # "l'ancien président russe": not the holder on the reference date
    org: str | None = None          # organisation of a post in an international body ("NATO chief")
    title_has: tuple = ()           # the holder's title must name one of these ("junta")
    gender: str | None = None       # grammatical gender of a French role phrase
    of_alts: tuple = ()             # countries a shared demonym may stand for ("congolais")
    around_org: bool = False        # a person's name holding an organisation's ("Abdel Fatah ...")
    monarch: bool = False           # a monarch's title: nobody where the country has no monarch

    @property
    def length(self) -> int:
        return self.end - self.start


PRIORITY = {"role": 0, "group": 0, "members": 0, "person": 1, "org": 2, "metonym": 2, "country": 3, "capital": 3,
            "person_short": 4, "city": 4.5, "ner": 5, "ner_org": 6}


def _dict_matches(m: Matcher, text: str, toks: list[Tok]) -> list[list[tuple[int, Entry]]]:
    """For every token, the (end token, entry) of every table entry starting there."""
    starts: list[list[tuple[int, Entry]]] = [[] for _ in toks]
    n = len(toks)
    for i in range(n):
        key: tuple[str, ...] = ()
        for L in range(1, n - i + 1):
            key = key + (toks[i + L - 1].norm,)
            if key not in m.prefixes:
                break
            entries = m.table.get(key)
            if not entries or not _contiguous(text, toks, i, i + L):
                continue
            if L == 1 and key[0] in m.stop and not text[toks[i].start:toks[i].end].isupper():
                continue        # 'Un policier' opening a sentence is no 'UN': a function word is a name only in capitals
            for e in entries:
                if all(text[toks[i + k].start].isupper() or not c for k, c in enumerate(e.caps)):
                    starts[i].append((i + L, e))
    return starts


def _contiguous(text: str, toks: list[Tok], i: int, j: int) -> bool:
    """No sentence or line break between the words of a match (the dot after an initial is allowed: "J. D. Vance")."""
    for k in range(i, j - 1):
        gap = text[toks[k].end:toks[k + 1].start]
        if gap.startswith(".") and toks[k].end - toks[k].start == 1:
            gap = gap[1:]
        if re.search(r"[\n.;:!?()\"«»]", gap):
            return False
    return True


def _slot(m: Matcher, starts, elem: Elem, i: int) -> list[tuple[int, str]]:
    """(end token, country) for a slot starting at token i."""
    if i >= len(starts):
        return []
    if elem.slot in ("OF", "OF_ORG"):
        out = []
        for p in m.of_prefixes:
            if tuple(t.norm for t in starts.toks[i:i + len(p)]) == p:
                inner = Elem(slot="COUNTRY" if elem.slot == "OF" else "ORG")
                out += [(j, c) for j, c in _slot(m, starts, inner, i + len(p))]
        return out
    if elem.slot == "ORG":      # international bodies and armed groups: a state's body has no "member countries"
        return [(j, e.target) for j, e in starts[i]
                if e.kind == "org" and (ent := m.kb.get(e.target)) is not None
                and (ent.country is None or ent.kind == "armed_group")]
    kind = {"DEM": "demonym", "COUNTRY": "country", "CAPITAL": "capital"}[elem.slot]
    return [(j, e.target) for j, e in starts[i] if e.kind == kind]


class _Starts(list):
    """The dictionary matches per token, with the tokens themselves (for literal pattern words)."""

    toks: list[Tok]
    matcher: "Matcher"


def _match_pattern(m: Matcher, starts: _Starts, elems: list[Elem], i: int, binds: dict):
    """Yield (end token, bindings) for every way the pattern matches from token i."""
    if not elems:
        yield i, binds
        return
    el, rest = elems[0], elems[1:]
    if el.optional:
        yield from _match_pattern(m, starts, rest, i, binds)
    if el.slot:
        for j, country in _slot(m, starts, el, i):
            yield from _match_pattern(m, starts, rest, j, {**binds, el.fills: country})
        return
    toks = starts.toks
    for alt in el.alts:
        if tuple(t.norm for t in toks[i:i + len(alt)]) == alt:
            yield from _match_pattern(m, starts, rest, i + len(alt), binds)


def _phrase_cands(m: Matcher, text: str, starts: _Starts) -> list[Cand]:
    toks, out = starts.toks, []
    for i in range(len(toks)):
        best = None
        pats = m.by_first.get(toks[i].norm, [])
        if any(e.kind in ("demonym", "country", "capital", "org") for _, e in starts[i]) or \
                any(p[0] == toks[i].norm for p in m.of_prefixes):
            pats = pats + m.by_first.get("*", [])
        for p in pats:
            for j, binds in _match_pattern(m, starts, p.elems, i, {}):
                if j > i and _contiguous(text, toks, i, j) and (best is None or j > best[0]):
                    best = (j, p, binds)
        if best:
            j, p, binds = best
            c = Cand(i, j, toks[i].start, toks[j - 1].end, p.kind, role=p.key,
                     of=binds.get("of") or p.of, to=binds.get("to"), org=binds.get("org") or p.org,
                     title_has=p.title_has, gender=_phrase_gender(m, toks, i, j), monarch=p.monarch)
            c.not_current = i > 0 and toks[i - 1].norm in m.not_current
            # a demonym two countries share ("congolais"): every reading of the same pattern and span
            alts = {b.get("of") for jj, b in _match_pattern(m, starts, p.elems, i, {}) if jj == j and b.get("of")}
            if len(alts) > 1:
                c.of_alts = tuple(sorted(alts))
            out.append(c)
    return out


def _phrase_gender(m: Matcher, toks: list[Tok], i: int, j: int) -> str | None:
    """"f" when the phrase is grammatically feminine (its determiner, its role noun or the demonym
    agreeing with it: "la dirigeante birmane"), "m!" for a noun only men bear ("roi", "king"), "m"
    when masculine (French uses it for women too), None when unmarked.
    Words after a complement ("chef de la diplomatie française") agree with the complement."""
    g = m.gender
    if not g:
        return None
    head = []
    for t in toks[i:j]:
        if t.norm in g.get("complement_words", ()):
            break
        head.append(t.norm)
    prev = toks[i - 1].norm if i > 0 else None
    dem = [m.gendered_demonyms.get(w) for w in head]
    if prev in g.get("feminine_determiners", ()) or "f" in dem or any(w in g.get("feminine", ()) for w in head):
        return "f"
    if any(w in g.get("masculine_only", ()) for w in head):
        return "m!"       # "roi", "king": a noun that never stands for a woman
    if prev in g.get("masculine_determiners", ()) or "m" in dem or any(w in g.get("masculine", ()) for w in head):
        return "m"
    return None


def _dict_cands(starts: _Starts) -> list[Cand]:
    toks, out = starts.toks, []
    for i, lst in enumerate(starts):
        by_end: dict[tuple[int, str], list[str]] = {}
        for j, e in lst:
            if e.kind in ("demonym", "ambig"):
                continue
            by_end.setdefault((j, e.kind), []).append(e.target)
        for (j, kind), targets in by_end.items():
            out.append(Cand(i, j, toks[i].start, toks[j - 1].end, kind, targets=targets))
    return out


# ---------------------------------------------------------------- people the base does not know

_KOREAN_SHAPE = re.compile(r"^[A-Z][a-z]+ [A-Z][a-z]+-[a-z]+$")


def _extend_hyphen(text: str, end: int) -> int:
    """Extend a name over hyphenated parts the recogniser cut off ("Pak Yong" + "-il")."""
    while True:
        m = re.match(r"-[^\W\d_]+", text[end:])
        if not m:
            return end
        end += m.end()


def _ner_cands(text: str, parsed, toks: list[Tok], m: Matcher) -> list[Cand]:
    out = []
    for offset, sdoc in parsed or []:
        for ent in sdoc.ents:
            start = offset + ent.start_char
            end = _extend_hyphen(text, offset + ent.end_char)
            surface = text[start:end]
            if "\n" in surface:
                continue
            # French NER calls romanised Korean names places ("No Kwang-chol" LOC): the shape says person
            korean = _KOREAN_SHAPE.match(surface) and ent.label_ in ("LOC", "MISC", "ORG", "GPE")
            if ent.label_ in ("PER", "PERSON") or korean:
                start, surface = _strip_title(text, start, end, m)     # "M. Peskov" -> "Peskov"
                if len(surface.split()) >= 2 and all(w[0].isupper() for w in surface.split()):
                    out.append(_cand_at(toks, start, end, "ner"))
            elif ent.label_ == "ORG" and len(surface.split()) >= 2 and surface[0].isupper():
                end = _extend_org(text, toks, end, m)
                if any(t.norm in m.org_nouns for t in toks if start <= t.start < end):
                    out.append(_cand_at(toks, start, end, "ner_org"))
    return [c for c in out if c is not None and not (c.kind == "ner" and _fragment(text, toks, c, m))]


def _strip_title(text: str, start: int, end: int, m: Matcher) -> tuple[int, str]:
    """A recogniser's person span without the honorific it starts with."""
    while True:
        mt = re.match(r"(\w+)\.?\s+", text[start:end])
        if not mt or fold(mt.group(1)) not in m.titles:
            return start, text[start:end]
        start += mt.end()


def _fragment(text: str, toks: list[Tok], c: Cand, m: Matcher) -> bool:
    """A span right after 'Capitalised connector' ("Institute for | Defense Analyses") is the tail of a longer name."""
    if c.i < 2 or toks[c.i - 1].norm not in m.connectors:
        return False
    prev = text[toks[c.i - 1].start:toks[c.i - 1].end]
    word = text[toks[c.i - 2].start:toks[c.i - 2].end]
    return prev.islower() and word[0].isupper() and toks[c.i - 2].norm not in m.stop


def _extend_org(text: str, toks: list[Tok], end: int, m: Matcher) -> int:
    """An organisation cut before its hyphenated part or trailing demonym ("Direction militaro" -politique russe)."""
    end = _extend_hyphen(text, end)
    nxt = next((t for t in toks if t.start > end), None)
    if nxt and text[end:nxt.start] == " " and any(e.kind in ("demonym", "ambig") for e in m.table.get((nxt.norm,), [])):
        end = nxt.end
    return end


def _cand_at(toks: list[Tok], start: int, end: int, kind: str) -> Cand | None:
    idx = [k for k, t in enumerate(toks) if t.start >= start and t.end <= end]
    if not idx:
        return None
    return Cand(idx[0], idx[-1] + 1, toks[idx[0]].start, toks[idx[-1]].end, kind)


def _shape_cands(text: str, toks: list[Tok], m: Matcher) -> list[Cand]:
    """Capitalised 2-4 word names in apposition to a role noun or after a title."""
    out, k, n = [], 0, len(toks)
    while k < n:
        if not _name_word(text, toks[k], m):
            k += 1
            continue
        j, words = k + 1, 1
        while j < n:
            gap = text[toks[j - 1].end:toks[j].start]
            if gap == "-":
                j += 1
            elif gap == " " and _name_word(text, toks[j], m):
                j, words = j + 1, words + 1
            else:
                break
        if 2 <= words <= 4 and _role_cue(text, toks, k, j, m):
            c = Cand(k, j, toks[k].start, toks[j - 1].end, "ner")
            if not _fragment(text, toks, c, m):
                out.append(c)
        k = j
    return out


def _name_word(text: str, tok: Tok, m: Matcher) -> bool:
    w = text[tok.start:tok.end]
    return w[0].isupper() and not w.isupper() and tok.norm not in m.not_name and not w.isdigit()


def _role_cue(text: str, toks: list[Tok], i: int, j: int, m: Matcher) -> bool:
    """A role noun right before the name, in the clause before its comma, or right after its comma."""
    before, after = text[:toks[i].start], text[toks[j - 1].end:]
    if i > 0 and before.endswith(" ") and (toks[i - 1].norm in m.titles or _ends_with_role(toks[:i], m)):
        return True
    if re.search(r",\s*$", before):
        clause = re.split(r"[,.;:!?\n(]", before.rstrip()[:-1])[-1]
        if _has_role_noun(tokenize(clause), m):
            return True
    if re.match(r"\s*,", after):
        clause = re.split(r"[,.;:!?\n)]", after.lstrip()[1:])[0]
        if _starts_with_role(tokenize(clause), m):
            return True
    return False


def _starts_with_role(toks: list[Tok], m: Matcher) -> bool:
    """An apposition after a name opens with a post: "(a|the) (North Korean)? researcher|vice-ministre ..."."""
    norms = [t.norm for t in toks]
    articles = set(lang_data(m.lang).get("articles", []))
    while norms and norms[0] in articles:
        norms = norms[1:]
    for skip in (0, 1, 2, 3):   # a demonym or a possessive country may come first ("the North Korean leader")
        if skip and not any(e.kind in ("demonym", "ambig", "country") for e in m.table.get(tuple(norms[:skip]), [])):
            continue
        rest = norms[skip:]
        if skip and rest[:1] == ["s"]:      # "Russia's"
            rest = rest[1:]
        if any(tuple(rest[:len(r)]) == r for r in m.role_nouns):
            return True
    return False


def _has_role_noun(toks: list[Tok], m: Matcher) -> bool:
    norms = [t.norm for t in toks]
    return any(tuple(norms[k:k + len(r)]) == r for r in m.role_nouns for k in range(len(norms)))


def _ends_with_role(toks: list[Tok], m: Matcher) -> bool:
    norms = tuple(t.norm for t in toks[-3:])
    return any(norms[-len(r):] == r for r in m.role_nouns if len(r) <= len(norms))


# ---------------------------------------------------------------- selection and context

def _select(cands: list[Cand]) -> list[Cand]:
    """Longest match wins; on equal length the more specific kind; then the first."""
    chosen: list[Cand] = []
    taken: set[int] = set()
    for c in sorted(cands, key=lambda c: (-c.length, PRIORITY[c.kind], c.start)):
        span = set(range(c.start, c.end))
        if span & taken:
            continue
        chosen.append(c)
        taken |= span
    return sorted(chosen, key=lambda c: c.start)


def _drop_bad_ner(cands: list[Cand]) -> list[Cand]:
    """A recogniser's span that overlaps a known name or phrase is a bad span ("Kim Jong-un des manœuvres"):
    keep the known one. Only a country or a bare family name inside it may be part of a longer real name."""
    names = [(x.start, x.end) for x in cands if x.around_org]
    known = [c for c in cands if c.kind not in ("ner", "ner_org") and not _held_by_name(c, names)]

    def bad(c: Cand) -> bool:
        return any(k.start < c.end and c.start < k.end
                   and not (k.start >= c.start and k.end <= c.end
                            and k.kind in ("person_short", "country", "capital", "city"))
                   for k in known)
    return [c for c in cands if c.kind not in ("ner", "ner_org") or c.around_org or not bad(c)]


def _held_by_name(c: Cand, names: list[tuple[int, int]]) -> bool:
    """An organisation inside a person's name found by _names_around_orgs ("Abdel Fatah Hamdi")."""
    return c.kind in ("org", "metonym") and any(s <= c.start and c.end <= e for s, e in names)


def _names_around_orgs(text: str, toks: list[Tok], cands: list[Cand], m: Matcher) -> list[Cand]:
    """"Abdel Fatah Hamdi": an organisation's name between two name words, or right after a given
    name, is part of a person's name; the person's span (up to four words) is a candidate that
    outlasts the organisation."""
    out = []
    for c in cands:
        if c.kind not in ("org", "metonym") or c.i == 0:
            continue
        left = toks[c.i - 1]
        if text[left.end:c.start] != " " or not _name_word(text, left, m) or _known_at(cands, left):
            continue
        j = _name_end(text, toks, c.j, m)
        if (j == c.j or _title_case(text, c.start)) and left.norm not in m.first_names:
            continue     # a headline capitalises every word ("Egypt Brokers Hamas Truce"): a given name is needed
        i = c.i - 1
        while i > 0 and j - i < 4 and text[toks[i - 1].end:toks[i].start] == " " \
                and _name_word(text, toks[i - 1], m) and not _known_at(cands, toks[i - 1]):
            i -= 1
        out.append(Cand(i, j, toks[i].start, toks[j - 1].end, "ner", around_org=True))
    return out


def _title_case(text: str, pos: int) -> bool:
    """The line around `pos` capitalises most of its words, as English headlines do."""
    lo, hi = text.rfind("\n", 0, pos) + 1, text.find("\n", pos)
    words = re.findall(r"[^\W\d_][\w'’-]*", text[lo:hi if hi >= 0 else len(text)])
    return len(words) >= 4 and sum(w[0].isupper() for w in words) >= 0.6 * len(words)


def _name_end(text: str, toks: list[Tok], j: int, m: Matcher) -> int:
    """The end of the name words right after token j ("Hamdi", "al-Sisi"), up to two of them."""
    k = j
    while k < len(toks) and k - j < 2:
        gap = text[toks[k - 1].end:toks[k].start]
        if toks[k].norm in m.particles and k + 1 < len(toks) and text[toks[k].end:toks[k + 1].start] in ("-", " ") \
                and gap == " " and _name_word(text, toks[k + 1], m):
            k += 2
        elif gap in (" ", "-") and _name_word(text, toks[k], m):
            k += 1
        else:
            break
    return k


def _known_at(cands: list[Cand], tok: Tok) -> bool:
    """The word is part of another known name (a country, a person, a body): not a given name."""
    return any(x.start <= tok.start < x.end for x in cands if x.kind not in ("ner", "ner_org"))


_APPOS_GAP = re.compile(r"^\s*,?\s*$")


def _attach_roles(chosen: list[Cand], text: str) -> list[Cand]:
    """A role phrase in apposition to a person ("le ministre russe de la Défense, X," / "X, vice-ministre ...")
    becomes that person's context instead of a separate mention."""
    persons = ("person", "ner")
    drop = set()
    for k, c in enumerate(chosen):
        if c.kind != "role":
            continue
        nxt = chosen[k + 1] if k + 1 < len(chosen) else None
        prv = chosen[k - 1] if k > 0 else None
        if nxt and nxt.kind in persons and _APPOS_GAP.match(text[c.end:nxt.start]):
            nxt.ctx_role = None if c.not_current else (c.role, c.of, c.to)
            drop.add(k)
        elif prv and prv.kind in persons and re.match(r"^\s*,\s*(\w+[’']?\s*)?$", text[prv.end:c.start]) \
                and prv.ctx_role is None:
            prv.ctx_role = None if c.not_current else (c.role, c.of, c.to)
            drop.add(k)
    return [c for k, c in enumerate(chosen) if k not in drop]


def _context_country(text: str, c: Cand, starts: _Starts) -> str | None:
    """The nearest country or demonym in the apposition around an unlinked name."""
    toks = starts.toks
    before, after = text[:c.start], text[c.end:]
    found: list[tuple[int, bool, str]] = []
    m = starts.matcher
    left = re.split(r"[,.;:!?\n(]", before.rstrip()[:-1])[-1] if re.search(r"[,(]\s*$", before) else ""
    if left and _has_role_noun(tokenize(left), m):     # an apposition names a post: "le chef du centre ..., X"
        lo = c.start - len(before) + len(before.rstrip()) - 1 - len(left)
        for i in range(c.i):
            if toks[i].start >= lo:
                found += [(c.start - toks[j - 1].end, e.kind == "ambig", e.target) for j, e in starts[i]
                          if e.kind in ("country", "demonym", "ambig") and j <= c.i]
    right = re.split(r"[,.;:!?\n)]", after.lstrip()[1:])[0] if re.match(r"\s*,", after) else ""
    if right and _starts_with_role(tokenize(right), m):   # "X, vice-ministre de la Défense russe,"
        hi = c.end + len(after) - len(after.lstrip()) + 1 + len(right)
        for i in range(c.j, len(toks)):
            if toks[i].start >= hi:
                break
            found += [(toks[i].start - c.end, e.kind == "ambig", e.target) for j, e in starts[i]
                      if e.kind in ("country", "demonym", "ambig") and toks[j - 1].end <= hi]
    # nearest first; "coréenne" inside "nord-coréenne" ends at the same place: the unambiguous one wins;
    # a demonym two countries share ("congolais") says neither
    shared = {d for d, amb, _ in found if not amb and sum(1 for x, a, _ in found if x == d and not a) > 1}
    found = [f for f in found if f[0] not in shared]
    return min(found)[2] if found else None


def _span_country(c: Cand, starts: _Starts) -> str | None:
    for i in range(c.i, c.j):
        for j, e in starts[i]:
            if j <= c.j and e.kind in ("country", "demonym", "ambig"):
                return e.target
    return None


# ---------------------------------------------------------------- resolution

def _sector_code(of: str | None, role: str | None) -> str | None:
    sector = VOCAB["role_sector"].get(role or "")
    return of + sector if of and sector else None


def _unlinked(kb: KnowledgeBase, surface: str, country: str | None, role: tuple | None, type_: str = "person") -> Actor:
    label, code = None, None
    if role and role[0] != "counterpart":
        label = kb.role_label(Role(role=role[0], of=role[1], to=role[2]))
        code = _sector_code(role[1], role[0])
    return Actor(name=surface, country=country, type=type_, id=None, role=label, code=code, text=surface)


def _role_of_country(kb: KnowledgeBase, surface: str | None, of: str, role: str | None, to: str | None = None,
                     former: bool = False) -> Actor:
    """A post nobody (or several people) held on the date, or a former or generic holder: the
    country in that role ("président américain" -> United States, role "president of the United
    States"; a former holder keeps only the sector code), never a person named after the post."""
    a = kb.country_actor(of, surface, code=_sector_code(of, role))
    if role and role != "counterpart" and not former:
        a.role = kb.role_label(Role(role=role, of=of, to=to))
    return a


def _fuzzy(kb: KnowledgeBase, m: Matcher, surface: str, role: tuple | None, country: str | None,
           date: str | None) -> Entity | None:
    """A known person whose name is close to `surface`, only among those the context allows."""
    if role and role[0] != "counterpart" and role[1]:
        cands, threshold = kb.holders(role[0], role[1], date, role[2]), 80
        if not cands:
            cands, threshold = m.people_by_country.get(role[1], []), 90
    elif country:
        cands, threshold = m.people_by_country.get(country, []), 90
    else:
        return _fuzzy_in_office(kb, m, surface, date)
    target = " ".join(_key(surface))
    scored = []
    for e in cands:
        s = max(fuzz.ratio(target, " ".join(_key(n))) for n in e.all_names())
        scored.append((s, e.id))
    scored.sort(reverse=True)
    if scored and scored[0][0] >= threshold and (len(scored) == 1 or scored[1][0] < scored[0][0] - 5):
        return kb.get(scored[0][1])
    return None


def _fuzzy_in_office(kb: KnowledgeBase, m: Matcher, surface: str, date: str | None) -> Entity | None:
    """With no role or country around, only a very close spelling of someone in office on the date."""
    if not date:
        return None
    hits = process.extract(" ".join(_key(surface)), m.person_keys, scorer=fuzz.ratio, score_cutoff=92, limit=10)
    ids = {m.person_key_ids[k] for _, _, k in hits}
    ents = [e for e in (kb.get(i) for i in ids) if e and e.roles_on(date)]
    return ents[0] if len(ents) == 1 and len(ids) == 1 else None


def _pick(kb: KnowledgeBase, ids: list[str], role: tuple | None, date: str | None) -> Entity | None:
    """One entity among several sharing a name: the one holding the apposition's role, else the only one in office."""
    ents = [kb.get(i) for i in ids]
    if len(ents) == 1:
        return ents[0]
    if role:
        ents = [e for e in ents if any(r.role == role[0] and r.of == role[1] for r in e.roles_on(date))] or ents
    if len(ents) > 1:
        ents = [e for e in ents if e.roles_on(date)] or ents
    return ents[0] if len(ents) == 1 else None


def _family_names(surface: str, country: str | None) -> set[str]:
    words = surface.split()
    if len(words) < 2:
        return set()
    korean_shape = re.search(r"-[a-z]", words[-1]) is not None
    first = korean_shape or country in VOCAB["family_name_first"]
    fam = words[0] if first else words[-1]
    # Chinese and Korean family names are often two letters ("Xi", "Li", "Yu"); elsewhere a
    # two-letter last word is rather a particle or initial
    return {fold(fam)} if len(fam) >= (2 if first else 3) and fam[0].isupper() else set()


def link(doc: Document, parsed: list | None = None, kb: KnowledgeBase | None = None) -> list[ActorMention]:
    """Actor mentions in doc.text, sorted and non-overlapping (see the module docstring).

    `parsed`: (char offset in doc.text, spaCy Doc of that chunk) for the chunks the caller parsed."""
    if not isinstance(getattr(doc, "text", None), str):
        raise ValueError(f"{getattr(doc, 'id', '?')}: document has no text to link")
    kb = kb or default_kb()
    lang = doc.language or "en"
    if not load_json(lang, "roles"):
        lang = "en"
    m = matcher(kb, lang)
    text, date = doc.text, doc.published.value if doc.published else None
    toks = tokenize(text)
    starts = _Starts(_dict_matches(m, text, toks))
    starts.toks, starts.matcher = toks, m
    cands = _dict_cands(starts) + _phrase_cands(m, text, starts)
    cands += _ner_cands(text, parsed, toks, m) + _shape_cands(text, toks, m)
    cands += _names_around_orgs(text, toks, cands, m)
    chosen = _attach_roles(_select(_drop_bad_ner(cands)), text)
    return _resolve(kb, m, text, toks, starts, chosen, date)


def _resolve(kb, m, text, toks, starts, chosen: list[Cand], date) -> list[ActorMention]:
    out: list[ActorMention] = []
    families: list[tuple[int, str, Actor]] = []       # (start, family name, actor) for short forms
    by_role: list[tuple[int, tuple, Actor]] = []      # (start, (role, of), actor) for later bare role phrases
    places = _country_places(chosen, starts)
    for c in chosen:
        surface = text[c.start:c.end]
        mention = None
        if c.of_alts:
            c.of = _shared_demonym_country(c, places)
            if c.of is None:
                continue      # "le président congolais" in a text naming neither Congo: nobody, not a wrong one
        if c.kind in ("person", "ner"):
            actor = _resolve_person(kb, m, surface, c, starts, text, date)
            mention = ActorMention(c.start, c.end, surface, actor, "name", 1.0 if actor.id else 0.7)
            for f in _family_names(surface, actor.country) | _kb_families(kb, actor):
                families.append((c.start, f, actor))
            if c.ctx_role:
                by_role.append((c.start, c.ctx_role[:2], actor))
            ent = kb.get(actor.id)
            for r in ent.roles_on(date) if ent else []:
                by_role.append((c.start, (r.role, r.of), actor))
        elif c.kind in ("org", "metonym", "person_short"):
            mention = _resolve_named(kb, c, surface, date, families)
        elif c.kind == "ner_org":
            actor = _unlinked(kb, surface, _span_country(c, starts), None, "organization")
            mention = ActorMention(c.start, c.end, surface, actor, "org", 0.6)
        elif c.kind in ("country", "capital"):
            mention = ActorMention(c.start, c.end, surface, kb.country_actor(c.targets[0], surface), c.kind)
        elif c.kind == "city":
            mention = None if _inside_name(text, c.start, c.end, m.lang) else _city_mention(kb, c, surface)
        elif c.kind == "members" and c.of and kb.get(c.of):
            mention = ActorMention(c.start, c.end, surface, kb.get(c.of).to_actor(surface, date), "org")
        elif c.kind == "group" and c.of:
            actor = kb.country_actor(c.of, surface, code=c.of + c.role)
            mention = ActorMention(c.start, c.end, surface, actor, "demonym")
        elif c.kind == "role":
            mention = None if _other_country_follows(m, starts, c) or (c.monarch and not _monarchy(c.of, date)) else _resolve_role_cand(kb, c, surface, date, by_role)
        if mention is not None:
            out.append(mention)
    shorts = _short_forms(text, toks, [x for x in out if x.kind != "city"], families, m)
    taken = {(x.start, x.end) for x in shorts}      # a family name of someone named in full beats a city
    out = [x for x in out if not (x.kind == "city" and (x.start, x.end) in taken)] + shorts
    return sorted(out, key=lambda x: x.start)


def _monarchy(iso3: str | None, date: str | None) -> bool:
    """Whether the country has a monarch on the date ("le roi de France" in 2013 names nobody)."""
    mon = VOCAB.get("monarchies", {})
    if iso3 not in mon:
        return False
    end = mon[iso3]
    return end is None or date is None or date[:10] < end


def _country_places(chosen: list[Cand], starts: _Starts) -> list[tuple[int, str]]:
    """(char position, country) of every country, capital, unshared demonym and role phrase of one
    country in the text: what tells which country a shared demonym stands for."""
    out = [(c.start, c.targets[0]) for c in chosen if c.kind in ("country", "capital") and len(c.targets) == 1]
    out += [(c.start, c.of) for c in chosen if c.kind in ("role", "group") and c.of and not c.of_alts]
    for i, lst in enumerate(starts):
        dems = {e.target for _, e in lst if e.kind == "demonym"}
        if len(dems) == 1:
            out.append((starts.toks[i].start, dems.pop()))
    return out


def _shared_demonym_country(c: Cand, places: list[tuple[int, str]]) -> str | None:
    """The country among `c.of_alts` the text names most, the nearest on a tie; None when it names none."""
    seen = [(iso, abs(pos - c.start)) for pos, iso in places if iso in c.of_alts]
    if not seen:
        return None
    count = {iso: sum(1 for x, _ in seen if x == iso) for iso, _ in seen}
    return min(seen, key=lambda x: (-count[x[0]], x[1]))[0]


_CAP_BEFORE = re.compile(r"(?:^|[^\w.!?:;«\"“(\[-]\s*)\b[A-ZÀ-Ý][\w’'-]+\s+$")
_CAP_AFTER = re.compile(r"^\s+[A-ZÀ-Ý][\w’'-]+")


def _inside_name(text: str, start: int, end: int, lang: str) -> bool:
    """'Ahmed Hassan al-Borai', 'New York Times': a city name between capitalised words (or before a
    name particle, actors.json `name_particles`) is part of a longer proper name, not a place."""
    after = text[end:end + 20]
    particles = lang_data(lang).get("name_particles") or ()
    return bool(_CAP_BEFORE.search(text[max(0, start - 40):start]) or _CAP_AFTER.match(after)
                or any(after.lstrip().lower().startswith(p + "-") for p in particles) and after[:1].isspace())


def _city_mention(kb: KnowledgeBase, c: Cand, surface: str) -> ActorMention | None:
    """A city of the gazetteer: a place of its country (the extractor takes the name and coordinates)."""
    from ..gazetteer import city
    found = [x for x in (city(t) for t in c.targets) if x]
    if not found:
        return None
    best = max(found, key=lambda x: x.population)        # "Alexandria": Egypt's, not Virginia's
    return ActorMention(c.start, c.end, surface, kb.country_actor(best.country, surface), "city", 0.8)


def _kb_families(kb: KnowledgeBase, actor: Actor) -> set[str]:
    e = kb.get(actor.id)
    if not e:
        return set()
    out: set[str] = set()
    for n in e.all_names():
        out |= _family_names(n, e.country)
    return out


def _resolve_person(kb, m, surface, c: Cand, starts, text, date) -> Actor:
    role = c.ctx_role
    ent = _pick(kb, c.targets, role, date) if c.kind == "person" else None
    if ent is None and c.kind == "ner":
        ids = kb.by_name.get(" ".join(_key(surface)), [])
        ent = _pick(kb, ids, role, date) if ids else None
        if ent is None:
            country = (role[1] if role else None) or _context_country(text, c, starts)
            ent = _fuzzy(kb, m, surface, role, country, date)
    if ent is not None:
        return ent.to_actor(surface, date)
    country = (role[1] if role and role[1] else None) or _context_country(text, c, starts)
    return _unlinked(kb, surface, country, role)


def _resolve_named(kb, c: Cand, surface, date, families) -> ActorMention | None:
    if c.kind == "person_short":
        local = _local_family(fold(surface), c.start, families)
        if local:
            return ActorMention(c.start, c.end, surface, _with_text(local, surface), "short", 0.9)
        alive = [t for t in c.targets if _alive(kb.get(t), date)]
        if len(alive) != 1:
            return None
        return ActorMention(c.start, c.end, surface, kb.get(alive[0]).to_actor(surface, date), "short", 0.8)
    if len(c.targets) != 1:
        return None
    e = kb.get(c.targets[0])
    if c.kind == "metonym":
        return ActorMention(c.start, c.end, surface, kb.country_actor(e.metonym_for, surface, code=e.code), "capital")
    return ActorMention(c.start, c.end, surface, e.to_actor(surface, date), "org")


def _alive(e: Entity | None, date: str | None) -> bool:
    """A bare short name ("Kim") never stands for someone dead by the reference date."""
    died = e.died if e else None
    return not (died and date and died[:len(date)] < date[:len(died)])


def _with_text(a: Actor, surface: str) -> Actor:
    return Actor(a.name, a.country, a.type, a.id, a.role, a.code, surface)


def _local_family(fam: str, start: int, families) -> Actor | None:
    """The most recent earlier full mention with this family name, else the only later one."""
    before = [a for s, f, a in families if f == fam and s < start]
    if before:
        return before[-1]
    after = {(a.id or a.name): a for s, f, a in families if f == fam}
    return next(iter(after.values())) if len(after) == 1 else None


def _short_forms(text, toks, mentions, families, m: Matcher) -> list[ActorMention]:
    """Bare family names ("Choïgou", "Kim", "Krivoruchko") of people mentioned in full in the document."""
    names = {f for _, f, _ in families}
    covered = [(x.start, x.end) for x in mentions]
    out = []
    for t in toks:
        w = text[t.start:t.end]
        if t.norm in names and w[0].isupper() and t.norm not in m.stop and not any(s <= t.start < e for s, e in covered):
            a = _local_family(t.norm, t.start, families)
            if a:
                out.append(ActorMention(t.start, t.end, w, _with_text(a, w), "short", 0.9))
    return out


def _other_country_follows(m: Matcher, starts, c: Cand) -> bool:
    """A bare post followed by a country the patterns did not take in ("the defense secretary of
    Japan", "le ministre de la Défense, japonais"): the post is that country's, not the holder named before."""
    if c.of is not None or c.j >= len(starts):
        return False
    return bool(_slot(m, starts, Elem(slot="DEM"), c.j) or _slot(m, starts, Elem(slot="OF"), c.j))


def _resolve_role_cand(kb, c: Cand, surface, date, by_role) -> ActorMention | None:
    if c.org:
        return _resolve_org_post(kb, c, surface, date)
    if c.role == "counterpart":
        # "son homologue (nord-coréen)" alone: only the extraction stage knows whose counterpart (counterpart())
        return None
    # the one person named earlier in the document with this post ("le vice-ministre de la Défense" = Krivoruchko)
    local = {(a.id or a.name): (a, of) for s, (r, of), a in by_role
             if s < c.start and r == c.role and (c.of is None or of == c.of) and not c.not_current
             and not _gender_clash(kb.get(a.id), c.gender)}
    if len(local) == 1:
        a, of = next(iter(local.values()))
        return RoleMention(c.start, c.end, surface, _with_text(a, surface), "role", 0.9, c.role, of, c.to)
    if c.of is None:
        return None   # "le vice-ministre de la Défense" with no country and no earlier holder: nothing to say
    if c.not_current:   # a former/future or generic holder: the country is known, the person is not
        actor = _role_of_country(kb, surface, c.of, c.role, c.to, former=True)
        # no role key: re-resolving at the event's date (resolve_role) must not name anyone either
        return RoleMention(c.start, c.end, surface, actor, "role", 0.5, None, c.of, c.to)
    actor = resolve_role(RoleMention(c.start, c.end, surface, Actor(surface), "role", 1.0, c.role, c.of, c.to,
                                     c.title_has, c.gender), date, kb)
    return RoleMention(c.start, c.end, surface, actor, "role", 0.9 if actor.id else 0.6, c.role, c.of, c.to,
                       c.title_has, c.gender)


def _resolve_org_post(kb, c: Cand, surface, date) -> ActorMention | None:
    """"le secrétaire général de l'OTAN": the one holder on the reference date, else the body itself
    (what it says, the body says); a former holder stays unnamed."""
    holders = [] if c.not_current else kb.holders(c.role, None, date, org=c.org)
    holders = [e for e in holders if not _gender_clash(e, c.gender)]
    if len(holders) == 1:
        return RoleMention(c.start, c.end, surface, holders[0].to_actor(surface, date), "role", 0.9)
    if c.not_current:
        return None
    return ActorMention(c.start, c.end, surface, kb.get(c.org).to_actor(surface, date), "org", 0.7)


# ---------------------------------------------------------------- functions the extraction stage calls

def resolve_role(mention: RoleMention, date: str | None, kb: KnowledgeBase | None = None) -> Actor:
    """The actor a role phrase names on `date`: the single holder, else an unlinked actor with the role label."""
    kb = kb or default_kb()
    if not getattr(mention, "role_key", None) or mention.role_key == "counterpart" or not mention.role_of:
        return mention.actor      # not a role phrase, or one only the caller can resolve
    holder = _role_holder(kb, mention.role_key, mention.role_of, date, mention.role_to,
                          getattr(mention, "role_title", ()), getattr(mention, "role_gender", None))
    if holder is not None:
        return holder.to_actor(mention.text, date)
    return _role_of_country(kb, mention.text, mention.role_of, mention.role_key, mention.role_to)


def _role_holder(kb: KnowledgeBase, key: str, of: str, date: str | None, to: str | None = None,
                 title_has: tuple = (), gender: str | None = None) -> Entity | None:
    """The one holder of the post on `date`. `title_has`: only holders whose title names the body
    ("chef de la junte": a junta leader, not any president). A feminine phrase never names a man:
    for a leader it tries the country's other top posts ("la dirigeante birmane" in 2017 is the State
    Counsellor, not the president); a masculine one prefers a man among several holders only, since
    French uses the masculine for women too ("le Premier ministre Theresa May")."""
    posts = [key] + (VOCAB.get("leader_posts", []) if key == "leader" and gender == "f" else [])
    for post in posts:
        found = kb.holders(post, of, date, to)
        if title_has:
            found = [e for e in found if _titled(e, post, of, date, title_has)]
        if gender in ("f", "m!"):
            found = [e for e in found if not _gender_clash(e, gender)]
        elif gender == "m" and len(found) > 1:
            found = [e for e in found if e.gender == "m"] or found
        if len(found) == 1:
            return found[0]
        if found:
            return None       # several holders: nobody can be named
    return None


def _titled(e: Entity, post: str, of: str | None, date: str | None, words: tuple) -> bool:
    return any(r.role == post and r.of == of and r.held(date) and any(w in (r.title or "").lower() for w in words)
               for r in e.roles)


def _gender_clash(e: Entity | None, gender: str | None) -> bool:
    """A feminine phrase and a man, or a king's title and a woman."""
    return e is not None and ((gender == "f" and e.gender == "m") or (gender == "m!" and e.gender == "f"))


def counterpart(actor: Actor, country: str | None, date: str | None, kb: KnowledgeBase | None = None) -> Actor | None:
    """'son homologue (nord-coréen)': the holder of `actor`'s role in `country` on `date`.

    None when the reference actor's role or the other country is unknown; an unlinked actor with
    the role label when nobody or several people held it."""
    kb = kb or default_kb()
    ent = kb.get(actor.id)
    role = ent.role_on(date) if ent else None
    key = role.role if role else _role_key_from_label(kb, actor.role)
    if not key or not country or key == "affiliation":
        return None
    holders = kb.holders(key, country, date)
    if len(holders) == 1:
        return holders[0].to_actor(None, date)
    return _role_of_country(kb, None, country, key)


def _role_key_from_label(kb: KnowledgeBase, label: str | None) -> str | None:
    """Reverse of the role label ("deputy defence minister of Russia" -> deputy_defence_minister)."""
    if not label:
        return None
    labels = load_json("en", "roles").get("labels", {})
    for key, tpl in sorted(labels.items(), key=lambda kv: -len(kv[1])):
        prefix = tpl.split("{")[0].strip()
        if prefix and label.startswith(prefix + " ") and key not in ("ambassador_no_host", "counterpart"):
            return key
    return None


def country_actor(iso3: str, text: str | None = None, kb: KnowledgeBase | None = None) -> Actor:
    """The country-level actor ("les deux pays", "both countries")."""
    return (kb or default_kb()).country_actor(iso3, text)
