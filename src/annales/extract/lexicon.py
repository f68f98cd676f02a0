"""Language resources of the extractor, loaded once per process and language.

Everything language-specific (trigger words, cue words, dependency labels,
place names, quantity words) lives in resources/<lang>/; this module only turns
those files into lookup structures.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..resources import load_json

CAMEO_PATH = Path(__file__).with_name("cameo.json")


class Cues(dict):
    """A resource dict whose missing lists read as empty lists (so cue lists concatenate)."""

    def get(self, k, default=None):
        v = super().get(k)
        if v is not None:
            return v
        return [] if isinstance(default, tuple) else default


@dataclass
class Frame:
    """One trigger entry of triggers.json."""

    lemma: str
    pos: str                                  # VERB | NOUN
    event: str
    mode: str | None = None
    context: list[str] = field(default_factory=list)
    cameo: str | None = None
    roles: dict[str, str] = field(default_factory=dict)
    need: list[str] = field(default_factory=list)
    symmetric: bool = False
    reflexive: bool = False
    complement: str | None = None             # modality given to an embedded event (alleged, denied)
    controller: str | None = None             # which slot is the embedded event's subject
    raw: dict = field(default_factory=dict)

    def flag(self, name: str):
        return self.raw.get(name)


@dataclass
class Lexicon:
    lang: str
    verbs: dict[str, list[Frame]]
    nouns: dict[str, list[Frame]]
    classes: dict[str, set[str]]
    prefilter: Prefilter
    mod: dict
    quant: dict
    syn: dict
    places: dict
    country_names: dict[str, str]             # lowercased surface -> ISO3 (names, capitals, periphrases)
    demonyms: dict[str, str]                  # lowercased demonym -> ISO3
    capitals: dict[str, str]                  # ISO3 -> capital name in this language
    english: dict[str, str]                   # ISO3 -> canonical English name
    place_re: re.Pattern | None
    neighbour_cfg: dict = field(default_factory=dict)      # triggers.json `neighbours` (word-vector candidates)
    imported: dict[str, list[Frame]] = field(default_factory=dict)   # verbs of an imported dictionary (CAMEO)
    agents: dict[str, str] = field(default_factory=dict)   # generic actor lemma -> name ('manifestant': protesters)
    agent_heads: set[str] = field(default_factory=set)      # 'des milliers de manifestants': looked through
    institutions: dict = field(default_factory=dict)        # agents `_institutions`: kind -> name pattern
    stance: dict = field(default_factory=dict)              # triggers.json `stance_groups`
    two_sided: set = field(default_factory=set)             # event types doubted with one side only
    derived: dict = field(default_factory=dict, repr=False, compare=False)   # tables built from the above on first use
    # (vocab, its Neighbours): built once per model vocabulary; holding the vocab keeps the check by
    # identity sound (a module-level table keyed by id() would see a freed vocab's id reused)
    neighbours: tuple | None = field(default=None, repr=False, compare=False)

    def cls(self, name: str) -> set[str]:
        return self.classes.get(name, set())


def _frames(entries: list[dict], pos: str) -> dict[str, list[Frame]]:
    out: dict[str, list[Frame]] = {}
    for e in entries:
        f = Frame(lemma=e["lemma"], pos=pos, event=e["event"], mode=e.get("mode"),
                  context=list(e.get("context") or []), cameo=e.get("cameo"),
                  roles=dict(e.get("roles") or {}), need=list(e.get("need") or []),
                  symmetric=bool(e.get("symmetric")), reflexive=bool(e.get("reflexive")),
                  complement=e.get("complement"), controller=e.get("controller"), raw=e)
        out.setdefault(f.lemma.lower(), []).append(f)
    return out


_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*")


class Prefilter:
    """Cheap test for 'can this sentence yield an event?', without a parser: a frame's trigger stem
    is present and, for frames that need an argument class ('tenir' + sommet), a word of the
    class too. Stems are surface prefixes (resources/<lang>/triggers.json)."""

    def __init__(self, entries: list[dict], classes: dict[str, list[str]]):
        self.stems: set[str] = set()
        self.rules: list[tuple[frozenset, frozenset | None]] = []
        for e in entries:
            trig = frozenset(s.lower() for s in (e.get("stems") or [e["lemma"][:max(3, len(e["lemma"]) - 2)]]))
            need = None
            if e.get("need"):
                need = frozenset(_stem(w) for cl in e["need"] for w in classes.get(cl, []))
            self.rules.append((trig, need))
            self.stems |= trig | (need or frozenset())
        self.maxlen = max((len(s) for s in self.stems), default=0)

    def _found(self, text: str) -> set[str]:
        found = set()
        for w in _WORD.findall(text.lower()):
            for k in range(1, min(len(w), self.maxlen) + 1):
                if w[:k] in self.stems:
                    found.add(w[:k])
        return found

    def search(self, text: str) -> bool:
        found = self._found(text)
        if not found:
            return False
        return any(trig & found and (need is None or need & found) for trig, need in self.rules)


def _stem(w: str) -> str:
    w = w.lower()
    return w[:max(3, len(w) - 2)] if len(w) > 4 else w


@lru_cache(maxsize=None)
def lexicon(lang: str) -> Lexicon | None:
    """The lexicon for `lang`, or None when the language has no trigger resources."""
    trig = load_json(lang, "triggers")
    if not trig:
        return None
    places = load_json(lang, "places")
    en_places = load_json("en", "places")
    english = {iso: c.get("name") for iso, c in (en_places.get("countries") or {}).items()}
    names, dem, caps = {}, {}, {}
    for iso, c in (places.get("countries") or {}).items():
        for n in c.get("names") or []:
            names[n.lower()] = iso
        for d in c.get("demonyms") or []:
            dem[d.lower()] = iso
        if c.get("capital"):
            caps[iso] = c["capital"]
    _kb_countries(lang, names, dem, caps, english, {w.lower() for w in places.get("ambiguous_capitals") or ()})
    place_words = dict(names)
    for iso, cap in caps.items():
        place_words.setdefault(cap.lower(), iso)
    for p, iso in (places.get("places") or {}).items():
        place_words.setdefault(p.lower(), iso)
    for p, iso in (places.get("periphrases") or {}).items():
        place_words.setdefault(p.lower(), iso)
    alt = "|".join(re.escape(p) for p in sorted(place_words, key=len, reverse=True))
    place_re = re.compile(r"(?<![\w-])(?:" + alt + r")(?![\w-])", re.IGNORECASE) if alt else None
    imported = _imported(lang, trig.get("imported") or {})
    return Lexicon(
        lang=lang,
        verbs=_frames(trig.get("verbs") or [], "VERB"),
        nouns=_frames(trig.get("nouns") or [], "NOUN"),
        classes={k: {w.lower() for w in v} for k, v in (trig.get("classes") or {}).items()},
        prefilter=Prefilter((trig.get("verbs") or []) + (trig.get("nouns") or []) +
                            [fs[0].raw for w, fs in imported.items() if w == fs[0].lemma],
                            trig.get("classes") or {}),
        mod=Cues(load_json(lang, "modality")), quant=load_json(lang, "quantities"),
        syn=_syntax(lang), places=places,
        country_names=place_words, demonyms=dem, capitals=caps, english=english,
        place_re=place_re,
        neighbour_cfg=dict(trig.get("neighbours") or {}),
        imported=imported,
        agents={k.lower(): v for k, v in (trig.get("agents") or {}).items() if not k.startswith("_")},
        agent_heads=set((trig.get("agents") or {}).get("_through") or ()),
        institutions=dict((trig.get("agents") or {}).get("_institutions") or {}),
        stance=dict(trig.get("stance_groups") or {}),
        two_sided=set((trig.get("two_sided") or {}).get("events") or ()),
    )


def _kb_countries(lang: str, names: dict, dem: dict, caps: dict, english: dict, ambiguous: set) -> None:
    """Every country of the knowledge base (resources/actors/countries.jsonl: names, demonyms in all
    forms, capitals) beside the extractor's own place list, which wins where both speak."""
    from ..resources import ROOT
    path = ROOT / "actors" / "countries.jsonl"
    if not path.exists():
        return
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        c = json.loads(line)
        iso = c.get("id")
        if not iso or c.get("type") != "country":
            continue
        english.setdefault(iso, c.get("name"))
        for n in (c.get("names") or {}).get(lang) or []:
            # acronyms ('EAU', 'CAR') are everyday words in lower case: the linker reads them, case kept
            if len(n) > 3 and not n.isupper():
                names.setdefault(n.lower(), iso)
        for d in (c.get("demonyms") or {}).get(lang) or []:
            dem.setdefault(d.lower(), iso)
        cap = (c.get("capital") or {}).get(lang) if isinstance(c.get("capital"), dict) else None
        if cap and cap.lower() not in ambiguous and iso not in caps:
            caps[iso] = cap


