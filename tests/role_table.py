"""The check shared by the role-phrase tables: a role phrase at the start of a short sentence, linked on a
given day, names the person who held the post that day."""
from __future__ import annotations

from annales.actors.kb import fold
from annales.actors.link import link
from annales.model import Document, Published

VERB = {"fr": "a reçu des journalistes.", "en": "met reporters."}


def assert_names_holder(kb, lang: str, phrase: str, date: str, expected: str) -> None:
    text = f"{phrase} {VERB[lang]}"
    ms = link(Document(id="t", text=text, language=lang, published=Published(date, "day", "metadata")), kb=kb)
    first = [m for m in ms if m.start == 0 or m.start <= len(phrase.split()[0]) + 1]
    assert first, f"no actor for {phrase!r}: {[m.text for m in ms]}"
    actor = first[0].actor
    assert fold(actor.name) == fold(expected), f"{phrase!r} on {date}: {actor.name} ({actor.role})"
    assert actor.type == "person" and actor.id
