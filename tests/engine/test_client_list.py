"""Reading an agency's client list as exports come: encodings, separators, XLSX, header spellings, a mapping
file, and every problem at once as FILE:line: column: message."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook  # type: ignore[import-untyped]

from engine.data.models import Relationship
from engine.importing.client_list import ClientListError, ColumnMapping, read_client_list, read_mapping
from engine.vocabulary import DealType

CURRENCIES = frozenset({"USD", "EUR", "GBP", "AUD", "CAD"})
HEADER = [
    "Record ID",
    "Company name",
    "Country/Region",
    "Currency",
    "Monthly recurring revenue",
    "Relationship",
    "Deal type",
]
ROWS = [
    ["101", "Café Müller", "Germany", "EUR", "1,200.50", "Sold and managed", "Partner Collab"],
    ["102", "Acme; Ltd", "UK", "GBP", "500", "managed", "DIFM"],
]


def write_csv(path: Path, delimiter: str, encoding: str, bom: bytes = b"") -> Path:
    lines = [delimiter.join(f'"{cell}"' if delimiter in cell else cell for cell in row) for row in [HEADER, *ROWS]]
    path.write_bytes(bom + ("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def check(listed_path: Path, sheet: str | None = None) -> None:
    listed = read_client_list(listed_path, ColumnMapping(), CURRENCIES, sheet)
    first, second = listed.clients
    assert (first.id, first.name, first.country, first.currency, first.mrr) == (
        "101",
        "Café Müller",
        "DE",
        "EUR",
        Decimal("1200.50"),
    )
    assert (first.relationship, first.deal_type) == (Relationship.BOTH, DealType.SOURCED)
    assert (second.name, second.country, second.relationship, second.deal_type) == (
        "Acme; Ltd",
        "GB",
        Relationship.MANAGED,
        DealType.ASSISTED,
    )
    assert listed.columns["country"] == "Country/Region"


@pytest.mark.parametrize(
    ("delimiter", "encoding", "bom"),
    [
        (",", "utf-8", b""),
        (";", "utf-8", b"\xef\xbb\xbf"),
        ("\t", "utf-16-le", b"\xff\xfe"),
        (";", "latin-1", b""),
        (",", "cp1252", b""),
    ],
)
def test_csv_in_every_encoding_and_separator_spreadsheets_write(
    tmp_path: Path, delimiter: str, encoding: str, bom: bytes
) -> None:
    check(write_csv(tmp_path / "list.csv", delimiter, encoding, bom))


def test_xlsx_first_sheet_or_the_named_one(tmp_path: Path) -> None:
    book = Workbook()
    book.active.title = "Notes"
    book.active.append(["nothing here"])
    sheet = book.create_sheet("Clients")
    sheet.append(HEADER)
    for row in ROWS:
        sheet.append([int(row[0]), *row[1:4], 1200.5 if row[0] == "101" else 500, *row[5:]])
    book.save(tmp_path / "list.xlsx")
    check(tmp_path / "list.xlsx", "Clients")
    with pytest.raises(ClientListError) as caught:
        read_client_list(tmp_path / "list.xlsx", ColumnMapping(), CURRENCIES, "Missing")
    assert caught.value.problems == ("list.xlsx: no sheet named 'Missing' (the workbook has 'Notes', 'Clients')",)


def test_every_problem_at_once_with_file_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        "Record ID,Company name,Country,Currency,MRR,Relationship,Deal type\n"
        "1,Alpha,Atlantis,USD,100,sold,sourced\n"
        "2,Beta,US,XYZ,-5,sold,sourced\n"
        "1,Gamma,US,USD,100,friends,sourced\n"
        ",Delta,US,USD,100,sold,sourced\n",
        encoding="utf-8",
    )
    with pytest.raises(ClientListError) as caught:
        read_client_list(path, ColumnMapping(), CURRENCIES)
    problems = caught.value.problems
    assert problems[0].startswith("export.csv:2: Country: unknown country 'Atlantis'")
    assert problems[1].startswith("export.csv:3: Currency: no program rate for currency 'XYZ'")
    assert problems[2] == "export.csv:3: MRR: must not be negative (got -5)"
    assert problems[3].startswith("export.csv:4: Relationship: unknown relationship 'friends'")
    assert problems[4] == "export.csv:5: Record ID: missing value: every client needs its id"
    assert len(problems) == 5


def test_a_required_field_no_header_matches_names_the_headers_seen(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text("Record ID,Company,Land,Currency,MRR,Relationship\n1,A,US,USD,1,sold\n", encoding="utf-8")
    with pytest.raises(ClientListError) as caught:
        read_client_list(path, ColumnMapping(), CURRENCIES)
    assert caught.value.problems == (
        "export.csv: country: no column matches it (the headers are 'Record ID', 'Company', 'Land', 'Currency', "
        "'MRR', 'Relationship'); name one in a mapping file's [columns], e.g. country = \"...\"",
        "export.csv: deal_type: no column matches it (the headers are 'Record ID', 'Company', 'Land', 'Currency', "
        "'MRR', 'Relationship'); name one in a mapping file's [columns], e.g. deal_type = \"...\"",
    )


def test_a_mapping_file_names_columns_translates_values_and_gives_defaults(tmp_path: Path) -> None:
    (tmp_path / "map.toml").write_text(
        '[columns]\ncountry = "Land"\nrelationship = "Art"\n'
        '[values.relationship]\n"Verkauft" = "sold"\n"Betreut" = "managed"\n'
        '[values.country]\n"Deutschland" = "DE"\n'
        '[defaults]\ndeal_type = "assisted"\n',
        encoding="utf-8",
    )
    path = tmp_path / "export.csv"
    path.write_text(
        "Record ID,Company,Land,Currency,MRR,Art\n1,A,Deutschland,EUR,10,verkauft\n2,B,Viet Nam,USD,20,Betreut\n",
        encoding="utf-8",
    )
    listed = read_client_list(path, read_mapping(tmp_path / "map.toml"), CURRENCIES)
    assert [(c.country, c.relationship, c.deal_type) for c in listed.clients] == [
        ("DE", Relationship.SOLD, DealType.ASSISTED),
        ("VN", Relationship.MANAGED, DealType.ASSISTED),
    ]


def test_a_mapping_that_names_a_missing_header_or_unknown_field_is_reported(tmp_path: Path) -> None:
    (tmp_path / "map.toml").write_text('[columns]\ncountry = "Nation"\ncolour = "Farbe"\n', encoding="utf-8")
    with pytest.raises(ClientListError) as caught:
        read_mapping(tmp_path / "map.toml")
    assert caught.value.problems == (
        "map.toml: columns.colour: unknown field (known: id, name, country, currency, relationship, deal_type, "
        "partners, mrr, products, tool_usage, renewal_date, renewal_manager, last_active_employee, "
        "renewal_mrr_change, crm_url)",
    )
    path = tmp_path / "export.csv"
    path.write_text("id,name,country,currency,mrr,relationship,deal_type\n1,A,US,USD,1,sold,sourced\n")
    with pytest.raises(ClientListError) as caught:
        read_client_list(path, ColumnMapping({"country": "Nation"}), CURRENCIES)
    assert caught.value.problems[0].startswith("export.csv: country: no column 'Nation' (the mapping names it;")
