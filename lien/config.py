"""Where Lien's files are and every setting it reads from the environment, in one place.

Paths derive from this file, so the working directory never matters. Each LIEN_* variable is read
when asked for (not at import), so a test or an operator can change it between runs.

| variable | effect |
|---|---|
| LIEN_DATA | the file filling the store on its first start (default data/organisations.csv) |
| LIEN_STORE | off: a read-only kiosk showing LIEN_DATA's file, no database (default: the store) |
| LIEN_STRICT | 1: refuse the whole directory on any problem (default: hide the bad rows) |
| LIEN_BASE_URL | the app's public address, for the handout's QR code (default: the browser's) |
| LIEN_CACHE_DIR | where derived files (gazetteer index, outlines) are kept (default .cache/) |
| LIEN_GEOCODER | offline (default) or nominatim |
| LIEN_USER_AGENT | the User-Agent sent to Nominatim |
| LIEN_NOMINATIM_URL | the Nominatim server |
| LIEN_GEOCODE_CACHE | the cache file of Nominatim's answers (default data/geocode_cache.csv) |
| LIEN_DATABASE_URL | the directory's database, as a SQLAlchemy URL (postgresql+psycopg://…) |
| LIEN_DATABASE_PATH | without LIEN_DATABASE_URL, the SQLite file (default var/lien.sqlite3) |
| LIEN_TRUSTED_PROXY | the reverse proxies (addresses, networks) whose X-Forwarded-For is believed |
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT: Path = Path(__file__).resolve().parent.parent
# The byte unit of every size in lien (MAX_UPLOAD_MB, a worker's memory_mb): the mebibyte, 1024²
# bytes, as the kernel's limits and the file system count them.
MiB = 1024 * 1024
DATA_DIR: Path = ROOT / "data"
ORGANISATIONS_CSV: Path = DATA_DIR / "organisations.csv"
SERVICES_CSV: Path = DATA_DIR / "services.csv"
AUDIENCES_CSV: Path = DATA_DIR / "audiences.csv"
CATEGORIES_CSV: Path = DATA_DIR / "categories.csv"
# Labels that stand for several codes at once ("Tout public": every audience).
LABEL_GROUPS_CSV: Path = DATA_DIR / "label_groups.csv"
GEOCODE_CACHE_CSV: Path = DATA_DIR / "geocode_cache.csv"
STATIC_DIR: Path = ROOT / "static"


def _env(name: str) -> str:
    return os.environ.get(name, "").strip()


def cache_dir() -> Path:
    """Where derived, rebuildable files go (the gazetteer index); LIEN_CACHE_DIR overrides it."""
    return Path(_env("LIEN_CACHE_DIR") or ROOT / ".cache")


def directory_path() -> Path:
    """The directory both pages show: LIEN_DATA if set, else data/organisations.csv."""
    override = _env("LIEN_DATA")
    return Path(override).expanduser() if override else ORGANISATIONS_CSV


def store_enabled() -> bool:
    """Whether the pages read the directory's store (the default) or, with LIEN_STORE=off, the
    directory file itself (a read-only kiosk: no database, nothing to publish)."""
    return _env("LIEN_STORE").lower() != "off"


def strict() -> bool:
    """LIEN_STRICT=1: any problem refuses the whole directory, listed on the page."""
    return _env("LIEN_STRICT") == "1"


def base_url() -> str:
    """LIEN_BASE_URL: the address visitors reach the app at ("" when unset)."""
    return _env("LIEN_BASE_URL")


def geocoder_name() -> str:
    """LIEN_GEOCODER as written ("" when unset: offline)."""
    return os.environ.get("LIEN_GEOCODER", "")


def user_agent() -> str | None:
    """LIEN_USER_AGENT, the User-Agent for Nominatim (None: Lien's default)."""
    return _env("LIEN_USER_AGENT") or None


def nominatim_url() -> str | None:
    """LIEN_NOMINATIM_URL (None: the public server)."""
    return _env("LIEN_NOMINATIM_URL") or None


def geocode_cache() -> str | None:
    """LIEN_GEOCODE_CACHE (None: data/geocode_cache.csv)."""
    return _env("LIEN_GEOCODE_CACHE") or None


def database_path() -> Path:
    """LIEN_DATABASE_PATH, the SQLite file of the directory's store (default: var/lien.sqlite3).
    Not in cache_dir(): the cache is derived and `make clean` removes it, while the store holds
    corrections published by people."""
    override = _env("LIEN_DATABASE_PATH")
    return Path(override).expanduser() if override else ROOT / "var" / "lien.sqlite3"


def database_url() -> str:
    """LIEN_DATABASE_URL if set (PostgreSQL: postgresql+psycopg://…), else database_path()'s."""
    return _env("LIEN_DATABASE_URL") or f"sqlite:///{database_path()}"


def trusted_proxies() -> tuple[str, ...]:
    """LIEN_TRUSTED_PROXY: the addresses (or networks, 10.0.0.0/8) of the reverse proxies whose
    X-Forwarded-For names the client; none by default, so no header is believed."""
    return tuple(part for part in _env("LIEN_TRUSTED_PROXY").replace(",", " ").split() if part)
