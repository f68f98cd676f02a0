"""One record per event per document: candidates that state the same event are merged."""
from __future__ import annotations

import hashlib
import re
import unicodedata

from ..model import Actor, EventRecord, Evidence, TimeExpr
from .frames import Candidate


def fold_name(name: str | None) -> str:
    s = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode().lower()
    s = re.sub(r"[^a-z0-9]", "", s)
    s = re.sub(r"(.)\1", r"\1", s)
    for a, b in (("ks", "x"), ("sh", "ch"), ("ou", "u"), ("y", "i")):
        s = s.replace(a, b)
    return s


def _named(a: Actor) -> bool:
    """A specific person or organisation (not a country, not an unresolved role phrase)."""
    return a.type in ("person", "organization", "group") and not (a.id is None and a.role)


def _persons(parts: list[Actor]) -> set[str]:
    return {a.id or fold_name(a.name) for a in parts if _named(a)}


def same_person(a: str, b: str) -> bool:
    """Folded names of one person: equal, or one is the other's family-name end ('Goremykin')."""
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    return len(short) >= 4 and long_.endswith(short)


def persons_subset(pa: set[str], pb: set[str]) -> bool:
    return all(any(same_person(x, y) for y in pb) for x in pa)


def persons_meet(pa: set[str], pb: set[str]) -> bool:
    return any(same_person(x, y) for x in pa for y in pb)


def _countries(parts: list[Actor]) -> set[str]:
    return {a.country for a in parts if a.country}


def _overlap(a: TimeExpr | None, b: TimeExpr | None) -> bool:
    if a is None or b is None:
        return True
    lo1, hi1 = a.earliest or a.value, a.latest or a.value
    lo2, hi2 = b.earliest or b.value, b.latest or b.value
    if not (lo1 and hi1 and lo2 and hi2):
        return True
    return not (hi1[:10] < lo2[:10] or hi2[:10] < lo1[:10])


def _same_type(a: Candidate, b: Candidate) -> bool:
    """Same PLOVER type; a meeting with no mode may be the same as a visit, not as a phone call;
    other types must be the same kind of act (signing a treaty is not expressing support)."""
    if a.event != b.event:
        return False
    if a.event == "CONSULT":
        ma, mb = a.mode, b.mode
        return ma == mb or {ma, mb} == {None, "visit"}
    if a.kind and b.kind and a.kind != b.kind:
        return False                 # sending troops and sending shells are two events
    if a.quantity and b.quantity and a.quantity != b.quantity:
        return False
    if a.event in ("ACCUSE", "REJECT", "REQUEST", "THREATEN"):
        return True                  # 'summoned the ambassador to protest': one complaint, two verbs
    return (a.cameo or "")[:3] == (b.cameo or "")[:3] and a.mode == b.mode


def compatible(a: Candidate, b: Candidate) -> bool:
    if not _same_type(a, b) or a.modality != b.modality or not _overlap(a.date, b.date):
        return False
    pa, pb = _persons(a.parts), _persons(b.parts)
    if pa and pb and not (persons_subset(pa, pb) or persons_subset(pb, pa)):
        return False
    ca, cb = _countries(a.parts), _countries(b.parts)
    if not ca or not cb or not (ca <= cb or cb <= ca):
        return False
    if pa and pb:
        return True
    # country-level participants only on one side: they must cover the same countries
    return ca == cb or (len(ca & cb) >= 1 and (pa or pb) and len(ca | cb) <= 2)


def _score(c: Candidate) -> tuple:
    named = sum(_named(a) for a in c.parts)
    prec = {"day": 4, "week": 3, "month": 2, "quarter": 1, "year": 1}.get(c.date.precision if c.date else "", 0)
    return (not c.headline, c.mode == "visit", bool(c.recipient), named, prec, c.confidence, -c.sent.start)


def _group_compatible(c: Candidate, g: list[Candidate]) -> bool:
    if not all(_same_type(c, x) and c.modality == x.modality and _overlap(c.date, x.date) for x in g):
        return False
    if any(_opposite(c, x) for x in g):
        return False
    if c.earlier and c.date is not None and all(not x.earlier and x.date is None for x in g):
        return False                 # 'ils s'étaient vus en mai', said after the story: not its undated meeting
    parts = [p for x in g for p in x.parts]
    pa, pb = _persons(c.parts), _persons(parts)
    if pa and pb and not (persons_subset(pa, pb) or persons_subset(pb, pa)):
        return False
    ca, cb = _countries(c.parts), _countries(parts)
    if not ca or not cb:
        return False
    if pa and pb:
        return ca <= cb or cb <= ca
    speech = c.event in ("ACCUSE", "REJECT", "REQUEST", "THREATEN") and \
        bool(_countries(c.actor) & {p.country for x in g for p in x.actor})
    if (pa or pb) and c.event != "CONSULT" and not c.headline and not speech:
        return False                 # 'X a acheté au gouvernement de Kim' is not 'la Corée du Nord fournit
    # country-level statements: one must name no country the other lacks
    return ca <= cb or cb <= ca


