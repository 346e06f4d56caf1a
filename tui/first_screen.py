"""The Dashboard's first screen as a start last showed it, shown again at once by the next start while the data loads.

At 100,000 clients a start spends about a second reading the data folder (from its dataset cache) and working out the
figures before the first one can show; yet the first screen (the agency in the header, the Dashboard's status line and
its first panels, DashboardTab's FIRST_SCREEN) is the same at each start as long as nothing it was computed from has
changed. So once a start has shown it, it is kept (`FirstScreen`, as JSON in the user's cache folder, one file per data
folder) with the fingerprint of everything it was computed from (`first_screen_key`):
- the data folder, the rule book and the engine's code (engine.storage.dataset_cache.folder_fingerprint, for a folder
  of any size: every file's name, size, time and inode, the content of the small ones);
- the rule set named on the command line, the day the app is started on ("today");
- the app's own code (tui/: the size and time of each module), which turns the figures into text.
A start whose fingerprint matches shows the kept screen before the data is loaded (`Preview`); the data then loads as
always, and the panels computed from it replace the ones shown from the file, in one frame: the same text, unless
something the fingerprint cannot see has changed. A file that does not match is never shown; one that cannot be read
(or is not what this module writes) is ignored and written again.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tui.first_screen_helper import FirstLook

# What this module uses of the engine is imported where it is used, and light (engine.storage.fingerprint,
# engine.storage.paths): the look for a first screen runs while the app draws its first frame.

FORMAT = "partner-dash first screen 2"
TUI = Path(__file__).resolve().parent
# A first screen is a few kilobytes (about 20 figures); a larger file is not ours.
MAX_BYTES = 1024 * 1024


@dataclass(frozen=True)
class FigureShown:
    """One DashboardFigure as shown: its label and its value. Not its explanation: some take the engine a second
    at 100,000 clients (computed when asked for); a kept figure explains itself once the data is in."""

    label: str
    value: str


@dataclass(frozen=True)
class FirstScreen:
    """What the first screen showed, computed from the agency: enough to build its widgets again without it."""

    partner: str  # the agency's name, in the header and the status line
    source: str  # the data folder, as the header shows it
    status: str  # the status line after the agency's name
    today: str  # the day the figures are for (ISO)
    credited: str  # the credited tier (the Get to selector's choices follow from it)
    target: str | None  # the tier chosen in the Get to selector
    figures: Mapping[str, FigureShown]  # by DashboardFigure id
    texts: Mapping[str, str]  # the panels' other lines (notes, warnings), by id

    @property
    def day(self) -> date:
        return date.fromisoformat(self.today)


def first_screen_key(folder: Path, rules: str | None, rules_file: Path | None, today: date) -> str | None:
    """The fingerprint a first screen of `folder` shown with the rules the command line names (`--rules`,
    `--rules-file`: tui.app.AppOptions) on `today` is kept under; None if the folder cannot be fingerprinted (a file
    changed in the last seconds: engine.storage.fingerprint.RECENT_SECONDS) or a rules file cannot be read.

    Taken from the files, not from what the app makes of them: the engine's code and its shipped rules (the size and
    time of each file), the app's code, the rules files named (their content).
    """
    import engine
    from engine.storage.fingerprint import code_fingerprint, folder_fingerprint

    def parts() -> list[bytes]:
        named = [Path(rules)] if rules is not None and (rules.endswith(".toml") or Path(rules).is_file()) else []
        named += [rules_file] if rules_file is not None else []
        return [
            FORMAT.encode(),
            today.isoformat().encode(),
            (rules or "").encode(),
            *(path.read_bytes() for path in named),
            code_fingerprint(Path(engine.__file__).resolve().parent, (".py", ".toml", ".csv")),
            code_fingerprint(TUI, (".py", ".tcss")),
        ]

    try:
        data = folder_fingerprint(Path(folder).resolve(), parts)
    except OSError:
        return None
    return None if data is None else data.hex()


def first_screen_path(folder: Path) -> Path:
    from engine.storage.paths import cache_root

    name = hashlib.sha256(str(Path(folder).resolve()).encode()).hexdigest()[:32]
    return cache_root() / "first-screens" / f"{name}.json"


def read_first_screen(folder: Path, key: str) -> FirstScreen | None:
    """The first screen kept for `folder` under `key`; None if there is none, it was kept under another key, or the
    file is not one this module wrote."""
    try:
        with first_screen_path(folder).open("rb") as file:
            return screen_from_payload(file.read(MAX_BYTES + 1), key)
    except OSError:
        return None


def kept_for(
    data: Path | None, rules: str | None, rules_file: Path | None, today: date, *, read: bool = True
) -> tuple[Path, str | None, FirstScreen | None] | None:
    """The folder `data` names (the bundled sample if None), the key of its first screen for these rules and day, and
    (with `read`) the first screen kept under it; None if that folder is not there (the load says why)."""
    from engine.data.bundled import bundled_sample

    folder = data if data is not None else bundled_sample()
    if folder is None or not folder.is_dir():
        return None
    key = first_screen_key(folder, rules, rules_file, today)
    return folder, key, read_first_screen(folder, key) if key is not None and read else None


def screen_payload(key: str, screen: FirstScreen) -> bytes:
    """`screen` as kept under `key`: one line of JSON (a kept file's content, and what a helper process sends)."""
    data = dataclasses.asdict(screen)
    data["figures"] = {id: [shown.label, shown.value] for id, shown in screen.figures.items()}
    return json.dumps({"format": FORMAT, "key": key, "screen": data}, ensure_ascii=False).encode()


def screen_from_payload(raw: bytes, key: str) -> FirstScreen | None:
    """The first screen in `raw` (screen_payload) if it was kept under `key`; None if it was not, or `raw` is not
    what screen_payload makes."""
    if len(raw) > MAX_BYTES:
        return None
    try:
        kept = json.loads(raw)
        if not isinstance(kept, dict) or kept.get("format") != FORMAT or kept.get("key") != key:
            return None
        return _screen_from(kept["screen"])
    except (ValueError, KeyError, TypeError, RecursionError):  # RecursionError: JSON nested too deep
        return None


def _screen_from(data: Any) -> FirstScreen:
    # Every field checked: the file is the user's own, but a damaged one must not reach the widgets, and no control
    # character in it reaches the terminal (made visible, as in any data file: engine.text).
    from engine.text import printable

    def text(value: Any) -> str:
        if not isinstance(value, str):
            raise TypeError("not a string")
        return printable(value)

    def texts(value: Any) -> dict[str, str]:
        if not isinstance(value, dict):
            raise TypeError("not an object")
        return {text(key): text(item) for key, item in value.items()}

    def figure(value: Any) -> FigureShown:
        label, shown = value
        return FigureShown(text(label), text(shown))

    if not isinstance(data, dict) or not isinstance(data["figures"], dict):
        raise TypeError("not an object")
    screen = FirstScreen(
        partner=text(data["partner"]),
        source=text(data["source"]),
        status=text(data["status"]),
        today=text(data["today"]),
        credited=text(data["credited"]),
        target=None if data["target"] is None else text(data["target"]),
        figures={text(key): figure(value) for key, value in data["figures"].items()},
        texts=texts(data["texts"]),
    )
    screen.day  # noqa: B018 -- a ValueError for a day that is not one
    return screen


def write_first_screen(folder: Path, key: str, screen: FirstScreen) -> None:
    """Keep `screen` for the next start on `folder` (whole or not at all: engine.atomic). Best effort: a cache folder
    that cannot be written to only costs the next start its head start."""
    from engine.atomic import replacing

    payload = screen_payload(key, screen)
    path = first_screen_path(folder)
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        with replacing(path) as temp:
            temp.write_bytes(payload)


class Preview:
    """A start's look for its first screen, between the app and the load.

    `look()` takes the key (for the app to keep the screen it shows under) and, if a first screen is kept under it,
    hands it to `show` (from the thread it runs in: `show` passes it to the UI thread). The app starts a look in a
    thread of its own as it starts (before its first frame: the look is light); the load waits for it (`wait`) and,
    if a screen was handed over, for the app to call `painted()`, before it reads the folder: the load does not take
    the CPU from the screen being drawn.

    With the launcher's `first` look (tui.first_screen_helper.FirstLook), the look takes what it found if it was for
    the same folder, rules and day; with its helper process (none is kept), it waits for the screen the helper works
    out, and the load for the helper to end (it saves the dataset cache the load then reads).
    """

    def __init__(self, show: Callable[[FirstScreen, Preview], None] | None, first: FirstLook | None = None) -> None:
        self._show = show  # None: nothing is shown before the data (a reload), only the key is taken
        self._first = first
        self._helper = first.helper if first is not None else None
        self.folder: Path | None = None
        self.key: str | None = None
        self.screen: FirstScreen | None = None
        self._started = threading.Lock()
        self._looked = threading.Event()
        self._painted = threading.Event()

    def look(self, folder: Path | None, rules: str | None, rules_file: Path | None, today: date) -> None:
        """Look for the first screen of `folder` (None: the bundled sample) kept under today's key; only the first
        call looks (the app's, or the load's if the app started none)."""
        if not self._started.acquire(blocking=False):
            return
        try:
            first = self._first
            if first is not None and first.given == (folder, rules, rules_file, today):
                self.folder, self.key, self.screen = first.folder, first.key, first.screen
            else:
                self._helper = None  # working out another folder's, or under other rules
                looked = kept_for(folder, rules, rules_file, today, read=self._show is not None)
                if looked is None:
                    return
                self.folder, self.key, self.screen = looked
            if self.key is None or self._show is None:
                self.screen = None
                return
            if self.screen is None and self._helper is not None:
                self.screen = self._helper.screen(self.key)
            if self.screen is not None:
                self._show(self.screen, self)
        finally:
            self._looked.set()

    def wait(self, check: Callable[[], None]) -> None:
        """Return once the look is done and the screen it found (if any) painted; `check` is called every 50 ms (it
        raises to give up: the load was cancelled)."""
        while not self._looked.wait(0.05):
            check()
        while self.screen is not None and not self._painted.wait(0.05):
            check()
        while self._helper is not None and not self._helper.ended(0.05):
            check()

    def painted(self) -> None:
        """The kept screen is on the terminal (or will not be shown): the load goes on."""
        self._painted.set()
