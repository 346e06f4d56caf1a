"""The partner program's vocabulary: tracks, deal types, tiers. Shared by rules, data and figures."""

from __future__ import annotations

from enum import StrEnum


class Track(StrEnum):
    SOLD = "sold"
    MANAGED = "managed"


class DealType(StrEnum):
    SOURCED = "sourced"
    ASSISTED = "assisted"

    @property
    def label(self) -> str:
        return "partner-sourced" if self is DealType.SOURCED else "partner-assisted"

    @classmethod
    def parse(cls, text: str) -> DealType:
        """Accept the current names and the program's former ones ("Partner Collab", "DIFM")."""
        key = " ".join(text.strip().lower().replace("_", " ").replace("-", " ").split())
        try:
            return _DEAL_TYPE_ALIASES[key]
        except KeyError:
            raise ValueError(f"unknown deal type {text!r} (use 'sourced' or 'assisted')") from None


_DEAL_TYPE_ALIASES = {
    "sourced": DealType.SOURCED,
    "partner sourced": DealType.SOURCED,
    "partner collab": DealType.SOURCED,
    "assisted": DealType.ASSISTED,
    "partner assisted": DealType.ASSISTED,
    "difm": DealType.ASSISTED,
}


class MarketType(StrEnum):
    GROWTH = "growth"
    STANDARD = "standard"


class Tier(StrEnum):
    """Solutions Partner tiers, low to high. `Partner` is untiered."""

    PARTNER = "Partner"
    GOLD = "Gold"
    PLATINUM = "Platinum"
    DIAMOND = "Diamond"
    ELITE = "Elite"

    @property
    def rank(self) -> int:
        return _TIER_ORDER.index(self)

    @classmethod
    def parse(cls, text: str) -> Tier:
        key = text.strip().lower()
        for tier in cls:
            if tier.value.lower() == key:
                return tier
        if key in ("untiered", "none", ""):
            return cls.PARTNER
        names = ", ".join(t.value for t in cls)
        raise ValueError(f"unknown tier {text!r} (use one of {names})")


_TIER_ORDER = list(Tier)


def tier_above(tier: Tier) -> Tier | None:
    """The next tier up; None above the top one."""
    return _TIER_ORDER[tier.rank + 1] if tier.rank + 1 < len(_TIER_ORDER) else None
