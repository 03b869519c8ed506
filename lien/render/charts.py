"""Plotly figures of the coverage page, translated and colour-blind safe (Cividis); no Streamlit."""

from __future__ import annotations

import pandas as pd
import plotly.colors
import plotly.graph_objects as go

from lien import taxonomy
from lien.geo.areas import NATIONAL, area_label, province_geojson, province_names
from lien.i18n import t

GAP_COLOUR = "#e6e6e6"
# Zero is its own colour (a gap), every count above it follows Cividis.
_SCALE = [
    [0.0, GAP_COLOUR],
    [1e-6, plotly.colors.sequential.Cividis[0]],
    *[
        [(i + 1) / len(plotly.colors.sequential.Cividis), c]
        for i, c in enumerate(plotly.colors.sequential.Cividis)
    ],
]


def heatmap(table: pd.DataFrame, lang: str, title: str) -> go.Figure:
    """Sites per service and area; empty cells are marked ✕ as gaps, not just left pale."""
    services = taxonomy.services()
    rows = [services.label(code, lang) for code in table.index]
    columns = [area_label(code, lang) for code in table.columns]
    values = table.to_numpy()
    text = [
        [
            "✕" if (v == 0 and col != NATIONAL) else str(v)
            for v, col in zip(row, table.columns, strict=True)
        ]
        for row in values
    ]
    top = max(int(values.max()), 1) if values.size else 1
    service, area, count = t("axis_service", lang), t("axis_area", lang), t("sites_count", lang)
    fig = go.Figure(
        go.Heatmap(
            z=values,
            x=columns,
            y=rows,
            text=text,
            texttemplate="%{text}",
            zmin=0,
            zmax=top,
            colorscale=_SCALE,
            xgap=1,
            ygap=1,
            colorbar={"title": {"text": count}},
            hovertemplate=(
                f"{service}: %{{y}}<br>{area}: %{{x}}<br>{count}: %{{z}}<extra></extra>"
            ),
        )
    )
    fig.update_layout(
        title=title,
        height=max(260, 28 * len(rows) + 160),
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        xaxis={"title": area},
        yaxis={"title": service, "autorange": "reversed"},
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
    return sorted(province_geojson()["features"], key=lambda f: f["properties"]["code"] == "04000")


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
    top = max(int(counts.max()) if len(counts) else 0, 1)
    fig = go.Figure()
    for feature in _features():
        code = feature["properties"]["code"]
        value = int(counts.get(code, 0))
        colour = (
            GAP_COLOUR
            if value == 0
            else plotly.colors.sample_colorscale("Cividis", [value / top])[0]
        )
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
                "cmin": 0,
                "cmax": top,
                "color": [0],
                "showscale": True,
                "colorbar": {"title": {"text": count}},
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
