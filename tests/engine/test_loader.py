"""The data folder loader: what loads, and every kind of problem reported as `file:line: column: message`."""

from __future__ import annotations

from dataclasses import FrozenInstanceError, fields
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest

from engine.data.loader import DataFolderError, load_dataset, sample_data_dir
from engine.data.models import (
    Client,
    CommissionStatement,
    CommissionStatus,
    Contact,
    Dataset,
    Deal,
    DealStage,
    MrrEvent,
    Relationship,
    Severity,
    ThresholdOverride,
)
from engine.rules import load_rulebook
from engine.vocabulary import DealType, Tier, Track

PARTNER = """\
name = "Test Agency"
credited_tier = "Gold"
credited_since = 2025-07-15
certified_until = 2027-03-31

[thresholds.Platinum]
total = 500

[[team]]
name = "Rachel Adeyemi"
role = "Partner Development Manager"
email = "rachel@hubspot.example"
helps_with = "Tier progress"
"""
CLIENTS = """\
id,name,country,currency,relationship,deal_type,partners,mrr,products,tool_usage,renewal_date
C1,Alpha,US,USD,both,sourced,2,100,Marketing Hub Starter;Sales Hub Starter,55,2027-01-31
C2,Beta,IN,USD,sold,assisted,0,200,,,
"""
EVENTS = """\
date,client_id,track,deal_type,product_line,mrr_change,first_sold
2025-03-01,C2,sold,,Sales Hub,200,
2025-01-10,C1,sold,sourced,Marketing Hub,100,2023-05-01
2025-01-10,C1,managed,,Marketing Hub,100,
"""
DEALS = """\
id,client_id,name,created,closed,stage,partner_sourced,amount,currency
D1,C1,Alpha - Marketing Hub,2024-12-01,2025-01-10,closed won,yes,100,USD
D2,C2,Beta - Sales Hub,2026-10-01,,open,no,250,
"""
COMMISSIONS = """\
period,amount,currency,status,paid_on
2025-Q1,60.00,USD,paid,2025-05-15
2026-Q4,75.50,USD,scheduled,2027-02-14
"""
FILES = {
    "partner.toml": PARTNER,
    "clients.csv": CLIENTS,
    "mrr_events.csv": EVENTS,
    "deals.csv": DEALS,
    "commissions.csv": COMMISSIONS,
}


def make_folder(tmp_path: Path, **changes: str | bytes | None) -> Path:
    """The clean folder above with some files replaced (None: the file is absent). Keys: file stems."""
    folder = tmp_path / "agency"
    folder.mkdir(parents=True)
    for name, text in FILES.items():
        content = changes.get(name.split(".")[0], text)
        if content is None:
            continue
        (folder / name).write_bytes(content if isinstance(content, bytes) else content.encode())
    return folder


def report(dataset: Dataset) -> list[str]:
    return [f"{p.severity.value}: {p}" for p in dataset.problems]


def load(tmp_path: Path, **changes: str | bytes | None) -> Dataset:
    return load_dataset(make_folder(tmp_path, **changes))


# --- what loads ------------------------------------------------------------------------------------------


