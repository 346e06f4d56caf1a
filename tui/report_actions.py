"""What the report dialog's three actions do: Use in lists, Export, Save as report (F-DLG).

The report dialog posts `ActionRequested(action, query, rows)`; the app passes it here, and so do the
screens of this package that show rows (a saved report, a static list). Each action opens its dialog and
says what happened in a notification.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, assert_never

from textual.app import App

if TYPE_CHECKING:
    from engine.reports.rows import ReportRows
    from engine.reports.saved import ReportQuery
    from engine.storage.saved_reports import SavedReport


class ReportAction(StrEnum):
    """What can be done with the rows behind a number. The value is the name a key binding gives it
    (`act('export')`): `ReportAction(name)` at that edge, typed from there on."""

    USE_IN_LISTS = "use_in_lists"
    EXPORT = "export"
    SAVE_REPORT = "save_report"


def start_action(
    app: App[Any], action: ReportAction, query: ReportQuery | None, rows: ReportRows, name: str = ""
) -> None:
    """Open the dialog for `action` over the current screen. `name` suggests the export's file name."""
    if action is ReportAction.USE_IN_LISTS:
        from tui.screens.list_dialog import ListDialog

        app.push_screen(ListDialog(rows), lambda message: _said(app, message))
    elif action is ReportAction.EXPORT:
        from tui.screens.export_dialog import ExportDialog

        app.push_screen(ExportDialog(rows, name), lambda path: _exported(app, path))
    elif action is ReportAction.SAVE_REPORT:
        if query is None:
            app.notify("These rows come from a list, not a query: there is nothing to re-run.", severity="warning")
            return
        from tui.screens.save_report_dialog import SaveReportDialog

        app.push_screen(SaveReportDialog(query), lambda report: _saved(app, report))
    else:
        assert_never(action)


def _said(app: App[Any], message: str | None) -> None:
    if message:
        app.notify(message, title="Lists", markup=False)


def _exported(app: App[Any], path: Path | None) -> None:
    if path is not None:
        app.notify(f"Exported to {path}", title="Export", markup=False)


def _saved(app: App[Any], report: SavedReport | None) -> None:
    if report is not None:
        where = " and pinned to the Dashboard" if report.pinned else ""
        app.notify(f"Saved the report {report.name!r}{where}.", title="Saved reports", markup=False)
