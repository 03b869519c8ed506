"""lien.config: paths, and every environment setting read when asked for."""

from __future__ import annotations

from pathlib import Path

import pytest

from lien import config


def test_paths_derive_from_the_repository() -> None:
    assert (config.ROOT / "app.py").exists()
    assert config.ORGANISATIONS_CSV == config.ROOT / "data" / "organisations.csv"


def test_settings_follow_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in (
        "LIEN_DATA",
        "LIEN_STRICT",
        "LIEN_BASE_URL",
        "LIEN_CACHE_DIR",
        "LIEN_USER_AGENT",
        "LIEN_NOMINATIM_URL",
        "LIEN_GEOCODE_CACHE",
    ):
        monkeypatch.delenv(name, raising=False)
    assert config.directory_path() == config.ORGANISATIONS_CSV
    assert not config.strict()
    assert config.base_url() == ""
    assert config.user_agent() is None
    monkeypatch.setenv("LIEN_DATA", str(tmp_path / "mine.csv"))
    monkeypatch.setenv("LIEN_STRICT", "1")
    monkeypatch.setenv("LIEN_BASE_URL", " https://lien.example/ ")
    monkeypatch.setenv("LIEN_CACHE_DIR", str(tmp_path))
    assert config.directory_path() == tmp_path / "mine.csv"
    assert config.strict()
    assert config.base_url() == "https://lien.example/"
    assert config.cache_dir() == tmp_path
