"""Reading a version of the directory by its number, and publishing the next one.

A publish is planned and checked first, then written in one transaction: its version's row
first (the number must be the current one's plus one: a reviewer who published against an older
version gets a ConflictError, and nothing is written), then each changed record's old row closed
and its new row added, then one audit row per changed field. Undo publishes an earlier
version's records again, as a new version.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, bindparam, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from lien.freshness import STATUSES
from lien.ingest.directory import check, locate, prepare

# The loader's own rule for source_date (YYYY, YYYY-MM or YYYY-MM-DD, a real date).
from lien.ingest.validate import _valid_date as valid_date
from lien.problems import Problem
from lien.schema import SCHEMA_COLUMNS
from lien.store.models import RECORD_FIELDS, Audit, Site, Version

# A record as the store keeps it: its place in the file's order, its id, and its fields.
COLUMNS: tuple[str, ...] = ("position", "site_id", *RECORD_FIELDS)
DATES = ("checked_on", "changed_on")
# Rows per statement when a publish names many records (SQLite's bound-parameter limit).
CHUNK = 500

# site_id -> the fields to set (a new record: all it has), or None: the record leaves the
# directory (an undo of its addition; a closed organisation is marked "defunct" instead).
Changes = Mapping[str, Mapping[str, str | None] | None]


class StoreError(Exception):
    """The store can't do what was asked; the message says why."""


class ConflictError(StoreError):
    """The version a publish was made against is no longer the current one."""


class NothingChangedError(StoreError):
    """A publish whose changes are what the records already hold."""


class InvalidError(StoreError):
    """Records the loader would set aside or change: each problem names its row and field."""

    def __init__(self, problems: list[Problem], names: Mapping[int | None, str]) -> None:
        super().__init__(
            "; ".join(
                f"{names.get(p.row, p.where('en'))}, {p.field}: {p.text('en')}" for p in problems
            )
        )
        self.problems = problems
        # The record each problem's row is (the problems count rows from 2, as in a file).
        self.names = names


@dataclass(frozen=True)
class Publish:
    """Who publishes and why, and how: `restores` an earlier version (undo), `audited` field by
    field (not the first fill), `stamped` with today's changed_on when a fact changes,
    `validated` by the loader's checks (a reviewed change; the fill and undo were already);
    `during(connection, number)` writes more in the same transaction (a proposal marked
    accepted): if it raises, nothing of the publish is written."""

    by: str
    reason: str
    restores: int | None = None
    audited: bool = True
    stamped: bool = True
    validated: bool = False
    during: Callable[[Connection, int], None] | None = None


def now() -> datetime:
    """UTC, without a zone: SQLite and PostgreSQL read back the same value."""
    return datetime.now(UTC).replace(tzinfo=None)


def _as_of(version: int) -> Any:
    return (Site.valid_from <= version) & or_(Site.valid_to.is_(None), Site.valid_to > version)


def _version(connection: Connection) -> int:
    return int(connection.scalar(select(func.count()).select_from(Version)) or 0)


def current_version(engine: Engine) -> int:
    """The current version's number (0: an empty store). Numbers run 1, 2, 3… without a gap."""
    with engine.connect() as connection:
        return _version(connection)


def _rows(connection: Connection, version: int) -> list[Any]:
    columns = [getattr(Site, name) for name in COLUMNS]
    query = select(*columns).where(_as_of(version)).order_by(Site.position)
    return list(connection.execute(query).all())


def _records(connection: Connection, version: int) -> pd.DataFrame:
    return pd.DataFrame.from_records(_rows(connection, version), columns=list(COLUMNS))


def records(engine: Engine, version: int) -> pd.DataFrame:
    """Version `version`'s records as the store keeps them: the directory file's columns (in
    its order, `position` its line) and the freshness fields."""
    with engine.connect() as connection:
        return _records(connection, version)


