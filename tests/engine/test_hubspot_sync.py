"""`partner-dash sync hubspot` against a local fake of HubSpot's CRM API: property discovery, paging, rate
limits, refused tokens, server errors and a dropped connection. The folder changes only if the whole list
was read."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from engine.importing.client_list import ColumnMapping, parse_clients
from engine.sync.hubspot import HubSpotClient, SyncError, partner_clients_table
from tests.fake_hubspot import TOKEN, FakeHubSpot, Step, record, serving

RECORDS = [
    record(101, "Acme Ltd", "United States", "USD", "500", "Sold and managed", "Partner Collab"),
    record(102, "Beta GmbH", "Germany", "EUR", "880", "managed", "DIFM"),
    record(103, "Gamma", "USA", "USD", "800", "sold", "sourced"),
    record(104, "Delta", "India", "USD", "300", "both", "sourced"),
    record(105, "Epsilon", "Viet Nam", "USD", "120", "managed", "assisted"),
]


@pytest.fixture
def fake() -> Iterator[FakeHubSpot]:
    with serving(FakeHubSpot(list(RECORDS), page_size=2)) as server:
        yield server


def client(fake: FakeHubSpot, waits: list[float], token: str = TOKEN) -> HubSpotClient:
    return HubSpotClient(fake.base_url, token, sleep=waits.append, timeout=5)


def test_properties_are_discovered_and_every_page_is_read(fake: FakeHubSpot) -> None:
    waits: list[float] = []
    table = partner_clients_table(client(fake, waits), ColumnMapping())
    listed = parse_clients(table, ColumnMapping(), frozenset({"USD", "EUR"}))
    assert [(c.id, c.name, c.country, c.mrr) for c in listed.clients] == [
        ("101", "Acme Ltd", "US", 500),
        ("102", "Beta GmbH", "DE", 880),
        ("103", "Gamma", "US", 800),
        ("104", "Delta", "IN", 300),
        ("105", "Epsilon", "VN", 120),
    ]
    paths = [(path, query.get("after")) for path, query, _ in fake.requests]
    assert paths == [
        ("/crm/v3/properties/partner_clients", None),
        ("/crm/v3/objects/partner_clients", None),
        ("/crm/v3/objects/partner_clients", ["2"]),
        ("/crm/v3/objects/partner_clients", ["4"]),
    ]
    query = fake.requests[1][1]
    assert query["limit"] == ["100"]
    # Only the properties that feed a field are asked for.
    assert query["properties"] == ["hs_name,hs_country,hs_currency_code,hs_mrr,hs_partner_relationship,hs_deal_type"]
    assert all(auth == f"Bearer {TOKEN}" for _, _, auth in fake.requests)
    assert waits == []


def test_a_mapping_may_name_a_property_by_its_name(fake: FakeHubSpot) -> None:
    mapping = ColumnMapping({"name": "hs_notes"})
    table = partner_clients_table(client(fake, []), mapping)
    listed = parse_clients(table, mapping, frozenset({"USD", "EUR"}))
    assert {c.name for c in listed.clients} == {"not asked for"}


def test_429_waits_for_retry_after_and_5xx_is_retried_with_backoff(fake: FakeHubSpot) -> None:
    fake.script = [
        Step(status=429, headers={"Retry-After": "3"}),
        Step(),
        Step(status=503),
        Step(status=502),
    ]
    waits: list[float] = []
    table = partner_clients_table(client(fake, waits), ColumnMapping())
    assert len(table.rows) == 5
    assert waits == [3.0, 1.0, 2.0]


def test_5xx_is_retried_a_bounded_number_of_times(fake: FakeHubSpot) -> None:
    fake.script = [Step(status=500)] * 10
    waits: list[float] = []
    with pytest.raises(SyncError, match=r"^HubSpot answered 500 to GET /crm/v3/properties/partner_clients"):
        partner_clients_table(client(fake, waits), ColumnMapping())
    assert waits == [1.0, 2.0, 4.0]


@pytest.mark.parametrize("status", [401, 403])
def test_a_refused_token_names_the_scope_it_needs(fake: FakeHubSpot, status: int) -> None:
    fake.script = [
        Step(
            status=status,
            body={
                "status": "error",
                "message": "This app hasn't been granted all required scopes",
                "category": "MISSING_SCOPES",
            },
        )
    ]
    with pytest.raises(SyncError) as caught:
        partner_clients_table(client(fake, []), ColumnMapping())
    message = str(caught.value)
    assert f"HubSpot answered {status}" in message
    assert "scope crm.objects.partner-clients.read" in message
    assert TOKEN not in message


def test_a_connection_dropped_mid_answer_is_a_network_error(fake: FakeHubSpot) -> None:
    fake.script = [Step(), Step(drop=True)]
    with pytest.raises(SyncError, match=r"^network error talking to 127\.0\.0\.1"):
        partner_clients_table(client(fake, []), ColumnMapping())


def test_a_remote_base_url_must_be_https() -> None:
    with pytest.raises(SyncError, match="must be https"):
        HubSpotClient("http://api.example.com", TOKEN)


# --- the command -----------------------------------------------------------------------------------------


def sync(folder: Path, fake: FakeHubSpot, *extra: str, token: str | None = TOKEN) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "HUBSPOT_ACCESS_TOKEN"}
    if token is not None:
        env["HUBSPOT_ACCESS_TOKEN"] = token
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "engine.cli",
            "sync",
            "hubspot",
            "--into",
            str(folder),
            "--base-url",
            fake.base_url,
            *extra,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def snapshot_of(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_sync_writes_todays_snapshot(fake: FakeHubSpot, tmp_path: Path) -> None:
    folder = tmp_path / "agency"
    done = sync(folder, fake, "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["clients"] == {"new": 5, "changed": 0, "gone": 0, "unchanged": 0}
    assert (folder / "snapshots" / f"{date.today()}.csv").is_file()
    assert TOKEN not in "".join(p.read_text() for p in folder.rglob("*") if p.is_file())
    assert TOKEN not in done.stdout + done.stderr


@pytest.mark.parametrize(
    ("steps", "token", "says"),
    [
        ([Step(), Step(), Step(drop=True)], TOKEN, "network error talking to 127.0.0.1"),
        ([], "wrong-token", "HubSpot answered 401 (the token was refused): HUBSPOT_ACCESS_TOKEN must hold"),
        ([Step(), Step(status=403)], TOKEN, "scope crm.objects.partner-clients.read"),
        ([], None, "no access token: set the environment variable HUBSPOT_ACCESS_TOKEN"),
    ],
)
def test_a_failed_sync_is_one_line_exit_2_and_the_folder_unchanged(
    fake: FakeHubSpot, tmp_path: Path, steps: list[Step], token: str | None, says: str
) -> None:
    folder = tmp_path / "agency"
    first = sync(folder, fake)
    assert first.returncode == 0, first.stderr
    before = snapshot_of(folder)
    fake.records[0] = record(101, "Acme Ltd", "United States", "USD", "900", "Sold and managed", "Partner Collab")
    fake.script = list(steps)
    done = sync(folder, fake, "--as-of", "2099-01-01", token=token)
    assert done.returncode == 2
    lines = done.stderr.splitlines()
    assert len(lines) == 2 and says in lines[0], done.stderr
    assert lines[1] == "partner-dash sync hubspot: nothing was written"
    assert snapshot_of(folder) == before
