"""Rule sets as data: the shipped TOML files in this folder, plus a user's overrides.

A rule set carries everything the engine needs for a date: points per US$100 per track, the growth-market
multiplier and countries, the currency table in force, the legacy-upsell rate, and the (illustrative)
tier thresholds. `RuleBook` holds them all, ordered by the date each applies from.

A user rules file (TOML) may hold, at top level, any section of a rule set (applied to every rule set),
and `[rule_set."ID"]` tables that change one rule set or add a new one (`base = "ID"` to start from one):

    [currency_per_100_usd]
    BRL = "550"

    [rule_set."2025-07".tiers.Gold]
    total = "200"
"""

from __future__ import annotations

import copy
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal

from engine.limits import MAX_TOML_BYTES, TomlLimitError, day_problem, load_toml, read_bounded, reason
from engine.rules.countries import country_names
from engine.text import printable, shorten
from engine.vocabulary import DealType, Tier, Track

DEFAULT_RULE_SET = "2025-07"
SHIPPED_RULE_SETS = ("2022-07", "2024-02", "2025-07")

# Bounds on what a rules file may set: far above any real value, low enough that no figure overflows.
MAX_POINTS = Decimal("1000000000000")
MAX_RATE = Decimal("1000000000000")


class RulesError(ValueError):
    """A rules file or a rule-set lookup that cannot be used. `problems` are `file:line: key: message`."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems = [printable(problem) for problem in problems]
        super().__init__("\n".join(self.problems))


class UnknownCurrency(RulesError):
    def __init__(self, currency: str, rule_set: str) -> None:
        self.currency = currency
        super().__init__(
            [
                f"no program rate for currency {currency!r} in rule set {rule_set}; add one in a rules "
                f'file, e.g. [currency_per_100_usd] {currency or "XXX"} = "…" (the local amount that '
                "counts as US$100), and pass it with --rules FILE"
            ]
        )


@dataclass(frozen=True, slots=True)
class TierRequirement:
    tier: Tier
    total: Decimal
    track_minimum: Decimal
    managed_minimum: Decimal
    invitation_only: bool = False


@dataclass(frozen=True, slots=True)
class TierTable:
    illustrative: bool
    # Which sold points count toward the track minimum: all of them, or only partner-sourced ones.
    track_minimum: Literal["sold", "sourced"]
    levels: tuple[TierRequirement, ...]

    def requirement(self, tier: Tier) -> TierRequirement | None:
        for level in self.levels:
            if level.tier is tier:
                return level
        return None

    @property
    def track_label(self) -> str:
        return "Sourced" if self.track_minimum == "sourced" else "Sold"


@dataclass(frozen=True, slots=True)
class LegacyUpsell:
    first_sold_before: date
    rate: Decimal


@dataclass(frozen=True, slots=True)
class GrowthMarket:
    multiplier: Decimal
    tracks: frozenset[Track]
    countries: frozenset[str]


@dataclass(frozen=True, slots=True)
class PointsPer100:
    sold_sourced: Decimal
    sold_assisted: Decimal
    managed: Decimal


@dataclass(frozen=True, slots=True)
class CommissionRule:
    """Commission on shared-selling deals: `rate` of the deal's net revenue for `months` from its close,
    paid quarterly, `paid_days_after_quarter` days after the quarter ends."""

    rate: Decimal = Decimal("0.20")
    months: int = 36
    paid_days_after_quarter: int = 45


@dataclass(frozen=True, slots=True, kw_only=True)
class RuleSet:
    """One rule set, as checked by `load_rulebook` (the only place that reads one from a file)."""

    id: str
    name: str
    applies_from: date
    points_per_100_usd: PointsPer100
    legacy_upsell: LegacyUpsell | None = None
    growth_market: GrowthMarket
    currency_per_100_usd: dict[str, Decimal]
    tiers: TierTable
    commission: CommissionRule = CommissionRule()
    sources: tuple[str, ...] = ()

    def currency_rate(self, currency: str) -> Decimal:
        """The local amount that counts as US$100 under this rule set."""
        try:
            return self.currency_per_100_usd[currency]
        except KeyError:
            raise UnknownCurrency(currency, self.id) from None

    def is_growth_market(self, country: str) -> bool:
        return country in self.growth_market.countries

    def multiplier(self, track: Track, country: str) -> Decimal:
        if track in self.growth_market.tracks and self.is_growth_market(country):
            return self.growth_market.multiplier
        return Decimal(1)

    def sold_rate(self, deal_type: DealType, *, legacy_upsell: bool = False) -> Decimal:
        """Points per US$100 of sold MRR; upsells on pre-cutoff product lines keep the legacy rate."""
        if legacy_upsell and self.legacy_upsell is not None:
            return self.legacy_upsell.rate
        per = self.points_per_100_usd
        return per.sold_sourced if deal_type is DealType.SOURCED else per.sold_assisted


@dataclass(frozen=True, slots=True)
class RuleBook:
    """Every rule set known to this run, ordered by the date each applies from."""

    rule_sets: tuple[RuleSet, ...]
    default_id: str = DEFAULT_RULE_SET

    @property
    def ids(self) -> list[str]:
        return [r.id for r in self.rule_sets]

    def by_id(self, rule_set_id: str) -> RuleSet:
        for rules in self.rule_sets:
            if rules.id == rule_set_id:
                return rules
        raise RulesError([f"unknown rule set {rule_set_id!r} (known: {', '.join(self.ids)})"])

    @property
    def default(self) -> RuleSet:
        return self.by_id(self.default_id)

    def for_date(self, day: date) -> RuleSet:
        """The rule set in force on `day`."""
        in_force = [r for r in self.rule_sets if r.applies_from <= day]
        if not in_force:
            first = self.rule_sets[0]
            raise RulesError(
                [f"no rule set applies before {first.applies_from} (the earliest is {first.id}); {day} is earlier"]
            )
        return in_force[-1]


# --- checking a rule set read from TOML ----------------------------------------------------------------
# Each reader takes the value as TOML gave it and returns the checked value, or raises _Invalid saying what
# to write instead. `_Reader` collects every problem with its key path, so that one run reports them all.


class _Invalid(ValueError):
    pass


_NUMBER_TEXT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,9})?")
_WHOLE_TEXT = re.compile(r"[+-]?[0-9]{1,18}")
_DAY_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_CURRENCY_CODE = re.compile(r"[A-Z]{3}")


def _got(value: object) -> str:
    shown = str(value) if isinstance(value, date | Decimal) else repr(value)
    return shorten(printable(shown), 60)


def _number(value: object) -> Decimal:
    """An exact Decimal from a TOML string, integer or (read as Decimal) float."""
    if isinstance(value, bool):
        raise _Invalid(f'should be a number in quotes, e.g. "5" (got {_got(value)})')
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, Decimal):
        number = value
    elif isinstance(value, float):
        number = Decimal(repr(value))
    elif isinstance(value, str) and _NUMBER_TEXT.fullmatch(value.strip()):
        number = Decimal(value.strip())
    else:
        raise _Invalid(f'should be a number in quotes, e.g. "5" (got {_got(value)})')
    if not number.is_finite():
        raise _Invalid(f'should be a finite number in quotes, e.g. "5" (got {_got(value)})')
    return number


def _bounded(number: Decimal, *, low: Decimal, high: Decimal, low_allowed: bool) -> Decimal:
    if low_allowed and number < low:
        raise _Invalid(f"should be greater than or equal to {low:,} (got {number})")
    if not low_allowed and number <= low:
        raise _Invalid(f"should be greater than {low:,} (got {number})")
    if number > high:
        raise _Invalid(f"should be less than or equal to {high:,} (got {number})")
    return number


def _points(value: object) -> Decimal:
    """A tier threshold: 0 to MAX_POINTS."""
    return _bounded(_number(value), low=Decimal(0), high=MAX_POINTS, low_allowed=True)


def _rate(value: object) -> Decimal:
    """A rate: above 0, at most MAX_RATE."""
    return _bounded(_number(value), low=Decimal(0), high=MAX_RATE, low_allowed=False)


def _whole(value: object, low: int, high: int) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        whole = value
    elif isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        whole = int(value)
    elif isinstance(value, str) and _WHOLE_TEXT.fullmatch(value.strip()):
        whole = int(value.strip())
    else:
        raise _Invalid(f"should be a whole number, e.g. {max(low, 1)} (got {_got(value)})")
    if not low <= whole <= high:
        raise _Invalid(f"should be a whole number from {low:,} to {high:,} (got {whole:,})")
    return whole


def _day(value: object) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        day = value
    elif isinstance(value, str) and _DAY_TEXT.fullmatch(value.strip()):
        try:
            day = date.fromisoformat(value.strip())
        except ValueError as exc:
            raise _Invalid(f"is not a date: {exc}") from None
    else:
        raise _Invalid(f"should be a date such as 2026-07-15, without quotes or a time (got {_got(value)})")
    problem = day_problem(day)
    if problem is not None:
        raise _Invalid(problem)
    return day


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise _Invalid(f"should be text in quotes (got {_got(value)})")
    return printable(value)


def _flag(value: object) -> bool:
    if not isinstance(value, bool):
        raise _Invalid(f"should be true or false, without quotes (got {_got(value)})")
    return value


def _choice(value: object, choices: tuple[str, ...]) -> str:
    if isinstance(value, str) and value in choices:
        return value
    shown = " or ".join(f'"{choice}"' for choice in choices)
    raise _Invalid(f"should be {shown} (got {_got(value)})")


_MISSING: Any = object()


class _Reader:
    """Reads one rule set's tables, collecting each problem as (key path, message)."""

    def __init__(self) -> None:
        self.problems: list[tuple[list[str], str]] = []

    def invalid(self, loc: list[str], message: str) -> None:
        self.problems.append((loc, message))

    def table(self, value: object, loc: list[str], known: tuple[str, ...]) -> dict[str, Any] | None:
        """`value` if it is a table holding only `known` keys (the others are reported), else None."""
        if not isinstance(value, dict):
            self.invalid(loc, f"should be a table ([{'.'.join(loc)}] with key = value lines; got {_got(value)})")
            return None
        for key in value:
            if key not in known:
                where = f"[{'.'.join(loc)}]" if loc else "a rule set"
                known_keys = ", ".join(known)
                self.invalid([*loc, str(key)], f"is not a key of {where}: remove it or fix its spelling ({known_keys})")
        return value

    def field(
        self, table: dict[str, Any], loc: list[str], key: str, read: Any, example: str, default: Any = _MISSING
    ) -> Any:
        """`read(table[key])`, `default` if the key is absent; None (and a problem) if it is wrong or missing."""
        if key not in table:
            if default is _MISSING:
                self.invalid([*loc, key], f"is missing: add {key} = {example}")
                return None
            return default
        try:
            return read(table[key])
        except _Invalid as exc:
            self.invalid([*loc, key], str(exc))
            return None