def for_pages(raw: pd.DataFrame) -> pd.DataFrame:
    """Records as the pages read a loaded directory: `row` first, located and prepared."""
    frame = raw.rename(columns={"position": "row"})
    # A date never set is NULL in the store and "" in a loaded file: the pages read text.
    frame[["checked_on", "changed_on"]] = frame[["checked_on", "changed_on"]].fillna("")
    return prepare(locate(frame))


def current(engine: Engine) -> tuple[int, pd.DataFrame]:
    """The current version's number and its directory, in the frame the pages read (the
    loader's, with the freshness fields beside the file's columns)."""
    with engine.connect() as connection:
        version = _version(connection)
        raw = _records(connection, version)
    return version, for_pages(raw)


def _check_fields(changes: Changes) -> None:
    for site_id, fields in changes.items():
        if not site_id:
            raise StoreError("a record needs a site_id")
        unknown = sorted(set(fields or {}) - set(RECORD_FIELDS) - {"position"})
        if unknown:
            raise StoreError(f"{site_id}: unknown field(s) {', '.join(unknown)}")
        fields = fields or {}
        if "status" in fields and fields["status"] not in STATUSES:
            raise StoreError(f"{site_id}: status {fields['status']!r} is not one of {STATUSES}")
        for name in DATES:
            value = fields.get(name)
            if value is not None and not valid_date(str(value)):
                raise StoreError(f"{site_id}: {name} {value!r} is not YYYY, YYYY-MM or YYYY-MM-DD")


def validate(records: list[dict[str, Any]]) -> None:
    """The loader's own checks on the records a publish writes; raises InvalidError with every
    problem, a value the loader would leave out of a kept row included."""
    if not records:
        return
    frame = pd.DataFrame(records, columns=list(SCHEMA_COLUMNS))
    frame.insert(0, "row", range(2, len(frame) + 2))
    problems = check(frame).problems
    if problems:
        names: dict[int | None, str] = dict(zip(frame["row"], frame["site_id"], strict=True))
        raise InvalidError(list(problems), names)


