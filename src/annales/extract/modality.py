"""Whether an event is asserted, alleged, denied, planned, possible, hypothetical or negated,
and whose claim it is. Cue words come from resources/<lang>/modality.json."""
from __future__ import annotations

import re

from spacy.tokens import Token

from . import syntax
from .actors import Resolver, key
from .frames import Candidate
from .lexicon import Lexicon

PRIORITY = ("negated", "denied", "hypothetical")


def _terms_condition(feats: set, modals: set, cond, syn: dict) -> bool:
    """'ils avaient signé un traité ... si l'un des deux est attaqué': a present-tense condition
    under a plain past verb states the terms of what was done (the parser hangs it on the verb),
    not a condition on the deed; a real one takes a conditional or a modal ('would have')."""
    if "Past" not in feats or "Cnd" in feats or modals:
        return False
    cf, _ = syntax.verb_morph(cond, syn)
    return "Pres" in cf or ("Past" not in cf and "Pqp" not in cf and "Imp" not in cf)


def before_text(tok: Token, n: int = 30) -> str:
    """Sentence text just before the phrase `tok` heads (to read multiword prepositions)."""
    left = tok.left_edge
    sent_text = tok.doc.text
    a = left.idx
    case = "".join(c.text_with_ws for c in tok.subtree if c.i < tok.i and c.dep_ in ("case", "fixed", "det"))
    return re.sub(r"\s+", " ", (sent_text[max(0, a - n):a] + case).lower()).replace("’", "'")


def in_pp(tok: Token, preps: list[str]) -> bool:
    txt = before_text(tok)
    txt = re.sub(r"\b(le|la|les|l'|un|une|des|son|sa|ses|leur|leurs|cette|ce|ces|the|a|an|his|her|their|its)\s*$", "",
                 txt.strip()).strip()
    for p in preps:
        p = p.lower().replace("’", "'").strip()
        if txt.endswith(p) or (txt + " ").endswith(p + " "):
            return True
    if tok.head.dep_ == "prep" and tok.head.lower_ in [p.lower() for p in preps]:
        return True
    return False


def assign(cands: list[Candidate], lex: Lexicon, res: Resolver) -> None:
    by_tok = {c.tok.i: c for c in cands}
    for c in cands:
        _one(c, by_tok, lex, res)


def _one(c: Candidate, by_tok: dict, lex: Lexicon, res: Resolver) -> None:
    mod, syn = lex.mod, lex.syn
    found: list[str] = []
    attributed = []
    tok = c.tok
    # background events in temporal phrases ("lors de sa visite") are presupposed, not claimed
    if c.frame.pos == "NOUN" and in_pp(tok, mod.get("temporal_preps", []) + mod.get("presupposing_preps", [])):
        c.background = True
    if c.frame.flag("modality"):
        found.append(c.frame.flag("modality"))      # 'X est attendu à Y': a planned visit
    found += _own_cues(c, lex)
    found += _predicate_cues(c, lex)
    if not c.background:
        t = tok
        below = tok
        while t.head != t:
            below, t = t, t.head
            lem = t.lemma_.lower()
            parent = by_tok.get(t.i)
            if parent is not None and parent.frame.complement:
                c.parent = parent
                found.append(parent.frame.complement)
                attributed = list(parent.actor)
                break
            if t.pos_ in ("NOUN",) and lem in mod.get("possible_nouns", ()):
                found.append("possible")
            if t.pos_ in ("NOUN",) and lem in mod.get("planned_nouns", ()):
                found.append("planned")     # 'la préparation d'une visite', 'preparations for a summit'
            if t.pos_ == "ADJ" and (lem in mod.get("possible_adjs", ()) or t.lower_ in mod.get("possible_adjs", ())):
                found.append("possible")
            if t.pos_ in ("VERB", "AUX", "ADJ"):
                neg = syntax.negated(t, syn, mod)
                if lem in mod.get("possible_neg_verbs", ()) and neg:
                    found.append("possible")
                elif lem in mod.get("possible_verbs", ()):
                    found.append("possible")
                elif lem in mod.get("planned_verbs", ()) and below.dep_ in syn.get("clausal", ()) + syn.get("complement", ()):
                    found.append("planned")
                elif lem in mod.get("content_verbs", ()) and c.event in mod.get("called_events", ()):
                    found.append("planned")     # 'appelé à manifester': a protest called for, not yet held
                elif lem in mod.get("alleged_verbs", ()) and (syntax.is_passive(t, syn) or _cond(t, syn)):
                    found.append("alleged")
                if any(ch.dep_ in syn.get("mark", ()) and ch.lower_ in mod.get("hypothetical_marks", ())
                       for ch in t.children):
                    found.append("hypothetical")
                if lem in mod.get("reporting_verbs", ()) and below.dep_ in syn.get("clausal", ()) + ["obj", "dobj"]:
                    attributed = _subject_actors(t, res, syn)
                    break
                if _cond(t, syn) and t != tok:
                    found.append(_cond_kind(t, lex))
                feats, _ = syntax.verb_morph(t, syn)
                modals = {f.split(":", 1)[1] for f in feats if f.startswith("modal:")}
                if modals & set(mod.get("possible_modals", ())):
                    found.append("possible")
                elif modals & set(mod.get("conditional_modals", ())) and t != tok:
                    found.append(_cond_kind(t, lex))
                elif modals & set(mod.get("future_modals", ())) or "Fut" in feats:
                    found.append("planned")
    if not attributed:
        attributed = _sentence_sources(c, res, lex, found)
    c.modality = _pick(found)
    c.attributed_to = _dedupe(attributed)
    if c.parent is not None and c.parent.frame.complement:
        c.attributed_to = list(c.parent.actor)


