"""partner.toml -> Partner, with every problem reported at its line (see DATA.md for the keys)."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from engine.data.bundled import PARTNER_FILE as PARTNER_FILE
from engine.data.cells import CellError, parse_date, parse_decimal, parse_email
from engine.data.datafile import Report
from engine.data.models import Contact, Partner, ThresholdOverride
from engine.limits import MAX_AMOUNT, MAX_TOML_BYTES, TomlLimitError, day_problem, load_toml, read_bounded, reason
from engine.rules import RuleBook
from engine.text import printable
from engine.vocabulary import Tier

T = TypeVar("T")

_KEYS = ("name", "home_currency", "rules", "credited_tier", "credited_since", "certified_until", "thresholds", "team")
_THRESHOLD_KEYS = ("total", "track_minimum", "managed_minimum")
_CONTACT_KEYS = ("name", "role", "email", "helps_with")
# A HubSpot team is a handful of people; a file with thousands of contacts is a mistake (or an attack on the
# Team tab's start-up time): only the first ones are read.
MAX_TEAM = 100

_ARRAY_HEADER = re.compile(r"\s*\[\[\s*([^\[\]]+?)\s*\]\]")
_TABLE_HEADER = re.compile(r"\s*\[\s*([^\[\]]+?)\s*\]")
_PART = r'(?:[A-Za-z0-9_-]+|"[^"]*")'
_KEY = re.compile(rf"\s*({_PART}(?:\s*\.\s*{_PART})*)\s*=")


def _split(dotted: str) -> tuple[str, ...]:
    return tuple(part.strip().strip('"') for part in re.findall(r'"[^"]*"|[^.]+', dotted))


def _key_lines(text: str) -> dict[tuple[str, ...], int]:
    """The line each key (and table) is set on; array-of-tables entries are numbered from 0."""
    lines: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    counts: dict[tuple[str, ...], int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        if match := _ARRAY_HEADER.match(raw):
            name = _split(match[1])
            counts[name] = counts.get(name, -1) + 1
            table = (*name, str(counts[name]))
        elif match := _TABLE_HEADER.match(raw):
            table = _split(match[1])
        elif match := _KEY.match(raw):
            lines.setdefault((*table, *_split(match[1])), number)
            continue
        else:
            continue
        lines.setdefault(table, number)
    return lines


def _shown(path: tuple[str, ...]) -> str:
    """A key path as a user reads it: the first [[team]] entry is team[1]."""
    return "".join(f"[{int(part) + 1}]" if part.isdigit() else f".{part}" for part in path).lstrip(".")


class _Reader:
    """Checks one partner.toml's values, reporting each problem at the line of its key."""

    def __init__(self, text: str, report: Report) -> None:
        self.lines = _key_lines(text)
        self.report = report

    def line(self, path: tuple[str, ...]) -> int:
        for cut in range(len(path), 0, -1):
            if path[:cut] in self.lines:
                return self.lines[path[:cut]]
        return 0

    def error(self, path: tuple[str, ...], message: str) -> None:
        self.report.error(PARTNER_FILE, self.line(path), _shown(path), message)

    def warn_unknown(self, table: Mapping[str, Any], known: tuple[str, ...], prefix: tuple[str, ...]) -> None:
        for key in table:
            if key not in known:
                path = (*prefix, key)
                self.report.warning(
                    PARTNER_FILE, self.line(path), _shown(path), f"unknown key ignored (known: {', '.join(known)})"
                )

    def value(self, table: Mapping[str, Any], path: tuple[str, ...], parse: Callable[[Any], T]) -> T | None:
        """The parsed value at `path` (its last part a key of `table`); None if absent or reported bad."""
        raw = table.get(path[-1])
        if raw is None:
            return None
        try:
            return parse(raw)
        except CellError as exc:
            self.error(path, str(exc))
            return None


def _text(raw: Any) -> str:
    if not isinstance(raw, str):
        raise CellError(f'must be text in quotes, e.g. "{str(raw)[:40]}"')
    return printable(raw.strip())


def _filled(raw: Any) -> str:
    text = _text(raw)
    if not text:
        raise CellError("must not be empty")
    return text


def _day(raw: Any) -> date:
    if isinstance(raw, str):
        return parse_date(raw.strip())
    if not isinstance(raw, date):
        raise CellError(f"{str(raw)[:40]!r} is not a date (use YYYY-MM-DD, e.g. 2027-03-31)")
    day = raw.date() if isinstance(raw, datetime) else raw
    problem = day_problem(day)
    if problem is not None:
        raise CellError(problem)
    return day


def _points(raw: Any) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, int | Decimal | str):
        raise CellError(f"{str(raw)[:40]!r} is not a number of points")
    value = parse_decimal(raw.strip()) if isinstance(raw, str) else Decimal(raw)
    if not value.is_finite() or value < 0:
        raise CellError(f"{str(raw)[:40]} is not a non-negative number of points")
    if value > MAX_AMOUNT:
        raise CellError(f"{str(raw)[:40]} points is too many (at most {MAX_AMOUNT:,})")
    return value


