"""The slide-out points calculator, driven by the keys a user presses.

Expected figures are hand-computed from the 2025-07 rules (5 points per US$100 sourced, 3 assisted, 1 managed;
x2 on sold and managed in growth markets; EUR 88 = US$100) and checked against the engine's own answer.

The form's own behaviour is tested on the calculator alone (tests/tui/calculator_host.py); what involves the rest
of the app (`c` from the Dashboard, escape and the focus, keys typed in a field, the what-if line's source arriving
with the data) on the app.
"""

from __future__ import annotations

from decimal import Decimal

from textual.widgets import Input, TabbedContent

from engine.points.calculator import calculate, round_points
from engine.rules import shipped_rulebook
from engine.tiers.what_if import outlook_line, what_if
from engine.vocabulary import DealType
from tests.tui.calculator_host import (
    FIGURES,
    CalculatorHost,
    CalculatorScreen,
    figures,
    focus,
    note,
    price_1000_and_manage,
)
from tests.tui.tab_data import sample_agency
from tui.app import PartnerDashApp
from tui.screens.explain import ExplainScreen
from tui.widgets.calculator import CalculatorSidebar
from tui.widgets.deal_form import DealForm
from tui.widgets.figures import FigureRow
from tui.widgets.points_calculator import PointsCalculator
from tui.widgets.text_line import TextLine


async def test_c_opens_the_calculator_with_the_cursor_in_sold_amount_and_typing_prices_the_deal() -> None:
    app = PartnerDashApp()
    async with app.run_test(size=(80, 24)) as pilot:
        sidebar = await app.main.ready_calculator()
        assert not sidebar.is_open
        await pilot.press("c")
        assert sidebar.is_open
        assert app.focused is app.query_one("#amount", Input)

        await pilot.press(*"1000")
        assert figures(app) == ("50.00", "0.00", "50.00")
        # The tab order follows the form: the deal's settings above the amount, the figures under it (as on the
        # Currency tab); the question about other partners is skipped while not managing.
        seen = []
        for key in ["shift+tab"] * 4 + ["tab"] * 6:
            await pilot.press(key)
            seen.append(f"#{app.focused.id}" if app.focused and app.focused.id else type(app.focused).__name__)
        assert seen == [
            *["#manage", "#currency", "CountryInput", "#deal-type"],
            *["CountryInput", "#currency", "#manage", "#amount", "#total-points", "#sold-points"],
        ]
        await pilot.press("shift+tab", "shift+tab", "shift+tab")
        assert app.focused is app.query_one("#manage")
        await pilot.press("space")
        assert figures(app) == ("50.00", "10.00", "60.00")

        engine = calculate(shipped_rulebook().default, Decimal(1000), "USD", "US", DealType.SOURCED, manage=True)
        assert figures(app) == tuple(
            f"{round_points(points):,}" for points in (engine.sold_points, engine.managed_points, engine.total_points)
        )
        sold = app.query_one("#sold-points", FigureRow)
        assert (
            sold.rule == engine.sold.rule == "Rule set 2025-07: 5 per US$100 sold, partner-sourced; standard market US"
        )
        assert app.query_one("#managed-points", FigureRow).rule == engine.managed.rule  # type: ignore[union-attr]


async def test_every_keystroke_recomputes() -> None:
    app = CalculatorHost()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("c")
        seen = []
        for key in "1234":
            await pilot.press(key)
            seen.append(figures(app)[0])
        # 1, 12, 123, 1234 US$ at 5 per US$100.
        assert seen == ["0.05", "0.60", "6.15", "61.70"]
        await pilot.press("backspace")
        assert figures(app)[0] == "6.15"


async def test_currency_country_and_deal_type_change_the_figures() -> None:
    app = CalculatorHost()
    async with app.run_test(size=(80, 24)) as pilot:
        await price_1000_and_manage(pilot)

        # Currency: EUR 88 counts as US$100. 1000 EUR -> 5000/88 sold, 1000/88 managed.
        await focus(pilot, app.query_one("#currency"))
        await pilot.press("enter", "e", "enter")
        assert figures(app) == ("56.82", "11.36", "68.18")

        # Country by name: India is a growth market, x2 on sold and managed points.
        await focus(pilot, app.query_one("#country").input)
        await pilot.press("ctrl+u", *"India")
        assert figures(app) == ("113.64", "22.73", "136.36")
        assert "GROWTH MARKET, x2 on sold and managed points" in note(app, "country")
        heading = app.query_one(PointsCalculator).heading.text
        assert heading.startswith("▲ Growth market IN")
        assert "growth market IN (x2 on sold points)" in app.query_one("#sold-points", FigureRow).rule

        # Deal type: partner-assisted earns 3 per US$100 sold.
        await focus(pilot, app.query_one("#deal-type"))
        await pilot.press("enter", "down", "enter")
        assert figures(app) == ("68.18", "22.73", "90.91")
        assert "partner-assisted" in app.query_one("#sold-points", FigureRow).rule


