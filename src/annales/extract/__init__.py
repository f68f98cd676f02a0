"""Events from sentences: one EventRecord per event per document (EVENTS.md).

Work order, chosen for speed: split sentences without a parser, keep those with a
trigger stem (a sentence without one cannot yield an event), parse only those with
nlp.pipe, then per sentence match trigger frames (frames.py), settle modality and
attribution (modality.py), dates (dates.py) and quantities (quantity.py); finally
merge the statements of the same event (merge.py).
"""
from __future__ import annotations

import re

from .. import nlp
from ..model import Document, EventRecord
from . import dates, frames, merge, modality, quantity, syntax
from ..gazetteer import locate
from .actors import DocContext, Resolver, country, find_mentions, key, redate_roles, settle_actors
from .lexicon import Lexicon, default_cameo, lexicon
from .text import Sentence, dateline, split

__all__ = ["extract", "extract_many", "MIN_CONFIDENCE", "confident"]

BATCH = 64
# Default of --min-confidence, chosen on the development sets (seeds, heldout, heldout2, Egypt):
# a candidate with one doubt (a missing object, destination or doer) falls below it.
MIN_CONFIDENCE = 0.5


def confident(records, min_confidence: float | None = None) -> list:
    """The records (EventRecord or dicts) at or above `min_confidence` (default MIN_CONFIDENCE)."""
    floor = MIN_CONFIDENCE if min_confidence is None else min_confidence
    conf = (lambda r: r.get("confidence") or 0.0) if records and isinstance(records[0], dict) else \
        (lambda r: r.confidence)
    return [r for r in records if conf(r) >= floor - 1e-9]


def extract(doc: Document) -> list[EventRecord]:
    """The events the document reports; [] for languages without resources or pipeline."""
    return extract_many([doc], raise_errors=True)[0]


def extract_many(docs: list[Document], batch_size: int = BATCH, raise_errors: bool = False) -> list[list[EventRecord]]:
    """extract() for several documents, with one nlp.pipe over the candidate sentences of all of
    them (per language): the parser then works on full batches. Unless `raise_errors`, a document
    whose extraction fails gets [] and a warning naming it and the reason."""
    out: list[list[EventRecord]] = [[] for _ in docs]
    todo: dict[str, list[tuple[int, list[Sentence]]]] = {}
    for i, doc in enumerate(docs):
        lang = doc.language
        lex = lexicon(lang) if lang else None
        if lex is None or not nlp.supported(lang) or not doc.text:
            continue
        chosen = _candidates(split(doc.text, set(lex.mod.get("abbreviations", ()))), lex)
        if chosen:
            todo.setdefault(lang, []).append((i, chosen))
    for lang, items in todo.items():
        lex, pipe = lexicon(lang), nlp.load(lang)
        texts = [parseable(s.text) for _, chosen in items for s in chosen]
        parsed = iter(pipe.pipe(texts, batch_size=batch_size, disable=_unneeded(pipe, lex)))
        for i, chosen in items:
            pairs = [(s, next(parsed)) for s in chosen]
            try:
                out[i] = _events(docs[i], pairs, lex)
            except Exception as e:  # one bad document must not stop the batch; say which and why
                if raise_errors:
                    raise
                docs[i].warnings.append(f"extract: {docs[i].id}: {type(e).__name__}: {e}")
                out[i] = []
    return out


MAX_SENTENCE = 5000                              # characters given to the parser per sentence
_RUN = re.compile(r"([^\w\s])\1{19,}")


def parseable(text: str) -> str:
    """What the parser is given for one sentence: spaCy's tokenizer is quadratic in a run of one
    punctuation mark ("((((…"), and a 'sentence' of many thousand characters is a list or a table,
    not prose, whose parse costs memory for nothing. Runs become one mark and spaces, and the
    sentence is cut at MAX_SENTENCE: lengths and offsets below the cut do not change."""
    text = _RUN.sub(lambda m: m.group(1) + " " * (len(m.group(0)) - 1), text)
    return text[:MAX_SENTENCE]


