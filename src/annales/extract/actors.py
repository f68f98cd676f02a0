"""Who: actor mentions of a document and the actor an argument phrase stands for.

Mentions come from the actor linker (annales.actors.link) when it is available;
otherwise (or in addition, for places it does not cover) from the extractor's
fallback gazetteer (resources/<lang>/places.json) and spaCy NER.
"""
from __future__ import annotations

import copy
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from spacy.tokens import Token

from ..model import Actor, ActorMention, Document
from . import syntax
from .lexicon import Lexicon

PLACE_KINDS = ("capital", "place", "city")
COUNTRY_LEVEL = ("country", "capital", "demonym", "place", "metonym")


def _linker():
    try:
        import importlib
        # the module, not the `link` function that annales.actors re-exports under the same name
        return importlib.import_module("annales.actors.link")
    except Exception:  # the linker is optional: the gazetteer fallback takes over
        return None


def find_mentions(doc: Document, parsed: list, lex: Lexicon) -> list[ActorMention]:
    """Linker mentions plus gazetteer/NER mentions where the linker found nothing."""
    found: list[ActorMention] = []
    mod = _linker()
    if mod is not None and hasattr(mod, "link"):
        try:
            found = list(mod.link(doc, parsed))
        except Exception as e:  # a linker failure must not lose the document's events
            doc.warnings.append(f"extract: actor linker failed on {doc.id}: {e!r}")
            found = []
    extra = _ner(parsed, "ORG") + _gazetteer(doc.text, lex) + _ner(parsed, "PER")
    taken = [(m.start, m.end) for m in found]
    for m in extra:
        if not any(a < m.end and m.start < b for a, b in taken):
            found.append(m)
            taken.append((m.start, m.end))
    found += stance_groups(doc.text, found, lex)
    return sorted(found, key=lambda m: m.start)


def stance_groups(text: str, found: list[ActorMention], lex: Lexicon) -> list[ActorMention]:
    """'les partisans de X', 'les pro-X', 'partisans et opposants du président X', 'X supporters':
    groups named by their stance towards a named person or organisation (triggers.json
    `stance_groups`). Each mention covers the stance word up to the name, so the name inside is
    not read as a second participant."""
    cfg = lex.stance
    if not cfg or not found:
        return []
    before, prefix, after = _stance_patterns(lex)
    out = []
    for m in found:
        if m.actor.type not in ("person", "organization", "group") or m.kind in ("demonym", "country", "capital"):
            continue
        left = text[max(0, m.start - 160):m.start]
        hit = before.search(left) if before is not None else None
        base = m.start - len(left)
        if hit is None and prefix is not None:
            hit = prefix.search(left)
        if hit is not None:
            w1, w2 = hit.group("w1").lower(), (hit.group("w2") or "").lower()
            lab1 = cfg["words"].get(w1) or cfg["prefixes"].get(w1)
            if w2:
                lab2 = cfg["words"].get(w2) or cfg["prefixes"].get(w2)
                a, b = base + hit.start("w1"), base + hit.end("w1")
                out.append(_stance(text, a, b, lab1, m))
                out.append(_stance(text, base + hit.start("w2"), m.end, lab2, m))
            else:
                out.append(_stance(text, base + hit.start("w1"), m.end, lab1, m))
            continue
        if after is not None:
            hit = after.match(text, m.end)
            if hit is not None:
                out.append(_stance(text, m.start, hit.end("w1"), cfg["after"][hit.group("w1").lower()], m))
    return out + _glued_stances(text, found, lex)


def _by_family_name(kb) -> dict:
    """Family name (last word of the English name, accents folded) -> the people who bear it; built
    once per knowledge base and kept on it."""
    ver = getattr(kb, "version", None)
    cached = getattr(kb, "_family_names", None)
    if cached is None or cached[0] != ver:
        fam: dict = {}
        for e in kb.entities.values():
            if e.type == "person" and " " in e.name:
                fam.setdefault(_unaccent(e.name.rsplit(" ", 1)[1].lower()), []).append(e)
        cached = (ver, fam)
        kb._family_names = cached
    return cached[1]


def _glued_stances(text: str, found: list[ActorMention], lex: Lexicon) -> list[ActorMention]:
    """'anti-Maduro', 'pro-Morsi' written as one word, where the linker sees no name: the part after
    the prefix is looked up in the knowledge base (one person or organisation only)."""
    pre = "|".join(re.escape(p) for p in (lex.stance.get("prefixes") or {}))
    kb = _kb()
    if not pre or kb is None:
        return []
    out = []
    for hit in re.finditer(rf"(?i)\b(?P<w1>{pre})[-‑‐](?P<name>[A-ZÀ-Ý][\w’'-]+)", text):
        if any(m.start <= hit.start("name") < m.end for m in found):
            continue                    # the linker found the name: stance_groups has done it
        ents = [e for e in kb.lookup(hit.group("name"), lex.lang) if e.type in ("person", "organization")] \
            or _by_family_name(kb).get(_unaccent(hit.group("name").lower()), [])
        ents = [e for e in ents if not e.pack] or ents      # the curated entry wins over a pack's
        if len(ents) > 1:                                     # two Madurós: the one of a country in the text
            named = {m.actor.country for m in found if m.kind in COUNTRY_LEVEL}
            ents = [e for e in ents if e.country in named]
        if len(ents) != 1:
            continue
        a = ents[0].to_actor(hit.group("name"), None)
        m = ActorMention(hit.start("name"), hit.end("name"), hit.group("name"), a, kind="name")
        label = lex.stance["prefixes"][hit.group("w1").lower()]
        out.append(_stance(text, hit.start(), hit.end(), label, m))
    return out


