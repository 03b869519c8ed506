"""Reviewers' sign-in: a name and password give a session token, refused with a reason code the
page translates; `check` is called at every write and re-reads the account, so a disabled
reviewer's token stops working at once.

    outcome = sign_in(engine, name, password, client)
    if isinstance(outcome, Refusal): show t(f"signin_{outcome.code}", lang)
    ...
    reviewer = check(engine, token)          # right before each write, on the server
    if isinstance(reviewer, Session): store.publish(..., reviewer.name, ...)

Never imports Streamlit.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, delete, func, or_, orm, select

from lien.schema import MAX_EMAIL
from lien.store.accounts import MAX_NAME, MAX_PASSWORD, utcnow, verify
from lien.store.models import Reviewer, ReviewerSession, SignInFailure

# Refused sign-ins within LOCK_WINDOW that lock a name, and a client (one address, however many
# names it tries: a guesser spreading over names is still stopped). A person mistypes a few
# times; a guesser needs thousands.
LOCK_AFTER_NAME = 5
LOCK_AFTER_CLIENT = 20
LOCK_WINDOW = timedelta(minutes=15)
# A session left alone this long ends (a reviewer who walked away from a shared computer) ...
IDLE_TIMEOUT = timedelta(minutes=30)
# ... and none lasts longer than a working day, however active.
LIFETIME = timedelta(hours=12)
# secrets.token_urlsafe(32) is 43 characters: anything much longer is not a token of ours.
MAX_TOKEN = 100
MAX_CLIENT = 200

# Why a sign-in or a check was refused; the page shows t("signin_" + code).
BAD_CREDENTIALS = "bad_credentials"  # unknown name or wrong password: never says which
LOCKED = "locked"  # too many refusals for this name or this client: `until` says till when
DISABLED = "disabled"  # the account was disabled (at sign-in with the right password, or later)
NO_SESSION = "no_session"  # no such token (never signed in, or a forged one)
SIGNED_OUT = "signed_out"
IDLE = "idle"  # unused for IDLE_TIMEOUT
EXPIRED = "expired"  # older than LIFETIME
WRONG_ROLE = "wrong_role"
# The identity provider vouched for someone no enabled account names (sign_in_verified).
NOT_REVIEWER = "not_reviewer"
CODES = (
    BAD_CREDENTIALS,
    LOCKED,
    DISABLED,
    NO_SESSION,
    SIGNED_OUT,
    IDLE,
    EXPIRED,
    WRONG_ROLE,
    NOT_REVIEWER,
)


@dataclass(frozen=True)
class Session:
    """A signed-in reviewer. `token` is the session's secret: the page keeps it, the store only
    its hash. The times are UTC, without a zone, as the store keeps them."""

    token: str
    name: str
    role: str
    started_at: datetime
    idle_until: datetime
    ends_at: datetime


@dataclass(frozen=True)
class Refusal:
    """Why not: one of CODES, and for LOCKED the time the lock ends."""

    code: str
    until: datetime | None = None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def _locked_until(
    db: orm.Session, column: orm.InstrumentedAttribute[str], value: str, limit: int, now: datetime
) -> datetime | None:
    """When the lock on `value` ends, if its recent refusals reach `limit` (None: not locked)."""
    times = db.scalars(
        select(SignInFailure.at)
        .where(column == value, SignInFailure.at > now - LOCK_WINDOW)
        .order_by(SignInFailure.at.desc())
        .limit(limit)
    ).all()
    # The lock lasts until the limit-th newest refusal leaves the window.
    return times[-1] + LOCK_WINDOW if len(times) >= limit else None


def _lock(db: orm.Session, name: str, client: str, now: datetime) -> Refusal | None:
    until = [
        u
        for u in (
            _locked_until(db, SignInFailure.name, name, LOCK_AFTER_NAME, now),
            _locked_until(db, SignInFailure.client, client, LOCK_AFTER_CLIENT, now),
        )
        if u is not None
    ]
    return Refusal(LOCKED, max(until)) if until else None


def _prune(db: orm.Session, now: datetime) -> None:
    # Old refusals count for nothing, and ended sessions open nothing: both tables stay small.
    db.execute(delete(SignInFailure).where(SignInFailure.at <= now - LOCK_WINDOW))
    db.execute(
        delete(ReviewerSession).where(
            or_(
                ReviewerSession.ended_at.is_not(None),
                ReviewerSession.created_at <= now - LIFETIME,
                ReviewerSession.last_seen <= now - IDLE_TIMEOUT,
            )
        )
    )


def sign_in(
    engine: Engine, name: str, password: str, client: str, now: datetime | None = None
) -> Session | Refusal:
    """A new session for `name` if `password` is theirs, or why not. `client` is the visitor's
    address (the page's: the proxy's X-Forwarded-For only from the trusted proxy)."""
    now = now or utcnow()
    name, client = name[: MAX_NAME + 1], client[:MAX_CLIENT]
    with orm.Session(engine) as db, db.begin():
        _prune(db, now)
        locked = _lock(db, name[:MAX_NAME], client, now)
        if locked is not None:
            return locked
        reviewer = None
        if len(name) <= MAX_NAME and len(password) <= MAX_PASSWORD:
            reviewer = db.scalar(select(Reviewer).where(Reviewer.name == name))
            # An unknown name verifies a dummy hash: as slow as a wrong password.
            right = verify(reviewer, password)
        else:
            right = False  # too long to be anyone's: refused before any work
        if not right or reviewer is None:
            db.add(SignInFailure(name=name[:MAX_NAME], client=client, at=now))
            return Refusal(BAD_CREDENTIALS)
        if not reviewer.active:
            return Refusal(DISABLED)
        db.execute(delete(SignInFailure).where(SignInFailure.name == name))
        return _open(db, reviewer, client, now)


def _open(db: orm.Session, reviewer: Reviewer, client: str, now: datetime) -> Session:
    """A new session for `reviewer`, kept as its token's hash (the caller commits)."""
    token = secrets.token_urlsafe(32)
    db.add(
        ReviewerSession(
            token_hash=_digest(token),
            reviewer_id=reviewer.id,
            client=client,
            created_at=now,
            last_seen=now,
        )
    )
    return Session(token, reviewer.name, reviewer.role, now, now + IDLE_TIMEOUT, now + LIFETIME)


