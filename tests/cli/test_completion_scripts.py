"""Each completion script offers every subcommand (at every level) and every option the parser has, in that
subcommand's own place: read from the scripts' text, so no shell is needed and nothing here can skip.

The parser is walked here on its own (not through engine.cli.completion's walk), so a command or an option the
generator misses fails this test. The shells' own tests (test_cli_manners) run the scripts where the shells exist.
"""

from __future__ import annotations

import argparse
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from engine.cli import build_parser
from engine.cli.completion import SHELLS, completion_script

PROG = "partner-dash"


def walk(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    """Every parser under the program's, with the subcommand words that lead to it."""
    yield path, parser
    for action in parser._actions:  # argparse has no public walk; completion tools all read its actions
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from walk(sub, (*path, name))


def shown_options(parser: argparse.ArgumentParser) -> set[str]:
    return {flag for a in parser._actions if a.help is not argparse.SUPPRESS for flag in a.option_strings}


def subcommands(parser: argparse.ArgumentParser) -> set[str]:
    return {name for a in parser._actions if isinstance(a, argparse._SubParsersAction) for name in a.choices}


# --- what each script offers where -------------------------------------------------------------------------


def bash_offers(script: str, command: str) -> set[str]:
    match = re.search(rf'^ +"{re.escape(command)}"\) COMPREPLY=\(\$\(compgen -W "([^"]*)"', script, re.MULTILINE)
    assert match, f"bash: no completion for {command!r}"
    return set(match.group(1).split())


def zsh_offers(script: str, command: str) -> set[str]:
    if command:
        match = re.search(rf"^ +{re.escape(command)}\) _arguments (.*) ;;$", script, re.MULTILINE)
        assert match, f"zsh: no completion for {command!r}"
        specs = match.group(1)
    else:
        specs = script[script.index("_arguments -C") : script.index("'1: :->command'")]
        commands = script[script.index("commands=(") : script.index("    )")]
        specs += " ".join(f"'1:x:({name})'" for name in re.findall(r"^ +'([\w-]+):", commands, re.MULTILINE))
    flags = set(re.findall(r"'(-{1,2}[\w-]+)\[", specs))
    words = {word for group in re.findall(r"'1:[^:']*:\(([^)]*)\)'", specs) for word in group.split()}
    return flags | words


def fish_offers(script: str, command: str, names: set[str]) -> set[str]:
    condition = (
        f"__fish_seen_subcommand_from {command}"
        if command
        else f"not __fish_seen_subcommand_from {' '.join(sorted(names))}"
    )
    offered: set[str] = set()
    for line in script.splitlines():
        match = re.match(rf"complete -c {PROG} -n '([^']*)' (.*)$", line)
        if not match or (sorted(match.group(1).split()) != sorted(condition.split())):
            continue
        rest = match.group(2)
        offered |= {f"--{flag}" for flag in re.findall(r"-l (\S+)", rest)}
        offered |= {f"-{flag}" for flag in re.findall(r"-s (\S)", rest)}
        values = re.match(r"-a ('[^']*'|\S+)", rest)
        if values:
            offered |= set(values.group(1).strip("'").split())
    return offered


@pytest.mark.parametrize("shell", SHELLS)
def test_every_subcommand_and_option_of_the_parser_is_offered_in_its_place(shell: str) -> None:
    script = completion_script(shell)
    parser = build_parser(["--help"])
    names = subcommands(parser)
    assert {"calc", "report", "export", "import", "sync", "lists", "completion"} <= names
    checked = 0
    for path, sub in walk(parser):
        # A subcommand's own actions (`lists show`) are offered where the subcommand is: words and options.
        command = path[0] if path else ""
        expected = shown_options(sub) | (subcommands(sub) if len(path) <= 1 else set())
        if shell == "bash":
            offered = bash_offers(script, command)
        elif shell == "zsh":
            offered = zsh_offers(script, command)
        else:
            offered = fish_offers(script, command, names)
        missing = expected - offered
        assert not missing, f"{shell}: {' '.join((PROG, *path))} does not offer {sorted(missing)}"
        checked += 1
    assert checked == 1 + len(names) + 3  # the program, its subcommands, and lists list|show|delete


def test_a_hidden_option_is_not_offered() -> None:
    # --as-of on sync is for tests (help=SUPPRESS): no script offers it there.
    parser = build_parser(["--help"])
    sync = dict(walk(parser))[("sync",)]
    assert "--as-of" in {flag for a in sync._actions for flag in a.option_strings}
    assert "--as-of" not in shown_options(sync)
    assert "--as-of" not in bash_offers(completion_script("bash"), "sync")


def test_bash_completes_the_actions_of_lists(tmp_path: Path) -> None:
    script = tmp_path / "partner-dash.bash"
    script.write_text(completion_script("bash"), encoding="utf-8")
    program = (
        f"source {script}\nCOMP_WORDS=(partner-dash lists '')\nCOMP_CWORD=2\n_partner_dash\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    done = subprocess.run(["bash", "-c", program], capture_output=True, text=True, timeout=30, check=True)
    assert {"list", "show", "delete"} <= set(done.stdout.split())