async def test_country_search_by_part_of_a_name_and_pick_with_arrows() -> None:
    app = CalculatorHost()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("c", *"1000")
        market = app.query_one("#country")
        await focus(pilot, market.input)
        await pilot.press("ctrl+u", *"ind")
        # "ind" is no country yet: a prompt to pick, and no figures.
        assert "3 countries match 'ind'" in note(app, "country")
        assert figures(app) == ("", "", "")
        await pilot.press("down", "enter")  # India, Indonesia, British Indian Ocean Territory
        assert market.input.value == "ID"
        assert note(app, "country") == "Indonesia: GROWTH MARKET, x2 on sold and managed points"
        assert figures(app) == ("100.00", "0.00", "100.00")
        # An ISO code works as typed.
        await pilot.press("ctrl+u", *"de")
        assert note(app, "country") == "Germany: standard market"
        assert figures(app)[0] == "50.00"


async def test_invalid_input_shows_a_message_by_the_field_and_blanks_every_figure() -> None:
    app = CalculatorHost()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("c", *"1000")
        assert figures(app) == ("50.00", "0.00", "50.00")

        await pilot.press("x")
        assert note(app, "sold amount") == "sold amount: '1000x' is not a number"
        assert app.query_one(PointsCalculator).rows["sold amount"].has_error
        assert figures(app) == ("", "", "")
        assert all(app.query_one(figure, FigureRow).rule == "" for figure in FIGURES)

        await pilot.press("ctrl+u", *"-5")
        assert note(app, "sold amount") == "sold amount: must not be negative"
        assert figures(app) == ("", "", "")

        await pilot.press("ctrl+u", *"5000000000000")
        assert note(app, "sold amount") == "sold amount: 5,000,000,000,000 is too large (at most 1,000,000,000,000)"
        assert figures(app) == ("", "", "")

        await pilot.press("ctrl+u")
        assert note(app, "sold amount") == "sold amount: enter a number"
        assert figures(app) == ("", "", "")

        await pilot.press(*"200")
        assert note(app, "sold amount") == ""
        assert figures(app) == ("10.00", "0.00", "10.00")

        await focus(pilot, app.query_one("#country").input)
        await pilot.press("ctrl+u", *"zz")
        assert note(app, "country") == "client country: no country matches 'zz'"
        assert figures(app) == ("", "", "")


async def test_other_partners_split_the_managed_points_and_are_checked() -> None:
    app = CalculatorHost()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("c", *"1000")
        partners = app.query_one("#other-partners", Input)
        # Not managing: the question does not apply and cannot be reached.
        assert app.query_one(PointsCalculator).partners_row.disabled
        await focus(pilot, app.query_one("#manage"))
        await pilot.press("space")
        await focus(pilot, partners)
        await pilot.press("backspace", "3")
        # 10 managed points split evenly over this partner and 3 others.
        assert figures(app) == ("50.00", "2.50", "52.50")
        assert "split evenly over 4 partners" in app.query_one("#managed-points", FigureRow).rule

        await pilot.press("backspace", "-")
        assert note(app, "other_partners") == "other partners: '-' is not a whole number"
        assert figures(app) == ("", "", "")
        await pilot.press("backspace", *"5000")
        assert note(app, "other_partners") == "other partners: at most 1000"
        assert figures(app) == ("", "", "")


async def test_markup_in_what_was_typed_is_shown_literally() -> None:
    app = CalculatorHost()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("c", *"[b]1[/b]")
        row = app.query_one(PointsCalculator).rows["sold amount"]
        assert row.note == "sold amount: '[b]1[/b]' is not a number"
        assert "'[b]1[/b]'" in row.query_one(".field-note", TextLine).text


