"""lien.memory: what the server gives back, and what its full collections no longer visit."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from streamlit.testing.v1 import AppTest

from lien import memory
from lien.config import ROOT


@pytest.fixture
def unsettled(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A process that has not settled yet; thawed afterwards, as the test process was."""
    frozen = gc.get_freeze_count()
    monkeypatch.setattr(memory, "_settled", [False])
    yield
    if frozen == 0:
        gc.unfreeze()


def test_settle_takes_what_is_alive_out_of_the_collections_once(unsettled: None) -> None:
    kept = [[n] for n in range(1000)]
    assert memory.settle() is True
    assert gc.get_freeze_count() > 0
    assert not any(thing is kept for thing in gc.get_objects())  # no longer visited
    later = [[n] for n in range(10)]
    assert memory.settle() is False  # once: what comes later is collected as usual
    assert any(thing is later for thing in gc.get_objects())


def test_a_page_run_settles_the_server(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    def settle() -> bool:
        calls.append("settle")
        return True

    monkeypatch.setattr(memory, "settle", settle)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert len(calls) == 1
