"""The agency's data as frozen, slotted dataclasses: one per row of the data files (see DATA.md).

Field names are the column names of the files, so the same word is used in the file, the engine, the
screen and the README. Money is `Decimal` in the row's own currency; points are never stored.

These classes do not check their values: every value that reaches them from a file has been checked by its
column's parser in engine.data.cells (the one place where what a cell may hold is decided, e.g. an MRR is never
negative and a tool usage is a percentage), or, for partner.toml, by engine.data.partner_file. Code that builds
rows itself (the sample generator, the client-list import, tests) passes values of the declared types.
Slots, not a dict per row: at 100,000 clients the rows are most of the loaded agency's memory. Keyword-only
arguments: the fields keep the files' column order, optional columns among required ones. The rows of the
files pickle as tuples (the dataset cache), see engine.data.slotted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import cached_property

from engine.data.slotted import pickled_as_tuples
from engine.vocabulary import DealType, Tier, Track


class Relationship(StrEnum):
    SOLD = "sold"
    MANAGED = "managed"
    BOTH = "both"

    @property
    def is_managed(self) -> bool:
        return self is not Relationship.SOLD


class DealStage(StrEnum):
    OPEN = "open"
    CLOSED_WON = "closed won"
    CLOSED_LOST = "closed lost"


class CommissionStatus(StrEnum):
    PAID = "paid"
    SCHEDULED = "scheduled"


@dataclass(frozen=True, slots=True, kw_only=True)
class Contact:
    """A HubSpot contact of the agency (the Partner Development Manager and others)."""

    name: str
    role: str
    email: str
    helps_with: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class ThresholdOverride:
    """The agency's own tier threshold for one tier; unset values keep the rule set's."""

    # Points, never negative (partner_file._points).
    total: Decimal | None = None
    track_minimum: Decimal | None = None
    managed_minimum: Decimal | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Partner:
    """partner.toml: the agency itself."""

    name: str
    home_currency: str = "USD"
    # Rule set for tier thresholds and today's figures; None: the one in force on the day.
    rules: str | None = None
    credited_tier: Tier = Tier.PARTNER
    credited_since: date | None = None
    certified_until: date | None = None  # Solutions Partner Certification valid until; None: none held
    thresholds: dict[Tier, ThresholdOverride] = field(default_factory=dict)
    team: tuple[Contact, ...] = ()


@pickled_as_tuples
@dataclass(frozen=True, slots=True, kw_only=True)
class Client:
    """clients.csv: one row per client."""

    id: str
    name: str
    country: str  # ISO 3166-1 alpha-2
    currency: str  # ISO 4217
    relationship: Relationship
    deal_type: DealType
    partners: int = 1  # partners managing the client, this agency included (0 to MAX_PARTNERS)
    mrr: Decimal  # current monthly recurring revenue, client currency; never negative
    products: tuple[str, ...] = ()
    tool_usage: Decimal | None = None  # percent, 0 to 100
    renewal_date: date | None = None
    renewal_manager: str = ""
    last_active_employee: str = ""
    renewal_mrr_change: Decimal = Decimal(0)  # projected MRR change at renewal, client currency
    crm_url: str = ""

    @property
    def managed_share_divisor(self) -> int:
        """Managed points are split evenly over the partners managing the client."""
        return max(self.partners, 1)


# The event's `date` field shadows the type inside its class body, so the type goes by another name there.
Day = date


@pickled_as_tuples
@dataclass(frozen=True, slots=True, kw_only=True)
class MrrEvent:
    """mrr_events.csv: the points ledger's input. Points are derived from it, never stored."""

    date: Day
    client_id: str
    track: Track
    deal_type: DealType | None = None  # for sold events; managed events may leave it empty
    product_line: str = ""
    mrr_change: Decimal  # signed, client currency
    # When the product line was first sold, if before the earliest event in the file (decides the
    # legacy upsell rate for lines first sold before 2024-02-27).
    first_sold: Day | None = None
    source: str = ""  # where the event came from, e.g. the client-list snapshot an import derived it from
    line: int = 0  # line in mrr_events.csv, so every figure can name its rows


@pickled_as_tuples
@dataclass(frozen=True, slots=True, kw_only=True)
class Deal:
    """deals.csv: shared-selling deals with HubSpot."""

    id: str
    client_id: str
    name: str = ""
    created: date
    closed: date | None = None
    stage: DealStage
    partner_sourced: bool
    amount: Decimal  # monthly net revenue of the deal, `currency`; never negative
    currency: str


@pickled_as_tuples
@dataclass(frozen=True, slots=True, kw_only=True)
class CommissionStatement:
    """commissions.csv: one statement per period."""

    period: str  # e.g. 2026-Q1
    amount: Decimal
    currency: str
    status: CommissionStatus
    paid_on: date | None = None  # paid, or expected for scheduled statements


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True, kw_only=True)
class LoadProblem:
    """One thing wrong with the data folder, as `file:line: column: message`."""

    file: str
    line: int = 0  # 0: the file as a whole
    column: str = ""
    message: str
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        column = f" {self.column}:" if self.column else ""
        return f"{where}:{column} {self.message}"


@dataclass(frozen=True)
class Dataset:
    """Everything loaded from one data folder. Frozen: the UI and the figures only ever read it."""

    partner: Partner
    clients: tuple[Client, ...]
    events: tuple[MrrEvent, ...]
    deals: tuple[Deal, ...] = ()
    commissions: tuple[CommissionStatement, ...] = ()
    problems: tuple[LoadProblem, ...] = ()
    source: str = ""  # the folder it came from
    skipped: dict[str, int] = field(default_factory=dict)  # file -> rows skipped as invalid
    # Problems found, listed in `problems` or not (a folder with thousands lists the first of each kind);
    # None: those in `problems`.
    error_total: int | None = None
    warning_total: int | None = None

    @cached_property
    def clients_by_id(self) -> dict[str, Client]:
        return {client.id: client for client in self.clients}

    @cached_property
    def events_by_client(self) -> dict[str, tuple[MrrEvent, ...]]:
        grouped: dict[str, list[MrrEvent]] = {}
        for event in self.events:
            grouped.setdefault(event.client_id, []).append(event)
        return {client_id: tuple(events) for client_id, events in grouped.items()}

    @property
    def errors(self) -> tuple[LoadProblem, ...]:
        return tuple(p for p in self.problems if p.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[LoadProblem, ...]:
        return tuple(p for p in self.problems if p.severity is Severity.WARNING)

    @property
    def error_count(self) -> int:
        """Errors found, listed or not."""
        return self.error_total if self.error_total is not None else len(self.errors)

    @property
    def warning_count(self) -> int:
        """Warnings found, listed or not."""
        return self.warning_total if self.warning_total is not None else len(self.warnings)
