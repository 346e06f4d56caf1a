"""engine.storage.config: a broken file never stops the app or gets rewritten on load; saving is atomic and rare."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine import atomic
from engine.data.models import Severity
from engine.storage import paths
from engine.storage.config import (
    DEFAULT_THEME,
    Config,
    ConfigError,
    SettingsError,
    config_toml,
    load_config,
    save_config,
    unknown_key_problems,
)


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    return paths.config_file()


def write(path: Path, text: str) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path.read_bytes()


def test_paths_come_from_the_environment_in_tests(tmp_path: Path) -> None:
    assert paths.config_file() == tmp_path / "user-config" / "config.toml"
    assert paths.database_file() == tmp_path / "user-data" / "partner-dash.sqlite3"
    assert paths.default_export_dir() == tmp_path / "user-exports"
    assert Config().export_dir == tmp_path / "user-exports"


def test_without_the_variables_paths_are_platformdirs_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in (paths.CONFIG_DIR_ENV, paths.DATA_DIR_ENV, paths.EXPORT_DIR_ENV):
        monkeypatch.setenv(variable, "  ")
    assert paths.config_file().parent.name == "partner-dash"
    assert paths.database_file().name == "partner-dash.sqlite3"
    assert paths.database_file().parent.name == "partner-dash"
    assert paths.default_export_dir().name == "Partner Dashboard exports"


def test_no_file_means_defaults_and_nothing_is_created(config_path: Path) -> None:
    config, problems = load_config()
    assert (config, problems) == (Config(), [])
    assert config.theme == DEFAULT_THEME
    assert not config_path.parent.exists()


def test_a_full_file_is_read(config_path: Path, tmp_path: Path) -> None:
    write(
        config_path,
        "# my settings\n"
        'theme = "textual-light"\n'
        f'data_folder = "{tmp_path / "agency"}"\n'
        'export_folder = "exports"\n'
        'rules_file = "~/rules.toml"\n'
        "\n"
        "[keys]\n"
        '"app.quit" = "ctrl+q"\n'
        "toggle_calculator = 'k'\n",
    )
    config, problems = load_config()
    assert problems == []
    assert config == Config(
        theme="textual-light",
        data_folder=tmp_path / "agency",
        # Relative to the config file's folder, not to wherever the app was started.
        export_folder=config_path.parent / "exports",
        rules_file=Path("~/rules.toml").expanduser(),
        keys={"app.quit": "ctrl+q", "toggle_calculator": "k"},
    )
    assert config.export_dir == config_path.parent / "exports"


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ('theme = "dark"\n\nexport_folder = "/x\n', 3, "Illegal character '\\n' (column 20)"),
        ('theme = "dark"\n[keys\n"app.quit" = "q"\n', 2, "Expected ']' at the end of a table declaration (column 6)"),
        ('theme = "dark"\ntheme = "light"\n', 2, "Cannot overwrite a value (column 16)"),
        ('theme = "dark"\nkeys = [\n', 2, "Invalid value at the end of the file"),
    ],
)
def test_a_broken_file_names_the_line_and_the_defaults_are_used(
    config_path: Path, text: str, line: int, message: str
) -> None:
    before = write(config_path, text)
    stat = config_path.stat()
    config, [problem] = load_config()
    assert config == Config()
    assert str(problem) == f"{config_path}:{line}: {message}; using the default settings"
    assert problem.severity is Severity.ERROR
    # Loading never rewrites the file.
    assert config_path.read_bytes() == before
    assert config_path.stat().st_mtime_ns == stat.st_mtime_ns


def test_a_file_that_is_not_utf8_names_the_line(config_path: Path) -> None:
    config_path.parent.mkdir(parents=True)
    config_path.write_bytes(b'theme = "dark"\n\n# caf\xe9\n')
    config, [problem] = load_config()
    assert config == Config()
    assert str(problem) == f"{config_path}:3: the text is not UTF-8; using the default settings"


def test_an_unreadable_file_gives_a_problem_not_a_crash(config_path: Path) -> None:
    config_path.mkdir(parents=True)
    config, [problem] = load_config()
    assert config == Config()
    assert str(problem).startswith(f"{config_path}: cannot be read (")


def test_a_wrong_type_loses_only_that_setting(config_path: Path) -> None:
    before = write(
        config_path,
        'export_folder = "/exports"\n'
        "theme = 5\n"
        "data_folder = true\n"
        "colour = 'red'\n"
        "[keys]\n"
        '"app.quit" = "q"\n'
        "help = 3\n"
        "blank = '   '\n",
    )
    config, problems = load_config()
    assert config == Config(export_folder=Path("/exports"), keys={"app.quit": "q"})
    assert [str(problem) for problem in problems] == [
        f"{config_path}:2: theme: should be text in quotes (got 5); using the default",
        f"{config_path}:3: data_folder: should be a path in quotes (got True); using the default",
        f"{config_path}:4: colour: is not a setting (known: theme, data_folder, export_folder, rules_file, keys); "
        "ignored",
        f"{config_path}:7: keys.help: should be text in quotes (got 3); using the default key",
        f"{config_path}:8: keys.blank: a binding needs an id and a key such as \"ctrl+l\" (got '   '); "
        "using the default key",
    ]
    assert problems[1].line == 3 and problems[1].column == "data_folder"
    assert problems[2].severity is Severity.WARNING
    assert config_path.read_bytes() == before


def test_keys_as_a_dotted_key_and_as_a_wrong_type_are_located(config_path: Path) -> None:
    write(config_path, 'theme = "x"\nkeys.quit = 7\n')
    _, [problem] = load_config()
    assert (problem.line, problem.column) == (2, "keys.quit")
    write(config_path, 'theme = "x"\n\nkeys = "q"\n')
    _, [problem] = load_config()
    assert (
        str(problem)
        == f"{config_path}:3: keys: should be a [keys] table of binding id = \"key\" (got 'q'); using the default"
    )


def test_key_overrides_naming_no_binding_are_warned_by_line(config_path: Path) -> None:
    write(config_path, '[keys]\nquit = "ctrl+x"\n"sh.ow" = "k"\nkeys-typo = "z"\n')
    config, problems = load_config()
    assert problems == []
    found = unknown_key_problems(config, {"quit"})
    assert [(p.line, p.column, p.severity) for p in found] == [
        (3, "keys.sh.ow", Severity.WARNING),
        (4, "keys.keys-typo", Severity.WARNING),
    ]
    assert unknown_key_problems(config, {"quit", "sh.ow", "keys-typo"}) == []


# --- saving ---------------------------------------------------------------------------------------------


def test_save_then_load_gives_the_same_settings(config_path: Path, tmp_path: Path) -> None:
    config = Config(
        theme="textual-light",
        export_folder=tmp_path / "my exports",
        keys={"app.quit": "ctrl+q", "calculator": "k"},
    )
    assert save_config(config).written
    assert load_config() == (config, [])
    settings = [line for line in config_path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    # Only what differs from the defaults is written.
    assert settings == [
        'theme = "textual-light"',
        f'export_folder = "{tmp_path / "my exports"}"',
        "",
        "[keys]",
        '"app.quit" = "ctrl+q"',
        'calculator = "k"',
    ]


def test_written_only_when_something_changed(config_path: Path) -> None:
    assert save_config(Config(theme="textual-light")).written
    first = config_path.stat()
    saved = save_config(Config(theme="textual-light"))
    assert not saved.written
    again = config_path.stat()
    assert (again.st_ino, again.st_mtime_ns) == (first.st_ino, first.st_mtime_ns)

    assert save_config(Config(theme="nord")).written
    # Replaced by a new file moved into place, not rewritten where it stood.
    assert config_path.stat().st_ino != first.st_ino
    assert load_config()[0].theme == "nord"
    assert sorted(path.name for path in config_path.parent.iterdir()) == ["config.toml"]


def test_a_failed_save_leaves_the_old_file_and_no_temp(config_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    save_config(Config(theme="textual-light"))
    before = config_path.read_bytes()

    def disk_full(path: Path, flags: int = 0) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic, "_fsync", disk_full)
    with pytest.raises(ConfigError, match=f"cannot save the settings to {config_path}: No space left on device"):
        save_config(Config(theme="nord"))
    assert config_path.read_bytes() == before
    assert sorted(path.name for path in config_path.parent.iterdir()) == ["config.toml"]


def test_saving_over_a_broken_file_keeps_a_copy_of_it(config_path: Path) -> None:
    before = write(config_path, 'theme = "dark"\n[keys\n"app.quit" = "q"\n')
    saved = save_config(Config(theme="nord"))
    assert saved.written
    assert saved.broken_copy is not None
    assert saved.broken_copy.parent == config_path.parent
    assert saved.broken_copy.name.startswith("config.toml.broken-")
    assert saved.broken_copy.read_bytes() == before
    assert load_config() == (Config(theme="nord"), [])


def test_replace_validates_like_a_loaded_file() -> None:
    config = Config(theme="nord")
    assert config.replace(keys={"quit": " q "}) == Config(theme="nord", keys={"quit": "q"})
    assert config.replace(data_folder="  ") == config
    assert config.replace(data_folder="/agency").data_folder == Path("/agency")
    with pytest.raises(SettingsError, match="theme: should be text in quotes") as failed:
        config.replace(theme=3)
    assert (failed.value.setting, failed.value.reason) == ("theme", "should be text in quotes")
    with pytest.raises(SettingsError, match="colour: is not a setting"):
        config.replace(colour="red")
    with pytest.raises(SettingsError, match=r"keys\.quit: a binding needs an id and a key"):
        config.replace(keys={"quit": " "})
    with pytest.raises(AttributeError):
        config.theme = "x"  # type: ignore[misc]


text = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=30)
keys = text.filter(lambda key: bool(key.strip()))


@given(theme=text, bindings=st.dictionaries(keys, keys.map(str.strip), max_size=5), folder=text)
def test_any_settings_survive_the_toml_writer(theme: str, bindings: dict[str, str], folder: str) -> None:
    config = Config(theme=theme, keys=bindings, export_folder=Path("/") / folder.replace("\x00", ""))
    document = tomllib.loads(config_toml(config))
    assert Config.from_settings(document) == config


def test_the_written_file_is_readable_by_the_user(config_path: Path) -> None:
    save_config(Config(theme="nord"))
    assert config_path.read_text(encoding="utf-8").startswith("# Partner Dashboard settings.")
    mode = config_path.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    assert mode == 0o666 & ~umask


def test_a_change_keeps_the_users_comments_layout_and_own_keys(config_path: Path) -> None:
    write(
        config_path,
        "# my settings, by hand\n"
        'theme = "nord"  # the dark one\n'
        "\n"
        "[keys]\n"
        "# lists on ctrl+l since 2026\n"
        'show-lists = "ctrl+l"\n'
        'calculator = "k"\n',
    )
    config, _ = load_config()
    assert save_config(config.replace(theme="textual-light", keys={"show-lists": "ctrl+l"})).written
    assert config_path.read_text(encoding="utf-8") == (
        "# my settings, by hand\n"
        'theme = "textual-light"  # the dark one\n'
        "\n"
        "[keys]\n"
        "# lists on ctrl+l since 2026\n"
        'show-lists = "ctrl+l"\n'
    )


def test_a_setting_put_back_to_its_default_is_removed_and_the_rest_kept(config_path: Path, tmp_path: Path) -> None:
    write(config_path, f'# mine\ntheme = "nord"\nexport_folder = "{tmp_path}"\n')
    config, _ = load_config()
    save_config(config.replace(theme=DEFAULT_THEME))
    assert config_path.read_text(encoding="utf-8") == f'# mine\nexport_folder = "{tmp_path}"\n'
    assert load_config()[0] == Config(export_folder=tmp_path)
