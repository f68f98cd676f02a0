"""Fuse mentions (one record per event per document) into timeline events.

How (EVENTS.md "Fused events"):

1. Blocking. Every mention gets keys: modality group × event type × (a pair
   of participant countries | one participant country | the whole set of
   participant countries) × month of its date range (see `blocking_keys`).
   Only mentions sharing a key are compared, by a sweep in date order inside
   each block, so the work grows with the size of the blocks, not with the
   square of the corpus.
2. The graph. Two mentions are linked when they are `compatible` (same type,
   compatible modes and modalities, overlapping participants, intersecting
   dates, compatible places, same kind of quantity). The rule is pairwise and
   symmetric, and every compatible pair shares a key, so the connected
   components of this graph do not depend on the order of the input.
3. Clustering inside each component, most specific mention first: a mention
   joins a cluster only if it is compatible with all its members (complete
   linkage: no chaining through a vague mention); when it fits several, the
   one sharing more named people wins, and a tie leaves it alone rather than
   guessing (precision first).

Because a cluster depends only on its component, `update` re-fuses just the
components that new or replaced documents touch and gets exactly what
`refuse_all` gets. Fused ids hash the smallest member mention id, so they do not
depend on the order in which documents arrived.
"""
from __future__ import annotations

import hashlib
import json
import sys
import unicodedata
from collections import defaultdict
from dataclasses import replace
from datetime import date
from functools import lru_cache
from typing import Iterable, Iterator

from .. import faults
from ..model import Actor, Conflict, EventRecord, FusedEvent, TimeExpr

# A visit lasts several days: two reports of the same visit may give different
# days (arrival, talks). Visits by the same people to the same place this close
# together are one visit, and the differing days are listed as a conflict.
VISIT_GAP_DAYS = 3
# An undated mention can only join an event that happened within this many days
# before its article was published (or after it, for a planned/possible event).
UNDATED_WINDOW_DAYS = 366
# A "date" wider than this says nothing about which event is meant.
MAX_SPAN_DAYS = 3700

# Stored blocking keys are only valid for the rules that made them: a database
# whose keys carry another version is re-fused in full on its next update.
KEYS_VERSION = "6"

# Which modalities may describe the same real-world event. Denials and
# negations are fused with assertions (and reported as a conflict) only when
# both sides are dated; planned, possible and hypothetical events stay apart
# from what actually happened: announcing a visit is not the visit.
GROUP = {"asserted": "F", "alleged": "F", "denied": "F", "negated": "F",
         "planned": "P", "possible": "Q", "hypothetical": "H"}
CONTESTED = {"denied", "negated"}
MODALITY_STRENGTH = ("asserted", "alleged", "denied", "negated", "planned", "possible", "hypothetical")

# Event types whose participants have no direction: the extractor puts all of
# them in `actor`. CONSULT with mode "visit" is directed (visitor → host).
UNDIRECTED_TYPES = {"CONSULT", "COOPERATE"}


# -- dates ----------------------------------------------------------------------

@lru_cache(maxsize=65536)
def _day(s: str | None) -> int | None:
    if not s:
        return None
    try:
        return date.fromisoformat(s[:10]).toordinal()
    except ValueError:
        return None


@lru_cache(maxsize=65536)
def _value_range(value: str | None) -> tuple[int, int] | None:
    """The day range an EVENTS.md date value covers: 2024, 2024-07, 2024-07-18, 2024-W29, 2024-Q3."""
    if not value:
        return None
    try:
        if len(value) == 4 and value.isdigit():
            y = int(value)
            return date(y, 1, 1).toordinal(), date(y, 12, 31).toordinal()
        if len(value) == 7 and value[4] == "-" and value[5:].isdigit():
            y, m = int(value[:4]), int(value[5:])
            nxt = date(y + (m == 12), m % 12 + 1, 1)
            return date(y, m, 1).toordinal(), nxt.toordinal() - 1
        if len(value) >= 10 and value[4] == "-" and value[7] == "-":
            d = date.fromisoformat(value[:10]).toordinal()
            return d, d
        if "-W" in value:
            monday = date.fromisocalendar(int(value[:4]), int(value.split("-W")[1][:2]), 1).toordinal()
            return monday, monday + 6
        if "-Q" in value:
            y, q = int(value[:4]), int(value.split("-Q")[1][:1])
            lo = date(y, 3 * q - 2, 1)
            hi = date(y + (q == 4), (3 * q) % 12 + 1, 1)
            return lo.toordinal(), hi.toordinal() - 1
    except ValueError:
        return None
    return None


