"""`partner-dash keys`: every key binding's id, default key and what it does, for the settings' [keys] table.

Registered by tui.launcher beside the engine's commands; the app's modules are imported only when it runs, so
`partner-dash --help` stays free of Textual.
"""

from __future__ import annotations

import argparse

from engine.cli import EXIT_OK, Parser, print_json, print_table


def run_keys(args: argparse.Namespace) -> int:
    from tui.key_ids import key_bindings

    bindings = key_bindings()
    if args.json:
        print_json(
            [
                {"id": item.id, "keys": item.keys, "description": item.description, "where": item.where}
                for item in bindings
            ]
        )
        return EXIT_OK
    print_table([("ID", "KEYS", "WHAT IT DOES", "WHERE"), *((b.id, b.keys, b.description, b.where) for b in bindings)])
    print('\nChange one in the settings file (partner-dash locate) under [keys], e.g.  "app.show-lists" = "ctrl+l"')
    return EXIT_OK


def register(sub: argparse._SubParsersAction[Parser]) -> None:
    keys = sub.add_parser(
        "keys",
        help="the app's key bindings by id (for the settings' [keys] table)",
        description="List every key binding of the app: its id, default key(s), what it does and where.",
    )
    keys.add_argument("--json", action="store_true", help="machine-readable output")
    keys.set_defaults(run=run_keys)
