"""LIEN_DATA switches the directory of both pages: the file a new store is filled from."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lien.config import ORGANISATIONS_CSV, ROOT
from tests.support.markdown import shown

PAGES = [ROOT / "app.py", ROOT / "pages" / "1_Couverture_Dekking_Coverage.py"]


pytestmark = pytest.mark.usefixtures("new_store")  # each test's file fills a store of its own


@pytest.fixture
def small_directory(tmp_path: Path) -> Path:
    with ORGANISATIONS_CSV.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields = list(reader.fieldnames or [])
        rows = [r for r in reader if r["org_id"] in ("seso", "cpas-thuin")]
    for row in rows:
        row["organisation"] = "Test " + row["organisation"]
    path = tmp_path / "other.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_map_page_reads_lien_data(small_directory: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIEN_DATA", str(small_directory))
    at = AppTest.from_file(str(PAGES[0]), default_timeout=60).run()
    assert not at.exception
    assert any("5 sites de 2 organisations affichés" in m.value for m in at.markdown)
    assert set(at.dataframe[0].value["Organisation"]) == {
        "Test Service Social de Solidarité Socialiste (SESO)",
        "Test CPAS de Thuin — Le Parrainage en couleur",
    }


def test_coverage_page_reads_lien_data(
    small_directory: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LIEN_DATA", str(small_directory))
    at = AppTest.from_file(str(PAGES[1]), default_timeout=60).run()
    assert not at.exception
    values = {m.label: m.value for m in at.metric}
    assert values["Organisations"] == "2"
    assert values["Sites"] == "5"


@pytest.mark.parametrize("page", PAGES, ids=["map", "coverage"])
def test_missing_lien_data_file_is_reported(
    page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LIEN_DATA", str(tmp_path / "nowhere.csv"))
    at = AppTest.from_file(str(page), default_timeout=60).run()
    assert not at.exception
    message = shown(at.error[0].value)
    # Visitors are told the directory is unavailable; the path and the reason go to the log.
    assert "nowhere.csv" in message
    assert str(tmp_path) not in message
