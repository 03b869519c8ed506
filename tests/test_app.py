"""AppTest of the map page (for now, the validated directory as a table)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import lien.paths
from lien.paths import ORGANISATIONS_CSV, ROOT

APP = str(ROOT / "app.py")


def test_app_shows_the_directory() -> None:
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert any("32 sites of 23 organisations" in m.value for m in at.markdown)
    table = at.dataframe[0].value
    assert len(table) == 32
    assert "Aide aux Personnes Déplacées" in set(table["organisation"])


def test_app_reports_a_refused_file_without_crashing(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    broken = tmp_path / "organisations.csv"
    text = ORGANISATIONS_CSV.read_text(encoding="utf-8").replace("legal_aid;", "legal_aide;", 1)
    broken.write_text(text, encoding="utf-8")
    monkeypatch.setattr(lien.paths, "ORGANISATIONS_CSV", broken)
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert "was refused: 1 problem" in at.error[0].value
    problems = at.dataframe[0].value
    assert problems.iloc[0]["field"] == "services"
    assert "legal_aide" in problems.iloc[0]["message"]
