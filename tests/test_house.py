"""House rules the code keeps: tests isolated from the user's home, no per-document state in modules."""
from __future__ import annotations

import importlib
import os
import pkgutil
from pathlib import Path

import annales.extract
from annales.actors import kb


def test_the_tests_never_read_the_users_knowledge_base():
    home = os.environ.get("ANNALES_HOME")
    assert home and Path(home).is_dir()
    assert kb.user_dir() == Path(home) / "actors"
    assert not kb.user_dir().is_relative_to(Path.home() / ".annales")


def test_extraction_keeps_no_state_in_its_modules():
    """Per-document state lives in the document's context (DocContext), never in a module-level
    dict, list or set that one document could leave behind for the next."""
    mods = [annales.extract] + [importlib.import_module(f"annales.extract.{m.name}")
                                for m in pkgutil.iter_modules(annales.extract.__path__)]
    found = [f"{m.__name__}.{name}" for m in mods for name, value in vars(m).items()
             if not name.startswith("__") and isinstance(value, (dict, list, set))]
    assert found == []


def test_a_knowledge_base_and_its_matchers_go_together():
    import gc
    import weakref

    link = importlib.import_module("annales.actors.link")

    base = kb.KnowledgeBase([])
    assert link.matcher(base, "fr") is link.matcher(base, "fr")        # built once
    gone = weakref.ref(base)
    del base
    gc.collect()
    assert gone() is None                  # no module-level table keeps it (or its matcher) alive
