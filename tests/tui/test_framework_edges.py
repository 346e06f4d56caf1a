"""The parts of Textual the app relies on beyond its public API (tui/framework.py): each test fails if Textual
changes what an edge relies on, so an upgrade shows at once which override to re-check or drop.

The only tests allowed to touch Textual's private attributes (tests/test_private_reads.py lists this file).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable

import pytest
import textual
from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.scroll_view import ScrollView
from textual.widget import Widget
from textual.widgets import Button, Input, Static, TabbedContent, TabPane

import tui
from tui.framework import FieldInput, LeafWidget, MainTabs, ScrollbarsOnResize
from tui.widgets.table_columns import Column
from tui.widgets.text_line import TextLine
from tui.widgets.virtual_table import VirtualTable

# The overrides of Textual privates, all in tui.framework: (class, method, the Textual class overridden).
EDGES = {
    ("LeafWidget", "_size_updated", "Widget"),
    ("ScrollbarsOnResize", "_size_updated", "ScrollView"),
    ("FieldInput", "_watch_value", "Input"),
}


def textual_private_overrides() -> set[tuple[str, str, str, str]]:
    """(module, class, method, Textual class) for each method a tui class defines over a private Textual one."""
    found = set()
    for info in pkgutil.walk_packages(tui.__path__, "tui."):
        module = importlib.import_module(info.name)
        for name, cls in vars(module).items():
            if not inspect.isclass(cls) or cls.__module__ != module.__name__:
                continue
            for attribute, value in vars(cls).items():
                if not attribute.startswith("_") or attribute.startswith("__"):
                    continue
                if not (inspect.isfunction(value) or isinstance(value, (property, staticmethod, classmethod))):
                    continue
                for base in cls.__mro__[1:]:
                    if base.__module__.split(".")[0] in {"textual", "rich"} and attribute in vars(base):
                        found.add((module.__name__, name, attribute, base.__name__))
                        break
    return found


def test_every_override_of_a_textual_private_is_in_the_framework_module() -> None:
    assert textual_private_overrides() == {("tui.framework", *edge) for edge in EDGES}


def parameters(method: Callable[..., object]) -> list[tuple[str, object]]:
    return [(p.name, p.default) for p in inspect.signature(method).parameters.values()]


def test_the_private_methods_overridden_keep_their_signatures() -> None:
    empty = inspect.Parameter.empty
    size_updated = [("self", empty), ("size", empty), ("virtual_size", empty), ("container_size", empty)]
    assert parameters(Widget._size_updated) == [*size_updated, ("layout", True)]
    assert parameters(ScrollView._size_updated) == [*size_updated, ("layout", True)]
    assert parameters(Input._watch_value) == [("self", empty), ("value", empty)]
    # Called by ScrollbarsOnResize.set_virtual_size.
    assert parameters(Widget._scroll_update) == [("self", empty), ("virtual_size", empty)]
    # What MainTabs stops from running: TabbedContent's own handler of TabPane.Focused.
    assert "_on_tab_pane_focused" in vars(TabbedContent)
    assert textual.__version__ == "8.2.8", "Textual changed: re-check tui/framework.py (this file says how)"


# --- LeafWidget: one layout pass when a leaf widget's shape changes -------------------------------------------


class Lines(App[None]):
    def __init__(self, line: Widget) -> None:
        super().__init__()
        self.line = line

    def compose(self) -> ComposeResult:
        yield self.line


def count_layout_passes(screen: Screen[object]) -> Callable[[], int]:
    passes = 0
    original = screen._refresh_layout

    def counting(*args: object, **kwargs: object) -> None:
        nonlocal passes
        passes += 1
        original(*args, **kwargs)  # type: ignore[arg-type]

    screen._refresh_layout = counting  # type: ignore[method-assign]
    return lambda: passes


async def layout_passes_for_a_new_shape(line: TextLine) -> int:
    app = Lines(line)
    async with app.run_test(size=(20, 10)) as pilot:
        line.show("one line")
        await pilot.pause()
        passes = count_layout_passes(app.screen)
        line.show("now the text wraps to more lines than one")
        await pilot.pause()
        await pilot.pause()
        assert line.size.height == 3, line.size
        return passes()


class PlainTextLine(TextLine):
    """TextLine on Textual's own Widget._size_updated (what LeafWidget overrides)."""

    def _size_updated(self, size, virtual_size, container_size, layout=True):  # type: ignore[no-untyped-def]
        return super(LeafWidget, self)._size_updated(size, virtual_size, container_size, layout)


