"""The default geocoder: Belgian postcodes and place names with no network (lien.geo.gazetteer)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from lien.geo.gazetteer import Gazetteer, Place, default_gazetteer
from lien.geo.search import Found, search
from lien.geocoding.base import LienGeocoder, query_text

# No address or place name is longer; a longer query is cut before any lookup.
MAX_QUERY_CHARS = 1_000


class OfflineGeocoder(LienGeocoder):
    """Geocodes Belgian postcodes and place names with no network, to postcode or locality."""

    def __init__(self, gazetteer: Gazetteer | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.gazetteer = gazetteer or default_gazetteer()

    def locate(self, query: Any) -> Place | None:
        """The Place for a query, or None when nothing Belgian matches."""
        return self.gazetteer.lookup(query_text(query).strip()[:MAX_QUERY_CHARS])

    def search(self, query: str) -> Found:
        """The gazetteer's forgiving search (misspellings, partial matches, suggestions)."""
        return search(query, self.gazetteer)

    def locate_many(self, queries: Iterable[str]) -> list[Place | None]:
        """Batch geocoding; repeated queries are answered from memory."""
        lookup = self.gazetteer.lookup
        return [lookup(q.strip()) if q else None for q in queries]
