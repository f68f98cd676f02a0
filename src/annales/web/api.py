"""The JSON API: the data behind every page, with the same filters and pagination."""
from __future__ import annotations

import hashlib
import sqlite3

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from ..model import RawDoc
from ..store import Store, current_id
from . import kb, params, queries
from .app import export_response, get_db
from .queries import Filters
from .reviews import reviewed_filters

router = APIRouter(prefix="/api", tags=["api"])


@router.get("/events", summary="Timeline events, chronological, filtered and paginated")
def api_events(f: Filters = Depends(reviewed_filters), limit: int = params.limit_param(),
               offset: int = params.offset_param(), db: sqlite3.Connection = Depends(get_db)) -> dict:
    return {"filters": f.query(), **queries.events(db, f, limit, offset)}


@router.get("/periods", summary="Event counts per year or month (the timeline's zoom control)")
def api_periods(f: Filters = Depends(reviewed_filters),
                group: str = Query("year", description="year or month"),
                db: sqlite3.Connection = Depends(get_db)) -> dict:
    group = params.choice("group", group, ("year", "month"), "year")
    return {"group": group, "filters": f.query(),
            "periods": queries.fill_periods(queries.histogram(db, f, group), group)}


@router.get("/days", summary="The most important days, best first, each with its summary, events and sources")
def api_days(request: Request, f: Filters = Depends(params.filters),
             top: int = Query(10, ge=1, le=500, description="how many days"),
             lang: str | None = Query(None, description="language of the generated wording: en or fr "
                                                        "(default: the corpus' language)")) -> dict:
    from ..fuse.days import top_days

    lang = params.choice("lang", lang, ("en", "fr"), "") or None
    store = Store(request.app.state.db_path, readonly=True)
    try:
        days = [d.to_dict() for d in top_days(store, top, lang, f.as_dict())]
    finally:
        store.close()
    return {"filters": f.query(), "top": top, "days": days}


@router.get("/events/{event_id:path}", summary="One timeline event with its mentions and their evidence")
def api_event(request: Request, event_id: str,
              original: bool = Query(False, description="the machine's event, before the analyst's reviews"),
              db: sqlite3.Connection = Depends(get_db)):
    ev = queries.event(db, event_id, original=original)
    if ev is None:
        moved = current_id(db, event_id)
        if moved:                        # fusion merged or renamed it: follow to its successor
            return RedirectResponse(request.url_for("api_event", event_id=moved), status_code=308)
        raise HTTPException(404, f"no event {event_id!r}")
    return ev


@router.get("/actors", summary="Actors, most eventful first")
def api_actors(q: str | None = Query(None, description="part of a name, or an id"),
               country: str | None = Query(None, description="ISO 3166-1 alpha-3"),
               type: str | None = Query(None, description="person, organization, country or group"),  # noqa: A002
               limit: int = params.limit_param(), offset: int = params.offset_param(),
               db: sqlite3.Connection = Depends(get_db)) -> dict:
    kind = params.choice("type", type, ("person", "organization", "country", "group"), "") or None
    return queries.actors(db, q=params.text("q", q), country=params.check_country("country", country),
                          kind=kind, limit=limit, offset=offset)


@router.get("/actors/{actor_id:path}", summary="One actor: role history, events over time, partners, events")
def api_actor(actor_id: str, group: str = Query("year", description="year or month"),
              limit: int = params.limit_param(), offset: int = params.offset_param(),
              db: sqlite3.Connection = Depends(get_db)) -> dict:
    group = params.choice("group", group, ("year", "month"), "year")
    a = queries.actor(db, actor_id, group)
    if a is None:
        raise HTTPException(404, f"no actor {actor_id!r}")
    a["periods"] = queries.fill_periods(a["periods"], group)
    a["roles"] = kb.roles(actor_id)
    a["events"] = queries.actor_events(db, actor_id, limit, offset)
    return a


