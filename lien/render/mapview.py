"""Folium map building: a stable base map and one fast layer of sites, every text HTML-escaped."""

from __future__ import annotations

import html
import math
from importlib import resources

import folium
import numpy as np
import pandas as pd
import xyzservices
from branca.element import Template

from lien import taxonomy
from lien.i18n import direction, t
from lien.render import assets
from lien.render.accessible import Accessible
from lien.render.js import Verbatim, VerbatimMap, VerbatimPane, VerbatimTiles, script_json
from lien.render.outlines import Provinces
from lien.schema import approximate, located, rows_where

BELGIUM_CENTER = (50.64, 4.67)
BELGIUM_ZOOM = 8
MAX_ZOOM = 18

# Leaflet 1.9, MarkerCluster, gesture handling and supercluster from the app's own static folder:
# the map draws offline. Every script of the map and its sites layer, always in the base map,
# which stays the same across reruns: a filter that grows the view past
# sites_layer.SUPERCLUSTER then finds it loaded. In the app's frame, as one file.
LOCAL_JS = [(part.split("/")[0], assets.static_url(part)) for part in assets.MAP_SCRIPTS]
FRAMED_JS = [("lien_map", assets.MAP_BUNDLE_JS)]
LOCAL_CSS = [
    ("leaflet_css", assets.LEAFLET_CSS),
    ("markercluster_css", assets.MARKERCLUSTER_CSS),
    ("markercluster_default_css", assets.MARKERCLUSTER_DEFAULT_CSS),
    ("leaflet_gesture_handling_css", assets.GESTURE_CSS),
]
# A map narrower than this (a phone) starts with its legend folded.
LEGEND_OPEN_FROM_PX = 600
ORIGIN_PANE = "lien-origin"  # the search point's pane (base_map)


class _IconPath(Verbatim):
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


class _Legend(Verbatim):
    """The legend, a control that folds away: closed on a narrow map, and hidden with the zoom
    buttons while a popup is open so that no control covers one. Its title and entries come
    pre-escaped."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (map) {
            var legend = L.control({position: {{ this.position|tojson }}});
            legend.onAdd = function () {
                var box = L.DomUtil.create('details', 'lien-legend');
                box.innerHTML = '<summary>' + {{ this.title }} + '</summary><div>'
                    + {{ this.body }} + '</div>';
                box.open = map.getSize().x >= {{ this.open_from }};
                L.DomEvent.disableClickPropagation(box);
                L.DomEvent.disableScrollPropagation(box);
                return box;
            };
            legend.addTo(map);
            // While a popup is open the zoom buttons, the legend and the scale step aside.
            var box = map.getContainer();
            map.on('popupopen', function () { L.DomUtil.addClass(box, 'lien-popup-open'); });
            map.on('popupclose', function () { L.DomUtil.removeClass(box, 'lien-popup-open'); });
        })({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, title: str, body: str, open_from: int, position: str) -> None:
        super().__init__()
        self._name = "Legend"
        self.title, self.body, self.open_from = script_json(title), script_json(body), open_from
        self.position = position


# The map's style rules, in a file of their own (map.css says what they do).
MAP_CSS = (
    "<style>\n"
    + resources.files("lien.render").joinpath("map.css").read_text(encoding="utf-8")
    + "</style>\n"
)
# Inside the app's component frame the map fills the frame, which the page sizes to the screen.
# (100vh inside an iframe is the frame's height; 100% would need every wrapper sized too.) The
# frame's document never scrolls: streamlit-folium's line of text below the map made it 17 px
# taller than the frame, a scroller a wheel or a finger over the map could catch.
FRAME_CSS = "<style>#map_div,.folium-map{height:100vh!important} html,body{overflow:hidden}</style>"


class _Scale(Verbatim):
    """The scale in kilometres only (Belgium's unit), at the bottom left (right, right to left),
    raised above the attribution's line (MAP_CSS) so that on a phone's narrow map neither covers
    the other."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        L.control.scale({imperial: false, position: {{ this.position|tojson }}})
            .addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, position: str) -> None:
        super().__init__()
        self._name = "Scale"
        self.position = position


