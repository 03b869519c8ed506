"""lien.config: paths, and every environment setting read when asked for."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lien import config


def test_paths_derive_from_the_repository() -> None:
    assert (config.ROOT / "app.py").exists()
    assert config.ORGANISATIONS_CSV == config.ROOT / "data" / "organisations.csv"


# Another home for these would drift from config's: a root found from another depth, a megabyte of
# 10⁶ bytes beside limits counted in 1024².
_OWN_HOMES = {
    "the project root": re.compile(r"__file__\)[^\n]*\.(parents\[|parent\.parent)"),
    "the byte unit": re.compile(r"1024 \* 1024|1024\s*\*\*\s*2"),
}


@pytest.mark.parametrize("concept", sorted(_OWN_HOMES))
def test_config_is_the_one_home_of(concept: str) -> None:
    """lien.config.ROOT and lien.config.MiB, which lien/ and tests/ import rather than compute."""
    pattern = _OWN_HOMES[concept]
    files = [*(config.ROOT / "lien").rglob("*.py"), *(config.ROOT / "tests").rglob("*.py")]
    others = [
        str(path.relative_to(config.ROOT))
        for path in files
        if path.name != "config.py" and path != Path(__file__).resolve()
        if pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert others == []
    assert config.MiB == 2**20


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