def _unneeded(pipe, lex: Lexicon) -> list[str]:
    """Components the extractor does not read (extract_syntax.json `disable`). NER is the costliest
    part of the French pipeline; names then come from the actor linker's dictionary and rules."""
    return [n for n in pipe.pipe_names if n in lex.syn.get("disable", ())]


def _events(doc: Document, parsed: list[tuple[Sentence, object]], lex: Lexicon) -> list[EventRecord]:
    mentions = find_mentions(doc, [(s.start, d) for s, d in parsed], lex)
    ctx = DocContext(doc, lex, mentions)
    ctx.sent_starts = [s.start for s in split(doc.text, set(lex.mod.get("abbreviations", ())))]
    times = _times(doc)
    cands: list[frames.Candidate] = []
    ctx.cands = cands                # 'les deux dirigeants' looks back at the events already found
    for s, sdoc in parsed:
        if not lex.prefilter.search(s.text) or _furniture(s):
            continue
        quoted = _first_person(s, lex)
        ctx.last_person = _last_person(ctx, s)
        res = Resolver(ctx, s.start, sdoc)
        found = frames.match(sdoc, s, s.start, lex, res)
        modality.assign(found, lex, res)
        found = [c for c in found if not modality.is_content(c, lex)]
        found = _fold_purpose(found, lex)
        for c in found:
            _complete(c, lex, res, ctx)
            if not c.actor:
                frames.doubt(c, "no actor")            # a passive without agent, a doer we cannot name
            elif len(c.parts) < 2 and c.event in lex.two_sided:
                frames.doubt(c, "one side only")
            if quoted:
                frames.doubt(c, "first-person quote")
        cands.extend(found)
    _answer_accusations(cands, lex)
    dates.assign(cands, times, lex)
    pub = doc.published.value if doc.published else None
    for c in cands:
        if c.date is not None:
            c.actor = redate_roles(c.actor, c.date.value, pub, ctx.roles)
            c.recipient = redate_roles(c.recipient, c.date.value, pub, ctx.roles)
    cands = [c for c in cands if settle_actors(c)]       # media are sources; nameless posts their countries
    _dateline_place(doc, cands, ctx)
    return _records(doc, cands, lex, times)


def _dead_by_then(c: frames.Candidate) -> bool:
    """A person of the knowledge base who died before the earliest day the event's date allows."""
    d = c.date
    start = (d.earliest or d.value) if d is not None else None
    if not start or not any(a.id and a.type == "person" for a in c.parts):
        return False
    try:
        from ..actors.kb import default_kb
        kb = default_kb()
    except Exception:          # no knowledge base: nobody is known to be dead
        return False
    for a in c.parts:
        e = kb.get(a.id) if a.id and a.type == "person" else None
        if e is not None and e.died and str(e.died)[:10] < str(start)[:10]:
            return True
    return False


def _answer_accusations(cands: list[frames.Candidate], lex: Lexicon) -> None:
    """'China rejected the accusation', 'an allegation that Ottawa dismissed': a denial whose object is an
    accusation answers the latest earlier accusation against the denier; its accuser is the recipient."""
    words = lex.cls("accusation")
    for i, c in enumerate(cands):
        if c.event != "REJECT" or c.recipient or c.frame.pos != "VERB":
            continue
        objs = [t for s, t in syntax.slots(c.tok, lex.syn) if s in ("obj", "subjpass")]
        if c.tok.dep_ in lex.syn.get("relcl", ()):
            objs.append(c.tok.head)
        if not any(t.lemma_.lower() in words for t in objs):
            continue
        mine = {a.country for a in c.actor if a.country}
        for p in reversed(cands[:i]):
            if p.event == "ACCUSE" and mine & {a.country for a in p.recipient if a.country}:
                c.recipient = [a for a in p.actor]
                break


