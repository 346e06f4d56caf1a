"""Country names, codes and the other names people type for a country (engine/rules/countries.csv)."""

from __future__ import annotations

import pytest

from engine.rules.countries import (
    _key,
    country_aliases,
    country_names,
    normalise_country,
    resolve_country,
    search_countries,
)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("UK", "GB"),
        ("u.k.", "GB"),
        ("Great Britain", "GB"),
        ("britain", "GB"),
        ("England", "GB"),
        ("USA", "US"),
        ("U.S.A.", "US"),
        ("United States of America", "US"),
        ("America", "US"),
        ("Turkey", "TR"),
        ("Türkiye", "TR"),
        ("turkiye", "TR"),
        ("Viet Nam", "VN"),
        ("viet  nam", "VN"),
        ("Vietnam", "VN"),
        ("South Korea", "KR"),
        ("Korea", "KR"),
        ("Russia", "RU"),
        ("Czech Republic", "CZ"),
        ("Czechia", "CZ"),
        ("Holland", "NL"),
        ("the netherlands", "NL"),
        ("UAE", "AE"),
        ("Ivory Coast", "CI"),
        ("cote d'ivoire", "CI"),
        ("gb", "GB"),
        ("India", "IN"),
    ],
)
def test_a_code_name_or_alias_resolves_to_its_country(typed: str, code: str) -> None:
    assert resolve_country(typed) == code


@pytest.mark.parametrize(
    ("query", "first"),
    [("uk", "GB"), ("usa", "US"), ("turkey", "TR"), ("viet nam", "VN"), ("korea", "KR"), ("us", "US")],
)
def test_an_exact_code_or_alias_is_the_first_match(query: str, first: str) -> None:
    assert search_countries(query)[0][0] == first


def test_uk_lists_the_united_kingdom_before_ukraine() -> None:
    assert search_countries("uk") == [("GB", "United Kingdom"), ("UA", "Ukraine")]


def test_search_by_part_of_a_name_or_alias() -> None:
    assert [code for code, _ in search_countries("ind")] == ["IN", "ID", "IO"]
    assert ("GB", "United Kingdom") in search_countries("brit")
    assert [code for code, _ in search_countries("xx")] == []
    assert len(search_countries("")) == len(country_names())


def test_aliases_are_unambiguous() -> None:
    """No alias stands for two countries or for another country's code or name."""
    owner: dict[str, str] = {}
    for code, name in country_names().items():
        for key in (code.lower(), _key(name)):
            assert owner.setdefault(key, code) == code, (key, code, owner[key])
    for code, aliases in country_aliases().items():
        assert code in country_names()
        for alias in aliases:
            assert owner.setdefault(_key(alias), code) == code, (alias, code, owner[_key(alias)])


def test_data_files_still_take_only_codes_and_iso_names() -> None:
    """DATA.md: a data file's country is an ISO code or the exact English name; 'UK' there is reported."""
    assert normalise_country("United Kingdom") == "GB"
    with pytest.raises(ValueError, match="unknown country 'UK'"):
        normalise_country("UK")
    with pytest.raises(ValueError, match="unknown country 'Atlantis'"):
        resolve_country("Atlantis")
