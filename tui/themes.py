"""The app's colour themes: Textual's built-in themes, with every text colour they define made readable.

Several built-in themes draw some text below the WCAG AA contrast of 4.5:1 against the background it sits on:
the footer's keys (textual-light, nord, tokyo-night), the coloured text variants ($text-warning in
textual-light), muted text on a panel ($text-muted, "auto 60%", on nord's or tokyo-night's panel), the
cursor row's text on $primary (textual-dark, gruvbox). Each theme the app offers is the built-in one with just
those variables moved, towards black or white, as little as it takes to reach 4.5:1 on every background the
app draws them on ($background, $surface, $panel, the footer): the themes keep their look, and the app's CSS
can use $text, $text-muted, $text-warning, $footer-key-foreground... knowing they read everywhere.

ANSI themes are left as they are: their colours are the terminal's own.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from textual.app import App
from textual.color import BLACK, WHITE, Color
from textual.theme import Theme

AA = 4.5
# The foreground reaches a little more: Textual tints a focused field's background with 5% of it, which takes
# that much contrast from the field's text (and reverses a focused button into it).
FOREGROUND_CONTRAST = 5.0

# The coloured text variables: each must read on each of the app's backgrounds.
TEXT_COLOURS = (
    "text-primary",
    "text-secondary",
    "text-accent",
    "text-warning",
    "text-error",
    "text-success",
)
# Contrast-automatic text ("auto N%": white or black at N% over whatever it is drawn on).
AUTO_TEXT = ("text", "text-muted")
GROUNDS = ("background", "surface", "panel")


def luminance(colour: Color) -> float:
    """WCAG 2 relative luminance of an opaque colour."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = colour.rgb
    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


def contrast(first: Color, second: Color) -> float:
    """WCAG 2 contrast ratio of two opaque colours, 1 to 21."""
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _worst(colour: Color, grounds: Sequence[Color]) -> float:
    return min(contrast(colour, ground) for ground in grounds)


def readable(colour: Color, grounds: Sequence[Color], ratio: float = AA) -> Color:
    """`colour`, or the nearest colour towards white or black that reaches `ratio` on every one of `grounds`."""
    if _worst(colour, grounds) >= ratio:
        return colour
    found: list[tuple[int, Color]] = []
    for extreme in (WHITE, BLACK):
        if _worst(extreme, grounds) < ratio:
            continue
        # The smallest step (in 1/100ths) towards the extreme that reads: contrast grows along the way.
        low, high = 0, 100
        while high - low > 1:
            middle = (low + high) // 2
            if _worst(colour.blend(extreme, middle / 100, alpha=1.0), grounds) >= ratio:
                high = middle
            else:
                low = middle
        found.append((high, colour.blend(extreme, high / 100, alpha=1.0)))
    if found:
        return min(found, key=lambda pair: pair[0])[1]
    return max((WHITE, BLACK), key=lambda extreme: _worst(extreme, grounds))


def auto_alpha(percent: int, grounds: Sequence[Color]) -> int:
    """The least opacity, from `percent` up, at which contrast-automatic text reads on every one of `grounds`."""
    for alpha in range(percent, 101):
        drawn = [ground.blend(ground.get_contrast_text(1.0), alpha / 100, alpha=1.0) for ground in grounds]
        if all(contrast(text, ground) >= AA for text, ground in zip(drawn, grounds, strict=True)):
            return alpha
    return 100


def _opaque(value: str, under: Color) -> Color:
    colour = Color.parse(value)
    return under.blend(colour.with_alpha(1.0), colour.a, alpha=1.0) if colour.a < 1 else colour


def _auto_percent(value: str) -> int | None:
    words = value.split()
    if not words or words[0] != "auto":
        return None
    return int(words[1].rstrip("%")) if len(words) > 1 else 100


def _is_ansi(theme: Theme) -> bool:
    return theme.ansi or any(
        Color.parse(value).ansi is not None
        for value in (theme.primary, theme.foreground, theme.background)
        if value is not None
    )


