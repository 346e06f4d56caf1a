"""Rules of the code a reader can rely on, checked by reading the source (ARCHITECTURE.md "Framework edges").

- Tests go through public interfaces: no test reads or sets a private attribute (`obj._name`,
  `setattr(obj, "_name", ...)`) of anything but itself; Textual's privates are touched only in
  tests/tui/test_framework_edges.py, whose job it is.
- Widgets and screens reach the App through messages or what they are given, never by a string
  (`getattr(self.app, "...")`, `getattr(app.options, "...")`).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The app, or something reached through it: app, self.app, node.app.options.
APP = re.compile(r"(^|\.)app(\.|$)")
TESTS = ROOT / "tests"

# Whole files allowed to touch privates, and why.
PRIVATE_FILES = {
    "tests/tui/test_framework_edges.py": "checks the Textual privates tui/framework.py overrides",
    "tests/test_code_hygiene.py": "names what it looks for",
    "tests/cli/test_completion_scripts.py": "argparse lists a parser's options only as _actions (no public API)",
}
# Single reads allowed elsewhere, by (file, expression), and why.
PRIVATE_READS = {
    ("tests/engine/test_store.py", "store._connect"): "a second instance recovering the database at that moment",
    ("tests/engine/test_store.py", 'setattr(store, "_connect")'): "the same",
    ("tests/engine/test_config.py", 'setattr(atomic, "_fsync")'): "a full disk at the fsync",
}


def private_reads(path: Path) -> list[tuple[int, str]]:
    """(line, expression) of each private attribute of another object the module reads or sets."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
            owner = node.value
            if isinstance(owner, ast.Name) and owner.id in {"self", "cls"}:
                continue
            found.append((node.lineno, f"{ast.unparse(owner)}.{node.attr}"))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, (ast.Name, ast.Attribute))
            and (node.func.id if isinstance(node.func, ast.Name) else node.func.attr) in {"getattr", "setattr"}
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and isinstance(node.args[1].value, str)
            and node.args[1].value.startswith("_")
            and not node.args[1].value.startswith("__")
        ):
            call = node.func.id if isinstance(node.func, ast.Name) else node.func.attr
            found.append((node.lineno, f'{call}({ast.unparse(node.args[0])}, "{node.args[1].value}")'))
    return sorted(found)


def test_no_test_reads_a_private_attribute() -> None:
    reads = []
    for path in sorted(TESTS.rglob("*.py")):
        name = path.relative_to(ROOT).as_posix()
        if name in PRIVATE_FILES:
            continue
        reads += [f"{name}:{line}: {what}" for line, what in private_reads(path) if (name, what) not in PRIVATE_READS]
    assert reads == []


def test_the_check_sees_private_reads(tmp_path: Path) -> None:
    module = tmp_path / "example.py"
    module.write_text(
        "def f(app, table):\n"
        "    self._mine = 1\n"
        "    return app._notifications, table._cell_text(0), getattr(app, '_options'), table.view\n",
        encoding="utf-8",
    )
    assert private_reads(module) == [
        (3, "app._notifications"),
        (3, 'getattr(app, "_options")'),
        (3, "table._cell_text"),
    ]


def test_widgets_reach_the_app_without_strings() -> None:
    lookups = []
    for path in sorted((ROOT / "tui").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in {"getattr", "hasattr", "setattr"}
                and node.args
                and APP.search(ast.unparse(node.args[0]))
            ):
                lookups.append(f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(node)}")
    assert lookups == []
