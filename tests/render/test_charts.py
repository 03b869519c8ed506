"""lien.render.charts: the coverage figures, translated, drawn from the outlines with no tiles."""

from __future__ import annotations

import pandas as pd
import pytest

from lien import coverage
from lien.geo.areas import PROVINCE_CODES
from lien.ingest import directory
from lien.render import charts


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return directory.prepare(directory.read_directory().frame)


def test_heatmap_marks_gaps_and_labels_areas(frame: pd.DataFrame) -> None:
    matrix = coverage.matrix(frame, "province", ["housing", "health"])
    figure = charts.heatmap(matrix, "nl", "Matrix")
    heat = figure.data[0]
    assert list(heat.y) == ["Huisvesting", "Gezondheidszorg"]
    assert "Luik" in heat.x and "✕" in [cell for row in heat.text for cell in row]


def test_choropleth_draws_every_province(frame: pd.DataFrame) -> None:
    counts = coverage.matrix(frame, "province", ["housing"]).loc["housing"]
    figure = charts.choropleth(counts, "fr", "housing")
    filled = [trace for trace in figure.data if trace.fill == "toself"]
    assert len(filled) == len(PROVINCE_CODES)
    assert "Logement" in figure.layout.title.text


def test_distance_map_colours_municipalities(frame: pd.DataFrame) -> None:
    distances = coverage.nearest_provider(frame, "housing", coverage.municipality_points())
    figure = charts.distance_map(distances, "en", "housing")
    points = figure.data[-1]
    assert len(points.x) == len(distances) and points.marker.showscale
