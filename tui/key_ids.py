"""Every key binding the app defines, by id: what the [keys] table of the settings can change.

The bindings are declared on the app's screens and widgets (`Binding(..., id=...)`). Most of those modules are
imported only when first used, so listing them imports them all: this is for `partner-dash keys` and for
checking the user's key overrides, not for the start-up path.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from dataclasses import dataclass

from textual.app import App
from textual.binding import Binding
from textual.dom import DOMNode

PACKAGES = ("tui.screens", "tui.widgets")

# Binding ids are `where.what` (ARCHITECTURE.md, glossary). Ids this app used before are still read from the
# settings' [keys] table, for the id they became (with a note saying so): old id -> new id.
RENAMED_IDS: dict[str, str] = {
    "command-palette": "app.command-palette",
    "show-keys": "app.show-keys",
    "show-lists": "app.show-lists",
    "show-load-problems": "app.show-load-problems",
    "quit": "app.quit",
    "toggle-calculator": "main.toggle-calculator",
    "focus-filter": "main.focus-filter",
    "close-calculator": "main.close-calculator",
    "close-client": "client.close",
    "open-crm": "client.open-crm",
    "explain-client": "client.explain",
    "close-explain": "explain.close",
    "close-load-problems": "load-problems.close",
    "quit-from-load-problems": "load-problems.quit",
    "explain-tier": "partner-tier.explain",
    "close-keys": "keys.close",
    "explain": "figure.explain",
    "metric.open": "figure.open",
    "metric.explain": "figure.explain",
    "metric.next": "figure.next",
    "metric.previous": "figure.previous",
    "country-next": "country.next",
    "country-previous": "country.previous",
    "country-pick": "country.pick",
    "country-close-list": "country.close-list",
    "tab-dashboard": "main.tab-dashboard",
    "tab-points-breakdown": "main.tab-points-breakdown",
    "tab-partner-tier": "main.tab-partner-tier",
    "tab-hubspot-team": "main.tab-hubspot-team",
}


def current_ids(keys: dict[str, str]) -> dict[str, str]:
    """The [keys] table with every renamed id read as its new one (an entry under the new id wins)."""
    current = {RENAMED_IDS.get(binding, binding): key for binding, key in keys.items() if binding in RENAMED_IDS}
    current.update((binding, key) for binding, key in keys.items() if binding not in RENAMED_IDS)
    return current


MODULES = ("tui.app",)


@dataclass(frozen=True, slots=True)
class KeyBinding:
    id: str
    keys: str  # the default key(s), as in the code: "e,enter"
    description: str
    where: str  # the screen or widget that has it


def _modules() -> list[str]:
    names = list(MODULES)
    for package_name in PACKAGES:
        package = importlib.import_module(package_name)
        names += [f"{package_name}.{info.name}" for info in pkgutil.iter_modules(package.__path__)]
    return names


def section_of(node_class: type[DOMNode]) -> str:
    """Where a class's keys apply, as the keys dialog and `partner-dash keys` name it."""
    if issubclass(node_class, App):
        return "Everywhere"
    section: str | None = getattr(node_class, "HELP_SECTION", None)
    if section:
        return section
    # MainScreen -> "Main screen"
    words = re.findall(r"[A-Z][a-z]*|[a-z]+|[0-9]+", node_class.__name__)
    return " ".join([words[0], *(word.lower() for word in words[1:])]) if words else node_class.__name__


def key_bindings() -> list[KeyBinding]:
    """The app's bindings that have an id, sorted by id (one entry per id)."""
    found: dict[str, KeyBinding] = {}
    for name in _modules():
        module = importlib.import_module(name)
        for _, node_class in inspect.getmembers(module, inspect.isclass):
            if node_class.__module__ != name or not issubclass(node_class, DOMNode):
                continue
            for binding in node_class.__dict__.get("BINDINGS", []):
                if isinstance(binding, Binding) and binding.id and binding.id not in found:
                    found[binding.id] = KeyBinding(binding.id, binding.key, binding.description, section_of(node_class))
    return sorted(found.values(), key=lambda item: item.id)


def known_ids() -> set[str]:
    return {binding.id for binding in key_bindings()}
