"""The Currency tab says what its values are: monthly MRR, one per kind of points, never added up.

A client you sell and also manage pays one MRR that earns both sold and managed points, so the sum of the two
values (the old "Total value") is no amount anyone pays. Points do add up: currency -> points keeps its total.
"""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Input, Select

from tests.tui.calculator_host import CalculatorHost, figures, focus
from tui.screens.explain import ExplainScreen
from tui.widgets.calculator import CalculatorSidebar
from tui.widgets.conversion_calculator import TO_CURRENCY, TO_POINTS, VALUES_NOTE, ConversionCalculator
from tui.widgets.country import CountryField
from tui.widgets.figures import FigureRow
from tui.widgets.key_bar import KeyBar

CONV = ("#conv-sold-points", "#conv-managed-points", "#conv-total-points")


async def convert_50_and_10_eur(pilot: Pilot[object]) -> None:
    """The spec's example: 50 sourced and 10 managed points, EUR, client in the US."""
    await pilot.press("c")
    pilot.app.query_one(CalculatorSidebar).show_currency_tab()
    await pilot.pause()
    await pilot.press(*"50", "tab", *"10")
    await focus(pilot, pilot.app.query_one("#conv-currency"))
    await pilot.press("enter", "e", "enter")


async def explain(pilot: Pilot[object], figure: str) -> list[str]:
    await focus(pilot, pilot.app.query_one(figure))
    await pilot.press("e")
    assert isinstance(pilot.app.screen, ExplainScreen)
    lines = [str(line.visual) for line in pilot.app.screen.query(".explain-line")]
    await pilot.press("escape")
    return lines


async def test_points_to_currency_shows_two_monthly_values_and_no_total() -> None:
    app = CalculatorHost()
    async with app.run_test(size=(80, 24)) as pilot:
        await convert_50_and_10_eur(pilot)
        form = app.query_one(ConversionCalculator)
        assert figures(app, CONV) == ("880.00 EUR/month", "880.00 EUR/month", "")
        total = app.query_one("#conv-total-points", FigureRow)
        assert not total.display
        assert "1,760" not in form.values_note.text
        assert form.values_note.text == VALUES_NOTE and "Monthly MRR" in VALUES_NOTE
        # In sight at 80x24, right under the results heading.
        assert form.content_region.contains_region(form.values_note.region)
        assert form.values_note.region.y == form.heading.region.bottom
        # The hidden total is out of the tab order.
        for _ in range(12):
            await pilot.press("tab")
            assert app.focused is not total

        # Invalid input blanks the values and the note with them.
        await focus(pilot, app.query_one("#conv-sold"))
        await pilot.press("x")
        assert figures(app, CONV) == ("", "", "")
        assert form.values_note.text == "" and not form.values_note.display


async def test_each_value_explains_itself_from_points_to_a_monthly_amount() -> None:
    app = CalculatorHost()
    async with app.run_test(size=(80, 24)) as pilot:
        await convert_50_and_10_eur(pilot)
        assert await explain(pilot, "#conv-sold-points") == [
            "Rule set 2025-07: 5 per US$100 sold, partner-sourced; standard market US",
            "50.00 points / 5 points per US$100 = US$1,000.00 a month",
            "US$1,000.00 = 880.00 EUR a month (program rate: EUR 88 counts as US$100)",
        ]
        # Split over this partner and one other, in a growth market: twice the points per US$100, half of them ours.
        await focus(pilot, app.query_one("#conv-other-partners"))
        await pilot.press("backspace", "1")
        await focus(pilot, app.query_one("#conv-country", CountryField).input)
        await pilot.press("ctrl+u", *"IN")
        assert figures(app, CONV) == ("440.00 EUR/month", "880.00 EUR/month", "")
        assert await explain(pilot, "#conv-managed-points") == [
            "Rule set 2025-07: 1 per US$100 managed, split evenly over 2 partners; growth market IN "
            "(x2 on managed points)",
            "10.00 points / (1 point per US$100 x growth multiplier 2 x share 1/2) = US$1,000.00 a month",
            "US$1,000.00 = 880.00 EUR a month (program rate: EUR 88 counts as US$100)",
        ]


