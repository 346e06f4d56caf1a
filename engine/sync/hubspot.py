"""HubSpot's CRM API, read-only: the agency's Partner Clients records as a client list (engine.importing.client_list).

`GET /crm/v3/properties/partner_clients` names the properties and their labels; the properties that feed a
field are then read with `GET /crm/v3/objects/partner_clients?limit=100&properties=...`, page by page
following `paging.next.after`. The standard library's urllib is enough for two GET endpoints, and it costs
no dependency (hubspot-api-client is a 4.3 MB wheel pulling in urllib3 and dateutil, and slow to import).

Rate limits (429) wait for Retry-After; server errors (5xx) are retried a bounded number of times with
backoff; 401/403 and network errors end the sync with one line (SyncError). The token is only ever put in
the Authorization header: never in a message, a log or a file.
"""

from __future__ import annotations

import http.client
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from engine.importing.client_list import ColumnMapping, Header, RawTable, match_columns

DEFAULT_BASE_URL = "https://api.hubapi.com"
OBJECT_TYPE = "partner_clients"
SCOPE = "crm.objects.partner-clients.read"
PAGE_SIZE = 100
SOURCE_NAME = "HubSpot"
MAX_SERVER_RETRIES = 3
MAX_RATE_LIMIT_WAITS = 10
LONGEST_WAIT = 60.0  # seconds: a Retry-After longer than this is cut to it
MAX_PAGES = 100_000
_LOOPBACK = ("127.0.0.1", "localhost", "::1")


class SyncError(Exception):
    """The sync cannot go on; the message is one line saying why and what to do."""


