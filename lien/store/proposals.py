"""Proposals: a visitor's correction of a record, or an organisation to add, kept pending with a
reference the visitor can quote until a reviewer accepts (a publish) or rejects it.

    receipt = propose(engine, Submission("apd-namur", {"phone": "081 22 33 44"},
                      reason="called them"), Client(session_id, client_address(...)))
    for waiting in pending(engine): ...
    decide(engine, "L-7K3Q-9M", "accept", reviewer, "checked", against=version)

Everything a visitor sends is bounded before any work (field names, lengths, the whole), made
plain text (control characters out, as uploads are read), then checked by the uploads' own
validator (lien.ingest.validate), whose problems name their field. Nothing is published before
a reviewer decides. Text is stored as typed: a script or a Markdown link stays inert text here,
and every page and export escapes or neutralises it where it is shown.

The reviewer's role is not checked here: `decide` takes the reviewer's name, and the caller must
pass one it has just checked on the server (issue 28's sign-in), at the moment
of the write.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

# The uploads' own rule for an e-mail address.
from lien.ingest.validate import _EMAIL as EMAIL
from lien.ingest.validate import validate
from lien.problems import Problem, problem
from lien.schema import LONG_COLUMNS, LONG_TEXT, MAX_EMAIL, SCHEMA_COLUMNS, SHORT_TEXT
from lien.store import limits, versions
from lien.store.limits import Client
from lien.store.models import ORIGINS, Audit, Proposal
from lien.store.versions import StoreError, now
from lien.text import fold, without_controls

# What a proposal may set: the directory's columns but the ids (which the store gives) and the
# source (which a publish of a proposal names itself).
EDITABLE: tuple[str, ...] = tuple(
    c for c in SCHEMA_COLUMNS if c not in ("site_id", "org_id", "source", "source_date")
)
# The whole proposal, every field, reason and e-mail together.
MAX_TOTAL = 20_000
MAX_REASON = 2_000
# References: no 0/O, 1/I/L or U, so that one read aloud or copied by hand is not mistaken.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
# Tries before giving up on a unique reference (30⁶ ≈ 7·10⁸: a clash is already rare).
TRIES = 5
# The row a one-record check gives its problems (a file's first data line).
ROW = 2


@dataclass(frozen=True)
class Submission:
    """What a form sends: the record corrected (None: an organisation to add), its fields by
    name, why, an optional e-mail, who proposes (ORIGINS), and the honeypot field a person never
    sees nor fills."""

    site_id: str | None
    fields: Mapping[str, str]
    reason: str = ""
    email: str = ""
    origin: str = "visitor"
    honeypot: str = ""


@dataclass(frozen=True)
class Receipt:
    """A proposal received: the reference to show the visitor."""

    reference: str


@dataclass(frozen=True)
class Refusal:
    """A proposal not received: each problem names its field (Problem.text(lang) words it);
    `limited`: the session or address has sent its proposals for this hour."""

    problems: list[Problem] = field(default_factory=list)
    limited: bool = False


@dataclass(frozen=True)
class Pending:
    """A proposal waiting for a reviewer, its fields as the visitor sent them (plain text)."""

    reference: str
    origin: str
    site_id: str | None
    fields: dict[str, str]
    reason: str
    email: str
    created_at: datetime


def new_reference() -> str:
    """A reference like L-7K3Q-9M: short enough to read out on the phone."""
    code = "".join(secrets.choice(ALPHABET) for _ in range(6))
    return f"L-{code[:4]}-{code[4:]}"


def _cap(name: str) -> int:
    return LONG_TEXT if name in LONG_COLUMNS else SHORT_TEXT


def _bounds(submission: Submission) -> list[Problem]:
    """Problems found from names and lengths alone, before any text is looked at: a 100 KB
    field is refused here, never cleaned, parsed or stored."""
    texts = [*submission.fields.values(), submission.reason, submission.email]
    if not all(isinstance(text, str) for text in texts):
        raise TypeError("a proposal's fields, reason and e-mail are text")
    total = sum(len(text) for text in texts)
    if total > MAX_TOTAL:
        return [problem(None, "proposal", "too_long", length=total, limit=MAX_TOTAL)]
    found = []
    for name, value in submission.fields.items():
        if name not in EDITABLE:
            found.append(problem(None, str(name)[:40], "not_editable"))
        elif len(value) > _cap(name):
            found.append(problem(None, name, "too_long", length=len(value), limit=_cap(name)))
    for name, value, cap in (
        ("reason", submission.reason, MAX_REASON),
        ("contact_email", submission.email, MAX_EMAIL),
    ):
        if len(value) > cap:
            found.append(problem(None, name, "too_long", length=len(value), limit=cap))
    return found


def plain(name: str, value: str) -> str:
    """A field as plain text: control characters out (as an upload is read); a one-line field
    on one line; no space around."""
    text = without_controls(value)[0]
    return text.strip() if name in LONG_COLUMNS or name == "reason" else " ".join(text.split())


def _current(connection: Connection, site_id: str) -> dict[str, str] | None:
    version = versions._version(connection)
    found = versions._rows_at(connection, version, [site_id]).get(site_id)
    return None if found is None else {c: str(found[c] or "") for c in SCHEMA_COLUMNS}


def slug(name: str) -> str:
    """An org_id for an organisation's name: 'Croix-Rouge de Belgique' ->
    'croix-rouge-de-belgique'."""
    return "-".join(fold(name).split())[:60].strip("-") or "organisation"


def _new_record(fields: Mapping[str, str]) -> dict[str, str]:
    """A new record's fields around the proposed ones: what the store will give it."""
    record = dict.fromkeys(SCHEMA_COLUMNS, "")
    record.update(fields)
    record.update(site_id="proposed", org_id=slug(record["organisation"]), source="proposal")
    if not record["precision"]:
        # The most precise place given; none given: the validator asks for one.
        given = [p for p, c in (("address", "address"), ("postcode", "postcode")) if record[c]]
        record["precision"] = given[0] if given else ("locality" if record["city"] else "")
    return record


