"""ISO 3166-1 alpha-2 country codes and names (data generated once from pycountry's ISO tables), plus the
other names people type for a country (UK, USA, Turkey, Viet Nam, ...: the `aliases` column, added by hand).

Data files take a code or the exact ISO name (`normalise_country`); the calculator's country field also takes
an alias (`resolve_country`) and searches all of them (`search_countries`).
"""

from __future__ import annotations

import csv
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib.resources import files


@dataclass(frozen=True, slots=True)
class _Country:
    code: str
    name: str
    aliases: tuple[str, ...]


@cache
def _countries() -> tuple[_Country, ...]:
    text = files("engine.rules").joinpath("countries.csv").read_text(encoding="utf-8")
    return tuple(
        _Country(row["code"], row["name"], tuple(a.strip() for a in (row["aliases"] or "").split(";") if a.strip()))
        for row in csv.DictReader(text.splitlines())
    )


@cache
def country_names() -> dict[str, str]:
    """Code -> English short name, for every ISO 3166-1 alpha-2 code."""
    return {country.code: country.name for country in _countries()}


@cache
def country_aliases() -> dict[str, tuple[str, ...]]:
    """Code -> the other names the country is known by (most have none)."""
    return {country.code: country.aliases for country in _countries() if country.aliases}


def _key(text: str) -> str:
    """What matching compares: case, accents, dots and extra spaces ignored (U.S.A. = usa, Türkiye = turkiye)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().replace(".", ""))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


@cache
def _index() -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """(code, name, match keys: the name first, then the aliases), in name order."""
    return tuple(
        (c.code, c.name, tuple(_key(n) for n in (c.name, *c.aliases)))
        for c in sorted(_countries(), key=lambda c: c.name)
    )


def normalise_country(text: str) -> str:
    """An ISO alpha-2 code from a code (any case) or an exact country name; ValueError otherwise."""
    key = text.strip()
    names = country_names()
    if key.upper() in names:
        return key.upper()
    for code, name in names.items():
        if name.lower() == key.lower():
            return code
    raise ValueError(f"unknown country {text!r} (use an ISO 3166-1 alpha-2 code such as US, GB or IN)")


def resolve_country(text: str) -> str:
    """An ISO alpha-2 code from a code, a country's name or one of its aliases (any case); ValueError otherwise."""
    try:
        return normalise_country(text)
    except ValueError:
        key = _key(text)
        for code, _name, keys in _index():
            if key in keys:
                return code
        raise


def search_countries(query: str) -> list[tuple[str, str]]:
    """(code, name) of the countries whose code is, or whose name or an alias contains, the query.

    Best first: the exact code, then an exact name or alias (so `uk` puts GB before Ukraine), then names and
    aliases that start with the query, then the rest; by name within each.
    """
    q = _key(query)
    if not q:
        return [(code, name) for code, name, _keys in _index()]
    ranked: list[tuple[int, str, str]] = []
    for code, name, keys in _index():
        if code.lower() == q:
            rank = 0
        elif q in keys:
            rank = 1
        elif any(key.startswith(q) for key in keys):
            rank = 2
        elif any(q in key for key in keys):
            rank = 3
        else:
            continue
        ranked.append((rank, name, code))
    return [(code, name) for _rank, name, code in sorted(ranked)]
