"""count_markers() on a hand-made Leaflet map that loads Leaflet from the app's static/ folder."""

from __future__ import annotations

import html

from lien.render import assets
from tests.browser.conftest import (
    MAP_IFRAME,
    BrowserPage,
    count_markers,
    map_frame,
    settled_count,
)

# 3 pins, 2 circle markers, a polygon and a line (not markers), and a cluster group of 20 points
# packed together (shown as one bubble "20") plus 1 far away (shown un-clustered).
MAP_JS = """
var map = L.map('map', {maxZoom: 18}).setView([50.5, 4.5], 8);
L.tileLayer('https://tile.openstreetmap.org/{z}/{x}/{y}.png').addTo(map);
L.Icon.Default.imagePath = '%(images)s';
[[50.8, 4.3], [50.6, 5.5], [51.2, 4.4]].forEach(function (p) { L.marker(p).addTo(map); });
L.circleMarker([50.4, 4.4], {radius: 6}).addTo(map);
L.circleMarker([50.9, 3.7], {radius: 6}).addTo(map);
L.polygon([[50.0, 4.0], [50.2, 4.6], [49.9, 4.9]]).addTo(map);
L.polyline([[50.3, 3.2], [50.6, 3.5]]).addTo(map);
var group = L.markerClusterGroup({animate: false});
for (var i = 0; i < 20; i++) {
  group.addLayer(L.circleMarker([50.85 + i * 0.0005, 4.35 + i * 0.0005], {radius: 4}));
}
group.addLayer(L.circleMarker([50.1, 5.9], {radius: 4}));
map.addLayer(group);
window.mapReady = true;
"""


def map_document(base: str) -> str:
    head = "".join(
        f'<link rel="stylesheet" href="{base}{css}">'
        for css in (assets.LEAFLET_CSS, assets.MARKERCLUSTER_CSS, assets.MARKERCLUSTER_DEFAULT_CSS)
    )
    head += "".join(
        f'<script src="{base}{js}"></script>' for js in (assets.LEAFLET_JS, assets.MARKERCLUSTER_JS)
    )
    script = MAP_JS % {"images": base + assets.LEAFLET_IMAGES}
    return (
        f"<!doctype html><html><head>{head}</head><body style='margin:0'>"
        f"<div id='map' style='width:800px;height:600px'></div><script>{script}</script>"
        "</body></html>"
    )


def test_count_markers_in_the_st_folium_iframe(browser_page: BrowserPage, app_url: str) -> None:
    page = browser_page.page
    page.set_content(
        f'<iframe title="streamlit_folium.st_folium" width="820" height="620" '
        f'srcdoc="{html.escape(map_document(app_url), quote=True)}"></iframe>'
    )
    frame = page.frame_locator(MAP_IFRAME)
    frame.locator(".marker-cluster").first.wait_for()
    page.wait_for_load_state("networkidle")
    assert frame.locator(".marker-cluster").all_inner_texts() == ["20"]
    assert count_markers(map_frame(page)) == 3 + 2 + 20 + 1
    assert browser_page.errors() == []  # the marker images came from static/, with no 404
    assert browser_page.blocked, "the OpenStreetMap tiles must have been requested, and blocked"
    assert all("openstreetmap.org" in url for url in browser_page.blocked)


def test_count_markers_in_a_frame(browser_page: BrowserPage, app_url: str) -> None:
    page = browser_page.page
    page.set_content(map_document(app_url))
    page.wait_for_function("window.mapReady === true")
    assert count_markers(page.main_frame) == 26
    page.evaluate("map.setView([50.1, 5.9], 12)")  # only the lone point is in view now
    # The clusters redraw when the move ends: the count settles at the one point in view.
    assert settled_count(page, page.main_frame, expected=1) == 1
