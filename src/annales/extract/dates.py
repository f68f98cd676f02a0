"""When: the time of each event from its own clause, else from the clause or event noun governing it.

Statement times belong to reporting verbs, not to what they report; planned or
possible events take only a time of their own (the would-be date) and keep the
statement's time in `reported`.
"""
from __future__ import annotations

from spacy.tokens import Token

from ..model import TimeExpr
from . import syntax
from .frames import Candidate
from .lexicon import Lexicon
from .modality import in_pp

FUTURE = ("planned", "possible", "hypothetical")


def _tok_times(tokens: list[Token], times: list[TimeExpr], off: int) -> list[TimeExpr]:
    spans = [(off + t.idx, off + t.idx + len(t.text)) for t in tokens]
    out = []
    for tx in times:
        if tx.kind != "date" or tx.precision == "unresolved":
            continue
        if any(a < tx.end and tx.start < b for a, b in spans):
            out.append(tx)
    return out


def clause_times(pred: Token, times: list[TimeExpr], off: int, lex: Lexicon) -> list[TimeExpr]:
    """Times inside `pred`'s clause, reporting verbs' own clauses left out."""
    toks = syntax.clause_tokens(pred, lex.syn)
    rep = set(lex.mod.get("reporting_verbs", ()))
    # a parenthetical reporting verb (", a rapporté ce vendredi la KCNA") hangs under the event verb
    drop = set()
    for t in toks:
        if t != pred and t.lemma_.lower() in rep and t.pos_ == "VERB":
            drop |= {x.i for x in t.subtree}
    return _tok_times([t for t in toks if t.i not in drop], times, off)


def _orphans(c: Candidate, times: list[TimeExpr]) -> list[TimeExpr]:
    """Times the parser left in a fragment of their own ('..., à Pyongyang le mois dernier.' parsed
    as a separate root): they go to the event just before them."""
    doc = c.tok.doc
    out = []
    for tx in times:
        if tx.kind != "date" or tx.precision == "unresolved" or not (c.off <= tx.start < c.off + len(doc.text)):
            continue
        span = doc.char_span(tx.start - c.off, tx.end - c.off, alignment_mode="expand")
        if span is None or span.root.dep_ != "ROOT" or span.root.pos_ in ("VERB", "AUX"):
            continue
        if span.start > c.tok.i:
            out.append(tx)
    return out


def _boundary(tx: TimeExpr, c: Candidate, lex: Lexicon) -> bool:
    """'the first talks since November 2022', 'depuis 2018': a time after 'since' bounds a period;
    it is the time of an earlier occasion, not of the event in the clause."""
    words = set(lex.mod.get("since_words", ()))
    text = c.tok.doc.text
    rel = tx.start - c.off
    if not (0 <= rel <= len(text)):
        return False
    first = (tx.text or "").lower().split()[:1]
    before = text[:rel].lower().split()[-1:]
    return bool(words & set(first + before))


def assign(cands: list[Candidate], times: list[TimeExpr], lex: Lexicon) -> None:
    all_times = times
    for c in cands:
        times = [tx for tx in all_times if not _boundary(tx, c, lex)]
        own = _own(c, times, lex)
        if not own:
            orph = _orphans(c, times)
            later = [x for x in cands if x.off == c.off and x.tok.i > c.tok.i]
            if orph and not any(x.off + x.tok.idx < orph[0].start for x in later):
                own = orph[:1]
        if c.modality in FUTURE:
            c.date = own[0] if own else None
            c.reported = _statement_time(c, times, lex)
            continue
        if own:
            c.date = own[0]
            continue
        c.date = _governing(c, times, lex)


def _own(c: Candidate, times, lex) -> list[TimeExpr]:
    tok = c.tok
    if c.frame.pos == "NOUN":
        toks = [t for t in tok.subtree if t.dep_ not in lex.syn.get("clausal", ())]
        got = _tok_times(toks, times, c.off)
        if got:
            return got
        # "quelques jours après la rencontre": the expression just before the event noun dates it
        left = c.off + tok.left_edge.idx
        for tx in times:
            if tx.kind == "date" and tx.precision != "unresolved" and 0 <= left - tx.end <= 12 \
                    and tx.start >= c.off:
                return [tx]
        return []
    return clause_times(tok, times, c.off, lex)


def _governing(c: Candidate, times, lex) -> TimeExpr | None:
    """Noun events in a temporal phrase or under a light verb, and infinitives, take the time of
    the clause that governs them; never across a reporting verb."""
    rep = set(lex.mod.get("reporting_verbs", ()))
    t = c.tok
    hops = 0
    while t.head != t and hops < 4:
        below, t = t, t.head
        hops += 1
        if t.lemma_.lower() in rep:
            # the reported event is simultaneous with an imperfect/present statement
            if c.frame.pos == "VERB" and _simultaneous(c.tok, lex):
                got = clause_times(t, times, c.off, lex)
                return got[0] if got else None
            return None
        if t.pos_ in ("VERB", "AUX"):
            if below.dep_ in lex.syn.get("clausal", ()) and c.frame.pos == "VERB" and below.dep_ not in ("xcomp",):
                return None
            got = clause_times(t, times, c.off, lex)
            if got:
                return got[0]
            # 'les négociations ... progressaient', reported on a date: ongoing then
            if c.frame.pos == "NOUN" and below == c.tok and below.dep_ in lex.syn.get("subj", ()) \
                    and _simultaneous(t, lex):
                c2 = t
                while c2.head != c2:
                    c2 = c2.head
                    if c2.lemma_.lower() in rep:
                        got = clause_times(c2, times, c.off, lex)
                        return got[0] if got else None
            return None
    return None


def _simultaneous(tok: Token, lex) -> bool:
    feats, compound = syntax.verb_morph(tok, lex.syn)
    return ("Imp" in feats or "Pres" in feats) and not compound


def _statement_time(c: Candidate, times, lex) -> TimeExpr | None:
    rep = set(lex.mod.get("reporting_verbs", ()))
    t = c.tok
    while t.head != t:
        t = t.head
        if t.lemma_.lower() in rep or t.lemma_.lower() in lex.mod.get("possible_verbs", ()):
            got = clause_times(t, times, c.off, lex)
            if got:
                return got[0]
    return None


def anchored(c: Candidate, lex: Lexicon) -> Token | None:
    """The event noun of a temporal phrase in the candidate's clause ('après leur réunion')."""
    if c.frame.pos != "VERB":
        return None
    for t in syntax.clause_tokens(c.tok, lex.syn):
        if t == c.tok or t.pos_ != "NOUN":
            continue
        if t.lemma_.lower() in lex.nouns and in_pp(t, lex.mod.get("temporal_preps", [])):
            return t
    return None


def occasion(c: Candidate, lex: Lexicon) -> Token | None:
    """A noun naming another occasion in a temporal phrase of the candidate's clause ('after the
    parade', 'à l'issue du dîner'), whether or not that occasion is itself an event we record."""
    if c.frame.pos != "VERB":
        return None
    for t in syntax.clause_tokens(c.tok, lex.syn):
        if t != c.tok and t.pos_ == "NOUN" and in_pp(t, lex.mod.get("occasion_preps", [])):
            return t
    return None