def _clean(text: str, limit: int = 200) -> str:
    text = " ".join("".join(c if c.isprintable() else " " for c in text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class HubSpotClient:
    base_url: str
    token: str = field(repr=False)
    token_env: str = "HUBSPOT_ACCESS_TOKEN"
    sleep: Callable[[float], object] = time.sleep
    timeout: float = 30.0
    progress: Callable[[str], None] | None = None
    cancelled: Callable[[], bool] | None = None

    def __post_init__(self) -> None:
        parts = urllib.parse.urlsplit(self.base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise SyncError(f"--base-url {_clean(self.base_url)!r} is not an http(s) address")
        if parts.scheme == "http" and parts.hostname not in _LOOPBACK:
            raise SyncError("--base-url must be https (the token must not travel unencrypted)")
        self.base_url = self.base_url.rstrip("/")
        self.host = parts.hostname

    def _say(self, text: str) -> None:
        if self.progress is not None:
            self.progress(text)

    def get(self, path: str, query: Mapping[str, str] | None = None) -> dict[str, Any]:
        """One GET, as JSON, with the waits and retries described in the module docstring."""
        url = self.base_url + path + ("?" + urllib.parse.urlencode(query) if query else "")
        request = urllib.request.Request(
            url, headers={"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        )
        server_errors = rate_limits = 0
        while True:
            if self.cancelled is not None and self.cancelled():
                raise SyncError("cancelled: nothing was written")
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    body = response.read()
                break
            except urllib.error.HTTPError as exc:
                status = exc.code
                detail = _message(exc)
                if status in (401, 403):
                    why = "the token was refused" if status == 401 else "the token lacks a scope"
                    raise SyncError(
                        f"HubSpot answered {status} ({why}): {self.token_env} must hold a private app token with "
                        f"scope {SCOPE}{detail}"
                    ) from None
                if status == 429 and rate_limits < MAX_RATE_LIMIT_WAITS:
                    rate_limits += 1
                    wait = _retry_after(exc.headers.get("Retry-After"))
                    self._say(f"HubSpot's rate limit: waiting {wait:g} s")
                    self.sleep(wait)
                    continue
                if 500 <= status < 600 and server_errors < MAX_SERVER_RETRIES:
                    server_errors += 1
                    wait = float(2 ** (server_errors - 1))
                    self._say(f"HubSpot answered {status}: trying again in {wait:g} s")
                    self.sleep(wait)
                    continue
                raise SyncError(f"HubSpot answered {status} to GET {path}{detail}") from None
            except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
                reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
                raise SyncError(
                    f"network error talking to {self.host}: {_clean(str(reason)) or type(reason).__name__}; "
                    "nothing was written"
                ) from None
        try:
            data = json.loads(body)
        except ValueError:
            raise SyncError(f"HubSpot's answer to GET {path} is not JSON; nothing was written") from None
        if not isinstance(data, dict):
            raise SyncError(f"HubSpot's answer to GET {path} is not a JSON object; nothing was written")
        return data


def _message(exc: urllib.error.HTTPError) -> str:
    """HubSpot's own error message, if its body has one (as ': message')."""
    try:
        data = json.loads(exc.read() or b"{}")
    except (ValueError, OSError, http.client.HTTPException):
        return ""
    message = data.get("message") if isinstance(data, dict) else None
    return f": {_clean(message)}" if isinstance(message, str) and message.strip() else ""


def _retry_after(value: str | None) -> float:
    try:
        seconds = float(value) if value is not None else 1.0
    except ValueError:
        seconds = 1.0
    return min(max(seconds, 0.0), LONGEST_WAIT)


def _bad(what: str) -> SyncError:
    return SyncError(f"HubSpot's answer does not have the expected shape ({what}); nothing was written")


def discover_properties(client: HubSpotClient) -> list[Header]:
    """The partner_clients properties as headers: the label shown, matched by label or by property name."""
    client._say("Reading the Partner Clients properties")
    data = client.get(f"/crm/v3/properties/{OBJECT_TYPE}")
    results = data.get("results")
    if not isinstance(results, list):
        raise _bad("properties: no 'results' list")
    headers = [Header("Record ID", ("hs_object_id", "id"))]
    for item in results:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise _bad("a property without a name")
        name = item["name"]
        if name == "hs_object_id":
            continue
        label = item.get("label")
        headers.append(Header(label if isinstance(label, str) and label.strip() else name, (name,)))
    return headers


def partner_clients_table(client: HubSpotClient, mapping: ColumnMapping) -> RawTable:
    """Every Partner Clients record, as a table of the properties that feed a field; SyncError unless every
    page was read."""
    headers = discover_properties(client)
    index, _ = match_columns(headers, mapping)
    used = sorted(set(index.values()))
    columns = [headers[i] for i in used]
    names = [h.aliases[0] for h in columns if h.text != "Record ID"]
    rows: list[tuple[str, list[str]]] = []
    after: str | None = None
    seen_cursors: set[str] = set()
    for page in range(1, MAX_PAGES + 1):
        query = {"limit": str(PAGE_SIZE), "archived": "false"}
        if names:
            query["properties"] = ",".join(names)
        if after is not None:
            query["after"] = after
        client._say(f"Reading Partner Clients, page {page} ({len(rows)} records so far)")
        data = client.get(f"/crm/v3/objects/{OBJECT_TYPE}", query)
        results = data.get("results")
        if not isinstance(results, list):
            raise _bad("records: no 'results' list")
        for record in results:
            if not isinstance(record, dict) or not isinstance(record.get("id"), str | int):
                raise _bad("a record without an id")
            properties = record.get("properties") or {}
            if not isinstance(properties, dict):
                raise _bad("a record's properties are not an object")
            cells = []
            for header in columns:
                if header.text == "Record ID":
                    cells.append(str(record["id"]))
                    continue
                value = properties.get(header.aliases[0])
                cells.append("" if value is None else str(value))
            rows.append((f"{SOURCE_NAME} partner client {record['id']}", cells))
        paging = data.get("paging")
        next_page = paging.get("next") if isinstance(paging, dict) else None
        cursor = next_page.get("after") if isinstance(next_page, dict) else None
        if cursor is None or cursor == "":
            return RawTable(SOURCE_NAME, columns, rows)
        cursor = str(cursor)
        if cursor in seen_cursors:
            raise _bad("paging.next.after repeats a page")
        seen_cursors.add(cursor)
        after = cursor
    raise _bad(f"more than {MAX_PAGES} pages")