def _dedupe(actors: list) -> list:
    out = []
    for a in actors:
        if not any(key(a) == key(b) for b in out):
            out.append(a)
    return out


def _pick(found: list[str]) -> str:
    for p in PRIORITY + ("possible",):        # uncertainty above wins over a plan below it
        if p in found:
            return p
    return found[0] if found else "asserted"


def _cond(t: Token, syn) -> bool:
    feats, _ = syntax.verb_morph(t, syn)
    return "Cnd" in feats


def _own_cues(c: Candidate, lex: Lexicon) -> list[str]:
    mod, syn = lex.mod, lex.syn
    tok = c.tok
    out = []
    if c.frame.pos == "VERB":
        feats, compound = syntax.verb_morph(tok, syn)
        if syntax.negated(tok, syn, mod):
            out.append("negated")
        if any(ch.dep_ in syn.get("mark", ()) and ch.lower_ in mod.get("hypothetical_marks", ()) for ch in tok.children):
            out.append("hypothetical")
        modals = {f.split(":", 1)[1] for f in feats if f.startswith("modal:")}
        if "Fut" in feats or modals & set(mod.get("future_modals", ())):
            out.append("planned")
        elif modals & set(mod.get("possible_modals", ())):
            out.append("possible")
        elif "Cnd" in feats or modals & set(mod.get("conditional_modals", ())):
            out.append(_cond_kind(tok, lex))
        for ch in tok.children:
            if ch.lower_ in mod.get("alleged_advs", ()):
                out.append("alleged")
            if ch.dep_ in syn.get("clausal", ()) and any(
                    g.dep_ in syn.get("mark", ()) and g.lower_ in mod.get("hypothetical_marks", ()) for g in ch.children) \
                    and not _terms_condition(feats, modals, ch, syn):
                out.append("hypothetical")
        subj_neg = [ch for ch in tok.children if ch.dep_ in syn.get("subj", ()) + syn.get("subjpass", ())
                    and any(d.lower_ in mod.get("negation_dets", ()) for d in ch.children)]
        if subj_neg:
            out.append("negated")
    else:
        for ch in tok.children:
            lem = ch.lemma_.lower()
            if ch.lower_ in mod.get("alleged_adjs", ()) or lem in mod.get("alleged_verbs", ()) and ch.dep_ in syn.get("clausal", ()) + ["amod"]:
                out.append("alleged")
            elif ch.lower_ in mod.get("planned_adjs", ()) or lem in mod.get("planned_adjs", ()):
                out.append("planned")
            elif ch.lower_ in mod.get("negation_dets", ()):
                out.append("negated")
    return out


def _cond_kind(t: Token, lex: Lexicon) -> str:
    """A simple conditional under a reporting or promising verb is a future-in-the-past ('assurant
    que la Russie continuerait', 'said it would'): planned. Otherwise a hedged claim ('aurait
    proposé', 'serait impliquée'): alleged."""
    feats, compound = syntax.verb_morph(t, lex.syn)
    if not compound and _under_reporting(t, lex):
        return "planned"
    return "alleged"


