"""Folium map building: a stable base map and one fast layer of sites, every text HTML-escaped."""

from __future__ import annotations

import html
import math

import folium
import numpy as np
import pandas as pd
import xyzservices
from branca.element import Template

from lien import taxonomy
from lien.i18n import t
from lien.render import assets
from lien.render.js import Verbatim, VerbatimMap, VerbatimPane, VerbatimTiles, script_json
from lien.render.outlines import Provinces
from lien.schema import located

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
            var legend = L.control({position: 'topright'});
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

    def __init__(self, title: str, body: str, open_from: int) -> None:
        super().__init__()
        self._name = "Legend"
        self.title, self.body, self.open_from = script_json(title), script_json(body), open_from


# Touch targets of at least 44 px (WCAG 2.5.5): zoom buttons, the legend's toggle, a popup's close
# button, cluster bubbles and markers (markers are drawn small in a 44-px hit area).
MAP_CSS = """
<style>
.lien-legend { background: rgba(255,255,255,.95); border-radius: 4px; color: #222;
  box-shadow: 0 1px 4px rgba(0,0,0,.3); font: 13px/1.45 system-ui, sans-serif; max-width: 70vw; }
.lien-legend summary { min-height: 44px; min-width: 44px; padding: 0 12px; cursor: pointer;
  display: flex; align-items: center; font-weight: 600; }
.lien-legend > div { padding: 0 10px 8px; }
.lien-swatch { display: inline-block; width: 12px; height: 12px; border-radius: 50%;
  margin-right: 6px; vertical-align: -1px; }
.leaflet-bar a, .leaflet-touch .leaflet-bar a { width: 44px; height: 44px; line-height: 44px; }
.leaflet-container a.leaflet-popup-close-button { width: 44px; height: 44px; font: 26px/44px
  sans-serif; }
.leaflet-popup-content { margin: 14px 44px 14px 14px; font-size: 14px; line-height: 1.45; }
.leaflet-popup-content a { display: inline-block; min-height: 32px; line-height: 32px; }
.lien-dot { display: flex; align-items: center; justify-content: center; }
.lien-dot span { width: 20px; height: 20px; border-radius: 50%; box-sizing: border-box;
  border: 2px solid #fff; box-shadow: 0 0 0 1px rgba(0,0,0,.5); }
.lien-dot.lien-approx span { border: 3px dashed; box-shadow: none; }
.marker-cluster { width: 44px !important; height: 44px !important; }
.lien-popup-open .leaflet-top, .lien-popup-open .leaflet-control-scale { display: none; }
.marker-cluster div { width: 36px; height: 36px; margin: 4px; line-height: 36px; }
</style>
"""
# Inside the app's component frame the map fills the frame, which the page sizes to the screen.
# (100vh inside an iframe is the frame's height; 100% would need every wrapper sized too.) The
# frame's document never scrolls: streamlit-folium's line of text below the map made it 17 px
# taller than the frame, a scroller a wheel or a finger over the map could catch.
FRAME_CSS = "<style>#map_div,.folium-map{height:100vh!important} html,body{overflow:hidden}</style>"


class _Accessible(Verbatim):
    """The map's document says its language, and the frame that shows it in the app (the
    st_folium iframe, whose title streamlit-folium fixes) is named by what the map shows and where
    its text alternative is: the same sites as cards or a table on the page. Outside a frame (the
    offline file) only the language is set. The map itself, a Tab stop, has the same name, and
    its zoom buttons say what they do in the visitor's language (Leaflet's are English), as
    Leaflet's credit does not (its English title is left out)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (map) {
            document.documentElement.lang = {{ this.lang|tojson }};
            var box = map.getContainer();
            box.setAttribute('role', 'region');
            box.setAttribute('aria-label', {{ this.name|tojson }});
            [['.leaflet-control-zoom-in', {{ this.zoom_in|tojson }}],
             ['.leaflet-control-zoom-out', {{ this.zoom_out|tojson }}]].forEach(function (zoom) {
                var button = box.querySelector(zoom[0]);
                if (button) {
                    button.title = zoom[1];
                    button.setAttribute('aria-label', zoom[1]);
                }
            });
            // Leaflet's own link says what Leaflet is, in English: the link stays, not that.
            var credit = map.attributionControl;
            if (credit && credit.options.prefix) {
                credit.setPrefix(String(credit.options.prefix).replace(/ title="[^"]*"/, ''));
            }
            try {
                if (window.frameElement) {
                    window.frameElement.setAttribute('aria-label', {{ this.name|tojson }});
                }
            } catch (e) { /* a frame of another origin: its own title stays */ }
        })({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, name: str, lang: str) -> None:
        super().__init__()
        self._name = "Accessible"
        self.name, self.lang = name, lang
        self.zoom_in, self.zoom_out = t("zoom_in", lang), t("zoom_out", lang)


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
    """The legend's entries: one swatch per service category, then the approximate marker."""
    rows = []
    for category, colour in taxonomy.category_colours().items():
        label = html.escape(taxonomy.categories().label(category, lang))
        rows.append(
            f'<div><span class="lien-swatch" style="background:{colour}"></span>{label}</div>'
        )
    approximate = html.escape(t("approximate_legend", lang))
    rows.append(
        '<div><span class="lien-swatch" style="border:2px dashed #555;box-sizing:border-box">'
        f"</span>{approximate}</div>"
    )
    origin = html.escape(t("you_are_here", lang))
    rows.append(
        '<div><span class="lien-swatch" style="border:3px solid #000;background:#fff;'
        f'box-sizing:border-box"></span>{origin}</div>'
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
        control_scale=True,
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
        # providers on every run (a tenth of a seed rerun).
        xyzservices.providers.OpenStreetMap.Mapnik,
        name="openstreetmap",
        max_zoom=MAX_ZOOM,
        attr='&copy; <a href="https://www.openstreetmap.org/copyright">'
        "OpenStreetMap</a> contributors",
    ).add_to(fmap)
    Provinces(lang, inline=not framed).add_to(fmap)
    _IconPath(assets.LEAFLET_IMAGES).add_to(fmap)
    _Legend(html.escape(t("legend", lang)), legend_html(lang), LEGEND_OPEN_FROM_PX).add_to(fmap)
    _Header(MAP_CSS + (FRAME_CSS if framed else "")).add_to(fmap)
    _Accessible(t("map_alternative", lang), lang).add_to(fmap)
    # Under the markers (410 is Leaflet's marker pane) and never clickable: the search point
    # drawn there never hides a site. A pane belongs to the map, not to the changing layer.
    VerbatimPane(ORIGIN_PANE, z_index=390, pointer_events=False).add_to(fmap)
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
