"""Where the bundled sample agency is installed: light (the standard library only), for the app's first look at a
folder before anything that reads it is imported (tui.first_screen)."""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path

# The file every data folder has: the partner's details (engine.data.partner_file).
PARTNER_FILE = "partner.toml"


def bundled_sample() -> Path | None:
    """The bundled sample agency's folder (the installed `sample_data` package); None if it is not installed."""
    # Not importlib.resources.files(): for a namespace package in an editable install its search path holds
    # a placeholder entry that makes files() fail, so take the first real folder of the package's path.
    spec = find_spec("sample_data")
    for location in (spec.submodule_search_locations or []) if spec else []:
        if (Path(location) / PARTNER_FILE).is_file():
            return Path(location)
    return None
