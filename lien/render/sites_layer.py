"""The map's changing layer: every located site of the view as a clustered marker.

The layer is one compact JSON array and a small script (sites_layer.js) that builds the markers
in the browser, so a view of 100,000 sites stays a few megabytes and a rerun stays fast. Up to
SUPERCLUSTER sites, each site is a marker in Leaflet.markercluster; above, supercluster indexes
them and only the view's clusters and sites become markers (same bubbles, same dots).
"""

from __future__ import annotations

import base64
import datetime
import html
import json
from functools import lru_cache
from importlib import resources
from typing import Any

import folium
import numpy as np
import pandas as pd
from branca.element import Template
from folium.map import Layer

from lien import schema, taxonomy, translations
from lien.display import (
    CENTRE_LABELS,
    DIRECTIONS,
    Link,
    directions_label,
    distance_text,
    label_sep,
    service_labels,
    site_fields,
)
from lien.display import towns as local_towns
from lien.freshness import freshness
from lien.i18n import left_to_right, listed, t
from lien.links import suggest_template, suggest_url
from lien.render.js import Verbatim, script_json
from lien.render.mapview import MAX_ZOOM, ORIGIN_PANE, FitBounds, OriginLegend
from lien.render.originals import text_html
from lien.render.view import MapView, map_view
from lien.schema import records

FULL_POPUPS = 2_000  # above this, popups are assembled in the browser from shared tables
# Above this, supercluster: one L.marker per site in MarkerCluster costs the browser time in
# proportion to the sites before the first bubble shows (docs/performance.md),
# while up to here it keeps the spiderfied look the seed directory's visitors know.
SUPERCLUSTER = FULL_POPUPS
CLUSTER_RADIUS_PX = 40  # both ways: MarkerCluster's maxClusterRadius, supercluster's radius
LISTED_AT_MAX_ZOOM = 200  # sites of one point listed in its popup (then "… (+n)")


def _links(links: tuple[Link, ...]) -> str:
    # Each in its own left-to-right box (<bdi dir="ltr">): a phone number keeps its order in
    # right-to-left text.
    return ", ".join(
        f'<a href="{html.escape(link.href, quote=True)}" target="_blank" '
        f'rel="noopener noreferrer"><bdi dir="ltr">{html.escape(link.text)}</bdi></a>'
        for link in links
    )


def popup(site: Any, lang: str, centre: str = "", suggest: str | None = None) -> dict[str, Any]:
    """A site's popup as sites_layer.js renders it, every text escaped and only safe links: the
    essentials first, which fit a phone's popup without scrolling (its title, distance, where it
    is, "directions" and "call"), then the rest folded under "more" (services, hours, contacts,
    audiences, languages, precision, source). `centre`: see display.distance_text; `suggest`:
    the app's root address for "suggest a correction" (an absolute address: the popup is in the
    map's frame), None for no such link."""
    f = site_fields(site, lang)
    e = html.escape
    actions = []
    if f.directions:
        actions.append(["directions", e(f.directions, quote=True), e(directions_label(f, lang))])
    actions += [
        ["call", e(p.href, quote=True), e(t("card_call", lang, phone=left_to_right(p.text, lang)))]
        for p in f.phones[:1]
        if p.href
    ]
    site_id = str(site.get("site_id") or "")
    if suggest is not None and site_id:
        href = suggest_url(suggest, site_id, lang)
        actions.append(["suggest", e(href, quote=True), e(t("suggest_correction", lang))])
    more = [
        (t("col_services", lang), e(listed(f.services, lang))),
        (t("about_site", lang), text_html(translations.shown(site, "description", lang), lang)),
        (t("hours", lang), text_html(translations.shown(site, "hours", lang), lang)),
        (t("col_phone", lang), _links(f.phones)),
        (t("col_email", lang), _links(f.emails)),
        (t("col_website", lang), _links(f.websites)),
        (t("audiences", lang), e(listed(f.audiences, lang))),
        (t("languages", lang), e(listed(f.languages, lang))),
        (t("precision", lang), e(f.precision_label)),
        (t("source", lang), e(f.source)),
    ]
    return {
        "o": e(f.organisation),
        "s": e(f.site) if f.site != f.organisation else "",
        "k": e(distance_text(f, lang, centre)),
        "w": e(left_to_right(f.place or f.town, lang)),
        # When a person last checked it, and whether it may be out of date: before acting on it.
        "f": e(" · ".join(x for x in (f.fresh.status, f.fresh.checked) if x)),
        "x": e(f.fresh.stale_text),
        "a": actions,
        "m": [[e(label), value] for label, value in more if value],
    }


@lru_cache(maxsize=1)
def layer_script() -> str:
    """sites_layer.js: a function (parent, T, rows, options) that adds the clustered markers."""
    return resources.files("lien.render").joinpath("sites_layer.js").read_text(encoding="utf-8")


