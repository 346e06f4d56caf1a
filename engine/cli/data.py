"""`partner-dash validate DIR` and `partner-dash sample`: check a data folder, write a synthetic one."""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import asdict, replace
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from engine.atomic import TEMP_SUFFIX, replacing
from engine.cli import BadInput, Parser, add_rules_options, count_arg, day_arg, print_json, resolve_rules
from engine.cli.progress import Progress
from engine.data.loader import DataFolderError, load_dataset
from engine.data.models import Dataset, LoadProblem, Severity
from engine.data.sample import (
    AGENCY_NAME,
    MAX_CLIENTS,
    MIN_CLIENTS,
    GeneratedAgency,
    SampleCounts,
    generate,
    write_sample,
)
from engine.limits import reason

EXIT_CLEAN = 0
EXIT_WARNINGS = 1
EXIT_ERRORS = 2
MAX_NAME = 100


def _problem_line(problem: LoadProblem) -> str:
    if problem.severity is Severity.WARNING:
        return str(replace(problem, message=f"warning: {problem.message}"))
    return str(problem)


def _counts(dataset: Dataset) -> dict[str, int]:
    return {
        "clients": len(dataset.clients),
        "mrr_events": len(dataset.events),
        "deals": len(dataset.deals),
        "commissions": len(dataset.commissions),
        "team": len(dataset.partner.team),
    }


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def run_validate(args: argparse.Namespace) -> int:
    book, _ = resolve_rules(args.rules, args.rules_file)
    dataset: Dataset | None = None
    reasons: tuple[LoadProblem, ...] = ()
    try:
        with Progress(f"Loading {args.folder}"):
            dataset = load_dataset(args.folder, book)
        problems = dataset.problems
        errors, warnings = dataset.error_count, dataset.warning_count
    except DataFolderError as exc:
        problems, reasons = exc.problems, exc.reasons
        errors, warnings = exc.error_count, exc.warning_count
    skipped = dataset.skipped if dataset is not None else {}
    code = EXIT_ERRORS if errors else EXIT_WARNINGS if warnings else EXIT_CLEAN
    if args.json:
        payload: dict[str, Any] = {
            "folder": str(args.folder),
            "loaded": _counts(dataset) if dataset is not None else None,
            "skipped": skipped,
            "errors": errors,
            "warnings": warnings,
            "problems": [{**asdict(p), "severity": p.severity.value} for p in problems],
        }
        print_json(payload)
        return code
    for problem in problems:
        print(_problem_line(problem))
    if problems:
        print()
    if dataset is None:
        print(f"Cannot load {args.folder}: nothing was loaded. Fix first:")
        for reason in reasons:
            print(f"  {reason}")
    else:
        counts = _counts(dataset)
        print(
            f"Loaded {dataset.partner.name!r} from {args.folder}: {_plural(counts['clients'], 'client')}, "
            f"{_plural(counts['mrr_events'], 'MRR event')}, {_plural(counts['deals'], 'deal')}, "
            f"{_plural(counts['commissions'], 'commission statement')}, {_plural(counts['team'], 'HubSpot contact')}."
        )
        if skipped:
            rows = ", ".join(f"{name} {count:,}" for name, count in skipped.items())
            print(f"Skipped {_plural(sum(skipped.values()), 'invalid row')}: {rows}.")
    print(f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')}.")
    return code


# What `sample` wrote into a folder: file name -> SHA-256. A folder whose files all still match may be written
# over; one the user has edited (or that sample did not write) is refused without --force.
MANIFEST = ".partner-dash-sample.json"


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _unchanged_sample(folder: Path) -> bool:
    """Whether `folder` holds only the files an earlier `sample` wrote there, none of them changed since."""
    try:
        recorded = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        names = {p.name for p in folder.iterdir() if p.name != MANIFEST and not p.name.endswith(TEMP_SUFFIX)}
        return (
            isinstance(recorded, dict)
            and names <= set(recorded)
            and all(recorded[name] == _digest(folder / name) for name in names)
        )
    except (OSError, ValueError):
        return False


def _check_out(out: Path, force: bool) -> None:
    if out.exists() and not out.is_dir():
        raise BadInput(f"{out} is a file, not a folder")
    try:
        used = out.is_dir() and any(out.iterdir())
    except OSError as exc:
        raise BadInput(f"cannot read the folder {out}: {reason(exc)}") from None
    if used and not force and not _unchanged_sample(out):
        raise BadInput(
            f"{out} is not empty and does not hold an unchanged earlier sample; use --force to write into it anyway"
        )


def _write_sample(write: Callable[[Path], SampleCounts], out: Path) -> SampleCounts:
    """`write` the agency into a temp folder beside `out`, then move each file into place: a full disk or an
    error on the way leaves `out` as it was (and no temp folder behind)."""
    parent = out.absolute().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        temp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=TEMP_SUFFIX, dir=parent))
        umask = os.umask(0)
        os.umask(umask)
        temp.chmod(0o777 & ~umask)  # mkdtemp's 0700 would become the folder's mode
    except OSError as exc:
        raise BadInput(f"cannot write the sample to {out}: {reason(exc)}") from None
    try:
        counts = write(temp)
        digests = {path.name: _digest(path) for path in counts.paths}
        with replacing(temp / MANIFEST) as manifest:
            manifest.write_text(json.dumps(digests, indent=1), encoding="utf-8")
        if not out.exists():
            os.rename(temp, out)
        else:
            for name in (MANIFEST, *digests):
                os.replace(temp / name, out / name)
    except OSError as exc:
        raise BadInput(f"cannot write the sample to {out}: {reason(exc)}; nothing was changed there") from None
    finally:
        shutil.rmtree(temp, ignore_errors=True)
    return replace(counts, paths=[out / path.name for path in counts.paths])


