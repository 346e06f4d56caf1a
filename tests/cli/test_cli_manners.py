"""The command line's manners: --version, progress on stderr only for a person at a terminal, thousands
separators in text output (JSON keeps plain numbers), shell completion generated from the parser, and
`sample --name`."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from decimal import Decimal
from importlib.metadata import version
from pathlib import Path

import pytest

from engine.cli import number_text
from tests.cli_runner import on_a_terminal

CALC = ("calc", "--amount", "40000", "--currency", "USD", "--country", "US", "--deal-type", "sourced", "--manage")


def run(*args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "engine.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        **kwargs,  # type: ignore[call-overload]
    )


def test_version() -> None:
    done = run("--version")
    assert done.returncode == 0
    assert done.stdout == f"partner-dash {version('partner-dash')}\n"


def test_text_output_has_thousands_separators_and_json_keeps_plain_numbers() -> None:
    text = run(*CALC)
    assert text.returncode == 0, text.stderr
    rows = {
        line.split("  ")[0]: line.split()[2] for line in text.stdout.splitlines() if line.endswith("points") is False
    }
    assert rows["Sold points"] == "2,000.00"
    assert rows["Total points"] == "2,400.00"
    payload = json.loads(run(*CALC, "--json").stdout)
    assert payload["total_points"] == "2400.00"


def test_number_text_rounds_half_up_and_never_shows_minus_zero() -> None:
    assert number_text(Decimal("1783.165")) == "1,783.17"
    assert number_text("-1234567.891") == "-1,234,567.89"
    assert number_text(Decimal("-0.004")) == "0.00"
    assert number_text(Decimal(0)) == "0.00"


def test_sample_is_quiet_on_stderr_when_it_is_not_a_terminal(tmp_path: Path) -> None:
    done = run("sample", "--clients", "10", "--out", str(tmp_path / "agency"), "--today", "2026-11-26")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert "Wrote 'Northwind Digital'" in done.stdout


def test_sample_shows_progress_on_a_terminal_and_keeps_stdout_clean(tmp_path: Path) -> None:
    done, progress = on_a_terminal(
        [sys.executable, "-m", "engine.cli", "sample", "--clients", "10", "--out", str(tmp_path / "a")]
    )
    assert done.returncode == 0
    assert "Generating 10 clients" in progress
    assert f"Writing {tmp_path / 'a'}" in progress
    # The line is cleared at the end, and none of it went to stdout.
    assert progress.endswith("\r")
    assert "Generating" not in done.stdout


def test_sample_name_lets_agencies_differ(tmp_path: Path) -> None:
    done = run("sample", "--clients", "10", "--out", str(tmp_path / "b"), "--name", "Bluebird & Co")
    assert done.returncode == 0, done.stderr
    assert 'name = "Bluebird & Co"' in (tmp_path / "b" / "partner.toml").read_text(encoding="utf-8")
    summary = run("--data", str(tmp_path / "b"), "report", "summary")
    assert summary.stdout.startswith("Bluebird & Co, ")
    bad = run("sample", "--clients", "10", "--out", str(tmp_path / "c"), "--name", "two\nlines")
    assert bad.returncode == 2
    assert "--name 'two\\nlines' has a line break or control character" in bad.stderr


# --- completion ----------------------------------------------------------------------------------------------


def bash_complete(script: Path, line: str) -> list[str]:
    """What bash completes for `line` (the words typed so far, the last one being completed)."""
    words = line.split(" ")
    program = (
        f"source {script}\n"
        f"COMP_WORDS=({' '.join(repr(word) for word in words)})\n"
        f"COMP_CWORD={len(words) - 1}\n"
        "_partner_dash\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    done = subprocess.run(["bash", "-c", program], capture_output=True, text=True, timeout=30, check=True)
    return [word for word in done.stdout.splitlines() if word]


@pytest.fixture(scope="module")
def bash_script(tmp_path_factory: pytest.TempPathFactory) -> Path:
    done = run("completion", "bash")
    assert done.returncode == 0, done.stderr
    script = tmp_path_factory.mktemp("completion") / "partner-dash.bash"
    script.write_text(done.stdout, encoding="utf-8")
    return script


def test_bash_completes_commands_options_and_choices(bash_script: Path, tmp_path: Path) -> None:
    assert {"calc", "convert", "report", "export", "sample", "completion"} <= set(
        bash_complete(bash_script, "partner-dash ")
    )
    assert bash_complete(bash_script, "partner-dash --ver") == ["--version"]
    assert bash_complete(bash_script, "partner-dash sample --na") == ["--name"]
    assert bash_complete(bash_script, "partner-dash convert --to ") == ["currency", "points"]
    assert [w for w in bash_complete(bash_script, "partner-dash completion ") if w[0] != "-"] == ["bash", "zsh", "fish"]
    assert sorted(bash_complete(bash_script, "partner-dash export --format ")) == ["csv", "json", "xlsx"]
    # A folder option completes folders.
    (tmp_path / "agency-folder").mkdir()
    assert bash_complete(bash_script, f"partner-dash --data {tmp_path}/agency-f") == [f"{tmp_path}/agency-folder"]


def test_a_new_option_completes_without_editing_the_script() -> None:
    # The scripts are generated from the parser: every option of every command is in each of them.
    from engine.cli import build_parser
    from engine.cli.completion import SHELLS, commands, completion_script

    found = commands(build_parser(["--help"]))
    flags = {flag for command in found for option in command.options for flag in option.flags if flag.startswith("--")}
    assert {"--version", "--data", "--overwrite", "--legacy-upsell", "--name"} <= flags
    for shell in SHELLS:
        script = completion_script(shell)
        missing = {flag for flag in flags if (flag if shell != "fish" else f"-l {flag[2:]}") not in script}
        assert not missing, (shell, missing)


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_each_script_is_valid_for_its_shell(shell: str, tmp_path: Path) -> None:
    if shutil.which(shell) is None:
        pytest.skip(f"{shell} is not installed")
    script = tmp_path / f"partner-dash.{shell}"
    script.write_text(run("completion", shell).stdout, encoding="utf-8")
    check = subprocess.run([shell, "-n", str(script)], capture_output=True, text=True, timeout=30)
    assert check.returncode == 0, check.stderr


def test_zsh_completes_subcommands_with_their_help() -> None:
    if shutil.which("zsh") is None:
        pytest.skip("zsh is not installed")
    script = run("completion", "zsh").stdout
    assert script.startswith("#compdef partner-dash\n")
    # The help strings survive zsh's quoting: an apostrophe and brackets included.
    program = (
        script.replace('_partner_dash "$@"\n', "") + "print -rl -- ${(f)\"$(functions _partner_dash)\"} | grep -c ''\n"
    )
    done = subprocess.run(["zsh", "-fc", program], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr


def test_fish_lists_the_subcommands() -> None:
    if shutil.which("fish") is None:
        pytest.skip("fish is not installed")
    script = run("completion", "fish").stdout
    program = script + "complete -C 'partner-dash '\n"
    done = subprocess.run(["fish", "--no-config", "-c", program], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    offered = {line.split("\t")[0] for line in done.stdout.splitlines()}
    assert {"calc", "convert", "report", "export", "sample", "completion"} <= offered