_RULE_SET_KEYS = (
    "id",
    "name",
    "applies_from",
    "points_per_100_usd",
    "legacy_upsell",
    "growth_market",
    "currency_per_100_usd",
    "tiers",
    "commission",
    "sources",
)
_LEVEL_KEYS = ("total", "track_minimum", "managed_minimum", "invitation_only")


def _rule_set(raw: dict[str, Any], reader: _Reader) -> RuleSet | None:
    """The rule set in `raw` (the merged TOML tables), or None with every problem in `reader`."""
    table = reader.table(raw, [], _RULE_SET_KEYS)
    if table is None:
        return None
    found = len(reader.problems)
    field = reader.field
    rule_set_id = field(table, [], "id", _text, '"2026-07"')
    name = field(table, [], "name", _text, '"July 2026"')
    applies_from = field(table, [], "applies_from", _day, "2026-07-15")
    points = _points_per_100(table, reader)
    legacy = _legacy_upsell(table, reader)
    market = _growth_market(table, reader)
    currencies = _currencies(table, reader)
    tiers = _tiers(table, reader)
    commission = _commission(table, reader)
    sources = tuple(str(source) for source in table.get("sources", ()))
    if len(reader.problems) > found or points is None or market is None or currencies is None:
        return None
    if tiers is None or commission is None:
        return None
    return RuleSet(
        id=rule_set_id,
        name=name,
        applies_from=applies_from,
        points_per_100_usd=points,
        legacy_upsell=legacy,
        growth_market=market,
        currency_per_100_usd=currencies,
        tiers=tiers,
        commission=commission,
        sources=sources,
    )