def _tier(raw: Any) -> Tier:
    try:
        return Tier.parse(_text(raw))
    except ValueError as exc:
        raise CellError(str(exc)) from None


def read_partner(
    path: Path, default_name: str, rulebook: RuleBook, currencies: frozenset[str], report: Report
) -> Partner:
    """The agency from partner.toml. A file that cannot be read or parsed is reported with `Report.stop`."""
    default_name = printable(default_name)
    try:
        data = read_bounded(path, MAX_TOML_BYTES)
        text = data.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except FileNotFoundError:
        report.stop(PARTNER_FILE, 0, "", "not found: the folder needs a partner.toml (see DATA.md)")
        return Partner(name=default_name)
    except OSError as exc:
        report.stop(PARTNER_FILE, 0, "", f"cannot be read: {reason(exc)}")
        return Partner(name=default_name)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        report.stop(PARTNER_FILE, line, "", "not UTF-8 text; save the file as UTF-8")
        return Partner(name=default_name)
    try:
        raw = load_toml(text, parse_float=Decimal)
    except TomlLimitError as exc:
        report.stop(PARTNER_FILE, exc.line, "", f"not usable: {exc}")
        return Partner(name=default_name)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        report.stop(PARTNER_FILE, int(match[1]) if match else 0, "", f"not valid TOML: {message}")
        return Partner(name=default_name)

    reader = _Reader(text, report)
    reader.warn_unknown(raw, _KEYS, ())
    values: dict[str, Any] = {}
    name = reader.value(raw, ("name",), _filled)
    if "name" not in raw:
        reader.error(("name",), 'missing: the agency\'s name, e.g. name = "Northwind Digital"')
    values["name"] = name or default_name

    def currency(value: Any) -> str:
        code = _text(value).upper()
        if code not in currencies:
            raise CellError(f"no program rate for currency {code!r} in any rule set")
        return code

    def rule_set(value: Any) -> str:
        rule_set_id = _text(value)
        if rule_set_id not in rulebook.ids:
            raise CellError(f"unknown rule set {rule_set_id!r} (known: {', '.join(rulebook.ids)})")
        return rule_set_id

    for key, parse in (
        ("home_currency", currency),
        ("rules", rule_set),
        ("credited_tier", _tier),
        ("credited_since", _day),
        ("certified_until", _day),
    ):
        value = reader.value(raw, (key,), parse)
        if value is not None:
            values[key] = value
    values["thresholds"] = _thresholds(reader, raw.get("thresholds"))
    values["team"] = _team(reader, raw.get("team"))
    return Partner(**values)


def _thresholds(reader: _Reader, raw: Any) -> dict[Tier, ThresholdOverride]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        reader.error(("thresholds",), "must be a table of tiers, e.g. [thresholds.Platinum] total = 500")
        return {}
    overrides: dict[Tier, ThresholdOverride] = {}
    for key, table in raw.items():
        path = ("thresholds", key)
        try:
            tier = Tier.parse(key)
        except ValueError as exc:
            reader.error(path, str(exc))
            continue
        if tier is Tier.PARTNER:
            reader.error(path, "the Partner tier has no thresholds (use Gold, Platinum, Diamond or Elite)")
            continue
        if not isinstance(table, dict):
            reader.error(path, f"must be a table, e.g. [thresholds.{tier.value}] total = 500")
            continue
        reader.warn_unknown(table, _THRESHOLD_KEYS, path)
        values = {k: reader.value(table, (*path, k), _points) for k in _THRESHOLD_KEYS}
        overrides[tier] = ThresholdOverride(**values)
    return overrides


def _team(reader: _Reader, raw: Any) -> tuple[Contact, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(entry, dict) for entry in raw):
        reader.error(("team",), 'must be [[team]] tables, each with name, role and email = "…"')
        return ()
    team: list[Contact] = []
    if len(raw) > MAX_TEAM:
        reader.report.warning(
            PARTNER_FILE,
            reader.line(("team", str(MAX_TEAM))),
            "team",
            f"{len(raw):,} contacts: only the first {MAX_TEAM} are read",
        )
        raw = raw[:MAX_TEAM]
    for index, entry in enumerate(raw):
        path = ("team", str(index))
        reader.warn_unknown(entry, _CONTACT_KEYS, path)
        name = reader.value(entry, (*path, "name"), _filled)
        role = reader.value(entry, (*path, "role"), _filled)
        email = reader.value(entry, (*path, "email"), lambda value: parse_email(_text(value)))
        helps_with = reader.value(entry, (*path, "helps_with"), _text) or ""
        for key in ("name", "role", "email"):
            if key not in entry:
                reader.error((*path, key), f'missing: each [[team]] contact needs {key} = "…"; the contact is skipped')
        if name and role and email:
            team.append(Contact(name=name, role=role, email=email, helps_with=helps_with))
    return tuple(team)
