"""Lien's geocoders, in geopy's mould: `LienGeocoder` (the base), `OfflineGeocoder` (the default,
no network) and `OnlineGeocoder` (Nominatim, cached, rate-limited, offline fallback).

`get_geocoder()` returns the one LIEN_GEOCODER asks for; `lien-geocode` (lien.geocoding.cli) is
the command line.
"""

from __future__ import annotations

from lien import config
from lien.geocoding.base import RESULT_KEYS, LienGeocoder
from lien.geocoding.cache import GeocodeCache
from lien.geocoding.nominatim import (
    DEFAULT_NOMINATIM_URL,
    DEFAULT_USER_AGENT,
    NominatimSettings,
    OnlineGeocoder,
)
from lien.geocoding.offline import OfflineGeocoder

__all__ = [
    "RESULT_KEYS",
    "GeocodeCache",
    "LienGeocoder",
    "NominatimSettings",
    "OfflineGeocoder",
    "OnlineGeocoder",
    "get_geocoder",
]


def get_geocoder(name: str | None = None) -> OfflineGeocoder | OnlineGeocoder:
    """The configured geocoder: offline unless LIEN_GEOCODER=nominatim."""
    raw = name or config.geocoder_name()
    choice = raw.strip().lower() or "offline"
    if choice == "offline":
        return OfflineGeocoder()
    if choice == "nominatim":
        settings = NominatimSettings(
            user_agent=config.user_agent() or DEFAULT_USER_AGENT,
            url=config.nominatim_url() or DEFAULT_NOMINATIM_URL,
        )
        return OnlineGeocoder(settings, cache_path=config.geocode_cache())
    # The value as the user wrote it, so they can find it in their environment.
    raise ValueError(f"LIEN_GEOCODER must be 'offline' or 'nominatim', not {raw!r}")
