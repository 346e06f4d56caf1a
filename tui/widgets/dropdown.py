"""A one-line choice among a few options that builds its list only when opened.

Drawn like Textual's compact Select ("Last 30 days          ▼"), but one widget where a Select is six (with its
options set up at mount): the Dashboard's first screen has three of them, about 40 ms of its start. Enter,
space or a click opens the list (`DropdownList`, a small modal screen built then, under the widget); up and down
move in it, enter chooses, escape or a click outside closes it, and the focus comes back to the Dropdown.

On the closed Dropdown, down and up move the focus like on the Dashboard's figures (a Select opened its list on
down, which trapped a keyboard user walking the figures). Labels are plain text, never markup.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import ClassVar, Generic, TypeVar

from rich.cells import cell_len
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.geometry import Region, Size
from textual.message import Message
from textual.screen import ModalScreen
from textual.style import Style
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui.framework import LeafWidget
from tui.widgets.key_bar import KeyBar

ValueType = TypeVar("ValueType", bound=Hashable)
ChangedValue = TypeVar("ChangedValue", bound=Hashable)

# As many lines as Textual's Select overlay shows before it scrolls.
MAX_LIST_HEIGHT = 12
ARROW_CLOSED = "▼"
ARROW_OPEN = "▲"


class Dropdown(Generic[ValueType], LeafWidget, can_focus=True):
    HELP_SECTION = "Choice field"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,space", "open", "Choose", id="dropdown.open", tooltip="Open the list of choices"),
        Binding("down", "app.focus_next", "Next", show=False, id="dropdown.next"),
        Binding("up", "app.focus_previous", "Previous", show=False, id="dropdown.previous"),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {"dropdown--arrow"}
    DEFAULT_CSS = """
    Dropdown {
        height: 1;
        width: 1fr;
        padding: 0 1 0 0;
        color: $foreground;
        background: $surface;
        pointer: pointer;
        & > .dropdown--arrow { color: $text-muted; }
        &:ansi { color: ansi_default; background: ansi_default; }
    }
    """

    class Changed(Message, Generic[ChangedValue]):
        """A different value was chosen, from the list or in code."""

        def __init__(self, dropdown: Dropdown[ChangedValue], value: ChangedValue) -> None:
            super().__init__()
            self.dropdown = dropdown
            self.value = value

        @property
        def control(self) -> Dropdown[ChangedValue]:
            return self.dropdown

    def __init__(
        self,
        options: Sequence[tuple[str, ValueType]],
        value: ValueType,
        *,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self._options = [(str(label), option) for label, option in options]
        self._value = self._checked(value)
        self.is_open = False

    @property
    def options(self) -> list[tuple[str, ValueType]]:
        """The options as (label, value) pairs, in the order the list shows them."""
        return list(self._options)

    @property
    def value(self) -> ValueType:
        return self._value

    @value.setter
    def value(self, value: ValueType) -> None:
        value = self._checked(value)
        if value == self._value:
            return
        self._value = value
        self.refresh()
        self.post_message(self.Changed(self, value))

    @property
    def label(self) -> str:
        """The label of the current value, as shown."""
        return self._options[self._index()][0]

    def _checked(self, value: ValueType) -> ValueType:
        if all(option != value for _, option in self._options):
            raise ValueError(f"{value!r} is not one of the choices")
        return value

    def _index(self) -> int:
        return next(index for index, (_, option) in enumerate(self._options) if option == self._value)

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return max((cell_len(label) for label, _ in self._options), default=0) + 2

    def render(self) -> Content:
        arrow = ARROW_OPEN if self.is_open else ARROW_CLOSED
        label = self.label
        gap = max(1, self.content_region.width - cell_len(label) - len(arrow))
        # The label and the gap after it stay apart in the drawn line, as the Select's widgets left them (the
        # screen joins neighbours of one style unless their meta differs): the same screenshots, cell for cell and
        # segment for segment.
        return Content.assemble(
            (label, Style.from_meta({"dropdown": "label"})),
            (" " * gap, Style.from_meta({"dropdown": "gap"})),
            (arrow, self.get_visual_style("dropdown--arrow")),
        )

    def action_open(self) -> None:
        if self.is_open:
            return
        self.is_open = True
        self.refresh()
        labels = [label for label, _ in self._options]
        self.app.push_screen(DropdownList(labels, self._index(), self.region), self._list_closed)

    def _list_closed(self, chosen: int | None) -> None:
        self.is_open = False
        self.refresh()
        if chosen is not None:
            self.value = self._options[chosen][1]

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.focus()
        self.action_open()


class DropdownOptions(OptionList):
    """The open list's options: enter chooses the highlighted one, escape closes the list unchanged."""

    HELP_SECTION = "Choice list"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Choose", id="dropdown.choose"),
        Binding("escape", "screen.dismiss", "Close the list", id="dropdown.close"),
    ]


class DropdownList(ModalScreen[int | None]):
    """A Dropdown's options, under it (over it when there is no room below); dismissed with the index chosen."""

    DEFAULT_CSS = """
    DropdownList {
        background: transparent;
        DropdownOptions {
            height: auto;
            max-height: 12;
            background: $surface;
            color: $foreground;
            &:focus { background-tint: $foreground 5%; }
        }
    }
    """

    def __init__(self, labels: Sequence[str], highlighted: int, under: Region) -> None:
        super().__init__()
        self._labels = labels
        self._highlighted = highlighted
        self._under = under

    def compose(self) -> ComposeResult:
        options = DropdownOptions(*(Option(Content(label)) for label in self._labels), compact=True)
        height = min(len(self._labels), MAX_LIST_HEIGHT)
        below = self._under.bottom
        # Under the Dropdown, over it when the list would reach the key bar on the last line.
        top = below if below + height < self.app.size.height else max(0, self._under.y - height)
        options.styles.width = self._under.width
        options.styles.offset = (self._under.x, top)
        yield options
        # Its own keys on the bottom line, as every dialog has (the Dashboard's would show through otherwise).
        yield KeyBar()

    def on_mount(self) -> None:
        options = self.query_one(DropdownOptions)
        options.highlighted = self._highlighted
        options.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option_index)

    def on_click(self, event: events.Click) -> None:
        # A click outside the list closes it, as on a Select.
        if event.widget is self:
            self.dismiss(None)