class SitesLayer(Layer, Verbatim):
    """Sites as clustered markers from one compact JSON array: MarkerCluster for a small set,
    supercluster for a large one. Verbatim: branca would otherwise compile
    the megabytes of data as a Jinja template again on every render."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = {{ this.script }}({{ this._parent.get_name() }},
            {{ this.tables }}, {{ this.rows }}, {{ this.options }});
        {% endmacro %}
    """)
    # Its scripts and styles (MarkerCluster, supercluster) come with the base map it is drawn
    # on (mapview.LOCAL_JS, LOCAL_CSS): in the app's frame as one file with Leaflet's.

    def __init__(self, rows: str, tables: str, count: int) -> None:
        super().__init__(name="sites", control=False)
        self._name = "SitesLayer"
        self.rows, self.tables, self.count = rows, tables, count
        self.script = layer_script()
        # A large set comes as columns (see sites_layer()), clustered by supercluster.
        self.supercluster = count > SUPERCLUSTER
        self.options = json.dumps(
            {
                "supercluster": self.supercluster,
                "markercluster": {
                    "spiderfyOnMaxZoom": True,
                    "maxClusterRadius": CLUSTER_RADIUS_PX,
                    "chunkedLoading": True,
                },
                "clusters": {
                    "radius": CLUSTER_RADIUS_PX,
                    "maxZoom": MAX_ZOOM,
                    "listed": LISTED_AT_MAX_ZOOM,
                },
            }
        )


def payload(
    sites: pd.DataFrame, lang: str, centre: str = ""
) -> tuple[list[list[Any]], dict[str, Any]]:
    """The layer's rows and lookup tables (see sites_layer.js for a row's fields)."""
    columns, tables = payload_columns(sites, lang, centre)
    return [list(r) for r in zip(*(c.tolist() for c in columns), strict=True)], tables


def payload_columns(
    sites: pd.DataFrame, lang: str, centre: str = ""
) -> tuple[list[np.ndarray], dict[str, Any]]:
    """The layer's rows as nine columns, and its lookup tables, built column-wise (no per-site
    Python in large sets)."""
    return _columns(schema.rows_where(sites, schema.located(sites)), lang, centre)


def _columns(
    located: pd.DataFrame, lang: str, centre: str = "", suggest: str | None = None
) -> tuple[list[np.ndarray], dict[str, Any]]:
    """`payload_columns` of sites that are all located (`suggest`: see popup())."""
    categories = list(taxonomy.category_colours())
    org_codes, orgs = pd.factorize(located["organisation"], sort=False)
    town_codes, towns = pd.factorize(
        (located["postcode"] + " " + local_towns(located, lang)).str.strip(), sort=False
    )
    combo_codes, combos = pd.factorize(located["services"], sort=False)
    # Plain lists: iterating a pandas index of strings costs a microsecond or two per item.
    orgs, towns, combos = orgs.tolist(), towns.tolist(), combos.tolist()
    # A site whose service is not stated has no category: its colour follows the categories'.
    unstated = len(categories)
    combo_category = [
        categories.index(c) if c in categories else unstated
        for c in (taxonomy.category_of(v) for v in combos)
    ]
    full = len(located) <= FULL_POPUPS
    popups = [popup(site, lang, centre, suggest) for site in records(located)] if full else []
    fresh_codes, fresh = _freshness(located, lang)
    columns = [
        located["latitude"].round(5).to_numpy(),
        located["longitude"].round(5).to_numpy(),
        np.asarray(combo_category, dtype=int)[combo_codes] if len(combos) else combo_codes,
        schema.approximate(located).astype(int).to_numpy(),
        org_codes,
        np.arange(len(located)) if full else np.full(len(located), -1),
        town_codes,
        combo_codes,
        fresh_codes,
    ]
    tables = {
        "c": [taxonomy.category_colours()[c] for c in categories] + [taxonomy.UNSTATED_COLOUR],
        # Whether the legend shows its "service not stated" entry: a site of the view has one.
        "u": unstated in combo_category,
        "o": [html.escape(str(o)) for o in orgs],
        "t": [html.escape(str(x)) for x in towns],
        "v": [html.escape(listed(service_labels(v, lang), lang)) for v in combos],
        "p": popups,
        # A compact popup's freshness: [status and when checked, "may be out of date" or ""].
        "f": fresh,
        "approx": html.escape(t("approximate", lang)),
        "route": DIRECTIONS,
        "directions": html.escape(t("directions", lang)),
        "directions_approx": html.escape(
            t("directions_approx", lang, centre=t(CENTRE_LABELS["locality"], lang))
        ),
        "more": html.escape(t("popup_more", lang)),
        # A compact popup's "suggest a correction" (none without a store to propose to).
        "s": "" if suggest is None else html.escape(suggest_template(suggest, lang)),
        "sl": html.escape(t("suggest_correction", lang)),
        "sep": html.escape(label_sep(lang)),
    }
    return columns, tables