def _syntax(lang: str) -> Cues:
    """extract_syntax.json, with the sets the parse repairs test on every slot lookup built once."""
    syn = Cues(load_json(lang, "extract_syntax"))
    th = syn.get("time_heads") or {}
    syn["time_words"] = frozenset(w.lower() for w in th.get("words") or ())
    syn["partitive"] = frozenset(w.lower() for w in th.get("partitive") or ())
    return syn


def _imported(lang: str, cfg: dict) -> dict[str, list[Frame]]:
    """Verbs of a generated dictionary (resources/<lang>/<cfg.file>, e.g. the CAMEO import) that the
    hand-written triggers lack: each as one frame with the configured roles and a doubt, so that a
    verb known only from the import is emitted with lower confidence."""
    data = load_json(lang, cfg["file"]) if cfg.get("file") else {}
    codes = data.get("codes") or {}
    skip = set(cfg.get("exclude") or ())
    skip_codes = set(cfg.get("exclude_codes") or ())
    out: dict[str, list[Frame]] = {}
    for verb, v in (data.get("verbs") or {}).items():
        code = v.get("code")
        m = codes.get(code) if code else None
        if not m or not m.get("event") or verb in skip or code in skip_codes or not verb.isalpha():
            continue
        e = {"lemma": verb, "event": m["event"], "mode": m.get("mode"), "context": m.get("context") or [],
             "cameo": code, "roles": dict(cfg.get("roles") or {}), "doubt": cfg.get("doubt", "imported verb"),
             "stems": [verb] + list(v.get("forms") or [])}
        out[verb] = [Frame(lemma=verb, pos="VERB", event=e["event"], mode=e["mode"], context=list(e["context"]),
                           cameo=code, roles=e["roles"], raw=e)]
        for form in v.get("forms") or ():
            out.setdefault(form, out[verb])
    return out


