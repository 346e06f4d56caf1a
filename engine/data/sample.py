"""A synthetic agency of any size (10 to 100,000 clients), deterministic for (clients, seed, today).

Realistic in shape rather than in any one number: clients in standard and growth markets paying in the
program's currencies, sold and managed relationships (some clients managed with other partners), 30 months
of MRR events (new sales, cross-sells, upsells, among them upsells on product lines first sold before
2024-02-27, downgrades and churn), shared-selling deals, 8 quarters of commission statements, renewals over
the next 12 months and a HubSpot team (engine.data.sample_agency draws them).

Two ways out, writing the same bytes: `generate` returns the agency as models (tests, benchmarks) and
`GeneratedAgency.write_agency` writes it in the DATA.md format; `write_sample` writes a large agency as it is
generated, holding only each MRR event and deal as one line of CSV text until its file can be put in order.
"""

from __future__ import annotations

import csv
import json
import random
import shlex
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields, replace
from datetime import date
from decimal import Decimal
from operator import itemgetter
from pathlib import Path
from typing import Any, TextIO

from engine.atomic import replacing
from engine.data.models import Client, CommissionStatement, Deal, DealStage, MrrEvent, Partner
from engine.data.sample_agency import (
    AGENCY_NAME,
    COUNTRIES,
    EDITIONS,
    EMPLOYEES,
    MARKER,
    MARKUP_NAME,
    MAX_CLIENTS,
    MIN_CLIENTS,
    PRODUCT_LINES,
    RENEWAL_MANAGERS,
    Builder,
    ClientRow,
    DealRow,
    EventRow,
)

__all__ = [
    "AGENCY_NAME",
    "MARKUP_NAME",
    "MAX_CLIENTS",
    "MIN_CLIENTS",
    "SAMPLE_FILES",
    "GeneratedAgency",
    "SampleCounts",
    "generate",
    "write_sample",
]

SAMPLE_FILES = ("partner.toml", "clients.csv", "mrr_events.csv", "deals.csv", "commissions.csv")
CLIENT_COLUMNS = tuple(f.name for f in fields(Client))
EVENT_COLUMNS = tuple(f.name for f in fields(MrrEvent) if f.name != "line")
DEAL_COLUMNS = tuple(f.name for f in fields(Deal))
COMMISSION_COLUMNS = tuple(f.name for f in fields(CommissionStatement))
# The columns _Rows.client, _Rows.event and _Rows.deal write, in this order.
assert CLIENT_COLUMNS == (
    "id", "name", "country", "currency", "relationship", "deal_type", "partners", "mrr", "products", "tool_usage",
    "renewal_date", "renewal_manager", "last_active_employee", "renewal_mrr_change", "crm_url",
)  # fmt: skip
assert EVENT_COLUMNS == (
    "date", "client_id", "track", "deal_type", "product_line", "mrr_change", "first_sold", "source"
)  # fmt: skip
assert DEAL_COLUMNS == (
    "id", "client_id", "name", "created", "closed", "stage", "partner_sourced", "amount", "currency"
)  # fmt: skip


@dataclass(frozen=True)
class GeneratedAgency:
    partner: Partner
    clients: tuple[Client, ...]
    events: tuple[MrrEvent, ...]
    deals: tuple[Deal, ...]
    commissions: tuple[CommissionStatement, ...]
    command: str  # the command that reproduces it

    def write_agency(self, folder: Path) -> list[Path]:
        """Write the agency's files into `folder` (created if needed), each atomically; the paths written."""
        folder.mkdir(parents=True, exist_ok=True)
        written = [_write_text(folder / "partner.toml", _partner_toml(self.partner, self.command))]
        for name, header, rows in (
            ("clients.csv", CLIENT_COLUMNS, map(_client_row, self.clients)),
            ("mrr_events.csv", EVENT_COLUMNS, map(_event_row, self.events)),
            ("deals.csv", DEAL_COLUMNS, map(_deal_row, self.deals)),
            ("commissions.csv", COMMISSION_COLUMNS, map(_commission_row, self.commissions)),
        ):
            written.append(_write_csv(folder / name, header, rows))
        return written


def _check(clients: int) -> None:
    if not MIN_CLIENTS <= clients <= MAX_CLIENTS:
        raise ValueError(f"clients must be from {MIN_CLIENTS} to {MAX_CLIENTS:,} (got {clients:,})")


def _command(clients: int, seed: int, today: date, name: str) -> str:
    command = f"partner-dash sample --clients {clients} --seed {seed} --today {today}"
    if name != AGENCY_NAME:
        command += f" --name {shlex.quote(name)}"
    return command


