"""What the Review page does, each write behind a session check made at that moment.

    who = reviewer(engine, token)                       # NotSignedInError(code) if not good
    accept(engine, token, "L-7K3Q-9M", against=version)
    accept(engine, token, "L-7K3Q-9M", against=version, edited={"phone": "081 22 33 44"})
    reject(engine, token, "L-7K3Q-9M", "not a service for refugees")
    still_right(engine, token, ["apd-namur", "cpas-liege"], against=version)
    undo_to(engine, token, 3, "restores the phone", against=version)

Every function that writes calls lien.store.signin.check first, on the server, with the token
the page keeps (never one from the URL): a forged, ended or disabled session writes nothing,
whatever the page drew. Every publish passes `against`, the version the reviewer saw: if
another reviewer published since, the store's ConflictError reaches the page, and nothing is
overwritten. Never imports Streamlit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Engine, select

from lien.store import proposals, signin, versions
from lien.store.models import Audit, Version
from lien.store.proposals import EDITABLE, Pending
from lien.store.versions import StoreError, now

# How many audit entries of a record, and versions of the history, the page lists.
AUDIT_SHOWN = 10
HISTORY_SHOWN = 30
# A reason is a sentence or two; a value the reviewer corrects is bounded like a proposal's.
MAX_REASON = proposals.MAX_REASON
# Records "still right" at once: a morning's round of calls, not the whole directory.
MAX_CHECKED = 200


class NotSignedInError(StoreError):
    """The session can't write: `code` is signin's refusal code (the page says t("signin_" +
    code))."""

    def __init__(self, code: str) -> None:
        super().__init__(f"not signed in: {code}")
        self.code = code


class ReasonRequiredError(StoreError):
    """A rejection needs a reason: the visitor may ask why."""


def reviewer(engine: Engine, token: str | None) -> signin.Session:
    """The reviewer whose session `token` opens, checked now (the account re-read); raises
    NotSignedInError otherwise. Called right before every write."""
    checked = signin.check(engine, token or "")
    if isinstance(checked, signin.Refusal):
        raise NotSignedInError(checked.code)
    return checked


@dataclass(frozen=True)
class Line:
    """One row of a proposal's diff: the field, its current value, the proposed one."""

    field: str
    current: str
    proposed: str
    changed: bool


def diff(current: Mapping[str, str] | None, waiting: Pending) -> list[Line]:
    """The proposal beside the record: every field it names (a correction sends only the
    fields that differ), or, for a new organisation (`current` None), every field it has."""
    if current is None:
        return [
            Line(name, "", waiting.fields[name], True)
            for name in EDITABLE
            if waiting.fields.get(name)
        ]
    return [
        Line(name, current.get(name, ""), value, value != current.get(name, ""))
        for name, value in waiting.fields.items()
    ]


def _edited(waiting: Pending, edited: Mapping[str, str]) -> dict[str, str]:
    """The reviewer's corrections of the proposed values, bounded and made plain text like a
    proposal's: only fields the proposal names, or, for a new organisation, any editable one."""
    allowed = set(waiting.fields) if waiting.site_id is not None else set(EDITABLE)
    fixed = {}
    for name, value in edited.items():
        if name not in allowed:
            raise StoreError(f"{name[:40]!r} is not a field of proposal {waiting.reference}")
        fixed[name] = proposals.plain(name, value[: proposals._cap(name)])
    return {k: v for k, v in fixed.items() if v != waiting.fields.get(k, "")}


def accept(
    engine: Engine,
    token: str | None,
    reference: str,
    *,
    against: int,
    edited: Mapping[str, str] | None = None,
) -> int:
    """Publish a pending proposal as the version after `against`, as the reviewer the session
    opens; with `edited`, the reviewer's corrected values are what is published, and the
    publish's reason and the decision's audit entry name each corrected field and the value
    proposed. The new version's number."""
    who = reviewer(engine, token)
    waiting = proposals.waiting_proposal(engine, reference)
    fixes = _edited(waiting, edited or {})
    if not fixes:
        return proposals.decide(engine, reference, "accept", who.name, "", against=against) or 0
    note = f"proposal {waiting.reference}, edited by {who.name}: " + "; ".join(
        f"{name} proposed {waiting.fields.get(name, '')!r}" for name in sorted(fixes)
    )
    site_id, fields = proposals.published_changes(engine, waiting, who.name)
    fields.update(fixes)
    decision = proposals.Decision(waiting.reference, "accepted", who.name, note)

    def during(connection: Connection, number: int) -> None:
        decision.write(connection, site_id, number)

    return versions.publish(
        engine, {site_id: fields}, who.name, note, against=against, during=during
    )


def reject(engine: Engine, token: str | None, reference: str, reason: str) -> None:
    """Reject a pending proposal with a reason (required), as the reviewer the session opens."""
    who = reviewer(engine, token)
    reason = proposals.plain("reason", reason[:MAX_REASON])
    if not reason:
        raise ReasonRequiredError("a rejection needs a reason")
    # against is unused for a rejection (nothing is published).
    proposals.decide(engine, reference, "reject", who.name, reason, against=0)


def still_right(engine: Engine, token: str | None, site_ids: Iterable[str], *, against: int) -> int:
    """One publish marking each record checked today by the reviewer the session opens."""
    who = reviewer(engine, token)
    chosen = list(dict.fromkeys(site_ids))[:MAX_CHECKED]
    if not chosen:
        raise StoreError("no record chosen")
    today = now().date().isoformat()
    changes = {site: {"checked_on": today, "checked_by": who.name} for site in chosen}
    return versions.publish(engine, changes, who.name, "still right", against=against)


def undo_to(engine: Engine, token: str | None, to: int, reason: str, *, against: int) -> int:
    """A new version whose records are version `to`'s again, as the reviewer the session
    opens."""
    who = reviewer(engine, token)
    why = proposals.plain("reason", reason[:MAX_REASON]) or f"undo: back to version {to}"
    return versions.undo(engine, to, who.name, why, against=against)


@dataclass(frozen=True)
class Published:
    """One version of the history: who published it, when and why."""

    number: int
    at: datetime
    by: str
    note: str
    restores: int | None


def history(engine: Engine, limit: int = HISTORY_SHOWN) -> list[Published]:
    """The newest versions first."""
    query = select(Version).order_by(Version.number.desc()).limit(limit)
    with engine.connect() as connection:
        return [
            Published(row.number, row.published_at, row.by, row.note, row.restores)
            for row in connection.execute(query)
        ]


@dataclass(frozen=True)
class Entry:
    """One audit entry: who, when, which field, the old and new values, why."""

    at: datetime
    by: str
    version: int | None
    field: str
    old: str
    new: str
    reason: str


def audit_of(engine: Engine, site_id: str, limit: int = AUDIT_SHOWN) -> list[Entry]:
    """A record's last audit entries, the newest first."""
    query = (
        select(Audit).where(Audit.site_id == site_id[:500]).order_by(Audit.id.desc()).limit(limit)
    )
    with engine.connect() as connection:
        return [
            Entry(r.at, r.by, r.version, r.field, r.old or "", r.new or "", r.reason)
            for r in connection.execute(query)
        ]


def current_values(engine: Engine, site_id: str) -> dict[str, str] | None:
    """A record's fields as published now (None: no longer in the directory): what a conflict
    shows beside what the reviewer saw."""
    with engine.connect() as connection:
        return proposals._current(connection, site_id[:500])
