"""The `partner-dash` console script: no subcommand starts the app; every other command is the engine's.

The headless commands (`engine.cli`) never import Textual; this launcher adds the two things only the app has:
the app itself and `keys` (the app's bindings). `partner-dash report ...` therefore loads no Textual either:
the app's modules are imported only when the app (or `keys`) runs.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from engine import cli

# Commands that live above the engine: name -> module with `register(subparsers)`.
APP_COMMANDS = {"keys": "tui.cli_keys"}


def run_app(args: argparse.Namespace) -> int:
    # The look for a kept first screen, before Textual is imported; with none kept, a helper process works one out on
    # another core while Textual is imported and the first frame drawn (tui.first_screen_helper).
    from tui.first_screen_helper import first_look

    look = first_look(args)
    try:
        from tui.app import run  # imported only now, so the scriptable commands never load Textual

        return run(args, look)
    finally:
        if look is not None:
            look.stop()


def main(argv: Sequence[str] | None = None) -> int:
    return cli.main(argv, extra_commands=APP_COMMANDS, app=run_app)


if __name__ == "__main__":
    sys.exit(main())
