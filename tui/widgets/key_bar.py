"""The bottom line: the keys that apply now, drawn as one widget.

Textual's Footer rebuilds itself (a dozen widgets unmounted, a dozen mounted and styled) every time the bindings
are refreshed, which is every focus change and every tab switch: most of a tab switch's time here. This bar
computes the same list from `Screen.active_bindings` and repaints one line, only when the list really
changed. Keys the focused widget would take for itself (a printable key in a text field) are left out: they
do not apply while typing. A click on a key presses it; the mouse over a key shows its binding's tooltip.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby
from typing import ClassVar

from textual import events
from textual.binding import Binding
from textual.content import Content
from textual.keys import format_key, key_to_character
from textual.style import Style
from textual.widget import Widget

PALETTE_SEPARATOR = "▏"


@dataclass(frozen=True, slots=True)
class KeyItem:
    key: str
    display: str
    description: str
    enabled: bool
    group: str | None  # the description of a compact group of keys ("1234 Tabs"), None when on its own
    tooltip: str = ""  # shown while the mouse is over the key


@dataclass(frozen=True, slots=True)
class KeySpan:
    start: int
    end: int
    item: KeyItem


def typed_character(key: str) -> str | None:
    """The character a key types, if any ("slash" -> "/", which Textual's own lookup misses; not "enter" -> "⏎")."""
    character = key_to_character(key)
    if character is None and "+" not in key:
        shown = format_key(key)
        character = shown if len(shown) == 1 and shown.isascii() and shown.isprintable() else None
    return character


class KeyBar(Widget, can_focus=False):
    ALLOW_SELECT = False
    COMPONENT_CLASSES: ClassVar[set[str]] = {"key-bar--key", "key-bar--description", "key-bar--disabled"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        & > .key-bar--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .key-bar--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        & > .key-bar--disabled {
            text-style: dim;
        }
    }
    """

    def __init__(self) -> None:
        super().__init__(id="key-bar")
        self._items: tuple[KeyItem, ...] = ()
        self._palette: KeyItem | None = None
        self._spans: list[KeySpan] = []
        self._update_pending = False

    @property
    def items(self) -> tuple[KeyItem, ...]:
        """What the bar shows now, left to right (the command palette's key, at the right end, not included)."""
        return self._items

    @property
    def text(self) -> str:
        """The bar as plain text at its current width."""
        return self.render().plain

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._update()

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, _screen: object) -> None:
        # Focus and enabled actions settle after the event that refreshed the bindings (as for Textual's Footer);
        # several refreshes in one go are one update.
        if not self._update_pending:
            self._update_pending = True
            self.call_after_refresh(self._update)

    def _update(self) -> None:
        self._update_pending = False
        if not self.is_attached:
            return
        items, palette = self._compute()
        if (items, palette) != (self._items, self._palette):
            self._items, self._palette = items, palette
            self.refresh()

    def _compute(self) -> tuple[tuple[KeyItem, ...], KeyItem | None]:
        screen = self.screen
        focused = screen.focused
        palette_key = self.app.COMMAND_PALETTE_BINDING if self.app.ENABLE_COMMAND_PALETTE else None
        items: list[KeyItem] = []
        palette: KeyItem | None = None
        actions: set[str] = set()
        for key, (_node, binding, enabled, tooltip) in screen.active_bindings.items():
            if key == palette_key:
                palette = self._item(binding, enabled, tooltip)
                continue
            if not binding.show or binding.action in actions:
                continue
            # A text field takes printable keys for itself: those bindings do not apply while it has focus.
            if focused is not None and focused.check_consume_key(key, typed_character(key)):
                continue
            actions.add(binding.action)
            items.append(self._item(binding, enabled, tooltip))
        return tuple(items), palette

    def _item(self, binding: Binding, enabled: bool, tooltip: str) -> KeyItem:
        group = binding.group.description if binding.group is not None and binding.group.compact else None
        display = self.app.get_key_display(binding)
        return KeyItem(binding.key, display, binding.description, enabled, group, tooltip or binding.tooltip)

    def render(self) -> Content:
        key_style = self.get_visual_style("key-bar--key", partial=True)
        description_style = self.get_visual_style("key-bar--description", partial=True)
        disabled_style = self.get_visual_style("key-bar--disabled", partial=True)

        def piece(text: str, style: Style, item: KeyItem | None) -> tuple[Content, KeyItem | None]:
            content = Content.styled(text, style)
            if item is not None and not item.enabled:
                content = content.stylize(disabled_style)
            return content, item

        # Each chunk is shown whole or not at all: a key whose description does not fit is left for `?`.
        chunks: list[list[tuple[Content, KeyItem | None]]] = []
        for group, members in groupby(self._items, key=lambda item: item.group):
            grouped = list(members)
            if group is not None and len(grouped) > 1:
                keys = [piece(item.display, key_style, item) for item in grouped]
                chunks.append(
                    [piece(" ", description_style, None), *keys, piece(f" {group} ", description_style, None)]
                )
            else:
                for item in grouped:
                    chunk = [piece(" ", description_style, None), piece(item.display, key_style, item)]
                    if item.description:
                        chunk.append(piece(f" {item.description} ", description_style, item))
                    chunks.append(chunk)
        right = Content("")
        if self._palette is not None:
            palette = self._palette
            right = Content.assemble(
                PALETTE_SEPARATOR, (palette.display, key_style), (f" {palette.description} ", description_style)
            )
            if not palette.enabled:
                right = right.stylize(disabled_style)
        width = self.content_size.width
        room = width - right.cell_length
        parts: list[Content] = []
        spans: list[KeySpan] = []
        x = 0
        for chunk in chunks:
            length = sum(content.cell_length for content, _ in chunk)
            if x + length > room:
                break
            for content, pressed in chunk:
                if pressed is not None:
                    spans.append(KeySpan(x, x + content.cell_length, pressed))
                parts.append(content)
                x += content.cell_length
        if self._palette is not None:
            parts.append(Content(" " * max(0, room - x)))
            spans.append(KeySpan(max(x, room) + len(PALETTE_SEPARATOR), width, self._palette))
            parts.append(right)
        self._spans = spans
        return Content("").join(parts)

    def _span_at(self, x: int) -> KeySpan | None:
        return next((span for span in self._spans if span.start <= x < span.end), None)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        span = self._span_at(event.x)
        tip = span.item.tooltip if span is not None else ""
        if tip != (self.tooltip or ""):
            self.tooltip = tip or None

    def on_click(self, event: events.Click) -> None:
        span = self._span_at(event.x)
        if span is None:
            return
        if span.item.enabled:
            self.app.simulate_key(span.item.key)
        else:
            self.app.bell()
