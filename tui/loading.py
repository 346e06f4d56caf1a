"""The app's options and its load: what the command line (and the settings) name, and the agency loaded from it.

Apart from the App (tui.app) and without Textual (a contract in pyproject): a helper process started before Textual
is imported loads the agency the same way (tui.first_screen_helper).
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from engine.cli import resolve_rules
from engine.cli.collector import collector_paused

if TYPE_CHECKING:
    from engine.data.loader import DataFolderError
    from engine.reports.inputs import Agency
    from engine.rules import RuleSet
    from engine.storage.config import Config
    from engine.storage.dataset_cache import DatasetCache
    from tui.background import Steps
    from tui.first_screen import Preview


@dataclass(frozen=True, slots=True)
class AppOptions:
    """The command line's choices, kept for the data loader and the dashboard's figures."""

    data: Path | None = None
    today: date | None = None
    rules: str | None = None
    rules_file: Path | None = None

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> AppOptions:
        return cls(data=args.data, today=args.today, rules=args.rules, rules_file=args.rules_file)

    def with_settings(self, config: Config) -> AppOptions:
        """The data folder and rules file the settings name, where the command line named none (UserFiles.fill_options
        also checks the rules file)."""
        changes: dict[str, Path] = {}
        if self.data is None and config.data_folder is not None:
            changes["data"] = config.data_folder
        if self.rules_file is None and config.rules_file is not None:
            changes["rules_file"] = config.rules_file
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]

    def rule_set(self) -> RuleSet:
        """The rule set `--rules`/`--rules-file` name, else the default (2025-07). RulesError if unusable."""
        book, named = resolve_rules(self.rules, self.rules_file)
        return named if named is not None else book.default


def load_agency(
    options: AppOptions,
    steps: Steps | None = None,
    *,
    unsaved: list[DatasetCache] | None = None,
    first: bool = False,
    preview: Preview | None = None,
) -> Agency | DataFolderError:
    """The agency `options` name, with its ledger and tier figures computed; or why the folder cannot load.

    Runs in a worker thread: everything slow (reading the files, the ledger, the tiers) happens here, so the
    UI thread only has to show the figures. With `steps`, it stops between steps once its worker is cancelled.
    A large folder unchanged since it was last loaded comes from the dataset cache (engine.storage.dataset_cache); one
    parsed afresh that could be cached is added to `unsaved`, for the app to save as soon as the load is done.
    `first`: nothing was shown before (see the end). `preview`: the first screen a start showed of this folder, if
    one is kept for it (tui.first_screen), is shown before the folder is read.
    """
    today = options.today or date.today()
    if preview is not None:
        # Before anything else: the first screen kept for the folder (if any) is drawn while the rest is imported.
        preview.look(options.data, options.rules, options.rules_file, today)
        preview.wait(steps.check if steps is not None else _no_check)
    from engine.data.loader import DataFolderError, load_dataset, sample_data_dir
    from engine.reports.inputs import Agency
    from engine.storage.dataset_cache import DatasetCache

    book, named = resolve_rules(options.rules, options.rules_file)
    # The app owns the pause of the collector (engine.cli.collector): the engine never switches it itself.
    with collector_paused():
        try:
            folder = options.data if options.data is not None else sample_data_dir()
            cache = DatasetCache(folder, book) if folder.is_dir() else None
            dataset = cache.load() if cache is not None else None
            cached = dataset is not None
            if dataset is None:
                dataset = load_dataset(folder, book)
                if cache is not None and cache.fingerprint is not None and unsaved is not None:
                    unsaved.append(cache)
        except DataFolderError as error:
            return error
        priced = cache.priced if cached and cache is not None else None
        agency = Agency(dataset, book, today, named, priced)
        if steps is not None:
            steps.check()
        agency.ledger  # noqa: B018 -- cached_property: computed here, off the UI thread
        if steps is not None:
            steps.check()
        agency.overview  # noqa: B018
        if steps is not None:
            steps.check()
        # Everything alive once the figures are shown is set aside from collection (_freeze_when_settled): a full
        # collection walks 1M objects at 100,000 clients, 0.25-0.5 s, for nothing. A first load is set aside at
        # once, while the screen shows "loading": a load leaves nothing in reference cycles (the test
        # test_a_load_leaves_nothing_in_reference_cycles), and a collection of what it made would walk it all for
        # nothing (0.12 s at 100,000 clients, parsed or cached). Not on a reload: what was shown before must be
        # collected first (_freeze_when_settled); only the youngest generation then, where, with the collector
        # paused, everything the load made is (the older generations, Textual and the modules, hold nothing it left).
        # Both before the collector is switched back on: the first allocation after that would set off a
        # collection of the youngest generation while it still holds everything the load made (both calls reset
        # its count).
        if first:
            gc.freeze()
        else:
            gc.collect(0)
    return agency


def _no_check() -> None:
    """A load that cannot be cancelled (no worker's steps)."""
