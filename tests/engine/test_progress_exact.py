"""Program progress against its definition, event by event: the 12-month sourced figures add each sourced sold
event's US$ value, and each month's C$R reads every managed client's MRR at the month's start and end."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from factories import agencies, dataset, ledger
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.data.models import Client, MrrEvent
from engine.dates import add_months, month_end, month_start
from engine.figures.progress import SourcedRow, program_progress
from engine.vocabulary import DealType, Track


@settings(max_examples=80, deadline=None)
@given(agencies(), st.integers(0, 1600))
def test_program_progress_follows_its_definition(agency: tuple[list[Client], list[MrrEvent]], offset: int) -> None:
    today = date(2023, 1, 1) + timedelta(days=offset)
    book = ledger(dataset(*agency), today)
    rules_today = book.rules_today
    progress = program_progress(book, rules_today)
    clients = {c.id: c for c in book.clients}
    events = sorted(book.dataset.events, key=lambda e: e.date)  # the ledger's order: stable by date

    # Sourced: each sold event of the 12 months, partner-sourced by its own deal type or its client's.
    after = add_months(today, -12)
    usd: list[Fraction] = []
    for e in events:
        client = clients.get(e.client_id)
        if e.track is not Track.SOLD or client is None or not after < e.date <= today:
            continue
        if (e.deal_type or client.deal_type) is DealType.SOURCED:
            rate = book.rules_for(e.date).currency_rate(client.currency)
            usd.append(Fraction(e.mrr_change) * 100 / Fraction(rate))
    assert progress.sourced_mrr.value == sum(usd, Fraction(0))
    assert progress.sourced_mrr.count == len(usd)
    assert progress.sourced_dollars.value == 12 * sum((u for u in usd if u > 0), Fraction(0))
    assert progress.sourced_dollars.count == len([u for u in usd if u > 0])
    rows = progress.sourced_mrr.rows()
    assert [row.usd for row in rows if isinstance(row, SourcedRow)] == usd and len(rows) == len(usd)

    # C$R: per calendar month, the managed MRR at its start and the clients that fell to 0 or below in it.
    def in_usd(client: Client, amount: Decimal) -> Fraction:
        return Fraction(amount) * 100 / Fraction(rules_today.currency_rate(client.currency))

    managed = [e for e in events if e.track is Track.MANAGED and e.client_id in clients]
    for month, offset_back in zip(progress.retention_months, range(11, -1, -1), strict=True):
        first = add_months(month_start(today), -offset_back)
        end = min(month_end(first), today)
        start: dict[str, Decimal] = {}
        for e in managed:
            if e.date < first:
                start[e.client_id] = start.get(e.client_id, Decimal(0)) + e.mrr_change
        churned: list[str] = []
        running = dict(start)
        for e in managed:
            if first <= e.date <= end:
                running[e.client_id] = running.get(e.client_id, Decimal(0)) + e.mrr_change
                was = start.get(e.client_id, Decimal(0))
                if was > 0 and running[e.client_id] <= 0 and e.client_id not in churned:
                    churned.append(e.client_id)
        assert month.month == first
        assert month.start_mrr == sum((in_usd(clients[c], max(m, Decimal(0))) for c, m in start.items()), Fraction(0))
        assert month.churned == tuple(churned)
        assert month.churned_mrr == sum((in_usd(clients[c], start[c]) for c in churned), Fraction(0))
