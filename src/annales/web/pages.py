"""The HTML pages: each renders the data its /api twin returns."""
from __future__ import annotations

import sqlite3

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from ..store import current_id

from . import kb, params, queries
from .app import export_response, get_db, render
from .queries import Filters
from .reviews import page_token, reviewed_filters

router = APIRouter(include_in_schema=False)
PAGE = 100


def _group(value: str | None, f: Filters) -> str:
    """Year bars by default; month bars once the user has zoomed into a range."""
    default = "month" if (f.date_from or f.date_to) else "year"
    return params.choice("group", value, ("year", "month"), default)


@router.get("/", response_class=HTMLResponse)
@router.get("/timeline", response_class=HTMLResponse)
def timeline(request: Request, f: Filters = Depends(reviewed_filters), group: str | None = Query(None),
             limit: int = params.limit_param(PAGE), offset: int = params.offset_param(),
             db: sqlite3.Connection = Depends(get_db)):
    group = _group(group, f)
    page = queries.events(db, f, limit, offset)
    periods = queries.fill_periods(queries.histogram(db, f, group), group)
    return render(request, "timeline.html", filters=f, facets=queries.facets(db), page=page, group=group,
                  periods=periods, peak=max([p["count"] for p in periods] or [1]),
                  base=f.query() | {"group": group})


@router.get("/events/{event_id:path}", response_class=HTMLResponse)
def event_page(request: Request, event_id: str, original: bool = Query(False),
               db: sqlite3.Connection = Depends(get_db)):
    ev = queries.event(db, event_id, with_text=True, original=original)
    if ev is None:
        moved = current_id(db, event_id)
        if moved:                        # fusion merged or renamed it: its bookmark still works
            url = str(request.url_for("event_page", event_id=moved)) + ("?original=1" if original else "")
            return RedirectResponse(url, status_code=308)
        raise HTTPException(404, f"no event {event_id!r}")
    return render(request, "event.html", ev=ev, original=original, token=page_token(request))


@router.get("/actors", response_class=HTMLResponse)
def actors_page(request: Request, q: str | None = Query(None), limit: int = params.limit_param(PAGE),
                offset: int = params.offset_param(), db: sqlite3.Connection = Depends(get_db)):
    q = params.text("q", q)
    return render(request, "actors.html", q=q, page=queries.actors(db, q=q, limit=limit, offset=offset))


@router.get("/actors/{actor_id:path}", response_class=HTMLResponse)
def actor_page(request: Request, actor_id: str, group: str | None = Query(None),
               limit: int = params.limit_param(PAGE), offset: int = params.offset_param(),
               db: sqlite3.Connection = Depends(get_db)):
    group = params.choice("group", group, ("year", "month"), "year")
    a = queries.actor(db, actor_id, group)
    if a is None:
        raise HTTPException(404, f"no actor {actor_id!r}")
    periods = queries.fill_periods(a["periods"], group)
    return render(request, "actor.html", actor=a, roles=kb.roles(actor_id), group=group, periods=periods,
                  peak=max([p["count"] for p in periods] or [1]),
                  page=queries.actor_events(db, actor_id, limit, offset))


@router.get("/network", response_class=HTMLResponse)
def network_page(request: Request, f: Filters = Depends(params.filters), limit: int = params.limit_param(),
                 min_weight: int = params.weight_param(), db: sqlite3.Connection = Depends(get_db)):
    return render(request, "network.html", filters=f, facets=queries.facets(db), limit=limit,
                  min_weight=min_weight)


@router.get("/search", response_class=HTMLResponse)
def search_page(request: Request, q: str | None = Query(None), limit: int = params.limit_param(20),
                offset: int = params.offset_param(), db: sqlite3.Connection = Depends(get_db)):
    q = params.text("q", q)
    results = queries.search(db, q, limit, offset) if q else None
    return render(request, "search.html", q=q, results=results)


@router.get("/documents", response_class=HTMLResponse)
def documents_page(request: Request, source: str | None = Query(None), limit: int = params.limit_param(PAGE),
                   offset: int = params.offset_param(), db: sqlite3.Connection = Depends(get_db)):
    source = params.text("source", source)
    return render(request, "documents.html", source=source,
                  page=queries.documents(db, source=source, limit=limit, offset=offset))


@router.get("/documents/{doc_id:path}", response_class=HTMLResponse)
def document_page(request: Request, doc_id: str, db: sqlite3.Connection = Depends(get_db)):
    doc = queries.document(db, doc_id, with_segments=True)
    if doc is None:
        raise HTTPException(404, f"no document {doc_id!r}")
    return render(request, "document.html", doc=doc)


@router.get("/export/{fmt}", include_in_schema=True, tags=["export"],
            summary="Download the filtered timeline (same as /api/export/{fmt})")
def export_file(request: Request, fmt: str, f: Filters = Depends(reviewed_filters),
                what: str = Query("events", description="events or mentions")):
    what = params.choice("what", what, ("events", "mentions"), "events")
    return export_response(request.app.state.db_path, fmt, what, f)


@router.get("/about/api", response_class=HTMLResponse)
def api_page(request: Request):
    """A readable list of the API endpoints (the schema itself is /openapi.json)."""
    spec = request.app.openapi()
    endpoints = [{"path": path, "method": m.upper(), "summary": op.get("summary", ""),
                  "params": [p["name"] for p in op.get("parameters", [])]}
                 for path, ops in spec.get("paths", {}).items() for m, op in ops.items()]
    return render(request, "api.html", endpoints=endpoints)
