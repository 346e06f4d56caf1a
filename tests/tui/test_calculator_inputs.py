"""The calculator's text fields keep what was typed: focus selects nothing, and no character is dropped."""

from __future__ import annotations

from textual.widgets import Input

from tests.tui.calculator_host import FIGURES, CalculatorHost, figures, focus, note, price_1000_and_manage
from tui.widgets.calculator import CalculatorSidebar
from tui.widgets.conversion_calculator import ConversionCalculator
from tui.widgets.figures import FigureRow
from tui.widgets.points_calculator import PointsCalculator
from tui.widgets.text_line import TextLine

CONV_FIGURES = ("#conv-sold-points", "#conv-managed-points", "#conv-total-points")


async def test_reopening_the_calculator_puts_the_cursor_after_the_text_so_a_stray_c_is_not_a_replacement() -> None:
    app = CalculatorHost()
    async with app.run_test(size=(80, 24)) as pilot:
        sidebar = app.query_one(CalculatorSidebar)
        await pilot.press("c", *"50", "escape", "c")
        assert sidebar.is_open
        amount = app.query_one("#amount", Input)
        assert app.focused is amount
        assert amount.selection.is_empty and amount.cursor_position == 2
        # A user expecting `c` to close the calculator again: one character to delete, not a lost amount.
        await pilot.press("c")
        assert amount.value == "50c"


async def test_no_calculator_field_selects_its_text_on_focus() -> None:
    app = CalculatorHost()
    async with app.run_test(size=(80, 24)) as pilot:
        await price_1000_and_manage(pilot)
        fields = list(app.query_one(PointsCalculator).query(Input))
        assert [field.value for field in fields] == ["US", "0", "1000"]
        for field in fields:
            await focus(pilot, app.query_one("#total-points"))
            await focus(pilot, field)
            assert app.focused is field
            assert field.selection.is_empty, (field.id, field.selection)
            assert field.cursor_position == len(field.value), field.id

        app.query_one(CalculatorSidebar).show_currency_tab()
        await pilot.pause()
        fields = list(app.query_one(ConversionCalculator).query(Input))
        assert len(fields) == 4
        for field in fields:
            field.value = field.value or "12"
            await focus(pilot, app.query_one("#conv-sold-points"))
            await focus(pilot, field)
            assert app.focused is field
            assert field.selection.is_empty, (field.id, field.selection)
            assert field.cursor_position == len(field.value), field.id


OTHER_PARTNERS_TYPED = [
    ("2.5", "other partners: '2.5' is not a whole number"),
    ("two", "other partners: 'two' is not a whole number"),
    ("-1", "other partners: must not be negative"),
    ("1001", "other partners: at most 1000"),
    ("", "other partners: enter a whole number (0 if none)"),
]


async def test_other_partners_keeps_every_character_and_says_what_is_wrong() -> None:
    # One calculator for the cases, each typed over the 0 a new calculator holds (put back after each).
    app = CalculatorHost()
    async with app.run_test(size=(80, 24)) as pilot:
        await price_1000_and_manage(pilot)
        partners = app.query_one("#other-partners", Input)
        row = app.query_one(PointsCalculator).partners_row
        for typed, message in OTHER_PARTNERS_TYPED:
            assert (partners.value, figures(app)) == ("0", ("50.00", "10.00", "60.00")), typed
            await focus(pilot, partners)
            await pilot.press("backspace", *typed)
            assert partners.value == typed
            assert note(app, "other_partners") == message
            # An empty field is a prompt, as for the sold amount; anything else is an error, marked as one.
            assert row.has_error is bool(typed), typed
            assert figures(app) == ("", "", ""), typed
            assert all(app.query_one(figure, FigureRow).rule == "" for figure in FIGURES), typed

            await pilot.press("ctrl+u", "1")
            assert note(app, "other_partners") == "", typed
            assert figures(app) == ("50.00", "5.00", "55.00"), typed
            await pilot.press("ctrl+u", "0")


async def test_a_number_of_partners_too_long_for_int_is_too_large_not_a_crash() -> None:
    app = CalculatorHost()
    async with app.run_test(size=(80, 24)) as pilot:
        await price_1000_and_manage(pilot)
        app.query_one("#other-partners", Input).value = "9" * 5000
        await pilot.pause()
        assert note(app, "other_partners") == "other partners: at most 1000"
        assert figures(app) == ("", "", "")


async def test_a_wrong_number_of_partners_is_reported_with_the_other_problems() -> None:
    app = CalculatorHost()
    async with app.run_test(size=(80, 24)) as pilot:
        await price_1000_and_manage(pilot)
        await focus(pilot, app.query_one("#other-partners", Input))
        await pilot.press("backspace", "-", "3")
        await focus(pilot, app.query_one("#amount", Input))
        await pilot.press("x")
        assert note(app, "sold amount") == "sold amount: '1000x' is not a number"
        assert note(app, "other_partners") == "other partners: must not be negative"


async def test_the_currency_tab_checks_other_partners_the_same_way() -> None:
    app = CalculatorHost()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("c")
        app.query_one(CalculatorSidebar).show_currency_tab()
        await pilot.pause()
        await pilot.press(*"50", "tab", *"10")
        assert figures(app, CONV_FIGURES) == ("1,000.00 USD/month", "1,000.00 USD/month", "")
        partners = app.query_one("#conv-other-partners", Input)
        await focus(pilot, partners)
        await pilot.press("backspace", *"1.5")
        assert partners.value == "1.5"
        assert note(app, "other_partners", ConversionCalculator) == "other partners: '1.5' is not a whole number"
        assert app.query_one(ConversionCalculator).partners_row.has_error
        assert figures(app, CONV_FIGURES) == ("", "", "")
        await pilot.press("ctrl+u", "1")
        # 10 managed points, half of the client's managed points: a client paying twice as much.
        assert figures(app, CONV_FIGURES) == ("1,000.00 USD/month", "2,000.00 USD/month", "")


async def test_the_amounts_note_looks_like_what_it_says_whatever_came_before() -> None:
    # A cleared note keeps its look (it shows nothing): the hint that comes back as the amount is emptied again
    # costs no restyle, and each message still has its own look.
    app = CalculatorHost()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("c")
        line = app.query_one(PointsCalculator).amount_row.query_one(".field-note", TextLine)

        def look() -> tuple[str, bool, bool]:
            return line.text, line.has_class("-error"), line.has_class("-hint")

        await pilot.press("x")
        assert look() == ("✗ sold amount: 'x' is not a number", True, False)
        await pilot.press("backspace")
        assert look() == ("sold amount: enter a number", False, True)
        await pilot.press("1")
        assert note(app, "sold amount") == "" and line.text == ""
        await pilot.press("backspace")
        assert look() == ("sold amount: enter a number", False, True)
        await pilot.press("1", "x")
        assert look() == ("✗ sold amount: '1x' is not a number", True, False)
