"""Tier point changes in a date range (F-DASH-3): new and lost sold and managed points, row by row."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from engine.figures.figure import Headline
from engine.figures.ranges import DateRange
from engine.points.calculator import ZERO, fmt2, json_record
from engine.points.ledger import Ledger, SoldItem, exact_sum

# --- tier point changes in a date range ----------------------------------------------------------------


class ChangeKind(StrEnum):
    NEW_SALE = "new sale"
    UPSELL = "upsell"
    DOWNGRADE = "downgrade"
    EXPIRED = "expired"


@dataclass(frozen=True, slots=True)
class SoldChange:
    """A sold item that changed sold points in the range: dated in it, or expiring in it."""

    item: SoldItem
    kind: ChangeKind
    day: date  # the sale's date, or its expiry date
    points: Fraction  # what it adds to the figure it is listed under (new or lost): never negative

    def describe(self) -> str:
        what = f"on {self.day} (sold {self.item.date})" if self.kind is ChangeKind.EXPIRED else f"on {self.day}"
        left = ""
        if self.kind is ChangeKind.EXPIRED and self.points != self.item.points:
            left = f" (what claw-backs left of its {fmt2(self.item.points)})"
        return (
            f"{self.item.client.name} ({self.item.client_id}) {self.kind.value} {what}: {fmt2(self.points)} "
            f"points{left} [{self.item.describe()}]"
        )

    def record(self) -> dict[str, object]:
        return {
            "client_id": self.item.client_id,
            "client": self.item.client.name,
            "date": self.day,
            "kind": self.kind,
            "points": self.points,
            "sold_on": self.item.date,
            "rule_set": self.item.pricing.rule_set,
            "line": self.item.line,
        }

    def as_json(self) -> dict[str, object]:
        return json_record(self.record())


@dataclass(frozen=True, slots=True)
class ManagedChange:
    client_id: str
    client: str
    points_before: Fraction  # on the day before the range
    points_after: Fraction  # on the range's last day
    mrr_before: Decimal
    mrr_after: Decimal
    currency: str

    @property
    def change(self) -> Fraction:
        return self.points_after - self.points_before

    @property
    def size(self) -> Fraction:
        """What the row adds to its figure: the gain (new managed points) or the loss (lost ones)."""
        return abs(self.change)

    def describe(self) -> str:
        return (
            f"{self.client} ({self.client_id}): managed points {fmt2(self.points_before)} -> "
            f"{fmt2(self.points_after)} ({fmt2(self.change, signed=True)}); "
            f"managed MRR {self.mrr_before:,} -> {self.mrr_after:,} {self.currency}"
        )

    def record(self) -> dict[str, object]:
        return {
            "client_id": self.client_id,
            "client": self.client,
            "points_before": self.points_before,
            "points_after": self.points_after,
            "change": self.change,
            "points": self.size,
            "mrr_before": self.mrr_before,
            "mrr_after": self.mrr_after,
            "currency": self.currency,
        }

    def as_json(self) -> dict[str, object]:
        return json_record(self.record())


@dataclass(frozen=True, slots=True)
class PointChanges:
    dates: DateRange
    new_sold: Headline
    lost_sold: Headline
    new_managed: Headline
    lost_managed: Headline

    @property
    def headlines(self) -> tuple[Headline, Headline, Headline, Headline]:
        return (self.new_sold, self.lost_sold, self.new_managed, self.lost_managed)


_SALE_KIND = {"new sale": ChangeKind.NEW_SALE, "upsell": ChangeKind.UPSELL, "downgrade": ChangeKind.DOWNGRADE}


def point_changes(ledger: Ledger, dates: DateRange) -> PointChanges:
    """New and lost sold and managed points in (after, until] (FIGURES.md "Tier point changes").

    Lost sold points: the claw-backs dated in the range (SPEC D3: each reverses part of a still-counting sale)
    and, for each sale that expires in the range, what was left of its points (its claw-backs end with it).
    Every row is a loss of zero or more; new - lost is exactly the change in sold points over the range."""
    points = ledger.sold.points
    reverses = ledger.sold.reverses
    dated = ledger.sold_range(dates.after, dates.until)
    scaled = points.scaled  # over a positive denominator: the signs of the points
    new = [i for i in dated if scaled[i] > 0]
    clawed = [i for i in dated if scaled[i] < 0]
    left_at_expiry: dict[int, Fraction] = {}  # sale -> its points less its claw-backs, when it expires
    for i in ledger.expiring(dates.after, dates.until):
        if points[i]:
            sale = reverses[i] if reverses[i] >= 0 else i
            left_at_expiry[sale] = left_at_expiry.get(sale, ZERO) + points[i]
    expired = [i for i in sorted(left_at_expiry) if left_at_expiry[i] > 0]
    new_points = exact_sum(points[i] for i in new)
    lost_points = exact_sum([*(-points[i] for i in clawed), *(left_at_expiry[i] for i in expired)])

    def new_rows() -> list[SoldChange]:
        items = (ledger.sold_item(i) for i in new)
        return [SoldChange(item, _SALE_KIND[item.kind], item.date, item.points) for item in items]

    def lost_rows() -> list[SoldChange]:
        changes = [
            SoldChange(item, ChangeKind.DOWNGRADE, item.date, -item.points) for item in map(ledger.sold_item, clawed)
        ]
        changes += [
            SoldChange(ledger.sold_item(i), ChangeKind.EXPIRED, ledger.sold.expires[i], left_at_expiry[i])
            for i in expired
        ]
        return sorted(changes, key=lambda change: change.day)

    rules_before = ledger.rules_for(dates.after)
    rules_after = ledger.rules_for(dates.until)
    moved: set[int] | None = None
    if rules_before.id == rules_after.id:
        # Priced alike on both days, a client's managed points differ only if its managed MRR does: only the
        # clients with managed events dated in the range can have gained or lost any.
        m = ledger.managed
        moved = set(m.client[bisect_right(m.date, dates.after) : bisect_right(m.date, dates.until)])
    before = ledger.managed_points_by_client(dates.after, moved)
    after = ledger.managed_points_by_client(dates.until, moved)
    gained = [ci for ci in after if after[ci] > before[ci]]
    dropped = [ci for ci in after if after[ci] < before[ci]]

    def managed_rows(indices: list[int]) -> Callable[[], list[ManagedChange]]:
        def build() -> list[ManagedChange]:
            result = []
            for ci in indices:
                client = ledger.clients[ci]
                result.append(
                    ManagedChange(
                        client_id=client.id,
                        client=client.name,
                        points_before=before[ci],
                        points_after=after[ci],
                        mrr_before=ledger.managed_mrr(client.id, dates.after),
                        mrr_after=ledger.managed_mrr(client.id, dates.until),
                        currency=client.currency,
                    )
                )
            return sorted(result, key=lambda change: -change.size)

        return build

    managed_rule = (
        "Per client: managed points on the range's last day minus on the day before it, each at that day's "
        f"managed MRR under the rules in force that day ({rules_before.id} -> {rules_after.id})"
    )
    where = dates.describe()
    return PointChanges(
        dates=dates,
        new_sold=Headline(
            name="New sold points",
            value=new_points,
            unit="points",
            formula=(f"{where}: sold items with positive points dated in the range (new sales and upsells)",),
            count=len(new),
            rows=new_rows,
            adds_up="points",
        ),
        lost_sold=Headline(
            name="Lost sold points",
            value=lost_points,
            unit="points",
            formula=(
                f"{where}: claw-backs dated in the range (each decrease reverses sold MRR of its product line's "
                "sales still counting, most recent first, at each sale's own points) plus, for each sale whose "
                "12 months ended in the range, the points its claw-backs had left it",
            ),
            count=len(clawed) + len(expired),
            rows=lost_rows,
            adds_up="points",
        ),
        new_managed=Headline(
            name="New managed points",
            value=exact_sum(after[ci] for ci in gained) - exact_sum(before[ci] for ci in gained),
            unit="points",
            formula=(f"{where}: {managed_rule}; clients whose managed points went up",),
            count=len(gained),
            rows=managed_rows(gained),
            adds_up="points",
        ),
        lost_managed=Headline(
            name="Lost managed points",
            value=exact_sum(before[ci] for ci in dropped) - exact_sum(after[ci] for ci in dropped),
            unit="points",
            formula=(f"{where}: {managed_rule}; clients whose managed points went down",),
            count=len(dropped),
            rows=managed_rows(dropped),
            adds_up="points",
        ),
    )
