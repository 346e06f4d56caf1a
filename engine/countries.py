"""ISO 3166-1 alpha-2 country codes and names (data generated once from pycountry's ISO tables)."""

from __future__ import annotations

import csv
from functools import cache
from importlib.resources import files


@cache
def country_names() -> dict[str, str]:
    """Code -> English short name, for every ISO 3166-1 alpha-2 code."""
    text = files("engine.rules").joinpath("countries.csv").read_text(encoding="utf-8")
    return {row["code"]: row["name"] for row in csv.DictReader(text.splitlines())}


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


def search_countries(query: str) -> list[tuple[str, str]]:
    """Countries whose code equals, or whose name contains, the query; exact code first."""
    q = query.strip().lower()
    if not q:
        return sorted(country_names().items(), key=lambda item: item[1])
    exact = [(c, n) for c, n in country_names().items() if c.lower() == q]
    rest = sorted(
        ((c, n) for c, n in country_names().items() if q in n.lower() and c.lower() != q),
        key=lambda item: (not item[1].lower().startswith(q), item[1]),
    )
    return exact + rest
