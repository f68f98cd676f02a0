"""An analyst's reviews of the timeline: reject, confirm, edit, merge, split.

A review is data (the `reviews` table), laid over extraction and fusion: after every
fusion the store restores the machine's events and applies every review again, so the
timeline, the event pages, the API and the exports all show the reviewed state, and the
machine's original stays beside it (`fused_events.original`).

A review names the event it was made on and the mentions behind it. Fusion may rename,
merge or split events, so a review finds its event again through those mentions: by id,
or, when a changed article was extracted again (ids hash offsets), by the same event type
in the same sentence of the same document. A review whose mentions all vanished no longer
applies: it is kept, marked `orphaned`, and reported, never dropped.

Structural reviews (merge, split) apply first, in the order they were made; then the
others (reject, confirm, edit), so an edit made on a merged event holds on the merged one.
"""
from __future__ import annotations

import getpass
import hashlib
import json
import re
import sqlite3
from calendar import monthrange
from datetime import datetime, timezone

from .model import EVENT_TYPES, MODALITIES

ACTIONS = ("reject", "confirm", "edit", "merge", "split")
STRUCTURAL = ("merge", "split")
EDIT_FIELDS = ("event", "actor", "recipient", "date", "location", "modality")
HIDDEN = ("rejected", "merged")
VANISHED = "its mentions vanished (the articles changed or were removed)"


class ReviewError(ValueError):
    """A review that cannot be made (unknown event, bad field value); the message says why."""


def default_who() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in this environment
        return "analyst"


# -- the mentions a review is made on ----------------------------------------------------

def fingerprint(rec: dict) -> str:
    """What identifies a mention across re-extraction: its document, type and first sentence."""
    evidence = (rec.get("evidence") or [{}])[0].get("text") or ""
    key = f"{rec.get('doc')}|{rec.get('event')}|{' '.join(evidence.lower().split())}"
    return hashlib.sha1(key.encode()).hexdigest()[:16]


def _marks(db: sqlite3.Connection, mention_ids) -> list[dict]:
    out = []
    for mid in mention_ids:
        row = db.execute("SELECT doc, record FROM mentions WHERE id = ?", (mid,)).fetchone()
        if row is None:
            raise ReviewError(f"no mention {mid!r} in the store")
        out.append({"id": mid, "doc": row[0], "fp": fingerprint(json.loads(row[1]))})
    return out


def _resolve_marks(db: sqlite3.Connection, marks: list[dict]) -> list[str]:
    """The mentions stored now that the marks point at (vanished ones left out)."""
    out = []
    for m in marks:
        if db.execute("SELECT 1 FROM mentions WHERE id = ?", (m["id"],)).fetchone():
            out.append(m["id"])
            continue
        for mid, record in db.execute("SELECT id, record FROM mentions WHERE doc = ?", (m["doc"],)):
            if fingerprint(json.loads(record)) == m["fp"]:
                out.append(mid)
                break
    return out


# -- the event a review applies to -----------------------------------------------------

def current_event(db: sqlite3.Connection, event_id: str) -> sqlite3.Row | None:
    """The timeline row for an id, following the aliases fusion leaves for replaced ids."""
    from .store import current_id

    now = current_id(db, event_id)
    if now is None:
        return None
    return db.execute("SELECT * FROM fused_events WHERE id = ?", (now,)).fetchone()