@router.get("/documents", summary="Stored documents, by publication date")
def api_documents(date_from: str | None = Query(None, alias="from", description="published on or after"),
                  date_to: str | None = Query(None, alias="to", description="published on or before"),
                  source: str | None = Query(None, description="a document id or an outlet"),
                  language: str | None = Query(None, description="ISO 639-1 code"),
                  limit: int = params.limit_param(), offset: int = params.offset_param(),
                  db: sqlite3.Connection = Depends(get_db)) -> dict:
    return queries.documents(db, params.partial_date("from", date_from), params.partial_date("to", date_to),
                             params.text("source", source), params.text("language", language), limit, offset)


@router.get("/documents/{doc_id:path}", summary="One document: metadata, cleaned text, its events")
def api_document(doc_id: str, db: sqlite3.Connection = Depends(get_db)) -> dict:
    doc = queries.document(db, doc_id)
    if doc is None:
        raise HTTPException(404, f"no document {doc_id!r}")
    return doc


@router.get("/network", summary="Actors linked by the number of events they share")
def api_network(f: Filters = Depends(params.filters), limit: int = params.limit_param(),
                min_weight: int = params.weight_param(),
                db: sqlite3.Connection = Depends(get_db)) -> dict:
    return {"filters": f.query(), **queries.network(db, f, limit, min_weight)}


@router.get("/search", summary="Full-text search over articles and event evidence; actors by name")
def api_search(q: str = Query(..., description="words to find (all must appear)"),
               limit: int = params.limit_param(20), offset: int = params.offset_param(),
               db: sqlite3.Connection = Depends(get_db)) -> dict:
    q = params.text("q", q)
    if q is None or queries.fts_query(q) is None:
        raise params.bad("q", "give at least one word to search for")
    return queries.search(db, q, limit, offset)


@router.get("/export/{fmt}", summary="The filtered timeline as a file (jsonl, csv, parquet, plover, gdelt, "
                                     "timelinejs, graphml, gexf)")
def api_export(request: Request, fmt: str, f: Filters = Depends(reviewed_filters),
               what: str = Query("events", description="events (the timeline) or mentions")):
    what = params.choice("what", what, ("events", "mentions"), "events")
    return export_response(request.app.state.db_path, fmt, what, f)


@router.post("/documents", summary="Ingest one document (only when the server runs with --writable)")
async def api_upload(request: Request,
                     id: str | None = Query(None, description="document id (default: from the bytes)"),  # noqa: A002
                     kind: str = Query("text", description="text or html"),
                     published: str | None = Query(None, description="publication date YYYY[-MM[-DD]]"),
                     outlet: str | None = Query(None), title: str | None = Query(None),
                     url: str | None = Query(None)) -> dict:
    """The request body is the document's raw bytes; the header X-Annales-Token carries the
    token the server printed at start."""
    guard = request.app.state.guard
    if not request.app.state.writable:
        raise HTTPException(403, "this server is read-only (start it with `annales serve --writable`)")
    guard.check_token(request.headers.get("x-annales-token"))
    data = await guard.body(request)
    if not data:
        raise params.bad("body", "the request body (the document) is empty")
    kind = params.choice("kind", kind, ("text", "html"), "text")
    doc_id = params.text("id", id) or "upload-" + hashlib.sha256(data).hexdigest()[:16]
    raw = RawDoc(id=doc_id, data=data, kind=kind, published=params.partial_date("published", published),
                 outlet=params.text("outlet", outlet), title=params.text("title", title), url=params.text("url", url))
    return await run_in_threadpool(_ingest, request.app.state.db_path, raw)


def _ingest(db_path: str, raw: RawDoc) -> dict:
    """Clean, extract, store and re-fuse one uploaded document (as `annales ingest` does)."""
    from .. import fuse, pipeline

    out = pipeline.process(raw)
    if out.document is None or out.status == "failed":
        raise HTTPException(422, f"document {raw.id!r} could not be read: {out.reason}")
    store = Store(db_path)
    try:
        how = store.save(out.document, out.raw, out.records, status=out.status)
        fuse.update(store, {raw.id})
    finally:
        store.close()
    return {"id": raw.id, "status": out.status, "stored": how, "events": len(out.records)}
