"""HSDS's metadata table, the one home of its rows: the store's audit log as HSDS writes a
record's history (which field of which service changed, from what, to what, by whom, on which
day), for the pages' export and the store's dump alike.

- resource_id is the service the record is (every Lien record is one HSDS service), and
  resource_type "service"; field_name is Lien's own column (data/README.md), since the values
  are Lien's as the store keeps them;
- last_action_type is "create" when the change added the record, "delete" when it removed it
  (an undo of an addition), else "update": a record added or removed logs its status from or
  to nothing, which no update does (a record always has a status);
- HSDS requires a previous and a replacement value on every row: a value that was not there
  (a record added, a date never set, a field emptied) is written NO_VALUE.

Values are written as every HSDS cell is: control characters out and a formula start defended
(lien.outputs.hsds._csv), for a hostile proposal's text reaches the log once it is accepted.

A directory with no store (a kiosk, an upload) has no audit log: an imported HSDS package's own
metadata rows travel with its frame (`frame.attrs[ATTR]`) and go out again for the records
exported.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable
from itertools import groupby
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from lien.openreferral import METADATA_ATTR, TABLES, hsds_id
from lien.store.engine import make_engine
from lien.store.history import Change, changes

__all__ = ["ATTR", "NO_VALUE", "from_store", "kept", "rows"]

ATTR = METADATA_ATTR
NO_VALUE = "(none)"
FIELDS = TABLES["metadata"][1]
log = logging.getLogger("lien.builds")


def _action(group: list[Change]) -> str:
    status = next((c for c in group if c.field == "status"), None)
    if status is not None and status.old is None:
        return "create"
    if status is not None and status.new is None:
        return "delete"
    return "update"


def rows(log: Iterable[Change]) -> list[dict[str, str]]:
    """The metadata rows of `log` (the store's changes, the oldest first), in its order."""
    out = []
    for _, grouped in groupby(log, key=lambda c: (c.version, c.site_id)):
        group = list(grouped)
        action = _action(group)
        for change in group:
            out.append(
                {
                    "id": hsds_id("metadata", change.id),
                    "resource_id": hsds_id("service", change.site_id),
                    "resource_type": "service",
                    "last_action_date": change.at.date().isoformat(),
                    "last_action_type": action,
                    "field_name": change.field,
                    "previous_value": change.old or NO_VALUE,
                    "replacement_value": change.new or NO_VALUE,
                    "updated_by": change.by,
                }
            )
    return out


def from_store(url: str, site_ids: Collection[str]) -> list[dict[str, str]]:
    """The metadata rows of the records `site_ids` in the store at `url` (a download's worker
    reads it, not the server); none when the store can't be read: the export still goes out."""
    try:
        engine = make_engine(url)
    except (SQLAlchemyError, OSError):
        log.exception("the HSDS download goes out without its history: the store can't be read")
        return []
    try:
        return rows(changes(engine, site_ids))
    except SQLAlchemyError:
        log.exception("the HSDS download goes out without its history: the store can't be read")
        return []
    finally:
        engine.dispose()


def kept(source: Any, resource_ids: Collection[str]) -> list[dict[str, str]]:
    """An imported package's metadata rows (`source`, a frame's attrs entry) about the
    resources a package holds, each with HSDS's fields only."""
    if not isinstance(source, list):
        return []
    return [
        {name: str(row.get(name, "")) for name in FIELDS}
        for row in source
        if isinstance(row, dict) and row.get("resource_id") in resource_ids
    ]