def _fold_purpose(found: list[frames.Candidate], lex: Lexicon) -> list[frames.Candidate]:
    """'X summoned the ambassador to protest Y', 'a convoqué ... pour protester': the purpose clause
    states the same complaint as its verb; it lends its recipients and is not a second event."""
    speech = set(lex.mod.get("complaint_event_types", ()))
    by_tok = {c.tok.i: c for c in found}
    out, kept = [], {}
    for c in found:
        h = c.tok.head
        p = by_tok.get(h.i) or by_tok.get(h.head.i) if h != c.tok else None   # the parser may hang it on the object
        if p is not None and p is not c and c.event in speech and p.event == c.event and \
                c.tok.dep_ in lex.syn.get("clausal", ()) and c.modality == p.modality:
            if c.confidence > p.confidence:
                # 'X a dénoncé cette décision, accusant Y de...': the clause names whom the doubtful verb did not
                kept[id(p)] = c
                continue
            for a in c.recipient:
                if not p.recipient and not any(key(a) == key(b) for b in p.parts):
                    p.recipient.append(a)
            continue
        out.append(c)
    return [kept.get(id(c), c) for c in out]


def _dateline_place(doc: Document, cands: list[frames.Candidate], ctx: DocContext) -> None:
    """'LIMA, le 3 mars (Agence) –': a meeting with no place of its own, between parties one
    of which is of the dateline's country, took place there."""
    pos = 0
    for line in doc.text[:2000].split("\n"):
        m = dateline(line)
        if m:
            a = pos + m.start("place")
            hit = next((x for x in ctx.mentions if x.start == a and x.kind in ("capital", "place", "city")), None)
            if hit is None or not hit.actor.country:
                return
            iso = hit.actor.country
            place = {"name": frames._english_place(hit.text, iso, ctx.lex).title(), "country": iso}
            for c in cands:
                if c.event == "CONSULT" and c.location is None and c.mode != "visit" and \
                        any(p.country == iso for p in c.parts):
                    c.location = dict(place)
            return
        pos += len(line) + 1


def _candidates(sents: list[Sentence], lex: Lexicon) -> list[Sentence]:
    """Sentences worth parsing: those with a trigger stem, plus the sentence before one that opens
    with a pronoun (to know who 'il' is)."""
    keep: list[int] = []
    pron = tuple(p.lower() for p in lex.mod.get("pronouns", ()) + lex.mod.get("plural_pronouns", ()))
    for i, s in enumerate(sents):
        if lex.prefilter.search(s.text):
            if s.text.split(" ", 1)[0].lower() in pron and i > 0 and (not keep or keep[-1] != i - 1):
                keep.append(i - 1)
            keep.append(i)
    return [sents[i] for i in sorted(set(keep))]


def _furniture(s: Sentence) -> bool:
    """Two words or fewer: page furniture, not an event report."""
    return len(re.findall(r"\w+['’]|\w+", s.text.strip())) < 3


def _first_person(s: Sentence, lex: Lexicon) -> bool:
    """A statement in the first person ('we will send...'): a speaker's words whose doer we resolve
    less surely; its events are kept with lower confidence."""
    first = set(lex.mod.get("first_person", ()))
    words = re.findall(r"\w+['’]|\w+", s.text.strip())
    # 'US' is a country, not 'us': an all-capitals word is an acronym
    return any(w.lower() in first for w in words if not (len(w) > 1 and w.isupper()))


def _times(doc: Document):
    try:
        from .. import timex
        return list(timex.tag_document(doc))
    except Exception as e:  # no time resolution is better than no events
        doc.warnings.append(f"extract: time tagging failed on {doc.id}: {e!r}")
        return []


def _last_person(ctx: DocContext, s: Sentence):
    """The person most recently named before this sentence (the referent of 'il'/'elle')."""
    last = None
    for m in ctx.mentions:
        if m.start >= s.start:
            break
        if m.actor.type == "person" and (m.actor.id or m.kind == "name"):
            last = m.actor           # never a nameless post ('un diplomate de haut rang')
    return last