def _problems(record: Mapping[str, str]) -> set[tuple[str, str, tuple[tuple[str, str], ...]]]:
    frame = pd.DataFrame([record], columns=list(SCHEMA_COLUMNS)).astype(str)
    frame.insert(0, "row", [ROW])
    return {(p.field, p.code, p.params) for p in validate(frame)}


def _checked(before: Mapping[str, str] | None, after: Mapping[str, str]) -> list[Problem]:
    """The validator's problems the proposal brings: a correction is not refused for what the
    record already had wrong (that is the reviewer's to see)."""
    old = _problems(before) if before is not None else set()
    return [Problem(None, f, code, params) for f, code, params in sorted(_problems(after) - old)]


def _contact(email: str) -> list[Problem]:
    if email and not EMAIL.match(email):
        return [problem(None, "contact_email", "email", value=repr(email))]
    return []


def _prepared(
    engine: Engine, submission: Submission
) -> tuple[dict[str, str], str, str] | list[Problem]:
    """The fields that differ from the record (or the new record's), the reason and the e-mail
    as plain text, or the problems."""
    fields = {name: plain(name, value) for name, value in submission.fields.items()}
    reason, email = plain("reason", submission.reason), plain("email", submission.email)
    if submission.site_id is None:
        after = _new_record(fields)
        return _checked(None, after) + _contact(email) or (fields, reason, email)
    with engine.connect() as connection:
        before = _current(connection, submission.site_id[:500])
    if before is None:
        return [problem(None, "site_id", "no_such_record")]
    changed = {name: value for name, value in fields.items() if value != before[name]}
    found = _checked(before, {**before, **changed}) + _contact(email)
    return found or (changed, reason, email)


def _store(
    engine: Engine,
    submission: Submission,
    prepared: tuple[dict[str, str], str, str],
    client: Client,
) -> Receipt | Refusal:
    fields, reason, email = prepared
    row = {
        "status": "pending",
        "origin": submission.origin,
        "site_id": submission.site_id,
        "fields": json.dumps(fields, ensure_ascii=False, sort_keys=True),
        "reason": reason,
        "email": email,
    }
    for _ in range(TRIES):
        reference, at = new_reference(), now()
        try:
            with engine.begin() as connection:
                # Counted again where it is written: the check before validation was a read.
                if limits.exhausted(connection, client, at):
                    return Refusal(limited=True)
                values = {**row, "reference": reference, "created_at": at}
                connection.execute(insert(Proposal).values(values))
                limits.count(connection, client, at)
        except IntegrityError:
            continue
        return Receipt(reference)
    raise StoreError("no unique reference found")


def propose(engine: Engine, submission: Submission, client: Client) -> Receipt | Refusal:
    """Receive a proposal: bounded, limited per session and address, cleaned, validated, then
    stored pending with a new reference. A filled honeypot gets the same receipt, stored
    nowhere and counted nowhere. Nothing is published."""
    if submission.origin not in ORIGINS:
        raise ValueError(f"origin {submission.origin!r} is not one of {ORIGINS}")
    if submission.honeypot:
        return Receipt(new_reference())
    found = _bounds(submission)
    if found:
        return Refusal(found)
    with engine.connect() as connection:
        if limits.exhausted(connection, client, now()):
            return Refusal(limited=True)
    prepared = _prepared(engine, submission)
    if isinstance(prepared, list):
        return Refusal(prepared)
    return _store(engine, submission, prepared, client)


