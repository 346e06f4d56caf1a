"""The user's settings: a small TOML file in the user config folder (SPEC §6).

Loading never fails and never writes: a file that cannot be read or parsed gives a problem naming the
file and line, and the defaults are used; a setting of the wrong type gives a problem and that setting
keeps its default. The file is written only when the user changes a setting (`save_config`), atomically,
and only with the settings that differ from the defaults.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from engine.atomic import aside_path, replacing
from engine.data.models import LoadProblem, Severity
from engine.limits import MAX_TOML_BYTES, TomlLimitError, load_toml, read_bounded, reason
from engine.storage import paths
from engine.text import printable, shorten

DEFAULT_THEME = "textual-dark"
HEADER = (
    "# Partner Dashboard settings. The app writes this file when you change a setting in it.\n"
    '# Settings: theme, data_folder, export_folder, rules_file, and a [keys] table of binding id = "key".\n'
)


class ConfigError(Exception):
    """The settings could not be saved."""


class SettingsError(ValueError):
    """A setting that cannot be used: `setting` names it, `reason` says what to put instead."""

    def __init__(self, setting: str, reason: str, value: object) -> None:
        self.setting = setting
        self.reason = reason
        self.value = value
        super().__init__(f"{setting}: {reason} (got {shorten(repr(value), 60)})")


# These say what to put in the file (the settings screen shows them too).
_REASONS = {
    "text": "should be text in quotes",
    "not_empty": "should not be empty",
    "path": "should be a path in quotes",
    "keys_table": 'should be a [keys] table of binding id = "key"',
}
_KEY_NEEDED = 'a binding needs an id and a key such as "ctrl+l"'


def _theme(value: Any) -> str:
    if not isinstance(value, str):
        raise SettingsError("theme", _REASONS["text"], value)
    if not value:
        raise SettingsError("theme", _REASONS["not_empty"], value)
    return value


def _folder(name: str, value: Any) -> Path | None:
    """A path, from a Path or text; blank text means unset."""
    if value is None or isinstance(value, Path):
        return value
    if isinstance(value, str):
        return Path(value) if value.strip() else None
    raise SettingsError(name, _REASONS["path"], value)


def _keys(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        raise SettingsError("keys", _REASONS["keys_table"], value)
    for binding, key in value.items():
        if not isinstance(binding, str) or not isinstance(key, str):
            raise SettingsError(f"keys.{binding}", _REASONS["text"], key)
        if not binding.strip() or not key.strip():
            raise SettingsError(f"keys.{binding}", _KEY_NEEDED, key)
    return {binding: key.strip() for binding, key in value.items()}


@dataclass(frozen=True, slots=True)
class Config:
    """The settings. Unset folders mean: the bundled sample data, the default export folder, no rules file.

    Checked when made (SettingsError names the setting and says what to put): a folder may be given as text,
    blank text is unset, and the keys are stripped.
    """

    theme: str = DEFAULT_THEME
    data_folder: Path | None = None
    export_folder: Path | None = None
    rules_file: Path | None = None
    keys: dict[str, str] = field(default_factory=dict)  # binding id -> key(s), as Textual writes them

    def __post_init__(self) -> None:
        set_value = object.__setattr__
        set_value(self, "theme", _theme(self.theme))
        for name in _FOLDERS:
            set_value(self, name, _folder(name, getattr(self, name)))
        set_value(self, "keys", _keys(self.keys))

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> Config:
        """The settings in a mapping (e.g. a parsed config file); SettingsError for one that is not a setting."""
        for name in settings:
            if name not in SETTINGS:
                raise SettingsError(name, f"is not a setting (known: {', '.join(SETTINGS)})", settings[name])
        return cls(**settings)

    @property
    def export_dir(self) -> Path:
        """Where exports go: the chosen folder, else the default one."""
        return self.export_folder if self.export_folder is not None else paths.default_export_dir()

    def replace(self, **settings: Any) -> Config:
        """A copy with these settings changed, validated like a loaded file (SettingsError if one is wrong)."""
        return Config.from_settings({**self.settings(), **settings})

    def settings(self) -> dict[str, Any]:
        """Every setting by name."""
        return {name: getattr(self, name) for name in SETTINGS}

    def changed(self) -> dict[str, str | dict[str, str]]:
        """The settings that differ from the defaults, as the file writes them (folders as text)."""
        default = _DEFAULT
        changed: dict[str, str | dict[str, str]] = {}
        for name in SETTINGS:
            value = getattr(self, name)
            if value != getattr(default, name):
                changed[name] = dict(value) if isinstance(value, dict) else str(value)
        return changed


SETTINGS = ("theme", "data_folder", "export_folder", "rules_file", "keys")
_FOLDERS = ("data_folder", "export_folder", "rules_file")
_DEFAULT = Config()


# --- loading --------------------------------------------------------------------------------------------

_TABLE_HEADER = re.compile(r"^\[\s*([^\[\]]+?)\s*\]\s*(#.*)?$")
_KEY_PART = re.compile(r'"((?:[^"\\]|\\.)*)"|\'([^\']*)\'|([A-Za-z0-9_-]+)')
_ASSIGNMENT = re.compile(
    r'^((?:"(?:[^"\\]|\\.)*"|\'[^\']*\'|[A-Za-z0-9_-]+)(?:\s*\.\s*(?:"(?:[^"\\]|\\.)*"|\'[^\']*\'|[A-Za-z0-9_-]+))*)\s*='
)
_DECODE_POSITION = re.compile(r"^(.*) \(at (?:line (\d+), column (\d+)|end of document)\)$", re.DOTALL)


def _key_path(text: str) -> tuple[str, ...]:
    return tuple(quoted or literal or bare for quoted, literal, bare in _KEY_PART.findall(text))


class _Lines:
    """The line each key and table of a TOML text is set on, indexed once (a file with thousands of [keys]
    entries is looked up in linear time, not once per entry)."""

    def __init__(self, lines: list[str]) -> None:
        self.index: dict[tuple[str, ...], int] = {}
        table: tuple[str, ...] = ()
        for number, line in enumerate(lines, start=1):
            stripped = line.strip()
            if header := _TABLE_HEADER.match(stripped):
                table = _key_path(header.group(1))
                self.index.setdefault(table, number)
            elif assignment := _ASSIGNMENT.match(stripped):
                self.index.setdefault(table + _key_path(assignment.group(1)), number)

    def line_of_binding(self, binding: str) -> int:
        """The line of a [keys] entry, written quoted (`"lists.close" = ...`) or as a dotted key (`lists.close`)."""
        quoted = self.index.get(("keys", binding))
        return quoted if quoted is not None else self.line_of(("keys", *binding.split(".")))

    def line_of(self, key: tuple[str, ...]) -> int:
        """The line that sets `key` (or, failing that, the nearest enclosing table); 0 if it cannot be found."""
        for length in range(len(key), 0, -1):
            number = self.index.get(key[:length])
            if number is not None:
                return number
        return 0


# A settings file with thousands of bad entries is reported by its first ones and a count of the rest.
MAX_PROBLEMS = 20


def _problem(path: Path, line: int, setting: str, message: str, severity: Severity = Severity.ERROR) -> LoadProblem:
    return LoadProblem(
        file=printable(str(path)),
        line=line,
        column=shorten(printable(setting), 80),
        message=shorten(printable(message), 300),
        severity=severity,
    )


def _bounded(path: Path, problems: list[LoadProblem]) -> list[LoadProblem]:
    if len(problems) <= MAX_PROBLEMS:
        return problems
    more = len(problems) - MAX_PROBLEMS
    severity = Severity.ERROR if any(p.severity is Severity.ERROR for p in problems) else Severity.WARNING
    return [*problems[:MAX_PROBLEMS], _problem(path, 0, "", f"{more:,} more problems like these", severity)]


def _parse(raw: bytes) -> dict[str, Any]:
    """The TOML document; UnicodeDecodeError, tomllib.TOMLDecodeError or TomlLimitError if it is not one."""
    return load_toml(raw.decode("utf-8-sig"))


def _unparsable(
    path: Path, raw: bytes, exc: UnicodeDecodeError | tomllib.TOMLDecodeError | TomlLimitError
) -> LoadProblem:
    if isinstance(exc, TomlLimitError):
        line, message = exc.line, f"not usable: {exc}"
    elif isinstance(exc, UnicodeDecodeError):
        line, message = raw[: exc.start].count(b"\n") + 1, "the text is not UTF-8"
    elif (position := _DECODE_POSITION.match(str(exc))) and position.group(2):
        line, message = int(position.group(2)), f"{position.group(1)} (column {position.group(3)})"
    else:
        # tomllib reports a document cut short as "at end of document": that is the last line.
        reason = position.group(1) if position else str(exc)
        line, message = len(raw.decode("utf-8-sig").splitlines()), f"{reason} at the end of the file"
    return _problem(path, line, "", f"{message}; using the default settings")


# The app has about a hundred bindings; a [keys] table of thousands is a mistake, read only this far.
MAX_KEY_BINDINGS = 500


def _flattened(table: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """The [keys] entries by binding id: a dotted id written bare (`lists.close = "x"`) is a nested table to TOML,
    and the same id as written quoted (`"lists.close" = "x"`). The depth is bounded by the TOML reader."""
    for key, item in table.items():
        binding = f"{prefix}{key}"
        if isinstance(item, dict) and item:
            yield from _flattened(item, f"{binding}.")
        else:
            yield binding, item


def _key_bindings(path: Path, lines: _Lines, value: Any, problems: list[LoadProblem]) -> Any:
    """The usable entries of the [keys] table; each unusable one is reported and dropped (checked here, as
    Config checks them, without a model validation per entry: a table of thousands stays quick)."""
    if not isinstance(value, dict):
        return value  # reported by validation as a whole
    usable = {}
    for number, (binding, key) in enumerate(_flattened(value)):
        if number == MAX_KEY_BINDINGS:
            line = lines.line_of_binding(binding)
            message = f"{len(value):,} key bindings: only the first {MAX_KEY_BINDINGS} are read"
            problems.append(_problem(path, line, "keys", message, Severity.WARNING))
            break
        if not isinstance(key, str):
            reason = _REASONS["text"]
        elif not binding.strip() or not key.strip():
            reason = 'a binding needs an id and a key such as "ctrl+l"'
        else:
            usable[binding] = key
            continue
        line = lines.line_of_binding(binding)
        message = f"{reason} (got {shorten(repr(key), 60)}); using the default key"
        problems.append(_problem(path, line, f"keys.{binding}", message))
    return usable


def _settings(path: Path, text: str, document: dict[str, Any]) -> tuple[Config, list[LoadProblem]]:
    lines = _Lines(text.splitlines())
    problems: list[LoadProblem] = []
    usable: dict[str, Any] = {}
    for setting, value in document.items():
        line = lines.line_of((setting,))
        if setting not in SETTINGS:
            known = ", ".join(SETTINGS)
            problems.append(
                _problem(path, line, setting, f"is not a setting (known: {known}); ignored", Severity.WARNING)
            )
            continue
        if setting == "keys":
            value = _key_bindings(path, lines, value, problems)
        try:
            Config.from_settings({setting: value})
        except SettingsError as exc:
            problems.append(
                _problem(path, line, setting, f"{exc.reason} (got {shorten(repr(value), 60)}); using the default")
            )
            continue
        usable[setting] = value
    config = Config.from_settings(usable)
    # Relative folders are relative to the config file, not to wherever the app was started from.
    folders: dict[str, Any] = {
        name: _absolute(folder, path.parent) for name in _FOLDERS if (folder := getattr(config, name)) is not None
    }
    return dataclasses.replace(config, **folders), _bounded(path, problems)


def _absolute(folder: Path, base: Path) -> Path:
    folder = folder.expanduser()
    return folder if folder.is_absolute() else base / folder


def load_config(path: Path | None = None) -> tuple[Config, list[LoadProblem]]:
    """The settings from `path` (default: the user config file) and what was wrong with them, if anything."""
    path = path if path is not None else paths.config_file()
    try:
        raw = read_bounded(path, MAX_TOML_BYTES)
    except FileNotFoundError:
        return Config(), []
    except OSError as exc:
        return Config(), [_problem(path, 0, "", f"cannot be read ({reason(exc)}); using the default settings")]
    try:
        document = _parse(raw)
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, TomlLimitError) as exc:
        return Config(), [_unparsable(path, raw, exc)]
    return _settings(path, raw.decode("utf-8-sig"), document)


def unknown_key_problems(
    config: Config, known_ids: set[str], path: Path | None = None, renamed: Mapping[str, str] | None = None
) -> list[LoadProblem]:
    """A warning for each entry of the [keys] table that names no binding (`known_ids`: what the app defines,
    which only the app knows); the entry is ignored, so the user should hear why their key does nothing. An id
    in `renamed` (old id -> new id, also the app's to know) still works, with a note to use its new name."""
    renamed = renamed or {}
    unknown = [binding for binding in config.keys if binding not in known_ids]
    if not unknown:
        return []
    path = path if path is not None else paths.config_file()
    try:
        lines = _Lines(read_bounded(path, MAX_TOML_BYTES).decode("utf-8-sig").splitlines())
    except (OSError, UnicodeDecodeError):
        lines = _Lines([])

    def reason(binding: str) -> str:
        if binding in renamed:
            return f"this id is now {renamed[binding]}: the key is used for it; write the new id to keep it"
        return "no key has this id; ignored (`partner-dash keys` lists the ids)"

    return _bounded(
        path,
        [
            _problem(path, lines.line_of_binding(binding), f"keys.{binding}", reason(binding), Severity.WARNING)
            for binding in unknown
        ],
    )


# --- saving ---------------------------------------------------------------------------------------------


def config_toml(config: Config, existing: str | None = None) -> str:
    """The file text for these settings: only those that differ from the defaults (all values are text).

    With `existing` (the file as it is, parsed without error), the user's own comments, layout and keys this
    version does not know are kept: only the settings that changed are written, and a setting put back to its
    default is removed. tomlkit is imported only here, when the user changes a setting.
    """
    import tomlkit
    from tomlkit.items import Table

    settings = config.changed()
    document = tomlkit.parse(existing) if existing is not None else tomlkit.parse(HEADER)
    for name in SETTINGS:
        value = settings.get(name)
        if name == "keys":
            table = document.get(name)
            if not isinstance(value, dict) or not value:
                document.pop(name, None)
                continue
            if not isinstance(table, Table):
                table = tomlkit.table()
                document[name] = table
            for key in [key for key in table if key not in value]:
                del table[key]
            for key, keys in sorted(value.items()):
                if table.get(key) != keys:
                    table[key] = keys
        elif value is None:
            document.pop(name, None)
        elif document.get(name) != str(value):
            document[name] = str(value)
    return tomlkit.dumps(document)


@dataclass(frozen=True)
class Saved:
    """What `save_config` did. `broken_copy`: where the old file went if it could not be parsed."""

    written: bool
    broken_copy: Path | None = None


def save_config(config: Config, path: Path | None = None) -> Saved:
    """Write the settings (call it when the user changes one); nothing is written if the file says the same.

    A file that could not be parsed is copied aside (`config.toml.broken-<time>`) before being replaced, so
    hand edits with a typo are not lost.
    """
    path = path if path is not None else paths.config_file()
    broken_copy = None
    try:
        old: bytes | None = read_bounded(path, MAX_TOML_BYTES)
    except FileNotFoundError:
        old = None
    except OSError as exc:
        raise ConfigError(f"cannot read the settings file {path}: {exc.strerror}") from exc
    readable = old is not None and _parses(old)
    text = config_toml(config, old.decode("utf-8-sig") if old is not None and readable else None)
    if old == text.encode("utf-8"):
        return Saved(written=False)
    try:
        if old is not None and not readable:
            broken_copy = aside_path(path, "broken", datetime.now(UTC))
            shutil.copy2(path, broken_copy)
        path.parent.mkdir(parents=True, exist_ok=True)
        with replacing(path) as temp:
            temp.write_bytes(text.encode("utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot save the settings to {path}: {exc.strerror or exc}") from exc
    return Saved(written=True, broken_copy=broken_copy)


def _parses(raw: bytes) -> bool:
    try:
        _parse(raw)
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, TomlLimitError):
        return False
    return True
