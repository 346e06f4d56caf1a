"""The app's side of lists, saved reports, exports and settings: its actions, palette entries, and what
happens when the report dialog asks for one of its three actions.

Mixed into PartnerDashApp so that the app module stays about the frame; it expects `self.user_files`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, cast

from textual.app import App

from tui.commands import PaletteCommand
from tui.report_actions import start_action

if TYPE_CHECKING:
    from engine.reports.rows import ReportRows
    from engine.reports.saved import ReportQuery
    from engine.storage.config import Config
    from tui.report_actions import ReportAction
    from tui.user_files import UserFiles


class _ActionRequest:
    """The fields of ReportDialog.ActionRequested this side reads."""

    action: ReportAction
    query: ReportQuery
    rows: ReportRows


class UserFilesCommands:
    user_files: UserFiles

    def apply_settings(self, old: Config, new: Config) -> str:
        """Put saved settings to use at once where the app can; says what happens to the others."""
        raise NotImplementedError  # PartnerDashApp's

    @property
    def _app(self) -> App[Any]:
        return cast(App[Any], self)

    def action_show_lists(self) -> None:
        from tui.screens.lists import ListsScreen

        # `l` again on the Lists view would only stack a second copy of it.
        if not isinstance(self._app.screen, ListsScreen):
            self._app.push_screen(ListsScreen())

    def action_show_saved_reports(self) -> None:
        from tui.screens.saved_reports import SavedReportsScreen

        if not isinstance(self._app.screen, SavedReportsScreen):
            self._app.push_screen(SavedReportsScreen())

    def action_show_settings(self) -> None:
        from tui.screens.settings import SettingsScreen

        self._app.push_screen(SettingsScreen(self.apply_settings))

    def user_files_palette_commands(self) -> Iterator[PaletteCommand]:
        yield PaletteCommand(
            "Lists",
            "Static lists of clients: open, rename, remove clients, delete, export (key l)",
            self.action_show_lists,
        )
        yield PaletteCommand(
            "Saved reports", "Open, rename, pin or delete saved reports", self.action_show_saved_reports
        )
        yield PaletteCommand("Settings", "Theme, data folder, export folder, rules file", self.action_show_settings)

    def on_report_dialog_action_requested(self, event: _ActionRequest) -> None:
        start_action(self._app, event.action, event.query, event.rows)

    def on_unmount(self) -> None:
        self.user_files.close()