class _Owners:
    """Which event holds each mention while reviews apply (merges and splits move them)."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db
        self.moved: dict[str, str] = {}

    def of(self, mid: str) -> str | None:
        if mid in self.moved:
            return self.moved[mid]
        row = self.db.execute("""SELECT fm.fused FROM fused_mentions fm JOIN fused_events f ON f.id = fm.fused
                                 WHERE fm.mention = ? AND f.made_by IS NULL
                                 ORDER BY fm.fused LIMIT 1""", (mid,)).fetchone()
        return row[0] if row else None

    def event_of(self, mids: list[str], hint: str | None) -> str | None:
        """The event holding most of `mids`; on a tie the one the review was made on."""
        counts: dict[str, int] = {}
        for mid in mids:
            owner = self.of(mid)
            if owner:
                counts[owner] = counts.get(owner, 0) + 1
        if not counts:
            return None
        return min(counts, key=lambda e: (-counts[e], e != hint, e))


# -- writing a reviewed row ----------------------------------------------------------------

def _row_record(db: sqlite3.Connection, fid: str) -> tuple[dict, str | None]:
    row = db.execute("SELECT record, review FROM fused_events WHERE id = ?", (fid,)).fetchone()
    return json.loads(row[0]), row[1]


def write_row(db: sqlite3.Connection, fid: str, rec: dict, state: str | None, keep_original: bool = True) -> None:
    """Rewrite one timeline row (its columns and actors) from `rec`, in reviewed state `state`;
    the machine's record is kept in `original` the first time a review touches the row."""
    from .store import actor_key

    date = rec.get("date") or {}
    if keep_original:
        db.execute("UPDATE fused_events SET original = record WHERE id = ? AND original IS NULL", (fid,))
    else:
        db.execute("UPDATE fused_events SET original = NULL WHERE id = ?", (fid,))
    db.execute("""UPDATE fused_events SET event = ?, mode = ?, modality = ?, date_value = ?, date_earliest = ?,
                  date_latest = ?, n_mentions = ?, n_sources = ?, has_conflicts = ?, record = ?, review = ?
                  WHERE id = ?""",
               (rec.get("event"), rec.get("mode"), rec.get("modality"), date.get("value"), date.get("earliest"),
                date.get("latest"), len(rec.get("mentions") or []), len(rec.get("sources") or []),
                1 if rec.get("conflicts") else 0, json.dumps(rec, ensure_ascii=False), state, fid))
    db.execute("DELETE FROM fused_actors WHERE fused = ?", (fid,))
    if state in HIDDEN:
        return                        # out of the timeline: no actor pages, filters or network
    for side in ("actor", "recipient"):
        for a in rec.get(side) or []:
            db.execute("INSERT INTO fused_actors VALUES (?,?,?,?,?,?)",
                       (fid, side, actor_key(a), a.get("name") or "", a.get("country"), a.get("type")))


def _mark(rec: dict, state: str, review_id: int) -> dict:
    rec["reviewed"] = True
    info = rec.get("review") or {"state": state, "reviews": []}
    info["state"] = state
    if review_id not in info["reviews"]:
        info["reviews"].append(review_id)
    rec["review"] = info
    return rec


def _restore(db: sqlite3.Connection) -> None:
    """The machine's timeline back: review-made rows removed, reviewed rows as fusion wrote them."""
    # every row a review touched has a review state (the partial index finds them without a scan)
    db.execute("DELETE FROM fused_events WHERE review IS NOT NULL AND made_by IS NOT NULL")
    for fid, original in db.execute("SELECT id, original FROM fused_events WHERE review IS NOT NULL").fetchall():
        if original:
            write_row(db, fid, json.loads(original), None, keep_original=False)
        else:
            db.execute("UPDATE fused_events SET review = NULL WHERE id = ?", (fid,))


def _rebuild(store, mention_ids: list[str], keep_id: str) -> dict:
    """A timeline event made by fusion's own rules from exactly these mentions."""
    from . import fuse

    recs = store.mentions_by_id(mention_ids)
    published = store.published_dates({r.doc for r in recs})
    ev = fuse.build([fuse.compact(r, published.get(r.doc)) for r in recs], published).to_dict()
    ev["id"] = keep_id
    return ev


# -- applying ------------------------------------------------------------------------------

