"""The directory's store: every published version of the directory, the proposals and the audit
log, in SQLite (a file, by default) or PostgreSQL (LIEN_DATABASE_URL).

    engine = store.open()                 # migrated to the newest schema, filled on first start
    version, frame = store.current(engine)
    store.publish(engine, {"apd-namur": {"phone": "081 00 00 00"}}, "ana", "called them",
                  against=version)

Never imports Streamlit.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine

from lien import config
from lien.ingest.directory import Progress, Shared
from lien.store.engine import make_engine, upgrade
from lien.store.fill import fill, try_fill
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
    "start",
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


def start(
    url: str, source: str, strict: bool, *, progress: Progress | None = None
) -> Shared | None:
    """The server's first start as a worker task (lien.ingest.worker, bounded as the directory
    file's reading always was): the store at `url` migrated, and filled from `source` on its
    first start (the arguments, not the environment: a worker's is the server's at its start).
    The fill's report (its frame left out: the pages read the store), or None when already
    filled; a refused file is returned, not raised, for the pages to say it."""
    engine = make_engine(url)
    try:
        upgrade(engine)
        shared = try_fill(engine, Path(source), strict)
    finally:
        engine.dispose()
    return None if shared is None else replace(shared, frame=pd.DataFrame())