def _points_per_100(table: dict[str, Any], reader: _Reader) -> PointsPer100 | None:
    loc = ["points_per_100_usd"]
    per = reader.field(table, [], loc[0], lambda value: value, '{ sold_sourced = "5", ... }')
    if per is None or reader.table(per, loc, ("sold_sourced", "sold_assisted", "managed")) is None:
        return None
    rates = [reader.field(per, loc, key, _rate, '"5"') for key in ("sold_sourced", "sold_assisted", "managed")]
    return PointsPer100(*rates) if None not in rates else None


def _legacy_upsell(table: dict[str, Any], reader: _Reader) -> LegacyUpsell | None:
    loc = ["legacy_upsell"]
    legacy = table.get(loc[0])
    if legacy is None or reader.table(legacy, loc, ("first_sold_before", "rate")) is None:
        return None
    before = reader.field(legacy, loc, "first_sold_before", _day, "2024-02-27")
    rate = reader.field(legacy, loc, "rate", _rate, '"3"')
    return LegacyUpsell(before, rate) if before is not None and rate is not None else None


def _country_codes(value: object) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
        raise _Invalid(f'should be a list of country codes in quotes, e.g. ["BR", "MX"] (got {_got(value)})')
    return value


_TRACK_NAMES = tuple(track.value for track in Track)
_TIER_NAMES = tuple(tier.value for tier in Tier)