def _stance(text: str, a: int, b: int, label: str, m: ActorMention) -> ActorMention:
    name = f"{label} of {m.actor.name}"
    return ActorMention(a, b, text[a:b], Actor(name=name, country=m.actor.country, type="group", text=text[a:b]),
                        kind="group", score=m.score)


def _stance_patterns(lex: Lexicon):
    """Regexes over the text left of a name: '<word> [et <word>] <prep> [gap] ', '<prefix>-',
    '<prefix> et <prefix>-'; and right of it: ' <word>' ('Morsi supporters')."""
    if "stance" in lex.derived:
        return lex.derived["stance"]
    cfg = lex.stance
    alt = lambda ws: "|".join(re.escape(w) for w in sorted(ws, key=len, reverse=True))
    ands = alt(cfg.get("and_words") or ["et"])
    words = alt(cfg.get("words") or {})
    preps = alt(cfg.get("preps") or [])
    # within one sentence: no line break, and a dot only after an abbreviation ('M.', 'Dr.')
    sp = r"[ \t\u00a0]+"
    gap = r"(?:[\w’'\-]+%s|\w{1,3}\.%s){0,%d}" % (sp, sp, int(cfg.get("max_gap", 4)))
    before = re.compile(rf"(?i)\b(?P<w1>{words})(?:\s+(?:{ands})\s+(?P<w2>{words}))?{sp}(?:{preps})(?:{sp}|(?<=['’])){gap}$") \
        if words and preps else None
    pre = alt(cfg.get("prefixes") or {})
    prefix = re.compile(rf"(?i)\b(?P<w1>{pre})(?:\s+(?:{ands})\s+(?P<w2>{pre}))?[-‑‐]\s?$") if pre else None
    aft = alt(cfg.get("after") or {})
    after = re.compile(rf"(?i)\s+(?P<w1>{aft})\b") if aft else None
    lex.derived["stance"] = (before, prefix, after)
    return lex.derived["stance"]


def country(iso: str, lex: Lexicon, text: str | None = None) -> Actor:
    mod = _linker()
    if mod is not None and hasattr(mod, "country_actor"):
        try:
            a = mod.country_actor(iso, text)
            if a.name and a.name != iso:
                return a
        except Exception:
            pass
    return Actor(name=lex.english.get(iso) or iso, country=iso, type="country", code=iso, text=text)


def demonym_country(word: str, lex: Lexicon) -> str | None:
    """The country of a demonym, accents ignored ('Egyptiens' as the press writes capitals)."""
    iso = lex.demonyms.get(word.lower())
    if iso:
        return iso
    if "folded_demonyms" not in lex.derived:
        lex.derived["folded_demonyms"] = {_unaccent(k): v for k, v in lex.demonyms.items()}
    return lex.derived["folded_demonyms"].get(_unaccent(word.lower()))


