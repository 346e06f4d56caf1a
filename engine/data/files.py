"""The data files of a folder, one loader method each: what each column holds and how rows are checked across
files (unknown clients, duplicate ids, the managed MRR clients.csv states against the events)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from functools import partial
from operator import attrgetter
from pathlib import Path
from typing import Any

from engine.data.cells import (
    Memo,
    choice_parser,
    currency_parser,
    from_value_error,
    parse_amount,
    parse_country,
    parse_date,
    parse_decimal,
    parse_partners,
    parse_percent,
    parse_products,
    parse_quarter,
    parse_text,
    parse_yes_no,
)
from engine.data.datafile import NotText, Report, Table, read_table
from engine.data.models import (
    Client,
    CommissionStatement,
    CommissionStatus,
    Deal,
    DealStage,
    LoadProblem,
    MrrEvent,
    Relationship,
)
from engine.data.partner_file import PARTNER_FILE
from engine.data.rows import Column, cells, tuple_builder
from engine.limits import reason
from engine.rules import RuleBook, RuleSet
from engine.vocabulary import DealType, Track

CLIENTS_FILE = "clients.csv"
EVENTS_FILE = "mrr_events.csv"
DEALS_FILE = "deals.csv"
COMMISSIONS_FILE = "commissions.csv"
FILES = (PARTNER_FILE, CLIENTS_FILE, EVENTS_FILE, DEALS_FILE, COMMISSIONS_FILE)


def _rules_on(rule_sets: Sequence[RuleSet], day: date) -> RuleSet | None:
    in_force = [rules for rules in rule_sets if rules.applies_from <= day]
    return in_force[-1] if in_force else None


class FileLoader:
    """One load: the per-load parser memos, the report, and the rows loaded so far."""

    def __init__(self, folder: Path, rulebook: RuleBook) -> None:
        self.folder = folder
        self.rulebook = rulebook
        self.report = Report()
        known = frozenset(code for rules in rulebook.rule_sets for code in rules.currency_per_100_usd)
        self.currencies = known
        self.currency = Memo(currency_parser(known))
        self.date = Memo(parse_date)
        self.number = Memo(parse_decimal)
        self.amount = Memo(parse_amount)
        self.text = Memo(parse_text)
        self.deal_type = Memo(from_value_error(DealType.parse))
        # Not a method of the loader: the memo would hold the loader and the loader the memo, a reference cycle that
        # kept everything the load read (a dict of every client, the memos) until a collection found it.
        self.rules_on = Memo(partial(_rules_on, rulebook.rule_sets))
        self.clients: dict[str, Client] = {}
        self.client_lines: dict[str, int] = {}
        self.bad_clients: dict[str, int] = {}  # id -> line of a clients.csv row that was skipped
        self.clients_read = False  # clients.csv was found and has its required columns

    def table(self, name: str, columns: Sequence[Column], *, required: bool) -> Table | None:
        path = self.folder / name
        known = [c.name for c in columns]
        try:
            table = read_table(path, name, known, self.report, _ALIASES.get(name))
        except FileNotFoundError:
            if required:
                self.report.stop(name, 0, "", "not found: the folder needs this file (see DATA.md)")
            else:
                self.report.warning(name, 0, "", "not found: nothing loaded from it (the file is optional)")
            return None
        except OSError as exc:
            (self.report.stop if required else self.report.error)(name, 0, "", f"cannot be read: {reason(exc)}")
            return None
        except NotText as exc:
            (self.report.stop if required else self.report.error)(name, exc.line, "", str(exc))
            return None
        if table is None:
            (self.report.stop if required else self.report.warning)(
                name, 0, "", "the file is empty: it needs a header row naming its columns"
            )
        return table

    def unknown_client(self, file: str, line: int, client_id: str) -> None:
        self.report.skip(file)
        if not self.clients_read:
            return  # every row would say so, and the load stops anyway
        bad_line = self.bad_clients.get(client_id)
        if bad_line is not None:
            why = f"its row in {CLIENTS_FILE}, line {bad_line}, has errors"
        else:
            why = f"not in {CLIENTS_FILE}"
        self.report.error(file, line, "client_id", f"unknown client {client_id!r}: {why}; the row is skipped")

    def duplicate(self, file: str, line: int, value: str, first: int) -> None:
        self.report.error(file, line, "id", f"duplicate id {value!r} (first on line {first}); the row is skipped")
        self.report.skip(file)

    # --- clients.csv ---------------------------------------------------------------------------------------

    def load_clients(self) -> None:
        columns = [
            Column("id", required=True),
            Column("name", required=True, shared=True),
            Column("country", parse_country, required=True),
            Column("currency", self.currency, required=True),
            Column("relationship", _RELATIONSHIP, required=True),
            Column("deal_type", self.deal_type, required=True),
            Column("partners", parse_partners, default=1),
            Column("mrr", self.amount, required=True),
            Column("products", parse_products, default=(), descriptive=True),
            Column("tool_usage", parse_percent, descriptive=True),
            Column("renewal_date", self.date, descriptive=True),
            Column("renewal_manager", self.text, default="", descriptive=True),
            Column("last_active_employee", self.text, default="", descriptive=True),
            Column("renewal_mrr_change", self.number, default=Decimal(0), descriptive=True),
            Column("crm_url", default="", descriptive=True),
        ]
        table = self.table(CLIENTS_FILE, columns, required=True)
        if table is None:
            return
        self.clients_read = all(c.name in table.columns for c in columns if c.required)
        build = tuple_builder(Client)  # the columns are Client's fields, in order
        failed: list[tuple[int, tuple[Any, ...]]] = []
        clients, client_lines = self.clients, self.client_lines
        for line, values in cells(table, columns, self.report, key_file=True, failed=failed):
            client_id: str = values[0]
            if client_id in client_lines:
                self.duplicate(CLIENTS_FILE, line, client_id, client_lines[client_id])
                continue
            if values[6] == 0 and values[4].is_managed:  # partners, relationship
                self.report.warning(
                    CLIENTS_FILE, line, "partners", "a managed client has at least 1 partner (you); counted as 1"
                )
            client_lines[client_id] = line
            clients[client_id] = build(values)
        for line, values in failed:
            if values[0]:
                self.bad_clients.setdefault(values[0], line)

    # --- mrr_events.csv ------------------------------------------------------------------------------------

    def load_events(self) -> list[MrrEvent]:
        columns = [
            Column("date", self.date, required=True),
            Column("client_id", required=True),
            Column("track", _TRACK, required=True),
            Column("deal_type", self.deal_type),
            Column("product_line", self.text, default=""),
            Column("mrr_change", self.number, required=True),
            Column("first_sold", self.date),
            Column("source", self.text, default=""),
        ]
        table = self.table(EVENTS_FILE, columns, required=False)
        if table is None:
            return []
        build = tuple_builder(MrrEvent)
        events: list[MrrEvent] = []
        append = events.append
        clients = self.clients
        rules_on = self.rules_on
        sold = Track.SOLD
        for line, (day, client_id, track, deal_type, product_line, change, first_sold, source) in cells(
            table, columns, self.report
        ):
            client = clients.get(client_id)
            if client is None:
                self.unknown_client(EVENTS_FILE, line, client_id)
                continue
            if track is sold:
                if deal_type is None:
                    deal_type = client.deal_type
                rules = rules_on[day]
                if rules is None or client.currency not in rules.currency_per_100_usd:
                    self.no_sold_rules(line, day, client, rules)
                    continue
            if first_sold is not None and first_sold > day:
                self.report.warning(
                    EVENTS_FILE,
                    line,
                    "first_sold",
                    f"{first_sold} is after this event ({day}); the event's date is taken as the first sale",
                )
            # The client's own id: one string shared by the client and its events.
            append(build((day, client.id, track, deal_type, product_line, change, first_sold, source, line)))
        events.sort(key=attrgetter("date"))
        return events

    def no_sold_rules(self, line: int, day: date, client: Client, rules: RuleSet | None) -> None:
        """A sold event earns points under the rule set in force on its date, which must price its currency."""
        if rules is None:
            first = self.rulebook.rule_sets[0]
            self.report.warning(
                EVENTS_FILE,
                line,
                "date",
                f"{day} is before the earliest rule set ({first.id}, from {first.applies_from}): a sold event "
                "that old earns no points; the row is skipped",
            )
        else:
            self.report.error(
                EVENTS_FILE,
                line,
                "date",
                f"rule set {rules.id}, in force on {day}, has no program rate for the client's currency "
                f"{client.currency}; add one in a rules file; the row is skipped",
            )
        self.report.skip(EVENTS_FILE)

    # --- deals.csv -----------------------------------------------------------------------------------------

    def load_deals(self) -> list[Deal]:
        columns = [
            Column("id", required=True),
            Column("client_id", required=True),
            Column("name", default="", shared=True),
            Column("created", self.date, required=True),
            Column("closed", self.date),
            Column("stage", _STAGE, required=True),
            Column("partner_sourced", parse_yes_no, required=True),
            Column("amount", self.amount, required=True),
            Column("currency", self.currency),
        ]
        table = self.table(DEALS_FILE, columns, required=False)
        if table is None:
            return []
        build = tuple_builder(Deal)
        deals: list[Deal] = []
        first_lines: dict[str, int] = {}
        clients = self.clients
        open_stage = DealStage.OPEN
        for line, (deal_id, client_id, name, created, closed, stage, sourced, amount, currency) in cells(
            table, columns, self.report
        ):
            if deal_id in first_lines:
                self.duplicate(DEALS_FILE, line, deal_id, first_lines[deal_id])
                continue
            client = clients.get(client_id)
            if client is None:
                self.unknown_client(DEALS_FILE, line, client_id)
                continue
            if currency is None:
                currency = client.currency
            if closed is None and stage is not open_stage:
                self.report.error(
                    DEALS_FILE, line, "closed", f"missing: a {stage} deal needs its close date; the row is skipped"
                )
                self.report.skip(DEALS_FILE)
                continue
            if closed is not None and closed < created:
                self.report.warning(DEALS_FILE, line, "closed", f"{closed} is before the deal was created ({created})")
            first_lines[deal_id] = line
            deals.append(build((deal_id, client.id, name, created, closed, stage, sourced, amount, currency)))
        return deals

    # --- commissions.csv -----------------------------------------------------------------------------------

    def load_commissions(self, home_currency: str) -> list[CommissionStatement]:
        columns = [
            Column("period", parse_quarter, required=True),
            Column("amount", self.number, required=True),
            Column("currency", self.currency, default=home_currency),
            Column("status", _STATUS, required=True),
            Column("paid_on", self.date),
        ]
        table = self.table(COMMISSIONS_FILE, columns, required=False)
        if table is None:
            return []
        build = tuple_builder(CommissionStatement)
        statements: list[CommissionStatement] = []
        first_lines: dict[tuple[str, str], int] = {}
        for line, values in cells(table, columns, self.report):
            period, _, currency, status, paid_on = values
            key = (period, currency)
            if key in first_lines:
                self.report.warning(
                    COMMISSIONS_FILE,
                    line,
                    "period",
                    f"a second {key[1]} statement for {key[0]} (first on line {first_lines[key]})",
                )
            first_lines.setdefault(key, line)
            if status is CommissionStatus.PAID and paid_on is None:
                self.report.warning(COMMISSIONS_FILE, line, "paid_on", "a paid statement without the date it was paid")
            statements.append(build(values))
        return statements

    # --- checks across files -------------------------------------------------------------------------------

    def check_managed(self, events: Sequence[MrrEvent]) -> None:
        """Warn where clients.csv and the managed events in mrr_events.csv tell different stories."""
        managed: dict[str, Decimal] = {}
        first_line: dict[str, int] = {}
        went_negative: set[str] = set()
        zero = Decimal(0)
        managed_track = Track.MANAGED
        for event in events:
            if event.track is not managed_track:
                continue
            client_id = event.client_id
            before = managed.get(client_id)
            if before is None:
                first_line[client_id] = event.line
                before = zero
            total = managed[client_id] = before + event.mrr_change
            if total < zero and client_id not in went_negative:
                went_negative.add(client_id)
                self.report.warning(
                    EVENTS_FILE,
                    event.line,
                    "mrr_change",
                    f"the managed MRR of client {client_id!r} falls below zero ({total})",
                )
        for client_id, client in self.clients.items():
            line = self.client_lines[client_id]
            if not client.relationship.is_managed:
                if client_id in managed:
                    self.report.warning(
                        CLIENTS_FILE,
                        line,
                        "relationship",
                        f"relationship is 'sold' but {EVENTS_FILE} has managed events for this client "
                        f"(first on line {first_line[client_id]})",
                    )
            elif client_id not in managed:
                self.report.warning(
                    CLIENTS_FILE,
                    line,
                    "relationship",
                    f"relationship is {client.relationship.value!r} but {EVENTS_FILE} has no managed events for "
                    "this client: it earns no managed points",
                )
            elif managed[client_id] != client.mrr:
                self.report.warning(
                    CLIENTS_FILE,
                    line,
                    "mrr",
                    f"{client.mrr} differs from the client's managed MRR in {EVENTS_FILE} ({managed[client_id]}, "
                    "the sum of its managed events); the figures use the events",
                )

    def problems(self) -> tuple[LoadProblem, ...]:
        """What is listed, by file and line; after each file's, a line per kind of problem not all listed."""
        order = {name: index for index, name in enumerate(FILES)}
        listed = [(order.get(p.file, len(order)), 0, p.line, p) for p in self.report.problems]
        unlisted = [(order.get(p.file, len(order)), 1, 0, p) for p in self.report.unlisted()]
        return tuple(entry[3] for entry in sorted(listed + unlisted, key=lambda entry: entry[:3]))


# The id column under the name other files give it ("Client ID" in clients.csv is its `id`).
_ALIASES = {CLIENTS_FILE: {"client_id": "id"}, DEALS_FILE: {"deal_id": "id"}}
_RELATIONSHIP = choice_parser("relationship", {r.value: r for r in Relationship}, "sold, managed or both")
_TRACK = choice_parser("track", {t.value: t for t in Track}, "sold or managed")
_STAGE = choice_parser(
    "stage",
    {
        "open": DealStage.OPEN,
        "closed won": DealStage.CLOSED_WON,
        "closedwon": DealStage.CLOSED_WON,
        "won": DealStage.CLOSED_WON,
        "closed lost": DealStage.CLOSED_LOST,
        "closedlost": DealStage.CLOSED_LOST,
        "lost": DealStage.CLOSED_LOST,
    },
    "open, closed won or closed lost",
)
_STATUS = choice_parser("status", {s.value: s for s in CommissionStatus}, "paid or scheduled")
