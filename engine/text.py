"""Text from the agency's files made safe to show: no control character ever reaches a terminal raw.

Every string read from a data file, partner.toml, a rules file or the settings passes through `printable`
once, when it is read, so the app, the CLI and exports show it as it is without further care. The CLI also
passes every line it prints through `printable_output` (engine.cli), for text that did not come from a file.

- C0 controls (ESC, BEL, NUL, ...) and DEL become their visible Unicode "control pictures" (ESC shows as ␛),
  so a name carrying an escape sequence is seen, and never acts (clear the screen, set the window title,
  write the clipboard through OSC 52).
- Tab, line feed, carriage return, vertical tab and form feed become a space: a name typed over two lines in
  a spreadsheet cell stays one line.
- C1 controls (U+0080-U+009F, e.g. U+009B, the one-character CSI) have no pictures: they become U+FFFD.
"""

from __future__ import annotations

import re

CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_OUTPUTCONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # as CONTROL, but keeps tab and line feed
_SPACES = frozenset("\t\n\r\x0b\x0c")
ELLIPSIS = "…"


def _visible(char: str) -> str:
    code = ord(char)
    if char in _SPACES:
        return " "
    if code < 0x20:
        return chr(0x2400 + code)  # ␀ .. ␟
    if code == 0x7F:
        return "\u2421"  # ␡
    return "\ufffd"


_VISIBLE = {chr(code): _visible(chr(code)) for code in (*range(0x20), *range(0x7F, 0xA0))}


def _replace(match: re.Match[str]) -> str:
    return _VISIBLE[match.group()]


def printable(text: str) -> str:
    """`text` with every C0/C1 control character and DEL made visible (see the module doc); one line."""
    if CONTROL.search(text) is None:
        return text
    return CONTROL.sub(_replace, text)


def printable_output(text: str) -> str:
    """Like `printable` for text the CLI writes: keeps its own tabs and line breaks, shows every other control."""
    if _OUTPUTCONTROL.search(text) is None:
        return text
    return _OUTPUTCONTROL.sub(_replace, text)


def shorten(text: str, width: int) -> str:
    """At most `width` characters: a longer text is cut and ends with an ellipsis."""
    return text if len(text) <= width else text[: max(width - 1, 0)] + ELLIPSIS


def has_other_digits(text: str) -> bool:
    """Whether `text` holds a digit other than 0-9 (full-width １, Arabic-Indic ١, ...), which Python's int()
    and Decimal() would quietly read as a number."""
    return any(char.isdigit() and not "0" <= char <= "9" for char in text) if not text.isascii() else False


OTHER_DIGITS = "write numbers with the digits 0-9 (not full-width or Arabic-Indic digits)"
