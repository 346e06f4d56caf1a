"""Links the app hands to the operating system: `mailto:` links for the HubSpot team, and CRM record links.

Both come from the agency's own files, so both are checked before anything is opened: an email address must
be a plain address (no second recipient, no `?subject=`/header part, no line break that could add a mail
header), and a CRM link opens only when it is https.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import quote, urlsplit

MAX_ADDRESS = 254
MAX_LOCAL_PART = 64
MAX_LABEL = 63

# RFC 5322 dot-atom text: what a plain (unquoted) local part may hold.
_ATEXT = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+")
_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?")
# RFC 6068: in a mailto: address these stand for themselves; every other character is percent-encoded, so
# `?`, `&`, `#`, `%` and `/` in a local part cannot start a header or end the address.
_MAILTO_SAFE = "!$'*+-._~"


class ContactError(ValueError):
    """An address or link that must not be opened; the message says what is wrong with it."""


def email_address(text: str) -> str:
    """`text` as a plain email address (surrounding spaces removed); ContactError says what is wrong."""
    address = text.strip()
    if not address:
        raise ContactError("no email address")
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in address):
        raise ContactError(f"{address!r} contains a line break or control character")
    if not address.isascii():
        raise ContactError(f"{address!r} is not a plain ASCII email address")
    if any(ch.isspace() for ch in address):
        raise ContactError(f"{address!r} contains a space")
    if len(address) > MAX_ADDRESS:
        raise ContactError(f"{address!r} is longer than {MAX_ADDRESS} characters")
    if address.count("@") > 1:
        raise ContactError(f"{address!r} has more than one @: give one address only")
    local, at, domain = address.partition("@")
    if not at or not local or not domain:
        raise ContactError(f"{address!r} is not an email address (name@domain)")
    if len(local) > MAX_LOCAL_PART or not all(_ATEXT.fullmatch(atom) for atom in local.split(".")):
        raise ContactError(f"{address!r}: the part before @ is not a plain mailbox name")
    labels = domain.split(".")
    if len(labels) < 2 or not all(len(label) <= MAX_LABEL and _LABEL.fullmatch(label) for label in labels):
        raise ContactError(f"{address!r}: {domain!r} is not a domain name")
    if labels[-1].isdigit():
        raise ContactError(f"{address!r}: {domain!r} is not a domain name")
    return address


def mailto_link(address: str) -> str:
    """A `mailto:` link to one checked address, with nothing else in it (no headers, no other recipient)."""
    local, _, domain = email_address(address).partition("@")
    return f"mailto:{quote(local, safe=_MAILTO_SAFE)}@{domain}"


def can_open_links(environ: Mapping[str, str], platform: str) -> bool:
    """Whether handing a link to the system can reach a graphical mail client or browser.

    macOS and Windows always have a handler. Elsewhere one needs a display, or a BROWSER the user chose:
    without either, Python's webbrowser falls back to a text browser that would take over this terminal.
    """
    if platform == "darwin" or platform.startswith(("win", "cygwin")):
        return True
    return any(environ.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "BROWSER"))


def https_link(url: str) -> str | None:
    """`url` if it is an https link to a host (the only kind the app opens), else None."""
    text = url.strip()
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F or ch.isspace() for ch in text):
        return None
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() != "https" or not parts.hostname:
        return None
    return text
