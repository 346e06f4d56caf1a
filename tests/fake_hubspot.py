"""A local stand-in for HubSpot's CRM API (the partner_clients endpoints of its public OpenAPI spec).

`GET /crm/v3/properties/partner_clients` -> {"results": [{"name", "label", "type", ...}]};
`GET /crm/v3/objects/partner_clients?limit&after&properties` -> {"results": [{"id", "properties", ...}],
"paging": {"next": {"after", "link"}}}; errors as {"status": "error", "message", "category"}.

Runs in a thread on 127.0.0.1 with a free port. `script` lists what the next requests get instead of the normal
answer (429 with Retry-After, 401, 403, a 5xx, a connection dropped mid-answer), in order.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

TOKEN = "pat-na1-test-token-0000"

PROPERTIES = [
    {"name": "hs_object_id", "label": "Record ID", "type": "number", "fieldType": "number"},
    {"name": "hs_name", "label": "Company name", "type": "string", "fieldType": "text"},
    {"name": "hs_country", "label": "Country/Region", "type": "string", "fieldType": "text"},
    {"name": "hs_currency_code", "label": "Currency", "type": "enumeration", "fieldType": "select"},
    {"name": "hs_mrr", "label": "Monthly recurring revenue", "type": "number", "fieldType": "number"},
    {"name": "hs_partner_relationship", "label": "Relationship", "type": "enumeration", "fieldType": "select"},
    {"name": "hs_deal_type", "label": "Deal type", "type": "enumeration", "fieldType": "select"},
    {"name": "hs_notes", "label": "Notes", "type": "string", "fieldType": "textarea"},
]


def record(
    record_id: int, name: str, country: str, currency: str, mrr: str, relationship: str, deal: str
) -> dict[str, Any]:
    return {
        "id": str(record_id),
        "properties": {
            "hs_object_id": str(record_id),
            "hs_name": name,
            "hs_country": country,
            "hs_currency_code": currency,
            "hs_mrr": mrr,
            "hs_partner_relationship": relationship,
            "hs_deal_type": deal,
            "hs_notes": "not asked for",
        },
        "createdAt": "2025-01-01T00:00:00Z",
        "updatedAt": "2026-11-01T00:00:00Z",
        "archived": False,
    }


@dataclass
class Step:
    """What one request gets instead of its normal answer."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: dict[str, Any] | None = None
    drop: bool = False  # send part of a 200 answer, then close the connection


@dataclass
class FakeHubSpot:
    records: list[dict[str, Any]]
    page_size: int = 2
    script: list[Step] = field(default_factory=list)
    requests: list[tuple[str, dict[str, list[str]], str]] = field(default_factory=list)  # path, query, auth
    base_url: str = ""

    def answer(self, path: str, query: dict[str, list[str]]) -> tuple[int, dict[str, Any]]:
        if path == "/crm/v3/properties/partner_clients":
            return 200, {"results": PROPERTIES}
        if path != "/crm/v3/objects/partner_clients":
            return 404, {"status": "error", "message": "not found", "category": "OBJECT_NOT_FOUND"}
        limit = min(int(query.get("limit", ["10"])[0]), self.page_size)
        start = int(query.get("after", ["0"])[0])
        wanted = query.get("properties", [""])[0].split(",")
        page = []
        for item in self.records[start : start + limit]:
            properties = {k: v for k, v in item["properties"].items() if k in wanted or k == "hs_object_id"}
            page.append({**item, "properties": properties})
        body: dict[str, Any] = {"results": page}
        if start + limit < len(self.records):
            after = str(start + limit)
            body["paging"] = {"next": {"after": after, "link": f"{self.base_url}{path}?after={after}"}}
        return 200, body


def _handler(fake: FakeHubSpot) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            query = parse_qs(parts.query)
            auth = self.headers.get("Authorization", "")
            fake.requests.append((parts.path, query, auth))
            if auth != f"Bearer {TOKEN}":
                self._send(
                    401,
                    {
                        "status": "error",
                        "message": "Authentication credentials not found.",
                        "category": "INVALID_AUTHENTICATION",
                    },
                )
                return
            if fake.script:
                step = fake.script.pop(0)
                if step.drop:
                    body = json.dumps(fake.answer(parts.path, query)[1]).encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body[: len(body) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                if step.status != 200:
                    self._send(step.status, step.body or {"status": "error", "message": "scripted"}, step.headers)
                    return
            status, body = fake.answer(parts.path, query)
            self._send(status, body)

        def _send(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)

    return Handler


@contextmanager
def serving(fake: FakeHubSpot) -> Iterator[FakeHubSpot]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    fake.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
