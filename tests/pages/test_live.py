"""The pages read the directory's store: filled on the first start, read through a cache keyed
by the version's number, a publish shown on the next run; LIEN_STORE=off reads the file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

import lien.store
from lien import store
from lien.config import ORGANISATIONS_CSV, ROOT
from lien.ui import state

APP = str(ROOT / "app.py")
COVERAGE = str(ROOT / "pages" / "1_Couverture_Dekking_Coverage.py")
NEW_PHONE = "081 99 99 99"


@pytest.fixture
def database(new_store: Path) -> Path:
    """A new, empty store of this test's own (its path not yet a file)."""
    return new_store


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The versions the pages read out of the store, one entry per read."""
    seen: list[int] = []
    real: Callable[[Engine, int], pd.DataFrame] = lien.store.records

    def counted(engine: Engine, version: int) -> pd.DataFrame:
        seen.append(version)
        return real(engine, version)

    monkeypatch.setattr(lien.store, "records", counted)
    return seen


def _phones(at: AppTest) -> list[str]:
    table = at.dataframe[0].value
    return list(table["Téléphone"].fillna(""))


def _opened(path: Path) -> Engine:
    return store.make_engine(f"sqlite:///{path}")


def _publish(path: Path, changes: dict[str, Any]) -> int:
    engine = _opened(path)
    try:
        version = store.current_version(engine)
        return store.publish(engine, changes, "ana", "called them", against=version)
    finally:
        engine.dispose()


def test_the_first_start_fills_the_store_from_the_directory_file(database: Path) -> None:
    assert not database.exists()
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    engine = _opened(database)
    version, frame = store.current(engine)
    engine.dispose()
    assert version == 1
    seed = pd.read_csv(ORGANISATIONS_CSV, dtype=str)
    assert list(frame["site_id"]) == list(seed["site_id"])
    assert any("21 sites de 12 organisations" in m.value for m in at.markdown)


def test_a_rerun_reads_the_version_s_number_only(database: Path, reads: list[int]) -> None:
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert reads == [1]
    at.run()
    at.run()
    assert not at.exception
    assert reads == [1], "an unchanged version is read out of the store once per server"


def test_a_publish_is_on_the_next_run_without_a_restart(database: Path, reads: list[int]) -> None:
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert NEW_PHONE not in _phones(at)
    assert _publish(database, {"apd-namur": {"phone": NEW_PHONE}}) == 2
    at.run()
    assert not at.exception
    assert NEW_PHONE in _phones(at)
    assert reads == [1, 2]
    # The coverage page of another session reads the same version, not the store again.
    other = AppTest.from_file(COVERAGE, default_timeout=60).run()
    assert not other.exception
    assert reads == [1, 2]


def test_lien_store_off_reads_the_file_and_opens_no_database(
    database: Path, monkeypatch: pytest.MonkeyPatch, reads: list[int]
) -> None:
    monkeypatch.setenv("LIEN_STORE", "off")
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert any("21 sites de 12 organisations" in m.value for m in at.markdown)
    assert not database.exists()
    assert reads == []


def test_the_store_keeps_no_row_the_first_fill_set_aside(
    database: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "organisations.csv"
    text = ORGANISATIONS_CSV.read_text(encoding="utf-8")
    broken.write_text(text.replace(",Steenokkerzeel,", ",Atlantide,", 1), encoding="utf-8")
    monkeypatch.setenv("LIEN_DATA", str(broken))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert not at.error
    assert any("20 sites de" in m.value for m in at.markdown)


def test_an_unreachable_store_is_said_not_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    # A directory that can't be made: the store can't be opened, the page says so.
    monkeypatch.setenv("LIEN_DATABASE_URL", "sqlite:////proc/lien-nowhere/lien.sqlite3")
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert at.error
    assert "organisations.csv" in at.error[0].value


def test_a_session_s_own_upload_stays_shown_after_a_publish(database: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=60).run()
    engine = _opened(database)
    mine = store.current(engine)[1].head(2)
    engine.dispose()
    at.session_state[state.UPLOAD_KEY] = {"frame": mine, "name": "mine.csv"}
    at.run()
    _publish(database, {mine["site_id"].iloc[0]: {"phone": NEW_PHONE}})
    at.run()
    assert not at.exception
    assert any("2 sites de 1 organisation" in m.value for m in at.markdown)
    assert NEW_PHONE not in _phones(at)
