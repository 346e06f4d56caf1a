"""The calculator's client-country field takes the names people use (UK, USA, Turkey), not only ISO's."""

from __future__ import annotations

from textual.widgets import OptionList

from tests.tui.calculator_host import CalculatorHost, figures, focus, note
from tui.widgets.country import CountryField

OTHER_NAMES = [
    ("usa", "United States: standard market", "50.00"),
    ("turkey", "Türkiye: standard market", "50.00"),
    ("viet nam", "Vietnam: GROWTH MARKET, x2 on sold and managed points", "100.00"),
    ("holland", "Netherlands: standard market", "50.00"),
    ("czech republic", "Czechia: standard market", "50.00"),
]


async def test_another_name_for_a_country_prices_the_deal() -> None:
    # One calculator for the names, each typed into the emptied field.
    app = CalculatorHost()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("c", *"1000")
        field = app.query_one("#country", CountryField)
        await focus(pilot, field.input)
        for typed, market, sold in OTHER_NAMES:
            await pilot.press("ctrl+u", *typed)
            assert note(app, "country") == market
            assert figures(app)[0] == sold, typed
            # The one match is the country typed: no list to pick from.
            assert not field.matches_shown, typed


async def test_uk_is_the_united_kingdom_first_and_enter_picks_it() -> None:
    app = CalculatorHost()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("c", *"1000")
        field = app.query_one("#country", CountryField)
        await focus(pilot, field.input)
        await pilot.press("ctrl+u", *"uk")
        assert field.code == "GB"
        assert note(app, "country") == "United Kingdom: standard market"
        assert field.matches_shown
        matches = field.query_one(OptionList)
        assert [matches.get_option_at_index(i).id for i in range(matches.option_count)] == ["GB", "UA"]
        await pilot.press("enter")
        assert field.input.value == "GB" and not field.matches_shown
        assert figures(app)[0] == "50.00"


async def test_one_matching_country_is_named_in_the_singular() -> None:
    app = CalculatorHost()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("c", *"1000")
        field = app.query_one("#country", CountryField)
        await focus(pilot, field.input)
        await pilot.press("ctrl+u", *"ukr")
        assert note(app, "country") == "client country: 'ukr' matches UA Ukraine; pick it with Enter"
        assert figures(app) == ("", "", "")
        await pilot.press("enter")
        assert note(app, "country") == "Ukraine: standard market"
