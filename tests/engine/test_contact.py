"""mailto: links and CRM links: only plain addresses and https links are handed to the system."""

from __future__ import annotations

import pytest

from engine.contact import ContactError, can_open_links, email_address, https_link, mailto_link


def test_a_plain_address_is_a_mailto_link_with_nothing_else() -> None:
    assert mailto_link("rachel.adeyemi@hubspot.example") == "mailto:rachel.adeyemi@hubspot.example"
    assert mailto_link("  Mei.Lin+partners@HubSpot.com ") == "mailto:Mei.Lin+partners@HubSpot.com"
    assert email_address(" a@b.co ") == "a@b.co"


def test_characters_that_mean_something_in_a_link_are_percent_encoded() -> None:
    # Legal in a mailbox name, but in a mailto: link `?` starts headers, `&` separates them, `#` ends the
    # address and `%` starts an escape: encoded, they stay part of the name.
    assert mailto_link("a?b&c#d%e/f=g@example.com") == "mailto:a%3Fb%26c%23d%25e%2Ff%3Dg@example.com"
    assert mailto_link("o'brien!{x}@example.com") == "mailto:o'brien!%7Bx%7D@example.com"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("a@example.com\r\nBcc: victim@example.com", "line break or control character"),
        ("a@example.com\nSubject: hi", "line break or control character"),
        ("a@example.com%0D%0ABcc:x@example.com", "more than one @"),
        ("a@example.com?cc=x@example.com", "more than one @"),
        ("a@example.com,b@example.com", "more than one @"),
        ("a@example.com?cc=x", "not a domain name"),
        ("a@example.com%0D%0ABcc:x", "not a domain name"),
        ("a@example.com&body=x", "not a domain name"),
        ("a b@example.com", "contains a space"),
        ("rachel@", "not an email address"),
        ("@example.com", "not an email address"),
        ("no-at-sign.example.com", "not an email address"),
        ("", "no email address"),
        ("a..b@example.com", "not a plain mailbox name"),
        (".a@example.com", "not a plain mailbox name"),
        ('"quoted"@example.com', "not a plain mailbox name"),
        ("a@localhost", "not a domain name"),
        ("a@-example.com", "not a domain name"),
        ("a@example..com", "not a domain name"),
        ("a@192.168.0.1", "not a domain name"),
        ("josé@example.com", "not a plain ASCII email address"),
        ("a\x00@example.com", "line break or control character"),
        ("x" * 65 + "@example.com", "not a plain mailbox name"),
        ("a@" + "b" * 64 + ".com", "not a domain name"),
        ("a@" + ("b" * 60 + ".") * 5 + "com", "longer than 254 characters"),
    ],
)
def test_anything_else_is_refused_with_the_reason(text: str, reason: str) -> None:
    with pytest.raises(ContactError, match=reason):
        mailto_link(text)


def test_links_reach_a_handler_only_with_a_display_or_a_chosen_browser() -> None:
    assert can_open_links({}, "darwin")
    assert can_open_links({}, "win32")
    assert not can_open_links({}, "linux")
    assert not can_open_links({"DISPLAY": ""}, "linux")
    assert can_open_links({"DISPLAY": ":0"}, "linux")
    assert can_open_links({"WAYLAND_DISPLAY": "wayland-0"}, "linux")
    assert can_open_links({"BROWSER": "firefox"}, "freebsd14")


@pytest.mark.parametrize(
    ("url", "opened"),
    [
        ("https://app.hubspot.com/contacts/1/record/0-2/9", "https://app.hubspot.com/contacts/1/record/0-2/9"),
        ("  HTTPS://app.hubspot.com/x ", "HTTPS://app.hubspot.com/x"),
        ("http://app.hubspot.com/x", None),
        ("javascript:alert(1)", None),
        ("file:///etc/passwd", None),
        ("https:///no-host", None),
        ("https://app.hubspot.com/x\nSet-Cookie: a", None),
        ("https://app.hubspot.com/a b", None),
        ("https://[::1", None),
        ("", None),
    ],
)
def test_a_crm_link_opens_only_when_it_is_https_to_a_host(url: str, opened: str | None) -> None:
    assert https_link(url) == opened
