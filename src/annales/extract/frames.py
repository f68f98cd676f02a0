"""What: trigger frames matched on parsed sentences, and their participants.

A Candidate is an event found at one trigger token, before modality, dates and
merging are settled (see modality.py, dates.py, merge.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType

from spacy.tokens import Token

from ..model import Actor, TimeExpr
from . import syntax
from .actors import PLACE_KINDS, Resolver, country, institution, institution_kind, key
from .lexicon import Frame, Lexicon
from .text import Sentence


@dataclass
class Candidate:
    frame: Frame
    tok: Token
    sent: Sentence
    off: int                                   # offset of the parsed chunk in doc.text
    event: str
    mode: str | None
    context: list[str]
    cameo: str | None
    actor: list[Actor] = field(default_factory=list)
    recipient: list[Actor] = field(default_factory=list)
    location: dict | None = None
    modality: str = "asserted"
    attributed_to: list[Actor] = field(default_factory=list)
    date: TimeExpr | None = None
    reported: TimeExpr | None = None
    quantity: dict | None = None
    obj: Token | None = None                   # the argument that satisfied `need` (quantities)
    parent: "Candidate | None" = None          # the frame that embeds this one (accuse -> aid)
    anchor: Token | None = None                # event noun of a temporal PP governing the clause
    background: bool = False                   # an event noun in a temporal PP ("pendant le voyage")
    delegation: set = field(default_factory=set)   # keys of actors that came from "une délégation"
    headline: bool = False
    kind: str | None = None                    # class of the `need` argument (arms, troops...)
    earlier: bool = False                      # pluperfect: an occasion before the story's own
    since: TimeExpr | None = None              # 'campent depuis vendredi': a present state's start
    confidence: float = 0.6
    doubts: list[str] = field(default_factory=list)   # why confidence was lowered (former vetoes)

    @property
    def parts(self) -> list[Actor]:
        return self.actor + self.recipient


def match(sdoc, sent: Sentence, off: int, lex: Lexicon, res: Resolver) -> list[Candidate]:
    """All candidates of one parsed sentence, in token order."""
    out: list[Candidate] = []
    claimed: set[int] = set()
    for tok in sdoc:
        lem = tok.lemma_.lower()
        if tok.pos_ in ("VERB", "AUX") or (tok.pos_ == "ADJ" and tok.tag_ == "VBN"):
            frames = lex.verbs.get(lem, []) or lex.imported.get(lem, []) or _repaired(lem, lex)
        elif tok.pos_ in ("NOUN", "PROPN"):
            frames = lex.nouns.get(lem, []) or lex.nouns.get(tok.lower_, [])
        else:
            continue
        why = None
        if not frames and tok.pos_ in ("VERB", "NOUN") and lex.neighbour_cfg:
            frames, why = _neighbour(tok, lex)
        for f in frames:
            c = _try(f, tok, sent, off, lex, res, claimed)
            if c is not None:
                if why:
                    doubt(c, why)
                out.append(c)
                if c.obj is not None:
                    claimed.add(c.obj.i)      # "tenir un sommet": the noun is part of the verb's event
                break
    _requested(out, lex, claimed)
    return [c for c in out if c.tok.i not in claimed]


def _repaired(lem: str, lex: Lexicon) -> list[Frame]:
    """Frames of the verb a lemmatiser slip hides ('demande' left as its own lemma: demander)."""
    for end, rep in (lex.syn.get("lemma_repair") or {}).get("rules", ()):
        if lem.endswith(end) and len(lem) > len(end) + 2:
            frames = lex.verbs.get(lem[: -len(end)] + rep)
            if frames:
                return frames
    return []


def _requested(out: list[Candidate], lex: Lexicon, claimed: set[int]) -> None:
    """'X demande la démission de Y', 'appelle au départ de Y': the event noun is what is asked
    for, not an event; whoever would do it is the one asked (the request's recipient)."""
    by_tok = {c.tok.i: c for c in out}
    for c in out:
        if c.event != "REQUEST" or c.frame.pos != "VERB" or c.recipient:
            continue
        for slot, t in syntax.slots(c.tok, lex.syn):
            inner = by_tok.get(t.i)
            if inner is None or inner is c or inner.frame.pos != "NOUN" or not (slot == "obj" or slot.startswith("pp:")):
                continue
            if inner.event in lex.mod.get("called_events", ()):
                claimed.add(c.tok.i)          # 'appelle à des manifestations contre X': the planned protest is the event
                break
            mine = {key(a) for a in c.actor}
            c.recipient = [a for a in inner.actor + inner.recipient if key(a) not in mine]
            if c.recipient:
                undoubt(c, "no recipient", "no actor object")
                claimed.add(t.i)
                break


def undoubt(c: Candidate, *reasons: str) -> None:
    """Take back doubts a later finding answers (the recipient was found after all)."""
    for r in reasons:
        if r in c.doubts:
            c.doubts.remove(r)
            c.confidence += DOUBT_COST.get(r.split(" of ")[0], DEFAULT_DOUBT_COST)


def _neighbour(tok: Token, lex: Lexicon) -> tuple[list[Frame], str | None]:
    """Frames of the known trigger nearest to an unknown verb or noun in the word vectors, and the
    doubt that says so (the event is proposed, with lower confidence, never silently)."""
    from .lexicon import Neighbours
    if lex.neighbours is None or lex.neighbours[0] is not tok.vocab:
        lex.neighbours = (tok.vocab, Neighbours(lex, tok.vocab))
    hit = lex.neighbours[1].near(tok.lemma_.lower(), tok.pos_)
    if hit is None:
        return [], None
    frames, near, _ = hit
    return frames, f"vector neighbour of {near}"


def _need(f: Frame, tok: Token, lex: Lexicon) -> Token | None:
    """The dependent satisfying the frame's `need` classes (object, oblique or modifier), or None."""
    words = set()
    for cl in f.need:
        words |= lex.cls(cl)
    seen = list(tok.children)
    for c in list(seen):
        seen.extend(c.children)
    if tok.dep_ == "acl":
        seen.insert(0, tok.head)      # 'the treaty signed by Kim and Putin': the noun is the object
    for c in seen:
        if c.lemma_.lower() in words or c.lower_ in words:
            return c
    return None


def _try(f: Frame, tok: Token, sent, off, lex: Lexicon, res: Resolver, claimed) -> Candidate | None:
    syn = lex.syn
    if f.reflexive and not syntax.is_reflexive(tok, syn):
        return None
    if f.pos == "VERB" and tok.dep_ in ("acl",) and "Part" in tok.morph.get("VerbForm") and not any(
            ch.dep_ in syn.get("subj", ()) + syn.get("subjpass", ()) + syn.get("aux", ()) + syn.get("agent", ())
            for ch in tok.children):
        return None                          # "exercices menés par", "traité appelant à": the noun is the event
    if f.pos == "VERB" and tok.dep_ in syn.get("aux", ()):
        return None
    obj = None
    if f.need:
        obj = _need(f, tok, lex)
        if obj is None:
            return None
    if f.flag("passive_only") and not syntax.is_passive(tok, syn):
        return None
    days = syn.get("time_words") or ()
    if f.flag("no_obj") and any(s == "obj" and t.lemma_.lower() not in days for s, t in syntax.slots(tok, syn)):
        return None                          # 'manifester son soutien' is not a demonstration
    if f.flag("no_pp") and any(s == "pp:" + p for s, _ in syntax.slots(tok, syn) for p in f.flag("no_pp")):
        return None
    if f.flag("need_pp") and not _has_pp(tok, syn, f.flag("need_pp")):
        return None
    c = Candidate(frame=f, tok=tok, sent=sent, off=off, event=f.event, mode=f.mode, context=list(f.context),
                  cameo=f.cameo, obj=obj, headline=sent.headline)
    c.confidence = 0.7 if f.pos == "VERB" else 0.6
    if obj is not None:
        c.kind = next((cl for cl in f.need if obj.lemma_.lower() in lex.cls(cl) or obj.lower_ in lex.cls(cl)), None)
    res.crowd = f.flag("crowd_actor")
    try:
        _fill(c, lex, res)
    finally:
        res.crowd = None
    _implied(c, lex, res)
    if f.flag("purpose_target") and not c.recipient:
        _purpose_target(c, lex, res)
    if not c.parts:
        return None                          # nobody named: nothing to record
    doubt(c, *_doubts(c, lex, res))
    if f.flag("doubt"):
        doubt(c, f.flag("doubt"))            # a verb known only from an imported dictionary
    return c


def _purpose_target(c: Candidate, lex: Lexicon, res: Resolver) -> None:
    """'ils manifestent pour exiger le départ de X / pour dénoncer X': whom the purpose clause aims at
    (its object, or the owner of its object) is the protest's target."""
    for ch in _marked_clauses(c.tok, lex.syn, set(lex.syn.get("purpose_marks", ()))):
        for slot, t in syntax.slots(ch, lex.syn):
            if slot != "obj":
                continue
            acts = res.actors(t)
            if not acts:
                acts = [a for s2, t2 in syntax.slots(t, lex.syn) if s2 in ("pp:de", "pp:of", "poss") for a in res.actors(t2)]
            mine = {key(a) for a in c.actor}
            c.recipient += [a for a in acts if key(a) not in mine]
            if c.recipient:
                return


def _implied(c: Candidate, lex: Lexicon, res: Resolver) -> None:
    """The doer a frame implies when the sentence names only the other side (triggers.json
    `implied_actor`): a verdict is the court's, a demonstration against X is protesters'. Of the
    country the text is about, else of the event's place or of the other side."""
    spec = c.frame.flag("implied_actor")
    if not spec or c.actor or not c.recipient:
        return
    iso = res.home_country(c.tok) or (c.location or {}).get("country") or \
        next((a.country for a in c.recipient if a.country), None)
    if not iso:
        return
    kind = institution_kind(spec)
    c.actor.append(institution(iso, kind, lex) if kind else Actor(name=spec, country=iso, type="group"))


def _marked_clauses(tok: Token, syn, marks) -> list[Token]:
    """The clauses under `tok` that one of `marks` introduces ('à cesser', 'pour exiger')."""
    return [ch for ch in tok.children if ch.dep_ in syn.get("clausal", ()) and
            any(m.dep_ == "mark" and m.lower_ in marks for m in ch.children)]


def _has_pp(tok: Token, syn, preps: list[str]) -> bool:
    """A prepositional argument, or an infinitive clause the preposition introduces ('appeler X à
    cesser', 'call on X to stop')."""
    return any(s == "pp:" + p for s, _ in syntax.slots(tok, syn) for p in preps) or bool(_marked_clauses(tok, syn, preps))


# How much each missing piece of evidence costs. A candidate with one doubt falls below the
# default --min-confidence (extract.MIN_CONFIDENCE); it stays available to a user who asks for it.
# a participant dead before the event's date is near proof of a misread date or person
DOUBT_COST = MappingProxyType({"imported verb": 0.25, "vector neighbour": 0.35,
                               "participant dead by then": 0.6})   # read-only
DEFAULT_DOUBT_COST = 0.35


def doubt(c: Candidate, *reasons: str) -> None:
    """Lower the candidate's confidence for each new reason (instead of dropping it)."""
    for r in reasons:
        if r not in c.doubts:
            c.doubts.append(r)
            c.confidence -= DOUBT_COST.get(r.split(" of ")[0], DEFAULT_DOUBT_COST)


def _deep_pps(root: Token, syn, depth: int = 4) -> list[tuple[str, Token]]:
    """pp slots anywhere inside a noun phrase (the parser often attaches 'à la Russie' to the
    object noun, or to the last of its conjuncts); clauses are not entered."""
    out, todo = [], [(root, 0)]
    clausal = set(syn.get("clausal", ()))
    while todo:
        t, d = todo.pop(0)
        if d >= depth:
            continue
        for s2, t2 in syntax.slots(t, syn):
            if s2.startswith("pp:"):
                out.append((s2, t2))
        for ch in t.children:
            if ch.dep_ not in clausal and ch.pos_ in ("NOUN", "PROPN", "ADJ", "NUM", "DET", "ADP") or \
                    ch.dep_ in syn.get("conj", ()):
                todo.append((ch, d + 1))
    return out


def _slot_items(c: Candidate, syn) -> list[tuple[str, Token]]:
    items = syntax.slots(c.tok, syn)
    # 'ils sont descendus': a verb conjugated with 'être' that has no passive (frame flag `unaccusative`)
    passive = c.frame.pos == "VERB" and syntax.is_passive(c.tok, syn) and not c.frame.flag("unaccusative")
    if passive:     # the surface subject is the logical object; the agent the logical subject
        items = [("obj" if s == "subjpass" else "subj" if s == "agent" else s, t) for s, t in items]
    else:
        items = [("subj" if s == "subjpass" else s, t) for s, t in items]
    direct = {s for s, _ in items}
    deep = []
    if c.obj is not None:
        deep += _deep_pps(c.obj, syn)
    for s, t in items:
        # inside the object or a phrase of a role ('à la Russie'), not inside an aside ('pour sa guerre en Ukraine')
        if s == "obj" or s.startswith("pp:") and s in c.frame.roles:
            deep += _deep_pps(t, syn)
    if c.frame.pos == "NOUN":
        deep += _deep_pps(c.tok, syn)
        if c.tok.dep_ in syn.get("compound", ()) and c.tok.head.pos_ == "NOUN":
            deep += _deep_pps(c.tok.head, syn)     # 'an aid package for Ukraine'
    seen = {t.i for _, t in items}
    for s, t in deep:
        if t.i not in seen:
            items.append((s, t))
            seen.add(t.i)
    if c.frame.flag("deep_obj"):
        for s, t in list(items):
            if s == "obj":
                # 'la position de Madrid', 'Peru's envoy', 'a Chilean plea': the owner is the party
                items += [("obj", t2) for s2, t2 in syntax.slots(t, syn) if s2 in ("pp:de", "pp:of", "poss", "amod")
                          or s2 == "compound" and t2.pos_ == "PROPN"]
    return items


def _fill(c: Candidate, lex: Lexicon, res: Resolver) -> None:
    syn = lex.syn
    roles = c.frame.roles
    got_subj = False
    taken: set[int] = set()
    for slot, t in _slot_items(c, syn):
        if t.i in taken:
            continue
        role = roles.get(slot)
        if role == "recipient" and slot.startswith("pp:") and _fronted(t, c.tok):
            role = "loc"                     # 'Au Venezuela, l'opposition demande...': a place, not whom
        if slot == "subj" and t.pos_ == "PRON" and ("Rel" in t.morph.get("PronType") or t.tag_ in ("WP", "WDT")) \
                and c.tok.head != c.tok:
            t = c.tok.head if c.tok.dep_ in syn.get("relcl", ()) else t
        if not role:
            continue
        if slot == "subj":
            got_subj = True
        if role in ("dest", "loc"):
            _place(c, t, role, lex, res)
            continue
        if slot == "poss" and t.lower_ in res.mod.get("pair_dets", ()):
            acts = _pair(res, t)
        elif slot == "poss" and t.pos_ in ("PROPN", "NOUN"):
            acts = res.actors(t)                       # "North Korea's missile launch"
        elif slot == "poss":
            acts = _controller(c, res, lex) or _poss_subject(c, res, lex)
        elif slot == "amod":
            iso = lex.demonyms.get(t.lower_)
            m = res.mention_of(t)
            iso = iso or (m.actor.country if m is not None and m.kind == "demonym" else None)
            acts = [country(iso, lex, t.text)] if iso else []
        else:
            acts = res.actors(t)
            if not acts and role == "recipient" and t.lemma_.lower() in lex.cls("stance"):
                acts, owner = _owner(t, lex, res)       # 'la position de Madrid', "Peru's stance"
                if owner is not None:
                    taken.add(owner.i)
            if slot in ("pp:entre", "pp:between") and len(acts) == 1:
                acts += _and_next(t, res)
            if t.lemma_.lower() in res.mod.get("delegation_heads", ()):
                c.delegation |= {key(a) for a in acts}
        side = c.actor if role == "actor" else c.recipient
        for a in acts:
            if not any(key(a) == key(b) for b in c.parts):
                side.append(a)
    if not got_subj and "subj" in roles and roles.get("subj") in ("actor", "recipient") \
            and c.frame.pos == "VERB" and not c.frame.flag("explicit_subj"):
        acts = _controller(c, res, lex)
        side = c.actor if roles["subj"] == "actor" else c.recipient
        for a in acts or []:
            if not any(key(a) == key(b) for b in c.parts):
                side.append(a)
    if c.frame.pos == "NOUN" and not c.actor and ("pp:de" in roles or "poss" in roles) and noun_may_inherit(c, lex) \
            and not any(s in ("pp:de", "poss", "pp:by", "pp:of") and not _is_need_word(t, c, lex) and
                        (t.pos_ in ("PROPN", "PRON", "DET") or t.lemma_.lower() in lex.cls("delegation"))
                        for s, t in syntax.slots(c.tok, syn) if s in roles):
        # a stated doer we could not resolve ('la visite de M. X') blocks inheriting the subject
        for a in _controller(c, res, lex) or []:
            if not any(key(a) == key(b) for b in c.parts):
                c.actor.append(a)
    if c.frame.flag("clause_subj") and not c.recipient:
        # 'X a averti que la Corée du Nord paierait le prix': the one warned is the subject of what is said
        for ch in c.tok.children:
            if ch.dep_ == "ccomp":
                for s2, t2 in syntax.slots(ch, syn):
                    if s2 in ("subj", "subjpass"):
                        c.recipient += [a for a in res.actors(t2) if not any(key(a) == key(b) for b in c.parts)]
    if "dest" in roles.values() and not c.recipient and not (c.location and c.location.get("country")):
        _dest_by_surface(c, lex, res)
    if c.frame.pos == "NOUN" and not c.recipient and "recipient" in roles.values():
        from .modality import in_pp
        if in_pp(c.tok, res.mod.get("exchange_preps", [])):
            # 'en contrepartie du transfert de X par Moscou': the other side of the exchange receives
            for a in _controller(c, res, lex) or []:
                if not any(key(a) == key(b) for b in c.parts):
                    c.recipient.append(a)
    c.actor, c.recipient = _prune(c.actor), _prune(c.recipient)
    if c.frame.pos == "NOUN" and c.frame.symmetric and len(c.parts) < 2 and \
            any(r == "actor" for k, r in roles.items() if k in ("pp:entre", "pp:between")):
        for a in _between_surface(c, res):
            if not any(key(a) == key(b) for b in c.parts):
                c.actor.append(a)
    if c.frame.symmetric:
        c.actor = c.actor + [a for a in c.recipient if not any(key(a) == key(b) for b in c.actor)]
        c.recipient = []


def _fronted(t: Token, trigger: Token) -> bool:
    """A prepositional phrase opening the sentence before a comma, ahead of the trigger."""
    if t.i >= trigger.i or t.left_edge.i > 1:
        return False
    nxt = t.right_edge.i + 1
    return nxt < len(t.doc) and t.doc[nxt].text == ","


def _owner(t: Token, lex: Lexicon, res: Resolver) -> tuple[list[Actor], Token | None]:
    """Whose policy, position or cause a stance noun is: its de/of-phrase, possessor or demonym."""
    for s2, t2 in syntax.slots(t, lex.syn):
        if s2 in ("pp:de", "pp:of", "poss") and t2.pos_ in ("PROPN", "NOUN"):
            acts = res.actors(t2)
            if acts:
                return acts, t2
        if s2 == "amod" and lex.demonyms.get(t2.lower_):
            return [country(lex.demonyms[t2.lower_], lex, t2.text)], t2
    for ch in t.children:
        # 'l'appel au dialogue lancé par M. X', 'the offer made by X': the participle's agent
        if ch.dep_ in ("acl",) + tuple(lex.syn.get("relcl", ())):
            for s2, t2 in syntax.slots(ch, lex.syn):
                if s2 == "agent":
                    acts = res.actors(t2)
                    if acts:
                        return acts, t2
    return [], None


def _poss_subject(c: Candidate, res: Resolver, lex: Lexicon) -> list[Actor]:
    """'lors de son voyage, le ministre ...': the possessor is the subject of the governing clause."""
    verb = next(syntax.governing_verbs(c.tok, 4), None)
    subj = syntax.subjects(verb, lex.syn) if verb is not None else []
    return res.actors(subj[0]) if subj else []


def _and_next(t: Token, res: Resolver) -> list[Actor]:
    """'entre X et Y' when the parser hangs Y elsewhere: the mention right after 'et'/'and'."""
    i = t.right_edge.i + 1
    doc = t.doc
    if i < len(doc) and doc[i].lower_ in res.lex.syn.get("and_words", ()):
        j = i + 1
        while j < len(doc) and doc[j].pos_ == "DET":
            j += 1
        if j < len(doc):
            m = res.mention_of(doc[j])
            if m is not None:
                return [m.actor]
    return []


def _between_surface(c: Candidate, res: Resolver) -> list[Actor]:
    """'un sommet entre X et Y' when the parser hangs 'entre X et Y' on the verb."""
    doc = c.tok.doc
    i = c.tok.i + 1
    while i < len(doc) and doc[i].pos_ == "ADJ":
        i += 1
    if i + 1 >= len(doc) or doc[i].lower_ not in res.lex.syn.get("between_words", ()):
        return []
    j = i + 1
    while j < len(doc) and doc[j].pos_ == "DET":
        j += 1
    m = res.mention_of(doc[j]) if j < len(doc) else None
    if m is None:
        return []
    out = [m.actor]
    k = j
    while k < len(doc) and res.off + doc[k].idx < m.end:
        k += 1
    if k < len(doc) and doc[k].lower_ in res.lex.syn.get("and_words", ()):
        k += 1
        while k < len(doc) and doc[k].pos_ == "DET":
            k += 1
        m2 = res.mention_of(doc[k]) if k < len(doc) else None
        if m2 is not None:
            out.append(m2.actor)
    return out


def _dest_by_surface(c: Candidate, lex: Lexicon, res: Resolver) -> None:
    """Parser-proof destination: a place or country right after 'en'/'à'/'to' in the event's phrase."""
    preps = {p.split(":", 1)[1] for p, r in c.frame.roles.items() if r == "dest" and p.startswith("pp:")}
    toks = list(c.tok.subtree) if c.frame.pos == "NOUN" else syntax.clause_tokens(c.tok, lex.syn)
    for t in sorted(toks, key=lambda t: t.i):
        if t.i == 0 or t.i <= c.tok.i:
            continue
        prev = t.doc[t.i - 1]
        p = lex.syn.get("prep_norm", {}).get(prev.lower_, prev.lower_)
        if p in preps or (prev.pos_ == "DET" and t.i > 1 and
                          lex.syn.get("prep_norm", {}).get(t.doc[t.i - 2].lower_, t.doc[t.i - 2].lower_) in preps):
            m = res.mention_of(t)
            if m is not None and m.actor.type == "country" and m.start == res.off + t.idx:
                _place(c, t, "dest", lex, res)
                return


def _prune(side: list[Actor]) -> list[Actor]:
    """Drop an unresolved role phrase when a named person of the same country stands beside it."""
    named = {a.country for a in side if a.type == "person" and a.id}
    return [a for a in side if not (a.type == "person" and a.id is None and a.role and a.role == a.text
                                    and a.country in named)]


def _is_need_word(t: Token, c: Candidate, lex: Lexicon) -> bool:
    """'l'expédition de blindés': the de-phrase is what is sent, not who sends."""
    words = set()
    for cl in c.frame.need:
        words |= lex.cls(cl)
    return (c.obj is not None and t.i == c.obj.i) or t.lemma_.lower() in words


def _pair(res: Resolver, t: Token) -> list[Actor]:
    pair = res.ctx.pair(res.off + len(t.doc.text))
    return [country(iso, res.lex) for iso in pair] if len(pair) == 2 else []


def _controller(c: Candidate, res: Resolver, lex: Lexicon) -> list[Actor] | None:
    """The understood subject of an infinitive or event noun: the subject (or, for 'accuser X de',
    the object) of the nearest governing verb. Not across a reporting verb (the reporter is not
    the doer) nor out of a participle that modifies a noun."""
    syn, mod = lex.syn, lex.mod
    t = c.tok
    hops = 0
    if t.dep_ in ("acl", "acl:relcl", "relcl", "xcomp") and any(ch.dep_ == "cop" for ch in t.head.children):
        # 'X est le premier officiel à s'être rendu': the copula's subject
        for s2, a in syntax.slots(t.head, syn):
            if s2 in ("subj", "subjpass"):
                return res.actors(a) or None
    while t.head != t and hops < 6:
        child, t = t, t.head
        hops += 1
        if t.pos_ not in ("VERB", "AUX"):
            continue
        frames = lex.verbs.get(t.lemma_.lower(), [])
        ctrl = next((f.controller for f in frames if f.controller), None)
        if not ctrl and t.lemma_.lower() in mod.get("reporting_verbs", ()) and not (
                child.i == c.tok.i and child.pos_ == "NOUN" or
                c.frame.pos == "NOUN" and c.event == "AID" and child.dep_ in syn.get("obj", ()) and c.recipient or
                child.dep_ == "advcl" and "Part" in child.morph.get("VerbForm")):
            # 'X a annoncé que Y...', 'X a évoqué ... pour discuter des ventes': the reporter is not the
            # doer; but 'X a annoncé une aide', 'X announced $1bn in aid for Y' (with its recipient) and
            # 'X a dénoncé ..., accusant Y' are X's
            return None
        items = syntax.slots(t, syn)
        passive = syntax.is_passive(t, syn)
        want = ["subjpass"] if passive and ctrl in ("obj", "iobj") else \
               (["obj"] if ctrl == "obj" else ["iobj", "pp:à", "pp:to"] if ctrl == "iobj" else ["subj", "subjpass"])
        for w in want:
            found = [res.actors(a) for s, a in items if s == w]
            found = [f for f in found if f]
            if found:     # two subjects when the parser splits 'le président X': prefer the linked one
                return max(found, key=lambda f: sum(a.id is not None for a in f))
        if any(s in ("subj",) for s, _ in items):
            return None
        if t.dep_ in ("acl", "acl:relcl", "relcl") and t.head.pos_ in ("NOUN", "PROPN"):
            # 'X est le premier officiel à s'être rendu': the copula's subject
            h = t.head
            if any(ch.dep_ == "cop" for ch in h.children):
                for s2, a in syntax.slots(h, syn):
                    if s2 in ("subj", "subjpass"):
                        return res.actors(a) or None
            return None
    return None


def noun_may_inherit(c: Candidate, lex: Lexicon) -> bool:
    """An event noun takes the governing subject as its doer only when it is that verb's argument
    ('mêlée à la livraison', 'le projet de livrer'), not in an adverbial phrase, and not
    when it is an anaphor ('cette visite')."""
    tok, mod = c.tok, lex.mod
    if any(ch.lower_ in mod.get("demonstratives", ()) for ch in tok.children):
        return False
    if tok.dep_ in ("advmod", "npadvmod") or tok.dep_ in lex.syn.get("subj", ()) + lex.syn.get("subjpass", ()):
        return False
    from .modality import in_pp
    if in_pp(tok, mod.get("presupposing_preps", [])):
        return False
    return True


def _place(c: Candidate, t: Token, role: str, lex: Lexicon, res: Resolver) -> None:
    if t.lemma_.lower() in lex.mod.get("capital_words", ()):
        if t.dep_ in lex.syn.get("appos", ()) or _after_named_place(t, res):
            return       # '..., une ville proche de Lisbonne': describes a named place, does not locate the event
        c.location = c.location or {"name": None, "country": None, "capital_of_host": True}
        return
    m = res.mention_of(t)
    if m is None or not m.actor.country:
        return
    iso = m.actor.country
    if m.kind in PLACE_KINDS or m.actor.type != "country":
        if m.actor.type in ("person", "organization") and m.kind not in PLACE_KINDS:
            return
        name = _english_place(m.text, iso, lex)
    else:
        name = m.actor.name
    if c.location is None or c.location.get("capital_of_host"):
        c.location = {"name": name, "country": iso}
    if role == "dest" and not any(p.country == iso for p in c.recipient):
        c.recipient.append(country(iso, lex, m.text))


def _after_named_place(t: Token, res: Resolver) -> bool:
    """'Quito, une capitale ...': the phrase follows a named place and a comma (an apposition
    the parser may have hung elsewhere)."""
    i = t.left_edge.i
    if i < 2 or t.doc[i - 1].text != ",":
        return False
    m = res.mention_of(t.doc[i - 2])
    return m is not None and (m.kind in PLACE_KINDS or m.actor.type == "country")


def _english_place(text: str, iso: str, lex: Lexicon) -> str:
    from ..resources import load_json
    en = load_json("en", "places")
    cap = lex.capitals.get(iso)
    if cap and cap.lower() == text.lower():
        return (en.get("countries", {}).get(iso) or {}).get("capital") or text
    return text


def _doubts(c: Candidate, lex: Lexicon, res: Resolver) -> list[str]:
    """What the frame expects and the sentence does not give: each is a reason to doubt."""
    f = c.frame
    n = len(c.parts)
    out = []
    reciprocal = f.pos == "VERB" and syntax.is_reflexive(c.tok, lex.syn) and len(c.actor) >= 2   # 'X et Y se sont rencontrés'
    if f.flag("need_actor_obj") and not reciprocal:
        objs = [t for s, t in _slot_items(c, lex.syn) if s == "obj"]
        if not objs or not any(res.actors(t) for t in objs):
            out.append("no actor object")
        elif f.flag("need_person_obj") and not any(a.type in ("person", "organization", "group") for t in objs for a in res.actors(t)) \
                and not any(t.lemma_.lower() in lex.cls("delegation") for t in objs):
            out.append("object not a person")   # 'recevoir Poutine / une délégation', not 'recevoir la Russie'
    if f.flag("need_country_obj") and not any(
            m is not None and (m.actor.type == "country" or m.kind in PLACE_KINDS)
            for t in (t for s, t in _slot_items(c, lex.syn) if s == "obj") for m in [res.mention_of(t)]):
        out.append("object not a place")
    if f.flag("need_dest") and not c.recipient and not (c.location and c.location.get("country")):
        out.append("no destination")
    if f.flag("need_recipient") and not c.recipient:
        out.append("no recipient")
    if f.pos == "NOUN" and n < int(f.flag("min_parts") or 1):
        out.append("too few participants")
    if f.pos == "VERB" and f.symmetric and n < 2:
        out.append("one-sided meeting")      # 'X a discuté' with nobody named
    return out