def interval(t: TimeExpr | None) -> tuple[int, int] | None:
    """The (earliest, latest) day ordinals a date supports, or None when it gives no time."""
    if t is None:
        return None
    lo, hi = _day(t.earliest), _day(t.latest)
    vr = _value_range(t.value)
    if lo is None and hi is None:
        return vr
    if lo is None:
        lo = vr[0] if vr else hi - UNDATED_WINDOW_DAYS
    if hi is None:
        hi = vr[1] if vr else lo + UNDATED_WINDOW_DAYS
    if hi < lo:
        lo, hi = hi, lo
    if hi - lo > MAX_SPAN_DAYS:
        return None
    return lo, hi


def _iso(ordinal: int) -> str:
    return date.fromordinal(ordinal).isoformat()


def _months(lo: int, hi: int) -> range:
    a, b = date.fromordinal(lo), date.fromordinal(hi)
    return range(a.year * 12 + a.month - 1, b.year * 12 + b.month)


# -- actors ----------------------------------------------------------------------

@lru_cache(maxsize=65536)
def norm(s: str | None) -> str:
    """Case, accents and hyphens folded: how names are compared."""
    s = unicodedata.normalize("NFKD", s or "")
    s = "".join(c for c in s if not unicodedata.combining(c)).casefold()
    return " ".join(s.replace("-", " ").replace("'", " ").split())


def is_country_level(a: Actor) -> bool:
    return a.type == "country"


def entity(a: Actor) -> tuple[str, str | None, bool, str | None]:
    """(identity key, country, country-level?, role) of an actor.

    Linked actors are known by their knowledge-base id, unlinked ones by
    country and folded name; a country-level actor is known by its country
    code, so that "Russia" and "Russie" are the same whichever linked it.
    The role is the English office a linked person holds on the event's date
    ("defence minister of Russia"), or for an unlinked role phrase ("le ministre
    russe") the office it names, marked "?" (see `role_head`).
    """
    level = is_country_level(a)
    if level and a.country:
        return "c:" + a.country, a.country, True, None
    if a.id:
        return "i:" + a.id, a.country, level, norm(a.role) if a.role and a.type == "person" else None
    head = role_head(a) if a.type == "person" and a.country else None
    return f"n:{a.country or ''}:{norm(a.name)}", a.country, level, ("?" + head) if head else None


@lru_cache(maxsize=1)
def _role_heads() -> tuple[tuple[str, str], ...]:
    """(folded phrase, English office word) of every language, longest phrase first."""
    from ..resources import languages, load_json

    pairs = {(norm(k), norm(v)) for lang in languages() for k, v in load_json(lang, "role_heads").get("heads", {}).items()}
    return tuple(sorted(pairs, key=lambda p: -len(p[0])))


def role_head(a: Actor) -> str | None:
    """The office an unlinked role phrase names ("le ministre russe" → "minister"), or None for a name."""
    if not a.role or norm(a.role) != norm(a.text or a.name):
        return None
    words = f" {norm(a.role)} "
    for phrase, office in _role_heads():
        if f" {phrase} " in words:
            return office
    return None


def _by_role(e: tuple, f: tuple) -> bool:
    """`e` is a role phrase whose office `f`, a linked person of the same country, holds on the date."""
    return (len(e) > 3 and len(f) > 3 and bool(e[3]) and e[3][0] == "?" and f[0][:2] == "i:"
            and bool(f[3]) and f" {e[3][1:]} " in f" {f[3]} ")


def same_entity(e: tuple, f: tuple) -> bool:
    """Same actor, one side is a country and the other belongs to it, or one is a role phrase
    ("le ministre russe") and the other a person of that country holding that office on the date."""
    if e[0] == f[0]:
        return True
    if not e[1] or e[1] != f[1]:
        return False
    return e[2] or f[2] or _by_role(e, f) or _by_role(f, e)


def _overlap(xs: tuple, ys: tuple) -> bool:
    return any(same_entity(x, y) for x in xs for y in ys)


def _matched(small: tuple, large: tuple) -> int:
    return sum(1 for x in small if any(same_entity(x, y) for y in large))


# -- the compact mention ---------------------------------------------------------

class M:
    """What fusion needs of one mention, small enough to hold 10^5–10^6 of them."""

    __slots__ = ("id", "doc", "type", "mode", "modality", "group", "lo", "hi", "win", "dated", "act", "rec", "uni", "ents",
                 "directed", "ukeys", "loc", "unit", "order", "actor", "recipient", "location", "date",
                 "quantity", "context", "confidence", "cameo", "guess")

    def span(self) -> tuple[int, int] | None:
        """The range used for blocking: the date, else the undated window."""
        return (self.lo, self.hi) if self.lo is not None else self.win

    def sides(self) -> tuple[tuple, tuple]:
        return tuple(sorted({e[0] for e in self.act})), tuple(sorted({e[0] for e in self.rec}))

    def signature(self) -> tuple:
        """Everything that identifies the event: equal signatures are the same event, repeated."""
        return (self.type, self.mode, self.modality, self.lo, self.hi, self.sides(), self.loc, self.unit)


