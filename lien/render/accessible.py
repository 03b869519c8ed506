"""The map's names for a screen reader, in the visitor's language (lien.render.mapview adds it to
every base map: the app's and the offline file's)."""

from __future__ import annotations

from branca.element import Template

from lien.i18n import direction, t
from lien.render.js import Verbatim


class Accessible(Verbatim):
    """The map's document says its language, and the frame that shows it in the app (the
    st_folium iframe, whose title streamlit-folium fixes) is named by what the map shows and where
    its text alternative is: the same sites as cards or a table on the page. Outside a frame (the
    offline file) only the language is set. The map itself, a Tab stop, has the same name, and
    its zoom buttons say what they do in the visitor's language (Leaflet's are English), as
    Leaflet's credit does not (its English title is left out). The document takes the language's
    direction too: right to left, the zoom buttons move to the right (and lien.render.mapview puts
    the legend on the left and the scale on the right)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (map) {
            document.documentElement.lang = {{ this.lang|tojson }};
            document.documentElement.dir = {{ this.dir|tojson }};
            if ({{ this.dir|tojson }} === 'rtl' && map.zoomControl) {
                // Mirrored, as the page is: the zoom buttons where a right-to-left reader starts.
                map.zoomControl.setPosition('topright');
            }
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
        self.name, self.lang, self.dir = name, lang, direction(lang)
        self.zoom_in, self.zoom_out = t("zoom_in", lang), t("zoom_out", lang)
