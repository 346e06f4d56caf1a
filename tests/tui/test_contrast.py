"""Every text on the main screens reaches WCAG AA contrast (4.5:1) against what it is drawn on, in every theme.

The app runs headless; in each theme it offers, the test opens the Dashboard, Partner Tier, Points Breakdown
and HubSpot Team tabs, the calculator with a deal priced (its rule explanations, the checkbox), and a dialog,
and reads the colours of every run of text back from the public SVG screenshot (tests/tui/screen_colours.py).
Muted and dimmed text are held to the same 4.5:1. Not text: borders, scrollbars and chart bars (box and block
characters); and, as WCAG 1.4.3 allows, a disabled control, and the screen a dialog covers (faded on purpose).
The ANSI themes draw in the terminal's own sixteen colours, whose contrast is the terminal's palette (the
screenshot shows them in Rich's): they are left out.

One app visits the themes in turn, switched as the palette's theme picker switches them (`App.theme`): a start
per theme cost twice the CPU. Each screen read after a switch must be drawn in the new theme: some of it on the
new theme's backgrounds, none of its text on one of the theme before (a widget not drawn again would keep it).
(Checked when this was written: each screen read after a switch was, run for run, text and colours, the screen
read in an app started in that theme.)
"""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from textual.color import Color
from textual.geometry import Region
from textual.pilot import Pilot
from textual.screen import ModalScreen
from textual.theme import BUILTIN_THEMES
from textual.widgets import Input

from tests.tui.screen_colours import Run, runs
from tui.app import AppOptions, PartnerDashApp
from tui.themes import TEXT_COLOURS, contrast, readable_theme
from tui.themes import variables as theme_variables

AA = 4.5
SIZE = (160, 50)  # wide: the Dashboard in two columns, with its saved-reports panel


async def _settled(pilot: Pilot[object]) -> None:
    for field in pilot.app.query(Input):
        field.cursor_blink = False
    await pilot.app.workers.wait_for_complete()
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()


def _grounds(theme: str) -> set[str]:
    """The backgrounds the app's screens are drawn on in `theme` (as #rrggbb)."""
    variables = theme_variables(readable_theme(BUILTIN_THEMES[theme]))
    return {Color.parse(variables[name]).hex.lower() for name in ("background", "surface", "panel")}


def _unreadable(app: PartnerDashApp, where: str, previous: str | None) -> list[str]:
    """The runs of text below AA on the screen shown; and, after a theme switch, any sign of the theme before."""
    screen = app.screen
    within = screen.query_one(".dialog").region if isinstance(screen, ModalScreen) else None
    disabled = [widget.region for widget in screen.query("*") if widget.disabled]

    def exempt(run: Run) -> bool:
        return any(region.contains(run.x, run.y) for region in disabled)

    texts = [run for run in runs(app.export_screenshot(), within) if run.is_text]
    found = [f"{where}: {run}" for run in texts if run.contrast < AA and not exempt(run)]
    # Drawn afresh in the theme now on: text on its backgrounds, and none left on the last theme's (a widget not
    # drawn again would keep them). Text only: a box character's blend may match another theme's by chance.
    drawn_on = Counter(run.background for run in texts)
    grounds = _grounds(app.theme)
    if not grounds & set(drawn_on):
        found.append(f"{where}: text drawn on {drawn_on.most_common(3)}, none of {app.theme}'s {sorted(grounds)}")
    if previous is not None:
        stale = (_grounds(previous) - grounds) & set(drawn_on)
        found += [f"{where}: {drawn_on[colour]} runs of text on {previous}'s {colour}" for colour in sorted(stale)]
    return found


async def _visit_screens(pilot: Pilot[object], app: PartnerDashApp, previous: str | None) -> list[str]:
    """Each screen in the theme on show; `previous`: the theme the app showed before (None: the first)."""
    theme = app.theme
    await pilot.press("1")
    await _settled(pilot)
    found = _unreadable(app, f"{theme}, Dashboard", previous)
    for key, name in (("2", "Partner Tier"), ("3", "Points Breakdown"), ("4", "HubSpot Team")):
        await pilot.press(key)
        await _settled(pilot)
        found += _unreadable(app, f"{theme}, {name}", previous)
    # The calculator: a deal priced (rule explanations under each figure), the cursor on the manage checkbox. It
    # keeps its inputs while closed: the deal is typed in the first theme, and found again in the next ones.
    if previous is None:
        await pilot.press("1", "c", *"1000", "tab", "tab", "ctrl+u", *"Brazil", "tab", "enter", "e", "enter", "tab")
    else:
        await pilot.press("1", "c", "tab", "tab", "tab", "tab")
    await _settled(pilot)
    found += _unreadable(app, f"{theme}, Calculator", previous)
    await pilot.press("space")
    await _settled(pilot)
    found += _unreadable(app, f"{theme}, Calculator, checkbox ticked", previous)
    # Unticked again, as the next theme finds it.
    await pilot.press("space", "escape", "escape", "question_mark")
    await _settled(pilot)
    found += _unreadable(app, f"{theme}, Keys dialog", previous)
    await pilot.press("escape")
    return found


