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


def test_counts_read_in_classes_with_the_gap_apart() -> None:
    assert [charts.count_class(v) for v in (0, 1, 2, 3, 4, 5, 40)] == [0, 1, 2, 3, 3, 4, 4]
    colours = [colour for _, _, colour in charts.CLASSES]
    assert len(set(colours)) == len(colours) and colours[0] == charts.GAP_COLOUR


def test_heatmap_one_site_is_lighter_than_four_and_ticks_are_whole(frame: pd.DataFrame) -> None:
    matrix = coverage.matrix(frame, "province", ["housing", "legal_aid"])
    heat = charts.heatmap(matrix, "fr", "Matrice").data[0]
    # z holds the class, the real count travels for the hover.
    for z_row, counts in zip(heat.z, heat.customdata, strict=True):
        assert list(z_row) == [charts.count_class(int(v)) for v in counts]
    assert list(heat.colorbar.tickvals) == list(range(len(charts.CLASSES)))
    assert heat.colorbar.ticktext[0].startswith("0 ✕") and "lacune" in heat.colorbar.ticktext[0]
    assert list(heat.colorbar.ticktext[1:]) == ["1", "2", "3–4", "5+"]
    # Lighter for one site than for four: the Blues get darker.
    light, dark = charts.CLASSES[1][2], charts.CLASSES[3][2]
    assert sum(int(light[i : i + 2], 16) for i in (1, 3, 5)) > sum(
        int(dark[i : i + 2], 16) for i in (1, 3, 5)
    )


def test_heatmap_area_names_wrap_instead_of_being_clipped(frame: pd.DataFrame) -> None:
    matrix = coverage.matrix(frame, "province", ["housing"])
    figure = charts.heatmap(matrix, "fr", "Matrice")
    names = [name.replace("<br>", " ") for name in figure.data[0].x]
    assert "Bruxelles-Capitale" in " ".join(names) or any("Bruxelles" in n for n in names)
    assert all(len(part) <= 20 for name in figure.data[0].x for part in name.split("<br>"))
    assert figure.layout.xaxis.tickangle == 0


def test_choropleth_marks_a_gap_with_a_pattern(frame: pd.DataFrame) -> None:
    counts = coverage.matrix(frame, "province", ["housing"]).loc["housing"]
    figure = charts.choropleth(counts, "fr", "housing")
    filled = [trace for trace in figure.data if trace.fill == "toself"]
    gaps = [trace for trace in filled if trace.fillcolor == charts.GAP_COLOUR]
    assert len(gaps) == int((counts.drop(labels=["national"], errors="ignore") == 0).sum())
    assert gaps and all(trace.fillpattern.shape == "x" for trace in gaps)