def _complete(c: frames.Candidate, lex: Lexicon, res: Resolver, ctx: DocContext) -> None:
    """Per-candidate settling that needs the whole sentence: owners of troops, the host of a
    visit, 'la capitale', quantities, confidence."""
    if c.event in ("AID", "MOBILIZE") and not c.actor and c.obj is not None:
        # 'des troupes tchadiennes', 'Chadian troops': the troops' country sends them
        iso = next((lex.demonyms.get(ch.lower_) for ch in c.obj.children if lex.demonyms.get(ch.lower_)), None)
        if iso is None:
            for ch in c.obj.children:
                m = res.mention_of(ch)
                if m is not None and m.kind == "demonym" and m.actor.country:
                    iso = m.actor.country
                    break
        if iso:
            c.actor.append(country(iso, lex))
    if c.frame.flag("foreign_dest"):
        own = {a.country for a in c.actor}
        dest = {a.country for a in c.recipient} | ({c.location["country"]} if c.location and c.location.get("country") else set())
        if dest - own and own:
            fd = c.frame.flag("foreign_dest")
            c.event, c.mode, c.cameo = fd["event"], fd.get("mode"), fd.get("cameo")
            if not c.recipient:
                c.recipient = [country(i, lex) for i in dest - own]
        else:
            c.recipient = []
    if c.event == "CONSULT":
        low = c.sent.text.lower()
        if c.mode is None and any(w in low for w in lex.mod.get("phone_words", ())):
            c.mode, c.cameo = "phone", default_cameo("CONSULT", "phone")
        _venue(c, lex, res)
        _clause_place(c, lex, res)
        _host(c, lex, res, ctx)
    if c.location and c.location.get("capital_of_host"):
        isos = [a.country for a in (c.recipient or c.actor) if a.country]
        c.location = ctx.capital_place(list(dict.fromkeys(isos)), c.off + c.tok.idx) if isos else None
    if c.event in ("AID", "MOBILIZE") and c.obj is not None:
        c.quantity = quantity.find(c.obj, lex)
        if c.quantity is None and c.frame.pos == "NOUN":
            # 'une aide de 425 millions de dollars': the amount hangs on the event noun
            for t in c.tok.subtree:
                if t.i > c.tok.i and t.pos_ == "NOUN" and (t.lemma_.lower() in lex.quant.get("units", {})):
                    c.quantity = quantity.find(t, lex)
                    if c.quantity:
                        break
    if c.anchor is None:
        c.anchor = dates.anchored(c, lex)
    if c.frame.pos == "VERB":
        c.earlier = syntax.pluperfect(c.tok, lex.syn)
    if any(a.type == "country" for a in c.parts):
        c.confidence -= 0.05
    if len(c.parts) >= 2:
        c.confidence += 0.1
    if c.cameo is None:
        c.cameo = default_cameo(c.event, c.mode)
    if c.mode == "visit" and c.frame.mode != "visit":
        c.cameo = default_cameo("CONSULT", "visit")


def _venue(c: frames.Candidate, lex: Lexicon, res: Resolver) -> None:
    """'une rencontre ... a eu lieu à Pyongyang': the place of a meeting noun that is a subject."""
    if c.location is not None or c.frame.pos != "NOUN":
        return
    head = c.tok.head
    if c.tok.dep_ not in lex.syn.get("subj", ()) + lex.syn.get("subjpass", ()):
        return
    if head.lemma_.lower() not in lex.mod.get("venue_verbs", ()):
        return
    for slot, t in syntax.slots(head, lex.syn):
        if slot.startswith("pp:") and slot[3:] in lex.syn.get("place_preps", ()) + lex.syn.get("venue_preps", ()):
            frames._place(c, t, "loc", lex, res)


