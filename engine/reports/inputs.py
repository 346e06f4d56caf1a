"""What a report is asked: the loaded agency (its data, rules and day, with what is computed once) and the
screen's inputs (date range, filters, sort), from the command line, a dialog or a saved ReportQuery."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from engine.data.models import Dataset
from engine.figures.breakdown import Breakdown
from engine.figures.ranges import DateRange, RangePreset, date_range
from engine.points.calculator import InputError
from engine.points.ledger import Ledger, PricedEvents, build_ledger
from engine.reports.saved import ReportQuery
from engine.rules import RuleBook, RuleSet
from engine.tiers.outlook import Outlook, outlook
from engine.tiers.overview import TierOverview, tier_overview
from engine.tiers.thresholds import Thresholds, effective_thresholds, today_rules
from engine.vocabulary import DealType, MarketType, Tier

KINDS = (
    "summary",
    "changes",
    "breakdown",
    "selling",
    "renewals",
    "commission",
    "client",
    "progress",
    "tier",
    "outlook",
)


@dataclass(frozen=True)
class Agency:
    """One agency's data under one rule book on one day; the ledger and tier figures are computed once.

    The app keeps one of these while the data is loaded and asks it every question; a filter or a date
    range is a `ReportInputs` around it, so changing one never recomputes the ledger.
    """

    dataset: Dataset
    book: RuleBook
    today: date
    rule_set: RuleSet | None = None  # --rules ID: thresholds from this rule set
    # The dataset's events already priced under `book` (the dataset cache keeps them: engine.storage.dataset_cache),
    # for the ledger to be built without pricing them again.
    priced: PricedEvents | None = field(default=None, compare=False, repr=False)

    @cached_property
    def ledger(self) -> Ledger:
        return build_ledger(self.dataset, self.book, self.today, priced=self.priced)

    @cached_property
    def rules(self) -> RuleSet:
        if self.rule_set is not None:
            return self.rule_set
        return today_rules(self.dataset.partner, self.book, self.today)

    @cached_property
    def thresholds(self) -> Thresholds:
        pinned = self.rule_set is not None or bool(self.dataset.partner.rules)
        return effective_thresholds(self.dataset.partner, self.rules, pinned=pinned)

    @cached_property
    def overview(self) -> TierOverview:
        return tier_overview(self.ledger, self.thresholds)

    @cached_property
    def breakdown(self) -> Breakdown:
        return Breakdown(self.ledger)

    @cached_property
    def outlook(self) -> Outlook:
        """The next two recalibrations projected (engine.tiers.outlook): the renewing clients' events priced again
        (engine.tiers.renewed), so computed only when asked."""
        return outlook(self.ledger, self.book, self.thresholds, self.rule_set.id if self.rule_set else None)


@dataclass(frozen=True)
class ReportInputs:
    """A report's question: the agency, and the screen's date range and filters."""

    agency: Agency
    dates: DateRange | None = None
    deal_type: DealType | None = None
    market_type: MarketType | None = None
    search: str = ""
    sort: str | None = None
    descending: bool = False
    client: str | None = None
    get_to: Tier | None = None

    @property
    def dataset(self) -> Dataset:
        return self.agency.dataset

    @property
    def today(self) -> date:
        return self.agency.today

    @property
    def ledger(self) -> Ledger:
        return self.agency.ledger

    @property
    def rules(self) -> RuleSet:
        return self.agency.rules

    @property
    def thresholds(self) -> Thresholds:
        return self.agency.thresholds

    @property
    def overview(self) -> TierOverview:
        return self.agency.overview

    @property
    def range(self) -> DateRange:
        return self.dates or date_range(RangePreset.LAST_30_DAYS, self.today)


def inputs_for(agency: Agency, query: ReportQuery) -> ReportInputs:
    """The report question a saved or dialog `query` asks of `agency` (a preset range resolved on its day)."""
    dates: DateRange | None = None
    if query.preset is not None:
        dates = date_range(query.preset, agency.today)
    elif query.start is not None and query.end is not None:
        dates = date_range(RangePreset.CUSTOM, agency.today, query.start, query.end)
    filters = query.filters
    try:
        deal_type = DealType.parse(filters["deal_type"]) if filters.get("deal_type") else None
        market_type = MarketType(filters["market_type"]) if filters.get("market_type") else None
        get_to = Tier.parse(filters["get_to"]) if filters.get("get_to") else None
    except ValueError as exc:
        raise InputError("filters", str(exc)) from None
    return ReportInputs(
        agency=agency,
        dates=dates,
        deal_type=deal_type,
        market_type=market_type,
        search=filters.get("search", ""),
        sort=filters.get("sort") or None,
        descending=filters.get("descending") == "yes",
        client=filters.get("client") or None,
        get_to=get_to,
    )