class Interner:
    """Shares equal actors, places and dates between mentions: a corpus repeats them endlessly."""

    def __init__(self):
        self.values: dict = {}

    def actor(self, a: Actor) -> tuple[Actor, tuple]:
        key = ("a", a.name, a.country, a.type, a.id, a.role, a.code, a.text)
        got = self.values.get(key)
        if got is None:
            got = self.values[key] = (a, entity(a))
        return got

    def value(self, kind: str, v, key):
        k = (kind, key)
        got = self.values.get(k)
        if got is None:
            got = self.values[k] = v
        return got


def _freeze(d: dict):
    try:
        return tuple(sorted(d.items()))
    except TypeError:                      # nested values: their JSON is their identity
        return json.dumps(d, sort_keys=True)


def _location_key(loc: dict | None) -> tuple[str | None, str] | None:
    if not loc or not (loc.get("name") or loc.get("country")):
        return None
    return loc.get("country"), norm(loc.get("name"))


# dates the extractor inferred rather than read (EVENTS.md date.source): shown, never used to pair
INFERRED = ("publication", "discourse")


def compact(rec: EventRecord, published: str | None, cache: Interner | None = None) -> M:
    cache = cache or Interner()
    m = M()
    m.id, m.doc = rec.id, rec.doc
    m.type, m.mode = rec.event, rec.mode or None
    m.modality = rec.modality or "asserted"
    m.group = GROUP.get(m.modality, "F")
    iv = interval(rec.date)
    # A window inferred from the publication date (EVENTS.md date.source) says when the article
    # was written, not which event it is: it is shown, but fusion pairs the mention as undated.
    # An open bound ("before 18 Oct", what a dated statement reports) is no more a date of the
    # event: it would join every earlier event of the same type and participants.
    m.guess = None
    if iv is not None and (rec.date.source in INFERRED or not rec.date.earliest or not rec.date.latest):
        m.guess, iv = iv, None
    m.lo, m.hi = iv if iv else (None, None)
    m.dated = iv is not None
    m.win = None
    if iv is None:
        # When did an undated event happen? Before its article for facts, after it for plans.
        anchor = _value_range(published) or interval(rec.reported)
        if anchor is not None:
            lo, hi = anchor
            m.win = (lo - UNDATED_WINDOW_DAYS, hi) if m.group == "F" else (lo, hi + UNDATED_WINDOW_DAYS)
    actors = [cache.actor(a) for a in rec.actor]
    recipients = [cache.actor(a) for a in rec.recipient]
    m.actor, m.recipient = tuple(a for a, _ in actors), tuple(a for a, _ in recipients)
    m.act = tuple(dict.fromkeys(e for _, e in actors))
    m.rec = tuple(dict.fromkeys(e for _, e in recipients))
    m.ents = (tuple(e for _, e in actors), tuple(e for _, e in recipients))   # parallel to actor, recipient
    m.directed = bool(m.act) and (m.type not in UNDIRECTED_TYPES or m.mode == "visit")
    m.uni = tuple(dict.fromkeys(m.act + m.rec))      # every participant once, whatever its side
    m.ukeys = tuple(sorted({e[0] for e in m.uni}))
    m.loc = _location_key(rec.location)
    m.location = cache.value("l", rec.location, _freeze(rec.location)) if rec.location else None
    q = rec.quantity or None
    m.unit = norm(q.get("unit")) if q and q.get("unit") else None
    m.quantity = q
    t = rec.date
    m.date = cache.value("t", t, (t.text, t.value, t.precision, t.earliest, t.latest, t.source)) if t else None
    # Most specific first: narrowest date, then most named people, then a known place.
    width = (m.hi - m.lo) if m.lo is not None else 10 ** 6
    people = sum(1 for e in m.uni if not e[2])
    m.order = (width, -people, m.loc is None, m.id)
    m.context = cache.value("c", tuple(rec.context or ()), tuple(rec.context or ()))
    m.confidence, m.cameo = rec.confidence, rec.cameo
    return m


# -- blocking --------------------------------------------------------------------

def _participant_countries(m: M) -> list[str]:
    """The country of each participant (its key when it has none), once per participant and side
    (someone named on both sides counts twice: each side may be what another report matches)."""
    return sorted(e[1] or e[0] for e in m.act + m.rec)