def sign_in_verified(
    engine: Engine, email: str, client: str, now: datetime | None = None
) -> Session | Refusal:
    """A new session for the account named `email`, an address the operator's identity provider
    has just vouched for (Streamlit's st.login: no password here, the provider asked for it), or
    why not: NOT_REVIEWER when no account is named so (letters' case aside, as addresses are
    compared in practice), DISABLED when it is disabled. The session is the same as a password's:
    `check` re-reads the account at every write, the timeouts are the same."""
    now = now or utcnow()
    email, client = email.strip(), client[:MAX_CLIENT]
    if not email or len(email) > MAX_EMAIL or "@" not in email:
        return Refusal(NOT_REVIEWER)
    with orm.Session(engine) as db, db.begin():
        _prune(db, now)
        found = db.scalars(
            select(Reviewer).where(func.lower(Reviewer.name) == email.lower()).limit(2)
        ).all()
        # Two accounts differing only in case: the provider's address names neither for sure.
        if len(found) != 1:
            return Refusal(NOT_REVIEWER)
        if not found[0].active:
            return Refusal(DISABLED)
        return _open(db, found[0], client, now)


def _refusal(
    row: ReviewerSession | None, reviewer: Reviewer | None, role: str, now: datetime
) -> Refusal | None:
    if row is None or reviewer is None:
        return Refusal(NO_SESSION)
    if row.ended_at is not None:
        return Refusal(SIGNED_OUT)
    if now >= row.created_at + LIFETIME:
        return Refusal(EXPIRED)
    if now >= row.last_seen + IDLE_TIMEOUT:
        return Refusal(IDLE)
    if not reviewer.active:
        return Refusal(DISABLED)
    if reviewer.role != role:
        return Refusal(WRONG_ROLE)
    return None


def check(
    engine: Engine, token: str, role: str = "reviewer", now: datetime | None = None
) -> Session | Refusal:
    """The session `token` opens, if it is still good and its account active with `role`; it
    counts as activity (the idle timeout starts again). Call it on the server right before every
    write: it reads the account each time, so disabling one takes effect at once."""
    now = now or utcnow()
    if not token or len(token) > MAX_TOKEN:
        return Refusal(NO_SESSION)
    with orm.Session(engine) as db, db.begin():
        row = db.get(ReviewerSession, _digest(token))
        reviewer = db.get(Reviewer, row.reviewer_id) if row is not None else None
        refused = _refusal(row, reviewer, role, now)
        if refused is not None:
            return refused
        assert row is not None
        assert reviewer is not None
        row.last_seen = now
        return Session(
            token,
            reviewer.name,
            reviewer.role,
            row.created_at,
            now + IDLE_TIMEOUT,
            row.created_at + LIFETIME,
        )


def sign_out(engine: Engine, token: str, now: datetime | None = None) -> None:
    """End the session `token` opens (nothing if none)."""
    if not token or len(token) > MAX_TOKEN:
        return
    with orm.Session(engine) as db, db.begin():
        row = db.get(ReviewerSession, _digest(token))
        if row is not None and row.ended_at is None:
            row.ended_at = now or utcnow()


def sessions_of(engine: Engine, name: str) -> int:
    """How many sessions of `name` are open (not signed out): for the operator's `list`."""
    with orm.Session(engine) as db:
        return (
            db.scalar(
                select(func.count())
                .select_from(ReviewerSession)
                .join(Reviewer, Reviewer.id == ReviewerSession.reviewer_id)
                .where(Reviewer.name == name, ReviewerSession.ended_at.is_(None))
            )
            or 0
        )
