"""The tier thresholds in effect: the rule set for today (partner.toml's `rules`, else the one in force today)
with the partner's own [thresholds] applied on top (FIGURES.md). They stay labelled illustrative unless the
partner set them all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from engine.data.models import Partner
from engine.points.calculator import exact, fmt2
from engine.rules import RuleBook, RuleSet
from engine.vocabulary import Tier


def today_rules(partner: Partner, book: RuleBook, today: date, rule_set: str | None = None) -> RuleSet:
    """The rule set for today's thresholds: `rule_set` if given, else partner.toml's, else by date."""
    chosen = rule_set or partner.rules
    if chosen:
        return book.by_id(chosen)
    return book.for_date(today) if today >= book.rule_sets[0].applies_from else book.rule_sets[0]


@dataclass(frozen=True, slots=True)
class Threshold:
    tier: Tier
    total: Fraction
    track_minimum: Fraction
    managed_minimum: Fraction
    invitation_only: bool
    from_partner: bool  # every value set in partner.toml


@dataclass(frozen=True, slots=True)
class Thresholds:
    rule_set: str
    track_minimum: str  # "sold" or "sourced": which sold points count toward the track minimum
    illustrative: bool
    levels: tuple[Threshold, ...]
    # Chosen by partner.toml's `rules` or --rules: every day, recalibration looks included, uses these.
    pinned: bool = False

    @property
    def track_label(self) -> str:
        return "Sourced" if self.track_minimum == "sourced" else "Sold"

    def get(self, tier: Tier) -> Threshold | None:
        for level in self.levels:
            if level.tier is tier:
                return level
        return None

    def explain(self) -> list[str]:
        lines = [
            f"Thresholds: rule set {self.rule_set}"
            + (" (ILLUSTRATIVE: HubSpot does not publish them; set your own)" if self.illustrative else ""),
            f"Track minimum counts {self.track_minimum} points",
        ]
        for level in self.levels:
            source = "partner.toml" if level.from_partner else f"rule set {self.rule_set}"
            lines.append(
                f"{level.tier}: total {_number(level.total)}, {self.track_label.lower()} minimum "
                f"{_number(level.track_minimum)}, managed minimum {_number(level.managed_minimum)}"
                + (" (by invitation)" if level.invitation_only else "")
                + f" [{source}]"
            )
        return lines


def _number(value: Fraction) -> str:
    """A threshold as set: whole numbers without decimals (160), others half-up to two (37.50)."""
    return f"{value.numerator:,}" if value.denominator == 1 else fmt2(value, grouped=True)


def effective_thresholds(partner: Partner, rules: RuleSet, *, pinned: bool = False) -> Thresholds:
    """The rule set's tier thresholds with the partner's own overrides applied. `pinned`: the rule set was
    chosen (partner.toml or --rules) rather than found by date."""
    levels = []
    for requirement in rules.tiers.levels:
        override = partner.thresholds.get(requirement.tier)
        total = requirement.total
        track = requirement.track_minimum
        managed = requirement.managed_minimum
        complete = False
        if override is not None:
            total = override.total if override.total is not None else total
            track = override.track_minimum if override.track_minimum is not None else track
            managed = override.managed_minimum if override.managed_minimum is not None else managed
            complete = None not in (override.total, override.track_minimum, override.managed_minimum)
        levels.append(
            Threshold(
                tier=requirement.tier,
                total=exact(total),
                track_minimum=exact(track),
                managed_minimum=exact(managed),
                invitation_only=requirement.invitation_only,
                from_partner=complete,
            )
        )
    every_level_overridden = bool(levels) and all(level.from_partner for level in levels)
    return Thresholds(
        rule_set=rules.id,
        track_minimum=rules.tiers.track_minimum,
        illustrative=rules.tiers.illustrative and not every_level_overridden,
        levels=tuple(levels),
        pinned=pinned,
    )