def _pending(row: Any) -> Pending:
    return Pending(
        row.reference,
        row.origin,
        row.site_id,
        json.loads(row.fields),
        row.reason,
        row.email,
        row.created_at,
    )


def pending(engine: Engine) -> list[Pending]:
    """The proposals waiting for a reviewer, the oldest first."""
    query = select(Proposal).where(Proposal.status == "pending").order_by(Proposal.id)
    with engine.connect() as connection:
        return [_pending(row) for row in connection.execute(query)]


def _new_site_id(connection: Connection, fields: Mapping[str, str]) -> tuple[str, str]:
    """The org_id and site_id a new organisation gets: its name's slug, made unique."""
    version = versions._version(connection)
    taken = set(versions._records(connection, version)["site_id"])
    org = slug(fields.get("organisation", ""))
    number = 1
    while f"{org}-{number}" in taken:
        number += 1
    return org, f"{org}-{number}"


def published_changes(
    engine: Engine, waiting: Pending, reviewer: str
) -> tuple[str, dict[str, str]]:
    """The record a proposal publishes to and its fields. A new record was checked by the
    reviewer who accepts it, on the day of the review: a person looked at it then."""
    with engine.connect() as connection:
        if waiting.site_id is not None:
            if _current(connection, waiting.site_id) is None:
                raise StoreError(f"{waiting.site_id} is no longer in the directory")
            return waiting.site_id, dict(waiting.fields)
        org_id, site_id = _new_site_id(connection, waiting.fields)
    record = _new_record(waiting.fields)
    record.update(org_id=org_id, source=f"Lien {waiting.reference}")
    today = now().date().isoformat()
    record.update(source_date=today, checked_on=today, checked_by=reviewer)
    return site_id, {k: v for k, v in record.items() if k != "site_id"}


@dataclass(frozen=True)
class Decision:
    """A reviewer's decision on a proposal, written in the publish's own transaction."""

    reference: str
    status: str
    reviewer: str
    reason: str

    def write(self, connection: Connection, site_id: str, version: int | None) -> None:
        """Mark the proposal decided (if it still is pending) and log the decision."""
        at = now()
        done = connection.execute(
            update(Proposal)
            .where(Proposal.reference == self.reference, Proposal.status == "pending")
            .values(status=self.status, decided_at=at, decided_by=self.reviewer)
        )
        if done.rowcount != 1:
            raise StoreError(f"proposal {self.reference} was decided meanwhile")
        entry = {"at": at, "by": self.reviewer, "version": version, "site_id": site_id}
        entry.update(field="proposal", old=self.reference, new=self.status, reason=self.reason)
        connection.execute(insert(Audit).values(entry))


def waiting_proposal(engine: Engine, reference: str) -> Pending:
    """The pending proposal `reference` names; StoreError if none is pending."""
    query = select(Proposal).where(Proposal.reference == reference[:40])
    with engine.connect() as connection:
        row = connection.execute(query).first()
    if row is None:
        raise StoreError(f"no proposal {reference[:40]!r}")
    if row.status != "pending":
        raise StoreError(f"proposal {reference} is already {row.status}")
    return _pending(row)


def decide(
    engine: Engine, reference: str, verdict: str, reviewer: str, reason: str, *, against: int
) -> int | None:
    """Accept (publish) or reject a pending proposal, as `reviewer`, who the caller has checked
    is a signed-in reviewer at this moment. "accept" publishes the proposal's fields as the
    version after `against` (the one the reviewer saw) and marks it accepted in the same
    transaction: store's ConflictError if `against` is no longer current, InvalidError if the
    loader refuses the record, and the proposal stays pending. "reject" records `reason`.
    Both append to the audit log. Returns the new version (None for a rejection)."""
    if verdict not in ("accept", "reject"):
        raise ValueError(f"verdict {verdict!r}: accept or reject")
    waiting = waiting_proposal(engine, reference)
    decision = Decision(waiting.reference, f"{verdict}ed", reviewer, reason)
    if verdict == "reject":
        with engine.begin() as connection:
            decision.write(connection, waiting.site_id or "", None)
        return None
    site_id, fields = published_changes(engine, waiting, reviewer)

    def during(connection: Connection, number: int) -> None:
        decision.write(connection, site_id, number)

    note = reason or f"proposal {waiting.reference}"
    return versions.publish(
        engine, {site_id: fields}, reviewer, note, against=against, during=during
    )
