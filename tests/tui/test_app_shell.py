"""The app frame: tabs by key, the keys dialog, the command palette, q, and the command line's options."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from textual.content import Content
from textual.pilot import Pilot
from textual.style import Style
from textual.widgets import Input, Static, TabbedContent, Tabs

from engine.cli import build_parser
from tests.cli_runner import run_cli
from tui.app import AppOptions, PartnerDashApp
from tui.commands import highlighted
from tui.screens.keys import KeysScreen
from tui.screens.main import MainScreen
from tui.screens.tab import FILTER_CLASS
from tui.widgets.calculator import CalculatorSidebar


def shown_text(screen: object) -> str:
    """All the plain text the Static widgets of a screen show."""
    return "\n".join(str(static.visual) for static in screen.query(Static))  # type: ignore[attr-defined]


def shown_text_outside(screen: object, folded: object) -> str:
    """The plain text of the screen's Static widgets that are not inside `folded`."""
    return "\n".join(
        str(static.visual)
        for static in screen.query(Static)  # type: ignore[attr-defined]
        if folded not in static.ancestors
    )


async def test_keys_dialog_lists_the_keys_of_the_current_screen_and_follows_the_focus_into_the_calculator() -> None:
    # One app for the three: right after start, then with the cursor in the calculator (as from start: `c` opens it
    # on Sold amount wherever the focus was).
    from textual.widgets import Collapsible

    from tui.screens.keys import key_rows

    app = PartnerDashApp()
    async with app.run_test(size=(80, 24)) as pilot:
        # Right after start, the data and the other tabs still coming.
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, KeysScreen)
        text = shown_text(app.screen)
        for line in [
            "1  Dashboard",
            "4  HubSpot Team",
            "c  Calculator",
            "^q / q  Quit",
            "^p  Commands",
            "? / f1  Keys",
        ]:
            assert any(row.split() == line.split() for row in text.splitlines()), (line, text)
        # No calculator open, no filter on this tab: their keys are not listed as if they worked.
        assert "Close calculator" not in text
        assert "Filter" not in text
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)

        # The app's keys first, Textual's folded away.
        await pilot.press("c")
        assert app.focused is app.query_one("#amount", Input)
        rows = key_rows(app.screen)
        generic = [row.generic for row in rows]
        # Every app key before the first generic one, and both kinds there.
        assert generic == sorted(generic) and any(generic) and not all(generic)
        assert rows[0].section == "Everywhere"
        own = [row.description for row in rows if not row.generic]
        assert "Scroll Up" not in own and "Delete character left" not in own
        assert {"Close calculator", "Currency tab", "Keys"} <= set(own)

        # The dialog follows the focus into the calculator. `?` would be typed into the amount field; f1 is the key
        # that works everywhere.
        await pilot.press("f1")
        await pilot.pause()
        text = shown_text(app.screen)
        assert "Close calculator" in text
        assert "Currency tab" in text
        # Textual's own text-editing and scrolling keys are there, folded away below the app's keys.
        folded = app.screen.query_one(Collapsible)
        assert folded.collapsed
        assert "Delete character left" in shown_text(folded)
        assert "Delete character left" not in shown_text_outside(app.screen, folded)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)


async def test_number_keys_switch_tabs() -> None:
    app = PartnerDashApp()
    async with app.run_test(size=(80, 24)) as pilot:
        tabs = app.query_one("#tabs", TabbedContent)
        assert tabs.active == "dashboard"
        for key, tab in [("2", "partner-tier"), ("3", "points-breakdown"), ("4", "hubspot-team"), ("1", "dashboard")]:
            await pilot.press(key)
            assert tabs.active == tab
        await pilot.press("3")
        body = app.query_one("#points-breakdown-body")
        assert body.filter_input is not None  # type: ignore[attr-defined]


async def test_keys_dialog_names_its_sections_as_a_user_would() -> None:
    from tui.screens.keys import key_rows

    app = PartnerDashApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await app.wait_until_loaded()
        await pilot.pause()
        sections: set[str] = set()
        for key in ("1", "2", "3", "4"):
            await pilot.press(key)
            await pilot.pause()
            sections |= {row.section for row in key_rows(app.screen)}
        assert {"Dashboard", "Table", "Figure", "Everywhere"} <= sections
        # No class names such as "DashboardTab" or "VirtualTable".
        classes = {type(node).__name__ for node in app.screen.walk_children(with_self=True)}
        assert not sections & classes - {"Button"}, sections & classes