@lru_cache(maxsize=8192)
def _freshness_line(status: str, checked_on: str, lang: str, today: datetime.date) -> list[str]:
    """[status and when checked, "may be out of date" or ""], escaped; cached, for a date said
    in words costs Babel a fifth of a millisecond, and a rerun meets the same dates again."""
    f = freshness({"status": status, "checked_on": checked_on}, lang, today)
    line = " · ".join(x for x in (f.status, f.checked) if x)
    return [html.escape(line), html.escape(f.stale_text)]


def _freshness(located: pd.DataFrame, lang: str) -> tuple[np.ndarray, list[list[str]]]:
    """Each site's index in the table of the view's distinct freshness lines, made once per
    distinct status and date: a large view has a few hundred of them at most, so a site costs
    one small integer, not its own text (docs/performance.md)."""
    empty = pd.Series("", index=located.index)
    checked = located.get("checked_on", empty).fillna("").astype(str)
    checked = checked.where(checked.str.strip() != "", located.get("source_date", empty))
    day_codes, days = pd.factorize(checked.fillna("").astype(str), sort=False)
    status_codes, statuses = pd.factorize(located.get("status", empty).fillna(""), sort=False)
    pairs, codes = np.unique(status_codes * max(len(days), 1) + day_codes, return_inverse=True)
    today = datetime.date.today()
    lines = [
        _freshness_line(
            str(statuses[pair // max(len(days), 1)]),
            str(days[pair % max(len(days), 1)]),
            lang,
            today,
        )
        for pair in pairs.tolist()
    ]
    return codes.reshape(-1), lines


COORDINATE_SCALE = 100_000  # coordinates travel as whole 1e-5 degrees (about a metre)


def packed(columns: list[np.ndarray]) -> dict[str, Any]:
    """The nine columns as little-endian typed arrays in base64, each holding its values less
    their minimum, as narrow as that allows: well under their JSON's size (a column of -1 for
    "no full popup" is a byte per site), encoded far faster, and read by the browser without
    parsing a number (docs/performance.md)."""
    out = []
    for i, values in enumerate(columns):
        array = np.rint(values * COORDINATE_SCALE) if i < 2 else np.asarray(values)
        low = int(array.min()) if len(array) else 0
        shifted = (array - low).astype(np.int64)
        high = int(shifted.max()) if len(shifted) else 0
        kind = "u8" if high < 2**8 else "u16" if high < 2**16 else "u32"
        little = shifted.astype(PACKED_TYPES[kind])
        out.append([kind, base64.b64encode(little.tobytes()).decode("ascii"), low])
    return {"n": len(columns[0]), "scale": COORDINATE_SCALE, "columns": out}


# sites_layer.js reads each kind with the typed array of that name.
PACKED_TYPES = {"u8": "<u1", "u16": "<u2", "u32": "<u4"}


def sites_layer(
    sites: pd.DataFrame,
    lang: str,
    origin: tuple[float, float] | None = None,
    radius_km: float | None = None,
    centre: str = "",
) -> folium.FeatureGroup:
    """The changing layer of the view `sites` near `origin` (see view_layer)."""
    return view_layer(map_view(sites, origin, radius_km), lang, centre)


def view_layer(
    view: MapView, lang: str, centre: str = "", suggest: str | None = None
) -> folium.FeatureGroup:
    """The changing layer: clustered sites (spiderfied, or listed in one popup, when they share a
    point), the search point, and the view that fits them, never closer than the sites' places
    are known (view_zoom). `centre`: the place the distances are measured from the centre of;
    `suggest`: see popup()."""
    group = folium.FeatureGroup(name="sites")
    if view.bounds is not None:
        # Before the sites: the clusters are then built once, for the final zoom.
        FitBounds(view.bounds, max_zoom=view.zoom).add_to(group)
    columns, tables = _columns(view.on_map, lang, centre, suggest)
    count = len(columns[0])
    if count > SUPERCLUSTER:
        # Nine typed arrays: no list per site to build here, nor number to parse there.
        SitesLayer(script_json(packed(columns)), script_json(tables), count).add_to(group)
    else:
        rows = [list(r) for r in zip(*(c.tolist() for c in columns), strict=True)]
        SitesLayer(script_json(rows), script_json(tables), count).add_to(group)
    origin = view.origin
    if origin is not None:
        # In base_map's pane under the markers, not clickable: the search point never hides a site.
        point = folium.CircleMarker(
            origin,
            radius=10,
            color="#000000",
            weight=3,
            fill=True,
            fill_color="#ffffff",
            fill_opacity=0.9,
        )
        # folium's path options drop these two: set on the Leaflet options themselves.
        point.options.update({"interactive": False, "pane": ORIGIN_PANE})
        point.add_to(group)
        # The legend's "search point" entry shows while the point is on the map.
        OriginLegend().add_to(point)
    return group
