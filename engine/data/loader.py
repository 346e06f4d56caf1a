"""A data folder -> a frozen Dataset, with every problem reported at once as `file:line: column: message`.

Valid rows load; a row with any bad cell is skipped and counted. Only a folder that cannot be trusted at all
(no folder, no readable partner.toml or clients.csv, clients.csv without its key columns) stops the load,
with `DataFolderError` giving every reason. The file format is documented in DATA.md.

Speed: see engine.data.rows for how the rows are read and checked. Nothing loaded here forms a reference cycle,
but the automatic garbage collector would rescan the growing heap of new rows again and again (3-4x slower): the
callers that load large folders pause it around the load (engine.cli.collector); library code never switches it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from engine.data.bundled import bundled_sample
from engine.data.files import FILES, FileLoader
from engine.data.models import Dataset, LoadProblem, Partner, Severity
from engine.data.partner_file import PARTNER_FILE, read_partner
from engine.rules import RuleBook, shipped_rulebook
from engine.text import printable

__all__ = ["FILES", "DataFolderError", "load_dataset", "sample_data_dir"]


class DataFolderError(Exception):
    """The folder cannot be loaded at all. `reasons` say why; `problems` is everything found on the way."""

    def __init__(self, folder: Path, reasons: Sequence[LoadProblem], problems: Sequence[LoadProblem] = ()) -> None:
        self.folder = folder
        self.reasons = tuple(reasons)
        self.problems = tuple(problems) or self.reasons
        self.error_count = sum(1 for p in self.problems if p.severity is Severity.ERROR)
        self.warning_count = len(self.problems) - self.error_count
        shown = printable(str(folder))
        super().__init__(f"cannot load the data folder {shown}: " + "; ".join(str(p) for p in self.reasons))


def sample_data_dir() -> Path:
    """The bundled sample agency's folder (the installed `sample_data` package)."""
    folder = bundled_sample()
    if folder is not None:
        return folder
    raise DataFolderError(
        Path("sample_data"), [LoadProblem(file="sample_data", message="the bundled sample is not installed")]
    )


def load_dataset(folder: Path, rules: RuleBook | None = None) -> Dataset:
    """Load a data folder. `rules` prices currencies (default: the shipped rule sets); see module doc."""
    folder = Path(folder)
    if not folder.is_dir():
        reason = "not found" if not folder.exists() else "not a folder"
        raise DataFolderError(
            folder, [LoadProblem(file=printable(str(folder)), message=f"{reason}: give the agency's data folder")]
        )
    return _load(folder, rules or shipped_rulebook())


def _load(folder: Path, rulebook: RuleBook) -> Dataset:
    loader = FileLoader(folder, rulebook)
    partner: Partner = read_partner(
        folder / PARTNER_FILE, folder.resolve().name, rulebook, loader.currencies, loader.report
    )
    loader.load_clients()
    events = loader.load_events()
    deals = loader.load_deals()
    commissions = loader.load_commissions(partner.home_currency)
    if not loader.report.fatal:
        loader.check_managed(events)
    problems = loader.problems()
    if loader.report.fatal:
        error = DataFolderError(folder, loader.report.fatal, problems)
        error.error_count = loader.report.total(Severity.ERROR)
        error.warning_count = loader.report.total(Severity.WARNING)
        raise error
    return Dataset(
        partner=partner,
        clients=tuple(loader.clients.values()),
        events=tuple(events),
        deals=tuple(deals),
        commissions=tuple(commissions),
        problems=problems,
        source=printable(str(folder)),
        skipped=dict(loader.report.skipped),
        error_total=loader.report.total(Severity.ERROR),
        warning_total=loader.report.total(Severity.WARNING),
    )
