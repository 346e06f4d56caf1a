"""The load problems dialog: every `file:line: column: message` the loader reported, and what it skipped.

Opened by itself when a folder loads with errors (what did load is shown behind it), or when it cannot be
loaded at all; and again from the palette or the `p` key.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from tui.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from engine.data.models import LoadProblem


def problem_lines(problems: Sequence[LoadProblem], skipped: Mapping[str, int]) -> list[Content]:
    """The problems as the loader words them, errors first, then a line per file with rows skipped."""
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity != "error"]
    lines: list[Content] = []
    if errors:
        lines.append(Content.styled(f"Errors ({len(errors)})", "bold"))
        lines += [Content(str(p)) for p in errors]
    if warnings:
        lines.append(Content.styled(f"Warnings ({len(warnings)})", "bold"))
        lines += [Content(str(p)) for p in warnings]
    if skipped:
        lines.append(Content.styled("Skipped", "bold"))
        lines += [Content(f"{file}: {count} row{'s' if count != 1 else ''} skipped") for file, count in skipped.items()]
    return lines


class LoadProblemsScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter", "dismiss", "Close", id="load-problems.close"),
        # It opens by itself when a folder loads with errors: quitting from it must not need a close first.
        Binding("q", "app.quit", "Quit", id="load-problems.quit"),
    ]

    def __init__(self, source: str, summary: str, lines: Sequence[Content]) -> None:
        super().__init__(classes="dialog-screen")
        self._source = source
        self._summary = summary
        self._lines = tuple(lines)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="load-problems-dialog"):
            yield Label(Content(f"Problems in {self._source}"), classes="dialog-title")
            yield Static(Content(self._summary), id="load-problems-summary")
            with VerticalScroll(classes="dialog-body", id="load-problems-list"):
                # One widget for every line: a folder with thousands of problems opens at once.
                yield Static(Content("\n").join(self._lines), classes="load-problem")
            yield Label(Content("escape: close · p: show again"), classes="dialog-hint")
        yield KeyBar()
