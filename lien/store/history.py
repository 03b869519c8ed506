"""The audit log as a record's history: every change of a field the store made, in the order it
made them, for the exports (HSDS's metadata table, lien.outputs.hsds_metadata). A decision on a
proposal changes no field and is no part of it (the store keeps it; a dump carries it).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, select

from lien.store.models import RECORD_FIELDS, Audit


@dataclass(frozen=True)
class Change:
    """One field of one record changed: from `old` to `new` (None: the record had none, or the
    record was added or removed), by whom, when, in which version."""

    id: int
    at: datetime
    by: str
    version: int
    site_id: str
    field: str
    old: str | None
    new: str | None


def changes(engine: Engine, site_ids: Collection[str] | None = None) -> list[Change]:
    """The changes of the records `site_ids` (None: of every record) up to the current version,
    the oldest first. The log is read whole and filtered here: a publish touches a few records,
    and a view's ids would make thousands of IN clauses."""
    query = (
        select(Audit.id, Audit.at, Audit.by, Audit.version, Audit.site_id)
        .add_columns(Audit.field, Audit.old, Audit.new)
        .where(Audit.field.in_(RECORD_FIELDS), Audit.version.is_not(None))
        .order_by(Audit.id)
    )
    wanted = None if site_ids is None else set(site_ids)
    with engine.connect() as connection:
        return [
            Change(*row)
            for row in connection.execute(query)
            if wanted is None or row.site_id in wanted
        ]