def apply(store) -> list[dict]:
    """Restore the machine's timeline and apply every review again, in one transaction.
    Returns the reviews that stopped applying (their mentions vanished) since they last applied."""
    db = store.db
    newly_orphaned = []
    with store.transaction():
        _restore(db)
        owners = _Owners(db)
        rows = db.execute("SELECT * FROM reviews ORDER BY id").fetchall()
        ordered = [r for r in rows if r["action"] in STRUCTURAL] + [r for r in rows if r["action"] not in STRUCTURAL]
        for r in ordered:
            target, problem = _apply_one(store, r, owners)
            status = "orphaned" if problem else "applied"
            if status == "orphaned" and r["status"] != "orphaned":
                newly_orphaned.append({**dict(r), "problem": problem})
            db.execute("UPDATE reviews SET status = ?, applied_to = ?, problem = ? WHERE id = ?",
                       (status, target, problem, r["id"]))
    return newly_orphaned


def _apply_one(store, r: sqlite3.Row, owners: _Owners) -> tuple[str | None, str | None]:
    """(the event it applied to, why it could not apply)."""
    db = store.db
    target = json.loads(r["target"])
    payload = json.loads(r["payload"] or "{}")
    mids = _resolve_marks(db, target)
    fid = owners.event_of(mids, r["fused"])
    if fid is None:
        return None, VANISHED
    if r["action"] == "merge":
        return _merge(store, r, fid, payload, owners)
    if r["action"] == "split":
        return _split(store, r, fid, payload, owners)
    rec, state = _row_record(db, fid)
    if r["action"] == "reject":
        state = "rejected"
    elif r["action"] == "confirm":
        state = "confirmed" if state in (None, "rejected", "confirmed") else state
    else:
        if payload.get("event") and payload["event"] != rec.get("event"):
            # the machine's mode and CAMEO code belong to the type it chose, not to the corrected one
            rec["mode"], rec["cameo"] = None, None
        rec.update(payload)
        state = state if state in HIDDEN else _changed(state)
    write_row(db, fid, _mark(rec, state, r["id"]), state)
    return fid, None


def _merge(store, r, fid: str, payload: dict, owners: _Owners):
    db = store.db
    other_mids = _resolve_marks(db, payload.get("with") or [])
    other = owners.event_of(other_mids, payload.get("with_fused"))
    if other is None:
        return None, "the event to merge with: " + VANISHED
    if other == fid:
        return fid, None              # fusion already made them one
    rec, state = _row_record(db, fid)
    orec, ostate = _row_record(db, other)
    mids = sorted(set(rec.get("mentions") or []) | set(orec.get("mentions") or []))
    merged = _rebuild(store, mids, fid)
    merged["merged_from"] = sorted(set(rec.get("merged_from") or []) | {other})
    state = _changed(state)
    write_row(db, fid, _mark(merged, state, r["id"]), state)
    write_row(db, other, _mark({**orec, "merged_into": fid}, "merged", r["id"]), "merged")
    for mid in orec.get("mentions") or []:
        owners.moved[mid] = fid
    return fid, None


def _changed(state: str | None) -> str:
    """The state of an event whose content a review changed: a part made by a split stays one."""
    return "split" if state == "split" else "edited"


def _split(store, r, fid: str, payload: dict, owners: _Owners):
    db = store.db
    rec, state = _row_record(db, fid)
    have = set(rec.get("mentions") or [])
    part = sorted(set(_resolve_marks(db, payload.get("mentions") or [])) & have)
    if not part:
        return None, "the mentions to split off: " + VANISHED
    if len(part) == len(have):
        return fid, None              # nothing left to split from
    new_id = f"{r['fused']}~split{r['id']}"
    rest = _rebuild(store, sorted(have - set(part)), fid)
    state = _changed(state)
    write_row(db, fid, _mark(rest, state, r["id"]), state)
    piece = _mark(_rebuild(store, part, new_id), "split", r["id"])
    piece["split_from"] = fid
    component = db.execute("SELECT component FROM fused_events WHERE id = ?", (fid,)).fetchone()[0]
    db.execute("""INSERT OR REPLACE INTO fused_events (id, event, n_mentions, n_sources, record, component, made_by)
                  VALUES (?, ?, 0, 0, '{}', ?, ?)""", (new_id, piece["event"], component, r["id"]))
    # the part's mentions stay in the machine's event too: fusion finds them there next time
    db.executemany("INSERT OR IGNORE INTO fused_mentions VALUES (?,?)", [(new_id, m) for m in part])
    write_row(db, new_id, piece, "split", keep_original=False)
    for mid in part:
        owners.moved[mid] = new_id
    return new_id, None


