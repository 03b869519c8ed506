"""The map builder: one point per located site, escaped text, local assets only."""

from __future__ import annotations

import base64
import datetime
import html
import json
import re
from typing import Any

import numpy as np
import pandas as pd
import pytest

from lien import display, filters, links, schema
from lien.filters import Filters
from lien.i18n import t
from lien.ingest import directory
from lien.ingest.directory import load_directory
from lien.render import assets, js, mapview, sites_layer


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return directory.prepare(load_directory())


def _evil(frame: pd.DataFrame) -> pd.DataFrame:
    evil = frame[frame["site_id"] == "seso-siege"].copy()
    evil["organisation"] = '<script>alert("org")</script>'
    evil["site"] = "<img src=x onerror=alert(1)>"
    evil["hours"] = "9h & 13h <b>"
    evil["website"] = "javascript:alert(1);www.ok.be"
    evil["email"] = 'a"onmouseover="x@evil.be'
    return evil


@pytest.mark.parametrize(
    "chosen",
    [
        Filters(),
        Filters(services=("housing",)),
        Filters(provinces=("04000",)),
        Filters(q="nothing-matches"),
    ],
)
def test_one_point_per_located_site(frame: pd.DataFrame, chosen: Filters) -> None:
    sites = filters.apply(frame, chosen)
    rows, tables = sites_layer.payload(sites, "fr")
    assert len(rows) == sites["latitude"].notna().sum()
    assert sorted(tables["o"][r[4]] for r in rows) == sorted(
        html.escape(o) for o in sites.loc[sites["latitude"].notna(), "organisation"]
    )


def test_points_carry_colour_and_approximation(frame: pd.DataFrame) -> None:
    rows, tables = sites_layer.payload(frame, "fr")
    thuin = next(r for r in rows if "CPAS de Thuin" in tables["o"][r[4]])
    assert thuin[3] == 1  # geocoded to the postcode: approximate
    assert tables["c"][thuin[2]] == "#E69F00"  # reception -> shelter colour
    assert tables["p"][thuin[5]]["o"] == "CPAS de Thuin — Le Parrainage en couleur"  # full popups


def test_large_sets_use_compact_escaped_tables(
    frame: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sites_layer, "FULL_POPUPS", 0)
    rows, tables = sites_layer.payload(_evil(frame), "fr")
    assert tables["p"] == []
    assert rows[0][5] == -1
    assert tables["o"] == ["&lt;script&gt;alert(&quot;org&quot;)&lt;/script&gt;"]
    assert tables["v"][0].startswith("Accueil des demandeurs d&#x27;asile")


def _popup(site: pd.Series, lang: str) -> str:
    """A site's popup fields as the JSON the layer's script receives."""
    return json.dumps(sites_layer.popup(site.to_dict(), lang), ensure_ascii=False)


def test_popup_escapes_everything(frame: pd.DataFrame) -> None:
    popup = _popup(_evil(frame).iloc[0], "en")
    assert "<script>" not in popup
    assert "&lt;script&gt;" in popup
    assert "<img" not in popup
    assert "&lt;img src=x onerror=alert(1)&gt;" in popup
    assert "9h &amp; 13h &lt;b&gt;" in popup
    assert "javascript:" not in popup
    assert 'href=\\"https://www.ok.be\\"' in popup
    assert 'onmouseover="' not in popup


def test_popup_contents(frame: pd.DataFrame) -> None:
    site = frame[frame["site_id"] == "seso-siege"].iloc[0]
    popup = _popup(site, "nl")
    assert 'href=\\"tel:025333984\\"' in popup
    assert 'href=\\"mailto:info@seso.be\\"' in popup
    assert 'href=\\"https://www.sesoweb.org\\"' in popup
    assert "Benaderende locatie" in popup  # approximate, in Dutch
    assert "openstreetmap.org/directions?route=%3B50.82674%2C4.34567" in popup
    assert "Juridische hulp" in popup
    assert "(MENA)" in popup
    # The seat draws on SESO's undated projects: no date is claimed for it.
    assert "2016-06" not in popup