COLOUR_THEMES = sorted(name for name, theme in BUILTIN_THEMES.items() if not theme.ansi)
# Every theme's text colours are checked against its backgrounds below (quick); the rendered screens are read in
# the default theme and the three that failed before tui/themes.py in every run, and in all of them with
# `python -m pytest -m slow` (about 3 s of CPU per theme after the first).
ALWAYS_RENDERED = {"textual-dark", "textual-light", "solarized-light", "nord"}
RENDERED_THEMES = [
    pytest.param(sorted(ALWAYS_RENDERED), id="default-and-three"),
    pytest.param(sorted(set(COLOUR_THEMES) - ALWAYS_RENDERED), id="the-others", marks=pytest.mark.slow),
]


def test_the_themes_checked_are_the_themes_the_app_offers() -> None:
    assert set(COLOUR_THEMES) >= ALWAYS_RENDERED
    offered = PartnerDashApp().available_themes
    assert set(offered) == set(BUILTIN_THEMES)
    assert {name for name in offered if name not in COLOUR_THEMES} == {"ansi-dark", "ansi-light"}


@pytest.mark.parametrize("themes", RENDERED_THEMES)
async def test_every_text_reads_in_every_theme(themes: list[str]) -> None:
    app = PartnerDashApp(AppOptions(today=date(2026, 11, 26)), theme=themes[0])
    async with app.run_test(size=SIZE) as pilot:
        await app.wait_until_loaded()
        unreadable: dict[str, list[str]] = {}
        previous: str | None = None
        for theme in themes:
            # Each theme has backgrounds of its own, to tell a screen drawn in it from one left in the theme before.
            assert previous is None or _grounds(previous) - _grounds(theme), (previous, theme)
            app.theme = theme  # as the palette's theme picker sets it
            assert app.theme == theme
            await _settled(pilot)
            unreadable[theme] = await _visit_screens(pilot, app, previous)
            previous = theme
    failed = {theme: found for theme, found in unreadable.items() if found}
    assert not failed, f"runs of text below {AA}:1, or drawn in another theme: " + "\n".join(
        f"{len(found)} in {theme}:\n" + "\n".join(found[:30]) for theme, found in failed.items()
    )


def test_the_contrast_reader_sees_faint_text() -> None:
    """The reader itself: a screen with text #ececec on #d0d0d0 (the calculator's rules before) is caught."""
    svg = (
        "<style>.terminal-1-r1 { fill: #ececec }\n.terminal-1-r2 { fill: #1f1f1f }</style>"
        '<rect fill="#e0e0e0" stroke="rgba(255,255,255,0.35)"/>'
        '<rect fill="#d0d0d0" x="0" y="1.5" width="48.8" height="24.65" shape-rendering="crispEdges"/>'
        '<text class="terminal-1-r1" x="0" y="20" textLength="48.8" clip-path="url(#terminal-1-line-0)">Rule</text>'
        '<text class="terminal-1-r2" x="0" y="44.4" textLength="36.6" clip-path="url(#terminal-1-line-1)">Sum</text>'
    )
    faint, plain = runs(svg)
    assert (faint.text, faint.colour, faint.background) == ("Rule", "#ececec", "#d0d0d0")
    assert faint.contrast < 1.5
    assert (plain.text, plain.background) == ("Sum", "#e0e0e0") and plain.contrast > 10
    assert [run.text for run in runs(svg, Region(0, 1, 10, 1))] == ["Sum"]


@pytest.mark.parametrize("theme", COLOUR_THEMES)
def test_each_themes_text_colours_reach_aa_on_its_backgrounds(theme: str) -> None:
    """The theme variables the app's CSS uses for text, as the app offers them (Textual's fell short: #A86D1C
    $text-warning on textual-light's #E0E0E0 is 3.3:1; its footer keys, #0178D4 on #D0D0D0, 2.9:1)."""
    variables = theme_variables(readable_theme(BUILTIN_THEMES[theme]))
    background = Color.parse(variables["background"])
    grounds = [background + Color.parse(variables[name]) for name in ("background", "surface", "panel")]
    for name in ("foreground", *TEXT_COLOURS):
        for ground in grounds:
            assert contrast(Color.parse(variables[name]), ground) >= AA, (name, variables[name], ground.hex)
    footer = background + Color.parse(variables["footer-background"])
    for name in ("footer-foreground", "footer-key-foreground", "footer-description-foreground"):
        assert contrast(footer + Color.parse(variables[name]), footer) >= AA, (name, variables[name], footer.hex)