def blocking_keys(m: M) -> list[str]:
    """Keys shared by every pair of mentions that `compatible` may accept, sorted.

    Two reports of one event with two or more participants share at least two
    of them (or the actor and the recipient), so dated mentions are keyed by
    each pair of participant countries and month (`P`). A report naming a
    single participant is compared, in the `S` block of its country, with every
    mention of that country. An undated mention can only join a dated one with
    exactly its participants, so it is keyed by its whole participant set over
    the months of its window (`=`: the set of participant countries, which
    such a pair shares), and dated mentions carry that key too.
    Within one type and group the `=` keys sort before `P` before `S`, which
    `link` relies on.
    """
    span = m.span()
    if span is None or not m.ukeys:
        return []
    lo, hi = span
    if m.mode == "visit":
        lo, hi = lo - VISIT_GAP_DAYS, hi + VISIT_GAP_DAYS
    months = _months(lo, hi)
    head = f"{m.group}|{m.type}|"
    cs = _participant_countries(m)
    exact = "+".join(sorted(set(cs)))
    keys = [f"{head}={exact}|{mo}" for mo in months]
    if m.dated:
        pairs = {f"P|{cs[i]}|{cs[j]}" for i in range(len(cs)) for j in range(i + 1, len(cs))}
        pairs |= {f"S|{c}" for c in cs}
        keys += [f"{head}{pk}|{mo}" for pk in pairs for mo in months]
    return sorted(keys)


def _single(m: M) -> bool:
    return len(m.ukeys) == 1


def _sweep_range(m: M) -> tuple[int, int]:
    lo, hi = m.span()
    if m.mode == "visit":
        return lo - VISIT_GAP_DAYS, hi + VISIT_GAP_DAYS
    return lo, hi


# -- compatibility -------------------------------------------------------------------

def _places_ok(a: M, b: M) -> bool:
    if a.loc is None or b.loc is None:
        return True
    (ca, na), (cb, nb) = a.loc, b.loc
    if ca and cb and ca != cb:
        return False
    if na == nb or not na or not nb:
        return True
    if a.mode == "visit" or b.mode == "visit":
        return bool(ca and cb)        # one visit, several cities of the host country
    # a place named after a country taking part (e.g. "North Korea") is no city
    countries = {norm(x.name) for x in a.actor + a.recipient + b.actor + b.recipient if is_country_level(x)}
    return na in countries or nb in countries


def _participants_ok(a: M, b: M) -> bool:
    if a.directed and b.directed:
        if not _overlap(a.act, b.act):
            return False
        if a.rec and b.rec:
            return _overlap(a.rec, b.rec)
    ua, ub = a.uni, b.uni
    if not ua or not ub:
        return False
    # Two meetings of one man with two different people are two events: at least
    # two participants (or all, when one report names one) must be found, seen from
    # either side (so that the rule stays symmetric).
    need = min(2, len(ua), len(ub))
    return _matched(ua, ub) >= need and _matched(ub, ua) >= need


def _covers(us: tuple, ds: tuple) -> bool:
    """Are `us` exactly the participants `ds`, where a country in `ds` may stand for one of its people in `us`?"""
    def same(e, f):            # e from us, f from ds
        return e[0] == f[0] or (f[1] is not None and f[1] == e[1] and (f[2] or _by_role(e, f) or _by_role(f, e)))
    return all(any(same(e, f) for e in us) for f in ds) and all(any(same(e, f) for f in ds) for e in us)


def _exact_participants(u: M, d: M) -> bool:
    """An undated report `u` names exactly the participants of the dated one `d` (or the people behind its
    countries): the only way to tell which event it means."""
    if u.directed and d.directed and u.rec and d.rec:
        return _covers(u.act, d.act) and _covers(u.rec, d.rec)
    return _covers(u.uni, d.uni)


def compatible(a: M, b: M) -> bool:
    """Can these two mentions report the same real-world event? Symmetric."""
    if a.type != b.type or a.group != b.group:
        return False
    if a.mode and b.mode and a.mode != b.mode:
        return False
    if a.doc == b.doc:
        # one record per event per document: two records of one document are two
        # events, unless the extractor repeated itself exactly
        return a.signature() == b.signature()
    if a.unit and b.unit and a.unit != b.unit:
        return False
    if a.dated and b.dated:
        gap = max(a.lo, b.lo) - min(a.hi, b.hi)
        if gap > 0 and not (a.mode == "visit" and b.mode == "visit" and gap <= VISIT_GAP_DAYS):
            return False
    elif a.dated or b.dated:
        u, d = (a, b) if b.dated else (b, a)
        if u.win is None or d.hi < u.win[0] or d.lo > u.win[1]:
            return False
        if (a.modality in CONTESTED) != (b.modality in CONTESTED):
            return False
        # an undated report joins a dated event only on exactly the same participants
        if a.unit != b.unit or not _exact_participants(u, d):
            return False
    else:
        return False
    return _places_ok(a, b) and _participants_ok(a, b)


# -- the graph and its components ---------------------------------------------------

def link(ms: list[M]) -> list[list[int]]:
    """Adjacency lists (by position in `ms`) of the compatibility graph, found by blocking."""
    blocks: dict[str, list[int]] = defaultdict(list)
    views = [sweep_view(m) for m in ms]
    for i, (ks, _, _) in enumerate(views):
        for k in ks:
            blocks[k].append(i)
    adj: list[list[int]] = [[] for _ in ms]
    for k, members in blocks.items():
        for i, j in block_pairs(k, members, ms, views):
            adj[i].append(j)
            adj[j].append(i)
    return adj


