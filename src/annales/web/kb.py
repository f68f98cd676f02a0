"""Role histories from the actor knowledge base, for the actor page.

The knowledge base (annales.actors.kb) is optional for the web UI: when it is
missing, fails to load or does not know the actor, the page simply shows no
role history.
"""
from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any

log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def _kb() -> Any:
    try:
        from ..actors import kb
        return kb.default_kb()
    except Exception as exc:  # missing module or unreadable files: degrade, say why once
        log.warning("actor knowledge base unavailable: %s", exc)
        return None


def _field(obj: Any, name: str) -> Any:
    return obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)


def _entity(kb: Any, actor_id: str) -> Any:
    """Look the id up whatever the knowledge base's accessor is called."""
    for name in ("get", "entity", "by_id", "lookup"):
        fn = getattr(kb, name, None)
        if callable(fn):
            try:
                found = fn(actor_id)
            except Exception:
                continue
            if found is not None:
                return found
    for name in ("entities", "by_id"):
        table = getattr(kb, name, None)
        if isinstance(table, dict) and actor_id in table:
            return table[actor_id]
    return None


def role_label(key: str | None) -> str:
    return (key or "").replace("_", " ")


def _label(kb: Any, role: Any, key: str | None) -> str:
    """The knowledge base's own wording ("defence minister of Russia") when it has one."""
    try:
        return kb.role_label(role) or role_label(key)
    except Exception:
        return role_label(key)


def roles(actor_id: str) -> list[dict]:
    """The actor's roles, oldest first: {role, label, of, to, portfolio, start, end}; [] when unknown."""
    kb = _kb()
    if kb is None or not actor_id or actor_id.startswith("unlinked:"):
        return []
    entity = _entity(kb, actor_id)
    if entity is None:
        return []
    out = []
    for r in _field(entity, "roles") or []:
        key = _field(r, "role")
        out.append({"role": key, "label": _label(kb, r, key), "of": _field(r, "of"), "to": _field(r, "to"),
                    "portfolio": _field(r, "portfolio"), "start": _field(r, "start"), "end": _field(r, "end")})
    return sorted(out, key=lambda r: str(r["start"] or ""))
