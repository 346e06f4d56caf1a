"""The points ledger: every MRR event priced once under the rules in force on its date.

`build_ledger` walks the events a single time and keeps one list per field (`SoldColumns`,
`ManagedColumns`) rather than an object per event: a large agency has hundreds of thousands of events.
`SoldItem`s are built only when a figure asks for them. Because a sale expires 12 months after its date, the
items active on a day are one contiguous run of the date order, so totals on any day are a difference of
two exact running sums, and every figure after the build is a lookup or a short scan.

Sold points count from the event date for 12 months: active on day t iff date <= t < expires, where
expires = the same day-of-month a year later (Feb 29 -> Feb 28). Managed points on day t are the
client's managed MRR on t (sum of its managed events dated <= t) priced under the rules in force on t.

A decrease of sold MRR (downgrade, churn) is a claw-back (SPEC 2.6 D3): it reverses the sold MRR of its
product line's sales still counting on its day, most recent sale first, each reversed part taking back that
sale's own points for the reversed MRR and ending when that sale expires. So a claw-back item's expiry is its
sale's, not 12 months after its own date: totals on a day are the points dated on or before it minus the
points expired by it, two exact running sums (one in date order, one in expiry order).

Points are exact rationals (`Fraction`); running sums are whole numbers over one common denominator.
"""

from engine.points.ledger.build import PricedEvents, build_ledger, price_events
from engine.points.ledger.columns import EXACT, ScaledPoints, SoldColumns, common_denominator, exact_sum, managed_factor
from engine.points.ledger.core import Ledger
from engine.points.ledger.items import ManagedStep, PointTotals, Pricing, SaleKind, SoldItem

__all__ = [
    "EXACT",
    "Ledger",
    "ManagedStep",
    "PointTotals",
    "PricedEvents",
    "Pricing",
    "SaleKind",
    "ScaledPoints",
    "SoldColumns",
    "SoldItem",
    "build_ledger",
    "common_denominator",
    "exact_sum",
    "managed_factor",
    "price_events",
]
