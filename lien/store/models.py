"""The store's tables: the sites of every version, the versions, the proposals and the audit log.

A site's row is never rewritten: a publish closes the record's current row (`valid_to`) and adds
its new one (`valid_from`), so version N is the rows with valid_from <= N < valid_to (or no
valid_to). Undo is then a publish of an earlier version's rows, and reading a version by number
needs no snapshot of the whole directory per version.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from lien.freshness import FRESHNESS_COLUMNS
from lien.schema import SCHEMA_COLUMNS

# HSDS's statuses and what a person confirmed and when: lien.freshness, their one home.
# The fields of a record a publish may set (site_id names the record).
RECORD_FIELDS: tuple[str, ...] = (*SCHEMA_COLUMNS[1:], *FRESHNESS_COLUMNS)
PROPOSAL_STATUSES: tuple[str, ...] = ("pending", "accepted", "rejected")
ORIGINS: tuple[str, ...] = ("visitor", "organisation")


class Base(DeclarativeBase):
    pass


def _text() -> Mapped[str]:
    # A directory file's empty cell is "", never NULL: the columns read back as the file did.
    return mapped_column(Text, nullable=False, default="", server_default="")


class Version(Base):
    """One publish: its number is the previous one's plus one, which is the optimistic check."""

    __tablename__ = "versions"

    number: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    # UTC, without a zone: both databases then read back the same value.
    published_at: Mapped[datetime] = mapped_column(nullable=False)
    by: Mapped[str] = mapped_column(String(200), nullable=False)
    note: Mapped[str] = _text()
    # The earlier version an undo brought back (None: an ordinary publish).
    restores: Mapped[int | None] = mapped_column(ForeignKey("versions.number"))


class Site(Base):
    """One record as it was from version `valid_from` until `valid_to` (None: still current)."""

    __tablename__ = "sites"
    __table_args__ = (
        UniqueConstraint("site_id", "valid_from"),
        Index("ix_sites_valid_to", "valid_to"),
        # One current row per record, whatever writes to the database.
        Index(
            "ux_sites_current",
            "site_id",
            unique=True,
            sqlite_where=text("valid_to IS NULL"),
            postgresql_where=text("valid_to IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    valid_from: Mapped[int] = mapped_column(ForeignKey("versions.number"), nullable=False)
    valid_to: Mapped[int | None] = mapped_column(ForeignKey("versions.number"))
    # The order of the directory file (its line), kept by every row of the record.
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    site_id: Mapped[str] = mapped_column(String(500), nullable=False, index=True)
    org_id: Mapped[str] = _text()
    organisation: Mapped[str] = _text()
    site: Mapped[str] = _text()
    address: Mapped[str] = _text()
    postcode: Mapped[str] = _text()
    city: Mapped[str] = _text()
    # As the file gives them (a manual override, "" when the loader places the site).
    latitude: Mapped[str] = _text()
    longitude: Mapped[str] = _text()
    precision: Mapped[str] = _text()
    services: Mapped[str] = _text()
    audiences: Mapped[str] = _text()
    languages: Mapped[str] = _text()
    hours: Mapped[str] = _text()
    phone: Mapped[str] = _text()
    fax: Mapped[str] = _text()
    email: Mapped[str] = _text()
    website: Mapped[str] = _text()
    contact_person: Mapped[str] = _text()
    description: Mapped[str] = _text()
    notes: Mapped[str] = _text()
    source: Mapped[str] = _text()
    source_date: Mapped[str] = _text()
    status: Mapped[str] = mapped_column(String(30), nullable=False, default="active")
    # YYYY, YYYY-MM or YYYY-MM-DD like source_date, so that "June 2016" stays a month.
    checked_on: Mapped[str | None] = mapped_column(String(10))
    checked_by: Mapped[str] = _text()
    changed_on: Mapped[str | None] = mapped_column(String(10))


class Proposal(Base):
    """A visitor's or an organisation's correction or new record, until a reviewer decides."""

    __tablename__ = "proposals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), nullable=False, unique=True)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="pending")
    origin: Mapped[str] = mapped_column(String(20), nullable=False)
    # The record it corrects (None: an organisation to add).
    site_id: Mapped[str | None] = mapped_column(String(500))
    # The proposed fields, a JSON object of field name to text.
    fields: Mapped[str] = mapped_column(Text, nullable=False)
    reason: Mapped[str] = _text()
    email: Mapped[str] = _text()
    created_at: Mapped[datetime] = mapped_column(nullable=False)
    decided_at: Mapped[datetime | None] = mapped_column()
    decided_by: Mapped[str] = _text()


class Audit(Base):
    """One changed field of one record, or one decision: appended, never updated or deleted
    (the migration's triggers refuse both)."""

    __tablename__ = "audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(nullable=False)
    by: Mapped[str] = mapped_column(String(200), nullable=False)
    # The version the change made (None: an action that published nothing, a rejection).
    version: Mapped[int | None] = mapped_column(ForeignKey("versions.number"))
    site_id: Mapped[str] = _text()
    field: Mapped[str] = _text()
    old: Mapped[str | None] = mapped_column(Text)
    new: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str] = _text()


class Submission(Base):
    """One proposal sent, counted by who sent it (a session, a client address), for the
    limit per hour that every replica of the app shares. Holds a hash of the key, never the
    address itself, and nothing older than an hour is kept (lien.store.limits)."""

    __tablename__ = "submissions"
    __table_args__ = (Index("ix_submissions_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(nullable=False)
    key: Mapped[str] = mapped_column(String(64), nullable=False)


# What a dump holds: the submissions are a rate limit's hour of memory, not the directory's.
TABLES = (Version, Site, Proposal, Audit)


# Reviewers' accounts and sessions (lien/store/accounts.py, lien/store/signin.py). Not in TABLES:
# a dump is a directory to hand around, and password hashes and live sessions must not travel
# with it; accounts are made again on the machine that restores it.
ROLES: tuple[str, ...] = ("reviewer",)


class Reviewer(Base):
    """A person who may publish: made on the command line (`python -m lien.reviewers`), never
    deleted (the audit log names them), disabled instead."""

    __tablename__ = "reviewers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False, unique=True)
    # argon2id's encoded hash: its parameters and salt are part of it.
    password_hash: Mapped[str] = mapped_column(Text, nullable=False)
    role: Mapped[str] = mapped_column(String(20), nullable=False, default="reviewer")
    active: Mapped[bool] = mapped_column(nullable=False, default=True)
    created_at: Mapped[datetime] = mapped_column(nullable=False)
    disabled_at: Mapped[datetime | None] = mapped_column()


class ReviewerSession(Base):
    """A signed-in reviewer's session. The table keeps the token's SHA-256, never the token: a
    copy of the database opens no session."""

    __tablename__ = "reviewer_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("reviewers.id"), nullable=False)
    client: Mapped[str] = _text()
    created_at: Mapped[datetime] = mapped_column(nullable=False)
    last_seen: Mapped[datetime] = mapped_column(nullable=False)
    ended_at: Mapped[datetime | None] = mapped_column()


class SignInFailure(Base):
    """One refused sign-in: the lockout counts the recent ones per name and per client."""

    __tablename__ = "sign_in_failures"
    __table_args__ = (
        Index("ix_sign_in_failures_name_at", "name", "at"),
        Index("ix_sign_in_failures_client_at", "client", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    client: Mapped[str] = mapped_column(String(200), nullable=False)
    at: Mapped[datetime] = mapped_column(nullable=False)