async def test_a_leaf_widget_that_changes_shape_costs_one_layout_pass_not_two() -> None:
    assert await layout_passes_for_a_new_shape(TextLine()) == 1
    # Textual's default still asks for a second pass (if it stops, LeafWidget is no longer needed).
    assert await layout_passes_for_a_new_shape(PlainTextLine()) == 2


# --- ScrollbarsOnResize: no scrollbar update after a layout pass that did not touch the table -------------------


class TableAndLine(App[None]):
    CSS = "VirtualTable, PlainScrollView { height: 5; }"

    def __init__(self, table: ScrollView) -> None:
        super().__init__()
        self.table = table
        self.line = TextLine()

    def compose(self) -> ComposeResult:
        yield self.line
        yield self.table


class PlainScrollView(ScrollView):
    """A ScrollView with rows of its own, on Textual's own _size_updated."""

    def on_mount(self) -> None:
        self.virtual_size = self.virtual_size.with_height(50)


async def scrollbar_updates_after_a_layout_elsewhere(table: ScrollView) -> int:
    app = TableAndLine(table)
    async with app.run_test(size=(40, 20)) as pilot:
        app.line.show("one line")
        await pilot.pause()
        updates = 0
        original = table._scroll_update

        def counting(virtual_size: object) -> None:
            nonlocal updates
            updates += 1
            original(virtual_size)  # type: ignore[arg-type]

        table._scroll_update = counting  # type: ignore[method-assign]
        passes = count_layout_passes(app.screen)
        app.line.show("now the text wraps to more lines than one")
        await pilot.pause()
        await pilot.pause()
        assert passes() >= 1  # the layout pass happened, and Textual offered the table its size (below)
        return updates


async def test_a_layout_pass_elsewhere_leaves_the_tables_scrollbars_alone() -> None:
    rows = [str(n) for n in range(50)]
    seen: list[bool] = []
    original = ScrollbarsOnResize._size_updated

    class Watched(VirtualTable):
        def _size_updated(self, size, virtual_size, container_size, layout=True):  # type: ignore[no-untyped-def]
            result = original(self, size, virtual_size, container_size, layout)
            seen.append(result)
            return result

    table = Watched([Column("n", "N", width=6)], lambda index: (rows[index],), range(len(rows)))
    assert await scrollbar_updates_after_a_layout_elsewhere(table) == 0
    assert seen, "Textual no longer calls _size_updated after a layout pass"
    # Textual's ScrollView still updates its scrollbars on every layout pass (if it stops, drop the override).
    assert await scrollbar_updates_after_a_layout_elsewhere(PlainScrollView()) >= 1


# --- ScrollbarsOnResize.set_virtual_size: rows that come or go, or a new width, lay nothing out ------------------


async def after_new_rows(table: VirtualTable, rows: int) -> tuple[int, int, int]:
    """Layout passes, the table's furthest scroll and its scroll offset after the view changes to `rows` rows."""
    app = TableAndLine(table)
    async with app.run_test(size=(40, 20)) as pilot:
        await pilot.pause()
        table.move_cursor(49)  # the last row: scrolled to the end
        await pilot.pause()
        passes = count_layout_passes(app.screen)
        table.set_view(range(rows))
        await pilot.pause()
        await pilot.pause()
        return passes(), table.max_scroll_y, table.scroll_offset.y


async def test_a_new_number_of_rows_lays_nothing_out_and_moves_the_scrollbar() -> None:
    def table() -> VirtualTable:
        return VirtualTable([Column("n", "N", width=6)], lambda index: (str(index),), range(50))

    # 5 lines: the header and 4 rows in sight. 50 rows scroll by 46; 20 rows by 16, the cursor on the last.
    assert await after_new_rows(table(), 20) == (0, 16, 16)
    # Growing keeps the cursor's row where it was, and scrolls further.
    assert await after_new_rows(table(), 80) == (0, 76, 46)


async def layout_passes_for_a_new_width(widget: Widget) -> tuple[int, int, int]:
    """Layout passes after `widget` (below a line, 40 cells wide) is made 30 cells wide; then its virtual width
    and the width of its content region."""
    app = TableAndLine(widget)
    async with app.run_test(size=(40, 20)) as pilot:
        await pilot.pause()
        passes = count_layout_passes(app.screen)
        widget.styles.width = 30
        for _ in range(3):
            await pilot.pause()
        return passes(), widget.virtual_size.width, widget.scrollable_content_region.width


