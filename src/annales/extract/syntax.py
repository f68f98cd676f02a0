"""Language-neutral views of a dependency parse: argument slots, clause boundaries, cues.

Labels differ between pipelines (UD for French, ClearNLP for English); the label
sets come from resources/<lang>/extract_syntax.json.
"""
from __future__ import annotations

from spacy.tokens import Token


def _is(tok: Token, syn: dict, key: str) -> bool:
    return tok.dep_ in syn.get(key, ())


def prep_of(noun: Token, syn: dict) -> str | None:
    """The preposition introducing `noun` ("à", "avec", "entre"...), normalised, or None."""
    if syn.get("scheme") == "en":
        h = noun.head
        if noun.dep_ == "pobj" and h.dep_ in ("prep", "agent"):
            return "by" if h.dep_ == "agent" else h.lower_
        return None
    cases = [c for c in noun.children if c.dep_ == "case" and c.i < noun.i]
    if not cases:
        return None
    w = cases[0].lower_
    return syn.get("prep_norm", {}).get(w, w)


def pobj(child: Token, syn: dict) -> Token | None:
    """English: the object of a preposition token; UD: the child itself."""
    if syn.get("scheme") == "en":
        objs = [c for c in child.children if c.dep_ in ("pobj", "pcomp")]
        return objs[0] if objs else None
    return child


def _children(pred: Token, syn: dict) -> list[Token]:
    """The predicate's children, with those the parser hung on a day name between the verb and its
    object given back to the verb (extract_syntax.json `time_heads`, as `time_words` in the lexicon)."""
    words = syn.get("time_words") or ()
    if not words or pred.pos_ not in ("VERB", "AUX"):
        return list(pred.children)
    out = []
    for c in pred.children:
        out.append(c)
        if c.lemma_.lower() in words and c.i > pred.i and _is(c, syn, "pp") and not any(x.dep_ == "case" for x in c.children):
            out += [g for g in c.children if g.i > c.i and g.dep_ not in ("case", "det", "amod", "punct", "nummod", "cc")]
    return out


def _reattached_obj(pred: Token, c: Token, syn: dict) -> bool:
    """'a arrêté jeudi des dizaines de ...': a noun hung on the day name with a partitive 'des'."""
    if c.head == pred or c.head.lemma_.lower() not in (syn.get("time_words") or ()):
        return False
    if c.dep_ in syn.get("obj", ()):
        return True
    cases = [x.lower_ for x in c.children if x.dep_ == "case" and x.i < c.i]
    return bool(cases) and cases[0] in (syn.get("partitive") or ())


def slots(pred: Token, syn: dict) -> list[tuple[str, Token]]:
    """(slot, argument head) pairs of a predicate: subj, subjpass, obj, iobj, agent, poss, amod,
    compound, appos and pp:<prep>."""
    out = []
    for c in _children(pred, syn):
        if _is(c, syn, "subj"):
            out.append(("subjpass" if is_passive(pred, syn) else "subj", c))
        elif _is(c, syn, "subjpass"):
            out.append(("subjpass", c))
        elif _is(c, syn, "obj") or _reattached_obj(pred, c, syn):
            out.append(("obj", c))
        elif _is(c, syn, "iobj"):
            if c.pos_ == "ADP":              # English 'send weapons to Ukraine' parsed as dative 'to'
                c = pobj(c, syn) or c
            out.append(("iobj", c))
        elif _is(c, syn, "agent"):
            a = pobj(c, syn) if syn.get("scheme") == "en" else c
            if a is not None:
                out.append(("agent", a))
        elif _is(c, syn, "pp"):
            n = pobj(c, syn)
            if n is None:
                continue
            p = c.lower_ if syn.get("scheme") == "en" else prep_of(n, syn)
            if p and p in syn.get("agent_preps", ()) and pred.pos_ in ("VERB", "AUX") and is_passive(pred, syn):
                out.append(("agent", n))         # 'attaquées par des hommes armés' labelled as a mere oblique
            elif p:
                out.append(("pp:" + p, n))
            elif pred.pos_ in ("NOUN", "PROPN") and n.pos_ == "PROPN":
                out.append(("compound", n))
        elif c.head != pred and prep_of(c, syn):
            # hung on a day name ('attaquées vendredi soir par des hommes armés'): its preposition says the slot
            p = prep_of(c, syn)
            out.append(("agent", c) if p in syn.get("agent_preps", ()) and is_passive(pred, syn) else ("pp:" + p, c))
        elif c.dep_ in syn.get("poss", ()) or (c.pos_ == "DET" and syn.get("poss_feature", "-") in str(c.morph)):
            out.append(("poss", c))
        elif _is(c, syn, "amod"):
            out.append(("amod", c))
        elif _is(c, syn, "compound") and pred.pos_ in ("NOUN",):
            out.append(("compound", c))
        elif _is(c, syn, "appos"):
            out.append(("appos", c))
    return out


