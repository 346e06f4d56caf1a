"""The app's header: which agency is shown and the data folder it came from, at the right end of the tab bar.

Every generated agency is called "Northwind Digital": the folder is what tells two apart. The folder reads with the
home folder as `~` and every control character made visible (engine.text.printable). Where the tab bar leaves too
little room, the folder is cut from the left (its last parts tell folders apart), and the agency's name goes first.
"""

from __future__ import annotations

import os
from pathlib import Path

from rich.cells import cell_len
from textual.content import Content
from textual.widgets import Static, Tab, Tabs

from engine.text import ELLIPSIS, printable

SEPARATOR = " — "
BUNDLED_SAMPLE = "bundled sample"
# The fewest cells of the folder worth showing beside the agency's name; with less room, the folder alone.
MIN_FOLDER = 12
# Cells kept free between the last tab and the header, and at the screen's right edge.
GAP, RIGHT_MARGIN = 2, 1


def folder_shown(folder: str | Path, home: Path | None = None) -> str:
    """The data folder as the header names it: "bundled sample" for the app's own sample, a folder under the home
    folder as "~/…", every control character made visible."""
    from engine.data.bundled import bundled_sample  # not on the first frame's path

    path = Path(folder)
    if path == bundled_sample():
        return BUNDLED_SAMPLE
    home = Path.home() if home is None else home
    try:
        text = str(Path("~") / path.relative_to(home)) if path != home else "~"
    except ValueError:
        text = str(path)
    return printable(text)


def cut_left(text: str, width: int) -> str:
    """At most `width` cells of `text`: a longer text loses its beginning, shown as an ellipsis. A path is cut at
    a separator where that keeps its last part whole ("…/acme-west", not "…es/acme-west")."""
    if cell_len(text) <= width:
        return text
    if width <= 0:
        return ""
    kept = ""
    for char in reversed(text):
        if cell_len(char + kept) > width - 1:
            break
        kept = char + kept
    separator = kept.find(os.sep)
    if 0 < separator < len(kept) - 1:
        kept = kept[separator:]
    return ELLIPSIS + kept


def header_text(name: str, folder: str, width: int) -> str:
    """ "Northwind Digital — ~/partner-data" in at most `width` cells: the folder cut from the left first, then the
    name left out."""
    full = f"{name}{SEPARATOR}{folder}" if name else folder
    if cell_len(full) <= width:
        return full
    room = width - cell_len(name) - cell_len(SEPARATOR)
    if name and room >= min(MIN_FOLDER, cell_len(folder)):
        return f"{name}{SEPARATOR}{cut_left(folder, room)}"
    return cut_left(folder, width)


class AgencyHeader(Static):
    """One line over the right end of the tab bar (`fit` places it), in the main screen's #body."""

    DEFAULT_CSS = """
    AgencyHeader {
        /* Its own layer in #body, so it takes no room from the tabs; the calculator sidebar, on it too and mounted
           later, is drawn over it. */
        layer: overlay;
        position: absolute;
        height: 1;
        width: auto;
        color: $text-muted;
    }
    """

    def __init__(self, tab_bar: str, *, id: str | None = None) -> None:
        """`tab_bar`: the selector of the TabbedContent (or Tabs) whose first tab bar the header sits beside."""
        super().__init__(id=id, markup=False)
        self.tab_bar = tab_bar
        self.agency_name = ""
        self.folder = ""

    def show_folder(self, name: str, folder: str | Path) -> None:
        """The agency `name` loaded from `folder` (a path, or the loader's record of it)."""
        self.agency_name, self.folder = printable(name), folder_shown(folder)
        self.fit()

    @property
    def full_text(self) -> str:
        return f"{self.agency_name}{SEPARATOR}{self.folder}" if self.agency_name else self.folder

    def fit(self) -> None:
        """Fit the text between the last tab and the screen's right edge; called again when the screen resizes."""
        if not self.is_attached:
            return
        width = self.screen.size.width
        bar = self.screen.query_one(self.tab_bar)
        # Its first tab bar only: not the tabs inside its panes, nor the calculator's.
        first = bar if isinstance(bar, Tabs) else bar.query_one(Tabs)
        tabs = [tab.region.right for tab in first.query(Tab) if tab.region]
        room = width - (max(tabs) if tabs else 0) - GAP - RIGHT_MARGIN
        text = header_text(self.agency_name, self.folder, room) if self.folder else ""
        self.display = bool(text)
        self.update(Content(text))
        self.styles.offset = (max(0, width - cell_len(text) - RIGHT_MARGIN), 0)
