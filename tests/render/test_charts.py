"""lien.render.charts: the coverage maps as Vega-Lite specifications, translated, drawn from the
outlines with inline data only (nothing fetched), names kept as data."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest

from lien import coverage
from lien.geo.areas import PROVINCE_CODES
from lien.ingest import directory
from lien.render import charts


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return directory.prepare(directory.read_directory().frame)


def _walk(node: Any, path: tuple = ()) -> Iterator[tuple[tuple, Any]]:
    """Every (path, value) pair of a JSON tree."""
    yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _walk(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(value, (*path, i))


def _layers(spec: dict) -> list[dict]:
    return spec["layer"]


def _values(spec: dict, layer: dict) -> list[dict]:
    """A layer's data: inline, under the spec's `datasets`."""
    return spec["datasets"][layer["data"]["name"]]


def _choropleth(frame: pd.DataFrame, lang: str = "fr", service: str = "housing") -> dict:
    counts = coverage.matrix(frame, "province", [service]).loc[service]
    return charts.choropleth(counts, lang, service)


def test_counts_read_in_classes_with_the_gap_apart() -> None:
    assert [charts.count_class(v) for v in (0, 1, 2, 3, 4, 5, 40)] == [0, 1, 2, 3, 3, 4, 4]
    colours = [colour for _, _, colour in charts.CLASSES]
    assert len(set(colours)) == len(colours)
    assert colours[0] == charts.GAP_COLOUR


def test_choropleth_draws_every_province_in_classes(frame: pd.DataFrame) -> None:
    spec = _choropleth(frame)
    shapes = _values(spec, _layers(spec)[0])
    assert len(shapes) == len(PROVINCE_CODES)
    assert "Logement" in spec["title"]
    assert shapes[-1]["properties"]["name"] == "Bruxelles-Capitale"  # drawn over its hole
    assert spec["layer"][0]["projection"] == {"type": "identity", "reflectY": True}


def test_choropleth_marks_a_gap_with_orange_and_a_cross(frame: pd.DataFrame) -> None:
    spec = _choropleth(frame)
    shapes = _values(spec, _layers(spec)[0])
    gaps = [s["properties"] for s in shapes if s["properties"]["count"] == 0]
    labels = charts.class_labels("fr")
    assert gaps
    assert all(gap["cls"] == labels[0] for gap in gaps)
    crosses = _layers(spec)[1]
    assert crosses["mark"]["text"] == charts.GAP_MARK
    assert [c["name"] for c in _values(spec, crosses)] == [gap["name"] for gap in gaps]
    # The legend says that orange and ✕ mean a gap.
    assert _layers(spec)[0]["encoding"]["color"]["scale"]["domain"][0] == labels[0]


def test_a_cross_stands_inside_its_province(frame: pd.DataFrame) -> None:
    from shapely.geometry import Point, shape

    spec = _choropleth(frame)
    outlines = {
        s["properties"]["name"]: shape(s["geometry"]) for s in _values(spec, spec["layer"][0])
    }
    for cross in _values(spec, spec["layer"][1]):
        assert outlines[cross["name"]].contains(Point(cross["x"], cross["y"]))


def test_choropleth_without_a_gap_has_no_cross() -> None:
    counts = pd.Series(dict.fromkeys(PROVINCE_CODES, 3))
    spec = charts.choropleth(counts, "en", "housing")
    assert len(spec["layer"]) == 1


def test_distance_map_colours_municipalities(frame: pd.DataFrame) -> None:
    distances = coverage.nearest_provider(frame, "housing", coverage.municipality_points())
    spec = charts.distance_map(distances, "en", "housing")
    outlines, dots = spec["layer"]
    assert len(_values(spec, outlines)) == len(PROVINCE_CODES)
    assert len(_values(spec, dots)) == int(distances["distance_km"].notna().sum())
    assert dots["encoding"]["color"]["scale"] == {"scheme": "cividis", "reverse": True}
    assert "Housing" in spec["title"]


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_every_chart_has_a_description_and_only_inline_data(frame: pd.DataFrame, lang: str) -> None:
    distances = coverage.nearest_provider(frame, "housing", coverage.municipality_points())
    specs = [
        _choropleth(frame, lang),
        charts.distance_map(distances, lang, "housing"),
    ]
    for spec in specs:
        assert spec["title"] in spec["description"]
        assert len(spec["description"]) > 80
        keys = {path[-1] for path, _ in _walk(spec) if path}
        assert "url" not in keys  # Vega fetches nothing
        data = [layer.get("data", {}) for layer in spec["layer"]] + [spec.get("data", {})]
        assert all(set(d) <= {"name"} for d in data)
        assert spec["datasets"]


def test_names_stay_data_never_code(frame: pd.DataFrame, monkeypatch: pytest.MonkeyPatch) -> None:
    hostile = "<img src=x onerror=alert(1)>' + \"x\" + '\\"
    monkeypatch.setattr(
        charts, "province_names", lambda lang: {code: hostile + code for code in PROVINCE_CODES}
    )
    spec = _choropleth(frame, "en")
    names = {shape["properties"]["name"] for shape in _values(spec, _layers(spec)[0])}
    assert hostile + PROVINCE_CODES[0] in names
    assert json.loads(json.dumps(spec)) == spec
    # No expression holds a name: a quote in one cannot end a Vega string.
    for path, value in _walk(spec):
        if path and path[-1] in ("expr", "labelExpr", "test", "calculate", "filter"):
            assert hostile not in str(value)