def _counted(agency: GeneratedAgency, folder: Path) -> SampleCounts:
    paths = agency.write_agency(folder)
    return SampleCounts(
        paths, len(agency.partner.team), len(agency.clients), len(agency.events), len(agency.deals),
        len(agency.commissions),
    )  # fmt: skip


def run_sample(args: argparse.Namespace) -> int:
    if not MIN_CLIENTS <= args.clients <= MAX_CLIENTS:
        raise BadInput(f"--clients must be from {MIN_CLIENTS} to {MAX_CLIENTS:,} (got {args.clients:,})")
    out: Path = args.out
    _check_out(out, args.force)
    today = args.sample_today or args.today or date.today()
    name = _agency_name(args.name)
    agency = None
    with Progress(f"Generating {_plural(args.clients, 'client')}") as progress:
        if args.snapshots is None:
            # Written as it is generated (engine.data.sample.write_sample): no model of it is held.
            def written(folder: Path) -> SampleCounts:
                return write_sample(
                    folder, args.clients, args.seed, today, name, drawn=lambda: progress.phase(f"Writing {out}")
                )

            counts = _write_sample(written, out)
        else:
            # The monthly client lists are made from the agency's models.
            agency = generate(args.clients, args.seed, today, name)
            progress.phase(f"Writing {out}")
            counts = _write_sample(partial(_counted, agency), out)
    rows = {
        "partner.toml": _plural(counts.contacts, "HubSpot contact"),
        "clients.csv": _plural(counts.clients, "client"),
        "mrr_events.csv": _plural(counts.events, "MRR event"),
        "deals.csv": _plural(counts.deals, "deal"),
        "commissions.csv": _plural(counts.commissions, "commission statement"),
    }
    print(f"Wrote {name!r}, a synthetic agency as of {today} (seed {args.seed}), to {out}:")
    for path in counts.paths:
        print(f"  {path.name:<16} {rows[path.name]}")
    if agency is not None and args.snapshots is not None:
        _write_snapshots(agency, today, args.snapshots)
    return EXIT_CLEAN


def _write_snapshots(agency: Any, today: date, folder: Path) -> None:
    from engine.importing.sample_snapshots import write_snapshot_series

    try:
        files = write_snapshot_series(agency.clients, agency.events, today, folder)
    except OSError as exc:
        raise BadInput(f"cannot write the monthly client lists to {folder}: {reason(exc)}") from None
    print(f"Wrote {len(files)} monthly client lists (as HubSpot exports them) to {folder}, for a demo of import:")
    print(f"  partner-dash import {files[0]} --into DIR --as-of {files[0].stem.removeprefix('client-list-')}")
    print("  ... then each later file with its own --as-of day, oldest first.")


def _agency_name(text: str | None) -> str:
    if text is None:
        return AGENCY_NAME
    name = text.strip()
    if not name:
        raise BadInput("--name must not be empty")
    if not name.isprintable():
        raise BadInput(f"--name {text!r} has a line break or control character")
    if len(name) > MAX_NAME:
        raise BadInput(f"--name is {len(name)} characters long (at most {MAX_NAME})")
    return name


def _seed_arg(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None


def register(sub: argparse._SubParsersAction[Parser]) -> None:
    validate = sub.add_parser(
        "validate",
        help="check a data folder and report every problem",
        description=(
            "Load a data folder as the app would and report every problem as file:line: column: message, "
            "then what loaded and what was skipped. Exit status: 0 clean, 1 warnings only, 2 errors. "
            "The format is described in DATA.md."
        ),
    )
    validate.add_argument("folder", metavar="DIR", type=Path, help="the agency's data folder")
    add_rules_options(validate)
    validate.add_argument("--json", action="store_true", help="machine-readable output")
    validate.set_defaults(run=run_validate)

    sample = sub.add_parser(
        "sample",
        help="write a synthetic agency's data folder",
        description="Write a realistic synthetic agency in the data folder format: the same arguments always "
        "write the same agency.",
    )
    sample.add_argument("--clients", type=count_arg, default=150, metavar="N", help="number of clients (10-100,000)")
    sample.add_argument("--seed", type=_seed_arg, default=1, metavar="S", help="random seed (default 1)")
    sample.add_argument("--out", type=Path, required=True, metavar="DIR", help="the folder to write")
    sample.add_argument(
        "--today", dest="sample_today", type=day_arg, metavar="YYYY-MM-DD", help="the agency's today (default: today)"
    )
    sample.add_argument(
        "--name", metavar="NAME", help=f"the agency's name, so samples can be told apart (default {AGENCY_NAME!r})"
    )
    sample.add_argument("--force", action="store_true", help="write into a non-empty folder that is not a sample")
    sample.add_argument(
        "--snapshots",
        type=Path,
        metavar="DIR",
        help="also write the agency's client list on the first of each of the last 12 months, for a demo of import",
    )
    sample.set_defaults(run=run_sample)
