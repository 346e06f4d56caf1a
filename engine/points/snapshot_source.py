"""The `source` of an MRR event derived from client-list snapshots, and how such an event explains itself.

An import writes the source as `snapshot 2026-11-01 after 2026-10-01: MRR 500 -> 800` (the baseline:
`snapshot 2026-10-01 (baseline): MRR 500`), so the row in mrr_events.csv says where it came from, and its
explanation can say "MRR 500 -> 800 USD between the snapshots of 2026-10-01 and 2026-11-01: upsell of 300
USD, sourced, rule set 2025-07: 15.00 sold points".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from engine.points.calculator import round_points

if TYPE_CHECKING:
    from engine.points.ledger import SoldItem

PRODUCT_LINE = "all products"
_AMOUNT = r"-?\d+(?:\.\d+)?"
_SOURCE = re.compile(
    rf"snapshot (\d{{4}}-\d{{2}}-\d{{2}})(?: \(baseline\)| after (\d{{4}}-\d{{2}}-\d{{2}})): "
    rf"MRR ({_AMOUNT})(?: -> ({_AMOUNT}))?"
)


def _amount(value: Decimal) -> str:
    return f"{value:f}"


def source_text(day: date, previous: date | None, before: Decimal | None, after: Decimal) -> str:
    if previous is None:
        return f"snapshot {day} (baseline): MRR {_amount(after)}"
    return f"snapshot {day} after {previous}: MRR {_amount(before or Decimal(0))} -> {_amount(after)}"


@dataclass(frozen=True, slots=True)
class SnapshotSource:
    day: date
    previous: date | None
    before: Decimal | None
    after: Decimal


def parse_source(text: str) -> SnapshotSource | None:
    """The snapshot a source names, or None for a source written by hand in another form."""
    match = _SOURCE.fullmatch(text.strip())
    if match is None:
        return None
    try:
        day = date.fromisoformat(match[1])
        previous = date.fromisoformat(match[2]) if match[2] else None
    except ValueError:
        return None
    if previous is None:
        return SnapshotSource(day, None, None, Decimal(match[3]))
    if match[4] is None:
        return None
    return SnapshotSource(day, previous, Decimal(match[3]), Decimal(match[4]))


def describe_snapshot_sale(item: SoldItem) -> str | None:
    """The sold event's explanation in terms of the snapshots it was derived from (None: it was not)."""
    source = parse_source(item.event.source)
    if source is None:
        return None
    currency = item.pricing.currency
    if source.previous is None or source.before is None:
        between = f"MRR {source.after:,} {currency} in the baseline snapshot of {source.day}"
    else:
        between = (
            f"MRR {source.before:,} -> {source.after:,} {currency} between the snapshots of {source.previous} "
            f"and {source.day}"
        )
    kind = "churn" if source.after == 0 else str(item.kind)
    if item.points < 0:
        window = "deducts until" if item.active else "deducted until"
    else:
        window = "active until" if item.active else "expired on"
    return (
        f"{between}: {kind} of {abs(item.mrr_change):,} {currency}, {item.deal_type.value}, rule set "
        f"{item.pricing.rule_set}: {round_points(item.points)} sold points ({item.client.name} ({item.client_id}), "
        f"mrr_events.csv:{item.line}; {window} {item.expires})"
    )
