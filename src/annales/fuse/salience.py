"""How much a timeline event matters, from what the sources say about it.

An analyst reading thousands of events needs the few that the coverage puts
first. The signals are the ones news writing gives away:

- how many independent sources report the event, and how many times;
- what kind of event it is and whether it happened (an attack that took place
  outweighs a visit someone only considered);
- who takes part: actors the corpus talks about a lot are the story's protagonists;
- whether it is an article's main event: told in the title or the lead.

`salience` returns a positive number; only the order matters.
"""
from __future__ import annotations

import math
from collections import Counter
from typing import Iterable

# Violence and coercion make the news first; statements and talks less.
TYPE_WEIGHT = {
    "ASSAULT": 1.0, "COERCE": 0.9, "MOBILIZE": 0.85, "PROTEST": 0.85, "SANCTION": 0.8, "AID": 0.8,
    "RETREAT": 0.8, "CONCEDE": 0.8, "SUPPORT": 0.75, "CONSULT": 0.7, "THREATEN": 0.7, "AGREE": 0.6,
    "COOPERATE": 0.6, "ACCUSE": 0.55, "REQUEST": 0.5, "REJECT": 0.45,
}
# What did not (yet) happen matters less than what did.
MODALITY_WEIGHT = {"asserted": 1.0, "alleged": 0.7, "denied": 0.5, "negated": 0.3, "planned": 0.5,
                   "possible": 0.3, "hypothetical": 0.2}
# The lead of a news article: its first sentences (inverted pyramid).
LEAD_SENTENCES = 2


def actor_keys(ev: dict) -> list[str]:
    """The participants of a fused event, as ids (else names), once each."""
    keys = [a.get("id") or f"{a.get('country') or ''}:{a.get('name')}"
            for a in (ev.get("actor") or []) + (ev.get("recipient") or [])]
    return list(dict.fromkeys(keys))


def prominence(events: Iterable[dict]) -> Counter:
    """How many events of the corpus each participant takes part in."""
    c: Counter = Counter()
    for ev in events:
        c.update(actor_keys(ev))
    return c


def lead_end(text: str, sentences: int = LEAD_SENTENCES) -> int:
    """The offset where the lead (the first `sentences` sentences) ends."""
    pos, seen = 0, 0
    n = len(text)
    while pos < n and seen < sentences:
        nxt = min((i for i in (text.find(". ", pos), text.find("\n", pos)) if i >= 0), default=n)
        pos = nxt + 1
        if text[:pos].strip():
            seen += 1
    return pos


def in_lead(evidence: dict, doc: dict | None) -> bool:
    """Is this evidence sentence in the document's title or lead?"""
    if not doc:
        return False
    title = (doc.get("title") or "").strip()
    text = (evidence.get("text") or "").strip()
    if title and text and (text in title or title in text):
        return True
    start = evidence.get("start")
    return start is not None and start < doc.get("lead_end", 0)


def salience(ev: dict, mentions: list[dict], docs: dict[str, dict], counts: Counter) -> float:
    """The importance of fused event `ev` (an EVENTS.md dict) given its mention dicts, the documents
    ({id: {title, lead_end}}) and the corpus' participant counts (`prominence`)."""
    n_sources = len(ev.get("sources") or []) or 1
    n_mentions = sum(max(1, len(m.get("evidence") or [])) for m in mentions) or 1
    coverage = 1.0 + math.log2(1 + n_sources) + 0.5 * math.log2(n_mentions / n_sources + 1)
    kind = TYPE_WEIGHT.get(ev.get("event"), 0.5) * MODALITY_WEIGHT.get(ev.get("modality") or "asserted", 0.5)
    top = max(counts.values(), default=1)
    actors = max((counts.get(k, 0) for k in actor_keys(ev)), default=0)
    people = sum(1 for a in (ev.get("actor") or []) + (ev.get("recipient") or [])
                 if a.get("id") and a.get("type") != "country")
    protagonists = 1.0 + math.log1p(actors) / math.log1p(top) + 0.25 * min(people, 2) if top else 1.0
    docs_leading = {m["doc"] for m in mentions if any(in_lead(e, docs.get(m["doc"])) for e in m.get("evidence") or [])}
    main = 1.0 + len(docs_leading) / n_sources
    return coverage * kind * protagonists * main