def test_a_clean_folder_loads_every_value(tmp_path: Path) -> None:
    data = load(tmp_path)
    assert data.problems == ()
    assert data.skipped == {}
    assert data.partner.name == "Test Agency"
    assert (data.partner.credited_tier, data.partner.credited_since) == (Tier.GOLD, date(2025, 7, 15))
    assert data.partner.certified_until == date(2027, 3, 31)
    assert data.partner.thresholds == {Tier.PLATINUM: ThresholdOverride(total=D(500))}
    assert data.partner.team == (
        Contact(
            name="Rachel Adeyemi",
            role="Partner Development Manager",
            email="rachel@hubspot.example",
            helps_with="Tier progress",
        ),
    )
    assert data.clients == (
        Client(
            id="C1",
            name="Alpha",
            country="US",
            currency="USD",
            relationship=Relationship.BOTH,
            deal_type=DealType.SOURCED,
            partners=2,
            mrr=D(100),
            products=("Marketing Hub Starter", "Sales Hub Starter"),
            tool_usage=D(55),
            renewal_date=date(2027, 1, 31),
        ),
        Client(
            id="C2",
            name="Beta",
            country="IN",
            currency="USD",
            relationship=Relationship.SOLD,
            deal_type=DealType.ASSISTED,
            partners=0,
            mrr=D(200),
        ),
    )
    # Sorted by date (stably: same-day events keep their file order); a sold event without a deal type
    # takes its client's.
    assert data.events == (
        MrrEvent(
            date=date(2025, 1, 10),
            client_id="C1",
            track=Track.SOLD,
            deal_type=DealType.SOURCED,
            product_line="Marketing Hub",
            mrr_change=D(100),
            first_sold=date(2023, 5, 1),
            line=3,
        ),
        MrrEvent(
            date=date(2025, 1, 10),
            client_id="C1",
            track=Track.MANAGED,
            product_line="Marketing Hub",
            mrr_change=D(100),
            line=4,
        ),
        MrrEvent(
            date=date(2025, 3, 1),
            client_id="C2",
            track=Track.SOLD,
            deal_type=DealType.ASSISTED,
            product_line="Sales Hub",
            mrr_change=D(200),
            line=2,
        ),
    )
    assert data.deals == (
        Deal(
            id="D1",
            client_id="C1",
            name="Alpha - Marketing Hub",
            created=date(2024, 12, 1),
            closed=date(2025, 1, 10),
            stage=DealStage.CLOSED_WON,
            partner_sourced=True,
            amount=D(100),
            currency="USD",
        ),
        # No currency: the client's.
        Deal(
            id="D2",
            client_id="C2",
            name="Beta - Sales Hub",
            created=date(2026, 10, 1),
            stage=DealStage.OPEN,
            partner_sourced=False,
            amount=D(250),
            currency="USD",
        ),
    )
    assert data.commissions == (
        CommissionStatement(
            period="2025-Q1", amount=D("60.00"), currency="USD", status=CommissionStatus.PAID, paid_on=date(2025, 5, 15)
        ),
        CommissionStatement(
            period="2026-Q4",
            amount=D("75.50"),
            currency="USD",
            status=CommissionStatus.SCHEDULED,
            paid_on=date(2027, 2, 14),
        ),
    )


def test_loaded_rows_are_frozen_slotted_rows_equal_to_ones_built_by_hand(tmp_path: Path) -> None:
    # The loader builds rows from values it checked itself (engine.data.cells): the same rows as building them
    # from their fields, immutable, and without a dict of their own (at 100,000 clients that was 140 MB).
    data = load(tmp_path)
    for row in (*data.clients, *data.events, *data.deals, *data.commissions):
        again = type(row)(**{f.name: getattr(row, f.name) for f in fields(row)})
        assert row == again and hash(row) == hash(again) and repr(row) == repr(again)
        assert not hasattr(row, "__dict__")
        with pytest.raises(FrozenInstanceError):
            setattr(row, fields(row)[0].name, "x")


def test_rows_share_one_object_per_recurring_value(tmp_path: Path) -> None:
    # At 100,000 clients the rows are most of the app's memory: a value that recurs (a date, an amount, a
    # country, a product line, a deal's name, the client id of an event) is one object, held by every row.
    deals = DEALS + "D3,C2,Beta - Sales Hub,2026-10-01,,open,no,250,\n"
    data = load(tmp_path, deals=deals)
    clients = data.clients_by_id
    _, d2, d3 = data.deals
    assert d2.name == d3.name and d2.name is d3.name and d2.created is d3.created and d2.amount is d3.amount
    assert all(deal.client_id is clients[deal.client_id].id for deal in data.deals)
    assert all(event.client_id is clients[event.client_id].id for event in data.events)
    _, second, third = sorted(data.events, key=lambda event: event.line)
    assert second.date is third.date and second.product_line is third.product_line


