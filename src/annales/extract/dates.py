"""When: every event anchored in the article's own time, as a news reader does it.

In this order, each recorded in `date.source`:
  explicit     a time of the event's own clause or noun phrase (never a time that describes
               a noun inside an argument: "l'anniversaire de 1953", "the 1950-53 war");
  clause       the time of the governing or reporting clause, or of the event noun a
               temporal phrase names ("après leur réunion");
  discourse    the time of an earlier event of the same story thread: the occasion named
               again ("lors de ce dîner"), or the nearest earlier dated event that shares a
               participant, when neither is a pluperfect background;
  publication  a window from the publication date by tense and aspect: a past report
               without a time happened in the week up to publication; a pluperfect one at
               any time before it; a plan at any time after it. A month-only or year-only
               publication date widens the window; without one nothing is invented.
Statement times belong to reporting verbs, not to what they report; planned or
possible events take only a time of their own (the would-be date) and keep the
statement's time in `reported`.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from functools import lru_cache

from spacy.tokens import Token

from ..model import Document, TimeExpr
from ..resources import load_json
from . import syntax
from .frames import Candidate
from .lexicon import Lexicon
from .modality import in_pp

# how far back an undated past report may lie: news reports the week's events
WINDOW_DAYS = 7
PAST_ONLY = ("alleged", "denied", "negated")     # what is said to have (not) happened: before publication

FUTURE = ("planned", "possible", "hypothetical")


def _tok_times(tokens: list[Token], times: list[TimeExpr], off: int, event: Token | None = None,
               lex: Lexicon | None = None) -> list[TimeExpr]:
    spans = [(off + t.idx, off + t.idx + len(t.text)) for t in tokens]
    out = []
    for tx in times:
        if tx.kind != "date" or tx.precision == "unresolved":
            continue
        if any(a < tx.end and tx.start < b for a, b in spans):
            if lex is not None and in_caption(tx, tokens[0].doc.text, off, lex):
                continue
            if event is None or not (describes_noun(tx, event, off, lex) or in_embedded_clause(tx, event, off)):
                out.append(tx)
    return out


@lru_cache(maxsize=None)
def _anchoring(lang: str) -> dict:
    return load_json(lang, "anchoring")


def in_caption(tx: TimeExpr, text: str, off: int, lex: Lexicon) -> bool:
    """'Des femmes qui manifestaient sur la place (ici le 5 juin) ont été attaquées': a parenthesis
    opening with a caption word tells when the picture was taken, not when the event happened."""
    rel = tx.start - off
    opened = text.rfind("(", 0, rel)
    if opened < 0 or ")" in text[opened:rel]:
        return False
    first = text[opened + 1:rel].split()[:1]
    return bool(first) and first[0].lower() in _anchoring(lex.lang).get("caption_words", ())


def describes_noun(tx: TimeExpr, event: Token, off: int, lex: Lexicon) -> bool:
    """'à l'occasion de l'anniversaire de l'armistice (1950-1953)', 'the 1950-53 war': a time that
    hangs on a noun other than the event's, by a genitive preposition, in parentheses or before
    it, tells which thing that noun is, not when the event happened."""
    doc = event.doc
    span = doc.char_span(tx.start - off, tx.end - off, alignment_mode="expand")
    if span is None:
        return False
    root = span.root
    head = root.head
    data = _anchoring(lex.lang)
    if tx.precision == "year" and _bracketed_after_noun(span, event):
        return True                      # 'l'armistice (1914-1918)', whatever the parse made of it
    if head == root or head == event or head in span or head.pos_ not in ("NOUN", "PROPN") \
            or head.lower_ in data.get("time_heads", ()):
        return False
    cases = set(data.get("noun_time_cases", ()))
    # a year range is parsed as several tokens ('1950', '-', '1953') hanging on the noun one by
    # one: its preposition and its bracket sit before the range's first part
    first = span.start
    while first > 0 and (doc[first - 1].like_num or doc[first - 1].text in RANGE_MARKS):
        first -= 1
    parts = [root] + [doc[i] for i in range(first, span.start) if doc[i].head == head]
    if any(ch.dep_ == "case" and ch.lower_ in cases for p in parts for ch in p.children):
        return True
    if first > 0 and doc[first - 1].text == "(":
        return True
    if span.end <= head.i and root.dep_ in ("compound", "amod", "nummod", "nmod"):
        return True
    # a bare year on a noun inside an argument ('la guerre 1950-1953') is that thing's time
    return tx.precision == "year" and root.dep_.split(":")[0] in ("nmod", "appos", "nummod")


RANGE_MARKS = ("-", "–", "—", "/")


def _bracketed_after_noun(span, event: Token) -> bool:
    doc = span.doc
    first = span.start
    while first > 0 and (doc[first - 1].like_num or doc[first - 1].text in RANGE_MARKS):
        first -= 1
    if first < 2 or doc[first - 1].text != "(":
        return False
    noun = doc[first - 2]
    return noun != event and noun.pos_ in ("NOUN", "PROPN")


def in_embedded_clause(tx: TimeExpr, event: Token, off: int) -> bool:
    """'lors des cérémonies marquant la fin de la guerre en 1953': a year inside a clause that
    describes a noun of the argument (a participle or relative clause) is that clause's time."""
    span = event.doc.char_span(tx.start - off, tx.end - off, alignment_mode="expand")
    if span is None or tx.precision != "year":
        return False
    t = span.root
    while t.head != t and t != event:
        if t.pos_ in ("VERB", "AUX") and t.dep_.split(":")[0] == "acl":
            return event not in t.subtree or event == t
        t = t.head
    return False


