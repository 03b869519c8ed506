"""Fixtures shared by the whole suite: the fake Nominatim (tests/support/fake_nominatim.py) and
the seeds the data is checked against."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

import pytest

from lien.config import ROOT
from lien.geocoding import OfflineGeocoder
from tests.support.fake_nominatim import PROXY_VARIABLES, FakeNominatim

SEEDS = ROOT.parent / "shared" / "seeds"


def require_seeds() -> Path:
    """The seeds' folder; without it, skip the calling test, or fail it when CI=true (CI has them
    beside the checkout, as every developer's machine does)."""
    if not SEEDS.is_dir():
        reason = f"the seeds are expected in {SEEDS}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason, allow_module_level=True)
    return SEEDS


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