def sweep_view(m: M) -> tuple[tuple[str, ...], tuple[int, int], bool]:
    """(sorted blocking keys, sweep range, single participant?) of a mention: what a block's sweep reads."""
    return tuple(blocking_keys(m)), (_sweep_range(m) if m.span() else (0, 0)), _single(m)


def block_pairs(k: str, members: list[int], ms, views) -> Iterator[tuple[int, int]]:
    """The compatible pairs (i, j) that block `k` decides: `members` are the positions (in `ms` and
    their `sweep_view`s in `views`) of the mentions keyed by `k`. A pair sharing several keys is
    only decided in its first common block, so that running every block once finds each edge once
    whatever process runs which block (`fuse.partitioned`)."""
    n = len(members)
    if n < 2:
        return
    # in a country's S block only single-participant reports need comparing
    s_block = k.split("|", 3)[2] == "S"
    if s_block and not any(views[i][2] for i in members):
        return
    members = sorted(members, key=lambda i: views[i][1][0])
    for x in range(n):
        i = members[x]
        ks_i, (_, hi_i), single_i = views[i]
        for y in range(x + 1, n):
            j = members[y]
            ks_j, (lo_j, _), single_j = views[j]
            if lo_j > hi_i:
                break
            if s_block and not (single_i or single_j):
                continue
            # a pair sharing several keys is judged once, in its first common block
            if ks_i[0] != k and ks_j[0] != k and _earlier_common(ks_i, ks_j, k):
                continue
            if compatible(ms[i], ms[j]):
                yield i, j


def _earlier_common(a: tuple, b: tuple, k: str) -> bool:
    """Do the sorted key tuples a and b share a key before k?"""
    for key in a:
        if key >= k:
            return False
        if key in b:
            return True
    return False


def components(n: int, adj: list[list[int]]) -> list[list[int]]:
    seen = [False] * n
    out = []
    for s in range(n):
        if seen[s]:
            continue
        seen[s] = True
        comp, stack = [s], [s]
        while stack:
            for j in adj[stack.pop()]:
                if not seen[j]:
                    seen[j] = True
                    comp.append(j)
                    stack.append(j)
        out.append(comp)
    return out


def _named(m: M) -> set[str]:
    """Keys of the people and organisations (not countries) a mention names."""
    return {e[0] for e in m.uni if not e[2]}


def _best_fit(i: int, fits: list[int], clusters: list[list[int]], ms: list[M]) -> int | None:
    """The one cluster a mention fits best, or None when it cannot tell them apart.

    A cluster sharing more named people or organisations with the mention wins
    over one that matches only through a country ("Shoigu visited" fits
    "Shoigu met Kang" better than "a Russian delegation arrived"); a tie means
    two distinct events it could be.
    """
    if len(fits) == 1:
        return fits[0]
    named = _named(ms[i])
    if not named:
        return None
    strength = sorted(((len(named & set().union(*(_named(ms[x]) for x in clusters[c]))), c) for c in fits),
                      reverse=True)
    if strength[0][0] > strength[1][0]:
        return strength[0][1]
    return None


def cluster(comp: list[int], ms: list[M], adj: list[list[int]]) -> list[list[int]]:
    """Complete-linkage clusters of one component, most specific mention first."""
    if len(comp) == 1:
        return [comp]
    clusters: list[list[int]] = []
    where: dict[int, int] = {}
    for i in sorted(comp, key=lambda i: ms[i].order):
        near = set(adj[i])
        fits = sorted(c for c in {where[j] for j in near if j in where}
                      if all(x in near for x in clusters[c]))
        best = _best_fit(i, fits, clusters, ms) if fits else None
        if best is not None:
            clusters[best].append(i)
            where[i] = best
        else:  # nothing, or several distinct events it could be: stand alone
            where[i] = len(clusters)
            clusters.append([i])
    return clusters


# -- building a fused event ------------------------------------------------------------

def fused_id(members: list[M], published: dict[str, str | None]) -> str:
    """Named after the first report of the event, so that the id stays when later sources join."""
    first = min(members, key=lambda m: (published.get(m.doc) or "9999", m.id))
    return "f-" + hashlib.sha1(first.id.encode("utf-8")).hexdigest()[:16]


def component_label(mention_ids: Iterable[str]) -> str:
    return "c-" + hashlib.sha1(min(mention_ids).encode("utf-8")).hexdigest()[:16]


def _date_label(lo: int, hi: int) -> tuple[str | None, str]:
    """The most precise value and precision naming the range [lo, hi]."""
    a, b = date.fromordinal(lo), date.fromordinal(hi)
    if lo == hi:
        return a.isoformat(), "day"
    if a.year == b.year and a.month == b.month:
        return a.isoformat()[:7], "month"
    if a.year == b.year:
        return str(a.year), "year"
    return None, "unresolved"


