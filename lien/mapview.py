"""Folium map building: a stable base map and one fast layer of sites, every text HTML-escaped."""

from __future__ import annotations

import html
import json
import math
import re
from functools import lru_cache
from typing import Any

import folium
import pandas as pd
import numpy as np
from branca.element import MacroElement, Template
from folium.elements import JSCSSMixin
from folium.map import Layer

from lien import assets, taxonomy
from lien.i18n import t
from lien.taxonomy import LANGS
from lien.provinces import province_geojson, province_names

BELGIUM_CENTER = (50.64, 4.67)
BELGIUM_ZOOM = 8
MAX_ZOOM = 18
ALLOWED_SCHEMES = ("http://", "https://")

# Leaflet 1.9 and MarkerCluster from the app's own static folder: the map draws offline.
LOCAL_JS = [("leaflet", assets.LEAFLET_JS), ("leaflet_markercluster", assets.MARKERCLUSTER_JS)]
LOCAL_CSS = [("leaflet_css", assets.LEAFLET_CSS),
             ("markercluster_css", assets.MARKERCLUSTER_CSS),
             ("markercluster_default_css", assets.MARKERCLUSTER_DEFAULT_CSS)]

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
    features = [{"type": "Feature", "geometry": f["geometry"],
                 "properties": {"code": f["properties"]["code"],
                                "label": html.escape(names.get(f["properties"]["code"], ""))}}
                for f in outlines["features"]]
    return _script_json({"type": "FeatureCollection", "features": features})


def legend_html(lang: str) -> str:
    """The legend's inner HTML: one swatch per service category, then the approximate marker."""
    rows = [f"<b>{html.escape(t('legend', lang))}</b>"]
    for category, colour in taxonomy.CATEGORY_COLOURS.items():
        rows.append(f'<div><span style="display:inline-block;width:10px;height:10px;'
                    f'border-radius:50%;background:{colour};margin-right:5px"></span>'
                    f"{html.escape(t('cat_' + category, lang))}</div>")
    rows.append(f'<div><span style="display:inline-block;width:8px;height:8px;border-radius:50%;'
                f'border:2px dashed #555;margin-right:5px"></span>'
                f"{html.escape(t('approximate_legend', lang))}</div>")
    return "".join(rows)


def base_map(lang: str) -> folium.Map:
    """The map that stays the same across filter changes: tiles, province outlines, legend."""
    fmap = folium.Map(location=BELGIUM_CENTER, zoom_start=BELGIUM_ZOOM, tiles=None,
                      maxZoom=MAX_ZOOM, control_scale=True)
    # MarkerCluster throws "Map has no maxZoom" unless maxZoom is in the map options.
    fmap.options["maxZoom"] = MAX_ZOOM
    fmap.default_js = list(LOCAL_JS)
    fmap.default_css = list(LOCAL_CSS)
    folium.TileLayer("OpenStreetMap", max_zoom=MAX_ZOOM,
                     attr='&copy; <a href="https://www.openstreetmap.org/copyright">'
                          "OpenStreetMap</a> contributors").add_to(fmap)
    _Provinces(_provinces_json(lang)).add_to(fmap)
    _IconPath(assets.LEAFLET_IMAGES).add_to(fmap)
    _Legend(legend_html(lang)).add_to(fmap)
    return fmap


def safe_url(url: str) -> str | None:
    """An http(s) URL for a website cell ('www.x.be' gets https://); other schemes give None."""
    url = url.strip()
    if not url:
        return None
    if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", url):
        url = "https://" + url
    return url if url.lower().startswith(ALLOWED_SCHEMES) else None


def tel_url(phone: str) -> str:
    """A tel: link target: digits and a leading +, nothing else."""
    cleaned = re.sub(r"\(0\)", "", phone)
    digits = re.sub(r"[^\d+]", "", cleaned)
    return "tel:" + (digits[0] + digits[1:].replace("+", "") if digits else "")


def directions_url(lat: float, lon: float) -> str:
    """OpenStreetMap's route planner with the site as destination."""
    return f"https://www.openstreetmap.org/directions?route=%3B{lat:.5f}%2C{lon:.5f}"


def _link(href: str, text: str) -> str:
    return (f'<a href="{html.escape(href, quote=True)}" target="_blank" rel="noopener noreferrer">'
            f"{html.escape(text)}</a>")


