"""The offline map file opened from disk (file://) in headless chromium with no network at all."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Request, Route, WebSocketRoute

from lien import filters
from lien.display import Near
from lien.filters import Filters
from lien.geo import distance
from lien.i18n import t
from lien.ingest import directory
from lien.ingest.directory import read_directory
from lien.outputs import offline
from lien.render.mapview import ORIGIN_PANE
from tests.browser.conftest import DEVICES, BrowserPage, settled_count

ORIGIN = (50.8466, 4.3528)  # Brussels
VIEWS: dict[str, tuple[Filters, tuple[float, float] | None]] = {
    "all": (Filters(), None),
    "housing": (Filters(services=("housing",)), None),
    "near_brussels": (Filters(near="Bruxelles", radius_km=40), ORIGIN),
}


@dataclass
class OfflinePage(BrowserPage):
    """A BrowserPage that also lists every request the page made."""

    requests: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return directory.prepare(read_directory().frame)


@pytest.fixture(params=list(DEVICES))
def offline_page(request: pytest.FixtureRequest, chromium: Browser) -> Iterator[OfflinePage]:
    """A page with the network off and every http(s) request aborted, localhost's included."""
    context = chromium.new_context(offline=True, service_workers="block", **DEVICES[request.param])
    page = context.new_page()
    recorded = OfflinePage(page)

    def route(route: Route) -> None:
        url = route.request.url
        if url.startswith(("http:", "https:")):
            recorded.blocked.append(url)
            route.abort("internetdisconnected")
        else:
            route.continue_()

    def console(message: ConsoleMessage) -> None:
        where = message.location.get("url", "")
        if message.type != "error" or (
            where in recorded.blocked and message.text.startswith("Failed to load resource")
        ):
            return
        recorded.console_errors.append(
            f"{message.text} ({where}:{message.location.get('lineNumber')})"
        )

    def requested(req: Request) -> None:
        recorded.requests.append(req.url)

    def route_web_socket(ws: WebSocketRoute) -> None:
        recorded.blocked.append(ws.url)
        ws.close()

    page.route("**/*", route)
    page.route_web_socket(lambda url: True, route_web_socket)
    page.on("request", requested)
    page.on(
        "pageerror", lambda error: recorded.page_errors.append(f"{error.name}: {error.message}")
    )
    page.on("console", console)
    yield recorded
    context.close()


def _view(frame: pd.DataFrame, name: str) -> tuple[pd.DataFrame, tuple[float, float] | None]:
    chosen, origin = VIEWS[name]
    return filters.apply(frame, chosen, origin), origin


def _open(
    recorded: OfflinePage, sites: pd.DataFrame, origin: tuple[float, float] | None, tmp_path: Path
) -> str:
    """Write the file and open it; its file:// URL."""
    path = tmp_path / "lien-carte.html"
    path.write_bytes(offline.offline_html(sites, "fr", Near("", point=origin)))
    url = path.as_uri()
    recorded.page.goto(url, wait_until="load")
    recorded.page.locator(".leaflet-container").first.wait_for(timeout=30_000)
    return url


def _assert_nothing_fetched(recorded: OfflinePage, url: str) -> None:
    """Only the file itself was read; only map tiles were tried, and refused."""
    local = [r for r in recorded.requests if not r.startswith(("http:", "https:", "data:"))]
    assert local == [url]
    assert recorded.blocked, "the OpenStreetMap tiles must have been requested, and refused"
    assert all(u.startswith("https://tile.openstreetmap.org/") for u in recorded.blocked), (
        recorded.blocked
    )
    assert recorded.errors() == []


@pytest.mark.parametrize("view", list(VIEWS))
def test_every_site_is_on_the_map_and_in_the_list(
    offline_page: OfflinePage, frame: pd.DataFrame, view: str, tmp_path: Path
) -> None:
    sites, origin = _view(frame, view)
    located = int(sites["latitude"].notna().sum())
    assert 0 < located < len(frame)
    url = _open(offline_page, sites, origin, tmp_path)
    page = offline_page.page
    # The search point is drawn but not counted: it is not interactive (a tap goes through it to
    # the site below), in its own pane under the markers.
    assert settled_count(page, page.main_frame, located) == located
    origin_drawn = page.locator(f".leaflet-{ORIGIN_PANE}-pane path").count()
    assert origin_drawn == (origin is not None)
    assert page.locator("table.lien-sites tbody tr").count() == len(sites)
    assert page.locator(".lien-map .lien-legend").is_visible()
    _assert_nothing_fetched(offline_page, url)


# Finds the sites layer (a MarkerClusterGroup), shows the marker at [lat, lon] (zooming into
# its cluster or spiderfying it), centres it, and returns where it is drawn on the screen.
SHOW_MARKER_JS = """async ([lat, lon]) => {
  const group = window[Object.keys(window).find(k => k.startsWith('sites_layer_'))];
  const map = group._map;
  const marker = group.getLayers().find(
    m => Math.abs(m.getLatLng().lat - lat) < 1e-6 && Math.abs(m.getLatLng().lng - lon) < 1e-6);
  if (!marker) { throw new Error('no marker at ' + lat + ', ' + lon); }
  const clustered = !map.hasLayer(marker);
  await new Promise((resolve, reject) => {
    setTimeout(() => reject(new Error('zoomToShowLayer timed out')), 15000);
    group.zoomToShowLayer(marker, resolve);
  });
  await new Promise(r => setTimeout(r, 600));           // the spiderfy animation
  map.panTo(marker.getLatLng(), {animate: false});
  const drawn = marker._icon || marker._path;            // a dot in its touch area, or a circle
  const box = drawn.getBoundingClientRect();
  const x = box.left + box.width / 2, y = box.top + box.height / 2;
  return {x, y, clustered, onTop: drawn.contains(document.elementFromPoint(x, y))};
}"""


