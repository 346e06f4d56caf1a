"""The settings in the app: a broken file is named with its line and the app starts on defaults; the theme
is remembered across a restart; folders are saved only when changed; key overrides by binding id; the data
folder and rules file from the settings are used when the command line gives none."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Select

from engine.data.loader import sample_data_dir
from engine.data.sample import generate
from engine.storage import paths
from engine.storage.config import load_config
from tests.tui.user_files_helpers import (
    SNAPSHOT_CONFIG_DIR,
    SNAPSHOT_EXPORT_DIR,
    TODAY,
    loaded,
    notifications,
    sample_app,
    settled,
    steady,
    text_of,
)
from tui.app import AppOptions, PartnerDashApp
from tui.screens.lists import ListsScreen
from tui.screens.main import MainScreen
from tui.screens.settings import SettingsScreen


def write_config(text: str) -> Path:
    path = paths.config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


async def test_a_broken_config_is_named_by_line_and_the_app_starts_on_defaults() -> None:
    path = write_config('theme = "nord"\nexport_folder = "/tmp"\n[keys\n')
    app = sample_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        said = notifications(app)
        assert len(said) == 1
        assert said[0].startswith(f"{path}:3: ")
        assert said[0].endswith("; using the default settings")
        assert app.theme == "textual-dark"
        assert app.user_files.config.export_folder is None
        assert isinstance(app.screen, MainScreen)
    # Nothing was changed, so nothing was written: the user's file is as they left it.
    assert path.read_text(encoding="utf-8") == 'theme = "nord"\nexport_folder = "/tmp"\n[keys\n'


async def test_a_setting_of_the_wrong_type_keeps_its_default_and_the_others_apply() -> None:
    path = write_config('theme = "nord"\nexport_folder = 12\n')
    app = sample_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        assert app.theme == "nord"
        [said] = notifications(app)
        assert said == f"{path}:2: export_folder: should be a path in quotes (got 12); using the default"


async def test_the_theme_is_remembered_across_a_restart() -> None:
    app = sample_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        app.action_show_settings()
        await settled(pilot)
        assert isinstance(app.screen, SettingsScreen)
        theme = app.screen.query_one("#setting-theme", Select)
        assert theme.has_focus
        # Open the theme list, move to the next theme after textual-dark (sorted by name), pick it.
        await pilot.press("enter", "down", "enter")
        await settled(pilot)
        picked = app.theme
        assert picked != "textual-dark"
        assert theme.value == picked
    assert load_config()[0].theme == picked
    restarted = sample_app()
    async with restarted.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        assert restarted.theme == picked
        # The palette's theme picker sets app.theme the same way: it is remembered too.
        restarted.theme = "nord"
        await settled(pilot)
    assert load_config()[0].theme == "nord"


async def test_folders_are_saved_only_when_changed_and_checked_first(tmp_path: Path) -> None:
    app = sample_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        app.action_show_settings()
        await settled(pilot)
        screen = app.screen
        await pilot.press("ctrl+s")
        await settled(pilot)
        assert text_of(screen, "#settings-status") == "Nothing changed; nothing was written."
        assert not paths.config_file().exists()

        screen.query_one("#setting-data_folder", Input).value = str(tmp_path / "no such folder")
        await pilot.press("ctrl+s")
        await settled(pilot)
        assert text_of(screen, "#settings-error") == f"Data folder: {tmp_path / 'no such folder'} is not a folder."
        assert not paths.config_file().exists()

        screen.query_one("#setting-data_folder", Input).value = ""
        screen.query_one("#setting-export_folder", Input).value = str(tmp_path / "exports")
        await pilot.press("ctrl+s")
        await settled(pilot)
        assert text_of(screen, "#settings-status") == "Saved."
        assert text_of(screen, "#settings-error") == ""
    assert load_config() == (app.user_files.config, [])
    assert load_config()[0].export_dir == tmp_path / "exports"


async def test_a_new_data_folder_is_loaded_at_once(tmp_path: Path) -> None:
    folder = tmp_path / "agency"
    generate(12, 7, TODAY).write_agency(folder)
    app = sample_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        assert app.agency is not None and len(app.agency.dataset.clients) == 150
        app.action_show_settings()
        await settled(pilot)
        screen = app.screen
        screen.query_one("#setting-data_folder", Input).value = str(folder)
        await pilot.press("ctrl+s")
        await settled(pilot)
        assert text_of(screen, "#settings-status") == f"Saved. Loading {folder}."
        assert app.agency is not None and len(app.agency.dataset.clients) == 12
        # Back to the bundled sample by emptying the field.
        screen.query_one("#setting-data_folder", Input).value = ""
        await pilot.press("ctrl+s")
        await settled(pilot)
        assert text_of(screen, "#settings-status") == "Saved. Loading the bundled sample agency."
        assert len(app.agency.dataset.clients) == 150


async def test_the_data_folder_given_with_data_stays_until_a_restart(tmp_path: Path) -> None:
    folder = tmp_path / "agency"
    generate(12, 7, TODAY).write_agency(folder)
    app = PartnerDashApp(AppOptions(today=TODAY, data=sample_data_dir()))
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        app.action_show_settings()
        await settled(pilot)
        screen = app.screen
        screen.query_one("#setting-data_folder", Input).value = str(folder)
        await pilot.press("ctrl+s")
        await settled(pilot)
        assert text_of(screen, "#settings-status") == (
            "Saved. The app keeps the data folder given with --data until it is started without it."
        )
        assert app.agency is not None and len(app.agency.dataset.clients) == 150
    assert load_config()[0].data_folder == folder


@pytest.mark.parametrize(
    "table",
    ['"app.show-lists" = "ctrl+l"', 'app.show-lists = "ctrl+l"', '[keys.app]\nshow-lists = "ctrl+l"'],
    ids=["quoted", "dotted", "table"],
)
async def test_key_overrides_by_binding_id(table: str) -> None:
    # `app.show-lists` written bare is a nested table to TOML: it is the same binding id.
    write_config(f"[keys]\n{table}\n")
    app = sample_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("l")
        await settled(pilot)
        assert isinstance(app.screen, MainScreen)
        await pilot.press("ctrl+l")
        await settled(pilot)
        assert isinstance(app.screen, ListsScreen)


async def test_a_key_override_with_an_unknown_id_is_named_by_line_and_the_others_apply() -> None:
    path = write_config('[keys]\napp.show-lists = "ctrl+l"\nshow-listz = "ctrl+k"\n')
    app = sample_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await settled(pilot)
        said = notifications(app)
        assert said == [f"{path}:3: keys.show-listz: no key has this id; ignored (`partner-dash keys` lists the ids)"]
        await pilot.press("ctrl+l")
        await settled(pilot)
        assert isinstance(app.screen, ListsScreen)


async def test_an_old_binding_id_still_works_with_a_note_naming_its_new_id() -> None:
    # Before the glossary renames the id was `show-lists`; a settings file that says so keeps working.
    path = write_config('[keys]\nshow-lists = "ctrl+l"\n')
    app = sample_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await settled(pilot)
        assert notifications(app) == [
            f"{path}:2: keys.show-lists: this id is now app.show-lists: the key is used for it; "
            "write the new id to keep it"
        ]
        await pilot.press("l")
        await settled(pilot)
        assert isinstance(app.screen, MainScreen)
        await pilot.press("ctrl+l")
        await settled(pilot)
        assert isinstance(app.screen, ListsScreen)


def test_the_data_folder_and_rules_file_from_the_settings_fill_in_for_the_command_line(tmp_path: Path) -> None:
    rules = tmp_path / "broken-rules.toml"
    rules.write_text("[rule_sets\n", encoding="utf-8")
    path = write_config(f'data_folder = "{sample_data_dir()}"\nrules_file = "{rules}"\n')
    app = PartnerDashApp(AppOptions(today=TODAY))
    assert app.options.data == sample_data_dir()
    # An unusable rules file named by the settings is reported; the shipped rules are used.
    assert app.options.rules_file is None
    [problem] = app.user_files.problems
    assert str(problem).startswith(f"{path}: rules_file: ")
    assert str(problem).endswith("; using the shipped rules")
    given = tmp_path / "given"
    assert PartnerDashApp(AppOptions(data=given)).options.data == given


async def open_settings_over_the_lists(pilot: Pilot[object]) -> None:
    await loaded(pilot)
    await pilot.press("l")
    await settled(pilot)
    pilot.app.action_show_settings()  # type: ignore[attr-defined]
    await steady(pilot)


def test_settings_80x24(snap_compare: object, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(paths.CONFIG_DIR_ENV, SNAPSHOT_CONFIG_DIR)
    monkeypatch.setenv(paths.EXPORT_DIR_ENV, SNAPSHOT_EXPORT_DIR)
    assert snap_compare(sample_app(), terminal_size=(80, 24), run_before=open_settings_over_the_lists)  # type: ignore[operator]


async def test_the_settings_dialog_is_centred() -> None:
    app = sample_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        app.action_show_settings()
        await settled(pilot)
        dialog = app.screen.query_one("#settings-dialog").region
        left, right = dialog.x, 120 - dialog.right
        top, bottom = dialog.y, 40 - 1 - dialog.bottom  # the key bar is the last line
        assert abs(left - right) <= 1 and left > 10
        assert abs(top - bottom) <= 1 and top > 3
