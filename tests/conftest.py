"""Fixtures shared by the whole suite: the fake Nominatim (tests/support/fake_nominatim.py) and
the seeds the data is checked against."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from lien.config import ROOT
from lien.geocoding import OfflineGeocoder
from tests.support import tiers
from tests.support.fake_nominatim import PROXY_VARIABLES, FakeNominatim

SEEDS = ROOT.parent / "shared" / "seeds"
# The HSDS 3.0 specification's own tabular description (../shared/hsds/README.md says whence).
HSDS_DATAPACKAGE = ROOT.parent / "shared" / "hsds" / "datapackage-3.0.0.json"


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """tests/browser/ is the browser tier. First, so that `-m "not browser"` deselects after the
    marking, and tests/test_tiers.py sees the whole collection."""
    config.stash[tiers.COLLECTED] = tiers.mark_and_record(items)


def pytest_collectreport(report: pytest.CollectReport) -> None:
    """A test file skipped whole still counts as collected for tests/test_tiers.py."""
    file = report.nodeid.partition("::")[0]
    if report.skipped and file.endswith(".py"):
        tiers.SKIPPED_FILES.add(ROOT / file)


def missing(reason: str) -> None:
    """Skip the calling test (or module) for want of something, or fail it when CI=true (CI
    installs everything the tests need)."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason, allow_module_level=True)


def _require(path: Path, what: str) -> Path:
    """`path`; without it, skip the calling test (or module), or fail it when CI=true (CI has
    ../shared beside the checkout, as every developer's machine does)."""
    if not path.exists():
        missing(f"{what} {'are' if what.endswith('s') else 'is'} expected in {path}")
    return path


def require_caddy() -> None:
    """For a test of the deployment recipe: Debian's caddy (.ci/run installs it)."""
    if shutil.which("caddy") is None:
        missing("Debian caddy is not installed: apt-get install caddy")


def require_seeds() -> Path:
    """The seeds' folder (skipped without it outside CI, failed under CI=true)."""
    return _require(SEEDS, "the seeds")


def require_hsds_datapackage() -> Path:
    """The official HSDS 3.0 datapackage.json (skipped without it outside CI, failed under
    CI=true)."""
    return _require(HSDS_DATAPACKAGE, "the official HSDS 3.0 datapackage.json")


@pytest.fixture(scope="session", autouse=True)
def session_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The directory's store the pages read in this run (each xdist process its own SQLite
    file, filled from the seed on its first read), never var/lien.sqlite3 nor a developer's
    LIEN_DATABASE_URL. A test that needs another store sets LIEN_DATABASE_PATH itself: the pages
    cache per database, so each store is read afresh."""
    path = tmp_path_factory.mktemp("store") / "lien.sqlite3"
    saved = {name: os.environ.get(name) for name in ("LIEN_DATABASE_PATH", "LIEN_DATABASE_URL")}
    os.environ.pop("LIEN_DATABASE_URL", None)
    os.environ["LIEN_DATABASE_PATH"] = str(path)
    yield path
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture
def new_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A store of the test's own, empty: the pages fill it on their first run from the file the
    test names (LIEN_DATA, or data/organisations.csv patched), as a server's first start does."""
    path = tmp_path / "lien.sqlite3"
    monkeypatch.setenv("LIEN_DATABASE_PATH", str(path))
    return path


@pytest.fixture
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's HTTP proxy must not see the tests' requests to 127.0.0.1."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def fake(no_proxy: None) -> Iterator[FakeNominatim]:
    """A running fake Nominatim on 127.0.0.1."""
    server = FakeNominatim()
    server.start()
    yield server
    server.stopping.set()
    server.stop()


@pytest.fixture(scope="module")
def offline() -> OfflineGeocoder:
    """The offline geocoder, the reference for every fallback."""
    return OfflineGeocoder()