def _clustered_site(sites: pd.DataFrame) -> pd.Series:
    """The located site with the most other sites within 3 km: clustered in the first view."""
    located = sites[sites["latitude"].notna()]
    lats, lons = located["latitude"].to_numpy(float), located["longitude"].to_numpy(float)
    near = [
        int((distance.haversine_km(a, b, lats, lons) < 3).sum())
        for a, b in zip(lats, lons, strict=False)
    ]
    return located.iloc[max(range(len(near)), key=near.__getitem__)]


def _is_touch(page: Page) -> bool:
    """Whether the page was opened as on a phone (touch screen)."""
    return bool(page.evaluate("navigator.maxTouchPoints > 0"))


def test_a_popup_opens_on_click(
    offline_page: OfflinePage, frame: pd.DataFrame, tmp_path: Path
) -> None:
    sites, _ = _view(frame, "all")
    url = _open(offline_page, sites, None, tmp_path)
    page = offline_page.page
    settled_count(page, page.main_frame, int(sites["latitude"].notna().sum()))
    page.locator(".lien-map").scroll_into_view_if_needed()
    target = _clustered_site(sites)
    lat, lon = round(float(target["latitude"]), 5), round(float(target["longitude"]), 5)
    where = page.evaluate(SHOW_MARKER_JS, [lat, lon])
    assert where["clustered"], "the chosen site should start inside a cluster"
    assert where["onTop"], f"something covers the marker at {where}"
    if _is_touch(page):
        page.touchscreen.tap(where["x"], where["y"])
    else:
        page.mouse.click(where["x"], where["y"])
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for(timeout=30_000)
    text = popup.inner_text()
    # Sites at the same point share a marker position: the popup is one of theirs.
    same_point = sites[(sites["latitude"].round(5) == lat) & (sites["longitude"].round(5) == lon)]
    assert any(
        org in text and site in text
        for org, site in zip(same_point["organisation"], same_point["site"], strict=False)
    ), text
    # "Itinéraire", or "Itinéraire (jusqu'au centre de la commune)" for a site placed at its town.
    assert popup.get_by_role("link", name=re.compile("^" + t("directions", "fr"))).count() == 1
    _assert_nothing_fetched(offline_page, url)


def test_the_search_point_never_hides_a_site(
    offline_page: OfflinePage, frame: pd.DataFrame, tmp_path: Path
) -> None:
    # The visitor searched from exactly where a site is (its town's centre, say).
    target = frame[frame["latitude"].notna()].iloc[0]
    origin = (float(target["latitude"]), float(target["longitude"]))
    sites = filters.apply(frame, Filters(near="here", radius_km=5), origin)
    url = _open(offline_page, sites, origin, tmp_path)
    page = offline_page.page
    page.locator(".lien-map").scroll_into_view_if_needed()
    lat, lon = round(origin[0], 5), round(origin[1], 5)
    where = page.evaluate(SHOW_MARKER_JS, [lat, lon])
    assert where["onTop"], f"the search point (or something else) covers the site at {where}"
    if _is_touch(page):
        page.touchscreen.tap(where["x"], where["y"])
    else:
        page.mouse.click(where["x"], where["y"])
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for(timeout=30_000)
    same_point = sites[(sites["latitude"].round(5) == lat) & (sites["longitude"].round(5) == lon)]
    assert any(org in popup.inner_text() for org in same_point["organisation"])
    _assert_nothing_fetched(offline_page, url)


def test_malicious_names_stay_text(
    offline_page: OfflinePage, frame: pd.DataFrame, tmp_path: Path
) -> None:
    evil = frame.copy()
    first = evil.index[evil["latitude"].notna()][0]
    evil.loc[evil["org_id"] == evil.at[first, "org_id"], "organisation"] = (
        "<img src=x onerror=alert(1)>"
    )
    evil.at[first, "site"] = "</script><script>alert(1)</script>{{ 7*7 }}"
    url = _open(offline_page, evil, None, tmp_path)
    page = offline_page.page
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    assert (
        settled_count(page, page.main_frame, int(evil["latitude"].notna().sum()))
        == evil["latitude"].notna().sum()
    )
    row = page.locator("table.lien-sites tbody tr", has_text="</script><script>alert(1)</script>")
    assert row.count() == 1
    assert "{{ 7*7 }}" in row.inner_text()
    assert "<img src=x onerror=alert(1)>" in row.inner_text()
    assert page.locator("img[src=x]").count() == 0
    assert dialogs == []
    assert html.escape("<img src=x onerror=alert(1)>") not in row.inner_text()  # not double-escaped
    _assert_nothing_fetched(offline_page, url)
