"""`partner-dash import FILE --into DIR` and `partner-dash sync hubspot --into DIR`: the agency's client list in,
as a dated snapshot, with the MRR events derived from what changed (engine.importing.snapshots)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

from engine.cli import EXIT_BAD_INPUT, EXIT_OK, Parser, day_arg, print_json
from engine.cli.progress import Progress
from engine.importing.client_list import (
    ClientList,
    ClientListError,
    ColumnMapping,
    parse_clients,
    read_client_list,
    read_mapping,
)
from engine.importing.snapshots import MAPPING_FILE, ImportPlan, apply_import, plan_import
from engine.points.calculator import round_points
from engine.rules import RuleBook, RulesError, load_rulebook, shipped_rulebook
from engine.vocabulary import Track

EVENTS_SHOWN = 20


def _clean(text: str) -> str:
    """A line for the terminal: control characters (from untrusted names and headers) made visible."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _rulebook(rules_file: Path | None) -> RuleBook:
    return load_rulebook(rules_file) if rules_file is not None else shipped_rulebook()


def _currencies(book: RuleBook) -> frozenset[str]:
    return frozenset(code for rules in book.rule_sets for code in rules.currency_per_100_usd)


def _mapping(path: Path | None, into: Path) -> ColumnMapping:
    """--mapping, else the one the last import into the folder remembered (the app saves it), else none."""
    if path is None and (into / MAPPING_FILE).is_file():
        path = into / MAPPING_FILE
    return read_mapping(path) if path is not None else ColumnMapping()


def _report(plan: ImportPlan, dry_run: bool) -> None:
    what = "the baseline snapshot" if plan.baseline else f"the snapshot (compared with {plan.previous})"
    head = "Dry run, nothing written: importing" if dry_run else "Imported"
    print(_clean(f"{head} {plan.source} as {what} of {plan.as_of} into {plan.folder}"))
    if plan.changes_nothing:
        print(f"  The same list was already imported for {plan.as_of}: nothing changes.")
        return
    s = plan.summary()["clients"]
    assert isinstance(s, dict)
    print(f"  clients: {s['new']} new, {s['changed']} changed, {s['gone']} gone, {s['unchanged']} unchanged")
    points = plan.points_added()
    print(
        f"  MRR events {'to add' if dry_run else 'added'}: {len(plan.events)} (sold points "
        f"{round_points(points[Track.SOLD])}, managed points {round_points(points[Track.MANAGED])} on {plan.as_of})"
    )
    for event in plan.events[:EVENTS_SHOWN]:
        c = event.client
        print(
            _clean(
                f"    {c.id} {c.name}: {event.kind}, {event.track} {event.mrr_change:+,} {c.currency} = "
                f"{round_points(event.points)} {event.track} points"
            )
        )
    if len(plan.events) > EVENTS_SHOWN:
        print(f"    ... and {len(plan.events) - EVENTS_SHOWN} more (mrr_events.csv)")
    if not dry_run:
        print("  wrote " + ", ".join(_clean(str(p.relative_to(plan.folder))) for p in plan.files))
    if plan.partner_name is not None:
        verb = "would write" if dry_run else "wrote"
        print(
            _clean(
                f"  {verb} partner.toml with the agency name {plan.partner_name!r}: edit it to give your agency's "
                "name, credited tier and certification (see DATA.md)"
            )
        )


def _fail(problems: tuple[str, ...] | list[str], as_json: bool, prog: str) -> int:
    if as_json:
        print_json({"as_of": None, "clients": None, "events_added": 0, "problems": list(problems)})
    else:
        for problem in problems:
            print(_clean(f"{prog}: {problem}"), file=sys.stderr)
        print(f"{prog}: nothing was written", file=sys.stderr)
    return EXIT_BAD_INPUT


Read = Callable[[RuleBook, ColumnMapping, Progress], ClientList]


def run_listed(args: argparse.Namespace, prog: str, reading: str, read: Read, as_of: date) -> int:
    """Read a list, plan its import, write it (unless --dry-run) and say what happened.

    Each step is shown on stderr while it runs, at a terminal only (engine.cli.progress): `reading` names the first.
    """
    into: Path = args.into
    try:
        # The line is cleared when the work ends, however it ends, before any result or problem is printed.
        with Progress(reading) as progress:
            book = _rulebook(args.rules_file)
            listed = read(book, _mapping(args.mapping, into), progress)
            progress.phase(f"Comparing {len(listed.clients):,} clients with the latest snapshot in {into}")
            plan = plan_import(into, listed, as_of, book)
            if not args.dry_run and not plan.changes_nothing:
                progress.phase(f"Writing {len(plan.events):,} MRR events and the snapshot into {into}")
                apply_import(plan)
    except ClientListError as exc:
        return _fail(exc.problems, args.json, prog)
    except RulesError as exc:
        return _fail(str(exc).splitlines(), args.json, prog)
    except OSError as exc:
        return _fail([f"{into}: cannot write: {exc.strerror or exc}"], args.json, prog)
    if args.json:
        print_json({**plan.summary(), "problems": []})
    else:
        _report(plan, args.dry_run)
    return EXIT_OK


