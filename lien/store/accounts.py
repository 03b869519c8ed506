"""Reviewers' accounts: made, listed and disabled (by `python -m lien.reviewers`), their
passwords kept as argon2id hashes and checked.

Never imports Streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from lien.store.models import ROLES, Reviewer

# A name is shown in the audit log and on the Review page: short, printable, no blanks around.
MAX_NAME = 200
# Long enough that a guess takes argon2's time many times over; NIST SP 800-63B asks for 8 at
# least and recommends accepting long passphrases, so the bound is high.
MIN_PASSWORD = 12
# argon2 hashes any length, but a megabyte "password" would still be read and copied: bounded
# before any work, as every untrusted input is.
MAX_PASSWORD = 1024

# argon2-cffi's defaults are RFC 9106's second recommended profile for argon2id (t=3, 64 MiB,
# p=4). A test may swap it for cheaper parameters; a hash made with other parameters than
# HASHER's is rehashed at the next sign-in (`verify`).
HASHER = PasswordHasher()


class AccountError(ValueError):
    """A name or password refused, or an account that doesn't exist; `code` says which."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Account:
    """A reviewer as listed: never the hash."""

    name: str
    role: str
    active: bool
    created_at: datetime
    disabled_at: datetime | None


def utcnow() -> datetime:
    # UTC without a zone, as the store keeps every time (both databases read it back the same).
    return datetime.now(UTC).replace(tzinfo=None)


def check_name(name: str) -> str:
    """`name` as kept, or AccountError: 1 to MAX_NAME printable characters, no blank around."""
    if not name or len(name) > MAX_NAME or name != name.strip() or not name.isprintable():
        raise AccountError("bad_name", f"a name is 1 to {MAX_NAME} printable characters")
    return name


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise AccountError("short_password", f"a password has {MIN_PASSWORD} characters at least")
    if len(password) > MAX_PASSWORD:
        raise AccountError("long_password", f"a password has {MAX_PASSWORD} characters at most")
    return password


# The hash of an account that signs in only through the identity provider: argon2 can't read it,
# so `verify` refuses every password for it, after the dummy hash's time as for anyone else.
NO_PASSWORD = "!provider-only"


def add(engine: Engine, name: str, password: str | None, role: str = "reviewer") -> None:
    """Make an account; AccountError if the name or password is refused or the name taken.
    `password` None: an account for the identity provider only (its name is the e-mail address
    the provider vouches for), which no password opens."""
    check_name(name)
    if password is not None:
        check_password(password)
    if role not in ROLES:
        raise AccountError("bad_role", f"a role is one of {', '.join(ROLES)}")
    hashed = NO_PASSWORD if password is None else HASHER.hash(password)
    with Session(engine) as session, session.begin():
        if session.scalar(select(Reviewer.id).where(Reviewer.name == name)) is not None:
            raise AccountError("name_taken", f"{name!r} already has an account")
        session.add(
            Reviewer(name=name, password_hash=hashed, role=role, active=True, created_at=utcnow())
        )


def accounts(engine: Engine) -> list[Account]:
    """Every account, by name."""
    with Session(engine) as session:
        rows = session.scalars(select(Reviewer).order_by(Reviewer.name)).all()
        return [Account(r.name, r.role, r.active, r.created_at, r.disabled_at) for r in rows]


def disable(engine: Engine, name: str) -> None:
    """Disable an account: its sessions stop working at their next check (signin.check reads
    the account every time). The row stays: the audit log names it."""
    with Session(engine) as session, session.begin():
        reviewer = session.scalar(select(Reviewer).where(Reviewer.name == name))
        if reviewer is None:
            raise AccountError("no_account", f"no account is named {name!r}")
        if reviewer.active:
            reviewer.active = False
            reviewer.disabled_at = utcnow()


@lru_cache(maxsize=4)
def _dummy_hash(hasher: PasswordHasher) -> str:
    return hasher.hash("not anyone's password, only hashed to spend the same time")


def verify(reviewer: Reviewer | None, password: str) -> bool:
    """Whether `password` is `reviewer`'s, spending about the same time for no reviewer (a
    dummy hash is verified), so timing doesn't tell which names have accounts. A right password
    whose hash has other parameters than HASHER's is rehashed in place (the caller commits)."""
    own = reviewer is not None and reviewer.password_hash != NO_PASSWORD
    encoded = reviewer.password_hash if reviewer is not None and own else _dummy_hash(HASHER)
    try:
        HASHER.verify(encoded, password)
    except (VerificationError, InvalidHashError):
        return False
    if reviewer is None or not own:
        return False
    if HASHER.check_needs_rehash(encoded):
        reviewer.password_hash = HASHER.hash(password)
    return True