async def test_currency_to_points_keeps_the_points_total_and_says_the_values_are_monthly() -> None:
    app = CalculatorHost()
    async with app.run_test(size=(80, 24)) as pilot:
        await convert_50_and_10_eur(pilot)
        await focus(pilot, app.query_one("#conv-method"))
        await pilot.press("enter", "down", "enter")
        form = app.query_one(ConversionCalculator)
        assert app.query_one("#conv-sold", Input).placeholder == "monthly, client currency"
        await focus(pilot, app.query_one("#conv-sold"))
        await pilot.press("ctrl+u", *"880", "tab", "ctrl+u", *"880")
        assert figures(app, CONV) == ("50.00", "10.00", "60.00")
        assert app.query_one("#conv-total-points", FigureRow).display
        assert form.values_note.text == ""
        assert form.heading.text == "Standard market US; values are monthly MRR"
        lines = await explain(pilot, "#conv-total-points")
        assert lines[0] == "Total points = 50.00 (sold) + 10.00 (managed) = 60.00"
        assert "880 EUR = US$1,000.00 (program rate: EUR 88 counts as US$100)" in lines

        # Back to points -> currency: the total goes again.
        await focus(pilot, app.query_one("#conv-method"))
        await pilot.press("enter", "up", "enter")
        await pilot.pause()
        assert not app.query_one("#conv-total-points", FigureRow).display
        assert figures(app, CONV)[2] == ""
        assert app.query_one("#conv-sold", Input).placeholder == "tier points"


async def test_ctrl_t_switches_to_the_currency_tab_which_takes_the_points_tabs_country_and_currency() -> None:
    app = CalculatorHost()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("c", *"1000")
        sidebar = app.query_one(CalculatorSidebar)
        # India and EUR on the Points tab.
        market = sidebar.points.country
        market.input.value = ""
        await focus(pilot, market.input)
        await pilot.press(*"IN")
        sidebar.points.currency_row.query_one("#currency", Select).value = "EUR"
        await pilot.pause()
        await focus(pilot, sidebar.points.first_field)
        shown = {item.key: item.description for item in app.query_one(KeyBar).items}
        assert shown["ctrl+t"] == "Currency tab"
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert sidebar.active_form is sidebar.conversion
        assert app.focused is sidebar.conversion.first_field
        assert sidebar.conversion.country.code == "IN"
        assert sidebar.conversion.currency == "EUR"
        shown = {item.key: item.description for item in app.query_one(KeyBar).items}
        assert shown["ctrl+t"] == "Points tab"
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert sidebar.active_form is sidebar.points
        assert app.focused is sidebar.points.first_field


async def test_switching_the_direction_converts_the_typed_numbers_instead_of_rereading_them() -> None:
    app = CalculatorHost()
    async with app.run_test(size=(80, 24)) as pilot:
        await convert_50_and_10_eur(pilot)
        form = app.query_one(ConversionCalculator)
        assert figures(app, CONV)[:2] == ("880.00 EUR/month", "880.00 EUR/month")
        form.method_row.query_one(Select).value = TO_POINTS
        await pilot.pause()
        # The fields now hold the values the points were worth, so the points come back unchanged.
        assert form.sold_row.query_one(Input).value == "880.00"
        assert form.managed_row.query_one(Input).value == "880.00"
        assert figures(app, CONV) == ("50.00", "10.00", "60.00")
        assert "converted" in form.method_row.note.lower()

        # With a number that cannot be read, nothing is converted: the fields are cleared and it says so.
        form.sold_row.query_one(Input).value = "abc"
        await pilot.pause()
        form.method_row.query_one(Select).value = TO_CURRENCY
        await pilot.pause()
        assert form.sold_row.query_one(Input).value == ""
        assert form.managed_row.query_one(Input).value == ""
        assert "cleared" in form.method_row.note.lower()
