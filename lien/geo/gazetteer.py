"""Offline Belgian gazetteer: postcodes, municipalities and place names from installed packages.

`Gazetteer.load()` reads, in a few milliseconds, the index that lien.geo.gazetteer_index derives
once from the packages (its docstring names them and their licences).
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from lien.geo.areas import local_name
from lien.geo.distance import flat_km
from lien.geo.gazetteer_index import TIER_ALTERNATE, ensure_index, index_path
from lien.text import fold

__all__ = ["Gazetteer", "Place", "default_gazetteer", "index_path"]

_POSTCODE = re.compile(r"(?<![\d])(?:[Bb][\s-]?)?(\d{4})(?![\d])")
# A postcode is written before its town ("1030 Schaerbeek"); a house number is not.
_BEFORE_TOWN = re.compile(r"\s*[^\W\d_]")
# What an offline answer can be: a postcode centroid or a town centre (schema.APPROXIMATE).
PRECISIONS_OFFLINE: tuple[str, ...] = ("postcode", "locality")
# Answers are remembered for texts up to this length (queries and town cells), not for documents.
MEMO_QUERY_CHARS = 300


@dataclass(frozen=True)
class Place:
    """One geocoding answer: a point and the administrative units it lies in."""

    latitude: float
    longitude: float
    precision: str
    postcode: str
    municipality: str
    municipality_code: str
    province: str
    province_code: str
    region: str
    region_code: str

    def as_dict(self) -> dict[str, Any]:
        """The answer as a plain dict, keys in the CLI's documented order."""
        return asdict(self)

    @property
    def label(self) -> str:
        """A short human-readable description, e.g. 'Thuin (6530), Province de Hainaut'."""
        where = f"{self.municipality} ({self.postcode})" if self.postcode else self.municipality
        return f"{where}, {self.province}"


