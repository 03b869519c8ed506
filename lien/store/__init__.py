"""The directory's store: every published version of the directory, the proposals and the audit
log, in SQLite (a file, by default) or PostgreSQL (LIEN_DATABASE_URL).

    engine = store.open()                 # migrated to the newest schema, filled on first start
    version, frame = store.current(engine)
    store.publish(engine, {"apd-namur": {"phone": "081 00 00 00"}}, "ana", "called them",
                  against=version)

Never imports Streamlit.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from lien import config
from lien.store.engine import make_engine, upgrade
from lien.store.fill import fill
from lien.store.versions import (
    Changes,
    ConflictError,
    InvalidError,
    NothingChangedError,
    StoreError,
    current,
    current_version,
    publish,
    records,
    undo,
)

__all__ = [
    "Changes",
    "ConflictError",
    "InvalidError",
    "NothingChangedError",
    "StoreError",
    "current",
    "current_version",
    "open",
    "publish",
    "records",
    "undo",
]


def open(url: str | None = None, *, source: Path | None = None, filled: bool = True) -> Engine:
    """The store at `url` (default LIEN_DATABASE_URL, else the SQLite file LIEN_DATABASE_PATH),
    its schema upgraded to the newest; an empty one is filled from `source` (default LIEN_DATA
    or data/organisations.csv) unless `filled` is False (a restore)."""
    engine = make_engine(url or config.database_url())
    upgrade(engine)
    if filled:
        fill(engine, source)
    return engine
