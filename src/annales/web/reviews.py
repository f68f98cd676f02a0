"""Reviews over the web: the event page's edit / reject / merge / split forms and their API twin.

Writes exist only on a server started with --writable (guard.py refuses them otherwise, and
refuses other origins); each needs the per-start token, which the event page puts in a hidden
field of its forms (a page elsewhere cannot read it) and API clients send as X-Annales-Token.
"""
from __future__ import annotations

import json
import sqlite3
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from .. import review
from ..store import Store
from . import params
from .app import get_db, render, urlid
from .queries import Filters

router = APIRouter()


def reviewed_filters(f: Filters = Depends(params.filters),
                     original: bool = Query(False, description="the machine's timeline, before the analyst's "
                                                               "reviews")) -> Filters:
    """The timeline filters, with the choice between the reviewed timeline and the machine's."""
    f.original = original
    return f


def page_token(request: Request) -> str | None:
    """The token for the forms of a page, on a writable server only."""
    return request.app.state.guard.token if request.app.state.writable else None


def _split_names(value: str | None) -> list[str] | None:
    names = [n.strip() for n in (value or "").split(";") if n.strip()]
    return names or None


def _fields(form: dict) -> dict:
    """Edit fields from form or JSON values ('' means: leave as it is)."""
    get = lambda k: (form.get(k) or "").strip() or None  # noqa: E731
    actors = form.get("actors")
    recipients = form.get("recipients")
    return review.edit_fields(
        get("type"), actors if isinstance(actors, list) else _split_names(actors),
        recipients if isinstance(recipients, list) else _split_names(recipients),
        get("date"), get("place"), get("place_country"), get("modality"))


def _apply(db_path: str, form: dict) -> dict:
    action = (form.get("action") or "").strip()
    event_id = (form.get("event") or "").strip()
    if not event_id:
        raise HTTPException(422, "parameter 'event': the timeline event to review is missing")
    store = Store(db_path)
    try:
        fields = _fields(form) if action == "edit" else None
        mentions = form.get("mentions")
        if isinstance(mentions, str):
            mentions = [mentions]
        return review.add(store, action, event_id, who=(form.get("who") or "").strip() or "web",
                          note=(form.get("note") or "").strip() or None, fields=fields,
                          other=(form.get("other") or "").strip() or None, mentions=mentions or None)
    except review.ReviewError as exc:
        raise HTTPException(422, str(exc)) from None
    finally:
        store.close()


async def _write(request: Request, form: dict, given_token: str | None) -> dict:
    g = request.app.state.guard
    if not request.app.state.writable:
        raise HTTPException(403, "this server is read-only (start it with `annales serve --writable`)")
    g.check_token(given_token)
    return await run_in_threadpool(_apply, request.app.state.db_path, form)


@router.post("/reviews", include_in_schema=False)
async def review_form(request: Request):
    """The event page's forms (application/x-www-form-urlencoded, the token in a hidden field)."""
    body = await request.app.state.guard.body(request)
    fields = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
    form = {k: (v if k == "mentions" else v[-1]) for k, v in fields.items()}
    r = await _write(request, form, form.get("token") or request.headers.get("x-annales-token"))
    target = r["applied_to"] or r["fused"]
    return RedirectResponse(f"/events/{urlid(target)}", status_code=303)


@router.post("/api/reviews", tags=["api"], summary="Review a timeline event (only when the server runs with "
                                                     "--writable; header X-Annales-Token)")
async def api_review(request: Request) -> dict:
    """JSON body: `event`, `action` (reject, confirm, edit, merge, split), optional `who`, `note`;
    for edit `type`, `actors` and `recipients` (lists of names), `date`, `place`, `place_country`,
    `modality`; for merge `other` (the event to merge in); for split `mentions` (ids to take out)."""
    body = await request.app.state.guard.body(request)
    try:
        form = json.loads(body or b"{}")
    except ValueError:
        raise params.bad("body", "the request body is not JSON") from None
    if not isinstance(form, dict):
        raise params.bad("body", "the request body must be a JSON object")
    _check_types(form)
    return await _write(request, form, request.headers.get("x-annales-token"))


NAME_LISTS = ("actors", "recipients", "mentions")     # a list of strings, or one string


def _check_types(form: dict) -> None:
    """A JSON review carries strings (and lists of strings for NAME_LISTS): any other value is a
    422 naming its field, not a crash further down."""
    for key, value in form.items():
        if value is None or isinstance(value, str):
            continue
        if key in NAME_LISTS and isinstance(value, list) and all(isinstance(v, str) for v in value):
            continue
        wanted = "a string or a list of strings" if key in NAME_LISTS else "a string"
        raise params.bad(key, f"expected {wanted}, got {type(value).__name__}")


@router.get("/api/reviews", tags=["api"], summary="Every review, oldest first, and whether it still applies")
def api_reviews(event: str | None = Query(None, description="only the reviews of this timeline event"),
                db: sqlite3.Connection = Depends(get_db)) -> dict:
    rows = review.log(db, params.text("event", event))
    return {"total": len(rows), "items": rows}


@router.get("/reviews", response_class=HTMLResponse, include_in_schema=False)
def reviews_page(request: Request, db: sqlite3.Connection = Depends(get_db)):
    rows = review.log(db)
    return render(request, "reviews.html", reviews=[{**r, "line": review.describe(r)} for r in rows])