def _tracks(value: object) -> frozenset[Track]:
    if not isinstance(value, list) or not all(track in _TRACK_NAMES for track in value):
        raise _Invalid(f'should be a list of tracks, e.g. ["sold", "managed"] (got {_got(value)})')
    return frozenset(Track(track) for track in value)


def _growth_market(table: dict[str, Any], reader: _Reader) -> GrowthMarket | None:
    loc = ["growth_market"]
    market = reader.field(table, [], loc[0], lambda value: value, '{ multiplier = "2", ... }')
    known = ("multiplier", "tracks", "countries", "add_countries", "remove_countries")
    if market is None or reader.table(market, loc, known) is None:
        return None
    multiplier = reader.field(
        market,
        loc,
        "multiplier",
        lambda value: _bounded(_number(value), low=Decimal(0), high=Decimal(1000), low_allowed=False),
        '"2"',
    )
    tracks = reader.field(market, loc, "tracks", _tracks, '["sold", "managed"]')
    countries = reader.field(market, loc, "countries", _country_codes, '["BR", "MX"]')
    added = reader.field(market, loc, "add_countries", _country_codes, '["ZA"]', [])
    removed = reader.field(market, loc, "remove_countries", _country_codes, '["SG"]', [])
    if countries is None or added is None or removed is None:
        return None
    codes = (set(countries) | set(added)) - set(removed)
    unknown = sorted(printable(code) for code in codes if code not in country_names())
    if unknown:
        reader.invalid([*loc, "countries"], f"unknown ISO 3166-1 alpha-2 code(s): {', '.join(unknown)}")
        return None
    if multiplier is None or tracks is None:
        return None
    return GrowthMarket(multiplier, tracks, frozenset(codes))


def _currencies(table: dict[str, Any], reader: _Reader) -> dict[str, Decimal] | None:
    loc = ["currency_per_100_usd"]
    rates = reader.field(table, [], loc[0], lambda value: value, '{ USD = "100", EUR = "88" }')
    if rates is None:
        return None
    if not isinstance(rates, dict):
        reader.invalid(loc, f'should be a table of currency code = "local amount per US$100" (got {_got(rates)})')
        return None
    found = len(reader.problems)
    checked = {str(code): reader.field(rates, loc, code, _number, '"100"') for code in rates}
    if len(reader.problems) > found:
        return None
    value: dict[str, Decimal] = checked
    bad = [printable(code) for code, rate in value.items() if rate <= 0]
    if bad:
        reader.invalid(loc, f"rates must be positive: {', '.join(bad)}")
        return None
    bad = [printable(code) for code, rate in value.items() if rate > MAX_RATE]
    if bad:
        reader.invalid(loc, f"rates must be at most {MAX_RATE:,}: {', '.join(bad)}")
        return None
    bad = [printable(code) for code in value if not _CURRENCY_CODE.fullmatch(code)]
    if bad:
        reader.invalid(loc, f"currency codes must be three capital letters (ISO 4217): {', '.join(bad)}")
        return None
    return value


