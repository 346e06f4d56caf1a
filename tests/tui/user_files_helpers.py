"""Shared by the lists, export, saved-report and settings tests: an app on the sample at a fixed day, and a
way to wait for the thread workers that read and write the store."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input, Static

from tui.app import AppOptions, PartnerDashApp

TODAY = date(2026, 11, 26)
# The sample's new sold points in the 30 days to TODAY, hand-checked against its MRR events file.
AnyApp = TypeVar("AnyApp", bound=App[Any])

NEW_SOLD = ("C0114", "C0031", "C0122", "C0106")
NEW_SOLD_NAMES = ("Sparrow Pet Care", "Meridian Coffee Co.", "Glacier Legal", "Kōyō Labs")


def sample_app(today: date = TODAY) -> PartnerDashApp:
    return noting(PartnerDashApp(AppOptions(today=today)))


async def loaded(pilot: Pilot[object]) -> None:
    await pilot.app.wait_until_loaded()  # type: ignore[attr-defined]
    await settled(pilot)


async def settled(pilot: Pilot[object]) -> None:
    """Every worker done (their results are delivered before they finish) and the screen redrawn."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def text_of(node: object, selector: str) -> str:
    return str(node.query_one(selector, Static).visual)  # type: ignore[attr-defined]


_SAID: WeakKeyDictionary[App[Any], list[str]] = WeakKeyDictionary()


def noting(app: AnyApp) -> AnyApp:
    """`app`, keeping the message of every notification it is asked for (through its public `notify`)."""
    said = _SAID.setdefault(app, [])
    notify = app.notify

    def keep(message: str, **options: Any) -> None:
        said.append(message)
        notify(message, **options)

    app.notify = keep  # type: ignore[method-assign]
    return app


def notifications(app: App[Any]) -> list[str]:
    """The messages of the notifications `app` was asked for since `noting(app)`, oldest first."""
    return _SAID[app]


# Snapshots show the folders and the days lists were made: both are fixed so the pictures are the same on
# every machine (nothing is written to these folders by the snapshot tests).
SNAPSHOT_EXPORT_DIR = "/tmp/partner-dash-snapshots/exports"
SNAPSHOT_CONFIG_DIR = "/tmp/partner-dash-snapshots/config"
SNAPSHOT_CREATED = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


def fixed_clock() -> datetime:
    return SNAPSHOT_CREATED


async def steady(pilot: Pilot[object]) -> None:
    """Loaded, workers done, no blinking cursor, no toast: the same picture every run."""
    await loaded(pilot)
    pilot.app.clear_notifications()
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.wait_for_scheduled_animations()
    await settled(pilot)
