"""The fields of a client list: clients.csv's columns, the other names exports give them, how a header or a
value is compared, and the error a list that cannot be used raises (engine.importing.client_list)."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

# The fields of clients.csv, in its column order; the first seven are required.
FIELDS = (
    "id",
    "name",
    "country",
    "currency",
    "relationship",
    "deal_type",
    "partners",
    "mrr",
    "products",
    "tool_usage",
    "renewal_date",
    "renewal_manager",
    "last_active_employee",
    "renewal_mrr_change",
    "crm_url",
)
REQUIRED = ("id", "name", "country", "currency", "mrr", "relationship", "deal_type")

# Other names exports give each field, as match keys (lower case, letters and digits only).
SPELLINGS: dict[str, tuple[str, ...]] = {
    "id": ("id", "recordid", "clientid", "companyid", "customerid", "objectid", "hsobjectid", "partnerclientid"),
    "name": (
        "name",
        "companyname",
        "clientname",
        "company",
        "client",
        "customer",
        "customername",
        "accountname",
        "partnerclientname",
        "hsname",
    ),
    "country": ("country", "countryregion", "clientcountry", "companycountry", "customercountry", "location"),
    "currency": ("currency", "currencycode", "mrrcurrency", "clientcurrency", "hscurrency"),
    "relationship": ("relationship", "relationshiptype", "partnerrelationship", "clientrelationship", "relation"),
    "deal_type": ("dealtype", "sourcetype", "partnerdealtype", "attribution"),
    "partners": ("partners", "partnersmanaging", "numberofpartners", "managingpartners", "partnercount"),
    "mrr": (
        "mrr",
        "monthlyrecurringrevenue",
        "currentmrr",
        "monthlyrevenue",
        "mrramount",
        "recurringrevenue",
        "hsmrr",
    ),
    "products": ("products", "hubspotproducts", "hubs", "subscriptions", "productsowned"),
    "tool_usage": ("toolusage", "usage", "toolusagescore", "usagescore"),
    "renewal_date": ("renewaldate", "nextrenewaldate", "nextrenewal", "renewal"),
    "renewal_manager": ("renewalmanager", "hubspotrenewalmanager"),
    "last_active_employee": ("lastactiveemployee", "lastactiveuser", "lastactive"),
    "renewal_mrr_change": ("renewalmrrchange", "projectedmrrchange", "mrrchangeatrenewal", "projectedrenewalchange"),
    "crm_url": ("crmurl", "crmrecordurl", "recordurl", "hubspoturl", "url"),
}


def match_key(text: str) -> str:
    """What header and value matching compares: case, accents, spaces and punctuation ignored."""
    decomposed = unicodedata.normalize("NFKD", text.replace("\ufeff", "").casefold())
    return "".join(c for c in decomposed if c.isalnum())


class ClientListError(Exception):
    """The list cannot be used; `problems` are every `FILE:line: column: message` found."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))
