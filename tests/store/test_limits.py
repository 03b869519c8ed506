"""Who a proposal comes from: the client's address behind a trusted proxy only, never from a
header a client wrote itself."""

from __future__ import annotations

import pytest

from lien import config
from lien.store.limits import MAX_HEADER, client_address

PROXY = "10.0.0.5"
TRUSTED = (PROXY,)


def test_without_a_trusted_proxy_the_peer_is_the_client() -> None:
    headers = {"X-Forwarded-For": "203.0.113.9"}
    assert client_address("198.51.100.7", headers, ()) == "198.51.100.7"


def test_a_header_from_a_peer_that_is_not_the_proxy_is_ignored() -> None:
    # A visitor who reaches the app directly and claims to be someone else.
    headers = {"X-Forwarded-For": "203.0.113.9"}
    assert client_address("198.51.100.7", headers, TRUSTED) == "198.51.100.7"


def test_behind_the_proxy_the_address_it_appended_is_the_client() -> None:
    headers = {"x-forwarded-for": "198.51.100.7"}
    assert client_address(PROXY, headers, TRUSTED) == "198.51.100.7"


def test_a_spoofed_entry_at_the_left_is_never_believed() -> None:
    # The client sent "X-Forwarded-For: 203.0.113.9, 192.0.2.1"; the proxy appended the real one.
    headers = {"X-Forwarded-For": "203.0.113.9, 192.0.2.1, 198.51.100.7"}
    assert client_address(PROXY, headers, TRUSTED) == "198.51.100.7"


def test_a_chain_of_trusted_proxies_is_walked_from_the_right() -> None:
    headers = {"X-Forwarded-For": "203.0.113.9, 198.51.100.7, 10.0.0.9"}
    assert client_address(PROXY, headers, ("10.0.0.0/24",)) == "198.51.100.7"


@pytest.mark.parametrize(
    "header",
    ["", "not-an-address", "198.51.100.7, <script>", f"{PROXY}, {PROXY}"],
)
def test_a_missing_or_malformed_header_gives_the_proxy_not_a_guess(header: str) -> None:
    assert client_address(PROXY, {"X-Forwarded-For": header}, TRUSTED) == PROXY


def test_a_huge_header_is_read_only_at_its_right_end() -> None:
    header = "203.0.113.9, " * 100_000 + "198.51.100.7"
    assert len(header) > 100 * MAX_HEADER
    assert client_address(PROXY, {"X-Forwarded-For": header}, TRUSTED) == "198.51.100.7"


def test_a_mistyped_trusted_proxy_trusts_nothing() -> None:
    headers = {"X-Forwarded-For": "203.0.113.9"}
    assert client_address(PROXY, headers, ("10.0.0.5.1", "proxy")) == PROXY


def test_the_trusted_proxies_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LIEN_TRUSTED_PROXY", raising=False)
    assert config.trusted_proxies() == ()
    monkeypatch.setenv("LIEN_TRUSTED_PROXY", "10.0.0.5, ::1 172.16.0.0/12")
    assert config.trusted_proxies() == ("10.0.0.5", "::1", "172.16.0.0/12")
