"""The first start: an empty store filled from the directory file, as version 1."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from lien import config
from lien.ingest.directory import Shared, load_shared, report
from lien.schema import SCHEMA_COLUMNS
from lien.store.versions import ConflictError, Publish, StoreError, apply, current_version

log = logging.getLogger("lien")
FILLED_BY = "lien"


def _coordinate(value: float, manual: bool) -> str:
    # The loader placed every site; only a manual override is the file's own value.
    return repr(float(value)) if manual and pd.notna(value) else ""


def records(frame: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """A loaded directory's rows as the store's records: the file's values (its line as their
    position) and freshness."""
    out: dict[str, dict[str, Any]] = {}
    manual = (frame["coord_source"] == "manual").tolist()
    for row, is_manual in zip(frame.to_dict("records"), manual, strict=True):
        record = {name: row[name] for name in SCHEMA_COLUMNS[1:]}
        record["latitude"] = _coordinate(row["latitude"], is_manual)
        record["longitude"] = _coordinate(row["longitude"], is_manual)
        # The loader defaulted what the file left out: checked on its source's date, by its
        # source, active (lien.ingest.directory.fresh_defaults).
        record.update(
            position=int(row["row"]),
            status=row["status"],
            checked_on=row["checked_on"] or None,
            checked_by=row["checked_by"],
            changed_on=row["changed_on"] or None,
        )
        out[row["site_id"]] = record
    return out


def fill(engine: Engine, path: Path | None = None) -> Shared | None:
    """Fill an empty store from `path` (default LIEN_DATA or data/organisations.csv) as
    version 1, read by the loader (bad rows set aside, LIEN_STRICT honoured); the loader's
    result, or None when the store already has a version. StoreError if the file is refused."""
    shared = try_fill(engine, path)
    if shared is not None and shared.refused:
        raise StoreError(report(shared))
    return shared


def try_fill(engine: Engine, path: Path | None = None, strict: bool | None = None) -> Shared | None:
    """fill(), a refused file returned (its problems, for the pages to say) instead of raised;
    `strict` overrides LIEN_STRICT (a worker's environment is the server's at its start)."""
    if current_version(engine):
        return None
    source = path or config.directory_path()
    shared = load_shared(str(source), config.strict() if strict is None else strict)
    (log.warning if shared.refused or shared.problems.total else log.info)("%s", report(shared))
    if shared.refused:
        return shared
    # Version 1 is the file: no field changed, so no audit row per field of every record.
    how = Publish(FILLED_BY, f"filled from {shared.name}", audited=False, stamped=False)
    try:
        # The defunct records too: the pages never show them, the store keeps their history.
        kept = pd.concat([shared.frame, shared.defunct]) if len(shared.defunct) else shared.frame
        apply(engine, records(kept), how, 0)
    except ConflictError:
        return None  # another server process filled it first
    return shared
