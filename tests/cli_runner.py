"""The one way tests run the command line: the real console script's code in a subprocess, through
`sys.executable -m tui` (the launcher behind `partner-dash`), so no test depends on PATH or an activated venv."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

CLI = (sys.executable, "-m", "tui")
REPO = Path(__file__).resolve().parent.parent


def run_cli(
    *args: str, timeout: float = 120, input: str | None = None, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args], capture_output=True, text=True, timeout=timeout, input=input, env=env, cwd=REPO
    )
