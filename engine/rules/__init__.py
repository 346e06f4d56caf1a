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
from datetime import date
from decimal import Decimal
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from engine.limits import MAX_TOML_BYTES, TomlLimitError, day_problem, load_toml, read_bounded, reason
from engine.rules.countries import country_names
from engine.text import printable
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


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class TierRequirement(_Frozen):
    tier: Tier
    total: Decimal = Field(ge=0, le=MAX_POINTS)
    track_minimum: Decimal = Field(ge=0, le=MAX_POINTS)
    managed_minimum: Decimal = Field(ge=0, le=MAX_POINTS)
    invitation_only: bool = False


class TierTable(_Frozen):
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


class LegacyUpsell(_Frozen):
    first_sold_before: date
    rate: Decimal = Field(gt=0, le=MAX_RATE)

    @field_validator("first_sold_before")
    @classmethod
    def _day_in_range(cls, value: date) -> date:
        return _checked_day(value)


def _checked_day(value: date) -> date:
    problem = day_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


class GrowthMarket(_Frozen):
    multiplier: Decimal = Field(gt=0, le=1000)
    tracks: frozenset[Track]
    countries: frozenset[str]

    @field_validator("countries")
    @classmethod
    def _known_countries(cls, value: frozenset[str]) -> frozenset[str]:
        unknown = sorted(c for c in value if c not in country_names())
        if unknown:
            raise ValueError(f"unknown ISO 3166-1 alpha-2 code(s): {', '.join(unknown)}")
        return value


class PointsPer100(_Frozen):
    sold_sourced: Decimal = Field(gt=0, le=MAX_RATE)
    sold_assisted: Decimal = Field(gt=0, le=MAX_RATE)
    managed: Decimal = Field(gt=0, le=MAX_RATE)


class CommissionRule(_Frozen):
    """Commission on shared-selling deals: `rate` of the deal's net revenue for `months` from its close,
    paid quarterly, `paid_days_after_quarter` days after the quarter ends."""

    rate: Decimal = Field(default=Decimal("0.20"), gt=0, le=1)
    months: int = Field(default=36, gt=0, le=1200)
    paid_days_after_quarter: int = Field(default=45, ge=0, le=3660)


class RuleSet(_Frozen):
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

    @field_validator("name")
    @classmethod
    def _printable_name(cls, value: str) -> str:
        return printable(value)

    @field_validator("applies_from")
    @classmethod
    def _day_in_range(cls, value: date) -> date:
        return _checked_day(value)

    @field_validator("currency_per_100_usd")
    @classmethod
    def _positive_rates(cls, value: dict[str, Decimal]) -> dict[str, Decimal]:
        bad = [printable(code) for code, rate in value.items() if rate <= 0]
        if bad:
            raise ValueError(f"rates must be positive: {', '.join(bad)}")
        bad = [printable(code) for code, rate in value.items() if rate > MAX_RATE]
        if bad:
            raise ValueError(f"rates must be at most {MAX_RATE:,}: {', '.join(bad)}")
        bad = [printable(code) for code in value if not re.fullmatch(r"[A-Z]{3}", code)]
        if bad:
            raise ValueError(f"currency codes must be three capital letters (ISO 4217): {', '.join(bad)}")
        return value

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


class RuleBook(_Frozen):
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


# --- loading -------------------------------------------------------------------------------------------


def _shipped_text(rule_set_id: str) -> str:
    return files("engine.rules").joinpath(f"{rule_set_id}.toml").read_text(encoding="utf-8")


def _parse_toml(text: str, origin: str) -> dict[str, Any]:
    try:
        return load_toml(text)
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
    data = dict(raw)
    data.pop("base", None)
    tiers = data.get("tiers")
    if isinstance(tiers, dict):
        levels = []
        extra = {}
        for key, value in tiers.items():
            if isinstance(value, dict):
                levels.append({"tier": key, **value})
            else:
                extra[key] = value
        levels.sort(key=lambda level: _tier_rank(level["tier"]))
        data["tiers"] = {**extra, "levels": levels}
    data["sources"] = sources
    try:
        return RuleSet.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = [str(part) for part in error["loc"]]
            if loc[:2] == ["tiers", "levels"] and len(loc) > 2 and loc[2].isdigit():
                loc = ["tiers", str(data["tiers"]["levels"][int(loc[2])]["tier"]), *loc[3:]]
            where = _locate(loc, texts)
            problems.append(f"{where}: {'.'.join(loc)}: {error['msg']}")
        raise RulesError(problems) from None


def _tier_rank(name: Any) -> int:
    try:
        return Tier.parse(str(name)).rank
    except ValueError:
        return 99


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
        if rule_set_id in shipped:
            raw, text, origin = shipped[rule_set_id]
        else:
            base_id = per_set[rule_set_id].get("base")
            if base_id not in shipped:
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
        if "countries" in raw.get("growth_market", {}):
            market = raw["growth_market"]
            market["countries"] = sorted(
                (set(market["countries"]) | set(market.pop("add_countries", [])))
                - set(market.pop("remove_countries", []))
            )
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
