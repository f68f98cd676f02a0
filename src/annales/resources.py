"""Access to the language and actor data under annales/resources/."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).parent / "resources"


@lru_cache(maxsize=None)
def load_json(lang: str, name: str) -> dict:
    """resources/<lang>/<name>.json, or {} when the language has no such file."""
    path = ROOT / lang / f"{name}.json"
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def languages() -> list[str]:
    return sorted(p.name for p in ROOT.iterdir() if p.is_dir() and len(p.name) == 2)
