"""Validation of query parameters: a bad value is a 422 whose message names the parameter."""
from __future__ import annotations

import re
from datetime import date

from fastapi import HTTPException, Query

from ..model import EVENT_TYPES, MODALITIES
from .queries import Filters

MAX_LIMIT = 500
MAX_OFFSET = 1_000_000_000      # far past any store; SQLite integers stop at 2**63
MAX_WEIGHT = 1_000_000
MAX_TEXT = 200
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def bad(name: str, why: str) -> HTTPException:
    return HTTPException(status_code=422, detail=f"parameter '{name}': {why}")


def _shown(value: str) -> str:
    """The offending value as quoted in a message, cut short (it is user input)."""
    return repr(value if len(value) <= 40 else value[:40] + "…")


def text(name: str, value: str | None) -> str | None:
    """A free-text parameter: stripped, empty means absent, at most MAX_TEXT characters."""
    if value is None or not value.strip():
        return None
    if len(value) > MAX_TEXT:
        raise bad(name, f"longer than {MAX_TEXT} characters")
    return value.strip()


def partial_date(name: str, value: str | None) -> str | None:
    """YYYY, YYYY-MM or YYYY-MM-DD, a real calendar date."""
    value = text(name, value)
    if value is None:
        return None
    m = _DATE.match(value)
    try:
        if not m:
            raise ValueError
        y, mo, d = m.group(1), m.group(2), m.group(3)
        date(int(y), int(mo or 1), int(d or 1))
    except ValueError:
        raise bad(name, f"{_shown(value)} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)") from None
    return value


def check_type(name: str, value: str | None) -> str | None:
    value = text(name, value)
    if value is None:
        return None
    if value.upper() not in EVENT_TYPES:
        raise bad(name, f"unknown event type {_shown(value)}; one of {', '.join(EVENT_TYPES)}")
    return value.upper()


def check_modality(name: str, value: str | None) -> str | None:
    value = text(name, value)
    if value is None:
        return None
    if value.lower() not in MODALITIES:
        raise bad(name, f"unknown modality {_shown(value)}; one of {', '.join(MODALITIES)}")
    return value.lower()


def check_country(name: str, value: str | None) -> str | None:
    value = text(name, value)
    if value is None:
        return None
    if not re.fullmatch(r"[A-Za-z]{3}", value):
        raise bad(name, f"{_shown(value)} is not an ISO 3166-1 alpha-3 code (e.g. PRK)")
    return value.upper()


def fraction(name: str, value: str | None) -> float | None:
    """A number from 0 to 1; empty means absent (a form sends every field, filled or not)."""
    value = text(name, value)
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        raise bad(name, f"{_shown(value)} is not a number") from None
    if not 0.0 <= number <= 1.0:
        raise bad(name, f"{_shown(value)} is not between 0 and 1")
    return number


def choice(name: str, value: str | None, allowed: tuple[str, ...], default: str) -> str:
    value = text(name, value)
    if value is None:
        return default
    if value not in allowed:
        raise bad(name, f"{_shown(value)} is not one of {', '.join(allowed)}")
    return value


def filters(
    date_from: str | None = Query(None, alias="from", description="events on or after this date (YYYY[-MM[-DD]])"),
    date_to: str | None = Query(None, alias="to", description="events on or before this date (YYYY[-MM[-DD]])"),
    actor: str | None = Query(None, description="an actor id, or part of an actor's name"),
    country: str | None = Query(None, description="ISO 3166-1 alpha-3 code of a participant or of the place"),
    type: str | None = Query(None, description="PLOVER event type, e.g. CONSULT"),  # noqa: A002 (the API's name)
    modality: str | None = Query(None, description="asserted, alleged, denied, planned, possible, "
                                                   "hypothetical or negated"),
    source: str | None = Query(None, description="a document id or an outlet"),
    min_confidence: str | None = Query(None, description="only events whose confidence is at least this "
                                                         "(a number from 0 to 1)"),
) -> Filters:
    """The timeline filters, as a FastAPI dependency."""
    f = Filters(date_from=partial_date("from", date_from), date_to=partial_date("to", date_to),
                actor=text("actor", actor), country=check_country("country", country),
                event_type=check_type("type", type), modality=check_modality("modality", modality),
                source=text("source", source),
                min_confidence=fraction("min_confidence", min_confidence))
    if f.date_from and f.date_to and f.date_from > f.date_to + "\uffff":
        raise bad("from", f"{f.date_from} is after 'to' {f.date_to}")
    return f


def limit_param(default: int = 100):
    return Query(default, ge=1, le=MAX_LIMIT, description=f"page size (at most {MAX_LIMIT})")


def offset_param():
    return Query(0, ge=0, le=MAX_OFFSET, description=f"number of items to skip (at most {MAX_OFFSET})")


def weight_param():
    return Query(1, ge=1, le=MAX_WEIGHT, description="leave out links with fewer shared events "
                                                     f"(at most {MAX_WEIGHT})")