def _opposite(a: Candidate, b: Candidate) -> bool:
    """A visits B vs B visits A (or hosts differ): not the same event."""
    if not (a.recipient and b.recipient):
        return False
    ra, rb = _countries(a.recipient), _countries(b.recipient)
    aa, ab = _countries(a.actor), _countries(b.actor)
    return bool((aa & rb) or (ab & ra)) or (bool(ra and rb) and not (ra & rb))


def merge(cands: list[Candidate]) -> list[list[Candidate]]:
    """Greedy grouping in text order; a candidate joins the compatible group mentioned last."""
    groups: list[list[Candidate]] = []
    for c in cands:
        fits = [g for g in groups if _group_compatible(c, g)]
        if fits:
            max(fits, key=lambda g: max((x.sent.start, x.tok.i) for x in g)).append(c)
        else:
            groups.append([c])
    return groups


def combine(g: list[Candidate]) -> Candidate:
    """The group's best statement, completed from the others (date, place, named participants)."""
    best = max(g, key=_score)
    others = [c for c in g if c is not best]
    for o in sorted(others, key=_score, reverse=True):
        if best.date is None and o.date is not None:
            best.date = o.date
        if best.location is None and o.location is not None:
            best.location = o.location
        if best.quantity is None and o.quantity is not None:
            best.quantity = o.quantity
        for a in o.attributed_to:
            if not any(fold_name(a.name) == fold_name(x.name) for x in best.attributed_to):
                best.attributed_to.append(a)
        # a named person replaces a country or an unresolved role of the same country
        for side in ("actor", "recipient"):
            mine = getattr(best, side)
            for i, p in enumerate(mine):
                if _named(p):
                    continue
                for q in o.parts:
                    if _named(q) and q.country and q.country == p.country and q.type == "person" and \
                            not any(same_person(fold_name(q.name), fold_name(x.name)) for x in best.parts):
                        mine[i] = q
                        break
    best.confidence = min(0.95, best.confidence + 0.05 * len(others))
    return best


def record_id(doc_id: str, c: Candidate, ev_start: int, ev_end: int) -> str:
    # sides kept apart (X->Y is not Y->X); the trigger position separates two events of one sentence
    act = ",".join(sorted(fold_name(a.name) for a in c.actor))
    rec = ",".join(sorted(fold_name(a.name) for a in c.recipient))
    h = hashlib.sha1(f"{doc_id}|{c.event}|{act}>{rec}|{ev_start}-{ev_end}|{c.tok.idx}".encode()).hexdigest()
    return "e-" + h[:12]


def _bounded(conf: float) -> float:
    """Doubts can sum past zero; a record's confidence stays a probability-like score in (0, 1)."""
    return round(min(0.95, max(0.05, conf)), 3)


def to_record(doc_id: str, text: str, g: list[Candidate], best: Candidate, more=()) -> EventRecord:
    """The record of a group; `more` are doubtful statements of the same event: their sentences are
    evidence too, nothing else of them is taken."""
    seen, evid = set(), []
    for c in [best] + sorted((x for x in g if x is not best), key=_score, reverse=True) + list(more):
        if (c.sent.start, c.sent.end) in seen:
            continue
        seen.add((c.sent.start, c.sent.end))
        evid.append(Evidence(text=text[c.sent.start:c.sent.end], start=c.sent.start, end=c.sent.end))
    loc = best.location
    if loc is not None and not loc.get("name"):
        loc = None
    rec = EventRecord(doc=doc_id, event=best.event, mode=best.mode, context=list(best.context),
                      actor=list(best.actor), recipient=list(best.recipient), location=loc,
                      date=best.date, modality=best.modality, attributed_to=list(best.attributed_to),
                      quantity=best.quantity, evidence=evid, confidence=_bounded(best.confidence),
                      cameo=best.cameo, reported=best.reported)
    rec.id = record_id(doc_id, best, evid[0].start, evid[0].end)
    return rec
