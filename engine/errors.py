"""Errors every layer shares, in a module light enough for the app to import before its first frame."""

from __future__ import annotations


class InputError(ValueError):
    """Input a user typed that cannot be used; `field` names the input it concerns."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(message)