async def test_a_currency_without_a_program_rate_says_so_by_the_currency_field() -> None:
    # An agency whose home currency has no program rate.
    app = CalculatorHost(home_currency="BRL")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("c", *"1000")
        assert figures(app) == ("", "", "")
        message = note(app, "currency")
        assert message.startswith("no program rate for currency 'BRL' in rule set 2025-07")
        await focus(pilot, app.query_one("#currency"))
        await pilot.press("enter", "u", "enter")
        assert note(app, "currency") == ""
        assert figures(app) == ("50.00", "0.00", "50.00")


async def test_escape_hides_the_calculator_and_it_keeps_its_inputs() -> None:
    app = PartnerDashApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await app.wait_until_loaded()  # the figures take the focus as they arrive
        await pilot.pause()
        sidebar = await app.main.ready_calculator()
        before = app.focused
        await pilot.press("c", *"1000")
        await pilot.press("escape")
        assert not sidebar.is_open
        assert app.focused is before
        # Hidden fields are out of the tab order.
        for _ in range(6):
            await pilot.press("tab")
            assert app.focused is None or sidebar not in app.focused.ancestors

        await pilot.press("c")
        assert sidebar.is_open
        assert app.query_one("#amount", Input).value == "1000"
        assert figures(app) == ("50.00", "0.00", "50.00")

        # c outside a text field closes it too.
        await focus(pilot, app.query_one("#manage"))
        await pilot.press("c")
        assert not sidebar.is_open


async def test_keys_typed_in_a_text_field_are_text() -> None:
    app = PartnerDashApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("c", "q", "c", "2", "slash")
        assert app.is_running
        assert app.query_one("#amount", Input).value == "qc2/"
        assert app.query_one("#tabs", TabbedContent).active == "dashboard"
        assert app.query_one(CalculatorSidebar).is_open


async def test_e_on_a_figure_explains_it() -> None:
    app = CalculatorHost()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("c", *"1000")
        sold = app.query_one("#sold-points", FigureRow)
        await focus(pilot, sold)
        await pilot.press("e")
        assert isinstance(app.screen, ExplainScreen)
        lines = [str(line.visual) for line in app.screen.query(".explain-line")]
        assert lines == [
            "Rule set 2025-07: 5 per US$100 sold, partner-sourced; standard market US",
            "1,000 USD = US$1,000.00 (program rate: USD 100 counts as US$100)",
            "US$1,000.00 / 100 x 5 points = 50.00 points",
        ]
        assert str(app.screen.query_one(".dialog-title").visual) == "Sold points: 50.00"
        await pilot.press("escape")
        assert isinstance(app.screen, CalculatorScreen)
        assert app.focused is sold

        # Nothing to explain while the inputs are invalid.
        await pilot.press("shift+tab")
        await focus(pilot, app.query_one("#amount"))
        await pilot.press("x")
        await focus(pilot, sold)
        await pilot.press("e")
        assert isinstance(app.screen, CalculatorScreen)


async def test_the_total_explains_its_parts() -> None:
    app = CalculatorHost()
    async with app.run_test(size=(80, 24)) as pilot:
        await price_1000_and_manage(pilot)
        await focus(pilot, app.query_one("#total-points"))
        await pilot.press("enter")
        lines = [str(line.visual) for line in app.screen.query(".explain-line")]
        assert lines[0] == "Total points = 50.00 (sold) + 10.00 (managed) = 60.00"
        assert "US$1,000.00 / 100 x 1 points = 10.00 points" in lines


async def test_currency_tab_converts_both_ways() -> None:
    app = CalculatorHost()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("c")
        app.query_one(CalculatorSidebar).show_currency_tab()
        await pilot.pause()
        assert app.focused is app.query_one("#conv-sold")
        await pilot.press(*"50", "tab", *"10")
        conv = ("#conv-sold-points", "#conv-managed-points", "#conv-total-points")
        # Monthly values, and no total: see test_calculator_currency_tab.py.
        assert figures(app, conv) == ("1,000.00 USD/month", "1,000.00 USD/month", "")
        assert [app.query_one(f, FigureRow).label for f in conv[:2]] == ["Sold value", "Managed value"]

        await focus(pilot, app.query_one("#conv-currency"))
        await pilot.press("enter", "e", "enter")
        # The spec's example: 50 sourced and 10 managed points in EUR.
        assert figures(app, conv) == ("880.00 EUR/month", "880.00 EUR/month", "")

        await focus(pilot, app.query_one("#conv-method"))
        await pilot.press("enter", "down", "enter")
        await focus(pilot, app.query_one("#conv-sold"))
        await pilot.press("ctrl+u", *"880", "tab", "ctrl+u", *"880")
        assert figures(app, conv) == ("50.00", "10.00", "60.00")
        assert [app.query_one(f, FigureRow).label for f in conv] == ["Sold points", "Managed points", "Total points"]

        await pilot.press("ctrl+u", *"abc")
        form = app.query_one("#conversion-calculator", DealForm)
        assert form.rows["managed"].note == "managed value: 'abc' is not a number"
        assert figures(app, conv) == ("", "", "")


