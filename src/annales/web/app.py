"""The web UI and JSON API over an Annales database.

    create_app(db_path, writable=False) -> FastAPI

Pages are rendered on the server with Jinja2 (autoescaped: article text and
names are untrusted); a little vanilla JS from /static adds the zoom control
and the network drawing. Every page has a JSON twin under /api with the same
filters. The database is opened read-only, one connection per request.
"""
from __future__ import annotations

import calendar
import shutil
import tempfile
from pathlib import Path
from typing import Iterator
from urllib.parse import quote, urlencode, urlsplit

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader
from starlette.background import BackgroundTask
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..dates_label import date_label
from ..model import EVENT_TYPES, MODALITIES
from ..store import Store, actor_key
from . import guard, params, queries
from .queries import Filters

HERE = Path(__file__).parent
EXPORT_FORMATS = {  # format -> (file suffix, media type)
    "jsonl": ("jsonl", "application/x-ndjson"),
    "csv": ("csv", "text/csv"),
    "parquet": ("parquet", "application/vnd.apache.parquet"),
    "plover": ("plover.jsonl", "application/x-ndjson"),
    "gdelt": ("gdelt.tsv", "text/tab-separated-values"),
    "timelinejs": ("timeline.json", "application/json"),
    "graphml": ("graphml", "application/xml"),
    "gexf": ("gexf", "application/xml"),
}
# Scripts, styles and images come from this server only: a stray tag in an article could not run.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


# -- template helpers ----------------------------------------------------------------

def urlid(value: str) -> str:
    """An id as one URL path segment (ids may be file paths or URLs)."""
    return quote(str(value), safe="")


def safe_url(value: str | None) -> str | None:
    """Only http(s) links from stored metadata are made clickable (no javascript: or data: URLs)."""
    if value and urlsplit(value.strip()).scheme.lower() in ("http", "https"):
        return value.strip()
    return None


def qs(base: dict | None = None, changes: dict | None = None, **more) -> str:
    """A query string: `base` with `changes` applied (None or '' removes a key)."""
    merged = {**(base or {}), **(changes or {}), **more}
    clean = {k: v for k, v in merged.items() if v not in (None, "")}
    return "?" + urlencode(clean) if clean else "?"


def period_label(period: str | None) -> str:
    if not period:
        return "Undated"
    if len(period) == 7 and period[4] == "-" and period[5:].isdigit() and 1 <= int(period[5:]) <= 12:
        return f"{calendar.month_name[int(period[5:])]} {period[:4]}"
    return period


def bar_label(period: str, first: bool, count: int) -> str:
    """Axis label under a histogram bar: years; month names when few, with the year at January."""
    if len(period) != 7 or not period[5:].isdigit():
        return period
    month = int(period[5:])
    if first or month == 1:
        return f"{calendar.month_abbr[month]} {period[:4]}"
    return calendar.month_abbr[month] if count <= 18 else ""


def in_range(period: str, date_from: str | None, date_to: str | None) -> bool:
    """Whether a year/month overlaps the [from, to] filter (compared on their common prefix)."""
    def cmp(a: str, b: str) -> int:
        n = min(len(a), len(b))
        return (a[:n] > b[:n]) - (a[:n] < b[:n])
    if not date_from and not date_to:
        return False
    return (not date_from or cmp(period, date_from) >= 0) and (not date_to or cmp(period, date_to) <= 0)


def event_period(ev: dict, group: str) -> str | None:
    d = ev.get("date") or {}
    start = d.get("earliest") or d.get("value") or d.get("latest")
    if not start or not start[:4].isdigit():
        return None
    return start[:4] if group == "year" else start[:7]


def actor_names(actors: list[dict]) -> str:
    return ", ".join(a.get("name") or "?" for a in actors or [])


