"""The figures every kind of report has rows for, and their names as the Dashboard shows them (re-exported by
engine.reports.rows). Light on purpose: the app's first screen names its figures before the engine is imported
(tui.first_screen)."""

from __future__ import annotations

# Which figures each kind has rows for; the first is the default.
FIGURES: dict[str, tuple[str, ...]] = {
    "summary": ("sourced_dollars", "sourced_mrr", "retention"),
    "changes": ("new_sold", "lost_sold", "new_managed", "lost_managed"),
    "selling": ("created", "sourced_in_flight", "closed_won"),
    "breakdown": ("clients",),
    "renewals": ("renewals",),
    # statements: paid and upcoming; projection: all four quarters; next_quarter: the Dashboard's "Projected"
    "commission": ("statements", "paid", "upcoming", "projection", "next_quarter"),
    "client": ("sales", "history", "managed_history"),
    "progress": ("months",),
    "tier": ("snapshots",),
    "outlook": ("expiring", "renewals"),
}

# What a person calls each figure (the Dashboard's labels), for titles, descriptions and file names.
FIGURE_TITLES: dict[tuple[str, str], str] = {
    ("summary", "sourced_dollars"): "12-month sourced dollars",
    ("summary", "sourced_mrr"): "Rolling 12-month sourced MRR",
    ("summary", "retention"): "12-month average C$R",
    ("changes", "new_sold"): "New sold points",
    ("changes", "lost_sold"): "Lost sold points",
    ("changes", "new_managed"): "New managed points",
    ("changes", "lost_managed"): "Lost managed points",
    ("selling", "created"): "HubSpot deals created",
    ("selling", "sourced_in_flight"): "Sourced in-flight deals",
    ("selling", "closed_won"): "Closed-won HubSpot deals",
    ("breakdown", "clients"): "Points breakdown",
    ("renewals", "renewals"): "Upcoming renewals",
    ("commission", "statements"): "Commission statements",
    ("commission", "paid"): "Paid commission",
    ("commission", "upcoming"): "Upcoming commission",
    ("commission", "next_quarter"): "Projected commission, next quarter",
    ("commission", "projection"): "Commission projection",
    ("client", "sales"): "Client sales",
    ("client", "history"): "Client points history",
    ("client", "managed_history"): "Client managed history",
    ("progress", "months"): "Points over time",
    ("tier", "snapshots"): "Tier snapshots",
    ("outlook", "expiring"): "Outlook: sold points expiring before each recalibration",
    ("outlook", "renewals"): "Outlook: renewals before each recalibration",
}


def figure_title(kind: str, figure: str = "") -> str:
    """The figure's name as the Dashboard shows it ("New sold points"); a list's rows are titled by its name."""
    figure = figure or (FIGURES[kind][0] if kind in FIGURES else "")
    if kind == "list":
        return figure
    return FIGURE_TITLES.get((kind, figure), f"{kind} {figure.replace('_', ' ')}".strip())
