"""The rows behind a figure (exports, the report dialog, saved reports): typed records, one per row, with the
figure's total as the last line; JSON is made last, from them."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Protocol

from engine.figures.breakdown import client_detail
from engine.figures.changes import point_changes
from engine.figures.commission import commission
from engine.figures.figure import Headline
from engine.figures.progress import program_progress, progress_over_time
from engine.figures.renewals import RenewalSort, upcoming_renewals
from engine.figures.selling import shared_selling
from engine.points.calculator import InputError
from engine.reports.figure_names import FIGURE_TITLES as FIGURE_TITLES
from engine.reports.figure_names import FIGURES as FIGURES
from engine.reports.figure_names import figure_title as figure_title
from engine.reports.inputs import KINDS, Agency, ReportInputs, inputs_for
from engine.reports.payloads import breakdown_rows, snapshot_record, statement_record, step_record
from engine.reports.saved import ReportQuery
from engine.tiers.outlook import Outlook

# --- the rows behind a figure (exports, the report dialog, saved reports) ----------------------------------


@dataclass(frozen=True)
class ReportRows:
    """The unsummarized rows behind one figure, as typed values (figures exact, days as dates, text as text),
    ready for a table or an export. When the rows add up to the figure, `total` is the figure and
    `total_column` the column that sums to it: tables and exports end with that total line."""

    kind: str
    figure: str
    columns: tuple[str, ...]
    rows: tuple[dict[str, Any], ...]
    total: Fraction | None = None
    total_column: str = ""

    def total_row(self) -> dict[str, Any] | None:
        """The line that reconciles the rows with the figure: "Total" in the first column, the figure under
        the column that adds up to it."""
        if self.total is None or not self.total_column or not self.columns:
            return None
        row: dict[str, Any] = dict.fromkeys(self.columns)
        row[self.columns[0]] = TOTAL_LABEL
        row[self.total_column] = self.total
        return row

    def cells(self) -> Iterator[list[Any]]:
        """Every row's cells in column order, then the total line (what an export writes)."""
        for row in self.rows:
            yield [row.get(column) for column in self.columns]
        total = self.total_row()
        if total is not None:
            yield [total[column] for column in self.columns]


TOTAL_LABEL = "Total"


class _Recorded(Protocol):
    def record(self) -> dict[str, object]: ...


def _records(rows: Sequence[_Recorded]) -> list[dict[str, Any]]:
    return [row.record() for row in rows]


def _typed_rows(kind: str, figure: str, inputs: ReportInputs) -> tuple[list[dict[str, Any]], Headline | None]:
    """The typed rows behind `figure`, and the headline they add up to (if they do)."""
    headline: Headline | None = None
    if kind == "summary":
        headline = getattr(program_progress(inputs.ledger, inputs.rules), figure)
    elif kind == "changes":
        headline = getattr(point_changes(inputs.ledger, inputs.range), figure)
    elif kind == "selling":
        headline = getattr(shared_selling(inputs.dataset, inputs.range), figure)
    if headline is not None:
        return _records(headline.rows()), headline
    if kind == "breakdown":
        table, indices = breakdown_rows(inputs)
        return _records(table.rows(indices)), None
    if kind == "renewals":
        renewals = upcoming_renewals(
            inputs.dataset, inputs.today, inputs.sort or RenewalSort.DAYS, inputs.descending, book=inputs.agency.book
        )
        return _records(renewals), None
    if kind == "commission":
        return _commission_records(figure, inputs), None
    if kind == "client":
        if not inputs.client:
            raise InputError("client", "report client needs --client ID")
        detail = client_detail(inputs.ledger, inputs.client)
        if figure == "sales":
            return _records(detail.sales), None
        if figure == "history":
            return _records(detail.history), None
        return [step_record(step) for step in detail.managed_history], None
    if kind == "progress":
        return _records(progress_over_time(inputs.ledger)), None
    if kind == "outlook":
        return _outlook_records(figure, inputs.agency.outlook), None
    return [snapshot_record(s) for s in inputs.overview.projection.snapshots], None


def _outlook_records(figure: str, found: Outlook) -> list[dict[str, Any]]:
    """The rows behind the outlook: each recalibration's renewals, or the sales whose points expire before it."""
    rows: list[dict[str, Any]] = []
    for recalibration in found.recalibrations:
        when = recalibration.projection.recalibration
        if figure == "renewals":
            rows += [
                {
                    "recalibration": when,
                    "client_id": effect.client.id,
                    "client": effect.client.name,
                    "renewal_date": effect.renewal_date,
                    "mrr_change": effect.mrr_change,
                    "currency": effect.client.currency,
                    "sold_points": effect.sold,
                    "sourced_points": effect.sourced,
                    "managed_points": effect.managed,
                }
                for effect in recalibration.renewals
            ]
            continue
        for month in recalibration.expiring:
            rows += [
                {
                    "recalibration": when,
                    "month": f"{month.month:%Y-%m}",
                    "client_id": item.client_id,
                    "client": item.client.name,
                    "sold_on": item.date,
                    "expires": item.expires,
                    "points": item.points,
                    "deal_type": item.deal_type.value,
                    "line": item.line,
                }
                for item in month.items
            ]
    return rows


def _commission_records(figure: str, inputs: ReportInputs) -> list[dict[str, Any]]:
    view = commission(inputs.dataset, inputs.rules.commission, inputs.today, rates=inputs.rules)
    if figure in ("projection", "next_quarter"):
        quarters = view.projection if figure == "projection" else view.projection[:1]
        return [{"period": q.period, "payable_on": q.payable_on, **line.record()} for q in quarters for line in q.lines]
    paid = view.past if figure != "upcoming" else ()
    upcoming = view.upcoming if figure != "paid" else ()
    return [statement_record(s, view.statement_usd(s)) for s in (*paid, *upcoming)]


def report_rows(kind: str, inputs: ReportInputs, figure: str | None = None) -> ReportRows:
    """The rows behind `figure` of report `kind` (default: the kind's first figure), built from the engine's
    typed results: a client id "1001.50" stays text, a figure stays an exact number."""
    if kind not in FIGURES:
        raise InputError("report", f"unknown report {kind!r} (use one of {', '.join(KINDS)})")
    figure = figure or FIGURES[kind][0]
    if figure not in FIGURES[kind]:
        raise InputError("figure", f"report {kind} has no figure {figure!r} (use one of {', '.join(FIGURES[kind])})")
    records, headline = _typed_rows(kind, figure, inputs)
    rows = [{key: value for key, value in row.items() if not isinstance(value, dict | list | tuple)} for row in records]
    columns: dict[str, None] = {}
    for row in rows:
        columns.update(dict.fromkeys(row))
    total_column = headline.adds_up if headline is not None and headline.adds_up in columns else ""
    return ReportRows(
        kind=kind,
        figure=figure,
        columns=tuple(columns),
        rows=tuple(rows),
        total=headline.value if total_column and headline is not None else None,
        total_column=total_column,
    )


def query_rows(agency: Agency, query: ReportQuery) -> ReportRows:
    """The rows behind `query`'s figure, on `agency`'s current data: what a saved report shows when opened."""
    return report_rows(query.kind, inputs_for(agency, query), query.figure or None)
