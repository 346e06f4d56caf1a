"""What the Dashboard's first panels show, as text, from the engine's figures: each figure's id, label, value and
explanation, and the lines around them.

The panels (tui.widgets.dashboard_panels) show exactly this; `first_screen_of` puts it together for a whole first
screen (tui.first_screen.FirstScreen) without any widget: a helper process works it out while the app starts
(tui.first_screen_helper). Without Textual (a contract in pyproject): that process never imports it. The engine is
imported where each figure is computed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from engine.reports.figure_names import FIGURES, figure_title
from engine.vocabulary import Tier, tier_above

if TYPE_CHECKING:
    from engine.figures.figure import Headline
    from engine.figures.progress import ProgramProgress
    from engine.points.calculator import Number
    from engine.reports.inputs import Agency
    from tui.first_screen import FirstScreen

Explanation = Callable[[], list[str]]

# The figures of the Program progress panel the load computes (the tiers), in order; the last only below the top tier.
HEAD = ("credited-tier", "performance-tier", "total-points", "points-to-next")
# The Tier progression panel's rows under "Points needed": one per requirement of the tier chosen.
REQUIREMENTS = ("total", "track", "managed")


@dataclass(frozen=True)
class Shown:
    """One DashboardFigure as the Dashboard shows it."""

    id: str
    label: str
    value: str
    explain: Explanation


def points(value: Number) -> str:
    from engine.points.calculator import fmt2

    return fmt2(value, grouped=True)


def status_line(agency: Agency) -> str:
    """The Dashboard's status line after the agency's name."""
    thresholds = agency.thresholds
    rules = thresholds.rule_set + (", illustrative thresholds" if thresholds.illustrative else "")
    return f" · {agency.today} · rules {rules}"


def head_figures(agency: Agency) -> list[Shown]:
    """The Program progress panel's tier figures (HEAD), from what the load computed."""
    overview = agency.overview
    standing = overview.standing
    performance = str(standing.performance_tier) + (" · Elite eligible" if standing.elite_eligible else "")
    shown = [
        Shown("credited-tier", "Credited tier", str(overview.credited_tier), overview.explain),
        Shown("performance-tier", "Tier performance", performance, overview.explain),
        Shown("total-points", "Total points", points(standing.totals.total), overview.explain),
    ]
    following = overview.insights.next
    if following is not None:
        shown.append(
            Shown(
                "points-to-next",
                f"Points needed for {following.tier}",
                following.points_needed_shown(),
                lambda: [*following.points_needed_explain(), "", *overview.insights.explain()],
            )
        )
    return shown


def summary_id(figure: str) -> str:
    return f"summary-{figure.replace('_', '-')}"


def summary_figures(progress: ProgramProgress) -> list[Shown]:
    """The Program progress panel's 12-month program figures."""
    shown = []
    for figure in FIGURES["summary"]:
        headline: Headline = getattr(progress, figure)
        value = headline.shown
        if figure == "retention" and progress.average_monthly_retention is None:
            value = "no managed MRR"
        shown.append(Shown(summary_id(figure), figure_title("summary", figure), value, headline.explain))
    return shown


def range_figures(kind: str, headlines: Sequence[Headline]) -> list[Shown]:
    """A range panel's figures ("changes": point changes, "selling": shared selling), from the engine's headlines."""
    return [
        Shown(f"{kind}-{figure}", figure_title(kind, figure), headline.shown, headline.explain)
        for figure, headline in zip(FIGURES[kind], headlines, strict=True)
    ]


@dataclass(frozen=True)
class Choices:
    """The Tier progression panel's "Get to" choices for a credited tier: every tier above it, and keeping it."""

    targets: tuple[Tier, ...]  # every tier above the credited one
    choices: tuple[tuple[Tier, str], ...]  # (tier, label), "Keep" first
    first: Tier | None  # what the selector starts on; None: nothing to choose


