"""The keys dialog (`?`): every key that does something on the current screen, where the cursor is now.

The app's own keys come first, by where they apply ("Everywhere" first). Textual's generic keys (scrolling,
text editing, focus moves: the bindings without an id) follow, folded away under one heading.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import Collapsible, Label, Static

from tui.widgets.key_bar import KeyBar

EVERYWHERE = "Everywhere"

# Names for Textual's own widgets (by class name: importing them here would slow the start); our widgets say
# what they are with a HELP_SECTION attribute.
_SECTIONS = {"Input": "Text field", "Select": "Choice field", "Checkbox": "Tick box", "Tabs": "Tab bar"}


@dataclass(frozen=True, slots=True)
class KeyRow:
    section: str
    keys: str
    description: str
    enabled: bool
    generic: bool = False  # one of Textual's own keys (no id), not one the app defines


def _section(node: DOMNode) -> str:
    if isinstance(node, App | Screen):
        return EVERYWHERE
    own: str | None = getattr(node, "HELP_SECTION", None)
    if own:
        return own
    for kind in type(node).__mro__:
        if kind.__name__ in _SECTIONS:
            return _SECTIONS[kind.__name__]
    from tui.key_ids import section_of

    return section_of(type(node))


def key_rows(screen: Screen[object]) -> list[KeyRow]:
    """The screen's active bindings, one row per action (its keys joined), "Everywhere" first."""
    app = screen.app
    merged: dict[tuple[int, str, str], tuple[DOMNode, list[str], Binding, bool]] = {}
    for active in screen.active_bindings.values():
        binding = active.binding
        if not binding.description or binding.system:
            continue
        slot = (id(active.node), binding.action, binding.description)
        if slot in merged:
            merged[slot][1].append(app.get_key_display(binding))
        else:
            merged[slot] = (active.node, [app.get_key_display(binding)], binding, active.enabled)
    rows = [
        KeyRow(_section(node), " / ".join(keys), binding.description, enabled, generic=binding.id is None)
        for node, keys, binding, enabled in merged.values()
    ]
    # Bindings come innermost-first (focused widget ... app); a reader wants the app's own keys first, the
    # global ones leading, and Textual's generic ones (scrolling, text editing, tab) after all of them.
    sections = list(dict.fromkeys(row.section for row in reversed(rows)))
    return sorted(rows, key=lambda row: (row.generic, sections.index(row.section)))


class KeysScreen(ModalScreen[None]):
    HELP_SECTION = "Keys dialog"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,question_mark,f1", "dismiss", "Close", id="keys.close")]

    def __init__(self, rows: list[KeyRow]) -> None:
        super().__init__(classes="dialog-screen")
        self._rows = rows

    def compose(self) -> ComposeResult:
        width = max((len(row.keys) for row in self._rows), default=0)
        own = [row for row in self._rows if not row.generic]
        generic = [row for row in self._rows if row.generic]
        with Vertical(classes="dialog", id="keys-dialog"):
            yield Label(Content("Keys"), classes="dialog-title")
            with VerticalScroll(classes="dialog-body"):
                yield from self._sections(own, width)
                if generic:
                    title = f"Scrolling, text editing and focus ({len(generic)} more keys)"
                    with Collapsible(title=title, collapsed=True, id="keys-generic"):
                        yield from self._sections(generic, width)
            yield Label(Content("escape or ?: close"), classes="dialog-hint")
        yield KeyBar()

    @staticmethod
    def _sections(rows: list[KeyRow], width: int) -> ComposeResult:
        section = None
        for row in rows:
            if row.section != section:
                section = row.section
                yield Label(Content(section), classes="keys-section")
            note = "" if row.enabled else "  (not available now)"
            line = Content.assemble((row.keys.ljust(width), "bold"), "  ", row.description, note)
            yield Static(line, classes="keys-row" if row.enabled else "keys-row -disabled")
