"""The geopy-style base of Lien's geocoders: answers are Lien Places, wrapped as geopy Locations."""

from __future__ import annotations

from typing import Any

from geopy.geocoders.base import DEFAULT_SENTINEL, Geocoder
from geopy.location import Location

from lien.geo.gazetteer import Place
from lien.geo.search import Found
from lien.schema import AREA_COLUMNS

RESULT_KEYS: tuple[str, ...] = ("latitude", "longitude", "precision", "postcode", *AREA_COLUMNS)


def _to_location(place: Place, raw_extra: dict[str, Any] | None = None) -> Location:
    raw = place.as_dict()
    if raw_extra:
        raw.update(raw_extra)
    return Location(place.label, (place.latitude, place.longitude), raw)


def query_text(query: Any) -> str:
    """A geopy query (text, or a dict of address parts) as one line of text."""
    if isinstance(query, dict):
        return ", ".join(str(v) for v in query.values() if v)
    return str(query or "")


class LienGeocoder(Geocoder):
    """A geopy geocoder whose answers are Lien Places; subclasses implement `locate()`."""

    def locate(self, query: Any) -> Place | None:
        """The Place for a query, or None when nothing Belgian matches."""
        raise NotImplementedError

    def search(self, query: str) -> Found:
        """A visitor's query, with what matched: a close spelling, part of it, or suggestions."""
        return Found(self.locate(query))

    def geocode(
        self, query: Any, *, exactly_one: bool = True, timeout: Any = DEFAULT_SENTINEL
    ) -> Location | list[Location] | None:
        """geopy's geocode(): a Location whose `raw` holds the precision and the areas."""
        place = self.locate(query)
        if place is None:
            return None
        location = _to_location(place)
        return location if exactly_one else [location]
