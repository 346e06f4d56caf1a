"""The virtual table as a user meets it: keys, mouse, filtered views, sort marks, literal text, huge views."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.widgets import Input

from tui.widgets.table_columns import Column, fit
from tui.widgets.virtual_table import VirtualTable

COUNTRIES = ("Germany", "India", "Brazil")
COLUMNS = (
    Column("name", "Client", 24),
    Column("sold", "Sold", 10, "right"),
    Column("managed", "Managed", 9, "right"),
    Column("country", "Country", 10),
)
# 79 cells: the screen is 80 wide and the vertical scrollbar takes one.
SCREEN_ROWS = 23  # 24 lines minus the header


def client_cells(row: int) -> tuple[str, ...]:
    return (f"Client {row:05d}", f"{row}.50", f"{row % 7}.00", COUNTRIES[row % 3])


class TableApp(App[None]):
    def __init__(
        self,
        view: Sequence[int] = range(1000),
        cell_text: Callable[[int], Sequence[str]] = client_cells,
        columns: Sequence[Column] = COLUMNS,
    ) -> None:
        super().__init__()
        self.table = VirtualTable(columns, cell_text, view)
        self.selected: list[int] = []
        self.sort_requests: list[tuple[str, bool]] = []

    def compose(self) -> ComposeResult:
        yield self.table

    def on_virtual_table_row_selected(self, message: VirtualTable.RowSelected) -> None:
        self.selected.append(message.row_index)

    def on_virtual_table_sort_requested(self, message: VirtualTable.SortRequested) -> None:
        self.sort_requests.append((message.column_key, message.descending))


def screen_lines(table: VirtualTable) -> list[str]:
    width, height = table.scrollable_content_region.size
    return [strip.text for strip in table.render_lines(Region(0, 0, width, height))]


def shown_names(table: VirtualTable) -> list[str]:
    return [line[1:13] for line in screen_lines(table)[1:] if line.strip()]


def test_fit_pads_aligns_and_cuts_with_an_ellipsis() -> None:
    assert fit("abc", 6) == "abc   "
    assert fit("abc", 6, "right") == "   abc"
    assert fit("abcdefgh", 5) == "abcd…"
    assert fit("line\nbreak\x1b", 11) == "line break "
    # Wide characters count two cells: the cut keeps the line exactly `width` cells.
    assert fit("東京都港区", 6) == "東京 …"


def test_columns_are_checked() -> None:
    with pytest.raises(ValueError, match="width must be at least 1"):
        Column("x", "X", 0)
    with pytest.raises(ValueError, match="align"):
        Column("x", "X", 3, "centre")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unique"):
        VirtualTable([Column("a", "A", 3), Column("a", "B", 3)], client_cells)


async def test_header_and_first_rows_are_drawn() -> None:
    app = TableApp()
    async with app.run_test(size=(80, 24)):
        lines = screen_lines(app.table)
        assert len(lines) == 24
        assert lines[0].split() == ["Client", "Sold", "Managed", "Country"]
        assert lines[1] == " Client 00000                   0.50      0.00 Germany".ljust(79)
        assert shown_names(app.table) == [f"Client {row:05d}" for row in range(SCREEN_ROWS)]
        assert app.table.cursor_row_index == 0


async def test_keys_move_the_cursor_and_the_rows_follow() -> None:
    app = TableApp()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.table
        await pilot.press("up", "down", "down")
        assert table.cursor_row_index == 2
        assert table.scroll_offset.y == 0

        await pilot.press("pagedown")
        assert table.cursor_row_index == 2 + SCREEN_ROWS
        assert shown_names(table)[0] == f"Client {SCREEN_ROWS:05d}"

        await pilot.press("end")
        assert table.cursor_row_index == 999
        assert shown_names(table)[-1] == "Client 00999"
        assert len(shown_names(table)) == SCREEN_ROWS

        await pilot.press("pageup")
        assert table.cursor_row_index == 999 - SCREEN_ROWS

        await pilot.press("home")
        assert table.cursor_row_index == 0
        assert shown_names(table)[0] == "Client 00000"


async def test_cursor_scrolls_into_view_one_row_at_a_time() -> None:
    app = TableApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*["down"] * SCREEN_ROWS)
        assert app.table.cursor_row_index == SCREEN_ROWS
        assert shown_names(app.table)[0] == "Client 00001"
        assert shown_names(app.table)[-1] == f"Client {SCREEN_ROWS:05d}"


async def test_the_owner_can_place_the_cursor() -> None:
    app = TableApp(view=range(999, -1, -1))
    async with app.run_test(size=(80, 24)) as pilot:
        app.table.move_cursor(500)
        await pilot.pause()
        assert app.table.cursor_row_index == 499
        assert "Client 00499" in shown_names(app.table)
        app.table.move_cursor(5000)
        assert app.table.cursor_row_index == 0


async def test_the_cursor_stays_in_sight_when_the_terminal_shrinks() -> None:
    app = TableApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*["down"] * 20)
        await pilot.resize_terminal(80, 10)
        await pilot.pause()
        assert shown_names(app.table)[-1] == "Client 00020"


async def test_enter_posts_row_selected_with_the_row_index_not_the_position() -> None:
    app = TableApp(view=[40, 7, 300])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.selected == [7]


async def test_set_view_shows_exactly_those_rows_and_keeps_the_cursor_row() -> None:
    app = TableApp()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.table
        await pilot.press("down", "down", "down")
        assert table.cursor_row_index == 3

        table.set_view([500, 3, 7, 42])
        await pilot.pause()
        assert shown_names(table) == ["Client 00500", "Client 00003", "Client 00007", "Client 00042"]
        assert table.cursor_row_index == 3

        # Row 3 is gone: the cursor keeps its position (the second row), clamped to the new view.
        table.set_view([10, 11, 12])
        await pilot.pause()
        assert table.cursor_row_index == 11
        table.set_view([99])
        await pilot.pause()
        assert table.cursor_row_index == 99


async def test_set_view_from_far_down_scrolls_back_to_the_cursor() -> None:
    app = TableApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("end")
        app.table.set_view([5, 999, 6])
        await pilot.pause()
        assert app.table.scroll_offset.y == 0
        assert shown_names(app.table) == ["Client 00005", "Client 00999", "Client 00006"]
        assert app.table.cursor_row_index == 999


async def test_an_empty_view_says_so_and_selects_nothing() -> None:
    app = TableApp()
    async with app.run_test(size=(80, 24)) as pilot:
        app.table.set_view([])
        await pilot.pause()
        lines = screen_lines(app.table)
        assert lines[0].split() == ["Client", "Sold", "Managed", "Country"]
        assert lines[1].strip() == "No rows match"
        assert all(not line.strip() for line in lines[2:])
        assert app.table.cursor_row_index is None
        await pilot.press("down", "end", "enter")
        await pilot.pause()
        assert app.selected == []

        app.table.set_view([8, 9])
        await pilot.pause()
        assert app.table.cursor_row_index == 8


async def test_sort_mark_and_sort_requests() -> None:
    app = TableApp()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.table
        table.set_sort("sold", descending=True)
        await pilot.pause()
        assert screen_lines(table)[0].split() == ["Client", "Sold", "▼", "Managed", "Country"]

        table.set_sort("name")
        await pilot.pause()
        assert screen_lines(table)[0].split() == ["Client", "▲", "Sold", "Managed", "Country"]

        # The column cursor starts on the first column; `s` asks for that column, then the reverse order.
        await pilot.press("s")
        await pilot.press("right", "s")
        await pilot.pause()
        assert app.sort_requests == [("name", True), ("sold", False)]
        table.set_sort("sold")
        await pilot.press("s")
        await pilot.pause()
        assert app.sort_requests[-1] == ("sold", True)

        # Two quick presses before the owner marks the first: the second reverses what the first asked for.
        table.set_sort("sold", descending=True)  # the owner answers the last request
        table.action_request_sort()
        table.action_request_sort()
        await pilot.pause()
        assert app.sort_requests[-2:] == [("sold", False), ("sold", True)]
        table.set_sort("sold")
        table.set_sort("sold", descending=True)
        table.action_request_sort()
        await pilot.pause()
        assert app.sort_requests[-1] == ("sold", False)

        with pytest.raises(KeyError):
            table.set_sort("nonsense")


async def test_sort_mark_survives_a_narrow_column() -> None:
    columns = (Column("managed", "Managed points", 6, "right"), Column("name", "Client", 24))
    app = TableApp(columns=columns, cell_text=lambda row: ("1.00", f"Client {row}"))
    async with app.run_test(size=(80, 24)) as pilot:
        app.table.set_sort("managed", descending=True)
        await pilot.pause()
        assert screen_lines(app.table)[0].startswith(" Man… ▼ Client ")


async def test_mouse_click_moves_the_cursor_and_a_header_click_asks_to_sort() -> None:
    app = TableApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.click(VirtualTable, offset=(5, 4))
        assert app.table.cursor_row_index == 3
        await pilot.double_click(VirtualTable, offset=(5, 6))
        await pilot.pause()
        assert app.table.cursor_row_index == 5
        assert app.selected == [5]

        await pilot.click(VirtualTable, offset=(40, 0))
        await pilot.pause()
        assert app.sort_requests == [("managed", False)]


async def test_data_is_shown_literally_never_as_markup() -> None:
    names = ["[bold]x[/bold]", "[link=https://evil.example]click[/]", "tab\there"]
    app = TableApp(view=range(3), cell_text=lambda row: (names[row], "1", "2", "[red]"))
    async with app.run_test(size=(80, 24)):
        lines = screen_lines(app.table)
        assert lines[1].startswith(" [bold]x[/bold] ")
        assert "[red]" in lines[1]
        assert lines[2].startswith(" [link=https://evil.exam… ")
        assert lines[3].startswith(" tab here ")
        strips = app.table.render_lines(Region(0, 0, 79, 4))
        assert not any(segment.style and (segment.style.bold or segment.style.link) for segment in strips[2])


async def test_long_cells_are_cut_with_an_ellipsis_and_the_last_column_stretches() -> None:
    app = TableApp(view=range(1), cell_text=lambda row: ("A" * 40, "12345678901", "1", "Country " * 10))
    async with app.run_test(size=(80, 24)):
        line = screen_lines(app.table)[1]
        assert line.startswith(" " + "A" * 23 + "… 123456789…         1 ")
        # The last column runs to the scrollbar's column, kept even when one row needs no scrollbar (so the
        # widths never change when rows arrive): 79 - 47 = 32 cells, not just its 10.
        assert line.endswith(" Country Country Country Country…")
        assert len(line) == 79


async def test_the_cursor_row_is_marked_differently_when_the_table_loses_focus() -> None:
    class WithInput(TableApp):
        def compose(self) -> ComposeResult:
            yield self.table
            yield Input()

    app = WithInput()
    async with app.run_test(size=(80, 24)) as pilot:

        def cursor_style() -> object:
            return next(iter(app.table.render_lines(Region(0, 1, 79, 1))[0])).style

        focused = cursor_style()
        app.query_one(Input).focus()
        await pilot.pause()
        assert cursor_style() != focused


async def test_columns_wider_than_the_screen_scroll_sideways_with_the_column_cursor() -> None:
    columns = (*COLUMNS, Column("notes", "Notes", 30), Column("owner", "Owner", 12))
    app = TableApp(columns=columns, cell_text=lambda row: (*client_cells(row), "a note", "Olivia"))
    async with app.run_test(size=(60, 12)) as pilot:
        assert "Owner" not in screen_lines(app.table)[0]
        await pilot.press(*["right"] * 5)
        header = screen_lines(app.table)[0]
        assert app.table.scroll_offset.x > 0
        assert header.split()[-1] == "Owner"
        # One more than there are columns: the cursor stops at the first one.
        await pilot.press(*["left"] * 6)
        assert app.table.scroll_offset.x == 0


async def test_a_hundred_thousand_rows_mount_and_respond() -> None:
    app = TableApp(view=range(100_000))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("end")
        assert app.table.cursor_row_index == 99_999
        assert shown_names(app.table)[-1] == "Client 99999"

        every_third = range(0, 100_000, 3)
        app.table.set_view(every_third)
        await pilot.pause()
        assert app.table.cursor_row_index == 99_999
        await pilot.press("up", "enter")
        await pilot.pause()
        assert app.selected == [99_996]


def test_snapshot_80x24(snap_compare: Callable[..., bool]) -> None:
    app = TableApp(cell_text=lambda row: (*client_cells(row)[:3], "[b]Brasil[/b]" if row == 4 else "Germany"))

    async def arrange(pilot: object) -> None:
        app.table.set_sort("sold", descending=True)

    assert snap_compare(app, press=["down", "down", "right"], terminal_size=(80, 24), run_before=arrange)


class TableAndLine(App[None]):
    """A table with a line of text above it that changes height, as the calculator's lines do over a tab."""

    def compose(self) -> ComposeResult:
        from tui.widgets.text_line import TextLine

        yield TextLine()
        yield VirtualTable(COLUMNS, client_cells, range(1000))


async def test_a_layout_pass_elsewhere_leaves_the_scrollbars_alone_and_new_rows_still_reach_them() -> None:
    from tui.widgets.text_line import TextLine

    app = TableAndLine()
    async with app.run_test(size=(80, 24)) as pilot:
        line = app.query_one(TextLine)
        table = app.query_one(VirtualTable)
        line.show("one line")
        await pilot.pause()
        await pilot.pause()
        scrollbar = table.vertical_scrollbar
        assert scrollbar.window_virtual_size == 1001
        refreshed = 0
        original = scrollbar.refresh

        def counting(*args: object, **kwargs: object) -> object:
            nonlocal refreshed
            refreshed += 1
            return original(*args, **kwargs)  # type: ignore[arg-type]

        scrollbar.refresh = counting  # type: ignore[method-assign]
        # The screen is laid out again for the line; the table's size and rows stay as they were.
        line.refresh(layout=True)
        await pilot.pause()
        line.show("three")
        await pilot.pause()
        line.refresh(layout=True)
        await pilot.pause()
        assert refreshed == 0
        # New rows do reach the scrollbar.
        table.set_view(range(50))
        await pilot.pause()
        assert scrollbar.window_virtual_size == 51
