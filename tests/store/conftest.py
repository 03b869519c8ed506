"""The store's fixtures: every test runs against SQLite and against a real PostgreSQL (a
throwaway cluster of Debian's binaries, lien_dev/postgres.py), skipped when PostgreSQL isn't
installed and failed without it under CI=true."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from lien import store
from lien.config import ORGANISATIONS_CSV
from lien_dev.postgres import Cluster, binaries, cluster

BACKENDS = ("sqlite", "postgresql")


@pytest.fixture(scope="session")
def postgres() -> Iterator[Cluster]:
    """One cluster for the whole run; each test has a database of its own in it."""
    found = binaries()
    if found is None:
        reason = "PostgreSQL's binaries are expected (apt-get install postgresql)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    with cluster(found) as running:
        yield running


def new_url(request: pytest.FixtureRequest, backend: str, tmp_path: Path) -> str:
    """An empty database of `backend`: a new SQLite file, or a new PostgreSQL database."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / f'lien-{uuid.uuid4().hex[:8]}.sqlite3'}"
    running: Cluster = request.getfixturevalue("postgres")
    return running.new_database()


@pytest.fixture(params=BACKENDS)
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database, on each backend in turn."""
    return new_url(request, request.param, tmp_path)


@pytest.fixture
def engine(url: str) -> Iterator[Engine]:
    """A store opened on `url`: migrated and filled from data/organisations.csv (version 1)."""
    opened = store.open(url, source=ORGANISATIONS_CSV)
    yield opened
    opened.dispose()