async def test_command_palette_switches_tabs_and_opens_the_calculator() -> None:
    app = PartnerDashApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+p", *"tier")
        await pilot.pause(0.2)
        await pilot.press("enter")
        await pilot.pause()
        assert app.query_one("#tabs", TabbedContent).active == "partner-tier"

        await pilot.press("ctrl+p", *"conv")
        await pilot.pause(0.2)
        await pilot.press("enter")
        await pilot.pause()
        sidebar = app.main.calculator
        assert sidebar.is_open
        assert app.query_one("#calculator-tabs", TabbedContent).active == "calc-currency"
        assert app.focused is app.query_one("#conv-sold")


def test_palette_names_are_plain_text_not_markup() -> None:
    name = "Open client [b]Acme[/b] & [link=x]Co[/link]"
    shown = highlighted(name, [0, 13], Style(reverse=True))
    assert shown.plain == name
    assert isinstance(shown, Content)


async def test_q_quits_outside_a_text_field() -> None:
    app = PartnerDashApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


def test_the_command_line_options_reach_the_app() -> None:
    args = build_parser().parse_args(["--data", "agency", "--today", "2025-01-31", "--rules", "2024-02"])
    options = AppOptions.from_args(args)
    assert (str(options.data), str(options.today), options.rules, options.rules_file) == (
        "agency",
        "2025-01-31",
        "2024-02",
        None,
    )
    assert options.rule_set().id == "2024-02"


async def test_the_calculator_uses_the_rule_set_given_on_the_command_line() -> None:
    args = build_parser().parse_args(["--rules", "2024-02"])
    app = PartnerDashApp(AppOptions.from_args(args))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("c", *"300")
        # 2024-02: 5 points per US$100 sourced, no growth multiplier on managed points.
        assert app.query_one("#sold-points").value == "15.00"  # type: ignore[attr-defined]
        assert "rule set 2024-02" in str(app.query_one(".calculator-title", Static).visual)


def test_an_unknown_rule_set_is_one_line_and_exit_2() -> None:
    done = run_cli("--rules", "1999-01", timeout=60)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "partner-dash: error: unknown rule set '1999-01' (known: 2022-07, 2024-02, 2025-07)"
    ]


async def test_slash_focuses_the_filter_of_a_tab_that_has_one() -> None:
    app = PartnerDashApp()
    async with app.run_test(size=(80, 24)) as pilot:
        # The Dashboard has no filter: the key is not offered.
        assert "slash" not in app.screen.active_bindings
        await pilot.press("3")
        assert "slash" in app.screen.active_bindings
        await pilot.press("slash", *"a/bc")
        assert app.focused is app.query_one(f".{FILTER_CLASS}")
        # `c` (a priority key, for the calculator) is typed in a text field like any letter.
        assert app.query_one(f".{FILTER_CLASS}", Input).value == "a/bc"
        assert app.main.calculator is None or not app.main.calculator.is_open
        # On a tab without one, nothing to go to.
        await pilot.press("escape")
        app.screen.set_focus(None)
        await pilot.press("1")
        assert "slash" not in app.screen.active_bindings


async def test_theme_from_the_palette() -> None:
    app = PartnerDashApp()
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.theme == "textual-dark"
        await pilot.press("ctrl+p", *"theme")
        await pilot.pause(0.2)
        await pilot.press("enter")
        await pilot.pause(0.2)
        await pilot.press(*"nord")
        await pilot.pause(0.2)
        await pilot.press("enter")
        await pilot.pause()
        assert app.theme == "nord"
    assert PartnerDashApp(theme="gruvbox").theme == "gruvbox"


async def test_once_loaded_the_first_figure_has_the_focus() -> None:
    from tui.widgets.dashboard_figure import DashboardFigure

    app = PartnerDashApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await app.wait_until_loaded()
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.focused, DashboardFigure) and app.focused.id == "credited-tier"
        await pilot.press("down")
        assert app.focused.id == "performance-tier"