def test_layer_script_is_escaped_and_local(frame: pd.DataFrame) -> None:
    evil = _evil(frame)
    fmap = mapview.base_map("fr")
    group = sites_layer.sites_layer(evil, "fr", origin=(50.8, 4.3))
    group.add_to(fmap)
    page = fmap.get_root().render()
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    links = [src for e in _walk(fmap) for _, src in getattr(e, "default_js", [])]
    links += [href for e in _walk(fmap) for _, href in getattr(e, "default_css", [])]
    assert links, links
    assert all(link.startswith("/app/static/") for link in links), links
    # In the app's frame, the four scripts come as one file; on its own, the map has them apart.
    assert [src for _, src in fmap.default_js] == [assets.MAP_BUNDLE_JS]
    alone = mapview.base_map("fr", framed=False)
    assert [src for _, src in alone.default_js] == [
        assets.static_url(relative) for relative in assets.MAP_SCRIPTS
    ]


def _walk(element):  # type: ignore[no-untyped-def]
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)


def test_base_map_has_max_zoom_and_icon_path() -> None:
    page = mapview.base_map("en").get_root().render()
    assert '"maxZoom": 18' in page
    assert f'L.Icon.Default.imagePath = "{assets.LEAFLET_IMAGES}"' in page
    assert "Service category" in page


def test_safe_url_allows_only_web_schemes() -> None:
    assert display.safe_url("www.cire.be") == "https://www.cire.be"
    assert display.safe_url("http://x.be/a") == "http://x.be/a"
    assert display.safe_url("javascript:alert(1)") is None
    assert display.safe_url("data:text/html,hi") is None
    assert display.safe_url("") is None


def test_tel_url_keeps_digits() -> None:
    assert display.tel_url("+32 (0) 2 225 43 00") == "tel:+3222254300"
    assert display.tel_url("071 59 90 20") == "tel:071599020"


def test_view_bounds_hold_the_sites_and_the_search_point(frame: pd.DataFrame) -> None:
    located = frame[frame["_located"]]
    (south, west), (north, east) = mapview.view_bounds(located)
    assert south == located["latitude"].min()
    assert north == located["latitude"].max()
    assert west == located["longitude"].min()
    assert east == located["longitude"].max()
    # No site near the search point: the near-me circle is shown.
    (south, west), (north, east) = mapview.view_bounds(
        located.iloc[:0], origin=(50.34, 4.29), radius_km=5
    )
    assert round(north - south, 3) == round(10 / mapview.KM_PER_DEGREE, 3)
    assert west < 4.29 < east
    assert mapview.view_bounds(located.iloc[:0]) is None


def test_the_sites_layer_fits_its_bounds_in_the_browser(frame: pd.DataFrame) -> None:
    """The fit is done by Leaflet at the map's real size (a phone or a desktop), not in Python."""
    fmap = mapview.base_map("fr")
    layer = sites_layer.sites_layer(frame, "fr")
    fmap.add_child(layer)
    page = fmap.get_root().render()
    bounds = mapview.view_bounds(frame)
    flat = " ".join(page.split())
    assert f"map.fitBounds({json.dumps(bounds)}" in flat
    assert f"}})({fmap.get_name()});" in flat  # on this map
    # Fitted again when the frame gets its real size, until the visitor moves the map.
    assert "map.on('resize', function () { if (!touched) { fit(); } });" in flat


def test_layer_json_cannot_close_its_script(frame: pd.DataFrame) -> None:
    evil = _evil(frame)
    evil["organisation"] = "</script><script>alert(1)</script>"
    text = js.script_json(sites_layer.payload(evil, "fr"))
    assert "</" not in text
    assert "NaN" not in text


