"""The words for a row's columns: one title per machine name, for the screen's tables and the exports.

Rows (engine.reports.rows.ReportRows) are keyed by machine names (`client_id`, `sold_on`, `usd`): JSON, `--json`
and the stored queries keep them. A person reads the title instead: the report tables on screen and the header
line of a CSV or XLSX export both come from `column_title`, so a file says what the screen says.
"""

from __future__ import annotations

from collections.abc import Iterable

# Each machine name a report's rows use, and its title. The words are the glossary's (ARCHITECTURE.md): "Total"
# for total points, "Tier performance", "Rule set".
COLUMN_TITLES: dict[str, str] = {
    "active": "Active",
    "amount": "Amount",
    "amount_usd": "Amount US$",
    "assisted": "Assisted",
    "certified": "Certified",
    "change": "Change",
    "churned_mrr_usd": "Churned MRR US$",
    "client": "Client",
    "client_id": "Client ID",
    "closed": "Closed",
    "commission": "Commission",
    "commission_usd": "Commission US$",
    "counted": "Counted",
    "country": "Country",
    "created": "Created",
    "crm_url": "CRM link",
    "currency": "Currency",
    "date": "Date",
    "days": "Days",
    "deal_id": "Deal ID",
    "deal_type": "Deal type",
    "expires": "Expires",
    "id": "Deal ID",
    "kind": "Kind",
    "last_active_employee": "Last active",
    "legacy_upsell": "Legacy upsell",
    "line": "File line",
    "managed": "Managed",
    "managed_points": "Managed points",
    "market_type": "Market type",
    "month": "Month",
    "monthly_amount": "Monthly amount",
    "months": "Months",
    "mrr": "MRR",
    "mrr_after": "MRR after",
    "mrr_before": "MRR before",
    "mrr_change": "MRR change",
    "mrr_change_usd": "US$ change",
    "mrr_usd": "MRR US$",
    "multiplier": "Multiplier",
    "name": "Name",
    "paid_on": "Paid on",
    "partner_sourced": "Partner sourced",
    "payable_on": "Payable on",
    "performance_tier": "Tier performance",
    "period": "Period",
    "points": "Points",
    "points_after": "Points after",
    "points_before": "Points before",
    "product_line": "Product line",
    "products": "Products",
    "projected": "Projected",
    "rate": "Rate",
    "recalibration": "Recalibration",
    "renewal_date": "Renewal date",
    "renewal_manager": "Renewal manager",
    "retention_percent": "Retention %",
    "reverses_line": "Reverses file line",
    "reverses_sale_of": "Reverses sale of",
    "rule_set": "Rule set",
    "sold": "Sold",
    "sold_on": "Sold on",
    "sold_points": "Sold points",
    "sourced": "Sourced",
    "sourced_points": "Sourced points",
    "stage": "Stage",
    "start_mrr_usd": "Start MRR US$",
    "status": "Status",
    "total": "Total",
    "track_minimum": "Track minimum",
    "usd": "US$",
}

# Words a machine name spells in lower case that read otherwise.
_WORDS = {"id": "ID", "mrr": "MRR", "usd": "US$", "crm": "CRM", "url": "URL", "csv": "CSV"}


def column_title(key: str) -> str:
    """The title of column `key`: its entry in COLUMN_TITLES, else its words ("new_key_usd" -> "New key US$")."""
    title = COLUMN_TITLES.get(key)
    if title is not None:
        return title
    words = [_WORDS.get(word, word) for word in key.split("_") if word]
    text = " ".join(words) or key
    return text[:1].upper() + text[1:]


def column_titles(keys: Iterable[str]) -> list[str]:
    """Each column's title, made distinct: a title two columns would share gets its machine name after it."""
    keys = list(keys)
    titles = [column_title(key) for key in keys]
    return [f"{title} ({key})" if titles.count(title) > 1 else title for key, title in zip(keys, titles, strict=True)]