class Gazetteer:
    """Lookups over the compact index: postcodes, names, and administrative units."""

    def __init__(self, index: dict[str, Any]) -> None:
        self.regions: dict[str, dict[str, str]] = index["regions"]
        self.provinces: dict[str, dict[str, str]] = index["provinces"]
        self.municipalities: dict[str, dict[str, str]] = index["municipalities"]
        self.postcodes: dict[str, list[Any]] = index["postcodes"]
        self.names: dict[str, list[Any]] = index["names"]
        # A city's other spelling that is also a smaller place's own name: one entry (as in
        # `names`) per municipality, for the visitor to choose ("vorst": Forest, Laakdal).
        self.homonyms: dict[str, list[list[Any]]] = index.get("homonyms", {})
        self._belgium_wkt: str = index["belgium"]
        self._memo: dict[str, Place | None] = {}
        # The longest name in words: no longer run of words needs looking up, which keeps the
        # name search linear in the length of the text.
        self._max_words = max((key.count(" ") + 1 for key in self.names), default=1)

    @classmethod
    def load(cls, path: Path | None = None) -> Gazetteer:
        """Read the index, building it first if needed."""
        with ensure_index(path).open(encoding="utf-8") as handle:
            return cls(json.load(handle))

    def municipality_name(self, nis: str, lang: str) -> str:
        """A municipality's name for a reader of `lang` (areas.local_name); the code if unknown."""
        m = self.municipalities.get(nis)
        return local_name(m["fr"], m["nl"], m["region"], lang) if m else nis

    @lru_cache(maxsize=16_384)  # noqa: B019  (one gazetteer per process; towns repeat)
    def town_name(self, city: str, nis: str, lang: str) -> str:
        """A site's town for a reader of `lang`: the city as written, unless it is its
        municipality's own name in French or Dutch ("Anvers", "Antwerpen"), which then reads as
        `lang` names it (municipality_name: "Antwerpen" in Dutch)."""
        city = city.strip()
        own = self.municipalities.get(nis) if nis else None
        if own and fold(city) in (fold(own["fr"]), fold(own["nl"])):
            return self.municipality_name(nis, lang)
        return city

    def place(self, lat: float, lon: float, precision: str, postcode: str, nis: str) -> Place:
        """Assemble a Place with the names and codes of its municipality, province and region."""
        m = self.municipalities[nis]
        prov = m["province"]
        return Place(
            latitude=lat,
            longitude=lon,
            precision=precision,
            postcode=postcode,
            municipality=m["fr"],
            municipality_code=nis,
            province=self.provinces[prov]["fr"],
            province_code=prov,
            region=self.regions[m["region"]]["fr"],
            region_code=m["region"],
        )

    def by_postcode(self, code: str, hint: str = "") -> Place | None:
        """The centroid of a Belgian postcode; `hint` (text) picks among shared codes."""
        entry = self.postcodes.get(code)
        if entry is None:
            return None
        lat, lon, munis, precision = entry
        nis = munis[0]
        if len(munis) > 1 and hint:
            hint = fold(hint)
            # "Bruxelles" after a postcode names the region as often as the City of Brussels,
            # so only another municipality's name overrides the code's main municipality.
            for candidate in (nis for nis in munis if nis != "21004"):
                m = self.municipalities[candidate]
                if fold(m["fr"]) in hint or fold(m["nl"]) in hint:
                    nis = candidate
                    break
        return self.place(lat, lon, precision, code, nis)

    def nearest(self, lat: float, lon: float) -> Place | None:
        """The postcode whose centroid is nearest to a point in Belgium, at postcode precision."""
        if not bool(self.contains([lat], [lon])[0]):
            return None
        best = min(
            self.postcodes.items(), key=lambda item: flat_km(lat, lon, item[1][0], item[1][1])
        )
        code, (plat, plon, munis, _) = best
        return self.place(plat, plon, "postcode", code, munis[0])

    def by_name(self, text: str) -> Place | None:
        """The best place whose name occurs in `text`, scanning the last comma segment first."""
        hit = self.name_hit(text)
        return hit[0] if hit else None

    def name_hit(self, text: str) -> tuple[Place, str, int, int] | None:
        """by_name(), with what matched: (place, the name as written, words used, words in all).

        Linear in the text: it looks at runs of at most as many words as the longest name.
        """
        segments = [fold(segment).split() for segment in text.split(",")]
        total = sum(len(tokens) for tokens in segments)
        for tokens in reversed(segments):
            n = len(tokens)
            for length in range(min(n, self._max_words), 0, -1):
                for start in range(n - length, -1, -1):
                    hit = self.names.get(" ".join(tokens[start : start + length]))
                    if hit and (hit[4] < TIER_ALTERNATE or length == n):
                        place = self.place(hit[0], hit[1], "locality", hit[3], hit[2])
                        return place, self.display_name(hit), length, total
        return None

    @staticmethod
    def display_name(entry: list[Any]) -> str:
        """How an entry of `names` is written (an index older than format 6 has only the key)."""
        return str(entry[6]) if len(entry) > 6 else ""

    def find_postcode(self, text: str) -> str | None:
        """The Belgian postcode in `text`: the last one written before a town, else the last one."""
        found = [
            (m.group(1), bool(_BEFORE_TOWN.match(text, m.end())))
            for m in _POSTCODE.finditer(text)
            if m.group(1) in self.postcodes
        ]
        if not found:
            return None
        before_town = [code for code, ok in found if ok]
        return (before_town or [found[-1][0]])[-1]

    def lookup(self, query: str) -> Place | None:
        """Geocode free text: a postcode anywhere in it wins, else the best place name."""
        if query in self._memo:
            return self._memo[query]
        code = self.find_postcode(query)
        result = self.by_postcode(code, query) if code else self.by_name(query)
        if len(self._memo) < 200_000 and len(query) <= MEMO_QUERY_CHARS:
            self._memo[query] = result
        return result

    def lookup_parts(self, postcode: str, city: str) -> Place | None:
        """Geocode a structured (postcode, city) pair, as the directory loader has them."""
        if postcode and postcode in self.postcodes:
            return self.by_postcode(postcode, city)
        return self.by_name(city) if city else None

    def is_place_name(self, text: str) -> bool:
        """Whether the whole of `text` is the name of a Belgian municipality or locality."""
        return bool(text.strip()) and fold(text) in self.names

    def is_postcode(self, code: str) -> bool:
        """Whether `code` is a known Belgian postcode."""
        return code in self.postcodes

    @property
    def belgium(self) -> Any:
        """Belgium's outline as a prepared shapely geometry (simplified to about 200 m)."""
        return _outline(self._belgium_wkt)

    def contains(self, lats: Any, lons: Any, tolerance_deg: float = 0.01) -> Any:
        """Vectorised test: which points lie in Belgium (with about 1 km of slack at the border)."""
        import numpy as np
        import shapely

        outline = _buffered(self._belgium_wkt, tolerance_deg)
        lats = np.asarray(lats, dtype=float)
        lons = np.asarray(lons, dtype=float)
        return shapely.contains_xy(outline, lons, lats)


@lru_cache(maxsize=4)
def _outline(wkt: str) -> Any:
    import shapely

    geom = shapely.from_wkt(wkt)
    shapely.prepare(geom)
    return geom


@lru_cache(maxsize=4)
def _buffered(wkt: str, tolerance_deg: float) -> Any:
    import shapely

    geom = shapely.from_wkt(wkt).buffer(tolerance_deg)
    shapely.prepare(geom)
    return geom


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    """The process-wide gazetteer, loaded once."""
    return Gazetteer.load()


if __name__ == "__main__":
    print(ensure_index())
