"""The one way tests run the command line: the real console script's code in a subprocess, through
`sys.executable -m tui` (the launcher behind `partner-dash`), so no test depends on PATH or an activated venv."""

from __future__ import annotations

import os
import pty
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


def on_a_terminal(
    args: list[str], env: Mapping[str, str] | None = None
) -> tuple[subprocess.CompletedProcess[str], str]:
    """Run with stderr on a terminal (a pseudo-terminal) and stdout on a pipe: the result, and what the terminal
    was sent."""
    leader, follower = pty.openpty()
    try:
        done = subprocess.run(args, stdout=subprocess.PIPE, stderr=follower, text=True, timeout=120, env=env)
        os.close(follower)
        follower = -1
        shown = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the terminal's other end is closed: all read
                break
            if not chunk:
                break
            shown += chunk
    finally:
        if follower != -1:
            os.close(follower)
        os.close(leader)
    return done, shown.decode()