async def test_the_what_if_line_shows_only_with_a_source_and_valid_inputs() -> None:
    app = PartnerDashApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await app.wait_until_loaded()
        await pilot.press("c", *"1000")
        await app.workers.wait_for_complete()  # the outlook, worked out in a thread
        await pilot.pause()
        form = app.query_one(PointsCalculator)
        # The agency's totals are the source once the data is loaded: the engine's line for this deal, and what
        # it does to the outlook.
        assert app.agency is not None and form.result is not None
        overview = app.agency.overview
        expected = what_if(overview.standing, overview.thresholds, overview.credited_tier, form.result).line()
        expected += "\n" + outlook_line(app.agency.outlook, form.result)
        assert form.what_if_line.text == expected and expected.startswith("With this deal: ")
        await pilot.press("x")
        assert form.what_if_line.text == ""
        await pilot.press("backspace")
        form.set_what_if(None)
        await pilot.pause()
        assert form.what_if_line.text == "" and not form.what_if_line.display


async def test_the_what_if_line_keeps_its_place_while_the_amount_is_emptied_and_typed_again() -> None:
    # Its height is fixed once shown, as are the figures' and the amount's note: a key that empties the amount or
    # fills it again repaints them, moving nothing (Textual laid the whole screen out again on one key in three).
    app = CalculatorHost(agency=sample_agency())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("c", *"100")
        await pilot.pause()
        form = app.query_one(PointsCalculator)
        line, sold = form.what_if_line, app.query_one("#sold-points", FigureRow)
        shown, below = line.region, sold.region
        assert line.text.startswith("With this deal: ") and shown.height >= 2
        await pilot.press("backspace", "backspace", "backspace")
        await pilot.pause()
        assert line.text == "" and figures(app) == ("", "", "")
        assert note(app, "sold amount") == "sold amount: enter a number"
        assert (line.region, sold.region) == (shown, below)
        await pilot.press("1")
        await pilot.pause()
        assert line.text.startswith("With this deal: ") and figures(app)[-1] == "0.05"
        assert note(app, "sold amount") == ""
        assert (line.region, sold.region) == (shown, below)


async def test_escape_closes_the_country_list_first_then_the_calculator() -> None:
    # The host binds escape as MainScreen does (the same Binding): the country list's own escape comes first.
    app = CalculatorHost()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("c")
        market = app.query_one("#country")
        await focus(pilot, market.input)
        await pilot.press("ctrl+u", *"ger")
        assert market.matches_shown
        await pilot.press("escape")
        assert not market.matches_shown
        calculator = app.query_one(CalculatorSidebar)
        assert calculator.is_open
        await pilot.press("escape")
        assert not calculator.is_open


async def test_the_what_if_line_is_in_sight_at_80x24_without_scrolling() -> None:
    app = CalculatorHost(agency=sample_agency())
    async with app.run_test(size=(80, 24)) as pilot:
        await price_1000_and_manage(pilot)
        await pilot.pause()
        form = app.query_one(PointsCalculator)
        line = form.what_if_line
        assert line.text.startswith("With this deal: ") and form.scroll_y == 0
        visible = form.content_region
        assert visible.contains_region(line.region), (line.region, visible)
        # Right under the total, the figure it adds to.
        total = app.query_one("#total-points", FigureRow)
        assert line.region.y == total.region.bottom


async def test_the_calculator_slides_into_view_on_c_and_out_of_it_on_escape() -> None:
    app = CalculatorHost()
    async with app.run_test(size=(100, 30)) as pilot:
        width = app.screen.size.width
        await pilot.press("c")
        await pilot.wait_for_animation()
        sidebar = app.query_one(CalculatorSidebar)
        assert sidebar.region.right == width and sidebar.region.width > 0  # docked at the right edge, in view
        await pilot.press("escape")
        await pilot.wait_for_animation()
        assert sidebar.region.x >= width  # wholly out of view
        await pilot.press("c")
        await pilot.wait_for_animation()
        assert sidebar.region.right == width