def reports(t: Token, lex: Lexicon) -> bool:
    """A reporting verb ('a déclaré', 'a fait savoir'). Some report only with a word of their own:
    'faire' in 'les heurts ont fait dix morts' states the event, not a report of it."""
    lemma = t.lemma_.lower()
    if lemma not in lex.mod.get("reporting_verbs", ()):
        return False
    needs = lex.mod.get("reporting_only_with", {}).get(lemma)
    return needs is None or any(ch.lemma_.lower() in needs or ch.lower_ in needs for ch in t.children)


def clause_times(pred: Token, times: list[TimeExpr], off: int, lex: Lexicon) -> list[TimeExpr]:
    """Times inside `pred`'s clause, reporting verbs' own clauses left out."""
    toks = syntax.clause_tokens(pred, lex.syn)
    # a parenthetical reporting verb (", a rapporté ce vendredi la KCNA") hangs under the event verb
    drop = set()
    for t in toks:
        if t != pred and reports(t, lex) and t.pos_ == "VERB":
            drop |= {x.i for x in t.subtree}
    return _tok_times([t for t in toks if t.i not in drop], times, off, pred, lex)


def _orphans(c: Candidate, times: list[TimeExpr], lex: Lexicon) -> list[TimeExpr]:
    """Times the parser left in a fragment of their own ('..., à Pyongyang le mois dernier.' parsed
    as a separate root): they go to the event just before them."""
    doc = c.tok.doc
    out = []
    for tx in times:
        if tx.kind != "date" or tx.precision == "unresolved" or not (c.off <= tx.start < c.off + len(doc.text)):
            continue
        if in_caption(tx, doc.text, c.off, lex):
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
        c.since = _since(c, [tx for tx in all_times if _boundary(tx, c, lex)], lex)
        own = _own(c, times, lex)
        if not own:
            orph = _orphans(c, times, lex)
            later = [x for x in cands if x.off == c.off and x.tok.i > c.tok.i]
            if orph and not any(x.off + x.tok.idx < orph[0].start for x in later):
                own = orph[:1]
        if c.modality in FUTURE:
            c.date = _source(own[0] if own else None, "explicit")
            c.reported = _statement_time(c, times, lex)
            continue
        if own:
            c.date = _source(own[0], "explicit")
            continue
        c.date = _source(_governing(c, times, lex), "clause")


def _since(c: Candidate, bounds: list[TimeExpr], lex: Lexicon) -> TimeExpr | None:
    """'des militants campent depuis vendredi', 'un camp est installé depuis vendredi': the 'since'
    time in the clause of a verb in the simple present (or a present passive) is when the state
    it reports began. Not for a compound past ('la première rencontre depuis 2019' is no start)."""
    if c.frame.pos != "VERB" or c.earlier or not bounds:
        return None
    verb = c.tok
    if "Inf" in verb.morph.get("VerbForm") and verb.head.pos_ in ("VERB", "AUX"):
        verb = verb.head                 # 'campent depuis vendredi pour soutenir X': the purpose too
    tense_aux = set(lex.syn.get("aux", ())) - set(lex.syn.get("auxpass", ())) - {"cop"}
    finite = [t for t in [verb] + list(verb.children) if (t == verb or t.dep_ in lex.syn.get("aux", ()))
              and "Fin" in t.morph.get("VerbForm")]
    if not finite or any("Pres" not in t.morph.get("Tense") for t in finite) or \
            any(ch.dep_ in tense_aux for ch in verb.children):
        return None
    spans = [(c.off + t.idx, c.off + t.idx + len(t.text)) for t in syntax.clause_tokens(verb, lex.syn)]
    return next((tx for tx in bounds if tx.earliest and tx.kind in ("date", "duration")
                 and any(a < tx.end and tx.start < b for a, b in spans)), None)


