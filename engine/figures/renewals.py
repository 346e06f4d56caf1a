"""Upcoming HubSpot renewals (F-DASH-6): MRR change, time to renewal, sortable."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from engine.data.models import Dataset
from engine.figures.figure import RENEWAL_DAYS
from engine.points.calculator import HUNDRED, InputError, Number, exact, fmt2, json_record
from engine.rules import RuleBook, RuleSet, shipped_rulebook

# --- renewals ------------------------------------------------------------------------------------------


class RenewalSort(StrEnum):
    """What renewals can be sorted by: each is a column of the renewals table and of the report's rows."""

    CLIENT = "client"
    DAYS = "days"
    MRR_CHANGE = "mrr_change"  # by the change in US$, so changes in different currencies compare by size
    PRODUCTS = "products"
    LAST_ACTIVE_EMPLOYEE = "last_active_employee"
    RENEWAL_MANAGER = "renewal_manager"


def signed_usd(value: Number) -> str:
    """A signed US$ amount, half-up to cents: "+US$22.62", "-US$5.00" (zero: "US$0.00")."""
    shown = fmt2(value, grouped=True, signed=True)
    return shown[0] + "US$" + shown[1:] if shown[0] in "+-" else "US$" + shown


@dataclass(frozen=True, slots=True)
class Renewal:
    client_id: str
    client: str
    products: tuple[str, ...]
    renewal_date: date
    days: int  # days to renewal
    mrr_change: Decimal  # projected MRR change at renewal, client currency
    currency: str
    last_active_employee: str
    renewal_manager: str
    crm_url: str
    # The rule set in force on the renewal date (as the ledger would price the change) and its program rate
    # for the client's currency; no rate (a currency that rule set does not price): no US$ value.
    rule_set: str = ""
    currency_per_100_usd: Decimal | None = None

    @property
    def mrr_change_usd(self) -> Fraction | None:
        """The MRR change in US$ at the program rate, as points are priced (engine.points.calculator)."""
        if self.currency_per_100_usd is None:
            return None
        return exact(self.mrr_change) * HUNDRED / exact(self.currency_per_100_usd)

    def describe(self) -> str:
        return (
            f"{self.client} ({self.client_id}): renews {self.renewal_date} (in {self.days} days), "
            f"MRR change {self.mrr_change:+,} {self.currency}; {', '.join(self.products) or 'no products listed'}"
        )

    def conversion(self) -> str:
        """How the MRR change reads in US$, and which rule set's program rate says so."""
        change = f"{fmt2(self.mrr_change, grouped=True, signed=True)} {self.currency}"
        usd = self.mrr_change_usd
        if usd is None or self.currency_per_100_usd is None:
            return (
                f"MRR change at renewal: {change}; rule set {self.rule_set} has no program rate for {self.currency}, "
                "so it has no US$ value and sorts last by MRR change"
            )
        return (
            f"MRR change at renewal: {change} = {signed_usd(usd)} at the program rate of rule set {self.rule_set}, "
            f"in force on {self.renewal_date} ({self.currency_per_100_usd:,} {self.currency} counts as US$100)"
        )

    def explain(self) -> list[str]:
        return [
            f"{self.client} ({self.client_id}): renews {self.renewal_date}, in {self.days} days",
            self.conversion(),
            "Sorting by MRR change compares these US$ values, so changes in different currencies are ordered "
            "by their size.",
            f"Products: {'; '.join(self.products) or 'none listed'}",
            f"Last active employee: {self.last_active_employee or 'unknown'}",
            f"Renewal manager: {self.renewal_manager or 'unknown'}",
        ]

    def record(self) -> dict[str, object]:
        return {
            "client_id": self.client_id,
            "client": self.client,
            "products": self.products,
            "renewal_date": self.renewal_date,
            "days": self.days,
            "mrr_change": self.mrr_change,
            "currency": self.currency,
            "mrr_change_usd": self.mrr_change_usd,
            "rule_set": self.rule_set,
            "last_active_employee": self.last_active_employee,
            "renewal_manager": self.renewal_manager,
            "crm_url": self.crm_url,
        }

    def as_json(self) -> dict[str, object]:
        return json_record(self.record())


def _renewal_sort_value(renewal: Renewal, sort: RenewalSort) -> Fraction | int | str | None:
    """What a renewal sorts by; None or "" (no US$ value, a blank text) sorts last either way."""
    if sort is RenewalSort.DAYS:
        return renewal.days
    if sort is RenewalSort.MRR_CHANGE:
        return renewal.mrr_change_usd
    if sort is RenewalSort.PRODUCTS:
        return "; ".join(renewal.products).casefold()
    text: str = getattr(renewal, sort.value)
    return text.casefold()


def _rules_on(book: RuleBook, day: date) -> RuleSet:
    # As the ledger prices an event: the rule set in force on the day, the earliest for days before them all.
    first = book.rule_sets[0]
    return first if day < first.applies_from else book.for_date(day)


def upcoming_renewals(
    dataset: Dataset,
    today: date,
    sort: RenewalSort | str = RenewalSort.DAYS,
    descending: bool = False,
    days: int = RENEWAL_DAYS,
    *,
    book: RuleBook | None = None,
) -> tuple[Renewal, ...]:
    """Clients renewing in [today, today + days], sorted by `sort` (any RenewalSort): MRR change by its US$
    value at the program rate of the rule set in force on the renewal date (from `book`, the agency's rules;
    None: the shipped ones), text ignoring case. Rows without a value (no US$ rate, a blank text) come last
    either way; equal values stay in order of days to renewal, then client id.
    """
    try:
        sort = RenewalSort(sort)
    except ValueError:
        choices = ", ".join(s.value for s in RenewalSort)
        raise InputError("sort", f"sort: renewals sort by one of {choices}") from None
    if book is None:
        book = shipped_rulebook()
    until = today + timedelta(days=days)
    rows: list[Renewal] = []
    for c in dataset.clients:
        if c.renewal_date is None or not today <= c.renewal_date <= until:
            continue
        rules = _rules_on(book, c.renewal_date)
        rows.append(
            Renewal(
                client_id=c.id,
                client=c.name,
                products=c.products,
                renewal_date=c.renewal_date,
                days=(c.renewal_date - today).days,
                mrr_change=c.renewal_mrr_change,
                currency=c.currency,
                last_active_employee=c.last_active_employee,
                renewal_manager=c.renewal_manager,
                crm_url=c.crm_url,
                rule_set=rules.id,
                currency_per_100_usd=rules.currency_per_100_usd.get(c.currency),
            )
        )
    rows.sort(key=lambda r: (r.days, r.client_id))
    keyed = [(_renewal_sort_value(r, sort), r) for r in rows]
    known = [(value, r) for value, r in keyed if value is not None and value != ""]
    # The sort is stable, reversed too, so equal values keep the order of days to renewal.
    known.sort(key=lambda pair: pair[0], reverse=descending)
    return (*(r for _, r in known), *(r for value, r in keyed if value is None or value == ""))
