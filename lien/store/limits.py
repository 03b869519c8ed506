"""Who sent a proposal, and how many they may send: at most PER_HOUR a session and PER_HOUR a
client address in any hour, counted in the database so that every replica of the app shares the
count (a limit in memory would reset with each process, and each replica would have its own).

The client address is the peer's (the TCP connection's), unless the peer is a configured trusted
proxy (LIEN_TRUSTED_PROXY): then it is X-Forwarded-For's nearest entry that is not a trusted
proxy, read from the right. A client writes what it likes at the left of that header; only what
the trusted proxies appended, at its right, can be believed.
"""

from __future__ import annotations

import hashlib
import ipaddress
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, delete, func, insert, select

from lien.store.models import Submission

# A handful: a social worker correcting the records of one afternoon's calls, not a script.
PER_HOUR = 5
WINDOW = timedelta(hours=1)
# X-Forwarded-For is read no further than this (a proxy chain is a few hops, never a page).
MAX_HEADER = 1_000
MAX_HOPS = 20
# A session id or an address is hashed whatever its length; this bounds the work.
MAX_KEY = 200

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class Client:
    """Who sends a proposal: the session's id and the client's address (client_address())."""

    session: str
    address: str

    def hashes(self) -> tuple[str, str]:
        """What the limit counts, hashed: no address is written to the database."""
        return (_hashed("session", self.session), _hashed("address", self.address))


def _hashed(kind: str, value: str) -> str:
    return hashlib.sha256(f"{kind}:{value[:MAX_KEY]}".encode()).hexdigest()


def _networks(trusted: Iterable[str]) -> list[Network]:
    networks = []
    for entry in trusted:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            # A mistyped setting trusts nothing more: it must never widen what is believed.
            continue
    return networks


def _address(text: str) -> Address | None:
    try:
        return ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


def _trusted(address: Address | None, networks: list[Network]) -> bool:
    return address is not None and any(address in network for network in networks)


def _forwarded_for(headers: Mapping[str, str]) -> str:
    for name, value in headers.items():
        if name.lower() == "x-forwarded-for":
            return str(value)[-MAX_HEADER:]
    return ""


def client_address(peer: str, headers: Mapping[str, str], trusted: Iterable[str]) -> str:
    """The client's address: `peer` itself, unless `peer` is one of the `trusted` proxies
    (addresses or networks); then X-Forwarded-For's right-most entry that is not a trusted
    proxy. Entries a client put in the header itself are at its left and never reached while a
    trusted proxy appended the real one. A malformed entry, or a header of trusted proxies only,
    gives `peer`: a proxy that is misconfigured lumps its clients together, never trusts one."""
    networks = _networks(trusted)
    if not _trusted(_address(peer), networks):
        return peer
    # Only the right end is read: the left is the client's to write, and may be long.
    hops = _forwarded_for(headers).split(",")[-MAX_HOPS:]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            return peer
        if not _trusted(address, networks):
            return str(address)
    return peer


def _counts(connection: Connection, client: Client, at: datetime) -> int:
    """The most proposals either key sent in the hour before `at`."""
    since = at - WINDOW
    query = (
        select(func.count())
        .select_from(Submission)
        .where(Submission.at > since)
        .group_by(Submission.key)
        .having(Submission.key.in_(client.hashes()))
    )
    return max((int(n) for n in connection.scalars(query)), default=0)


def exhausted(connection: Connection, client: Client, at: datetime) -> bool:
    """Whether the session or the address has sent PER_HOUR proposals in the hour before `at`."""
    return _counts(connection, client, at) >= PER_HOUR


def count(connection: Connection, client: Client, at: datetime) -> None:
    """Count one proposal for the session and for the address, and forget the ones older than
    the hour (nothing keeps the hashes longer than the limit needs them)."""
    connection.execute(delete(Submission).where(Submission.at <= at - WINDOW))
    connection.execute(insert(Submission), [{"at": at, "key": key} for key in client.hashes()])
