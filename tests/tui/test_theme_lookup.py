"""The app's theme lookup (ReadableThemes.get_theme, asked for on every widget drawn) answers from what it found
before, and never a theme replaced since: registering or unregistering a theme is seen at once."""

from __future__ import annotations

from textual.theme import Theme

from tui.themes import ReadableThemes


def test_a_theme_registered_again_under_its_name_replaces_the_one_found_before() -> None:
    app = ReadableThemes()
    app.register_theme(Theme(name="house", primary="#004578", dark=True))
    first = app.get_theme("house")
    assert first is not None and first.primary == "#004578"
    assert app.get_theme("house") is first
    app.register_theme(Theme(name="house", primary="#7a1f00", dark=True))
    second = app.get_theme("house")
    assert second is not None and second.primary == "#7a1f00"
    app.unregister_theme("house")
    assert app.get_theme("house") is None


def test_a_list_of_names_still_picks_the_first_theme_there_is() -> None:
    app = ReadableThemes()
    assert app.get_theme("no-such-theme") is None
    picked = app.get_theme("no-such-theme, nord")
    assert picked is not None and picked.name == "nord"
    app.register_theme(Theme(name="no-such-theme", primary="#004578"))
    picked = app.get_theme("no-such-theme, nord")
    assert picked is not None and picked.name == "no-such-theme"
