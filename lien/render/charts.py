"""Plotly figures of the coverage page, translated and colour-blind safe (count classes in
ColorBrewer Blues, gaps in orange; Cividis for distances); no Streamlit."""

from __future__ import annotations

import textwrap

import pandas as pd
import plotly.graph_objects as go

from lien import taxonomy
from lien.geo.areas import NATIONAL, area_label, display_geojson, province_names
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
# Plotly colour scale of the classes, each a flat band over z = its index ± 0.5.
_SCALE = [
    stop
    for i, (_, _, colour) in enumerate(CLASSES)
    for stop in ([i / len(CLASSES), colour], [(i + 1) / len(CLASSES), colour])
]
# Area names wrap at this many characters instead of being rotated and clipped.
_WRAP = 12


def count_class(value: int) -> int:
    """The index in CLASSES of a count."""
    return max(i for i, (lowest, _, _) in enumerate(CLASSES) if value >= lowest)


def _colourbar(lang: str) -> dict:
    """The classes' legend: one whole-number tick per class, 0 said to be a gap."""
    labels = [label for _, label, _ in CLASSES]
    gap = t("gap_word", lang)
    labels[0] = f"0 ✕ {gap}"
    return {
        "title": {"text": t("sites_count", lang)},
        "tickvals": list(range(len(CLASSES))),
        "ticktext": labels,
    }


def _wrapped(label: str) -> str:
    return "<br>".join(textwrap.wrap(label, _WRAP, break_on_hyphens=False)) or label


def heatmap(table: pd.DataFrame, lang: str, title: str) -> go.Figure:
    """Sites per service and area in count classes; a gap is orange and marked ✕, the national
    column (not an area) shows its count without being called a gap."""
    services = taxonomy.services()
    rows = [services.label(code, lang) for code in table.index]
    columns = [_wrapped(area_label(code, lang)) for code in table.columns]
    values = table.to_numpy()
    text = [
        [
            "✕" if (v == 0 and col != NATIONAL) else str(v)
            for v, col in zip(row, table.columns, strict=True)
        ]
        for row in values
    ]
    classes = [[count_class(int(v)) for v in row] for row in values]
    service, area, count = t("axis_service", lang), t("axis_area", lang), t("sites_count", lang)
    fig = go.Figure(
        go.Heatmap(
            z=classes,
            x=columns,
            y=rows,
            text=text,
            customdata=values,
            texttemplate="%{text}",
            zmin=-0.5,
            zmax=len(CLASSES) - 0.5,
            colorscale=_SCALE,
            xgap=1,
            ygap=1,
            colorbar=_colourbar(lang),
            hovertemplate=(
                f"{service}: %{{y}}<br>{area}: %{{x}}<br>{count}: %{{customdata}}<extra></extra>"
            ),
        )
    )
    fig.update_layout(
        title=title,
        height=max(300, 28 * len(rows) + 220),
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        xaxis={"title": area, "tickangle": 0, "automargin": True, "side": "top"},
        yaxis={"title": service, "autorange": "reversed", "automargin": True},
    )
    return fig


def _rings(geometry: dict) -> tuple[list[float | None], list[float | None]]:
    """Outer rings of a (Multi)Polygon as x/y lists separated by None (holes are tiny here)."""
    polygons = (
        geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    )
    xs: list[float | None] = []
    ys: list[float | None] = []
    for polygon in polygons:
        ring = polygon[0]
        xs.extend([p[0] for p in ring] + [None])
        ys.extend([p[1] for p in ring] + [None])
    return xs, ys


def _features() -> list[dict]:
    """Province features with Brussels last: it is a hole in Flemish Brabant, drawn on top."""
    return sorted(display_geojson()["features"], key=lambda f: f["properties"]["code"] == "04000")


def _flat_map(fig: go.Figure, title: str) -> go.Figure:
    """Lon/lat as plain axes with Belgium's aspect: drawn by plotly alone, no map tiles or CDN."""
    fig.update_xaxes(visible=False)
    # At 50.5° N a degree of latitude is 1/cos(50.5°) ≈ 1.57 times a degree of longitude.
    fig.update_yaxes(visible=False, scaleanchor="x", scaleratio=1.57)
    fig.update_layout(
        title=title,
        height=480,
        showlegend=False,
        plot_bgcolor="white",
        margin={"l": 0, "r": 0, "t": 50, "b": 0},
    )
    return fig


def choropleth(counts: pd.Series, lang: str, service: str) -> go.Figure:
    """Sites of one service per province (index: REFNIS codes); hovering shows the count."""
    names = province_names(lang)
    label = taxonomy.services().label(service, lang)
    count = t("sites_count", lang)
    fig = go.Figure()
    for feature in _features():
        code = feature["properties"]["code"]
        value = int(counts.get(code, 0))
        colour = CLASSES[count_class(value)][2]
        xs, ys = _rings(feature["geometry"])
        text = f"{names.get(code, code)}<br>{count}: {value}"
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                fill="toself",
                fillcolor=colour,
                mode="lines",
                line={"color": "#555555", "width": 0.8},
                hoveron="fills",
                fillpattern={"shape": "x"} if value == 0 else None,
                hoverinfo="text",
                text=text,
                name=names.get(code, code),
            )
        )
    # An invisible point carries the colour bar.
    fig.add_trace(
        go.Scatter(
            x=[None],
            y=[None],
            mode="markers",
            hoverinfo="skip",
            marker={
                "colorscale": _SCALE,
                "cmin": -0.5,
                "cmax": len(CLASSES) - 0.5,
                "color": [0],
                "showscale": True,
                "colorbar": _colourbar(lang),
            },
        )
    )
    return _flat_map(fig, t("choropleth_title", lang, service=label))


def distance_map(distances: pd.DataFrame, lang: str, service: str) -> go.Figure:
    """Municipalities coloured by the distance to the nearest provider of a service."""
    label = taxonomy.services().label(service, lang)
    name = "municipality_nl" if lang == "nl" else "municipality"
    km = t("distance_km", lang)
    fig = go.Figure()
    for feature in _features():
        xs, ys = _rings(feature["geometry"])
        fig.add_trace(
            go.Scatter(
                x=xs, y=ys, mode="lines", hoverinfo="skip", line={"color": "#888888", "width": 0.8}
            )
        )
    fig.add_trace(
        go.Scatter(
            x=distances["longitude"],
            y=distances["latitude"],
            mode="markers",
            text=distances[name],
            marker={
                "size": 7,
                "color": distances["distance_km"],
                "colorscale": "Cividis",
                "reversescale": True,
                "showscale": True,
                "colorbar": {"title": {"text": km}},
            },
            hovertemplate=f"%{{text}}<br>{km}: %{{marker.color:.1f}}<extra></extra>",
        )
    )
    return _flat_map(fig, t("distance_title", lang, service=label))
