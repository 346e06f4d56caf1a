"""`partner-dash locate`, `lists` and `exports`: where the user's files live, static lists and export history."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from engine.cli import EXIT_OK, BadInput, Parser, count_arg, print_json, print_table
from engine.storage import paths
from engine.storage.config import load_config
from engine.storage.history import export_history
from engine.storage.lists import delete_list, find_list, static_lists
from engine.storage.store import Store, StoreError


def run_locate(args: argparse.Namespace) -> int:
    config, problems = load_config()
    for problem in problems:
        print(f"partner-dash locate: warning: {problem}", file=sys.stderr)
    where = {
        "config": paths.config_file(),
        "database": paths.database_file(),
        "exports": config.export_dir,
        "caches": paths.cache_root(),
    }
    if args.json:
        print_json({name: str(path) for name, path in where.items()})
    else:
        print_table(
            [
                ("Config file", str(where["config"])),
                ("Database", str(where["database"])),
                ("Export folder", str(where["exports"])),
                ("Caches", str(where["caches"])),
            ]
        )
    return EXIT_OK


@contextmanager
def _store() -> Iterator[Store]:
    """The user's store; its errors become one line on stderr, its notices (a database set aside) too."""
    store = Store()
    try:
        yield store
    except StoreError as exc:
        raise BadInput(str(exc)) from None
    finally:
        for notice in store.notices:
            print(f"partner-dash lists: note: {notice}", file=sys.stderr)
        store.close()


def run_lists(args: argparse.Namespace) -> int:
    with _store() as store:
        found = static_lists(store)
    if args.json:
        print_json(
            [
                {"id": item.id, "name": item.name, "clients": len(item.client_ids), "created": item.created.isoformat()}
                for item in found
            ]
        )
    elif not found:
        print("No static lists yet: make one from a figure's report dialog (Use in lists).")
    else:
        rows = [(item.name, str(len(item.client_ids)), f"{item.created:%Y-%m-%d %H:%M}") for item in found]
        print_table([("List", "Clients", "Created (UTC)"), *rows])
    return EXIT_OK


def run_lists_show(args: argparse.Namespace) -> int:
    with _store() as store:
        found = find_list(store, args.name)
    if args.json:
        print_json(
            {
                "id": found.id,
                "name": found.name,
                "created": found.created.isoformat(),
                "client_ids": list(found.client_ids),
            }
        )
    else:
        print(f"{found.name}: {len(found.client_ids)} clients, created {found.created:%Y-%m-%d %H:%M} UTC")
        for client_id in found.client_ids:
            print(client_id)
    return EXIT_OK


def run_lists_delete(args: argparse.Namespace) -> int:
    with _store() as store:
        found = find_list(store, args.name)
        delete_list(store, found.id)
    print(f"Deleted the static list {found.name!r} ({len(found.client_ids)} clients).")
    return EXIT_OK


def run_exports(args: argparse.Namespace) -> int:
    with _store() as store:
        found = export_history(store, limit=args.limit)
    if args.json:
        print_json(
            [
                {
                    "path": str(item.path),
                    "kind": item.kind,
                    "format": item.format,
                    "rows": item.rows,
                    "exported": item.exported.isoformat(),
                    "exists": item.path.is_file(),
                }
                for item in found
            ]
        )
    elif not found:
        print("No exports yet: export the rows behind a figure (partner-dash export, or x in a report dialog).")
    else:
        rows = [
            (
                f"{item.exported:%Y-%m-%d %H:%M}",
                item.kind,
                item.format.upper(),
                f"{item.rows:,}",
                str(item.path) if item.path.is_file() else f"{item.path} (gone)",
            )
            for item in found
        ]
        print_table([("Exported (UTC)", "What", "Format", "Rows", "File"), *rows])
    return EXIT_OK


def _add_action(
    actions: argparse._SubParsersAction[Parser], name: str, help_text: str, run: Callable[[argparse.Namespace], int]
) -> Parser:
    action = actions.add_parser(name, help=help_text, description=help_text[0].upper() + help_text[1:] + ".")
    # SUPPRESS: without --json here, a --json given before the action still counts.
    action.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="machine-readable output")
    action.set_defaults(run=run)
    return action


def register(sub: argparse._SubParsersAction[Parser]) -> None:
    locate = sub.add_parser(
        "locate",
        help="where the config, the database and the exports live",
        description="Print the paths of the config file, the database of lists and reports, and the export folder.",
    )
    locate.add_argument("--json", action="store_true", help="machine-readable output")
    locate.set_defaults(run=run_locate)

    lists = sub.add_parser(
        "lists",
        help="static lists of clients: list, show, delete",
        description="The static lists saved from the app's report dialogs. With no action: list them.",
    )
    lists.add_argument("--json", action="store_true", help="machine-readable output")
    lists.set_defaults(run=run_lists)
    actions = lists.add_subparsers(dest="action", metavar="ACTION", parser_class=Parser)
    _add_action(actions, "list", "list the static lists", run_lists)
    show = _add_action(actions, "show", "the client ids in a static list", run_lists_show)
    show.add_argument("name", help="the list's name (case does not matter)")
    delete = _add_action(actions, "delete", "delete a static list", run_lists_delete)
    delete.add_argument("name", help="the list's name (case does not matter)")

    exports = sub.add_parser(
        "exports",
        help="the export history: what was exported, when, and where the file is",
        description="The latest exports from the app and `partner-dash export`, newest first.",
    )
    exports.add_argument("--json", action="store_true", help="machine-readable output")
    exports.add_argument("--limit", type=count_arg, default=50, metavar="N", help="how many (default 50)")
    exports.set_defaults(run=run_exports)
