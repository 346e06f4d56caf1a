"""Monthly client-list exports of a synthetic agency, for a demo of `partner-dash import`.

Each file is the agency's client list as a HubSpot export would show it on the first of a month (headers as
HubSpot labels them, country names rather than codes, "Sold and managed"): import them in date order into an
empty folder and the MRR history builds up from the changes between them, as it would for a real agency.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path

from engine.atomic import replacing
from engine.data.models import Client, MrrEvent, Relationship
from engine.rules.countries import country_names
from engine.vocabulary import Track

HEADER = (
    "Record ID",
    "Company name",
    "Country/Region",
    "Currency",
    "Monthly recurring revenue",
    "Relationship",
    "Deal type",
    "Partners managing",
    "Products",
)
_RELATIONSHIP = {Relationship.SOLD: "Sold", Relationship.MANAGED: "Managed", Relationship.BOTH: "Sold and managed"}
_DEAL_TYPE = {"sourced": "Partner-sourced", "assisted": "Partner-assisted"}


def month_starts(today: date, months: int) -> list[date]:
    """The first day of each of the last `months` months up to `today`, oldest first."""
    days = []
    year, month = today.year, today.month
    for _ in range(months):
        days.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return days[::-1]


def mrr_on(client: Client, events: Sequence[MrrEvent], day: date) -> Decimal:
    """The client's MRR on `day` from its events: managed MRR if the agency manages it, else sold MRR."""
    track = Track.MANAGED if client.relationship.is_managed else Track.SOLD
    return sum((e.mrr_change for e in events if e.track is track and e.date <= day), Decimal(0))


def snapshot_rows(clients: Sequence[Client], events: Sequence[MrrEvent], day: date) -> list[list[str]]:
    by_client: dict[str, list[MrrEvent]] = {}
    for event in events:
        by_client.setdefault(event.client_id, []).append(event)
    names = country_names()
    rows = []
    for client in clients:
        mrr = mrr_on(client, by_client.get(client.id, []), day)
        if mrr <= 0:
            continue  # not a client yet, or no longer
        rows.append(
            [
                client.id,
                client.name,
                names.get(client.country, client.country),
                client.currency,
                f"{mrr:f}",
                _RELATIONSHIP[client.relationship],
                _DEAL_TYPE[client.deal_type.value],
                str(client.partners),
                ";".join(client.products),
            ]
        )
    return rows


def write_snapshot_series(
    clients: Sequence[Client], events: Sequence[MrrEvent], today: date, folder: Path, months: int = 12
) -> list[Path]:
    """`client-list-YYYY-MM-DD.csv` for the first of each of the last `months` months, each written atomically."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for day in month_starts(today, months):
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(snapshot_rows(clients, events, day))
        path = folder / f"client-list-{day.isoformat()}.csv"
        with replacing(path) as temp:
            temp.write_text(out.getvalue(), encoding="utf-8")
        written.append(path)
    return written