def _chunks(items: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _rows_at(connection: Connection, version: int, site_ids: Iterable[str]) -> dict[str, Any]:
    found: dict[str, dict[str, Any]] = {}
    columns = [Site.id, *(getattr(Site, name) for name in COLUMNS)]
    for chunk in _chunks(sorted(site_ids)):
        query = select(*columns).where(_as_of(version), Site.site_id.in_(chunk))
        for row in connection.execute(query).mappings():
            found[row["site_id"]] = dict(row)
    return found


@dataclass
class _Plan:
    """What a publish writes: the rows it closes, the rows it adds, the audit rows."""

    number: int
    how: Publish
    at: datetime
    next_position: int
    closed: list[int]
    added: list[dict[str, Any]]
    audit: list[dict[str, Any]]

    def log(self, site_id: str, field: str, old: str | None, new: str | None) -> None:
        if self.how.audited:
            self.audit.append(
                {
                    "at": self.at,
                    "by": self.how.by,
                    "version": self.number,
                    "site_id": site_id,
                    "field": field,
                    "old": old,
                    "new": new,
                    "reason": self.how.reason,
                }
            )


def _new_record(plan: _Plan, site_id: str, fields: Mapping[str, str | None]) -> dict[str, Any]:
    record: dict[str, Any] = {name: "" for name in COLUMNS}
    record.update(site_id=site_id, status="active", checked_on=None, changed_on=None)
    if "position" not in fields:
        record["position"] = plan.next_position
        plan.next_position += 1
    return record


def _plan_one(
    plan: _Plan, site_id: str, old: dict[str, Any] | None, fields: Mapping[str, Any] | None
) -> None:
    if fields is None:
        if old is None:
            raise StoreError(f"{site_id}: no such record to remove")
        plan.closed.append(old["id"])
        for name in RECORD_FIELDS:
            if old[name]:
                plan.log(site_id, name, old[name], None)
        return
    before = {k: v for k, v in old.items() if k != "id"} if old else None
    after = dict(before) if before else _new_record(plan, site_id, fields)
    after.update(fields)
    facts_changed = any(after[c] != (before or {}).get(c, "") for c in SCHEMA_COLUMNS)
    if plan.how.stamped and facts_changed and "changed_on" not in fields:
        after["changed_on"] = plan.at.date().isoformat()
    if after == before:
        return
    if old is not None:
        plan.closed.append(old["id"])
    plan.added.append({**after, "valid_from": plan.number})
    for name in RECORD_FIELDS:
        was = before[name] if before else None
        if after[name] != was and (before is not None or after[name]):
            plan.log(site_id, name, was, after[name])


def _start(connection: Connection, how: Publish, against: int, at: datetime) -> int:
    """Add the version row first: its number is the optimistic check (a concurrent publish
    against the same version fails on the primary key, an older `against` too)."""
    number = against + 1
    row = {"number": number, "published_at": at, "by": how.by, "note": how.reason}
    try:
        connection.execute(insert(Version).values(**row, restores=how.restores))
    except IntegrityError:
        raise ConflictError(f"version {against} is no longer the current one") from None
    if _version(connection) != number:
        raise ConflictError(f"version {against} is not the current one")
    return number


def _plan(engine: Engine, changes: Changes, how: Publish, against: int) -> _Plan:
    """What publishing `changes` over version `against` writes, read and checked before the
    transaction (which then only has to find `against` still current)."""
    with engine.connect() as connection:
        if _version(connection) != against:
            raise ConflictError(f"version {against} is not the current one")
        old = _rows_at(connection, against, changes)
        last = connection.scalar(select(func.max(Site.position)).where(_as_of(against))) or 0
    plan = _Plan(against + 1, how, now(), int(last) + 1, [], [], [])
    for site_id, fields in changes.items():
        _plan_one(plan, site_id, old.get(site_id), fields)
    if not plan.closed and not plan.added:
        raise NothingChangedError("the records already hold these values")
    if how.validated:
        validate(plan.added)
    return plan


def apply(engine: Engine, changes: Changes, how: Publish, against: int) -> int:
    """Publish `changes` as the version after `against`, in one transaction; its number."""
    _check_fields(changes)
    plan = _plan(engine, changes, how, against)
    with engine.begin() as connection:
        number = _start(connection, how, against, plan.at)
        if plan.closed:
            close = update(Site).where(Site.id == bindparam("row_id")).values(valid_to=number)
            connection.execute(close, [{"row_id": i} for i in plan.closed])
        if plan.added:
            connection.execute(insert(Site), plan.added)
        if plan.audit:
            connection.execute(insert(Audit), plan.audit)
        if how.during is not None:
            how.during(connection, number)
    return number


def publish(
    engine: Engine,
    changes: Changes,
    by: str,
    reason: str,
    *,
    against: int,
    during: Callable[[Connection, int], None] | None = None,
) -> int:
    """Publish reviewed `changes` as a new version, made against version `against` (the one the
    reviewer saw): ConflictError if it is no longer current, InvalidError if the loader would
    refuse a record or leave a value out, NothingChangedError if nothing differs. Returns the
    new version's number. `during(connection, number)`: more to write in the same transaction."""
    how = Publish(by, reason, validated=True, during=during)
    return apply(engine, changes, how, against)


def undo(engine: Engine, to: int, by: str, reason: str, *, against: int) -> int:
    """A new version whose records are version `to`'s again (each changed field audited)."""
    with engine.connect() as connection:
        if not 1 <= to < _version(connection) + 1:
            raise StoreError(f"there is no version {to} to go back to")
        wanted = {row.site_id: row._asdict() for row in _rows(connection, to)}
        present = {row.site_id: row._asdict() for row in _rows(connection, against)}
    changes: dict[str, Mapping[str, Any] | None] = {}
    for site_id, record in wanted.items():
        if present.get(site_id) != record:
            changes[site_id] = {k: v for k, v in record.items() if k != "site_id"}
    for site_id in sorted(present.keys() - wanted.keys()):
        changes[site_id] = None
    how = Publish(by, reason, restores=to, stamped=False)
    return apply(engine, changes, how, against)
