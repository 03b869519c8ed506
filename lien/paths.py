"""Filesystem locations, all derived from this file so the working directory never matters."""

from __future__ import annotations

import os
from pathlib import Path

ROOT: Path = Path(__file__).resolve().parent.parent
DATA_DIR: Path = ROOT / "data"
ORGANISATIONS_CSV: Path = DATA_DIR / "organisations.csv"
SERVICES_CSV: Path = DATA_DIR / "services.csv"
AUDIENCES_CSV: Path = DATA_DIR / "audiences.csv"
GEOCODE_CACHE_CSV: Path = DATA_DIR / "geocode_cache.csv"
STATIC_DIR: Path = ROOT / "static"


def cache_dir() -> Path:
    """Directory for derived, rebuildable files (the gazetteer index); LIEN_CACHE_DIR overrides it."""
    return Path(os.environ.get("LIEN_CACHE_DIR") or ROOT / ".cache")


def directory_path() -> Path:
    """The directory both pages show: LIEN_DATA if set, else data/organisations.csv."""
    override = os.environ.get("LIEN_DATA", "").strip()
    return Path(override).expanduser() if override else ORGANISATIONS_CSV
