"""Vega-Lite maps (through altair) of the coverage page and the count classes its heatmaps share
(lien.render.heatmap draws those as HTML tables), translated and colour-blind safe (count classes
in ColorBrewer Blues, gaps in orange and marked ✕; Cividis for distances); no Streamlit.

Every chart carries its data inline (never a URL: Vega fetches nothing) and a `description` that
says what it shows and where its text alternative is: the page passes it to Streamlit's `alt`,
which names the chart for screen readers; each cell or province also says its own count. Names
of services and areas travel only as data values, never inside a Vega expression, so a quote or a
tag in a name stays text.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

import altair as alt
import pandas as pd

from lien import taxonomy
from lien.geo.areas import NATIONAL, display_geojson, province_names
from lien.i18n import t

# Counts read in classes, not on a continuous scale where 1 and 4 look alike: a gap (0) in
# orange, marked ✕, then ColorBrewer Blues, darker for more. Blue against orange stays apart
# for every kind of colour-blindness.
GAP_COLOUR = "#f4a261"
CLASSES: tuple[tuple[int, str, str], ...] = (  # (lowest count, label, colour)
    (0, "0", GAP_COLOUR),
    (1, "1", "#c6dbef"),
    (2, "2", "#6baed6"),
    (3, "3–4", "#2171b5"),
    (5, "5+", "#08306b"),
)
# The two darkest blues need white text to stay readable (contrast above 4.5:1).
DARK_FROM = 3
GAP_MARK = "✕"
# Identity projection over pre-scaled longitudes: at 50.5° N a degree of longitude is
# cos(50.5°) ≈ 0.64 of a degree of latitude, so Belgium keeps its shape with no spherical
# projection (whose ring-winding rules d3 would apply) and nothing to fetch.
_LON_SCALE = math.cos(math.radians(50.5))
_MAP_HEIGHT = 440


def count_class(value: int) -> int:
    """The index in CLASSES of a count."""
    return max(i for i, (lowest, _, _) in enumerate(CLASSES) if value >= lowest)


def class_labels(lang: str) -> list[str]:
    """The legend's labels, one per class, whole numbers; 0 said to be a gap marked ✕."""
    labels = [label for _, label, _ in CLASSES]
    gap = t("gap_word", lang)
    labels[0] = f"0 {GAP_MARK} {gap}"
    return labels


def _legend() -> alt.Legend:
    """The classes' legend below the map, in a row, no label cut."""
    return alt.Legend(
        orient="bottom",
        direction="horizontal",
        symbolType="square",
        symbolStrokeColor="#555555",
        titleLimit=0,
        labelLimit=0,
    )


def said(name: str, value: int, code: str, lang: str) -> str:
    """What a screen reader says of one cell or province: its name, its count, a gap as such."""
    word = t("gap_word", lang)
    gap = f" ({word})" if value == 0 and code != NATIONAL else ""
    return f"{name}: {value}{gap}"


