"""Saved and dialog queries (engine.storage.store.ReportQuery) re-run on an agency's current data."""

from datetime import date

import pytest

from engine.data.loader import load_dataset, sample_data_dir
from engine.figures.ranges import RangePreset, date_range
from engine.points.calculator import InputError
from engine.reports.inputs import Agency, ReportInputs, inputs_for
from engine.reports.rows import query_rows, report_rows
from engine.reports.saved import QueryError, ReportQuery
from engine.rules import shipped_rulebook

TODAY = date(2026, 11, 26)


@pytest.fixture(scope="module")
def agency() -> Agency:
    book = shipped_rulebook()
    return Agency(dataset=load_dataset(sample_data_dir(), book), book=book, today=TODAY)


def test_a_preset_query_gives_the_same_rows_as_the_report(agency: Agency) -> None:
    query = ReportQuery(kind="changes", figure="lost_sold", preset="last-90-days")
    direct = report_rows(
        "changes", ReportInputs(agency, dates=date_range(RangePreset.LAST_90_DAYS, TODAY)), "lost_sold"
    )
    assert query_rows(agency, query) == direct


def test_a_fixed_range_and_filters(agency: Agency) -> None:
    query = ReportQuery(
        kind="breakdown",
        filters={"market_type": "growth", "deal_type": "assisted", "sort": "name", "descending": "yes"},
    )
    rows = query_rows(agency, query).rows
    assert rows and all(r["market_type"] == "growth" and r["deal_type"] == "assisted" for r in rows)
    names = [str(r["name"]) for r in rows]
    assert names == sorted(names, key=str.casefold, reverse=True) or names == sorted(names, reverse=True)
    fixed = inputs_for(agency, ReportQuery(kind="selling", start=date(2026, 1, 1), end=date(2026, 3, 31)))
    assert (fixed.range.first_day, fixed.range.until) == (date(2026, 1, 1), date(2026, 3, 31))


def test_a_query_that_no_longer_fits_is_a_clear_error(agency: Agency) -> None:
    with pytest.raises(QueryError, match="preset"):
        ReportQuery.from_json('{"kind": "changes", "preset": "last-decade"}')
    with pytest.raises(InputError, match="emerging"):
        query_rows(agency, ReportQuery(kind="breakdown", filters={"market_type": "emerging"}))


def test_every_figure_has_a_name_a_person_would_use() -> None:
    from engine.reports.rows import FIGURE_TITLES, FIGURES, figure_title

    assert {(kind, figure) for kind, figures in FIGURES.items() for figure in figures} == set(FIGURE_TITLES)
    assert figure_title("changes", "new_sold") == "New sold points"
    assert figure_title("changes") == "New sold points"  # a kind's first figure is its default
    assert figure_title("list", "Q4 wins [bold]") == "Q4 wins [bold]"
