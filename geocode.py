"""Lien's geocoders and their command line (the same as `lien-geocode`).

    python geocode.py "QUERY"
    python geocode.py --csv IN.csv --column COL --out OUT.csv

The geocoders themselves live in lien.geocoding; their names are re-exported here for scripts
that import this file.
"""

from __future__ import annotations

import sys

from lien.geocoding import (
    RESULT_KEYS,
    GeocodeCache,
    LienGeocoder,
    OfflineGeocoder,
    OnlineGeocoder,
    get_geocoder,
)
from lien.geocoding.cli import geocode_csv, main

__all__ = [
    "RESULT_KEYS",
    "GeocodeCache",
    "LienGeocoder",
    "OfflineGeocoder",
    "OnlineGeocoder",
    "geocode_csv",
    "get_geocoder",
    "main",
]

if __name__ == "__main__":
    sys.exit(main())