# -- making reviews --------------------------------------------------------------------------

def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def add(store, action: str, event_id: str, who: str | None = None, note: str | None = None,
        fields: dict | None = None, other: str | None = None, mentions: list[str] | None = None) -> dict:
    """Record a review of the timeline event `event_id` and apply it; the review as `log` shows it.

    `fields` are the edits (see `edit_fields`), `other` the event to merge with, `mentions` the
    mention ids a split takes out into an event of their own."""
    if action not in ACTIONS:
        raise ReviewError(f"unknown review action {action!r} (one of {', '.join(ACTIONS)})")
    db = store.db
    row = current_event(db, event_id)
    if row is None:
        raise ReviewError(f"no timeline event {event_id!r}")
    rec = json.loads(row["record"])
    payload: dict = {}
    if action == "edit":
        if not fields:
            raise ReviewError("an edit needs at least one field to change (type, actors, date, place, modality)")
        payload = fields
    elif action == "merge":
        other_row = current_event(db, other or "")
        if other_row is None:
            raise ReviewError(f"no timeline event {other!r} to merge with")
        if other_row["id"] == row["id"]:
            raise ReviewError("an event cannot be merged with itself")
        payload = {"with_fused": other_row["id"],
                   "with": _marks(db, json.loads(other_row["record"]).get("mentions") or [])}
    elif action == "split":
        have = set(rec.get("mentions") or [])
        wrong = [m for m in mentions or [] if m not in have]
        if not mentions or wrong:
            raise ReviewError(f"a split takes some of the event's mentions ({', '.join(sorted(have))}); "
                              f"not {', '.join(wrong) or 'none'}")
        if set(mentions) == have:
            raise ReviewError("a split must leave at least one mention in the event")
        payload = {"mentions": _marks(db, mentions)}
    with store.transaction():
        cur = db.execute("INSERT INTO reviews (who, at, action, fused, target, payload, note) VALUES (?,?,?,?,?,?,?)",
                         (who or default_who(), _now(), action, row["id"],
                          json.dumps(_marks(db, rec.get("mentions") or [])),
                          json.dumps(payload, ensure_ascii=False), note))
        review_id = cur.lastrowid
        apply(store)
    return get(db, review_id)


def get(db: sqlite3.Connection, review_id: int) -> dict | None:
    row = db.execute("SELECT * FROM reviews WHERE id = ?", (review_id,)).fetchone()
    return _review_dict(row) if row else None


def _review_dict(row: sqlite3.Row) -> dict:
    d = dict(row)
    d["target"] = json.loads(d["target"])
    d["payload"] = json.loads(d["payload"] or "{}")
    return d


def log(db: sqlite3.Connection, event_id: str | None = None) -> list[dict]:
    """Every review, oldest first (those of one event, when given), with whether it still applies."""
    try:
        rows = db.execute("SELECT * FROM reviews ORDER BY id").fetchall()
    except sqlite3.OperationalError:      # a store from before reviews, opened read-only
        return []
    out = [_review_dict(r) for r in rows]
    if event_id:
        out = [r for r in out if event_id in (r["applied_to"], r["fused"])]
    return out


def describe(r: dict) -> str:
    """One line of `annales review log`."""
    what = r["action"]
    p = r["payload"]
    if what == "edit":
        what += " " + ", ".join(f"{k}={_short(v)}" for k, v in p.items())
    elif what == "merge":
        what += f" with {p.get('with_fused')}"
    elif what == "split":
        what += f" off {', '.join(m['id'] for m in p.get('mentions') or [])}"
    where = r["applied_to"] or r["fused"]
    state = "applies to " + where if r["status"] == "applied" else f"NO LONGER APPLIES ({r.get('problem')})"
    note = f"  note: {r['note']}" if r.get("note") else ""
    return f"#{r['id']}  {r['at']}  {r['who']}  {what}  [made on {r['fused']}; {state}]{note}"