class OriginLegend(Verbatim):
    """Added to the search point: the legend's "search point" entry shows while the point is on
    the map (the legend belongs to the base map, which stays the same when the point goes)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (point) {
            var mark = function (on) {
                if (point._map) {
                    L.DomUtil[on ? 'addClass' : 'removeClass'](
                        point._map.getContainer(), 'lien-has-origin');
                }
            };
            point.on('add', function () { mark(true); });
            point.on('remove', function () { mark(false); });
            mark(true);
        })({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self) -> None:
        super().__init__()
        self._name = "OriginLegend"


class _Header(Verbatim):
    """Raw HTML (a style element) in the map's document head."""

    _template = Template("""
        {% macro header(this, kwargs) %}{{ this.markup }}{% endmacro %}
    """)

    def __init__(self, markup: str) -> None:
        super().__init__()
        self._name = "Header"
        self.markup = markup


def legend_html(lang: str) -> str:
    """The legend's entries: one swatch per service category (and "service not stated"), then
    the approximate marker and the search point."""
    rows = []
    for category, colour in taxonomy.category_colours().items():
        label = html.escape(taxonomy.categories().label(category, lang))
        rows.append(
            f'<div><span class="lien-swatch" style="background:{colour}"></span>{label}</div>'
        )
    unstated = html.escape(t("service_not_stated", lang))
    # Shown only while a site whose service is not stated is on the map (sites_layer.js).
    rows.append(
        '<div class="lien-legend-unstated"><span class="lien-swatch" '
        f'style="background:{taxonomy.UNSTATED_COLOUR}"></span>{unstated}</div>'
    )
    approximate = html.escape(t("approximate_legend", lang))
    rows.append(
        '<div><span class="lien-swatch" style="border:2px dashed #555;box-sizing:border-box">'
        f"</span>{approximate}</div>"
    )
    origin = html.escape(t("you_are_here", lang))
    # Shown only while a search point is on the map (OriginLegend).
    rows.append(
        '<div class="lien-legend-origin"><span class="lien-swatch" style="border:3px solid #000;'
        f'background:#fff;box-sizing:border-box"></span>{origin}</div>'
    )
    return "".join(rows)


def base_map(lang: str, *, framed: bool = True) -> folium.Map:
    """The map that stays the same across filter changes: tiles, province outlines, legend.

    `framed`: shown in the app's component frame, which it then fills (the page sizes the frame),
    with the outlines fetched from the app (lien.render.outlines); else a file on its own.
    """
    fmap = VerbatimMap(
        location=BELGIUM_CENTER,
        zoom_start=BELGIUM_ZOOM,
        tiles=None,
        maxZoom=MAX_ZOOM,
        # One finger scrolls the page and two move the map; a wheel needs Ctrl to zoom.
        gestureHandling=True,
        gestureHandlingOptions={
            "text": {
                "touch": t("gesture_touch", lang),
                "scroll": t("gesture_scroll", lang),
                "scrollMac": t("gesture_scroll_mac", lang),
            }
        },
    )
    # MarkerCluster throws "Map has no maxZoom" unless maxZoom is in the map options.
    fmap.options["maxZoom"] = MAX_ZOOM
    fmap.default_js = list(FRAMED_JS if framed else LOCAL_JS)
    fmap.default_css = list(LOCAL_CSS)
    VerbatimTiles(
        # The provider itself, not its name: folium looks a name up among xyzservices' thousand
        # providers on every run, a noticeable part of a seed rerun (docs/performance.md).
        xyzservices.providers.OpenStreetMap.Mapnik,
        name="openstreetmap",
        max_zoom=MAX_ZOOM,
        attr='&copy; <a href="https://www.openstreetmap.org/copyright">'
        "OpenStreetMap</a> contributors",
    ).add_to(fmap)
    Provinces(lang, inline=not framed).add_to(fmap)
    _IconPath(assets.LEAFLET_IMAGES).add_to(fmap)
    # Right to left, the controls swap sides with the page: legend top left, scale bottom right.
    rtl = direction(lang) == "rtl"
    _Legend(
        html.escape(t("legend", lang)),
        legend_html(lang),
        LEGEND_OPEN_FROM_PX,
        "topleft" if rtl else "topright",
    ).add_to(fmap)
    _Scale("bottomright" if rtl else "bottomleft").add_to(fmap)
    _Header(MAP_CSS + (FRAME_CSS if framed else "")).add_to(fmap)
    Accessible(t("map_alternative", lang), lang).add_to(fmap)
    # Under the markers (410 is Leaflet's marker pane) and never clickable: the search point
    # drawn there never hides a site. A pane belongs to the map, not to the changing layer.
    VerbatimPane(ORIGIN_PANE, z_index=390, pointer_events=False).add_to(fmap)
    return fmap