class _Models:
    """A sink that keeps every row as its model."""

    def __init__(self) -> None:
        self.clients: list[Client] = []
        self.events: list[MrrEvent] = []
        self.deals: list[tuple[date, Deal]] = []

    def client(self, row: ClientRow) -> None:
        values: dict[str, Any] = dict(zip(CLIENT_COLUMNS, row, strict=True))
        tool_usage = row[9]
        values.update(mrr=Decimal(row[7]), tool_usage=None if tool_usage is None else Decimal(tool_usage),
                      renewal_mrr_change=Decimal(row[13]))  # fmt: skip
        self.clients.append(Client(**values))

    def event(self, row: EventRow) -> None:
        values: dict[str, Any] = dict(zip(EVENT_COLUMNS, row, strict=False))  # no source: it is empty
        values["mrr_change"] = Decimal(row[5])
        self.events.append(MrrEvent(**values))

    def deal(self, row: DealRow) -> None:
        values: dict[str, Any] = dict(zip(DEAL_COLUMNS[1:], row, strict=True))
        values["amount"] = Decimal(row[6])
        self.deals.append((row[2], Deal(id="", **values)))


def generate(clients: int, seed: int, today: date, name: str = AGENCY_NAME) -> GeneratedAgency:
    """A synthetic agency called `name`, of `clients` clients as of `today`; the same arguments give the same
    agency."""
    _check(clients)
    models = _Models()
    builder = Builder(random.Random(seed), today, models)
    for index in range(clients):
        builder.add_client(index, clients)
    events = sorted(models.events, key=lambda e: e.date)
    events = [replace(e, line=number) for number, e in enumerate(events, start=2)]
    width = _deal_id_width(len(models.deals))
    deals = [
        replace(d, id=f"D{number:0{width}d}")
        for number, (_, d) in enumerate(sorted(models.deals, key=lambda item: item[0]), start=1)
    ]
    won = [
        (d.closed, builder.won_usd(int(d.amount), d.currency))
        for d in deals
        if d.closed and d.stage is DealStage.CLOSED_WON
    ]
    partner = replace(builder.partner(clients), name=name)
    return GeneratedAgency(
        partner=partner,
        clients=tuple(models.clients),
        events=tuple(events),
        deals=tuple(deals),
        commissions=tuple(builder.commissions(won)),
        command=_command(clients, seed, today, name),
    )


def _deal_id_width(count: int) -> int:
    return max(5, len(str(count)))


# --- writing as it is generated --------------------------------------------------------------------------


@dataclass(frozen=True)
class SampleCounts:
    """What `write_sample` wrote: the files, and the rows in each."""

    paths: list[Path]
    contacts: int
    clients: int
    events: int
    deals: int
    commissions: int


# Written as they are, with no quoting: every value a row of the sample holds but the names of clients and deals.
assert not set(',"\r\n').intersection(
    "".join(
        (*PRODUCT_LINES, *(e[0] for e in EDITIONS), *RENEWAL_MANAGERS, *EMPLOYEES, *(c[0] + c[1] for c in COUNTRIES))
    )
)


class _Cells(dict[object, str]):
    """Each value's cell as csv.writer writes it in a row of several: text (and StrEnum members) quoted where
    needed, dates in ISO format, None empty; worked out once for each value."""

    def __missing__(self, value: object) -> str:
        if isinstance(value, str):
            lines: list[str] = []
            csv.writer(_Lines(lines), lineterminator="\n").writerow((value, ""))
            text = lines[0][:-2]  # without the empty cell and the line's end
        else:
            text = "" if value is None else str(value)
        self[value] = text
        return text


class _Lines:
    """A csv.writer's file that keeps the lines written in a list."""

    def __init__(self, lines: list[str]) -> None:
        self.write = lines.append


class _Rows:
    """A sink that writes each client to clients.csv at once, and keeps each MRR event and deal as its line of
    CSV text (events by date, without the date; deals with their creation date and, if won, what the commission
    counts). The lines are those csv.writer writes (`_write_csv`): names, dates and choices are its cells
    (`_Cells`), every other value needs no quoting."""

    def __init__(self, clients_file: TextIO) -> None:
        csv.writer(clients_file, lineterminator="\n").writerow(CLIENT_COLUMNS)
        self.write_client = clients_file.write
        self.clients = 0
        self.cells = _Cells()
        self.events: dict[date, list[str]] = {}
        self.event_count = 0
        self.deals: list[tuple[date, str]] = []  # (created, the row's line after its id)
        self.won: list[tuple[date, date, int, str]] = []  # (created, closed, amount, currency)

    def client(self, row: ClientRow) -> None:
        (id_, name, country, currency, relationship, deal_type, partners, mrr, products, tool_usage, renewal_date,
         renewal_manager, last_active_employee, renewal_mrr_change, crm_url) = row  # fmt: skip
        cells = self.cells
        self.write_client(
            f"{id_},{cells[name]},{country},{currency},{cells[relationship]},{cells[deal_type]},{partners},{mrr},"
            f"{';'.join(products)},{cells[tool_usage]},{cells[renewal_date]},"
            f"{renewal_manager},{last_active_employee},{renewal_mrr_change},{crm_url}\n"
        )
        self.clients += 1

    def event(self, row: EventRow) -> None:
        # The hot path of a large sample: the line after its date (EVENT_COLUMNS), as _write_csv writes it.
        day, client_id, track, deal_type, product_line, mrr_change, first_sold = row
        cells = self.cells
        line = f"{client_id},{cells[track]},{cells[deal_type]},{product_line},{mrr_change},{cells[first_sold]},\n"
        found = self.events.get(day)
        if found is None:
            self.events[day] = [line]
        else:
            found.append(line)
        self.event_count += 1

    def deal(self, row: DealRow) -> None:
        client_id, name, created, closed, stage, partner_sourced, amount, currency = row
        cells = self.cells
        line = (
            f"{client_id},{cells[name]},{cells[created]},{cells[closed]},{cells[stage]},"
            f"{'yes' if partner_sourced else 'no'},{amount},{currency}\n"
        )
        self.deals.append((created, line))
        if closed and stage is DealStage.CLOSED_WON:
            self.won.append((created, closed, amount, currency))