def run_import(args: argparse.Namespace) -> int:
    path: Path = args.file

    def read(book: RuleBook, mapping: ColumnMapping, progress: Progress) -> ClientList:
        return read_client_list(path, mapping, _currencies(book), args.sheet)

    return run_listed(args, "partner-dash import", f"Reading {path}", read, args.as_of or date.today())


def run_sync(args: argparse.Namespace) -> int:
    from engine.sync.hubspot import DEFAULT_BASE_URL, HubSpotClient, SyncError, partner_clients_table

    prog = "partner-dash sync hubspot"
    token = os.environ.get(args.token_env, "").strip()
    if not token:
        return _fail(
            [
                f"no access token: set the environment variable {args.token_env} to a HubSpot private app token with "
                "scope crm.objects.partner-clients.read"
            ],
            args.json,
            prog,
        )

    def read(book: RuleBook, mapping: ColumnMapping, progress: Progress) -> ClientList:
        def said(text: str) -> None:
            # The pages read are progress (at a terminal only); a wait is always said, on a line of its own: a daily
            # cron job stays quiet unless something is slow or wrong.
            if text.startswith("Reading"):
                progress.phase(text)
            else:
                progress.close()
                print(f"{prog}: {text}", file=sys.stderr)

        try:
            client = HubSpotClient(args.base_url or DEFAULT_BASE_URL, token, token_env=args.token_env)
            client.progress = said
            table = partner_clients_table(client, mapping)
        except SyncError as exc:
            raise ClientListError([str(exc)]) from None
        progress.phase(f"Checking {len(table.rows):,} Partner Clients records")
        return parse_clients(table, mapping, _currencies(book))

    return run_listed(args, prog, "Connecting to HubSpot", read, args.as_of or date.today())


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--into", metavar="DIR", type=Path, required=True, help="the agency's data folder")
    parser.add_argument("--mapping", metavar="MAP.toml", type=Path, help="which column feeds each field (README)")
    parser.add_argument("--dry-run", action="store_true", help="write nothing; print what would change")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("--rules-file", metavar="FILE", type=Path, help="a rules TOML file with extra currency rates")


def register(sub: argparse._SubParsersAction[Parser]) -> None:
    imp = sub.add_parser(
        "import",
        help="import the agency's client list (CSV or XLSX) as a dated snapshot",
        description=(
            "Import a client list as it stands on the --as-of day into a data folder: the first import is the "
            "baseline; each later one adds the MRR events that changed since the latest snapshot. Nothing is "
            "written if anything is wrong. See README, 'Bring your own data'."
        ),
    )
    imp.add_argument("file", metavar="FILE", type=Path, help="the client list: CSV or XLSX")
    imp.add_argument("--as-of", metavar="YYYY-MM-DD", type=day_arg, help="the list's day (default: today)")
    imp.add_argument("--sheet", metavar="NAME", help="the XLSX sheet to read (default: the first)")
    _common(imp)
    imp.set_defaults(run=run_import)

    sync = sub.add_parser(
        "sync",
        help="read the Partner Clients list from HubSpot as today's snapshot",
        description=(
            "Read the agency's Partner Clients from HubSpot's CRM API into a data folder, as an import of today's "
            "list. The token is read from an environment variable, never from the command line."
        ),
    )
    sync.add_argument("service", choices=["hubspot"], help="where to read the list from")
    sync.add_argument("--base-url", metavar="URL", help="the API host (default https://api.hubapi.com)")
    sync.add_argument(
        "--token-env",
        metavar="NAME",
        default="HUBSPOT_ACCESS_TOKEN",
        help="the environment variable holding the private app token (default HUBSPOT_ACCESS_TOKEN)",
    )
    sync.add_argument("--as-of", metavar="YYYY-MM-DD", type=day_arg, help=argparse.SUPPRESS)
    _common(sync)
    sync.set_defaults(run=run_sync)