def _tiers(table: dict[str, Any], reader: _Reader) -> TierTable | None:
    loc = ["tiers"]
    tiers = reader.field(table, [], loc[0], lambda value: value, '{ illustrative = true, track_minimum = "sold" }')
    if tiers is None:
        return None
    if not isinstance(tiers, dict):
        reader.invalid(loc, f"should be a [tiers] table with a [tiers.Gold] table per tier (got {_got(tiers)})")
        return None
    found = len(reader.problems)
    settings = {key: value for key, value in tiers.items() if not isinstance(value, dict)}
    reader.table(settings, loc, ("illustrative", "track_minimum"))
    illustrative = reader.field(settings, loc, "illustrative", _flag, "true")
    track_minimum = reader.field(
        settings, loc, "track_minimum", lambda value: _choice(value, ("sold", "sourced")), '"sold"'
    )
    levels = []
    for key, level in tiers.items():
        if not isinstance(level, dict):
            continue
        level_loc = [*loc, str(key)]
        if key not in _TIER_NAMES:
            names = ", ".join(tier.value for tier in Tier)
            reader.invalid(level_loc, f"unknown tier {printable(str(key))!r}: name a tier table one of {names}")
            continue
        reader.table(level, level_loc, _LEVEL_KEYS)
        total = reader.field(level, level_loc, "total", _points, '"160"')
        track = reader.field(level, level_loc, "track_minimum", _points, '"60"')
        managed = reader.field(level, level_loc, "managed_minimum", _points, '"60"')
        invitation = reader.field(level, level_loc, "invitation_only", _flag, "true", False)
        levels.append(TierRequirement(Tier(key), total, track, managed, bool(invitation)))
    if len(reader.problems) > found:
        return None
    levels.sort(key=lambda level: level.tier.rank)
    return TierTable(illustrative, track_minimum, tuple(levels))


def _commission(table: dict[str, Any], reader: _Reader) -> CommissionRule | None:
    loc = ["commission"]
    rule = table.get(loc[0])
    default = CommissionRule()
    if rule is None:
        return default
    if reader.table(rule, loc, ("rate", "months", "paid_days_after_quarter")) is None:
        return None
    rate = reader.field(
        rule,
        loc,
        "rate",
        lambda value: _bounded(_number(value), low=Decimal(0), high=Decimal(1), low_allowed=False),
        '"0.20"',
        default.rate,
    )
    months = reader.field(rule, loc, "months", lambda value: _whole(value, 1, 1200), "36", default.months)
    days = reader.field(
        rule,
        loc,
        "paid_days_after_quarter",
        lambda value: _whole(value, 0, 3660),
        "45",
        default.paid_days_after_quarter,
    )
    if rate is None or months is None or days is None:
        return None
    return CommissionRule(rate, months, days)


# --- loading -------------------------------------------------------------------------------------------


def _shipped_text(rule_set_id: str) -> str:
    return files("engine.rules").joinpath(f"{rule_set_id}.toml").read_text(encoding="utf-8")


def _parse_toml(text: str, origin: str) -> dict[str, Any]:
    try:
        return load_toml(text, parse_float=Decimal)  # exact: 0.1 is Decimal("0.1"), never a float
    except TomlLimitError as exc:
        raise RulesError([f"{origin}:{exc.line or 1}: not usable: {exc}"]) from None
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        line = match.group(1) if match else "1"
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise RulesError([f"{origin}:{line}: {message}"]) from None