def _labels(cell: str, vocabulary: Any, lang: str) -> str:
    return ", ".join(vocabulary.label(code, lang) for code in taxonomy.split_codes(cell))


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def popup_html(site: pd.Series | dict[str, Any], lang: str) -> str:
    """A site's popup; every value from the data is escaped and only safe link schemes are used."""
    e = html.escape
    text = {k: "" if _missing(v) else str(v) for k, v in dict(site).items()}
    get = (lambda k: text.get(k, ""))
    parts = [f"<b>{e(get('organisation'))}</b><br>{e(get('site'))}"]

    def line(label: str, value: str) -> None:
        if value:
            parts.append(f"<br><i>{e(t(label, lang))}</i>: {value}")

    place = ", ".join(x for x in (get("address"), " ".join(
        x for x in (get("postcode"), get("city")) if x)) if x)
    line("address", e(place))
    line("col_services", e(_labels(get("services"), taxonomy.services(), lang)))
    line("audiences", e(_labels(get("audiences"), taxonomy.audiences(), lang)))
    line("languages", e(", ".join(taxonomy.language_label(c, lang)
                                  for c in taxonomy.split_codes(get("languages")))))
    line("hours", e(get("hours")))
    line("col_phone", ", ".join(_link(tel_url(p), p) for p in taxonomy.split_codes(get("phone"))))
    line("col_email", ", ".join(_link("mailto:" + m, m) for m in taxonomy.split_codes(get("email"))))
    sites = [(safe_url(w), w) for w in taxonomy.split_codes(get("website"))]
    line("col_website", ", ".join(_link(u, w) for u, w in sites if u))
    precision = get("coord_precision") or get("precision")
    approximate = precision in ("postcode", "locality")
    prec_text = t("prec_" + precision, lang) if precision in (
        "address", "postcode", "locality", "national", "online") else precision
    if approximate:
        prec_text = f"{t('approximate', lang)} ({prec_text})"
    line("precision", e(prec_text))
    source = get("source").split(" § ")[-1] if get("source") else ""
    date = get("source_date")
    line("source", e(f"{source} ({date})" if date else source))
    distance = site.get("distance_km")
    if isinstance(distance, (int, float)) and not math.isnan(distance):
        line("col_distance", e(f"{distance:.1f}"))
    try:
        lat, lon = float(site["latitude"]), float(site["longitude"])
    except (KeyError, TypeError, ValueError):
        lat = lon = math.nan
    if not (math.isnan(lat) or math.isnan(lon)):
        parts.append("<br>" + _link(directions_url(lat, lon), t("directions", lang)))
    return "".join(parts)


FULL_POPUPS = 2_000   # above this, popups are assembled in the browser from shared tables

# One row per site: [lat, lon, category, approximate, organisation, popup, town, services].
# The integers index the tables in `T`; the layer builds each marker's tooltip and popup only
# when it is opened, so 100,000 sites cost one compact array, not 100,000 HTML strings.
_LAYER_JS = """
var {{ this.get_name() }} = (function () {
    var T = {{ this.tables }};
    var rows = {{ this.rows }};
    function popup(r) {
        if (r[5] >= 0) { return T.p[r[5]]; }
        return '<b>' + T.o[r[4]] + '</b><br>' + T.t[r[6]] + '<br>' + T.v[r[7]]
            + (r[3] ? '<br><i>' + T.approx + '</i>' : '')
            + '<br><a href="https://www.openstreetmap.org/directions?route=%3B' + r[0] + '%2C'
            + r[1] + '" target="_blank" rel="noopener noreferrer">' + T.directions + '</a>';
    }
    var markers = new Array(rows.length);
    for (var i = 0; i < rows.length; i++) {
        var r = rows[i], approx = r[3] === 1, colour = T.c[r[2]];
        var m = L.circleMarker([r[0], r[1]], {
            radius: 8, color: colour, weight: approx ? 2 : 1, dashArray: approx ? '3 3' : null,
            fillColor: colour, fillOpacity: approx ? 0.15 : 0.85});
        m.bindTooltip((function (r) { return function () { return T.o[r[4]]; }; })(r));
        m.bindPopup((function (r) { return function () { return popup(r); }; })(r),
                    {maxWidth: 320});
        markers[i] = m;
    }
    var cluster = L.markerClusterGroup({{ this.options }});
    // Add the markers once the cluster is on the map: before that, MarkerCluster checks each
    // new marker against every queued one (quadratic: seconds at 100,000 sites).
    cluster.once('add', function () { cluster.addLayers(markers); });
    cluster.addTo({{ this._parent.get_name() }});
    return cluster;
})();
"""


class SitesLayer(JSCSSMixin, Layer):
    """Sites as clustered circle markers from one compact JSON array (local MarkerCluster)."""

    _template = Template("{% macro script(this, kwargs) %}" + _LAYER_JS + "{% endmacro %}")
    default_js = [("leaflet_markercluster", assets.MARKERCLUSTER_JS)]
    default_css = [("markercluster_css", assets.MARKERCLUSTER_CSS),
                   ("markercluster_default_css", assets.MARKERCLUSTER_DEFAULT_CSS)]

    def __init__(self, rows: str, tables: str, count: int) -> None:
        super().__init__(name="sites", control=False)
        self._name = "SitesLayer"
        self.rows, self.tables, self.count = rows, tables, count
        self.options = json.dumps({"spiderfyOnMaxZoom": True, "maxClusterRadius": 40,
                                   "chunkedLoading": True})