def test_fast_builder_draws_exactly_the_filtered_synthetic_points(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """On a synthetic directory with HTML in its names, the layer has one escaped row per site."""
    from lien_dev import synthetic

    rows = synthetic.generate(3000, seed=3)
    for row in rows:
        if row["org_id"].endswith(("3", "7")):  # every site of those organisations
            row["organisation"] = f"<b onmouseover=alert(1)>{row['organisation']}</b>"
    path = tmp_path / "synthetic.csv"
    synthetic.write(rows, path)
    sites = directory.prepare(load_directory(path))
    chosen = filters.apply(sites, Filters(services=("housing",), provinces=("02000",)))
    payload_rows, tables = sites_layer.payload(chosen, "fr")
    expected = chosen[chosen["latitude"].notna()]
    assert len(payload_rows) == len(expected) > 0
    assert [(r[0], r[1]) for r in payload_rows] == list(
        zip(expected["latitude"].round(5), expected["longitude"].round(5), strict=True)
    )
    assert not any("<b" in name for name in tables["o"])
    assert any("&lt;b onmouseover=alert(1)&gt;" in name for name in tables["o"])


# --- a map a thumb can use (the generated Leaflet; the browser tests check it on a phone) --------


def test_one_finger_scrolls_the_page_with_translated_hints() -> None:
    for lang, touch in (("fr", "deux doigts"), ("nl", "twee vingers"), ("en", "two fingers")):
        page = mapview.base_map(lang).get_root().render()
        assert '"gestureHandling": true' in page
        options = page[page.index('"gestureHandlingOptions"') :][:600]
        assert touch in options.lower(), options
        assert assets.MAP_BUNDLE_JS in page
        assert assets.GESTURE_CSS in page
        assert "gesture/leaflet-gesture-handling.min.js" in assets.MAP_SCRIPTS


def test_the_legend_folds_on_a_narrow_map_and_steps_aside_for_popups() -> None:
    page = mapview.base_map("fr").get_root().render()
    assert "L.DomUtil.create('details', 'lien-legend')" in page
    assert f"box.open = map.getSize().x >= {mapview.LEGEND_OPEN_FROM_PX}" in page
    assert "map.on('popupopen'" in page
    assert ".lien-popup-open .leaflet-top, .lien-popup-open .leaflet-control-scale" in page


def test_touch_targets_are_44_px() -> None:
    css = mapview.MAP_CSS
    assert ".leaflet-bar a, .leaflet-touch .leaflet-bar a { width: 44px; height: 44px;" in css
    assert ".marker-cluster { width: 44px !important; height: 44px !important; }" in css
    assert "min-height: 44px" in css  # the legend's toggle
    script = sites_layer.layer_script()
    assert script.count("iconSize: [44, 44]") == 2  # a site's dot and a cluster's bubble


def test_the_search_point_lies_under_the_sites_and_takes_no_tap(frame: pd.DataFrame) -> None:
    fmap = mapview.base_map("fr")
    sites = filters.apply(frame, Filters(near="Bruxelles", radius_km=5), (50.8466, 4.3528))
    sites_layer.sites_layer(sites, "fr", (50.8466, 4.3528), 5).add_to(fmap)
    page = fmap.get_root().render()
    compact = re.sub(r"\s+", "", page)
    pane = compact[compact.index(f'createPane("{mapview.ORIGIN_PANE}")') :][:200]
    assert "zIndex=390" in pane
    assert "pointerEvents='none'" in pane
    origin = compact[compact.index("L.circleMarker([50.8466,4.3528]") :][:600]
    assert '"interactive":false' in origin
    assert f'"pane":"{mapview.ORIGIN_PANE}"' in origin


def test_the_map_says_its_language_and_names_its_frame_by_its_text_alternative() -> None:
    for lang in ("fr", "nl", "en"):
        page = mapview.base_map(lang).get_root().render()
        assert f'document.documentElement.lang = "{lang}";' in page
        name = json.dumps(t("map_alternative", lang))
        assert f"window.frameElement.setAttribute('aria-label', {name});" in page
        # The map itself (a Tab stop) has the same name, its zoom buttons say theirs in `lang`.
        assert f"box.setAttribute('aria-label', {name});" in page
        for key in ("zoom_in", "zoom_out"):
            assert json.dumps(t(key, lang)) in page


# --- a large view: supercluster in the browser --------------------------------------------------


def _layer_options(layer: object) -> dict[str, object]:
    (element,) = [c for c in layer._children.values() if isinstance(c, sites_layer.SitesLayer)]  # type: ignore[attr-defined]
    return dict(json.loads(element.options))


def test_a_small_set_keeps_markercluster_and_a_large_one_gets_supercluster(
    frame: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert len(frame) <= sites_layer.SUPERCLUSTER  # the seed directory keeps its look
    small = _layer_options(sites_layer.sites_layer(frame, "fr"))
    assert small["supercluster"] is False
    monkeypatch.setattr(sites_layer, "SUPERCLUSTER", 10)
    layer = sites_layer.sites_layer(frame, "fr")
    assert _layer_options(layer)["supercluster"] is True
    # Sent as nine typed columns (read here as sites_layer.js reads them), the rows' values.
    (element,) = [c for c in layer._children.values() if isinstance(c, sites_layer.SitesLayer)]
    data = json.loads(element.rows)
    columns = _unpacked(data)
    assert data["n"] == int(frame["_located"].sum())
    assert len(columns) == 9
    unpacked = [
        [*(c / data["scale"] for c in row[:2]), *row[2:]] for row in zip(*columns, strict=True)
    ]
    rows, _ = sites_layer.payload(frame, "fr")
    assert unpacked == rows
    # Each as narrow as its values: a byte per site for a category or the unused popup index.
    assert [kind for kind, _, _ in data["columns"]] == [
        "u32",
        "u32",
        "u8",
        "u8",
        "u8",
        "u8",
        "u8",
        "u8",
        "u8",
    ]


def test_compact_popups_say_when_a_site_was_checked_from_a_shared_table(
    frame: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Over FULL_POPUPS sites a popup is made in the browser from the shared tables: it says
    when the record was checked and whether it may be out of date, as a full popup does, and
    the view's sites share one line per distinct date (one small integer each)."""
    view = frame.head(3).copy()
    view["checked_on"] = ["2016-06", datetime.date.today().isoformat(), "2016-06"]
    view["status"] = ["active", "temporarily closed", "active"]
    full_rows, full = sites_layer.payload(view, "fr")
    monkeypatch.setattr(sites_layer, "FULL_POPUPS", 0)
    rows, tables = sites_layer.payload(view, "fr")
    assert tables["p"] == []
    assert len(tables["f"]) == 2
    for row, full_row in zip(rows, full_rows, strict=True):
        whole = full["p"][full_row[5]]
        assert tables["f"][row[8]] == [whole["f"], whole["x"]]
    assert tables["f"][rows[0][8]] == ["vérifié en juin 2016", "peut-être dépassé"]
    assert rows[0][8] == rows[2][8]
    assert tables["f"][rows[1][8]][1] == ""  # checked today: not out of date
    assert tables["f"][rows[1][8]][0].startswith("temporairement fermé · vérifié le ")


def _unpacked(data: dict[str, Any]) -> list[list[int]]:
    return [
        (
            np.frombuffer(base64.b64decode(text), dtype=sites_layer.PACKED_TYPES[kind]).astype(int)
            + low
        ).tolist()
        for kind, text, low in data["columns"]
    ]


def test_packed_columns_keep_negative_and_wide_values() -> None:
    columns = [
        np.array([50.12345, -0.00001]),
        np.array([4.5, 179.99999]),
        np.array([-1, -1]),
        np.array([0, 255]),
        np.array([0, 256]),
        np.array([0, 70_000]),
        np.array([-5, 60_000]),
        np.array([], dtype=int),
    ]
    data = sites_layer.packed(columns)
    kinds = [kind for kind, _, _ in data["columns"]]
    assert kinds == ["u32", "u32", "u8", "u8", "u16", "u32", "u16", "u8"]
    back = _unpacked(data)
    assert back[0] == [5_012_345, -1]
    assert back[1] == [450_000, 17_999_999]
    assert back[2:] == [[-1, -1], [0, 255], [0, 256], [0, 70_000], [-5, 60_000], []]


def test_the_layer_data_is_never_compiled_as_a_template(
    frame: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    """branca compiles each element's output as Jinja; the layer's megabytes go in as text."""
    import branca.element

    compiled: list[str] = []
    template = branca.element.Template

    def counting(source: str, *args: object, **kwargs: object) -> object:
        compiled.append(source)
        return template(source, *args, **kwargs)

    monkeypatch.setattr(branca.element, "Template", counting)
    fmap = mapview.base_map("fr")
    layer = sites_layer.sites_layer(frame, "fr")
    fmap.add_child(layer)
    page = fmap.get_root().render()
    (element,) = [c for c in layer._children.values() if isinstance(c, sites_layer.SitesLayer)]
    assert element.rows in page
    assert sites_layer.layer_script() in page
    assert compiled
    assert not [source for source in compiled if element.rows in source]


def test_supercluster_is_pinned_bundled_and_loaded_with_the_map() -> None:
    (package,) = [p for p in assets.NPM if p.name == "supercluster"]
    assert package.version == "9.1.0"
    assert package.integrity == (
        "sha512-WMhsJPm8Tf9f5mKxJ1D0mB5tbCMOFi8wTrm/LGnsJHGg8xkeNT/TWDZuFauOGRISnclbYgnxD7g3xJAfQO3FLg=="
    )
    code = assets.source("supercluster/supercluster.min.js").decode("utf-8")
    # The UMD build defines the global and carries kdbush inside: nothing to fetch or import.
    assert "globalThis" in code
    assert ".Supercluster=" in code
    assert "require(" not in code
    assert "kdbush" not in code
    assert not re.search(r"\bimport\b", code)
    page = mapview.base_map("fr").get_root().render()
    assert f'<script src="{assets.MAP_BUNDLE_JS}"></script>' in page
    assert assets.source("supercluster/supercluster.min.js").rstrip() in assets.bundle()
    alone = mapview.base_map("fr", framed=False).get_root().render()
    assert f'<script src="{assets.SUPERCLUSTER_JS}"></script>' in alone


def test_the_large_view_keeps_the_look_of_the_small_one() -> None:
    script = sites_layer.layer_script()
    # One bubble function and one dot function serve both ways of clustering.
    assert script.count("function bubble(") == 1
    assert script.count("function icon(") == 1
    assert script.count("function popup(") == 1
    assert script.count("function render(") == 1
    assert "'marker-cluster marker-cluster-' + size" in script
    assert "index.getClusterExpansionZoom(p.cluster_id)" in script
    assert "map.on('moveend', redraw)" in script


# --- the view never closer than its places are known; the legend, the scale, the popup ---------


def test_the_fit_never_zooms_past_what_the_sites_places_are_known_to(frame: pd.DataFrame) -> None:
    located = frame[frame["_located"]]
    town = located[located["coord_precision"] == "locality"].head(1)
    assert mapview.view_zoom(town) == mapview.COMMUNE_ZOOM
    street = town.assign(coord_precision="address")
    assert mapview.view_zoom(street) == mapview.STREET_ZOOM == 16
    # One site known by its town among street-level ones: the commune's scale for all.
    assert mapview.view_zoom(pd.concat([street, town])) == mapview.COMMUNE_ZOOM
    assert mapview.view_zoom(located.iloc[:0]) == mapview.COMMUNE_ZOOM
    # The layer's fit carries that cap to Leaflet.
    fmap = mapview.base_map("fr")
    sites_layer.sites_layer(town, "fr").add_to(fmap)
    flat = " ".join(fmap.get_root().render().split())
    assert f"maxZoom: {mapview.COMMUNE_ZOOM}, animate: false" in flat


def test_the_legend_names_the_search_point_only_when_one_is_drawn(frame: pd.DataFrame) -> None:
    entry = 'class="lien-legend-origin"'
    assert entry in mapview.legend_html("fr")
    assert t("you_are_here", "fr") in mapview.legend_html("fr")
    css = mapview.MAP_CSS
    assert ".lien-legend-origin { display: none; }" in css
    assert ".lien-has-origin .lien-legend-origin { display: block; }" in css
    with_point = mapview.base_map("fr")
    sites_layer.sites_layer(frame, "fr", (50.8466, 4.3528), 5).add_to(with_point)
    assert "'lien-has-origin'" in with_point.get_root().render()
    without = mapview.base_map("fr")
    sites_layer.sites_layer(frame, "fr").add_to(without)
    assert "'lien-has-origin'" not in without.get_root().render()


def test_the_scale_is_metric_and_above_the_attribution() -> None:
    page = mapview.base_map("fr").get_root().render()
    assert 'L.control.scale({imperial: false, position: "bottomleft"})' in page
    assert "L.control.scale()" not in page  # folium's own, with miles
    assert ".leaflet-bottom.leaflet-left .leaflet-control-scale { margin-bottom: 28px; }" in (
        mapview.MAP_CSS
    )


def test_a_popup_puts_the_essentials_first_and_folds_the_rest(frame: pd.DataFrame) -> None:
    seso = frame[frame["site_id"] == "seso-siege"].iloc[0].to_dict()
    seso["distance_km"] = 2.6
    popup = sites_layer.popup(seso, "nl", "Brussel")
    assert popup["k"] == "≈ 3 km van het centrum van Brussel"
    assert [kind for kind, _, _ in popup["a"]] == ["directions", "call"]
    assert popup["a"][1][1] == "tel:025333984"
    assert popup["a"][1][2] == "Bel 02 533 39 84"
    folded = dict(popup["m"])
    assert set(folded) >= {"Diensten", "Openingsuren", "E-mail", "Website", "Nauwkeurigheid"}
    assert "Permanence sociale" in folded["Openingsuren"]  # the data's own words
    tables = sites_layer.payload_columns(frame.head(3), "nl")[1]
    assert tables["more"] == "Meer informatie"
    assert tables["sep"] == ": "
    assert sites_layer.payload_columns(frame.head(3), "fr")[1]["sep"] == " : "


def test_compact_popups_link_to_the_suggest_page_by_organisation_and_point(
    frame: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A compact popup has no record id: its "suggest a correction" is a template the browser
    fills with the organisation and the point; without a store to propose to, none."""
    view = schema.rows_where(frame, schema.located(frame)).head(3)
    monkeypatch.setattr(sites_layer, "FULL_POPUPS", 0)
    _, tables = sites_layer._columns(view, "fr", suggest="http://lien.example/")
    assert tables["s"] == html.escape(links.suggest_template("http://lien.example/", "fr"))
    assert tables["sl"] == html.escape(t("suggest_correction", "fr"))
    _, none = sites_layer._columns(view, "fr")
    assert none["s"] == ""


def test_right_to_left_the_controls_swap_sides_and_the_document_says_its_direction() -> None:
    """Arabic, Persian and Pashto read from the right: the legend moves to the top left, the scale
    to the bottom right, the zoom buttons to the top right; the map's document says rtl."""
    arabic = mapview.base_map("ar").get_root().render()
    assert 'L.control.scale({imperial: false, position: "bottomright"})' in arabic
    assert 'L.control({position: "topleft"})' in arabic
    assert "map.zoomControl.setPosition('topright')" in arabic
    assert 'document.documentElement.dir = "rtl"' in arabic
    french = mapview.base_map("fr").get_root().render()
    assert 'L.control({position: "topright"})' in french
    assert 'document.documentElement.dir = "ltr"' in french