def test_spreadsheet_exports_bom_header_variants_crlf_and_former_names(tmp_path: Path) -> None:
    clients = (
        "\ufeffClient ID, Name ,COUNTRY,Currency,Relationship,Deal Type,Partners,MRR,Products,Tool-Usage,"
        "Renewal Date\r\n"
        "C1,Alpha,us,usd,Both,Partner Collab,2,100,Marketing Hub Starter; Sales Hub Starter,55%,2027-01-31\r\n"
        "C2,Beta,India,USD,SOLD,DIFM,0,200,,,\r\n"
    )
    events = (
        "\ufeffDate,Client ID, track ,Deal_Type,Product Line,MRR Change,First Sold\r\n"
        "2025-03-01,C2,Sold,,Sales Hub,200,\r\n"
        "2025-01-10,C1,sold,Partner-Sourced,Marketing Hub,100,2023-05-01\r\n"
        "2025-01-10,C1,Managed,,Marketing Hub,100,\r\n"
    )
    deals = DEALS.replace("id,client_id,name", "Deal ID,Client ID,Name").replace("closed won,yes", "Closed-Won,TRUE")
    variant = load(tmp_path / "variant", clients=clients, mrr_events=events, deals=deals, partner="\ufeff" + PARTNER)
    clean = load(tmp_path / "clean")
    assert variant.problems == ()
    assert (variant.partner, variant.clients, variant.events, variant.deals) == (
        clean.partner,
        clean.clients,
        clean.events,
        clean.deals,
    )


def test_blank_lines_short_rows_and_quoted_cells_keep_line_numbers(tmp_path: Path) -> None:
    clients = (
        "id,name,country,currency,relationship,deal_type,partners,mrr,products,tool_usage,renewal_date\n"
        '\nC1,"Alpha, ""the first""\nsecond line",US,USD,both,sourced,2,"1,250.50"\n'
        ",,,,,,,,,,\n"
        "C2,Beta,IN,USD,sold,assisted,0,oops\n"
    )
    data = load(tmp_path, clients=clients, mrr_events=None, deals=None, commissions=None)
    assert [c.name for c in data.clients] == ['Alpha, "the first" second line']  # one line on screen
    assert data.clients[0].mrr == D("1250.50")
    assert "error: clients.csv:6: mrr: 'oops' is not a number" in report(data)


def test_the_bundled_sample_loads_clean() -> None:
    data = load_dataset(sample_data_dir())
    assert data.problems == ()
    assert data.partner.name == "Northwind Digital"
    assert len(data.clients) == 150


# --- problems: one test per kind, each with its exact message and line ------------------------------------
# Each case adds rows after the clean files' own (so clients.csv:4, mrr_events.csv:5, deals.csv:4 and
# commissions.csv:4 are the added rows) or replaces a file, and lists every problem the folder then has.

