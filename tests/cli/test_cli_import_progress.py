"""`import` and `sync hubspot` tell a person at a terminal what they are doing, on stderr, as `sample`, `validate`
and `export` do (engine.cli.progress); a script reading a pipe gets nothing extra, and stdout is the result alone."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from tests.cli_runner import on_a_terminal
from tests.fake_hubspot import TOKEN, FakeHubSpot, Step, record, serving

LIST = (
    "Record ID,Company name,Country/Region,Currency,Monthly recurring revenue,Relationship,Deal type\n"
    "101,Acme Ltd,United States,USD,500,Sold and managed,Partner Collab\n"
    "102,Beta GmbH,Germany,EUR,880,managed,DIFM\n"
    "103,Gamma,USA,USD,800,sold,sourced\n"
)
RECORDS = [
    record(101, "Acme Ltd", "United States", "USD", "500", "Sold and managed", "Partner Collab"),
    record(102, "Beta GmbH", "Germany", "EUR", "880", "managed", "DIFM"),
    record(103, "Gamma", "USA", "USD", "800", "sold", "sourced"),
    record(104, "Delta", "India", "USD", "300", "both", "sourced"),
    record(105, "Epsilon", "Viet Nam", "USD", "120", "managed", "assisted"),
]


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "engine.cli", *args]


def on_a_pipe(args: list[str], env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, timeout=120, env=env)


def import_args(tmp_path: Path) -> list[str]:
    clients = tmp_path / "clients.csv"
    clients.write_text(LIST, encoding="utf-8")
    return command("import", str(clients), "--into", str(tmp_path / "agency"), "--as-of", "2026-10-01")


def test_import_shows_each_step_on_a_terminal_and_keeps_stdout_clean(tmp_path: Path) -> None:
    done, shown = on_a_terminal(import_args(tmp_path))
    assert done.returncode == 0, shown
    assert f"Reading {tmp_path / 'clients.csv'}" in shown
    assert f"Comparing 3 clients with the latest snapshot in {tmp_path / 'agency'}" in shown
    assert f"into {tmp_path / 'agency'}" in shown and "Writing " in shown
    assert shown.endswith("\r")  # the line is cleared at the end
    assert done.stdout.startswith("Imported ") and "Reading" not in done.stdout and "Comparing" not in done.stdout


def test_import_is_quiet_on_stderr_when_it_is_not_a_terminal(tmp_path: Path) -> None:
    done = on_a_pipe(import_args(tmp_path))
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert done.stdout.startswith("Imported ")


def test_a_failed_import_clears_the_line_before_it_says_what_is_wrong(tmp_path: Path) -> None:
    clients = tmp_path / "clients.csv"
    clients.write_text(LIST.replace("USD,500", "XXX,500"), encoding="utf-8")
    done, shown = on_a_terminal(command("import", str(clients), "--into", str(tmp_path / "agency")))
    assert done.returncode == 2
    assert "partner-dash import: nothing was written" in shown
    before = shown[: shown.index("partner-dash import:")]
    # "Reading …" was drawn, then overwritten with spaces and the cursor taken back: the problem starts a clean line.
    assert "Reading" in before and before.endswith("\r") and before.split("\r")[-2].strip() == ""


@pytest.fixture
def fake() -> Iterator[FakeHubSpot]:
    with serving(FakeHubSpot(list(RECORDS), page_size=2)) as server:
        yield server


def sync_args(fake: FakeHubSpot, folder: Path) -> tuple[list[str], dict[str, str]]:
    env = {**os.environ, "HUBSPOT_ACCESS_TOKEN": TOKEN}
    return command("sync", "hubspot", "--into", str(folder), "--base-url", fake.base_url), env


def test_sync_shows_the_pages_it_reads_on_a_terminal(fake: FakeHubSpot, tmp_path: Path) -> None:
    args, env = sync_args(fake, tmp_path / "agency")
    done, shown = on_a_terminal(args, env)
    assert done.returncode == 0, shown
    assert "Connecting to HubSpot" in shown
    # Five records, two to a page.
    assert "Reading Partner Clients, page 3 (4 records so far)" in shown
    assert "Checking 5 Partner Clients records" in shown
    assert "Comparing 5 clients with the latest snapshot" in shown
    assert shown.endswith("\r")
    assert done.stdout.startswith("Imported HubSpot") and "Reading" not in done.stdout


def test_sync_is_quiet_on_a_pipe_and_a_wait_is_said_on_a_line_of_its_own(fake: FakeHubSpot, tmp_path: Path) -> None:
    args, env = sync_args(fake, tmp_path / "agency")
    quiet = on_a_pipe(args, env)
    assert quiet.returncode == 0, quiet.stderr
    assert quiet.stderr == ""
    fake.records[0] = record(101, "Acme Ltd", "United States", "USD", "900", "Sold and managed", "Partner Collab")
    fake.script = [Step(), Step(status=429, headers={"Retry-After": "0"})]
    waited = on_a_pipe([*args, "--as-of", "2099-01-01"], env)
    assert waited.returncode == 0, waited.stderr
    assert waited.stderr == "partner-dash sync hubspot: HubSpot's rate limit: waiting 0 s\n"
    fake.script = [Step(), Step(status=429, headers={"Retry-After": "0"})]
    done, shown = on_a_terminal([*args, "--as-of", "2099-02-01"], env)
    assert done.returncode == 0, shown
    # The progress line is cleared first, so the wait does not run into it.
    assert "\rpartner-dash sync hubspot: HubSpot's rate limit: waiting 0 s\r\n" in shown