def write_sample(
    folder: Path,
    clients: int,
    seed: int,
    today: date,
    name: str = AGENCY_NAME,
    drawn: Callable[[], object] | None = None,
) -> SampleCounts:
    """Write the agency `generate(clients, seed, today, name)` would give into `folder`, byte for byte as its
    `write_agency` does, without holding it as models: clients.csv is written as the clients are drawn; each
    event and deal is kept as its line of CSV text until the draw is over, then written in date order (`drawn`
    is called then: the rest is writing)."""
    _check(clients)
    folder.mkdir(parents=True, exist_ok=True)
    with replacing(folder / "clients.csv") as temp, temp.open("w", encoding="utf-8", newline="") as file:
        rows = _Rows(file)
        builder = Builder(random.Random(seed), today, rows)
        for index in range(clients):
            builder.add_client(index, clients)
    if drawn is not None:
        drawn()
    rows.deals.sort(key=itemgetter(0))  # by creation date, in the order drawn on each day
    rows.won.sort(key=itemgetter(0))
    width = _deal_id_width(len(rows.deals))
    deal_lines = (f"D{number:0{width}d},{line}" for number, (_, line) in enumerate(rows.deals, start=1))
    # Each day's lines with the date in front of each: they all end with a line break.
    event_lines = (f"{day}," + f"{day},".join(rows.events[day]) for day in sorted(rows.events))
    commissions = builder.commissions([(closed, builder.won_usd(amount, cur)) for _, closed, amount, cur in rows.won])
    partner = replace(builder.partner(clients), name=name)
    written = [
        _write_text(folder / "partner.toml", _partner_toml(partner, _command(clients, seed, today, name))),
        folder / "clients.csv",
        _write_lines(folder / "mrr_events.csv", EVENT_COLUMNS, event_lines),
        _write_lines(folder / "deals.csv", DEAL_COLUMNS, deal_lines),
        _write_csv(folder / "commissions.csv", COMMISSION_COLUMNS, map(_commission_row, commissions)),
    ]
    return SampleCounts(written, len(partner.team), rows.clients, rows.event_count, len(rows.deals), len(commissions))


# --- writing ---------------------------------------------------------------------------------------------


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, tuple):
        return ";".join(map(str, value))
    return str(value)


def _row(model: object, columns: Sequence[str]) -> list[str]:
    return [_cell(getattr(model, name)) for name in columns]


def _client_row(client: Client) -> list[str]:
    return _row(client, CLIENT_COLUMNS)


def _event_row(event: MrrEvent) -> list[str]:
    return _row(event, EVENT_COLUMNS)


def _deal_row(deal: Deal) -> list[str]:
    return _row(deal, DEAL_COLUMNS)


def _commission_row(statement: CommissionStatement) -> list[str]:
    return _row(statement, COMMISSION_COLUMNS)


def _atomic(path: Path, write: Callable[[TextIO], object]) -> Path:
    with replacing(path) as temp, temp.open("w", encoding="utf-8", newline="") as file:
        write(file)
    return path


def _write_text(path: Path, text: str) -> Path:
    return _atomic(path, lambda file: file.write(text))


def _write_csv(path: Path, header: Sequence[str], rows: Iterable[list[str]]) -> Path:
    def write(file: TextIO) -> None:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)

    return _atomic(path, write)


def _write_lines(path: Path, header: Sequence[str], lines: Iterable[str]) -> Path:
    """A CSV file of rows already made lines of CSV text (by a csv.writer with the same dialect)."""

    def write(file: TextIO) -> None:
        csv.writer(file, lineterminator="\n").writerow(header)
        file.writelines(lines)

    return _atomic(path, write)


def _toml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _partner_toml(partner: Partner, command: str) -> str:
    lines = [
        f"{MARKER}: {command}",
        "# The agency itself; see DATA.md for every key.",
        f"name = {_toml_string(partner.name)}",
        f"home_currency = {_toml_string(partner.home_currency)}",
        f"credited_tier = {_toml_string(partner.credited_tier.value)}",
    ]
    if partner.credited_since:
        lines.append(f"credited_since = {partner.credited_since}")
    if partner.certified_until:
        lines.append(f"certified_until = {partner.certified_until}  # Solutions Partner Certification")
    for contact in partner.team:
        lines += [
            "",
            "[[team]]",
            f"name = {_toml_string(contact.name)}",
            f"role = {_toml_string(contact.role)}",
            f"email = {_toml_string(contact.email)}",
            f"helps_with = {_toml_string(contact.helps_with)}",
        ]
    return "\n".join(lines) + "\n"
