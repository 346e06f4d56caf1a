"""`partner-dash keys`: the ids the settings' [keys] table can use, from the app's own bindings."""

from __future__ import annotations

import json
import re
import shlex
import subprocess

from textual.binding import Binding

from tests.cli_runner import CLI
from tests.cli_runner import run_cli as run
from tui.key_ids import RENAMED_IDS, key_bindings
from tui.screens.main import MainScreen


def test_keys_lists_every_binding_id_once() -> None:
    done = run("keys", "--json")
    assert done.returncode == 0, done.stderr
    listed = json.loads(done.stdout)
    ids = [item["id"] for item in listed]
    assert ids == sorted(set(ids))
    by_id = {item["id"]: item for item in listed}
    assert by_id["app.show-lists"]["keys"] == "l"
    assert by_id["main.toggle-calculator"] == {
        "id": "main.toggle-calculator",
        "keys": "c",
        "description": "Calculator",
        "where": "Main screen",
    }
    # Screens imported only on first use are found too.
    assert "commission.explain" in by_id
    # Every id the main screen declares is there.
    main_ids = {binding.id for binding in MainScreen.BINDINGS if isinstance(binding, Binding)}
    assert main_ids <= set(ids)
    # One style: every id is `where.what` (ARCHITECTURE.md); the ids used before are not listed any more.
    assert all(re.fullmatch(r"[a-z-]+\.[a-z-]+", id) for id in ids), [id for id in ids if "." not in id]
    assert not set(ids) & set(RENAMED_IDS)
    assert set(RENAMED_IDS.values()) <= set(ids)


def test_keys_as_a_table_then_a_hint() -> None:
    done = run("keys")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["ID", "KEYS", "WHAT", "IT", "DOES", "WHERE"]
    assert any(line.split()[:2] == ["main.toggle-calculator", "c"] for line in lines)
    assert "[keys]" in lines[-1]
    assert len(lines) == len(key_bindings()) + 3


def test_a_closed_pipe_is_not_an_error() -> None:
    command = " ".join(shlex.quote(part) for part in (*CLI, "keys"))
    done = subprocess.run(f"{command} | head -1", shell=True, capture_output=True, text=True, timeout=60)
    assert done.stdout.startswith("ID")
    assert done.stderr == ""