def _spec(chart: alt.LayerChart, data: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """The chart's Vega-Lite specification with its data inline under `datasets`. altair checks
    the spec's structure, not the data: going through altair's schema, the outlines' thousands
    of coordinates took seconds on every run."""
    spec = chart.to_dict()
    spec["datasets"] = data
    return spec


def _planar(geometry: dict) -> dict:
    """A (Multi)Polygon with its longitudes scaled to Belgium's aspect (see _LON_SCALE)."""

    def ring(points: list) -> list:
        return [[round(x * _LON_SCALE, 4), y] for x, y in points]

    if geometry["type"] == "MultiPolygon":
        coordinates = [[ring(r) for r in polygon] for polygon in geometry["coordinates"]]
    else:
        coordinates = [ring(r) for r in geometry["coordinates"]]
    return {"type": geometry["type"], "coordinates": coordinates}


@lru_cache(maxsize=1)
def _outlines() -> tuple[tuple[str, dict, tuple[float, float]], ...]:
    """Each province: its code, its planar outline and a point surely inside it (for the ✕);
    Brussels last: it is a hole in Flemish Brabant, drawn on top."""
    from shapely.geometry import shape

    features = sorted(
        display_geojson()["features"], key=lambda f: f["properties"]["code"] == "04000"
    )
    outlines = []
    for feature in features:
        inside = shape(feature["geometry"]).representative_point()
        point = (round(inside.x * _LON_SCALE, 4), round(inside.y, 4))
        outlines.append((feature["properties"]["code"], _planar(feature["geometry"]), point))
    return tuple(outlines)


_PROJECTION: dict[str, Any] = {"type": "identity", "reflectY": True}


def description(spec: dict[str, Any]) -> str:
    """A chart's description: its accessible name, also given to Streamlit's `alt`."""
    return str(spec["description"])


def _map(layers: alt.LayerChart, title: str, description: str) -> alt.LayerChart:
    return layers.properties(
        title=title, description=description, width="container", height=_MAP_HEIGHT
    ).configure_view(stroke=None)


def choropleth(counts: pd.Series, lang: str, service: str) -> dict[str, Any]:
    """Sites of one service per province (index: REFNIS codes), in the heatmap's classes; a
    province with none is orange and marked ✕ at a point inside it; hovering shows the count."""
    names = province_names(lang)
    labels = class_labels(lang)
    label = taxonomy.services().label(service, lang)
    count = t("sites_count", lang)
    shapes, marks = [], []
    for code, geometry, (x, y) in _outlines():
        value = int(counts.get(code, 0))
        name = names.get(code, code)
        properties = {"name": name, "count": value, "cls": labels[count_class(value)]}
        properties["said"] = said(name, value, code, lang)
        shapes.append({"type": "Feature", "geometry": geometry, "properties": properties})
        if value == 0:
            marks.append({"x": x, "y": y, **properties})
    tooltip = [
        alt.Tooltip("properties.name:N", title=t("axis_area", lang)),
        alt.Tooltip("properties.count:Q", title=count, format="d"),
    ]
    areas = (
        alt.Chart(alt.Data(name="provinces"))
        .mark_geoshape(stroke="#555555", strokeWidth=0.8)
        .encode(
            color=alt.Color(
                "properties.cls:N",
                title=count,
                scale=alt.Scale(domain=labels, range=[colour for _, _, colour in CLASSES]),
                legend=_legend(),
            ),
            tooltip=tooltip,
            description="properties.said:N",
        )
        .project(**_PROJECTION)
    )
    layers = areas
    if marks:
        layers = areas + alt.Chart(alt.Data(name="gaps")).mark_text(
            text=GAP_MARK, fontSize=18, fontWeight="bold", color="black", aria=False
        ).encode(
            longitude="x:Q",
            latitude="y:Q",
            tooltip=[
                alt.Tooltip("name:N", title=t("axis_area", lang)),
                alt.Tooltip("count:Q", title=count, format="d"),
            ],
        ).project(**_PROJECTION)
    else:
        layers = alt.layer(areas)
    title = t("choropleth_title", lang, service=label)
    chart = _map(layers, title, t("chart_choropleth_alt", lang, title=title))
    return _spec(chart, {"provinces": shapes, "gaps": marks} if marks else {"provinces": shapes})


def distance_map(distances: pd.DataFrame, lang: str, service: str) -> dict[str, Any]:
    """Municipalities coloured by the distance to the nearest provider of a service."""
    label = taxonomy.services().label(service, lang)
    name = "municipality_nl" if lang == "nl" else "municipality"
    km = t("distance_km", lang)
    outlines = [
        {"type": "Feature", "geometry": geometry, "properties": {}}
        for _, geometry, _ in _outlines()
    ]
    located = distances.dropna(subset=["distance_km"])
    points: list[dict[str, Any]] = [
        {"x": round(float(lon) * _LON_SCALE, 4), "y": round(float(lat), 4), "name": str(n)}
        | {"km": round(float(d), 1), "said": f"{n}: {float(d):.0f} km"}
        for lon, lat, n, d in zip(
            located["longitude"],
            located["latitude"],
            located[name],
            located["distance_km"],
            strict=True,
        )
    ]
    provinces = (
        alt.Chart(alt.Data(name="outlines"))
        .mark_geoshape(fill="white", stroke="#888888", strokeWidth=0.8, aria=False)
        .project(**_PROJECTION)
    )
    dots = (
        alt.Chart(alt.Data(name="municipalities"))
        .mark_circle(size=40, opacity=1)
        .encode(
            longitude="x:Q",
            latitude="y:Q",
            color=alt.Color(
                "km:Q",
                title=km,
                scale=alt.Scale(scheme="cividis", reverse=True),
                legend=alt.Legend(orient="bottom", titleLimit=0, gradientLength=300),
            ),
            tooltip=[
                alt.Tooltip("name:N", title=t("col_municipality", lang)),
                alt.Tooltip("km:Q", title=km, format=".1f"),
            ],
        )
        .project(**_PROJECTION)
    )
    title = t("distance_title", lang, service=label)
    chart = _map(provinces + dots, title, t("chart_distance_alt", lang, title=title))
    return _spec(chart, {"outlines": outlines, "municipalities": points})