def _unaccent(s: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFD", s) if unicodedata.category(ch) != "Mn")


def _link_phrase(phrase: str, doc: Document, lang: str) -> Actor | None:
    """The person (or role of a country) a singular role phrase names on the document's date."""
    mod = _linker()
    if mod is None or not hasattr(mod, "link"):
        return None
    try:
        ms = mod.link(Document(id=doc.id, text=phrase, language=lang, published=doc.published))
    except Exception:           # a phrase the linker cannot read resolves to nobody
        return None
    ms = [m for m in ms if m.kind in ("role", "name") and m.actor.type in ("person", "role")]
    return copy.copy(ms[0].actor) if len(ms) == 1 else None


def institution_kind(spec) -> str | None:
    """'@police' in triggers.json `agents`: the word names a state institution of that kind."""
    return spec[1:] if isinstance(spec, str) and spec.startswith("@") else None


def institution(iso: str, kind: str, lex: Lexicon, text: str | None = None) -> Actor:
    """The state institution of a country ('la police' of Egypt): the knowledge base's `national`
    organisation of that country and kind, else one named by the `_institutions`
    pattern of triggers.json, with the country's code and the institution's CAMEO sector."""
    org = _kb_institutions().get((iso, kind))
    if org is not None:
        a = org.to_actor(text, None)
        return a
    spec = lex.institutions.get(kind) or {}
    name = (spec.get("name") or "{adj} " + kind).format(adj=_adjective(iso, lex), country=lex.english.get(iso) or iso)
    return Actor(name=name, country=iso, type="organization", code=iso + (spec.get("code") or ""), text=text)


def _adjective(iso: str, lex: Lexicon) -> str:
    """The English demonym of a country ('Egyptian'), else its English name, else its code."""
    kb = _kb()
    c = kb.country(iso) if kb is not None else None
    return ((c.demonyms.get("en") or [None])[0] if c is not None else None) or lex.english.get(iso) or iso


def _kb():
    try:
        from ..actors.kb import default_kb
        return default_kb()
    except Exception:        # no knowledge base: institutions are named by pattern
        return None


def _kb_institutions() -> dict:
    """(country, kind) -> the organisation the knowledge base marks `national` for that country and kind
    (the Russian Armed Forces, not the Africa Corps; the Knesset): what a bare 'l'armée' stands for.
    Built once per knowledge base and kept on it."""
    kb = _kb()
    if kb is None:
        return {}
    ver = getattr(kb, "version", None)
    cached = getattr(kb, "_national_institutions", None)
    if cached is None or cached[0] != ver:
        seen: dict = {}
        for e in kb.entities.values():
            if e.type == "organization" and e.kind and e.country and e.national:
                seen.setdefault((e.country, e.kind), []).append(e)
        cached = (ver, {k: v[0] for k, v in seen.items() if len(v) == 1})
        kb._national_institutions = cached
    return cached[1]


def _gazetteer(text: str, lex: Lexicon) -> list[ActorMention]:
    out = []
    if lex.place_re is None:
        return out
    capitals = {v.lower(): k for k, v in lex.capitals.items()}
    for m in lex.place_re.finditer(text):
        w = m.group()
        if w[0].islower() and w.lower() not in lex.places.get("periphrases", {}):
            continue                     # "nord" as a common word
        iso = lex.country_names[w.lower()]
        kind = "capital" if w.lower() in capitals else ("country" if _is_country_name(w, lex) else "place")
        out.append(ActorMention(m.start(), m.end(), w, country(iso, lex, w), kind=kind, score=0.6))
    return out


def _is_country_name(w: str, lex: Lexicon) -> bool:
    lw = w.lower()
    return any(lw in (n.lower() for n in c.get("names", [])) for c in lex.places.get("countries", {}).values())


def _ner(parsed: list, which: str) -> list[ActorMention]:
    out = []
    for off, sdoc in parsed:
        for e in sdoc.ents:
            if e.label_ in ("PER", "PERSON") and which == "PER":
                t = "person"
            elif e.label_ == "ORG" and which == "ORG":
                t = "organization"
            else:
                continue
            out.append(ActorMention(off + e.start_char, off + e.end_char, e.text,
                                    Actor(name=e.text, type=t, text=e.text), kind="name", score=0.4))
    return out


@dataclass
class DocContext:
    """Document-level state used to resolve pronouns, "les deux pays" and "la capitale"."""

    doc: Document
    lex: Lexicon
    mentions: list[ActorMention]
    last_person: Actor | None = None
    persons_by_sentence: dict[int, list[Actor]] = field(default_factory=dict)
    sent_starts: list[int] = field(default_factory=list)   # start offsets of all the text's sentences
    cands: list = field(default_factory=list)              # the events found so far, in text order
    # id(actor copy) -> (that copy, the role mention it came from); the copy is kept so that its id
    # is not reused by another actor while the document is read
    roles: dict[int, tuple[Actor, ActorMention]] = field(default_factory=dict)

    def window(self, pos: int, back: int = 1) -> int:
        """Start of the sentence `back` sentences before the one holding `pos`."""
        before = [s for s in self.sent_starts if s <= pos]
        return before[-1 - back] if len(before) > back else 0

    def pair_of_people(self, pos: int, n: int = 2) -> list[Actor]:
        """'les deux dirigeants': the two people of the latest interaction reported just before
        (in this or the previous sentence), else the only two people named there."""
        lo = self.window(pos, 1)
        for c in reversed(self.cands):
            if c.off < lo:
                break
            people = []
            for a in c.actor + c.recipient:
                if a.type == "person" and a.id and not any(key(a) == key(b) for b in people):
                    people.append(a)
            if len(people) == n:
                return people
        people = self.recent(pos, persons=True, limit=n + 1)
        return people[::-1] if len(people) == n else []

    def recent(self, pos: int, persons: bool, limit: int = 2) -> list[Actor]:
        """The two most recent distinct persons (or countries) named in this or the previous sentence
        before `pos`: 'les deux dirigeants' are the people just named, not role holders elsewhere."""
        out: list[Actor] = []
        seen: set[str] = set()
        lo = self.window(pos)
        for m in sorted(self.mentions, key=lambda m: -m.start):
            if m.start >= pos or m.start < lo:
                continue
            if persons:
                if m.actor.type != "person" or not m.actor.id or m.kind == "role":
                    continue         # a person named by name, not a post looked up ('l'ambassadeur russe')
                k = key(m.actor)
            else:
                if not m.actor.country or m.kind not in COUNTRY_LEVEL + ("name", "role"):
                    continue
                k = m.actor.country
            if k not in seen:
                seen.add(k)
                out.append(m.actor)
            if len(out) == limit:
                break
        return out

    def mentions_in(self, start: int, end: int) -> list[ActorMention]:
        return [m for m in self.mentions if m.start < end and start < m.end]

    def country_counts(self, before: int) -> Counter:
        c = Counter()
        for m in self.mentions:
            if m.start >= before:
                break
            if m.actor.country:
                c[m.actor.country] += 1
        return c

    def pair(self, before: int) -> list[str]:
        """The two countries the text has talked about most so far."""
        return [iso for iso, _ in self.country_counts(before).most_common(2)]

    def capital_place(self, isos: list[str], before: int) -> dict | None:
        """'la capitale': the capital, among the participants' countries, the text has named most."""
        counts = Counter()
        for m in self.mentions:
            if m.start < before and m.kind == "capital" and m.actor.country in isos:
                counts[m.actor.country] += 1
        iso = counts.most_common(1)[0][0] if counts else (isos[0] if len(isos) == 1 else None)
        if not iso:
            return None
        name = self.lex.capitals.get(iso)
        en = self.lex.places.get("countries", {}).get(iso, {})
        return {"name": _english_capital(iso) or name, "country": iso} if (name or en) else None


def _english_capital(iso: str) -> str | None:
    from ..resources import load_json
    return (load_json("en", "places").get("countries", {}).get(iso) or {}).get("capital")


class Resolver:
    """Turns an argument head token into actors, using the mentions that cover the phrase."""

    def __init__(self, ctx: DocContext, offset: int, sdoc):
        self.ctx, self.off, self.sdoc = ctx, offset, sdoc
        self.lex = ctx.lex
        self.syn, self.mod = ctx.lex.syn, ctx.lex.mod
        self.ms = ctx.mentions_in(offset, offset + len(sdoc.text))
        self.crowd: str | None = None     # the frame's name for a crowd of a nationality (`crowd_actor`)

    # -- mentions and tokens
    def _covering(self, tok: Token) -> list[ActorMention]:
        a, b = self.off + tok.idx, self.off + tok.idx + len(tok.text)
        return [m for m in self.ms if m.start < b and a < m.end]

    def mention_of(self, tok: Token) -> ActorMention | None:
        cov = self._covering(tok)
        if not cov:
            return None
        return max(cov, key=lambda m: (m.kind not in ("demonym",), m.end - m.start))

    def _np_tokens(self, head: Token) -> list[Token]:
        clausal = set(self.syn.get("clausal", ()))
        out, todo = [], [head]
        while todo:
            t = todo.pop()
            out.append(t)
            todo.extend(c for c in t.children if c.dep_ not in clausal and c.dep_ not in self.syn.get("conj", ())
                        and c.dep_ not in self.syn.get("appos", ()) and c.dep_ != "punct")
        return sorted(out, key=lambda t: t.i)

    # -- the main entry
    def _left_conjuncts(self, head: Token) -> list[Actor]:
        """'Moscou et Pyongyang' when the parser cut the first conjunct off: mentions just before
        'et'/'and' to the left of the phrase."""
        out, i = [], head.left_edge.i - 1
        doc = head.doc
        while i >= 1 and doc[i].lower_ in ("et", "and", ","):
            j = i - 1
            m = self.mention_of(doc[j])
            if m is None or m.end != self.off + doc[j].idx + len(doc[j].text) or m.kind == "demonym":
                break
            if any(t.pos_ == "ADP" for t in doc[doc[j].left_edge.i:j]) or (j > 0 and doc[j - 1].pos_ == "ADP"):
                break            # 'À Khartoum, la police...': a fronted place phrase, not a conjunct
            if doc[j].dep_ not in ("ROOT",) and doc[j].head.i != head.i and not any(
                    c.i == head.i for c in syntax.conjuncts(doc[j], self.syn)):
                break
            out.append(_copy(m, self.ctx.roles))
            i = doc[j].left_edge.i - 1 if doc[j].left_edge.i < j else j - 1
            while i >= 0 and doc[i].pos_ == "DET":
                i -= 1
        return out

    def actors(self, head: Token) -> list[Actor]:
        out = list(self._left_conjuncts(head))
        for h in syntax.conjuncts(head, self.syn):
            a = self.actor(h)
            if a is None:
                a = self.group(h)
            if a is None:
                continue
            for x in (a if isinstance(a, list) else [a]):
                if not any(_same(x, y) for y in out):
                    out.append(x)
        return out

    def group(self, h: Token) -> list[Actor] | None:
        """'les deux pays', 'leurs dirigeants', 'ils': the pair of countries the text is about."""
        mod = self.mod
        lem = h.lemma_.lower()
        plural = "Plur" in h.morph.get("Number") or h.lower_ in mod.get("plural_pronouns", ())
        nums = {c.lower_ for c in h.children if c.dep_ in ("nummod", "det", "advmod", "predet")}
        dets = {c.lower_ for c in h.children if c.pos_ == "DET"}
        pairish = bool(nums & set(mod.get("pair_numbers", ()))) or bool(dets & set(mod.get("pair_dets", ())))
        if h.lower_ in mod.get("plural_pronouns", ()) or (plural and pairish and
                                                          lem in mod.get("pair_heads", ()) + mod.get("leader_heads", ())):
            if lem in mod.get("leader_heads", ()) and not (nums & set(mod.get("pair_numbers", ())) or
                                                             dets & {"leurs", "leur", "their", "both"}):
                if "les" not in dets and "the" not in dets:
                    return None
            pos = self.off + h.idx
            n = max([mod.get("group_numbers", {}).get(w, 2) for w in nums] or [2])   # 'les trois dirigeants'
            if lem in mod.get("leader_heads", ()):
                iso = None if nums & set(mod.get("pair_numbers", ())) else self._of_country(h)
                if iso:              # 'les dirigeants de Pyongyang': a group of one country, not its leader
                    return [country(iso, self.lex, self.np_text(h))]
                people = self.ctx.pair_of_people(pos, n)
                if people:
                    return [_as_text(p, h.text) for p in people]
            if h.lower_ in mod.get("plural_pronouns", ()):
                # 'ils' is the countries just named (this or the previous sentence), not whatever two
                # countries the text names most: in domestic news 'ils' is a group of people
                near = self.ctx.recent(pos, persons=False, limit=n)
                return [country(a.country, self.lex, h.text) for a in near[::-1]] if len(near) == n else None
            # no person pair in sight: the countries the text is about, never their role holders
            isos = [iso for iso, _ in self.ctx.country_counts(self.off + len(h.doc.text)).most_common(n)]
            if len(isos) < n:
                return None
            out = [country(iso, self.lex, h.text) for iso in isos]
            if lem in mod.get("leader_heads", ()):
                # 'Poutine est arrivé à Pyongyang. Les deux dirigeants...': the one person named stands
                # for his country; the other side stays a country (its leader is not named)
                one = self.ctx.recent(pos, persons=True, limit=2)
                if len(one) == 1 and one[0].country in isos and _leads_a_country(one[0]):
                    out = [_as_text(one[0], h.text) if a.country == one[0].country else a for a in out]
            return out
        return None

    def _of_country(self, h: Token) -> str | None:
        """The country of a 'de X'/'of X' modifier of `h` ('les dirigeants de Pyongyang')."""
        kids = [g for c in h.children for g in ([c] if c.dep_ != "prep" or c.lower_ != "of" else list(c.children))]
        for c in kids:
            if syntax.prep_of(c, self.syn) in ("de", "of", "du", "des") or c.dep_ in self.syn.get("amod", ()):
                m = self.mention_of(c)
                if m is not None and m.actor.country and m.kind in COUNTRY_LEVEL:
                    return m.actor.country
                if self.lex.demonyms.get(c.lower_):
                    return self.lex.demonyms[c.lower_]
        return None

    def leader(self, iso: str) -> Actor:
        """The leader of a country at the publication date, when the knowledge base knows one."""
        date = self.ctx.doc.published.value if self.ctx.doc.published else None
        try:
            from ..actors.kb import default_kb
            kb = default_kb()
            for role in ("leader", "head_of_state"):
                hs = kb.holders(role, iso, date)
                if len(hs) == 1:
                    return hs[0].to_actor(None, date)
        except Exception:
            pass
        return country(iso, self.lex)

    def actor(self, h: Token) -> Actor | None:
        mod, lem = self.mod, h.lemma_.lower()
        # 1. a name in apposition wins over the role phrase ("le ministre ..., Andreï Belooussov")
        for c in h.children:
            if c.dep_ in self.syn.get("appos", ()):
                m = self.mention_of(c)
                if m is not None and m.actor.type in ("person", "organization"):
                    return _copy(m, self.ctx.roles)
        # the parser often hangs the apposed name on the verb's object: "avec son homologue, Kang Sun-nam,"
        if h.pos_ == "NOUN":
            nxt = h.right_edge.i + 1
            if nxt + 1 < len(h.doc) and h.doc[nxt].text == ",":
                m = self.mention_of(h.doc[nxt + 1])
                if m is not None and m.actor.type == "person" and m.start == self.off + h.doc[nxt + 1].idx:
                    return _copy(m, self.ctx.roles)
        several = self.plural_roles(h)
        if several:
            return several
        # 2. the phrase delegation led by X -> X; an army/government of X -> country X
        if lem in mod.get("delegation_heads", ()):
            led = self.led_by(h)
            if led is not None:
                return led
            iso = self.np_country(h)
            return country(iso, self.lex, h.text) if iso else None
        m = self.mention_of(h)
        if m is not None and m.kind == "role":
            named = self._name_in_np(h)
            if named is not None:
                return named
        if m is not None and m.kind != "demonym":
            return _copy(m, self.ctx.roles)
        if lem in mod.get("counterpart_heads", ()):
            cp = self.counterpart(h)
            if cp is not None:
                return cp
        if h.lower_ in mod.get("pronouns", ()):
            ref = self.pronoun_ref(h)
            if ref is not None:
                a = copy.copy(ref)
                a.text = h.text
                return a
        proxy = lem in mod.get("country_proxies", ()) or h.lower_ in mod.get("plural_proxies", ())
        if proxy and self._agent_pair(h):
            return self.agent(h)       # 'les forces de l'ordre' are the police, not the country
        if proxy or lem in mod.get("report_nouns", ()):
            named = [(("compound", c)) for c in h.children if c.i > h.i and c.dep_ in ("nmod", "appos", "flat:name")
                     and syntax.prep_of(c, self.syn) is None and self.mention_of(c) is not None]
            for slot, t in named + syntax.slots(h, self.syn):
                if slot in ("pp:de", "pp:of", "compound", "poss"):
                    inner = self.actor(t)
                    if inner is not None:
                        return inner if lem in mod.get("report_nouns", ()) else \
                            (self._proxy(inner.country, h, h.text) if inner.country else inner)
            # 'les forces' may be anyone's; 'les autorités', plural by usage, are the story's state
            alone = "Plur" not in h.morph.get("Number") or h.lower_ in mod.get("plural_proxies", ())
            iso = self.np_country(h) or (alone and self.home_country(h)) or None
            return self._proxy(iso, h, self.np_text(h)) if iso else None
        # 3. a name inside the phrase ("le président sud-coréen Yoon Suk-yeol")
        for t in self._np_tokens(h):
            m = self.mention_of(t)
            if m is not None and m.actor.type in ("person", "organization") and t != h:
                if t.head == h and t.dep_ not in ("nmod",) or t.pos_ == "PROPN" and t.head == h:
                    return _copy(m, self.ctx.roles)
        # 4. a role phrase with a demonym only: an unlinked person of that country
        if m is not None and m.kind == "demonym" or h.pos_ == "NOUN":
            iso = self.np_country(h)
            if iso and lem in self.lex.cls("delegation"):
                text = self.np_text(h)
                return Actor(name=text, country=iso, type="person", role=text, text=text)
            # 'plusieurs entités russes', 'North Korean soldiers': the country stands for them
            if iso and any(ch.dep_ in self.syn.get("amod", ()) + self.syn.get("compound", ()) and
                           (self.lex.demonyms.get(ch.lower_) or (self.mention_of(ch) and self.mention_of(ch).kind == "demonym"))
                           for ch in h.children):
                return country(iso, self.lex, self.np_text(h))
        return self.agent(h)

    def _proxy(self, iso: str, h: Token, text: str) -> Actor:
        """A word standing for its country ('le gouvernement égyptien'), or for one of its state
        institutions ('l'armée égyptienne': the Egyptian Armed Forces)."""
        kind = institution_kind(self.lex.agents.get(h.lemma_.lower()))
        return institution(iso, kind, self.lex, text) if kind else country(iso, self.lex, text)

    def plural_roles(self, h: Token) -> list[Actor] | None:
        """'les présidents russe et chinois', 'les ministres russe et nord-coréen des Affaires
        étrangères': one role holder per demonym, each resolved by the linker as its singular phrase
        ('le président russe') on the document's date."""
        if h.pos_ != "NOUN" or "Plur" not in h.morph.get("Number"):
            return None
        from ..resources import load_json
        data = load_json(self.lex.lang, "actors")
        if "role_nouns" not in self.lex.derived:
            self.lex.derived["role_nouns"] = frozenset(data.get("role_nouns") or ())
        if h.lemma_.lower() not in self.lex.derived["role_nouns"]:
            return None
        amods = [c for c in h.children if c.dep_ in self.syn.get("amod", ()) + ["amod"] or
                 c.dep_ in self.syn.get("conj", ()) and c.pos_ == "ADJ"]     # 'russe et chinois' hung on the noun
        dems = []
        for a in amods:
            for t in syntax.conjuncts(a, self.syn):
                if demonym_country(t.lower_, self.lex) and t not in dems:
                    dems.append(t)
        if len(dems) < 2:
            return None
        last = max(dems, key=lambda d: d.i)
        rest = [c for c in list(h.children) + list(last.children)       # the parser may hang it on the last adjective
                if c.i > max(last.i, h.i) and c.dep_ not in ("punct", "cc", "conj") and c not in amods
                and (syntax.prep_of(c, self.syn) or "") in ("de", "of")]
        tail = " ".join(h.doc[c.left_edge.i:c.right_edge.i + 1].text for c in rest)
        article = (data.get("articles") or ["le"])[0]
        tpl = data.get("singular_role_phrase") or "{article} {role} {demonym} {rest}"
        # 'foreign ministers': the words before the noun that are not a demonym belong to the role
        role = " ".join([c.text for c in h.children if c.i < h.i and c.dep_ in ("compound", "amod") and c not in dems
                         and not demonym_country(c.lower_, self.lex)] + [h.lemma_])
        out = []
        for d in dems:
            phrase = " ".join(tpl.format(article=article, role=role, demonym=d.text, rest=tail).split())
            a = _link_phrase(phrase, self.ctx.doc, self.lex.lang)
            if a is None:
                return None          # all or nothing: a pair of which one side is unknown is no pair
            a.text = self.np_text(h)
            out.append(a)
        return out

    def agent(self, h: Token) -> Actor | None:
        """'les manifestants', 'la police' (triggers.json `agents`): a group of its country."""
        top = h
        for _ in range(3):           # 'des dizaines de milliers de manifestants'
            if h.lemma_.lower() not in self.lex.agent_heads:
                break
            h = next((t for s, t in syntax.slots(h, self.syn) if s in ("pp:de", "pp:of")), h)
        if h is not top:
            m = self.mention_of(h)   # 'des milliers de Frères musulmans', 'des centaines de pro-X'
            if m is not None and m.actor.type in ("organization", "group") and m.kind != "demonym":
                return _copy(m, self.ctx.roles)
        owned = self._stance_owner(h)
        if owned is not None:
            return owned
        name = None
        if h.pos_ == "NOUN":
            # 'manifestantes': the feminine form, which the lemmatiser folds into 'manifestant', has its own name
            name = self._agent_pair(h) or self.lex.agents.get(h.lower_.rstrip("s")) or self.lex.agents.get(h.lemma_.lower())
        if name and not institution_kind(name):
            end = self.off + h.idx + len(h.text)      # 'les manifestants pro-X': the group named by its stance
            m = next((m for m in self.ms if m.kind == "group" and end < m.start <= end + 2), None)
            if m is not None:
                return _copy(m, self.ctx.roles)
        crowd = None
        if name is None and self.crowd and h.pos_ in ("NOUN", "PROPN") and h.lower_.endswith(("s", "x")):
            crowd = demonym_country(h.lower_, self.lex)
            name = self.crowd if crowd else None   # in a protest frame, 'des milliers d'Égyptiens' are protesters
        iso = name and (crowd or self.np_country(h) or self.home_country(h))
        if not iso:
            return None
        kind = institution_kind(name)
        if kind:
            return institution(iso, kind, self.lex, self.np_text(h))
        if "{adj}" in name:            # 'les ouvriers': 'Egyptian workers', as analysts name them
            name = name.format(adj=_adjective(iso, self.lex))
        return Actor(name=name, country=iso, type="group", text=self.np_text(h))

    def _stance_owner(self, h: Token) -> Actor | None:
        """'les partisans du président déchu', 'partisans et opposants du chef de l'État': a stance
        word whose de-phrase (on it or on a coordinated stance word) is a person or organisation the
        text names by a role, not by a name the stance-group pattern could see: '<label> of <X>'."""
        label = (self.lex.stance.get("words") or {}).get(h.lower_)
        if not label:
            return None
        for t in syntax.conjuncts(h, self.syn) + ([h.head] if h.dep_ in self.syn.get("conj", ()) else []):
            for s, x in syntax.slots(t, self.syn):
                if s not in ("pp:de", "pp:of", "pp:à", "pp:to"):
                    continue
                a = self.actor(x)
                if a is not None and a.type in ("person", "organization") and a.name:
                    return Actor(name=f"{label} of {a.name}", country=a.country, type="group", text=self.np_text(h))
        return None

    def _agent_pair(self, h: Token) -> str | None:
        """The generic actor a head names with one of its modifiers (triggers.json `agents`, keys of
        two words): an adjective or participle ('des hommes armés', 'armed men'), the noun of its
        de-phrase ('les forces de sécurité') or a compound ('security forces'), in either order."""
        lem = h.lemma_.lower()
        words = [w for ch in h.children if ch.dep_ in self.syn.get("amod", ()) + ["amod", "acl"] + self.syn.get("compound", ())
                 for w in (ch.lemma_.lower(), ch.lower_.rstrip("s"))]      # 'armés': lemma 'armer', form 'armé'
        words += [t.lemma_.lower() for s, t in syntax.slots(h, self.syn) if s in ("pp:de", "pp:of")]
        for w in words:
            for k in (lem + " " + w, w + " " + lem):
                if k in self.lex.agents:
                    return self.lex.agents[k]
        return None

    def home_country(self, h: Token) -> str | None:
        """The country the text has named most so far: whose army or police an unmarked phrase means."""
        for upto in (self.off + h.idx, len(self.ctx.doc.text)):     # else the country of the whole text
            top = self.ctx.country_counts(upto).most_common(2)
            if top:
                return top[0][0] if len(top) == 1 or top[0][1] > top[1][1] else None
        return None

    def _name_in_np(self, h: Token) -> Actor | None:
        """'le président ukrainien Volodymyr Zelensky': the person named inside a role phrase."""
        hm = self.mention_of(h)
        for t in self._np_tokens(h):
            if t.i == h.i or t.head.i != h.i or t.pos_ != "PROPN":
                continue
            m = self.mention_of(t)
            if m is not None and m.actor.type == "person" and (hm is None or m.start >= hm.end or m.end <= hm.start):
                return _copy(m, self.ctx.roles)
        return None

    def pronoun_ref(self, h: Token) -> Actor | None:
        """'il'/'elle': the subject of a governing verb, else the latest person named before the
        sentence, who must agree in gender and be alive on the publication date (so never a pack
        person, whose gender and life the pack does not record)."""
        gender = self.mod.get("pronoun_gender", {}).get(h.lower_)
        date = self.ctx.doc.published.value if self.ctx.doc.published else None
        ref = self.governing_person(h)
        if ref is not None and ref.type != "person":
            return ref               # 'Séoul a annoncé qu'il réexaminerait...': the capital's government
        if ref is not None and agrees(ref, gender, date) is not False:
            return ref if agrees(ref, gender, date) else None
        for m in sorted(self.ctx.mentions, key=lambda m: -m.start):
            if m.start < self.off and m.actor.type == "person" and (m.actor.id or m.kind == "name"):
                ok = agrees(m.actor, gender, date)
                if ok is None:
                    return None      # the nearest person cannot be checked: no guess past him
                if ok:
                    return m.actor
        return None

    def governing_person(self, h: Token) -> Actor | None:
        """'Kim said he would visit': the person subject of a verb governing the pronoun; or a
        country named by its capital or name ('Séoul a annoncé qu'il...'), which 'il' then means."""
        t = h.head
        for _ in range(5):
            for s, a in syntax.slots(t, self.syn):
                if s in ("subj", "subjpass") and a.i < h.i and a.i != h.i:
                    m = self.mention_of(a)
                    if m is not None and (m.actor.type == "person" or m.kind in ("capital", "country", "metonym")):
                        return m.actor
            if t.head == t:
                break
            t = t.head
        return None

    def np_country(self, h: Token) -> str | None:
        """The country a phrase is marked with: a demonym ('russe'), 'de la Russie', a compound."""
        cands = [h] + [c for c in h.children if c.dep_ in self.syn.get("amod", ()) + self.syn.get("compound", ())
                       + ["nmod", "flat:name"] or (syntax.prep_of(c, self.syn) in ("de", "of"))]
        for t in cands:
            m = self.mention_of(t)
            if m is not None and m.actor.country and (t == h or m.kind in ("demonym", "country")):
                return m.actor.country
            iso = self.lex.demonyms.get(t.lower_) or self.lex.demonyms.get(t.lemma_.lower())   # 'égyptiens'
            if iso:
                return iso
        return None

    def np_text(self, h: Token) -> str:
        toks = [t for t in self._np_tokens(h) if t.dep_ not in ("case", "punct") or t.i > h.i]
        keep = []
        for t in toks:
            if t.i > h.i and (syntax.prep_of(t, self.syn) or "") in ("à", "en", "dans", "in", "at"):
                break
            keep.append(t)
        return " ".join(t.text for t in keep if not (t.i < h.i and t.dep_ == "case"))

    def _clause_subject(self, h: Token) -> Actor | None:
        """The person who is the subject of the clause around `h` (whose counterpart 'son homologue' is)."""
        for verb in syntax.governing_verbs(h, 5):
            for a in syntax.subjects(verb, self.syn):
                if a.i != h.i:
                    cand = self.actor(a)
                    if cand is not None and cand.type == "person":
                        return cand
        return None

    def counterpart(self, h: Token) -> Actor | None:
        """'son homologue nord-coréen': the holder of the subject's post in the other country."""
        ref = self._clause_subject(h)
        iso = self.np_country(h)
        if ref is None:
            return None
        if iso is None:
            others = [m.actor.country for m in self.ms if m.actor.country and m.actor.country != ref.country
                      and m.kind in ("country", "capital")]
            iso = others[0] if others else None
        mod = _linker()
        date = self.ctx.doc.published.value if self.ctx.doc.published else None
        if iso and mod is not None and hasattr(mod, "counterpart"):
            try:
                return mod.counterpart(ref, iso, date)
            except Exception:
                return None
        return None

    def led_by(self, h: Token) -> Actor | None:
        for c in h.children:
            if c.lemma_.lower() in self.mod.get("led_by", ()) and c.dep_ in self.syn.get("clausal", ()):
                for slot, t in syntax.slots(c, self.syn):
                    if slot in ("agent", "pp:par", "pp:by"):
                        a = self.actor(t)
                        if a is not None:
                            return a
        return None


def _as_text(a: Actor, text: str) -> Actor:
    b = copy.copy(a)
    b.text = text
    return b


def _copy(m: ActorMention, roles: dict[int, tuple[Actor, ActorMention]]) -> Actor:
    """A copy of the mention's actor; one named by a role phrase is remembered in `roles`."""
    a = copy.copy(m.actor)
    if not a.text:
        a.text = m.text
    if getattr(m, "role_key", None):
        roles[id(a)] = (a, m)
    return a


def redate_roles(actors: list[Actor], date: str | None, published: str | None,
                 roles: dict[int, tuple[Actor, ActorMention]]) -> list[Actor]:
    """A role phrase ('le ministre russe de la Défense') names whoever held the post on the event's
    date, not on the publication date: re-resolve it through the linker."""
    if not date or date == published:
        return actors
    mod = _linker()
    if mod is None or not hasattr(mod, "resolve_role"):
        return actors
    out = []
    for a in actors:
        hit = roles.get(id(a))
        m = hit[1] if hit is not None and hit[0] is a else None
        if m is not None:
            try:
                b = mod.resolve_role(m, date)
                if b.id:              # several holders then: keep the linker's reading
                    b.text = b.text or a.text
                    a = b
            except Exception:
                pass
        out.append(a)
    return out


LEADER_ROLES = ("head_of_state", "head_of_government", "leader")


def _leads_a_country(a: Actor) -> bool:
    """Only a head of state or government stands for his country among 'les deux dirigeants';
    a minister named just before does not ('Belooussov a salué le traité signé par les deux dirigeants')."""
    from ..actors.kb import default_kb

    ent = default_kb().get(a.id) if a.id else None
    return ent is not None and any(r.role in LEADER_ROLES for r in ent.roles)


def key(a: Actor) -> str:
    from .merge import fold_name
    return a.id or (("c:" + a.country) if a.type == "country" and a.country else fold_name(a.name))


def _same(a: Actor, b: Actor) -> bool:
    return key(a) == key(b)


def _entity(a: Actor):
    if not a.id:
        return None
    try:
        from ..actors.kb import default_kb
        return default_kb().get(a.id)
    except Exception:
        return None


def agrees(a: Actor, gender: str | None, date: str | None) -> bool | None:
    """Whether a pronoun of `gender` can stand for `a` on `date`: the knowledge base's gender
    (when recorded) agrees and the person was not dead by then. None: cannot be checked (a pack
    person: the pack records neither gender nor life dates)."""
    e = _entity(a)
    if e is None:
        return True
    if getattr(e, "pack", None):
        return None
    if gender and getattr(e, "gender", None) and e.gender != gender:
        return False
    died = getattr(e, "died", None)
    return not (died and date and died[:len(date)] < date[:len(died)])


MEDIA_KINDS = ("news_agency", "newspaper", "broadcaster")


def is_media(a: Actor) -> bool:
    """News agencies, papers and broadcasters report events: they are sources, not actors."""
    e = _entity(a)
    if e is not None and getattr(e, "kind", None):
        return e.kind in MEDIA_KINDS
    return a.type == "organization" and bool(a.code) and a.code[3:6] == "MED"


def as_role_of_country(a: Actor) -> Actor:
    """A nameless post or delegation ('les dirigeants saoudiens' with no one named) is the country
    in that role, never a person named after the phrase."""
    if a.type == "person" and not a.id and a.country and a.role and a.role == a.name:
        try:
            from ..actors.kb import default_kb
            return default_kb().country_actor(a.country, a.text, code=a.country + "GOV")
        except Exception:
            return Actor(name=a.country, country=a.country, type="country", code=a.country + "GOV", text=a.text)
    return a


def settle_actors(c) -> bool:
    """Media named as doers or targets become the event's sources; nameless posts become their
    countries. False when nobody is left to act."""
    for a in list(c.actor) + list(c.recipient):
        if is_media(a) and not any(_same(a, x) for x in c.attributed_to):
            c.attributed_to.append(a)
    c.actor = [as_role_of_country(a) for a in c.actor if not is_media(a)]
    c.recipient = [as_role_of_country(a) for a in c.recipient if not is_media(a)]
    return bool(c.actor)
