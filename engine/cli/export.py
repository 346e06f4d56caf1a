"""`partner-dash export KIND`: the rows behind a figure, written to a CSV, XLSX or JSON file.

The same query as `report` (engine.reports.rows.report_rows), written by engine.storage.exports.write_export: sanitised
name, never overwriting without --overwrite, atomic, formula-safe, recorded in the export history.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from engine.cli import Parser, print_json
from engine.cli.progress import Progress
from engine.cli.report import add_report_options, report_inputs
from engine.reports.rows import FIGURES, report_rows
from engine.storage.config import load_config
from engine.storage.exports import FORMATS, write_export
from engine.storage.store import Store


def run_export(args: argparse.Namespace) -> int:
    inputs = report_inputs(args)
    table = report_rows(args.kind, inputs, args.figure)
    folder: Path = args.out if args.out is not None else load_config()[0].export_dir
    with Progress("Exporting rows", len(table.rows) + 1) as progress:
        path = write_export(
            table.columns,
            progress.track(table.cells()),
            folder,
            args.name,
            args.format,
            overwrite=args.overwrite,
            store=Store(),
            kind=f"{table.kind}/{table.figure}",
            data_rows=len(table.rows),
        )
    if args.json:
        print_json({"path": str(path), "kind": table.kind, "figure": table.figure, "rows": len(table.rows)})
    else:
        print(f"Exported {len(table.rows):,} rows ({table.kind}: {table.figure}) to {path}")
    return 0


def register(sub: argparse._SubParsersAction[Parser]) -> None:
    figures = "; ".join(f"{kind}: {', '.join(names)}" for kind, names in FIGURES.items())
    export = sub.add_parser(
        "export",
        help="export the rows behind a figure (CSV, XLSX, JSON)",
        description="Write the unsummarized rows behind one of the dashboard's figures to a file in the export "
        "folder (see partner-dash locate) or --out DIR. An existing file is never overwritten without "
        "--overwrite.",
    )
    add_report_options(export)
    export.add_argument("--figure", metavar="NAME", help=f"which figure's rows (default: the first). {figures}")
    export.add_argument("--format", required=True, choices=FORMATS, help="file format")
    export.add_argument("--name", required=True, help="file name (the extension is added)")
    export.add_argument("--out", type=Path, metavar="DIR", help="folder to write to (default: the export folder)")
    export.add_argument("--overwrite", action="store_true", help="replace a file of the same name")
    export.add_argument("--json", action="store_true", help="print the result as JSON")
    export.set_defaults(run=run_export)