@asynccontextmanager
async def loaded() -> AsyncIterator[tuple[PartnerDashApp, Pilot[None], MainScreen]]:
    """The app on the sample, loaded."""
    app = PartnerDashApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await app.wait_until_loaded()
        screen = app.screen
        assert isinstance(screen, MainScreen)
        yield app, pilot, screen


@asynccontextmanager
async def calculator_ready() -> AsyncIterator[tuple[PartnerDashApp, Pilot[None], MainScreen, CalculatorSidebar]]:
    """The app on the sample, loaded, with the calculator built (and closed)."""
    async with loaded() as (app, pilot, screen):
        sidebar = await screen.ready_calculator()
        await pilot.pause()
        yield app, pilot, screen, sidebar


async def test_the_data_arriving_just_after_c_leaves_the_cursor_in_the_calculator() -> None:
    # The race CI hit: `c` asks for the focus on Sold amount (Textual applies it a moment later) and the load's
    # "focus the first figure" runs in between, while the tab bar still has the focus.
    async with calculator_ready() as (app, pilot, screen, sidebar):
        await pilot.pause()  # the load's own focus move has been applied
        screen.set_focus(screen.tabs.query_one(Tabs))  # as at start, before the figures are in
        await pilot.pause()
        assert isinstance(app.focused, Tabs)
        sidebar.is_open = True  # what `c` does; the field's focus is still pending
        screen.focus_after_load()
        await pilot.pause()
        await pilot.pause()
        assert app.focused is app.query_one("#amount", Input)


async def test_keys_typed_right_after_c_go_into_the_calculator_not_to_the_tab_behind() -> None:
    # Keys already queued behind `c` (a fast typist, a paste) must find the cursor in Sold amount.
    from textual import events

    async with calculator_ready() as (app, pilot, screen, _):
        for key in "c25":
            app.post_message(events.Key(key, key))  # all three queued before the first is handled
        await pilot.pause()
        await pilot.pause()
        assert screen.tabs.active == "dashboard"
        assert app.query_one("#amount", Input).value == "25"


async def test_c_right_after_a_tab_key_keeps_the_cursor_in_the_calculator() -> None:
    # The new tab takes the focus a frame after `3`; a `c` in between has put the cursor in the calculator.
    async with calculator_ready() as (app, pilot, screen, sidebar):
        await pilot.press("3")
        sidebar.is_open = True  # `c`, before the tab switch's focus move (a frame later) has run
        screen.focus_shown_tab(screen.active_tab_body)  # type: ignore[arg-type]
        await pilot.pause()
        assert screen.tabs.active == "points-breakdown"
        assert app.focused is app.query_one("#amount", Input)


async def test_a_tab_key_right_after_a_focus_change_is_not_undone() -> None:
    # Textual shows the pane of a focused widget two messages later; a switch in between must stand.
    from tui.widgets.dashboard_figure import DashboardFigure

    async with loaded() as (app, pilot, screen):
        await pilot.pause()
        figures = screen.query(DashboardFigure)
        for _ in range(3):
            screen.set_focus(figures[1])  # at once; the pane hears of it two messages later
            screen.action_show_tab("points-breakdown")
            await pilot.pause()
            await pilot.pause()
            assert screen.tabs.active == "points-breakdown"
            assert app.focused is screen.active_tab_body.table  # type: ignore[union-attr]
            screen.action_show_tab("dashboard")
            await pilot.pause()


async def test_a_tab_built_on_first_show_has_the_focus_once_its_building_is_done() -> None:
    # The snapshot of a tab shown for the first time waits for the app's workers and then draws: the focus must be
    # in the new tab by then, not a refresh later (the HubSpot Team snapshot caught the focus still on its way).
    async with loaded() as (app, pilot, screen):
        await pilot.pause()
        for tab_id in ("hubspot-team", "points-breakdown", "partner-tier"):
            screen.action_show_tab(tab_id)  # as the palette's "Show …" does: the body is built in a worker
            await app.workers.wait_for_complete()
            body = screen.active_tab_body
            assert body is not None and app.focused is not None
            assert body in app.focused.ancestors_with_self, f"{tab_id}: the focus is on {app.focused!r}"
