"""The province outlines under the map's sites: a static file the browser fetches once and keeps.

Written into the map's script, the outlines were most of the st_folium message for the seed
directory (docs/performance.md), sent again at every rerun and parsed before the first marker.
In the app they are a file under static/ whose name carries a digest of its content: the map's
script asks for it and goes on to draw the sites, the outlines follow when the file is there, a
repeat visit finds it in the browser's cache, and a new geometry gets a new name. The names, in
the visitor's language, stay in the script (eleven short strings). The offline map file has no
server to ask: there the outlines stay inline.
"""

from __future__ import annotations

import hashlib
import html
from functools import lru_cache
from pathlib import Path

from branca.element import Template

from lien.config import STATIC_DIR
from lien.files import write_atomic
from lien.geo.areas import display_geojson, province_names
from lien.render import assets
from lien.render.js import Verbatim, script_json

FOLDER = "outlines"  # under static/
_PREFIX = "provinces-"


@lru_cache(maxsize=1)
def geometry_json() -> str:
    """The outlines as script-safe GeoJSON, each feature with its province code only."""
    features = [
        {
            "type": "Feature",
            "geometry": feature["geometry"],
            "properties": {"code": feature["properties"]["code"]},
        }
        for feature in display_geojson()["features"]
    ]
    return script_json({"type": "FeatureCollection", "features": features})


def file_name() -> str:
    """The outlines' file name: its content's digest changes the name when the geometry does."""
    digest = hashlib.sha256(geometry_json().encode("utf-8")).hexdigest()[:16]
    return f"{_PREFIX}{digest}.json"


def write(dest: Path = STATIC_DIR) -> Path:
    """The outlines' file in `dest` (written if missing, older versions removed); its path."""
    target = dest / FOLDER / file_name()
    if not target.is_file():
        # Readable by all: a web server in front of the app may serve static/ itself.
        write_atomic(target, geometry_json(), permissions=0o644)
        for old in target.parent.glob(f"{_PREFIX}*.json"):
            if old != target:
                old.unlink(missing_ok=True)
    return target


@lru_cache(maxsize=1)
def url() -> str | None:
    """The outlines' address in the app, once their file is in static/; None when static/ can't
    be written (the map then carries them inline, as before)."""
    try:
        write()
    except OSError:
        return None
    return assets.static_url(f"{FOLDER}/{file_name()}")


@lru_cache(maxsize=8)
def labels_json(lang: str) -> str:
    """Each province's short name in `lang`, HTML-escaped (a tooltip renders HTML), by code."""
    return script_json({code: html.escape(name) for code, name in province_names(lang).items()})


class Provinces(Verbatim):
    """Province outlines with their name as a tooltip: fetched from `url` once the map's first
    markers are out, or drawn from the inline GeoJSON when there is no `url`. A failed fetch
    leaves the map as it is: the outlines are a backdrop, the sites are what the visitor came for.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (map, labels) {
            var draw = function (data) {
                L.geoJSON(data, {
                    interactive: true,
                    style: function () {
                        return {color: '#555555', weight: 1, fillColor: '#f2efe9',
                                fillOpacity: 0.35};
                    },
                    onEachFeature: function (feature, layer) {
                        layer.bindTooltip(labels[feature.properties.code] || '', {sticky: true});
                    }
                }).addTo(map).eachLayer(function (layer) {
                    // Out of the Tab order: a hover tooltip makes Leaflet listen for focus on
                    // the outline, which Chromium then makes a Tab stop (eleven of them, unnamed
                    // and mostly off-screen). Leaflet has no option for a tooltip without it;
                    // interactive: false would drop the names on hover too.
                    var path = layer.getElement && layer.getElement();
                    if (path) { path.setAttribute('tabindex', '-1'); }
                });
            };
            {% if this.url %}
            // Drawn when the file is there, after this script, which goes on to draw the sites.
            fetch({{ this.url }}).then(function (response) {
                if (!response.ok) { throw new Error(response.status); }
                return response.json();
            }).then(draw).catch(function (error) {
                console.warn('Lien: no province outlines (' + error + ')');
            });
            {% else %}
            draw({{ this.data }});
            {% endif %}
        })({{ this._parent.get_name() }}, {{ this.labels }});
        {% endmacro %}
    """)

    def __init__(self, lang: str, *, inline: bool = False) -> None:
        super().__init__()
        self._name = "Provinces"
        self.labels = labels_json(lang)
        address = None if inline else url()
        self.url = script_json(address) if address else None
        self.data = geometry_json() if address is None else None
