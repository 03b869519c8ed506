"""Folium map building: a stable base map and one fast layer of sites, every text HTML-escaped."""

from __future__ import annotations

import html
import math
from functools import lru_cache

import folium
import numpy as np
import pandas as pd
from branca.element import MacroElement, Template

from lien import taxonomy
from lien.geo.areas import province_geojson, province_names
from lien.i18n import LANGS, t
from lien.render import assets
from lien.render.js import script_json
from lien.schema import located

BELGIUM_CENTER = (50.64, 4.67)
BELGIUM_ZOOM = 8
MAX_ZOOM = 18

# Leaflet 1.9 and MarkerCluster from the app's own static folder: the map draws offline.
LOCAL_JS = [("leaflet", assets.LEAFLET_JS), ("leaflet_markercluster", assets.MARKERCLUSTER_JS)]
LOCAL_CSS = [
    ("leaflet_css", assets.LEAFLET_CSS),
    ("markercluster_css", assets.MARKERCLUSTER_CSS),
    ("markercluster_default_css", assets.MARKERCLUSTER_DEFAULT_CSS),
]


class _IconPath(MacroElement):
    """Sets Leaflet's default icon path: st_folium attaches CSS late, so detection fails."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        L.Icon.Default.imagePath = {{ this.path|tojson }};
        {% endmacro %}
    """)

    def __init__(self, path: str) -> None:
        super().__init__()
        self._name = "IconPath"
        self.path = path


class _Legend(MacroElement):
    """A fixed legend box, its entries pre-escaped."""

    _template = Template("""
        {% macro html(this, kwargs) %}
        <div class="lien-legend" style="position:absolute;top:10px;right:10px;z-index:1000;
             background:rgba(255,255,255,.92);padding:6px 8px;border-radius:4px;
             font:12px/1.4 sans-serif;box-shadow:0 1px 4px rgba(0,0,0,.3)">{{ this.body }}</div>
        {% endmacro %}
    """)

    def __init__(self, body: str) -> None:
        super().__init__()
        self._name = "Legend"
        self.body = body


class _Provinces(MacroElement):
    """Province outlines from one pre-serialised GeoJSON string, so reruns don't re-encode them."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        L.geoJSON({{ this.data }}, {
            interactive: true,
            style: function () {
                return {color: '#555555', weight: 1, fillColor: '#f2efe9', fillOpacity: 0.35};
            },
            onEachFeature: function (feature, layer) {
                layer.bindTooltip(feature.properties.label, {sticky: true});
            }
        }).addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, data: str) -> None:
        super().__init__()
        self._name = "Provinces"
        self.data = data


@lru_cache(maxsize=len(LANGS))
def _provinces_json(lang: str) -> str:
    """The outlines with an escaped label in `lang`, as script-safe JSON (built once)."""
    names = province_names(lang)
    outlines = province_geojson()
    features = [
        {
            "type": "Feature",
            "geometry": f["geometry"],
            "properties": {
                "code": f["properties"]["code"],
                "label": html.escape(names.get(f["properties"]["code"], "")),
            },
        }
        for f in outlines["features"]
    ]
    return script_json({"type": "FeatureCollection", "features": features})


def legend_html(lang: str) -> str:
    """The legend's inner HTML: one swatch per service category, then the approximate marker."""
    rows = ["<b>" + html.escape(t("legend", lang)) + "</b>"]
    for category, colour in taxonomy.category_colours().items():
        rows.append(
            f'<div><span style="display:inline-block;width:10px;height:10px;'
            f'border-radius:50%;background:{colour};margin-right:5px"></span>'
            f"{html.escape(taxonomy.categories().label(category, lang))}</div>"
        )
    approximate = html.escape(t("approximate_legend", lang))
    rows.append(
        f'<div><span style="display:inline-block;width:8px;height:8px;border-radius:50%;'
        f'border:2px dashed #555;margin-right:5px"></span>{approximate}</div>'
    )
    return "".join(rows)


def base_map(lang: str) -> folium.Map:
    """The map that stays the same across filter changes: tiles, province outlines, legend."""
    fmap = folium.Map(
        location=BELGIUM_CENTER,
        zoom_start=BELGIUM_ZOOM,
        tiles=None,
        maxZoom=MAX_ZOOM,
        control_scale=True,
    )
    # MarkerCluster throws "Map has no maxZoom" unless maxZoom is in the map options.
    fmap.options["maxZoom"] = MAX_ZOOM
    fmap.default_js = list(LOCAL_JS)
    fmap.default_css = list(LOCAL_CSS)
    folium.TileLayer(
        "OpenStreetMap",
        max_zoom=MAX_ZOOM,
        attr='&copy; <a href="https://www.openstreetmap.org/copyright">'
        "OpenStreetMap</a> contributors",
    ).add_to(fmap)
    _Provinces(_provinces_json(lang)).add_to(fmap)
    _IconPath(assets.LEAFLET_IMAGES).add_to(fmap)
    _Legend(legend_html(lang)).add_to(fmap)
    return fmap


KM_PER_DEGREE = 111.32  # of latitude, and of longitude at the equator
FIT_MAX_ZOOM = 15  # closer than a district says nothing more about a town-level place
FIT_PADDING_PX = 24


def view_bounds(
    sites: pd.DataFrame, origin: tuple[float, float] | None = None, radius_km: float | None = None
) -> list[list[float]] | None:
    """[[south, west], [north, east]] that the map should show: the located sites and the search
    point, or the near-me circle when there are no sites; None for all of Belgium.

    The browser fits them to the map's real size (FitBounds), so a phone and a desktop both see
    every site.
    """
    where = located(sites)
    lats = pd.to_numeric(sites.loc[where, "latitude"]).to_numpy(dtype=float)
    lons = pd.to_numeric(sites.loc[where, "longitude"]).to_numpy(dtype=float)
    if origin is not None:
        lats = np.append(lats, origin[0])
        lons = np.append(lons, origin[1])
        if radius_km and len(lats) == 1:
            dlat = radius_km / KM_PER_DEGREE
            dlon = radius_km / (KM_PER_DEGREE * math.cos(math.radians(origin[0])))
            return [[origin[0] - dlat, origin[1] - dlon], [origin[0] + dlat, origin[1] + dlon]]
    if not len(lats):
        return None
    return [[float(lats.min()), float(lons.min())], [float(lats.max()), float(lons.max())]]


class FitBounds(MacroElement):
    """Fits the map that holds it to `bounds` once drawn, at the map's real size, not animated.

    It may sit in the map or in a layer of it (the app's changing sites layer): it finds the map.
    Only numbers and the map's name go through the template.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this.map_name() }}.fitBounds({{ this.bounds|tojson }},
            {padding: [{{ this.padding }}, {{ this.padding }}],
             maxZoom: {{ this.max_zoom|tojson }}, animate: false});
        {% endmacro %}
    """)

    def __init__(
        self, bounds: list[list[float]], max_zoom: int = FIT_MAX_ZOOM, padding: int = FIT_PADDING_PX
    ) -> None:
        super().__init__()
        self._name = "FitBounds"
        self.bounds = [[round(float(v), 6) for v in corner] for corner in bounds]
        self.max_zoom, self.padding = int(max_zoom), int(padding)

    def map_name(self) -> str:
        """The variable name of the folium.Map above this element."""
        node = self._parent
        while node is not None and not isinstance(node, folium.Map):
            node = getattr(node, "_parent", None)
        if node is None:
            raise ValueError("FitBounds must be added to a map or to a layer of one")
        return node.get_name()