class Neighbours:
    """Word-vector neighbours: for a verb or noun the lexicon lacks, the known trigger nearest in the
    pipeline's vectors, when it is near enough and the next nearest agree on its event type."""

    def __init__(self, lex: "Lexicon", vocab):
        import numpy as np
        cfg = lex.neighbour_cfg
        self.min_sim = float(cfg.get("min_similarity", 0.7))
        self.agree = int(cfg.get("agree", 2))
        self.exclude = {w.lower() for w in cfg.get("exclude") or ()} | {w.lower() for w in lex.mod.get("reporting_verbs", ())}
        self.tables = {}
        for pos, frames in (("VERB", lex.verbs), ("NOUN", lex.nouns)):
            lemmas = [w for w in frames if vocab.has_vector(w)]
            mat = np.array([vocab.get_vector(w) for w in lemmas], dtype="float32") if lemmas else np.zeros((0, 1), "float32")
            if len(lemmas):
                mat /= np.maximum(np.linalg.norm(mat, axis=1, keepdims=True), 1e-9)
            self.tables[pos] = (lemmas, mat, frames)
        self.vocab, self.np, self.cache = vocab, np, {}

    def near(self, lemma: str, pos: str) -> tuple[list[Frame], str, float] | None:
        """(frames of the nearest trigger, that trigger, similarity), or None."""
        k = (lemma, pos)
        if k not in self.cache:
            self.cache[k] = self._near(lemma, pos)
        return self.cache[k]

    def _near(self, lemma: str, pos: str):
        lemmas, mat, frames = self.tables.get(pos, ([], None, {}))
        if not lemmas or lemma in self.exclude or len(lemma) < 4 or not self.vocab.has_vector(lemma):
            return None
        v = self.vocab.get_vector(lemma)
        n = float(self.np.linalg.norm(v))
        if not n:
            return None
        sims = mat @ (v / n)
        top = self.np.argsort(-sims)[:max(self.agree, 1) + 1]
        best = lemmas[top[0]]
        if sims[top[0]] < self.min_sim:
            return None
        event = frames[best][0].event
        if sum(frames[lemmas[i]][0].event == event for i in top) < self.agree:
            return None
        return frames[best], best, float(sims[top[0]])


@lru_cache(maxsize=None)
def cameo_table() -> dict:
    """(event, mode) -> default CAMEO code, read from the CAMEO↔PLOVER table we use (cameo.json)."""
    if not CAMEO_PATH.exists():      # trigger entries carry their own codes; this is the fallback
        return {}
    return json.loads(CAMEO_PATH.read_text(encoding="utf-8"))


def default_cameo(event: str, mode: str | None) -> str | None:
    t = cameo_table()
    return t.get(f"{event}/{mode}") or t.get(event)