def _short(v) -> str:
    if isinstance(v, list):
        return "[" + "; ".join(a.get("name") or "?" for a in v) + "]"
    if isinstance(v, dict):
        return v.get("value") or v.get("name") or json.dumps(v, ensure_ascii=False)
    return str(v)


# -- field values, from a command line or a form --------------------------------------------

_DAY = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def parse_date(text: str) -> dict:
    """'2023-07-26', '2023-07', '2023' or 'A..B' as an EVENTS.md date object."""
    text = text.strip()
    if ".." in text:
        lo, hi = (s.strip() for s in text.split("..", 1))
        a, b = parse_date(lo), parse_date(hi)
        if a["earliest"] > b["latest"]:
            raise ReviewError(f"date range {text!r} ends before it starts")
        return {"value": None, "precision": "range", "earliest": a["earliest"], "latest": b["latest"],
                "text": text}
    if not _DAY.match(text):
        raise ReviewError(f"date {text!r} is not YYYY, YYYY-MM, YYYY-MM-DD or A..B")
    parts = [int(x) for x in text.split("-")]
    try:
        if len(parts) == 3:
            datetime(*parts)
            return {"value": text, "precision": "day", "earliest": text, "latest": text, "text": text}
        if len(parts) == 2:
            last = monthrange(parts[0], parts[1])[1]
            return {"value": text, "precision": "month", "earliest": f"{text}-01", "latest": f"{text}-{last:02d}",
                    "text": text}
    except ValueError:
        raise ReviewError(f"date {text!r} does not exist") from None
    return {"value": text, "precision": "year", "earliest": f"{text}-01-01", "latest": f"{text}-12-31", "text": text}


def actor_from_name(name: str, date: str | None = None, kb=None) -> dict:
    """An actor dict for a name the analyst typed: linked to the knowledge base when the name
    is known there (role as held on `date`), else unlinked; 'Name (ISO3)' gives the country."""
    from .actors.kb import KnowledgeBase

    m = re.match(r"^(.*?)\s*\(([A-Za-z]{3})\)\s*$", name)
    country = m.group(2).upper() if m else None
    name = (m.group(1) if m else name).strip()
    if not name:
        raise ReviewError("an actor needs a name")
    kb = kb or KnowledgeBase.load()
    found = [e for e in kb.lookup(name) if not country or e.country == country]
    if found:
        return found[0].to_actor(name, date).to_dict()
    return {"name": name, "country": country, "type": "person", "id": None, "role": None, "code": None,
            "text": name}


def edit_fields(event_type: str | None = None, actors: list[str] | None = None,
                recipients: list[str] | None = None, date: str | None = None, place: str | None = None,
                place_country: str | None = None, modality: str | None = None, kb=None) -> dict:
    """The payload of an edit, from plain values (checked: a clear error says what is wrong)."""
    out: dict = {}
    if event_type:
        if event_type.upper() not in EVENT_TYPES:
            raise ReviewError(f"unknown event type {event_type!r} (one of {', '.join(EVENT_TYPES)})")
        out["event"] = event_type.upper()
    if date:
        out["date"] = parse_date(date)
    on = (out.get("date") or {}).get("earliest")
    if actors:
        out["actor"] = [actor_from_name(a, on, kb) for a in actors]
    if recipients:
        out["recipient"] = [actor_from_name(a, on, kb) for a in recipients]
    if place or place_country:
        if place_country and not re.match(r"^[A-Za-z]{3}$", place_country):
            raise ReviewError(f"place country {place_country!r} is not an ISO 3166-1 alpha-3 code")
        out["location"] = {"name": (place or "").strip() or None,
                           "country": place_country.upper() if place_country else None}
    if modality:
        if modality not in MODALITIES:
            raise ReviewError(f"unknown modality {modality!r} (one of {', '.join(MODALITIES)})")
        out["modality"] = modality
    return out