def _predicate_cues(c: Candidate, lex: Lexicon) -> list[str]:
    """An event noun as subject: what is predicated of it ('un déploiement semble se profiler',
    'la visite est prévue')."""
    syn, mod = lex.syn, lex.mod
    tok = c.tok
    if c.frame.pos != "NOUN" or tok.dep_ not in syn.get("subj", ()) + syn.get("subjpass", ()):
        return []
    head = tok.head
    preds = [head] + [ch for ch in head.children if ch.dep_ in ("xcomp", "ccomp")]
    out = []
    for p in preds:
        lem = p.lemma_.lower()
        if lem in mod.get("possible_verbs", ()):
            out.append("possible")
        elif lem in mod.get("planned_verbs", ()) or lem in mod.get("planned_adjs", ()) or p.lower_ in mod.get("planned_adjs", ()):
            out.append("planned")
    return out


def is_content(c: Candidate, lex: Lexicon) -> bool:
    """The content of a request, proposal, promise or threat ('appelant les deux pays à fournir',
    'juré de renforcer les échanges') is not an event of its own."""
    if c.background or c.event in lex.mod.get("called_events", ()):
        return False                 # 'appelé à manifester': the protest called for is the news (planned)
    if c.parent is not None and c.parent.frame.complement:
        return False                 # 'invité X à se rendre à Y': a planned visit of its own (triggers.json)
    t = c.tok
    for _ in range(3):
        if t.head == t:
            return False
        below, t = t, t.head
        if below.dep_ in ("advcl", "prep", "advmod", "npadvmod") + tuple(lex.syn.get("subj", ())):
            return False             # an adjunct ('in a phone call, they agreed') is not the content
        if t.lemma_.lower() in lex.mod.get("reporting_verbs", ()):
            return False
        if t.pos_ in ("VERB", "AUX") and t.lemma_.lower() in lex.mod.get("content_verbs", ()):
            return True
    return False


def _under_reporting(tok: Token, lex: Lexicon) -> bool:
    t = tok
    for _ in range(4):
        if t.head == t:
            return False
        t = t.head
        if t.lemma_.lower() in lex.mod.get("reporting_verbs", ()) or t.lemma_.lower() in lex.mod.get("promise_verbs", ()):
            return True
    return False


def _subject_actors(verb: Token, res: Resolver, syn) -> list:
    """The source of a reporting verb: its subject, else ('comme l'indique une note officielle',
    inverted subjects) its object."""
    items = syntax.slots(verb, syn)
    for want in (("subj", "agent"), ("obj",)):
        for s, a in items:
            if s in want:
                acts = res.actors(a)
                if acts:
                    return acts
    return []


def _sentence_sources(c: Candidate, res: Resolver, lex: Lexicon, found: list[str]) -> list:
    """'selon l'agence X', ', a rapporté l'agence X', 'comme l'indique une note de X', 'the agency reported'."""
    mod, syn = lex.mod, lex.syn
    root = c.tok
    while root.head != root:
        root = root.head
    out = []
    preps = list(mod.get("attribution_preps", ()))
    for t in root.doc:
        if t.pos_ in ("NOUN", "PROPN") and in_pp(t, preps):
            acts = res.actors(t)
            if acts:
                out.extend(acts)
            elif t.lemma_.lower() in mod.get("anonymous_sources", ()):
                found.append("alleged")
        if t.lemma_.lower() in mod.get("reporting_verbs", ()) and t != c.tok and t.pos_ in ("VERB",):
            attached = t.dep_ in ("parataxis",) or any(ch.lower_ in mod.get("attribution_as", ()) for ch in t.children) \
                or (t.head == t and c.tok != t and _governs(t, c.tok))
            if attached and (t.dep_ == "parataxis" or t.dep_ in syn.get("clausal", ()) or t.head == t):
                out.extend(_subject_actors(t, res, syn))
        if t.lower_ in mod.get("cited_by", ()):
            out.extend(_subject_actors(t, res, syn))
    return out


def _governs(a: Token, b: Token) -> bool:
    t = b
    while t.head != t:
        t = t.head
        if t == a:
            return True
    return False