def _clause_place(c: frames.Candidate, lex: Lexicon, res: Resolver) -> None:
    """A city or capital named with 'à'/'in' anywhere in the event's clause is where it happened."""
    if c.location is not None:
        return
    toks = syntax.clause_tokens(c.tok, lex.syn) if c.frame.pos == "VERB" else list(c.tok.subtree)
    for t in sorted(toks, key=lambda t: t.i):
        if t.pos_ != "PROPN" or (syntax.prep_of(t, lex.syn) or "") not in lex.syn.get("place_preps", ()):
            continue
        if _under_modifier(t, c.tok, lex):
            continue
        m = res.mention_of(t)
        if m is not None and m.kind in ("capital", "place", "city"):
            frames._place(c, t, "loc", lex, res)
            if c.location is not None:
                return


def _under_modifier(t, top, lex: Lexicon) -> bool:
    """'une ville proche de Lisbonne': a place inside a participle or relative clause that modifies a
    noun tells about that noun, not where the event happened."""
    mods = set(lex.syn.get("relcl", ())) | {"acl", "acl:relcl", "relcl"}
    while t != top and t.head != t:
        if t.dep_ in mods:
            return True
        t = t.head
    return False


def _host(c: frames.Candidate, lex: Lexicon, res: Resolver, ctx: DocContext) -> None:
    """A meeting between people of two countries held in one of them is a visit: the host is the
    recipient. A delegation is a visitor."""
    if c.mode is not None or c.recipient or len(c.actor) < 2:
        return
    isos = [a.country for a in c.actor if a.country]
    loc = c.location
    if loc and loc.get("capital_of_host"):
        loc = ctx.capital_place(list(dict.fromkeys(isos)), c.off + c.tok.idx)
        c.location = loc
    host_iso = loc.get("country") if loc else None
    hosts = [a for a in c.actor if host_iso and a.country == host_iso]
    guests = [a for a in c.actor if a.country and a.country != host_iso]
    if not (hosts and guests):
        guests = [a for a in c.actor if key(a) in c.delegation]
        hosts = [a for a in c.actor if key(a) not in c.delegation and a.country and
                 all(a.country != g.country for g in guests)]
        if not (hosts and guests):
            return
    c.actor, c.recipient, c.mode = guests, hosts, "visit"


def _records(doc: Document, cands: list[frames.Candidate], lex: Lexicon, times=()) -> list[EventRecord]:
    for c in cands:
        if c.modality in lex.mod.get("suppress", ()):
            frames.doubt(c, c.modality)       # 'did not meet', 'if they met': kept, with its modality
    groups, seconds = _groups(cands)
    best = [merge.combine(g) for g in groups]
    dates.settle(doc, groups, best, lex, times)
    for b in best:
        if _dead_by_then(b):
            # 'since 2000, when he met Kim Jong Il' read as today's meeting: the date or the person is wrong
            frames.doubt(b, "participant dead by then")
    out = []
    for i, (g, b) in enumerate(zip(groups, best)):
        if all(c.headline for c in g):
            continue                     # a title or a teaser alone does not make an event
        rec = merge.to_record(doc.id, doc.text, g, b, more=seconds.get(i, ()))
        rec.location = locate(rec.location)      # the city's canonical name and coordinates
        out.append(rec)
    return out


def _groups(cands: list[frames.Candidate]) -> tuple[list[list[frames.Candidate]], dict[int, list]]:
    """Merge the confident candidates first; a doubtful one that states the same event as a
    confident group is not a second record, and doubtful ones never change a confident record: they
    only add their sentence to its evidence (returned per group index)."""
    sure = [c for c in cands if c.confidence >= MIN_CONFIDENCE]
    groups = merge.merge(sure)
    seconds: dict[int, list] = {}
    rest = []
    for c in cands:
        if c.confidence >= MIN_CONFIDENCE:
            continue
        i = next((i for i, g in enumerate(groups) if merge._group_compatible(c, g)), None)
        if i is None:
            rest.append(c)
        else:
            seconds.setdefault(i, []).append(c)
    return groups + merge.merge(rest), seconds
