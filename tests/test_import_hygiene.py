"""The engine is headless: importing every engine module pulls in neither Textual nor Rich."""

import subprocess
import sys

SCRIPT = """
import importlib, pkgutil, sys
import engine
for module in pkgutil.walk_packages(engine.__path__, "engine."):
    importlib.import_module(module.name)
# `partner-dash --help` (the launcher) registers every command, the app's `keys` included, without loading the app.
from engine.cli import build_parser
from tui.launcher import APP_COMMANDS
build_parser(["--help"], APP_COMMANDS)
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("textual", "rich"))
print(",".join(loaded))
print(",".join(sorted(m for m in sys.modules if m.startswith("engine."))))
"""


def test_engine_imports_neither_textual_nor_rich() -> None:
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    ui_modules, engine_modules = done.stdout.split("\n")[:2]
    assert ui_modules == ""
    # The walk really imported the engine, the command line included.
    assert {"engine.cli", "engine.points.calculator", "engine.rules"} <= set(engine_modules.split(","))