KM_PER_DEGREE = 111.32  # of latitude, and of longitude at the equator
# The closest view a fit may give, by how well the sites shown are placed: a site known by its
# town or postcode is shown at a commune's scale (about 10 km across a phone), one known by its
# street at a street's (about 600 m), never closer. The visitor may zoom in further themselves.
COMMUNE_ZOOM = 12
STREET_ZOOM = 16
FIT_MAX_ZOOM = STREET_ZOOM
FIT_PADDING_PX = 24


def view_zoom(sites: pd.DataFrame) -> int:
    """The closest zoom a fit to `sites` may take: a street's when every located site is placed
    by its address, else a commune's (and a commune's for a view of no located site)."""
    return placed_zoom(rows_where(sites, located(sites)))


def placed_zoom(on_map: pd.DataFrame) -> int:
    """`view_zoom` of sites that are all located."""
    if on_map.empty:
        return COMMUNE_ZOOM
    return COMMUNE_ZOOM if bool(approximate(on_map).any()) else STREET_ZOOM


def view_bounds(
    sites: pd.DataFrame, origin: tuple[float, float] | None = None, radius_km: float | None = None
) -> list[list[float]] | None:
    """[[south, west], [north, east]] that the map should show: the located sites and the search
    point, or the near-me circle when there are no sites; None for all of Belgium.

    The browser fits them to the map's real size (FitBounds), so a phone and a desktop both see
    every site.
    """
    return placed_bounds(rows_where(sites, located(sites)), origin, radius_km)


def placed_bounds(
    on_map: pd.DataFrame, origin: tuple[float, float] | None, radius_km: float | None
) -> list[list[float]] | None:
    """`view_bounds` of sites that are all located."""
    lats = pd.to_numeric(on_map["latitude"]).to_numpy(dtype=float) if len(on_map) else np.empty(0)
    lons = pd.to_numeric(on_map["longitude"]).to_numpy(dtype=float) if len(on_map) else np.empty(0)
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


class FitBounds(Verbatim):
    """Fits the map that holds it to `bounds` once drawn, at the map's real size, not animated.

    It may sit in the map or in a layer of it (the app's changing sites layer): it finds the map.
    Only numbers and the map's name go through the template.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (map) {
          var fit = function () {
            var size = map.getSize();
            if (size.x > 0 && size.y > 0) {
              map.fitBounds({{ this.bounds|tojson }},
                {padding: [{{ this.padding }}, {{ this.padding }}],
                 maxZoom: {{ this.max_zoom|tojson }}, animate: false});
            }
          };
          // A frame still laying out (no size, or not its final size) would fit the wrong view:
          // fit again whenever it is resized, until the visitor moves the map themselves.
          var touched = false;
          var mine = function () { touched = true; };
          ['mousedown', 'touchstart', 'wheel', 'keydown'].forEach(function (name) {
            map.getContainer().addEventListener(name, mine, {passive: true, once: true});
          });
          map.on('resize', function () { if (!touched) { fit(); } });
          fit();
        })({{ this.map_name() }});
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