def _source(tx: TimeExpr | None, source: str) -> TimeExpr | None:
    """The tagger's expression as this event's date (a copy: one expression may date several)."""
    return replace(tx, source=source) if tx is not None else None


def _own(c: Candidate, times, lex) -> list[TimeExpr]:
    tok = c.tok
    if c.frame.pos == "NOUN":
        toks = [t for t in tok.subtree if t.dep_ not in lex.syn.get("clausal", ())]
        return _tok_times(toks, times, c.off, tok, lex)
    return clause_times(tok, times, c.off, lex)


def _governing(c: Candidate, times, lex) -> TimeExpr | None:
    """Noun events in a temporal phrase or under a light verb, and infinitives, take the time of
    the clause that governs them; never across a reporting verb."""
    t = c.tok
    hops = 0
    while t.head != t and hops < 4:
        below, t = t, t.head
        hops += 1
        if reports(t, lex):
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
                    if reports(c2, lex):
                        got = clause_times(c2, times, c.off, lex)
                        return got[0] if got else None
            return None
    return None


def _simultaneous(tok: Token, lex) -> bool:
    feats, compound = syntax.verb_morph(tok, lex.syn)
    return ("Imp" in feats or "Pres" in feats) and not compound


def _statement_time(c: Candidate, times, lex) -> TimeExpr | None:
    t = c.tok
    while t.head != t:
        t = t.head
        if reports(t, lex) or t.lemma_.lower() in lex.mod.get("possible_verbs", ()):
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


# -- after merging: the events with no time of their own ------------------------------------

def settle(doc: Document, groups: list[list[Candidate]], best: list[Candidate], lex: Lexicon,
           times: list[TimeExpr]) -> None:
    """Date every merged event that has no time of its own: the event noun its clause is
    anchored on, the occasion named again, the story thread, then the publication window."""
    by_tok = {(c.sent.start, c.tok.i): gi for gi, g in enumerate(groups) for c in g}
    for gi, g in enumerate(groups):
        b = best[gi]
        if b.date is not None or b.modality != "asserted":
            continue
        # 'après leur réunion, ils avaient signé': the event noun's time dates the clause
        for c in g:
            hit = by_tok.get((c.sent.start, c.anchor.i)) if c.anchor is not None else None
            if hit is not None and best[hit].date is not None:
                b.date = _source(best[hit].date, "clause")
                break
        if b.date is None:
            b.date = _reported(gi, groups, best, by_tok, lex, times)
    for gi, g in enumerate(groups):
        b = best[gi]
        if b.date is None and b.modality == "asserted":
            occ = next((o for o in (occasion(c, lex) for c in g) if o is not None), None)
            if occ is not None:
                b.date = _source(_occasion_time(doc, b, occ, times), "discourse")
                continue        # a named occasion of its own is never another event's time
            b.date = _thread(gi, best, lex)
    pub = _publication(doc)
    for gi, b in enumerate(best):
        if b.date is None and pub is not None:
            since = next((c.since for c in groups[gi] if c.since is not None), None)
            b.date = _ongoing(since, pub) if since is not None else _window(b, pub, lex)


def _reported(gi: int, groups, best, by_tok, lex: Lexicon, times) -> TimeExpr | None:
    """'Séoul a dénoncé lundi l'envoi de soldats', 'Seoul warned on Monday that Pyongyang had sent
    troops': what a dated statement reports had happened by the time it was made, not then."""
    speech = set(lex.mod.get("speech_event_types", ()))
    for c in groups[gi]:
        t, hops = c.tok, 0
        while t.head != t and hops < 4:
            t, hops = t.head, hops + 1
            hit = by_tok.get((c.sent.start, t.i))
            said = best[hit] if hit is not None and hit != gi else None
            if said is not None and said.date is not None and said.date.source == "explicit" \
                    and (said.event in speech or reports(t, lex)):
                return _until(said.date)
            if reports(t, lex):
                got = clause_times(t, times, c.off, lex)
                return _until(got[0]) if got else None
    return None


def _until(said: TimeExpr) -> TimeExpr | None:
    latest = said.latest or said.value
    if not latest or len(latest) < 10:
        return None
    return TimeExpr(-1, -1, said.text, None, "unresolved", None, latest, source="clause")