def _time(lo: int, hi: int, value: str | None, precision: str, text: str) -> TimeExpr:
    return TimeExpr(start=-1, end=-1, text=text, value=value, precision=precision,
                    earliest=_iso(lo), latest=_iso(hi))


def fuse_date(members: list[M]) -> tuple[TimeExpr | None, Conflict | None]:
    """The most precise date every source agrees with, or the span and a conflict."""
    dated = [m for m in members if m.dated]
    if not dated:
        return _inferred_date(members), None
    lo, hi = max(m.lo for m in dated), min(m.hi for m in dated)
    if lo <= hi:
        best = min(dated, key=lambda m: m.order)       # narrowest: its words and precision
        t = best.date
        if (lo, hi) == (best.lo, best.hi):
            return TimeExpr(-1, -1, t.text, t.value, t.precision, _iso(lo), _iso(hi), source=t.source), None
        value, precision = _date_label(lo, hi)
        return replace(_time(lo, hi, value, precision, t.text), source=t.source), None
    # Disjoint reports (the days of one visit): keep the span, list the minimal ranges.
    minimal = [m for m in dated if not any(o.lo >= m.lo and o.hi <= m.hi and (o.lo, o.hi) != (m.lo, m.hi)
                                           for o in dated)]
    values: dict[str, set[str]] = defaultdict(set)
    for m in minimal:
        values[m.date.value or f"{_iso(m.lo)}/{_iso(m.hi)}"].add(m.doc)
    keys = sorted(values)
    lo, hi = min(m.lo for m in dated), max(m.hi for m in dated)
    value, precision = _date_label(lo, hi)
    text = "; ".join(sorted({m.date.text for m in minimal if m.date.text}))
    return (replace(_time(lo, hi, value, precision, text), source=min(dated, key=lambda m: m.order).date.source),
            Conflict("date", keys, [sorted(values[k]) for k in keys]))


def _inferred_date(members: list[M]) -> TimeExpr | None:
    """No source states a time: the narrowest publication window of its reports, as it is."""
    guessed = [m for m in members if m.guess is not None]
    if not guessed:
        return None
    best = min(guessed, key=lambda m: (m.guess[1] - m.guess[0], m.id))
    return best.date


def _side_of(e: tuple, directed: list[M]) -> str | None:
    for m in directed:
        if any(same_entity(e, r) for r in m.rec):
            return "recipient"
    for m in directed:
        if any(same_entity(e, a) for a in m.act):
            return "actor"
    return None


def _copy(a: Actor) -> Actor:
    return Actor(a.name, a.country, a.type, a.id, a.role, a.code, a.text)


def fuse_actors(members: list[M]) -> tuple[list[Actor], list[Actor]]:
    """Union of the participants; a person or organisation replaces its country on the same side."""
    if len(members) == 1 and not any(e[2] for e in members[0].uni):
        m = members[0]
        return [_copy(a) for a in dict(zip((e[0] for e in m.ents[0]), m.actor)).values()], \
               [_copy(a) for a in dict(zip((e[0] for e in m.ents[1]), m.recipient)).values()]
    directed = [m for m in members if m.directed and m.rec]
    sides: dict[str, dict[str, tuple[tuple, Actor]]] = {"actor": {}, "recipient": {}}
    for m in members:
        keep = m.directed and m.rec
        for side, actors, ents in (("actor", m.actor, m.ents[0]), ("recipient", m.recipient, m.ents[1])):
            for a, e in zip(actors, ents):
                where = side if keep or side == "recipient" else (_side_of(e, directed) or side)
                sides[where].setdefault(e[0], (e, a))
    # someone named as recipient by a directed report is not also an actor
    for k in [k for k in sides["actor"] if k in sides["recipient"]]:
        del sides["actor"][k]
    for side in sides.values():
        named = {e[1] for e, _ in side.values() if not e[2] and e[1]}
        for k in [k for k, (e, _) in side.items() if e[2] and e[1] in named]:
            del side[k]
        # "le ministre russe" and Shoigu, defence minister on that day, are one participant
        for k in [k for k, (e, _) in side.items() if any(_by_role(e, f) for f, _ in side.values())]:
            del side[k]
    return [_copy(a) for _, a in sides["actor"].values()], [_copy(a) for _, a in sides["recipient"].values()]


def _pick(members: list[M], slot: str, value_of, key_of=lambda v: repr(_freeze(v))):
    """The value of the most specific mention, and a conflict if the sources give others."""
    seen: dict[str, tuple[object, set[str]]] = {}
    for m in members:
        v = value_of(m)
        if v is None:
            continue
        seen.setdefault(key_of(v), (v, set()))[1].add(m.doc)
    if not seen:
        return None, None
    first = next(iter(seen.values()))[0]
    if len(seen) == 1:
        return first, None
    keys = sorted(seen)
    return first, Conflict(slot, [seen[k][0] for k in keys], [sorted(seen[k][1]) for k in keys])