def variables(theme: Theme) -> dict[str, str]:
    """The CSS variables a theme gives the app (as App.get_css_variables: generated, then the theme's own)."""
    return {**theme.to_color_system().generate(), **theme.variables}


def readable_theme(theme: Theme) -> Theme:
    """The theme with its text colours raised to AA on the backgrounds the app draws them on."""
    if _is_ansi(theme):
        return theme
    generated = variables(theme)
    background = Color.parse(generated["background"])
    grounds = [_opaque(generated[name], background) for name in GROUNDS]
    # The foreground first: the blurred cursor's and other colours derive from it.
    foreground = readable(Color.parse(generated["foreground"]), grounds, FOREGROUND_CONTRAST)
    if foreground != Color.parse(generated["foreground"]):
        theme = dataclasses.replace(theme, foreground=foreground.hex)
        generated = variables(theme)
    changes: dict[str, str] = {}

    def lift(name: str, on: Sequence[Color]) -> None:
        value = generated[name]
        percent = _auto_percent(value)
        if percent is not None:
            alpha = auto_alpha(percent, on)
            if alpha != percent:
                changes[name] = f"auto {alpha}%"
            return
        colour = _opaque(value, on[0])
        lifted = readable(colour, on)
        if lifted != colour:
            changes[name] = lifted.hex

    for name in TEXT_COLOURS:
        lift(name, grounds)
    for name in AUTO_TEXT:
        lift(name, grounds)
    footer = _opaque(generated["footer-background"], background)
    lift("footer-foreground", [footer])
    lift("footer-description-foreground", [_opaque(generated["footer-description-background"], footer)])
    lift("footer-key-foreground", [_opaque(generated["footer-key-background"], footer)])
    # The cursor row (tables, lists, a focused figure): its text on $block-cursor-background, which moves
    # away from the text's extreme when even full-strength text would not read on it.
    cursor = _opaque(generated["block-cursor-background"], background)
    cursor_text = cursor.get_contrast_text(1.0)
    if contrast(cursor_text, cursor) < AA:
        away = BLACK if cursor_text == WHITE else WHITE
        cursor = readable(cursor, [cursor_text]) if _worst(away, [cursor_text]) >= AA else cursor
        changes["block-cursor-background"] = cursor.hex
    lift("block-cursor-foreground", [cursor])
    blurred = _opaque(generated["block-cursor-blurred-background"], Color.parse(generated["surface"]))
    lift("block-cursor-blurred-foreground", [blurred])
    if not changes:
        return theme
    return dataclasses.replace(theme, variables={**theme.variables, **changes})


class ReadableThemes(App[Any]):
    """An App whose every theme is Textual's made readable (`readable_theme`) under the same name: the settings and
    the palette offer the same names, `--theme` takes them. Each is made readable when first used, so starting
    the app costs one theme's check, not every theme's."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Before Textual's own set-up, which asks for the current theme.
        self._readable_themes: dict[str, tuple[Theme, Theme]] = {}  # name -> (as registered, made readable)
        self._themes_by_name: dict[str, Theme] = {}  # what get_theme answered, by the name asked for
        super().__init__(*args, **kwargs)

    def get_theme(self, theme_name: str) -> Theme | None:
        # Asked twice for every widget drawn (App.ansi_theme, through current_theme), and Textual's own lookup copies
        # the registry of themes each time: about 40 copies of a 20-entry dict on a calculator key. Looked up once per
        # name until a theme is registered or unregistered (the only ways the registry changes).
        found = self._themes_by_name.get(theme_name)
        if found is not None:
            return found
        theme = super().get_theme(theme_name)
        if theme is None:
            return None
        known = self._readable_themes.get(theme.name)
        if known is None or known[0] is not theme:
            known = (theme, readable_theme(theme))
            self._readable_themes[theme.name] = known
        self._themes_by_name[theme_name] = known[1]
        return known[1]

    def register_theme(self, theme: Theme) -> None:
        self._themes_by_name.clear()
        super().register_theme(theme)

    def unregister_theme(self, theme_name: str) -> None:
        self._themes_by_name.clear()
        super().unregister_theme(theme_name)
