"""The key bar at the bottom: the keys that apply now, only those, repainted only when they change."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Button, Input

from tui.app import AppOptions, PartnerDashApp
from tui.screens.main import MainScreen
from tui.widgets.key_bar import KeyBar, typed_character


def descriptions(bar: KeyBar) -> list[str]:
    return [item.description for item in bar.items]


async def test_the_bar_follows_the_tab_and_the_focus() -> None:
    app = PartnerDashApp(AppOptions(today=date(2026, 11, 26)))
    async with app.run_test(size=(120, 30)) as pilot:
        await app.wait_until_loaded()
        await pilot.pause()
        bar = app.screen.query_one(KeyBar)
        assert "Calculator" in descriptions(bar)
        assert "Filter" not in descriptions(bar)  # the Dashboard has no filter
        assert "1234 Tabs" in bar.text
        assert bar.text.rstrip().endswith("^p Commands")

        await pilot.press("3")
        await pilot.pause()
        assert "Filter" in descriptions(bar)
        assert "Sort" in descriptions(bar)  # the breakdown table has focus

        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.focused, Input)
        # In a text field `/`, `c` and the digits are typed: they are not offered as keys.
        assert "Filter" not in descriptions(bar)
        assert "Calculator" not in descriptions(bar)
        assert "1234 Tabs" not in bar.text
        assert "Close calculator" in descriptions(bar)


async def test_the_main_screen_and_each_dialog_have_their_own_bar_with_their_own_keys() -> None:
    # Before, the Dashboard's bar showed through under a dialog, offering keys that did nothing there.
    from textual.widgets import Footer

    from tui.screens.explain import ExplainScreen
    from tui.screens.report_dialog import ReportDialog

    app = PartnerDashApp(AppOptions(today=date(2026, 11, 26)))
    async with app.run_test(size=(80, 24)) as pilot:
        await app.wait_until_loaded()
        await pilot.pause()
        # The main screen has the bar instead of Textual's footer, on its last line.
        assert isinstance(app.screen, MainScreen)
        assert not app.screen.query(Footer)
        assert app.screen.query_one(KeyBar).region.y == 23

        app.main.dashboard.query_one("#changes-new_sold").focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReportDialog)
        bar = app.screen.query_one(KeyBar)
        assert {"Use in lists", "Export", "Save as report", "Close"} <= set(descriptions(bar))
        assert not {"Calculator", "Commission", "Lists", "Explain"} & set(descriptions(bar))
        assert "1234 Tabs" not in bar.text
        # The bar in view is the dialog's: it is drawn over the one behind, on the screen's last line.
        assert bar.region.y == 23
        await pilot.press("escape")
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ExplainScreen)
        assert descriptions(app.screen.query_one(KeyBar)) == ["Close"]


def test_typed_characters_of_key_names() -> None:
    assert typed_character("slash") == "/"
    assert typed_character("c") == "c"
    assert typed_character("question_mark") == "?"
    assert typed_character("enter") is None
    assert typed_character("ctrl+p") is None
    assert typed_character("f1") is None


class TwoButtons(App[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "bell", "Alpha"),
        Binding("b", "bravo", "Bravo key with a long description"),
        Binding("x", "pressed", "Extra", tooltip="Counts a press"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.pressed = 0

    def compose(self) -> ComposeResult:
        yield Button("one", id="one")
        yield Button("two", id="two")
        yield KeyBar()

    def action_pressed(self) -> None:
        self.pressed += 1

    def action_bravo(self) -> None:
        pass


async def test_no_repaint_when_the_keys_are_the_same() -> None:
    app = TwoButtons()
    async with app.run_test(size=(80, 5)) as pilot:
        bar = app.query_one(KeyBar)
        await pilot.pause()
        repaints = 0
        original = bar.refresh

        def counting_refresh(*args: object, **kwargs: object) -> KeyBar:
            nonlocal repaints
            repaints += 1
            return original(*args, **kwargs)  # type: ignore[arg-type]

        bar.refresh = counting_refresh  # type: ignore[method-assign]
        # Focus moves between two buttons with the same keys: the bindings are refreshed, the bar is not redrawn.
        app.query_one("#one").focus()
        await pilot.pause()
        app.query_one("#two").focus()
        await pilot.pause()
        app.screen.refresh_bindings()
        await pilot.pause()
        assert repaints == 0


async def test_a_key_that_does_not_fit_is_left_out_whole_and_commands_stay() -> None:
    app = TwoButtons()
    async with app.run_test(size=(40, 5)) as pilot:
        await pilot.pause()
        bar = app.query_one(KeyBar)
        text = bar.text
        assert " a Alpha " in text
        assert "Bravo" not in text  # not cut in the middle
        assert "Extra" not in text  # nor shown out of order
        assert text.rstrip().endswith("▏^p palette")
        assert len(text) == bar.content_size.width


async def test_a_click_on_a_key_presses_it() -> None:
    app = TwoButtons()
    async with app.run_test(size=(120, 5)) as pilot:
        await pilot.pause()
        bar = app.query_one(KeyBar)
        column = bar.text.index("x Extra")
        await pilot.click(KeyBar, offset=(column, 0))
        assert app.pressed == 1


async def test_the_mouse_over_a_key_shows_its_tooltip() -> None:
    app = TwoButtons()
    async with app.run_test(size=(120, 5)) as pilot:
        await pilot.pause()
        bar = app.query_one(KeyBar)
        await pilot.hover(KeyBar, offset=(bar.text.index("x Extra") + 1, 0))
        assert bar.tooltip == "Counts a press"
        await pilot.hover(KeyBar, offset=(bar.text.index("a Alpha") + 1, 0))
        assert bar.tooltip is None