def _env() -> Environment:
    env = Environment(loader=FileSystemLoader(str(HERE / "templates")), autoescape=True,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters.update(urlid=urlid, safe_url=safe_url, period_label=period_label, date_label=date_label,
                       actor_key=actor_key, actor_names=actor_names, bar_label=bar_label)
    env.globals.update(qs=qs, version=__version__, event_types=EVENT_TYPES, modalities=MODALITIES,
                       export_formats=list(EXPORT_FORMATS), event_period=event_period, in_range=in_range)
    return env


# -- the app -------------------------------------------------------------------------

def create_app(db_path: str, writable: bool = False, hosts: tuple[str, ...] = guard.LOCAL_HOSTS,
               token: str | None = None, max_body: int = guard.MAX_BODY) -> FastAPI:
    """The FastAPI app serving the database at `db_path` (read-only unless `writable`).

    It answers only for `hosts`; writes need `token` (a random one unless given: read it
    from `app.state.guard.token`)."""
    path = Path(db_path)
    if not path.exists():
        if not writable:
            raise FileNotFoundError(f"no database at {db_path} (run `annales ingest` first)")
        Store(path).close()  # an empty store to upload into
    elif writable:
        Store(path).close()  # brought to this version's schema (reviews)
    app = FastAPI(title="Annales", version=__version__, docs_url=None, redoc_url=None,
                  description="Sourced, dated events extracted from news articles. Every page of the web UI "
                              "has a JSON twin here, with the same filters; lists are paginated "
                              f"(`limit` ≤ {params.MAX_LIMIT}, `offset`).")
    app.state.db_path = str(path)
    app.state.writable = writable
    app.state.templates = Jinja2Templates(env=_env())
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    _errors(app)
    _headers(app)
    guard.install(app, guard.Guard(writable=writable, hosts=tuple(hosts), max_body=max_body,
                                   **({"token": token} if token else {})))
    from . import api, pages, reviews  # the routes need the helpers above
    app.include_router(reviews.router)
    app.include_router(api.router)
    app.include_router(pages.router)
    return app


def get_db(request: Request) -> Iterator:
    """One read-only connection per request."""
    db = queries.connect(request.app.state.db_path)
    try:
        yield db
    finally:
        db.close()


def render(request: Request, name: str, status_code: int = 200, **context) -> HTMLResponse:
    context.setdefault("filters", Filters())
    context.setdefault("facets", None)
    return request.app.state.templates.TemplateResponse(request, name, context, status_code=status_code)


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/api"


def _errors(app: FastAPI) -> None:
    """JSON errors under /api, an HTML page elsewhere; validation messages name the parameter."""

    def respond(request: Request, status: int, message: str, errors: list | None = None):
        if _is_api(request):
            body = {"detail": message}
            if errors:
                body["errors"] = errors
            return JSONResponse(body, status_code=status)
        return render(request, "error.html", status_code=status, status=status, message=message)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        return respond(request, exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        errors = [{"parameter": str(e.get("loc", ["", "?"])[-1]), "message": e.get("msg", "")} for e in exc.errors()]
        message = "; ".join(f"parameter '{e['parameter']}': {e['message']}" for e in errors)
        return respond(request, 422, message, errors)


def _headers(app: FastAPI) -> None:
    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        # nothing leaves for other sites; same-origin (not no-referrer) so that the browser sends
        # its Origin with the review forms, which guard.py checks (no-referrer makes it "null")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response


# -- exports (shared by the page links and the API) --------------------------------------

def export_response(db_path: str, fmt: str, what: str, f: Filters) -> FileResponse:
    """Run annales.export into a temporary file and stream it; the file is removed afterwards."""
    if fmt not in EXPORT_FORMATS:
        raise HTTPException(404, f"unknown export format {fmt!r}; one of {', '.join(EXPORT_FORMATS)}")
    try:
        from .. import export
    except ImportError as exc:
        raise HTTPException(503, f"exports are not available in this installation: {exc}") from None
    suffix, media = EXPORT_FORMATS[fmt]
    tmp = tempfile.mkdtemp(prefix="annales-export-")
    out = Path(tmp) / f"annales-{what}.{suffix}"
    try:
        store = Store(db_path, readonly=True)
        try:
            export.export(store, fmt, str(out), what=what, filters=f.as_dict())
        finally:
            store.close()
    except ValueError as exc:  # a combination the exporter refuses, e.g. mentions as graphml
        shutil.rmtree(tmp, ignore_errors=True)
        raise HTTPException(422, f"export as {fmt}: {exc}") from None
    except Exception as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise HTTPException(500, f"export as {fmt} failed: {type(exc).__name__}: {exc}") from None
    return FileResponse(out, media_type=media, filename=out.name,
                        background=BackgroundTask(shutil.rmtree, tmp, ignore_errors=True))

