"""The Dropdown: one widget until opened, a list that closes back to it, down and up that move on when closed."""

from __future__ import annotations

from datetime import date

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Input, OptionList

from engine.vocabulary import Tier
from tui.app import AppOptions, PartnerDashApp
from tui.screens.keys import key_rows
from tui.widgets.dashboard_figure import DashboardFigure
from tui.widgets.dropdown import Dropdown
from tui.widgets.key_bar import KeyBar

OPTIONS = [("Last 30 days", 30), ("Last 90 days", 90), ("[b]Bold[/b] days", 7)]


class Host(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.changes: list[tuple[Dropdown[int], int]] = []

    def compose(self) -> ComposeResult:
        yield Input(id="before")
        yield Dropdown(OPTIONS, 30, id="days")
        yield Input(id="after")

    @property
    def dropdown(self) -> Dropdown[int]:
        return self.query_one("#days", Dropdown)

    def on_dropdown_changed(self, event: Dropdown.Changed[int]) -> None:
        self.changes.append((event.control, event.value))


def lists_anywhere(app: App[None]) -> int:
    """How many option lists the app has, on every screen of its stack."""
    return sum(len(screen.query(OptionList)) for screen in app.screen_stack)


def shown(dropdown: Dropdown[int]) -> str:
    return dropdown.render().plain.rstrip()


async def test_enter_opens_the_list_down_and_enter_choose_and_the_focus_comes_back() -> None:
    app = Host()
    async with app.run_test(size=(60, 12)) as pilot:
        dropdown = app.dropdown
        assert shown(dropdown).startswith("Last 30 days") and shown(dropdown).endswith("▼")
        # Nothing of the list exists before it is first opened.
        assert lists_anywhere(app) == 0
        dropdown.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert lists_anywhere(app) == 1
        options = app.screen.query_one(OptionList)
        assert app.focused is options
        assert [str(options.get_option_at_index(n).prompt) for n in range(options.option_count)] == [
            label for label, _ in OPTIONS
        ]
        assert options.highlighted == 0
        assert shown(dropdown).endswith("▲")
        await pilot.press("down", "enter")
        await pilot.pause()
        assert dropdown.value == 90
        assert app.changes == [(dropdown, 90)]
        assert app.focused is dropdown
        assert shown(dropdown).startswith("Last 90 days") and shown(dropdown).endswith("▼")
        assert lists_anywhere(app) == 0
        # Open again: the list starts on the current value.
        await pilot.press("space")
        await pilot.pause()
        assert app.screen.query_one(OptionList).highlighted == 1


async def test_escape_closes_the_list_without_a_change() -> None:
    app = Host()
    async with app.run_test(size=(60, 12)) as pilot:
        dropdown = app.dropdown
        dropdown.focus()
        await pilot.press("enter", "down", "down", "escape")
        await pilot.pause()
        assert lists_anywhere(app) == 0
        assert dropdown.value == 30
        assert app.changes == []
        assert app.focused is dropdown


async def test_a_click_opens_the_list_and_a_click_on_an_option_chooses_it() -> None:
    app = Host()
    async with app.run_test(size=(60, 12)) as pilot:
        dropdown = app.dropdown
        await pilot.click("#days")
        await pilot.pause()
        options = app.screen.query_one(OptionList)
        assert app.focused is options
        await pilot.click(OptionList, offset=(2, 2))
        await pilot.pause()
        assert dropdown.value == 7
        assert app.focused is dropdown
        # A click outside the open list closes it, unchanged.
        await pilot.click("#days")
        await pilot.pause()
        assert lists_anywhere(app) == 1
        await pilot.click(offset=(50, 8))
        await pilot.pause()
        assert lists_anywhere(app) == 0
        assert dropdown.value == 7
        assert app.focused is dropdown


async def test_down_and_up_on_a_closed_dropdown_move_the_focus() -> None:
    app = Host()
    async with app.run_test(size=(60, 12)) as pilot:
        dropdown = app.dropdown
        dropdown.focus()
        await pilot.press("down")
        assert app.focused is app.query_one("#after")
        dropdown.focus()
        await pilot.press("up")
        assert app.focused is app.query_one("#before")
        assert lists_anywhere(app) == 0
        assert dropdown.value == 30


async def test_a_value_set_in_code_shows_and_is_announced_and_an_unknown_one_is_refused() -> None:
    app = Host()
    async with app.run_test(size=(60, 12)) as pilot:
        dropdown = app.dropdown
        dropdown.value = 90
        await pilot.pause()
        assert app.changes == [(dropdown, 90)]
        assert shown(dropdown).startswith("Last 90 days")
        dropdown.value = 90  # the same value: nothing changes, nothing is announced
        await pilot.pause()
        assert app.changes == [(dropdown, 90)]
        with pytest.raises(ValueError, match="45"):
            dropdown.value = 45
        assert dropdown.value == 90
    with pytest.raises(ValueError):
        Dropdown(OPTIONS, 45)


async def test_labels_are_plain_text_not_markup() -> None:
    app = Host()
    async with app.run_test(size=(60, 12)) as pilot:
        dropdown = app.dropdown
        dropdown.value = 7
        await pilot.pause()
        assert shown(dropdown).startswith("[b]Bold[/b] days")
        dropdown.focus()
        await pilot.press("enter")
        await pilot.pause()
        options = app.screen.query_one(OptionList)
        assert str(options.get_option_at_index(2).prompt) == "[b]Bold[/b] days"


async def test_the_keys_dialog_lists_the_dropdowns_keys_by_what_they_do() -> None:
    app = Host()
    async with app.run_test(size=(60, 12)) as pilot:
        app.dropdown.focus()
        await pilot.pause()
        rows = {(row.section, row.description): row for row in key_rows(app.screen)}
        choose = rows["Choice field", "Choose"]
        assert not choose.generic and "space" in choose.keys
        assert not rows["Choice field", "Next"].generic
        await pilot.press("enter")
        await pilot.pause()
        rows = {(row.section, row.description): row for row in key_rows(app.screen)}
        assert not rows["Choice list", "Choose"].generic
        assert not rows["Choice list", "Close the list"].generic
        # The bar at the bottom is the open list's: its keys, not the Dropdown's.
        assert {"Choose", "Close the list"} <= {item.description for item in app.screen.query_one(KeyBar).items}


async def test_walking_the_dashboard_figures_with_down_passes_the_get_to_choice() -> None:
    app = PartnerDashApp(AppOptions(today=date(2026, 11, 26)))
    async with app.run_test(size=(100, 40)) as pilot:
        await app.wait_until_loaded()
        await app.workers.wait_for_complete()
        await pilot.pause()
        get_to: Dropdown[Tier] = app.main.dashboard.query_one("#get-to", Dropdown)
        progress = list(app.main.dashboard.query_one("#progress-panel").query(DashboardFigure))
        progress[-1].focus()
        await pilot.pause()
        screens, lists = len(app.screen_stack), lists_anywhere(app)
        await pilot.press("down")
        assert app.focused is get_to
        await pilot.press("down")
        await pilot.pause()
        assert app.focused is app.main.dashboard.query_one("#get-to-needed", DashboardFigure)
        assert (len(app.screen_stack), lists_anywhere(app)) == (screens, lists)
        assert get_to.value is Tier.PLATINUM