def _location_value(m: M):
    if not m.location or not (m.location.get("name") or m.location.get("country")):
        return None
    return m.location


def fuse_location(members: list[M]) -> tuple[dict | None, Conflict | None]:
    """A city rather than its country; different cities are a conflict."""
    if all(m.loc is None for m in members):
        return None, None
    countries = {norm(x.name) for m in members for x in m.actor + m.recipient if is_country_level(x)}
    locs = [m for m in members if m.loc is not None]
    specific = [m for m in locs if m.loc[1] and m.loc[1] not in countries]
    loc, conflict = _pick(specific or locs, "location", _location_value,
                          key_of=lambda v: (v.get("country") or "", norm(v.get("name"))))
    return (dict(loc) if loc else None), conflict


def fuse_modality(members: list[M]) -> tuple[str, Conflict | None]:
    by: dict[str, set[str]] = defaultdict(set)
    for m in members:
        by[m.modality].add(m.doc)
    ranked = sorted(by, key=lambda x: MODALITY_STRENGTH.index(x) if x in MODALITY_STRENGTH else 99)
    conflict = None
    if any(x in CONTESTED for x in by) and any(x not in CONTESTED for x in by):
        conflict = Conflict("modality", ranked, [sorted(by[x]) for x in ranked])
    return ranked[0], conflict


def build(members: list[M], published: dict[str, str | None]) -> FusedEvent:
    members = sorted(members, key=lambda m: m.order)
    conflicts = []
    date_, c = fuse_date(members)
    conflicts.append(c)
    location, c = fuse_location(members)
    conflicts.append(c)
    modality, c = fuse_modality(members)
    conflicts.append(c)
    quantity, c = _pick(members, "quantity", lambda m: m.quantity or None)
    conflicts.append(c)
    actor, recipient = fuse_actors(members)
    sources = sorted({m.doc for m in members})
    dates = sorted(p for p in (published.get(s) for s in sources) if p)
    # sources are independent witnesses: noisy-or of each document's best confidence
    per_doc: dict[str, float] = {}
    for m in members:
        per_doc[m.doc] = max(per_doc.get(m.doc, 0.0), float(m.confidence or 0.0))
    miss = 1.0
    for c_ in per_doc.values():
        miss *= 1.0 - min(max(c_, 0.0), 1.0)
    modes = [m.mode for m in members if m.mode]
    return FusedEvent(
        id=fused_id(members, published), event=members[0].type, mode=modes[0] if modes else None,
        context=sorted({c_ for m in members for c_ in (m.context or [])}),
        actor=actor, recipient=recipient, location=location, date=date_, modality=modality,
        mentions=sorted(m.id for m in members), sources=sources,
        first_reported=dates[0] if dates else None,
        conflicts=[c_ for c_ in conflicts if c_ is not None],
        quantity=quantity, cameo=next((m.cameo for m in members if m.cameo), None),
        confidence=min(1.0 - miss, 0.99) if len(per_doc) > 1 else 1.0 - miss,
    )


# -- entry points -----------------------------------------------------------------------

def checked_compact(rec: EventRecord, published: str | None, cache: Interner) -> M:
    """`compact`, refusing a mention without id (ValueError)."""
    if not rec.id:
        raise ValueError("the mention has no id")
    return compact(rec, published, cache)


def _compact_all(mentions: Iterable[EventRecord], published: dict[str, str | None]) -> list[M]:
    by_id: dict[str, M] = {}
    cache = Interner()
    for rec in mentions:
        try:
            m = checked_compact(rec, published.get(rec.doc), cache)
        except (ValueError, TypeError, AttributeError, KeyError) as exc:
            # one bad record must not lose the timeline: say which and go on
            print(f"fuse: skipped a mention of document {getattr(rec, 'doc', '?')}: {exc}", file=sys.stderr)
            continue
        old = by_id.get(m.id)
        # the same id twice: keep one, whichever order they came in
        if old is None or (m.doc, repr(m.signature())) < (old.doc, repr(old.signature())):
            by_id[m.id] = m
    return sorted(by_id.values(), key=lambda m: m.id)


def fuse_components(mentions: Iterable[EventRecord],
                    published: dict[str, str | None] | None = None) -> list[tuple[str, FusedEvent]]:
    """(component label, fused event) for every cluster; the labels let `update` find whole components."""
    published = published or {}
    return _fuse_compact(_compact_all(mentions, published), published)


def _fuse_compact(ms: list[M], published: dict[str, str | None]) -> list[tuple[str, FusedEvent]]:
    adj = link(ms)
    out = []
    for comp in components(len(ms), adj):
        label = component_label(ms[i].id for i in comp)
        for cl in cluster(comp, ms, adj):
            out.append((label, build([ms[i] for i in cl], published)))
    out.sort(key=lambda x: (_sort_date(x[1]), x[1].id))
    return out