async def test_a_new_width_costs_a_table_no_more_layout_passes_than_a_static() -> None:
    # The pass that gives the table its new width is all: the columns' new width (its virtual size) lays nothing
    # out again, since the table's size never depends on its columns.
    columns = [Column("name", "Name", width=8, stretch=True), Column("n", "N", width=6)]
    table = VirtualTable(columns, lambda index: (f"row {index}", str(index)), range(50))
    passes, columns_width, content_width = await layout_passes_for_a_new_width(table)
    assert columns_width == content_width == 29  # the columns fill the new width (the scrollbar takes 1)
    assert passes == (await layout_passes_for_a_new_width(Static("a line")))[0]


# --- FieldInput: typing in a fixed-size field lays nothing out ---------------------------------------------------


class Fields(App[None]):
    CSS = "Input { width: 20; height: 1; }"

    def __init__(self, field: Input) -> None:
        super().__init__()
        self.field = field

    def compose(self) -> ComposeResult:
        yield self.field


async def layout_passes_while_typing(field: Input) -> int:
    app = Fields(field)
    async with app.run_test(size=(40, 5)) as pilot:
        field.focus()
        await pilot.press("a")
        await pilot.pause()
        passes = count_layout_passes(app.screen)
        await pilot.press("b", "c", "d")
        await pilot.pause()
        assert field.value == "abcd"
        # Still what Input scrolls by: the text's width on one line.
        assert field.virtual_size.height == 1
        return passes()


async def test_typing_in_a_fixed_size_field_costs_no_layout_pass() -> None:
    assert await layout_passes_while_typing(FieldInput(compact=True)) == 0
    # Textual's Input still lays the screen out on a keystroke (if it stops, FieldInput is no longer needed).
    assert await layout_passes_while_typing(Input(compact=True)) >= 1


# --- MainTabs: a stale "focus moved into this pane" note does not bring the pane back -----------------------------


class Panes(App[None]):
    def __init__(self, tabs: TabbedContent) -> None:
        super().__init__()
        self.tabs = tabs

    def compose(self) -> ComposeResult:
        with self.tabs:
            with TabPane("A", id="a"), Vertical():
                yield Button("in a", id="button-a")
            with TabPane("B", id="b"), Vertical():
                yield Button("in b", id="button-b")


async def active_pane_after_a_stale_focus_note(tabs: TabbedContent) -> str:
    app = Panes(tabs)
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        button_a = app.query_one("#button-a", Button)
        tabs.active = "b"
        await pilot.pause()
        # Focus moves into pane A, and before its note arrives the user switches to B (the focus goes with it).
        button_a.focus()
        app.call_later(setattr, tabs, "active", "b")
        app.call_later(app.set_focus, None)
        await pilot.pause()
        await pilot.pause()
        return tabs.active


async def test_a_stale_focus_note_does_not_switch_back_to_its_pane() -> None:
    assert await active_pane_after_a_stale_focus_note(MainTabs()) == "b"
    # Textual's TabbedContent still acts on the stale note (if it stops, MainTabs is no longer needed).
    assert await active_pane_after_a_stale_focus_note(TabbedContent()) == "a"


async def test_a_focus_note_from_the_pane_holding_the_focus_still_shows_it() -> None:
    tabs = MainTabs()
    app = Panes(tabs)
    async with app.run_test(size=(40, 10)) as pilot:
        tabs.active = "a"
        await pilot.pause()
        app.query_one("#button-b", Button).focus()
        await pilot.pause()
        await pilot.pause()
        assert tabs.active == "b"


# --- Leaving mid-mount: a test that ends while the calculator is being built -----------------------------------


@pytest.mark.parametrize("pauses", range(4))
async def test_leaving_the_app_while_the_calculator_is_being_built(pauses: int) -> None:
    from tui.app import PartnerDashApp

    app = PartnerDashApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("c")  # builds the calculator (its Selects among it) if it is not built yet
        for _ in range(pauses):
            await pilot.pause(0)
    # Textual re-raises at the end of run_test what failed in the app: nothing did.
    assert app.return_code in (0, None)