def _occasion_time(doc: Document, c: Candidate, anchor: Token, times: list[TimeExpr]) -> TimeExpr | None:
    """'After the parade, X and Y held talks': the parade not being an event we record, its time is
    the one stated in the nearest earlier sentence that names the same noun, if that sentence
    states exactly one."""
    word = anchor.lower_
    text = doc.text
    at = text.lower().rfind(word, 0, c.sent.start)
    if at < 0:
        return None
    lo = max(text.rfind(". ", 0, at), text.rfind("\n", 0, at)) + 1
    hi = min(x for x in (text.find(". ", at), text.find("\n", at), len(text)) if x >= 0)
    found = [t for t in times if t.kind == "date" and t.precision != "unresolved" and lo <= t.start < hi]
    return found[0] if len(found) == 1 else None


def _thread(gi: int, best: list[Candidate], lex: Lexicon) -> TimeExpr | None:
    """The story thread: the latest time among the earlier events with a time of their own (or of
    their clause) that share a participant with this one (a named person anywhere before, any
    participant or its country in the same paragraph), when the tenses agree: neither a pluperfect background
    ('ils s'étaient vus en mai'), nor a present-tense report ('accuse') against a past one."""
    from .actors import key
    from .merge import _persons, persons_meet
    b = best[gi]
    if b.earlier:
        return None
    mine = {key(a) for a in b.parts} | {a.country for a in b.parts if a.country}
    names = _persons(b.parts)
    here = (b.sent.start, b.tok.i)
    # a bound ('by the time it was said', no start) tells nothing of when a later event happened
    found = [p for p in best if p is not b and p.date is not None and p.date.source in ("explicit", "clause")
             and (p.date.value or p.date.earliest)
             and p.modality == "asserted" and not p.earlier and (p.sent.start, p.tok.i) < here
             and _agree(_tense(p, lex), _tense(b, lex))
             and (persons_meet(names, _persons(p.parts)) or
                  (p.sent.para == b.sent.para and mine & ({key(a) for a in p.parts} |
                                                          {a.country for a in p.parts if a.country})))]
    if not found:
        return None
    return _source(max(found, key=lambda p: p.date.latest or p.date.value or "").date, "discourse")


def _agree(a: str | None, b: str | None) -> bool:
    return a is None or b is None or a == b


def _tense(c: Candidate, lex: Lexicon) -> str | None:
    """'present' for a simple present verb, 'past' for other verb forms, None for an event noun."""
    if c.frame.pos != "VERB":
        return None
    feats, compound = syntax.verb_morph(c.tok, lex.syn)
    return "present" if "Pres" in feats and not compound and "Part" not in feats else "past"


def _publication(doc: Document):
    from ..timex import parse_anchor
    try:
        return parse_anchor(doc.published) if doc.published and doc.published.value else None
    except ValueError:
        return None


def _window(c: Candidate, pub, lex: Lexicon) -> TimeExpr | None:
    """The publication window by tense and aspect (the module doc); None for what may never happen
    at a time one could bound (a hypothetical)."""
    lo, hi = pub.lo, pub.hi
    if c.modality in ("planned", "possible"):
        return _range(lo, None, "unresolved")
    if c.modality not in ("asserted",) + PAST_ONLY:
        return None
    # a background ('avaient signé'), a claim, or a present-tense state ('accuse', 'nient'): true
    # by the time of publication, since when the text does not say
    if c.earlier or c.modality in PAST_ONLY or _tense(c, lex) == "present":
        return _range(None, hi, "unresolved")
    start = lo - timedelta(days=WINDOW_DAYS)
    width = (hi - start).days
    precision = "week" if width <= 7 else "month" if width <= 38 else "quarter" if width <= 100 else "year"
    return _range(start, hi, precision)


def _ongoing(since: TimeExpr, pub) -> TimeExpr | None:
    """From the start of the 'since' time to publication: what a present state has held over."""
    from datetime import date
    lo = date.fromisoformat(since.earliest[:10])
    if lo > pub.hi:
        return None
    width = (pub.hi - lo).days
    precision = "week" if width <= 7 else "month" if width <= 38 else "quarter" if width <= 100 else "year"
    return TimeExpr(-1, -1, since.text, None, precision, lo.isoformat(), pub.hi.isoformat(), source="clause")


def _range(lo, hi, precision: str) -> TimeExpr:
    return TimeExpr(-1, -1, "", None, precision, lo.isoformat() if lo else None,
                    hi.isoformat() if hi else None, source="publication")