def is_passive(pred: Token, syn: dict) -> bool:
    if any(c.dep_ in syn.get("auxpass", ()) for c in pred.children):
        # 'ils se sont vus': a pronominal verb takes 'être' as its perfect auxiliary, not a passive
        return not is_reflexive(pred, syn)
    # 'le traité signé par X', 'a treaty signed by X': a participle modifying a noun, with an agent
    # and no subject of its own, is passive without an auxiliary (the noun is its object)
    return pred.dep_ == "acl" and any(_is(c, syn, "agent") for c in pred.children) and \
        not any(_is(c, syn, "subj") or _is(c, syn, "subjpass") for c in pred.children)


def is_reflexive(pred: Token, syn: dict) -> bool:
    refl = set(syn.get("reflexive", ()))
    return any(c.lower_ in refl and c.i < pred.i for c in pred.children)


def conjuncts(tok: Token, syn: dict) -> list[Token]:
    """The token and the heads coordinated with it ("la Russie et la Chine")."""
    out, todo = [], [tok]
    while todo:
        t = todo.pop()
        out.append(t)
        todo.extend(c for c in t.children if _is(c, syn, "conj"))
    return sorted(out, key=lambda t: t.i)


def clause_tokens(pred: Token, syn: dict) -> list[Token]:
    """Tokens of `pred`'s own clause: its subtree minus embedded clauses (they carry their own time)."""
    clausal = set(syn.get("clausal", ())) - {"acl"}
    out, todo = [], [pred]
    while todo:
        t = todo.pop()
        out.append(t)
        for c in t.children:
            # participles modifying an argument ('a delegation led by X on Thursday') stay in
            if c.dep_ in clausal and c.pos_ in ("VERB", "AUX"):
                continue
            if c.dep_ == "acl" and t.i == pred.i:
                continue
            todo.append(c)
    return out


def verb_morph(pred: Token, syn: dict) -> tuple[set[str], bool]:
    """Moods/tenses of the predicate and its auxiliaries; whether the form is compound (aux + participle)."""
    feats, compound = set(), False
    for t in [pred] + [c for c in pred.children if c.dep_ in syn.get("aux", ())]:
        m = t.morph
        feats.update(m.get("Mood"))
        feats.update(m.get("Tense"))
        feats.update(m.get("VerbForm"))
        if t != pred:
            # a modal ('will', 'would') does not make a compound tense; 'have'/'être'/'avoir' do
            compound = compound or t.tag_ != "MD"
            feats.add("aux:" + t.lemma_.lower())
            if t.tag_ == "MD":
                feats.add("modal:" + t.lower_)
    return feats, compound


def negated(pred: Token, syn: dict, mod: dict) -> bool:
    neg = set(mod.get("negation_words", ()))
    feat = syn.get("neg_feature")
    for c in pred.children:
        if c.dep_ in syn.get("neg", ()) or (feat and feat in str(c.morph) and c.lower_ in neg | {"ne", "n'", "n’"}):
            if c.lower_ in neg or c.dep_ in syn.get("neg", ()):
                return True
    return False


def ancestors_until(tok: Token, stop) -> list[Token]:
    out = []
    t = tok
    while t.head != t:
        t = t.head
        out.append(t)
        if stop(t):
            break
    return out


def pluperfect(pred: Token, syn: dict) -> bool:
    """'ils s'étaient vus', 'they had met': a past before the story's own past (extract_syntax.json
    `pluperfect`: auxiliary words, or the tense an auxiliary takes)."""
    pp = syn.get("pluperfect") or {}
    for c in pred.children:
        if c.dep_ in syn.get("aux", ()) + syn.get("auxpass", ()) and c.i < pred.i:
            if c.lower_ in pp.get("words", ()) or (c.lemma_.lower() in pp.get("lemmas", ()) and
                                                   pp.get("tense") in c.morph.get("Tense")):
                return True
    return False


def governing_verbs(tok: Token, limit: int):
    """The verbs above `tok`, nearest first, at most `limit` steps up the tree."""
    t = tok
    for _ in range(limit):
        if t.head == t:
            return
        t = t.head
        if t.pos_ in ("VERB", "AUX"):
            yield t


def subjects(verb: Token, syn: dict) -> list[Token]:
    """The subject tokens (active or passive) of `verb`."""
    return [a for s, a in slots(verb, syn) if s in ("subj", "subjpass")]
