"""Where the store is, and how a SQLite file is opened."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from lien import config
from lien.store.engine import make_engine


def test_the_default_store_is_a_sqlite_file_make_clean_keeps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("LIEN_DATABASE_URL", "LIEN_DATABASE_PATH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LIEN_CACHE_DIR", str(tmp_path))
    assert config.database_url() == f"sqlite:///{config.ROOT / 'var' / 'lien.sqlite3'}"
    # Published corrections are not derived data: not in the cache make clean removes.
    assert config.cache_dir() not in config.database_path().parents
    monkeypatch.setenv("LIEN_DATABASE_PATH", str(tmp_path / "elsewhere" / "mine.sqlite3"))
    assert config.database_url() == f"sqlite:///{tmp_path / 'elsewhere' / 'mine.sqlite3'}"
    monkeypatch.setenv("LIEN_DATABASE_URL", " postgresql+psycopg://lien@db/lien ")
    assert config.database_url() == "postgresql+psycopg://lien@db/lien"


def test_a_sqlite_store_is_in_wal_mode_with_its_folder_made(tmp_path: Path) -> None:
    path = tmp_path / "new" / "lien.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    with engine.connect() as connection:
        mode = connection.execute(text("PRAGMA journal_mode")).scalar()
        synchronous = connection.execute(text("PRAGMA synchronous")).scalar()
        keys = connection.execute(text("PRAGMA foreign_keys")).scalar()
    assert (mode, synchronous, keys) == ("wal", 2, 1)
    assert path.exists()
    engine.dispose()
