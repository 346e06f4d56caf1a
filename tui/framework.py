"""Where the app leans on Textual's private parts: every override of a private Textual method, in one module.

Textual is pinned exactly (pyproject). Upgrading it means reading this module first:
`tests/tui/test_framework_edges.py` checks each edge below (the private method is still there with the
signature relied on, Textual still calls it where we rely on it, and the public effect the override buys is
still there), and `test_no_textual_private_is_overridden_elsewhere` keeps new overrides from appearing in
other modules.

The edges:

- `LeafWidget` (base of TextLine, DashboardFigure, FigureRow): `Widget._size_updated`, to record a leaf widget's
  new size without a second full-screen layout pass.
- `ScrollbarsOnResize` (base of `VirtualTable`, through `TableRows`): `ScrollView._size_updated`, to skip
  redrawing scrollbars after every layout pass anywhere on the screen.
- `ScrollbarsOnResize.set_virtual_size` calls (does not override) `Widget._scroll_update`, to give a table
  its new number of rows, or its columns for a new width, without laying out the whole screen again.
- `FieldInput`: `Input._watch_value`, to keep typing in a fixed-size field from laying the screen out again.
- `MainTabs`: no private override any more. It stops `TabbedContent`'s own (private) handler of
  `TabPane.Focused` through Textual's public route: a `on_tab_pane_focused` handler that calls
  `prevent_default()`. It is here because it still relies on what that private handler does.

Not overrides, but also where the app steps beside Textual (kept elsewhere, named here for an upgrader):

- Textual's `Footer` is not used: `tui.widgets.key_bar.KeyBar` draws the same keys from the public
  `Screen.active_bindings` as one widget (the Footer remounts a dozen widgets on every focus change).
- Leaving mid-mount: Textual tears the screens down at exit even while a widget is still being mounted; a
  widget whose mount handler looks for its children (Textual's Select, our DealForm) then fails with NoMatches.
  The Dashboard mounts its panels once the data is in, and the other tabs and the calculator are mounted when
  first asked for, so a user's quit (or a test's end) could come in the middle of that: `PartnerDashApp.action_quit`
  and `PartnerDashApp.run_test` stop further building and wait for what is being mounted before Textual's teardown
  (`MainScreen.stop_building`, which stops the Dashboard's mounting and waits for `DashboardTab.panels_mounted`),
  on a real condition, never a timed pause.
- The app (never the engine) moves the loaded data out of the garbage collector's sight once every figure is
  computed (`PartnerDashApp._freeze_when_settled`, `gc.freeze`).
"""

from __future__ import annotations

from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.widget import Widget
from textual.widgets import Input, TabbedContent, TabPane


class LeafWidget(Widget):
    """A widget that draws its own text and holds no children: one layout pass when its shape changes.

    Relies on `Widget._size_updated(size, virtual_size, container_size, layout=True) -> bool`, which
    `Screen` calls on every widget after a layout pass, and on its `layout=False` storing the virtual size with
    `set_reactive` instead of assigning the layout-flagged `virtual_size` reactive.

    When a widget's height changes, Textual lays the whole screen out again and then gives every widget its new
    size. For a widget whose virtual size changed it sets that size through the layout-flagged reactive, which
    asks for a second full-screen layout pass that changes nothing. For a widget with no children and no
    scrolling the virtual size is its own size, so it is recorded without asking: a calculator keystroke whose
    what-if line wraps to one line fewer costs one layout pass instead of two (bench/ui.py: about 40 ms down to
    about 25 ms).
    """

    def _size_updated(self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True) -> bool:
        return super()._size_updated(size, virtual_size, container_size, layout=False)


class ScrollbarsOnResize(ScrollView):
    """A ScrollView that updates its scrollbars only when its size, its container or its rows change.

    Relies on `ScrollView._size_updated(size, virtual_size, container_size, layout=True) -> bool`, called by
    `Screen` on every widget after every layout pass, returning whether a Resize event is due.

    Textual's ScrollView compares the layout's virtual size (its content area) with the table's own (all the
    rows); they never match, so every layout pass anywhere on the screen (a calculator keystroke that rewraps a
    line, over this tab) redrew both scrollbars a frame later: +20 ms a key in bench/ui.py.
    """

    _sizes_seen: tuple[Size, Size, Size] | None = None

    def _size_updated(self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True) -> bool:
        seen = (size, container_size, self.virtual_size)
        if seen == self._sizes_seen:
            return False
        self._sizes_seen = seen
        return super()._size_updated(size, virtual_size, container_size, layout)

    def set_virtual_size(self, size: Size) -> None:
        """Record a new virtual size (rows came or went, the columns were laid out for a new width) without a layout
        pass.

        Relies on `Widget._scroll_update(virtual_size)`, which Textual calls after a layout pass to give the
        scrollbars the new virtual size and clamp the scroll offset. The widget's own size never depends on its
        content (its size comes from the layout, not from its rows or columns), so nothing else on the screen can
        move: a filter keystroke over 100,000 rows repaints the table instead of laying out the whole screen, and a
        table given a new width by a layout pass does not ask for a second one. When a scrollbar appears or goes,
        its reactive (layout-flagged) still asks for the layout pass that places it.
        """
        if size == self.virtual_size:
            return
        if self.styles.auto_dimensions or not self.size:
            self.virtual_size = size
            return
        self.set_reactive(Widget.virtual_size, size)
        self._scroll_update(size)
        self.refresh()


class FieldInput(Input):
    """An Input for fields of a fixed size: typing repaints it instead of laying out the whole screen again.

    Relies on `Input._watch_value(value)` being the watcher of `value` that assigns
    `virtual_size = Size(content_width, 1)` (a layout-flagged reactive) on every change.

    Textual's Input records its text's width as its virtual size on every change, so each keystroke
    re-arranges every widget on the screen: about 10 ms a key with the dashboard behind the calculator. These
    fields' own size never depends on their text (fixed width and height), so the new width is stored for
    scrolling without a layout pass; the base class then finds nothing changed.
    """

    def _watch_value(self, value: str) -> None:
        if not self.styles.auto_dimensions:
            self.set_reactive(Widget.virtual_size, Size(self.content_width, 1))
        super()._watch_value(value)


class MainTabs(TabbedContent):
    """TabbedContent that ignores a stale "a widget in this pane took focus" note.

    Relies on `TabPane` posting `TabPane.Focused` when a widget inside it takes the focus, and on
    `TabbedContent` (in its private `_on_tab_pane_focused`) making that pane the active one; Textual's public
    `prevent_default()` from a subclass's handler keeps the base class's from running.

    Textual shows the pane of whatever widget is focused, two messages after the focus moved. A tab key pressed
    in between (the figures take focus as the data arrives, and the user presses 3) was undone by that late
    note: the old tab came back, with nothing focused. The note is acted on only if that pane still holds the
    focus.
    """

    def on_tab_pane_focused(self, event: TabPane.Focused) -> None:
        focused = self.screen.focused
        if focused is None or event.tab_pane not in focused.ancestors:
            event.prevent_default()
            event.stop()