def _sort_date(ev: FusedEvent) -> str:
    return (ev.date.earliest or ev.date.value or ev.date.latest or "9999") if ev.date else "9999"


def fuse(mentions: Iterable[EventRecord], published: dict[str, str | None] | None = None) -> list[FusedEvent]:
    """Fused timeline events, in date order. Pure: the same mentions in any order give the same events."""
    return [ev for _, ev in fuse_components(mentions, published)]


def _noting_ids(records: Iterable[EventRecord], ids: list[str]) -> Iterable[EventRecord]:
    for r in records:
        ids.append(r.id)
        yield r


def _keys_of(ids: list[str], ms: list[M]) -> dict[str, list[str]]:
    """Blocking keys of every stored mention id; a mention that could not be read gets none."""
    keys: dict[str, list[str]] = {i: [] for i in ids}
    keys.update((m.id, blocking_keys(m)) for m in ms)
    return keys


def refuse_all(store) -> None:
    """Throw the timeline away and fuse every stored mention again."""
    published = store.published_dates()
    seen: list[str] = []
    ms = _compact_all(_noting_ids(store.mentions(), seen), published)   # streamed: no list of records
    pairs = _fuse_compact(ms, published)
    # one transaction: readers keep seeing the old timeline until the new one is whole, and a
    # crash leaves the old one (and the documents marked unfused) in place
    with store.transaction():
        store.set_mention_keys(_keys_of(seen, ms), replace_all=True)
        store.clear_fused()
        store.replace_fused([], [ev for _, ev in pairs], {ev.id: label for label, ev in pairs})
        store.set_meta("fusion_keys", KEYS_VERSION)
        store.mark_fused()
        faults.point("fusing")


def update(store, doc_ids: set[str]) -> None:
    """Re-fuse what the documents `doc_ids` (just saved, new or changed) touch.

    The result is the same as `refuse_all`: the components of the blocking graph
    that contain the documents' mentions, or that contained mentions the
    documents had before, are found again in full and re-fused; nothing else
    can have changed.
    """
    doc_ids = set(doc_ids)
    if not doc_ids:
        return
    if store.get_meta("fusion_keys") != KEYS_VERSION or store.needs_refuse(ignore_docs=doc_ids):
        refuse_all(store)
        return
    new = list(store.mentions(doc_ids))
    published = store.published_dates(doc_ids)
    new_ms = _compact_all(new, published)
    with store.transaction():        # keys, fused events and the documents' state change together
        store.set_mention_keys(_keys_of([r.id for r in new], new_ms))
        _update(store, doc_ids, new_ms)
        store.mark_fused(doc_ids)
        faults.point("fusing")


def _update(store, doc_ids: set[str], new_ms: list[M]) -> None:
    # Events that used the documents' old mentions, and every event of their components.
    stale = store.fused_ids_for_docs(doc_ids) | store.fused_ids_for_mentions(m.id for m in new_ms)
    labels = store.components_of(stale)
    stale |= store.fused_ids_in_components(labels)
    seeds = {m.id for m in new_ms} | store.mention_ids_of_fused(stale)
    closure = _closure(store, seeds)
    stale |= store.fused_ids_for_mentions(closure)
    records = store.mentions_by_id(closure)
    published = store.published_dates({r.doc for r in records})
    pairs = fuse_components(records, published)
    store.replace_fused(stale, [ev for _, ev in pairs], {ev.id: label for label, ev in pairs})


def _closure(store, seeds: set[str]) -> set[str]:
    """Every stored mention connected to `seeds` in the compatibility graph."""
    loaded: dict[str, M] = {}
    published: dict[str, str | None] = {}
    cache = Interner()

    def load(ids: set[str]) -> list[M]:
        recs = store.mentions_by_id(ids)
        missing = {r.doc for r in recs} - published.keys()
        if missing:
            published.update(store.published_dates(missing))
        out = [compact(r, published.get(r.doc), cache) for r in recs]
        for m in out:
            loaded[m.id] = m
        return out

    reached = {m.id for m in load(set(seeds))}
    frontier = list(reached)
    while frontier:
        keys = {k for i in frontier for k in blocking_keys(loaded[i])}
        by_key = store.mentions_with_keys(keys)
        unknown = {mid for ids in by_key.values() for mid in ids} - loaded.keys()
        if unknown:
            load(unknown)
        nxt = []
        for i in frontier:
            a = loaded[i]
            for k in blocking_keys(a):
                for j in by_key.get(k, ()):
                    if j not in reached and j in loaded and compatible(a, loaded[j]):
                        reached.add(j)
                        nxt.append(j)
        frontier = nxt
    return reached
