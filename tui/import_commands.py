"""The command palette's "Import a client list…" and "Sync from HubSpot…"; their screens load only when used."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from tui.commands import PaletteCommand

if TYPE_CHECKING:
    from tui.app import PartnerDashApp


def _folder(app: PartnerDashApp) -> Path | None:
    """The data folder shown, as the place to import into (none for the bundled sample: it is not yours)."""
    return app.options.data


def _open_import(app: PartnerDashApp) -> None:
    from tui.screens.import_list import ImportScreen

    app.push_screen(ImportScreen(_folder(app)))


def _open_sync(app: PartnerDashApp) -> None:
    from tui.screens.sync_hubspot import SyncScreen

    app.push_screen(SyncScreen(_folder(app)))


def import_commands(app: PartnerDashApp) -> Iterator[PaletteCommand]:
    yield PaletteCommand(
        "Import a client list…",
        "A CSV or XLSX export of your client list, as a dated snapshot of your data folder",
        lambda: _open_import(app),
    )
    yield PaletteCommand(
        "Sync from HubSpot…",
        "Your Partner Clients from HubSpot's CRM API, as today's snapshot",
        lambda: _open_sync(app),
    )
