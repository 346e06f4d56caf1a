"""Parsers for one cell of a data file: text in, a validated value out, or `CellError` saying what is wrong.

They are the loader's hot path (hundreds of thousands of cells per second), so they are plain functions over
already-stripped text with precise messages, and `memoised` shares one parsed value between equal cells.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TypeVar

from engine.limits import MAX_AMOUNT, MAX_PARTNERS, day_problem
from engine.rules.countries import normalise_country
from engine.text import CONTROL, OTHER_DIGITS, has_other_digits, printable

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)

# Digits are 0-9 only: `\d` would also take full-width and Arabic-Indic digits, which int() reads as numbers.
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?")
# Plain decimals, optionally with thousands separators ("1,250.00"); never exponents, NaN or "1,5".
_NUMBER = re.compile(r"[+-]?(?:[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)(?:\.[0-9]+)?|[+-]?\.[0-9]+")
_WHOLE = re.compile(r"[+-]?[0-9]+")
_QUARTER = re.compile(r"([0-9]{4})\s*-?\s*[Qq]([1-4])")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
_CURRENCY = re.compile(r"[A-Z]{3}")
HUNDRED = Decimal(100)
_has_control = CONTROL.search


class CellError(ValueError):
    """A cell that cannot be used; the message says what is wrong and how to write it."""


class Memo(dict[K, T]):
    """`parse` with a per-load memo: equal cells (dates, ids, amounts) parse once and share one value.

    A dict, so that the loader's inner loop looks a cell up with a plain subscript: a hit costs no Python
    call, a miss parses (and remembers) through `__missing__`.
    """

    def __init__(self, parse: Callable[[K], T]) -> None:
        super().__init__()
        self.parse = parse

    def __missing__(self, key: K) -> T:
        value = self[key] = self.parse(key)
        return value

    def __call__(self, key: K) -> T:
        return self[key]


class Verbatim(dict[str, str]):
    """The cell's text itself (made printable), looked up like a Memo but remembering nothing (ids and names
    are unique)."""

    def __missing__(self, key: str) -> str:
        return key if _has_control(key) is None else printable(key)


def parse_text(text: str) -> str:
    """Any text, made printable (engine.text): control characters never reach a screen."""
    return printable(text)


def parse_date(text: str) -> date:
    match = _DATE.fullmatch(text)
    if match is None:
        raise CellError(f"{text!r} is not a date (use YYYY-MM-DD, e.g. 2026-03-31){_digits_hint(text)}")
    try:
        day = date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError as exc:
        raise CellError(f"{text!r} is not a date: {exc}") from None
    problem = day_problem(day)
    if problem is not None:
        raise CellError(problem)
    return day


def _digits_hint(text: str) -> str:
    return f" ({OTHER_DIGITS})" if has_other_digits(text) else ""


def parse_decimal(text: str) -> Decimal:
    """A signed amount: digits with an optional decimal point and thousands commas."""
    if _NUMBER.fullmatch(text) is None:
        raise CellError(f"{text!r} is not a number{_number_hint(text)}")
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern admits only what Decimal reads
        raise CellError(f"{text!r} is not a number") from None
    if abs(value) > MAX_AMOUNT:
        raise CellError(f"{text} is too large (at most {MAX_AMOUNT:,})")
    return value


def _number_hint(text: str) -> str:
    if has_other_digits(text):
        return f" ({OTHER_DIGITS})"
    if re.fullmatch(r"[+-]?\d+,\d{1,2}", text):
        return " (use a point for decimals, e.g. 1250.50)"
    if re.search(r"[$€£¥]|\b[A-Z]{3}\b", text):
        return " (write the amount alone: no currency symbol or code)"
    return ""


def parse_amount(text: str) -> Decimal:
    """A non-negative amount (MRR, a deal's amount)."""
    value = parse_decimal(text)
    if value < 0:
        raise CellError(f"must not be negative (got {text})")
    return value


def parse_partners(text: str) -> int:
    if _WHOLE.fullmatch(text) is None:
        raise CellError(f"{text!r} is not a whole number of partners{_digits_hint(text)}")
    if len(text) > 18:
        raise CellError(f"{text[:20]}… partners is too many (at most {MAX_PARTNERS})")
    value = int(text)
    if value < 0:
        raise CellError(f"must not be negative (got {text}); use 0 for a client nobody manages")
    if value > MAX_PARTNERS:
        raise CellError(f"{text} partners is too many (at most {MAX_PARTNERS})")
    return value


def parse_percent(text: str) -> Decimal:
    value = parse_decimal(text.removesuffix("%").rstrip())
    if not 0 <= value <= HUNDRED:
        raise CellError(f"{text} is not a percentage from 0 to 100")
    return value


_BOOLEANS = {"yes": True, "y": True, "true": True, "1": True, "no": False, "n": False, "false": False, "0": False}


def parse_yes_no(text: str) -> bool:
    try:
        return _BOOLEANS[text.lower()]
    except KeyError:
        raise CellError(f"{text!r} is not yes or no (use yes/no, true/false or 1/0)") from None


def parse_quarter(text: str) -> str:
    match = _QUARTER.fullmatch(text)
    if match is None:
        raise CellError(f"{text!r} is not a quarter (use YYYY-Qn, e.g. 2026-Q1){_digits_hint(text)}")
    return f"{match[1]}-Q{match[2]}"


def parse_email(text: str) -> str:
    if _EMAIL.fullmatch(text) is None:
        raise CellError(f"{text!r} is not an email address")
    return text


def parse_products(text: str) -> tuple[str, ...]:
    return tuple(printable(part) for part in (p.strip() for p in text.split(";")) if part)


def parse_country(text: str) -> str:
    try:
        return normalise_country(text)
    except ValueError as exc:
        raise CellError(str(exc)) from None


def currency_parser(known: frozenset[str]) -> Callable[[str], str]:
    """ISO 4217 codes that some rule set has a program rate for."""

    def parse(text: str) -> str:
        code = text.upper()
        if _CURRENCY.fullmatch(code) is None:
            raise CellError(f"{text!r} is not a currency code (use ISO 4217, e.g. USD, EUR, GBP)")
        if code not in known:
            raise CellError(
                f"no program rate for currency {code!r} in any rule set; add one in a rules file, e.g. "
                f'[currency_per_100_usd] {code} = "…" (the local amount that counts as US$100), and pass it '
                "with --rules FILE"
            )
        return code

    return parse


def choice_parser(what: str, choices: Mapping[str, T], shown: str) -> Callable[[str], T]:
    """One of a few words, matched ignoring case, spaces, hyphens and underscores."""

    def parse(text: str) -> T:
        key = " ".join(text.lower().replace("_", " ").replace("-", " ").split())
        try:
            return choices[key]
        except KeyError:
            raise CellError(f"unknown {what} {text!r} (use {shown})") from None

    return parse


def from_value_error(parse: Callable[[str], T]) -> Callable[[str], T]:
    """A parser that raises ValueError with a good message (e.g. DealType.parse), as a cell parser."""

    def run(text: str) -> T:
        try:
            return parse(text)
        except ValueError as exc:
            raise CellError(str(exc)) from None

    return run