# branca renders each element's output as a Jinja template a second time: "{{ 7*7 }}" in a site's
# name would run on the server. In JSON, "{{", "{%" and "{#" only occur inside strings, where
# "\u007b" is the same "{".
_JINJA_OPEN = re.compile(r"\{(?=[{%#])")


def _script_json(value: Any) -> str:
    """JSON safe inside a <script> element (no '</' can close it) and inert to Jinja."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    return _JINJA_OPEN.sub(r"\\u007b", text)


def payload(sites: pd.DataFrame, lang: str) -> tuple[list[list[Any]], dict[str, Any]]:
    """The layer's rows and lookup tables, built column-wise (no per-site Python in large sets)."""
    located = sites[sites["latitude"].notna() & sites["longitude"].notna()]
    categories = list(taxonomy.CATEGORY_COLOURS)
    services = taxonomy.services()
    org_codes, orgs = pd.factorize(located["organisation"], sort=False)
    town_codes, towns = pd.factorize(
        (located["postcode"] + " " + located["city"].where(located["city"] != "",
                                                           located.get("municipality", ""))
         ).str.strip(), sort=False)
    combo_codes, combos = pd.factorize(located["services"], sort=False)
    combo_category = [categories.index(c) if c in categories else 0
                      for c in (taxonomy.category_of(v) for v in combos)]
    full = len(located) <= FULL_POPUPS
    popups = [popup_html(site, lang) for _, site in located.iterrows()] if full else []
    columns = [
        located["latitude"].round(5).to_numpy(), located["longitude"].round(5).to_numpy(),
        np.asarray(combo_category, dtype=int)[combo_codes] if len(combos) else combo_codes,
        located.get("coord_precision", pd.Series("", index=located.index)).isin(
            ("postcode", "locality")).astype(int).to_numpy(),
        org_codes, np.arange(len(located)) if full else np.full(len(located), -1),
        town_codes, combo_codes,
    ]
    rows = [list(r) for r in zip(*(c.tolist() for c in columns))] if len(located) else []
    tables = {
        "c": [taxonomy.CATEGORY_COLOURS[c] for c in categories],
        "o": [html.escape(str(o)) for o in orgs],
        "t": [html.escape(str(x)) for x in towns],
        "v": [html.escape(", ".join(services.label(c, lang) for c in taxonomy.split_codes(v)))
              for v in combos],
        "p": popups,
        "approx": html.escape(t("approximate", lang)),
        "directions": html.escape(t("directions", lang)),
    }
    return rows, tables


KM_PER_DEGREE = 111.32      # of latitude, and of longitude at the equator
FIT_MAX_ZOOM = 15           # closer than a district says nothing more about a town-level place
FIT_PADDING_PX = 24


def view_bounds(sites: pd.DataFrame, origin: tuple[float, float] | None = None,
                radius_km: float | None = None) -> list[list[float]] | None:
    """[[south, west], [north, east]] that the map should show: the located sites and the search
    point, or the near-me circle when there are no sites; None for all of Belgium.

    The browser fits them to the map's real size (FitBounds), so a phone and a desktop both see
    every site.
    """
    lats = pd.to_numeric(sites["latitude"], errors="coerce").to_numpy(dtype=float)
    lons = pd.to_numeric(sites["longitude"], errors="coerce").to_numpy(dtype=float)
    keep = np.isfinite(lats) & np.isfinite(lons)
    lats, lons = lats[keep], lons[keep]
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

    def __init__(self, bounds: list[list[float]], max_zoom: int = FIT_MAX_ZOOM,
                 padding: int = FIT_PADDING_PX) -> None:
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


def sites_layer(sites: pd.DataFrame, lang: str, origin: tuple[float, float] | None = None,
                radius_km: float | None = None) -> folium.FeatureGroup:
    """The changing layer: clustered sites (spiderfied when they share a point), the search point,
    and the view that fits them."""
    group = folium.FeatureGroup(name="sites")
    bounds = view_bounds(sites, origin, radius_km)
    if bounds is not None:
        # Before the sites: the clusters are then built once, for the final zoom.
        FitBounds(bounds).add_to(group)
    rows, tables = payload(sites, lang)
    SitesLayer(_script_json(rows), _script_json(tables), len(rows)).add_to(group)
    if origin is not None:
        folium.CircleMarker(origin, radius=10, color="#000000", weight=3, fill=True,
                            fill_color="#ffffff", fill_opacity=0.9,
                            tooltip=html.escape(t("you_are_here", lang))).add_to(group)
    return group