def _deep_merge(base: dict[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


_HEADER = re.compile(r"^\s*\[+\s*([^\]]+?)\s*\]+")
_KEY = re.compile(r'^\s*("[^"]+"|[A-Za-z0-9_-]+)\s*=')


def _split_dotted(text: str) -> list[str]:
    return [part.strip().strip('"') for part in re.findall(r'"[^"]*"|[^.]+', text)]


def _line_of(text: str, path: list[str]) -> int | None:
    """The line where the dotted key `path` is set in a TOML text, or its table's header line."""
    table: list[str] = []
    header_line: int | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(raw)
        if header:
            table = _split_dotted(header.group(1))
            if table == path:
                header_line = number
            continue
        key = _KEY.match(raw)
        if key and [*table, key.group(1).strip('"')] == path:
            return number
    return header_line


def _locate(path: list[str], texts: list[tuple[str, str, list[str]]]) -> str:
    """`origin:line` of the most specific file that sets `path` (user files first)."""
    for origin, text, prefix in texts:
        for cut in range(len(path), 0, -1):
            line = _line_of(text, prefix + path[:cut])
            if line is not None:
                return f"{origin}:{line}"
    return f"{texts[-1][0]}:1" if texts else "rules:1"


def _build(raw: dict[str, Any], texts: list[tuple[str, str, list[str]]], sources: tuple[str, ...]) -> RuleSet:
    data = {key: value for key, value in raw.items() if key != "base"}
    data["sources"] = sources
    reader = _Reader()
    rule_set = _rule_set(data, reader)
    if rule_set is None:
        problems = [f"{_locate(loc, texts)}: {'.'.join(loc)}: {message}" for loc, message in reader.problems]
        raise RulesError(problems or [f"{_locate([], texts)}: the rule set cannot be used"])
    return rule_set


def load_rulebook(user_file: Path | None = None) -> RuleBook:
    """The shipped rule sets, with a user's rules file applied on top when given."""
    shipped: dict[str, tuple[dict[str, Any], str, str]] = {}
    for rule_set_id in SHIPPED_RULE_SETS:
        text = _shipped_text(rule_set_id)
        origin = f"engine/rules/{rule_set_id}.toml"
        shipped[rule_set_id] = (_parse_toml(text, origin), text, origin)

    user: dict[str, Any] = {}
    user_text = ""
    user_origin = ""
    if user_file is not None:
        user_origin = str(user_file)
        try:
            user_text = read_bounded(user_file, MAX_TOML_BYTES).decode("utf-8-sig")
        except OSError as exc:
            raise RulesError([f"{user_origin}:1: cannot read the rules file: {reason(exc)}"]) from None
        except UnicodeDecodeError:
            raise RulesError([f"{user_origin}:1: the rules file is not UTF-8 text"]) from None
        user = _parse_toml(user_text, user_origin)

    per_set = user.pop("rule_set", {})
    if not isinstance(per_set, dict):
        raise RulesError([f"{user_origin}:{_line_of(user_text, ['rule_set']) or 1}: rule_set: must be a table"])

    problems: list[str] = []
    built: list[RuleSet] = []
    ids = list(shipped) + [key for key in per_set if key not in shipped]
    for rule_set_id in ids:
        texts: list[tuple[str, str, list[str]]] = []
        sources: list[str] = []
        if rule_set_id in per_set and not isinstance(per_set[rule_set_id], dict):
            where = _line_of(user_text, ["rule_set", rule_set_id]) or 1
            problems.append(f"{user_origin}:{where}: rule_set.{rule_set_id}: must be a table")
            continue
        if rule_set_id in shipped:
            raw, text, origin = shipped[rule_set_id]
        else:
            base_id = per_set[rule_set_id].get("base")
            if not isinstance(base_id, str) or base_id not in shipped:
                line = _line_of(user_text, ["rule_set", rule_set_id, "base"]) or _line_of(
                    user_text, ["rule_set", rule_set_id]
                )
                problems.append(
                    f"{user_origin}:{line or 1}: rule_set.{rule_set_id}.base: a new rule set needs "
                    f"base = one of {', '.join(shipped)}"
                )
                continue
            raw, text, origin = shipped[base_id]
            raw = {**raw, "id": rule_set_id}
        sources.append(origin)
        if user:
            raw = _deep_merge(raw, user)
        if rule_set_id in per_set:
            raw = _deep_merge(raw, per_set[rule_set_id])
            texts.append((user_origin, user_text, ["rule_set", rule_set_id]))
        if user_file is not None:
            texts.append((user_origin, user_text, []))
            sources.append(user_origin)
        texts.append((origin, text, []))
        try:
            built.append(_build(raw, texts, tuple(sources)))
        except RulesError as exc:
            problems.extend(exc.problems)
    if problems:
        raise RulesError(problems)
    built.sort(key=lambda r: r.applies_from)
    dates = [r.applies_from for r in built]
    if len(set(dates)) != len(dates):
        raise RulesError([f"{user_origin or 'rules'}:1: two rule sets apply from the same date"])
    return RuleBook(rule_sets=tuple(built))


_SHIPPED: RuleBook | None = None


def shipped_rulebook() -> RuleBook:
    """The shipped rule sets (cached: they never change within a run)."""
    global _SHIPPED
    if _SHIPPED is None:
        _SHIPPED = load_rulebook()
    return _SHIPPED
