"""Who may talk to the server, and how much: the checks every request passes first.

- Host: only the names the server was started for (DNS rebinding: a page on another domain
  that re-resolves to 127.0.0.1 sends its own Host, and is refused).
- Writes (any method but GET/HEAD/OPTIONS) only on a server started with --writable, only
  with the per-start token (header `X-Annales-Token`, or a `token` form field), and never
  from another origin (Origin / Sec-Fetch-Site). A page elsewhere can send a form or a
  text/plain POST without a preflight, but it can neither read the token nor set the header.
- Bodies: at most `max_body` bytes (Content-Length checked first, the stream counted too).
"""
from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from fastapi import HTTPException, Request
from fastapi.responses import JSONResponse

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
MAX_BODY = 10 * 1024 * 1024
TOKEN_HEADER = "x-annales-token"


@dataclass
class Guard:
    writable: bool = False
    hosts: tuple[str, ...] = LOCAL_HOSTS
    token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    max_body: int = MAX_BODY

    def refusal(self, request: Request) -> tuple[int, str] | None:
        """(status, reason) when the request must be refused before it reaches a route."""
        host = _hostname(request.headers.get("host", ""))
        if host not in self.hosts:
            return 421, f"this server answers for {', '.join(self.hosts)}, not {host or 'no host'!r}"
        if request.method in SAFE_METHODS:
            return None
        if not self.writable:
            return 403, "this server is read-only (start it with `annales serve --writable`)"
        origin = request.headers.get("origin")
        if origin is not None and _hostname(urlsplit(origin).netloc) not in self.hosts:
            return 403, f"writes from another origin ({origin}) are refused"
        if request.headers.get("sec-fetch-site") == "cross-site":
            return 403, "cross-site writes are refused"
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            return 413, f"the body is larger than {self.max_body} bytes"
        return None

    def check_token(self, given: str | None) -> None:
        if not given or not hmac.compare_digest(given.encode(), self.token.encode()):
            raise HTTPException(403, "a write needs the token the server printed at start "
                                     f"(header {TOKEN_HEADER})")

    async def body(self, request: Request) -> bytes:
        """The request body, refused past `max_body` even when no Content-Length was sent."""
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > self.max_body:
                raise HTTPException(413, f"the body is larger than {self.max_body} bytes")
            chunks.append(chunk)
        return b"".join(chunks)


def _hostname(netloc: str) -> str:
    """'localhost:8000' → 'localhost', '[::1]:8000' → '::1'."""
    netloc = netloc.strip().lower()
    if netloc.startswith("["):
        return netloc[1:netloc.find("]")] if "]" in netloc else netloc
    return netloc.rsplit(":", 1)[0] if netloc.count(":") == 1 else netloc


def install(app, guard: Guard) -> None:
    app.state.guard = guard

    @app.middleware("http")
    async def guarded(request: Request, call_next):
        refused = guard.refusal(request)
        if refused:
            return JSONResponse({"detail": refused[1]}, status_code=refused[0])
        return await call_next(request)