def choices_for(credited: Tier) -> Choices:
    # A performance tier above the credited one is not credited until the recalibration, so it is still a tier to get
    # to (Gold for a Partner agency performing at Gold).
    targets: list[Tier] = []
    above = tier_above(credited)
    while above is not None:
        targets.append(above)
        above = tier_above(above)
    keep = [credited] if credited is not Tier.PARTNER else []
    choices = [(tier, f"Keep {tier}") for tier in keep] + [(tier, f"Get to {tier}") for tier in targets]
    first = targets[0] if targets else choices[0][0] if choices else None
    return Choices(tuple(targets), tuple(choices), first)


def no_target() -> list[Shown]:
    """The Tier progression panel's figures before a tier's are shown (and if there are none for it)."""
    return [Shown("get-to-needed", "Points needed", "", list)] + [
        Shown(f"get-to-{row}", row, "", list) for row in REQUIREMENTS
    ]


@dataclass(frozen=True)
class TargetShown:
    """The Tier progression panel for one tier: the points needed, one row per requirement, the note under them."""

    figures: tuple[Shown, ...]  # "get-to-needed", then one per REQUIREMENTS
    note: str


def target_figures(agency: Agency, tier: Tier) -> TargetShown | None:
    """What the Tier progression panel shows for `tier`; None if there is nothing to show for it."""
    from engine.reports.inputs import ReportInputs
    from engine.reports.payloads import get_to

    step = get_to(ReportInputs(agency, get_to=tier))
    if step is None:
        return None

    def explain() -> list[str]:
        return [
            *step.explain(),
            "",
            "The points the agency has today (active sold points and managed points):",
            agency.overview.composition(),
            "The Points Breakdown tab lists them by client.",
        ]

    keeping = tier is agency.overview.credited_tier
    figures = [
        Shown(
            "get-to-needed",
            f"Points needed to keep {tier}" if keeping else f"Points needed for {tier}",
            points(step.points_needed),
            lambda: [*step.points_needed_explain(), "", *explain()],
        )
    ]
    for row, requirement in zip(REQUIREMENTS, step.requirements, strict=True):
        missing = "met" if requirement.met else f"missing {points(requirement.missing)}"
        value = f"{points(requirement.have)} of {points(requirement.required)} · {missing}"
        figures.append(Shown(f"get-to-{row}", requirement.name, value, explain))
    notes = []
    if step.invitation_only:
        notes.append(f"{step.tier} is by invitation only.")
    if not step.certified:
        notes.append("Every tier needs a valid Solutions Partner Certification.")
    if step.illustrative:
        notes.append("Thresholds are illustrative defaults.")
    return TargetShown(tuple(figures), " ".join(notes))


def first_screen_of(agency: Agency) -> FirstScreen:
    """The Dashboard's first screen for `agency` as a start shows it (the first three panels, DashboardTab's
    FIRST_SCREEN; the Get to tier and the date range as they start), worked out without widgets."""
    from engine.figures.changes import point_changes
    from engine.figures.progress import program_progress
    from engine.figures.ranges import RangePreset, date_range
    from tui.first_screen import FigureShown, FirstScreen

    overview = agency.overview
    figures = [*head_figures(agency), *summary_figures(program_progress(agency.ledger, agency.rules))]
    first = choices_for(overview.credited_tier).first
    target = target_figures(agency, first) if first is not None else None
    if first is not None:
        figures += target.figures if target is not None else no_target()
    texts = {"get-to-note": target.note if target is not None else ""}
    dates = date_range(RangePreset.LAST_30_DAYS, agency.today)
    figures += range_figures("changes", point_changes(agency.ledger, dates).headlines)
    if overview.certification_warning:
        texts["certification-warning"] = overview.certification_warning
    return FirstScreen(
        partner=agency.dataset.partner.name,
        source=str(agency.dataset.source),
        status=status_line(agency),
        today=agency.today.isoformat(),
        credited=str(overview.credited_tier),
        target=None if first is None else str(first),
        figures={shown.id: FigureShown(shown.label, shown.value) for shown in figures},
        texts=texts,
    )