CASES: dict[str, tuple[dict[str, str | bytes | None], list[str]]] = {
    "bad date (not a calendar date)": (
        {"mrr_events": EVENTS + "2025-02-30,C1,sold,,Marketing Hub,100,\n"},
        ["error: mrr_events.csv:5: date: '2025-02-30' is not a date: day is out of range for month"],
    ),
    "bad date (format)": (
        {"deals": DEALS + "D3,C1,,01/12/2024,,open,yes,100,USD\n"},
        ["error: deals.csv:4: created: '01/12/2024' is not a date (use YYYY-MM-DD, e.g. 2026-03-31)"],
    ),
    "bad number": (
        {"clients": CLIENTS + "C3,Gamma,US,USD,sold,sourced,0,12;5\n"},
        ["error: clients.csv:4: mrr: '12;5' is not a number"],
    ),
    "decimal comma": (
        {"clients": CLIENTS + 'C3,Gamma,US,USD,sold,sourced,0,"12,5"\n'},
        ["error: clients.csv:4: mrr: '12,5' is not a number (use a point for decimals, e.g. 1250.50)"],
    ),
    "currency symbol": (
        {"deals": DEALS + "D3,C1,,2024-12-01,,open,yes,$100,USD\n"},
        ["error: deals.csv:4: amount: '$100' is not a number (write the amount alone: no currency symbol or code)"],
    ),
    "negative amount": (
        {"clients": CLIENTS + "C3,Gamma,US,USD,sold,sourced,0,-5\n"},
        ["error: clients.csv:4: mrr: must not be negative (got -5)"],
    ),
    "tool usage over 100 percent": (
        {"clients": CLIENTS + "C3,Gamma,US,USD,sold,sourced,0,5,,150%\n"},
        [
            "error: clients.csv:4: tool_usage: 150% is not a percentage from 0 to 100; left empty, the rest of the row "
            "is loaded"
        ],
    ),
    "negative tool usage": (
        {"clients": CLIENTS + "C3,Gamma,US,USD,sold,sourced,0,5,,-1\n"},
        [
            "error: clients.csv:4: tool_usage: -1 is not a percentage from 0 to 100; left empty, the rest of the row "
            "is loaded"
        ],
    ),
    "unknown currency": (
        {"clients": CLIENTS + "C3,Gamma,BR,BRL,sold,sourced,0,5\n"},
        [
            "error: clients.csv:4: currency: no program rate for currency 'BRL' in any rule set; add one in a rules "
            'file, e.g. [currency_per_100_usd] BRL = "…" (the local amount that counts as US$100), and pass it with '
            "--rules FILE"
        ],
    ),
    "unknown country": (
        {"clients": CLIENTS + "C3,Gamma,XX,USD,sold,sourced,0,5\n"},
        ["error: clients.csv:4: country: unknown country 'XX' (use an ISO 3166-1 alpha-2 code such as US, GB or IN)"],
    ),
    "unknown tier": (
        {"partner": 'name = "T"\ncredited_tier = "Golden"\n'},
        [
            "error: partner.toml:2: credited_tier: unknown tier 'Golden' (use one of Partner, Gold, Platinum, "
            "Diamond, Elite)"
        ],
    ),
    "unknown tier in thresholds": (
        {"partner": 'name = "T"\n\n[thresholds.Silver]\ntotal = 5\n'},
        [
            "error: partner.toml:3: thresholds.Silver: unknown tier 'Silver' (use one of Partner, Gold, Platinum, "
            "Diamond, Elite)"
        ],
    ),
    "negative threshold": (
        {"partner": 'name = "T"\n\n[thresholds.Gold]\ntotal = 100\nmanaged_minimum = -5\n'},
        ["error: partner.toml:5: thresholds.Gold.managed_minimum: -5 is not a non-negative number of points"],
    ),
    "duplicate client id": (
        {"clients": CLIENTS + "C1,Again,US,USD,sold,sourced,0,5\n"},
        ["error: clients.csv:4: id: duplicate id 'C1' (first on line 2); the row is skipped"],
    ),
    "duplicate deal id": (
        {"deals": DEALS + "D1,C1,,2024-12-02,,open,no,50,USD\n"},
        ["error: deals.csv:4: id: duplicate id 'D1' (first on line 2); the row is skipped"],
    ),
    "event for an unknown client": (
        {"mrr_events": EVENTS + "2025-01-10,C9,sold,,X,5,\n"},
        ["error: mrr_events.csv:5: client_id: unknown client 'C9': not in clients.csv; the row is skipped"],
    ),
    "event for a client whose row was skipped": (
        {
            "clients": CLIENTS + "C3,Gamma,US,USD,sold,sourced,0,x\n",
            "mrr_events": EVENTS + "2025-01-10,C3,sold,,X,5,\n",
        },
        [
            "error: clients.csv:4: mrr: 'x' is not a number",
            "error: mrr_events.csv:5: client_id: unknown client 'C3': its row in clients.csv, line 4, has errors; "
            "the row is skipped",
        ],
    ),
    "deal for an unknown client": (
        {"deals": DEALS + "D3,C7,,2024-12-01,,open,yes,100,USD\n"},
        ["error: deals.csv:4: client_id: unknown client 'C7': not in clients.csv; the row is skipped"],
    ),
    "negative partner count": (
        {"clients": CLIENTS + "C3,Gamma,US,USD,managed,sourced,-1,100\n"},
        ["error: clients.csv:4: partners: must not be negative (got -1); use 0 for a client nobody manages"],
    ),
    "partners not a whole number": (
        {"clients": CLIENTS + "C3,Gamma,US,USD,managed,sourced,1.5,100\n"},
        ["error: clients.csv:4: partners: '1.5' is not a whole number of partners"],
    ),
    "unknown relationship": (
        {"clients": CLIENTS + "C3,Gamma,US,USD,resold,sourced,0,5\n"},
        ["error: clients.csv:4: relationship: unknown relationship 'resold' (use sold, managed or both)"],
    ),
    "unknown deal type": (
        {"clients": CLIENTS + "C3,Gamma,US,USD,sold,referral,0,5\n"},
        ["error: clients.csv:4: deal_type: unknown deal type 'referral' (use 'sourced' or 'assisted')"],
    ),
    "unknown track": (
        {"mrr_events": EVENTS + "2025-01-11,C1,resold,,X,5,\n"},
        ["error: mrr_events.csv:5: track: unknown track 'resold' (use sold or managed)"],
    ),
    "unknown stage and a yes/no that is neither": (
        {"deals": DEALS + "D3,C1,,2024-12-01,,pending,maybe,100,USD\n"},
        [
            "error: deals.csv:4: stage: unknown stage 'pending' (use open, closed won or closed lost)",
            "error: deals.csv:4: partner_sourced: 'maybe' is not yes or no (use yes/no, true/false or 1/0)",
        ],
    ),
    "closed deal without its close date": (
        {"deals": DEALS + "D3,C1,,2024-12-01,,Closed Won,yes,100,USD\n"},
        ["error: deals.csv:4: closed: missing: a closed won deal needs its close date; the row is skipped"],
    ),
    "deal closed before it was created": (
        {"deals": DEALS + "D3,C1,,2024-12-01,2024-11-01,closed-lost,no,100,USD\n"},
        ["warning: deals.csv:4: closed: 2024-11-01 is before the deal was created (2024-12-01)"],
    ),
    "unknown commission status and period": (
        {"commissions": COMMISSIONS + "2025-Q5,60,USD,pending,\n"},
        [
            "error: commissions.csv:4: period: '2025-Q5' is not a quarter (use YYYY-Qn, e.g. 2026-Q1)",
            "error: commissions.csv:4: status: unknown status 'pending' (use paid or scheduled)",
        ],
    ),
    "a second statement for a quarter": (
        {"commissions": COMMISSIONS + "2025 q1,10,USD,paid,2025-05-20\n"},
        ["warning: commissions.csv:4: period: a second USD statement for 2025-Q1 (first on line 2)"],
    ),
    "bad email in team": (
        {"partner": 'name = "T"\n\n[[team]]\nname = "A"\nrole = "PDM"\nemail = "a-at-hubspot"\n'},
        ["error: partner.toml:6: team[1].email: 'a-at-hubspot' is not an email address"],
    ),
    "team contact without a role": (
        {"partner": 'name = "T"\n\n[[team]]\nname = "A"\nemail = "a@hubspot.example"\n'},
        [
            'error: partner.toml:3: team[1].role: missing: each [[team]] contact needs role = "…"; the contact '
            "is skipped"
        ],
    ),
    "agency without a name": (
        {"partner": 'credited_tier = "Gold"\n'},
        ['error: partner.toml: name: missing: the agency\'s name, e.g. name = "Northwind Digital"'],
    ),
    "agency name that is not text": (
        {"partner": "name = 5\n"},
        ['error: partner.toml:1: name: must be text in quotes, e.g. "5"'],
    ),
    "missing required value": (
        {"clients": CLIENTS + "C3,,US,USD,sold,sourced,0,5\n"},
        ["error: clients.csv:4: name: missing value: this column is required"],
    ),
    "missing column": (
        {"mrr_events": "date,client_id,track\n2025-01-10,C1,managed\n"},
        [
            "warning: clients.csv:2: relationship: relationship is 'both' but mrr_events.csv has no managed events "
            "for this client: it earns no managed points",
            "error: mrr_events.csv:1: mrr_change: missing column: every row needs it (see DATA.md)",
        ],
    ),
    "unknown and repeated columns": (
        {"commissions": "period,amount,Amount,status,paid_on,notes\n2025-Q1,60,70,paid,2025-05-15,hi\n"},
        [
            "warning: commissions.csv:1: amount: column appears twice; column 2 is used",
            "warning: commissions.csv:1: notes: unknown column ignored (known: period, amount, currency, status, "
            "paid_on)",
        ],
    ),
    "too many cells": (
        {"clients": CLIENTS + "C3,Smith, Co,US,USD,sold,sourced,0,5,Sales Hub,50,2027-01-01\n"},
        ["error: clients.csv:4: the row has 12 cells but the header has 11; quote any cell with a comma"],
    ),
    "not UTF-8": (
        {"clients": (CLIENTS + "C3,Caf\xe9,FR,EUR,sold,sourced,0,5\n").encode("latin-1")},
        [
            "error: clients.csv:4: not UTF-8 text (byte 0xe9); the row is skipped. Save the file as 'CSV UTF-8' in "
            "your spreadsheet"
        ],
    ),
    "an optional file is missing": (
        {"deals": None},
        ["warning: deals.csv: not found: nothing loaded from it (the file is optional)"],
    ),
    "an optional file is empty": (
        {"commissions": ""},
        ["warning: commissions.csv: the file is empty: it needs a header row naming its columns"],
    ),
    "unknown key in partner.toml": (
        {"partner": PARTNER.replace('credited_tier = "Gold"', 'credited_tier = "Gold"\ncolour = "blue"')},
        [
            "warning: partner.toml:3: colour: unknown key ignored (known: name, home_currency, rules, credited_tier, "
            "credited_since, certified_until, thresholds, team)"
        ],
    ),
    "sold event before the earliest rule set": (
        {"mrr_events": EVENTS + "2021-10-01,C1,sold,,Marketing Hub,100,\n"},
        [
            "warning: mrr_events.csv:5: date: 2021-10-01 is before the earliest rule set (2022-07, from "
            "2022-07-18): a sold event that old earns no points; the row is skipped"
        ],
    ),
    "first_sold after the event": (
        {"mrr_events": EVENTS.replace("2023-05-01", "2025-02-01")},
        [
            "warning: mrr_events.csv:3: first_sold: 2025-02-01 is after this event (2025-01-10); the event's date "
            "is taken as the first sale"
        ],
    ),
    "managed client whose mrr differs from its managed MRR": (
        {"clients": CLIENTS.replace("both,sourced,2,100", "both,sourced,2,120")},
        [
            "warning: clients.csv:2: mrr: 120 differs from the client's managed MRR in mrr_events.csv (100, the "
            "sum of its managed events); the figures use the events"
        ],
    ),
    "sold-only client with managed events": (
        {"mrr_events": EVENTS + "2025-04-01,C2,managed,,Sales Hub,200,\n"},
        [
            "warning: clients.csv:3: relationship: relationship is 'sold' but mrr_events.csv has managed events for "
            "this client (first on line 5)"
        ],
    ),
    "managed client without managed events, with 0 partners": (
        {"clients": CLIENTS.replace("C2,Beta,IN,USD,sold,assisted,0", "C2,Beta,IN,USD,managed,assisted,0")},
        [
            "warning: clients.csv:3: partners: a managed client has at least 1 partner (you); counted as 1",
            "warning: clients.csv:3: relationship: relationship is 'managed' but mrr_events.csv has no managed "
            "events for this client: it earns no managed points",
        ],
    ),
    "managed MRR below zero": (
        {"mrr_events": EVENTS + "2025-06-01,C1,managed,,Marketing Hub,-150,\n2025-07-01,C1,managed,,X,150,\n"},
        ["warning: mrr_events.csv:5: mrr_change: the managed MRR of client 'C1' falls below zero (-50)"],
    ),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_each_kind_of_problem_is_reported_with_its_line_and_message(tmp_path: Path, case: str) -> None:
    changes, expected = CASES[case]
    data = load(tmp_path, **changes)
    assert report(data) == expected


def test_invalid_rows_are_skipped_and_counted_valid_ones_load(tmp_path: Path) -> None:
    clients = (
        CLIENTS
        + "C3,Gamma,US,USD,sold,sourced,0,-1\nC4,Delta,XX,USD,sold,sourced,0,5\nC5,Eps,GB,GBP,sold,sourced,0,9\n"
    )
    events = EVENTS + "2025-02-30,C1,sold,,X,1,\n2025-04-01,C3,sold,,X,1,\n"
    data = load(tmp_path, clients=clients, mrr_events=events)
    assert [c.id for c in data.clients] == ["C1", "C2", "C5"]
    assert len(data.events) == 3
    assert data.skipped == {"clients.csv": 2, "mrr_events.csv": 2}
    assert [(p.file, p.line, p.severity) for p in data.problems] == [
        ("clients.csv", 4, Severity.ERROR),
        ("clients.csv", 5, Severity.ERROR),
        ("mrr_events.csv", 5, Severity.ERROR),
        ("mrr_events.csv", 6, Severity.ERROR),
    ]


def test_a_currency_priced_only_by_a_user_rule_set_from_its_date(tmp_path: Path) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text('[rule_set."2025-07".currency_per_100_usd]\nBRL = "500"\n')
    clients = CLIENTS + "C3,Gamma,BR,BRL,sold,sourced,0,500\n"
    events = EVENTS + "2025-03-01,C3,sold,,Sales Hub,200,\n2025-08-01,C3,sold,,Sales Hub,300,\n"
    data = load_dataset(make_folder(tmp_path, clients=clients, mrr_events=events), load_rulebook(rules))
    assert report(data) == [
        "error: mrr_events.csv:5: date: rule set 2024-02, in force on 2025-03-01, has no program rate for the "
        "client's currency BRL; add one in a rules file; the row is skipped"
    ]
    assert [e.mrr_change for e in data.events if e.client_id == "C3"] == [D(300)]


# --- folders that cannot be loaded at all ----------------------------------------------------------------


def reasons(error: pytest.ExceptionInfo[DataFolderError]) -> list[str]:
    return [str(p) for p in error.value.reasons]


def test_a_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(DataFolderError) as error:
        load_dataset(tmp_path / "nowhere")
    assert reasons(error) == [f"{tmp_path / 'nowhere'}: not found: give the agency's data folder"]
    assert str(error.value) == (
        f"cannot load the data folder {tmp_path / 'nowhere'}: {tmp_path / 'nowhere'}: not found: give the agency's "
        "data folder"
    )


def test_a_missing_partner_toml_still_reports_the_csv_problems(tmp_path: Path) -> None:
    with pytest.raises(DataFolderError) as error:
        load(tmp_path, partner=None, deals=DEALS + "D3,C1,,2024-12-01,,open,yes,-3,USD\n")
    assert reasons(error) == ["partner.toml: not found: the folder needs a partner.toml (see DATA.md)"]
    assert [str(p) for p in error.value.problems] == [
        "partner.toml: not found: the folder needs a partner.toml (see DATA.md)",
        "deals.csv:4: amount: must not be negative (got -3)",
    ]


def test_a_missing_clients_csv(tmp_path: Path) -> None:
    with pytest.raises(DataFolderError) as error:
        load(tmp_path, clients=None)
    # Events and deals cannot be matched to clients: they are not each reported as for an unknown client.
    assert [str(p) for p in error.value.problems] == [
        "clients.csv: not found: the folder needs this file (see DATA.md)"
    ]


def test_clients_csv_without_its_key_columns(tmp_path: Path) -> None:
    with pytest.raises(DataFolderError) as error:
        load(tmp_path, clients="name,country\nAlpha,US\n")
    assert reasons(error) == [
        f"clients.csv:1: {column}: missing column: every row needs it (see DATA.md)"
        for column in ("id", "currency", "relationship", "deal_type", "mrr")
    ]


def test_unparseable_toml_names_its_line(tmp_path: Path) -> None:
    with pytest.raises(DataFolderError) as error:
        load(tmp_path, partner='name = "T"\ncredited_tier = Gold\n')
    assert reasons(error) == ["partner.toml:2: not valid TOML: Invalid value"]


def test_an_empty_clients_csv(tmp_path: Path) -> None:
    with pytest.raises(DataFolderError) as error:
        load(tmp_path, clients="\n\n")
    assert reasons(error) == ["clients.csv: the file is empty: it needs a header row naming its columns"]
