"""A map a thumb can use: fitted to its real size, as tall as the screen can spare, its legend
folded on a phone, 44-px touch targets, and one finger scrolling the page instead of the map;
never closer than its sites' places are known, a popup whose essentials fit without scrolling,
a legend naming the search point only with one, and a scale in km clear of the attribution."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from lien.config import ROOT
from lien.i18n import t
from lien.render import assets
from lien.render.mapview import COMMUNE_ZOOM, ORIGIN_PANE, STREET_ZOOM
from lien_dev import harness
from tests.browser.conftest import (
    MAP_IFRAME,
    BrowserPage,
    count_markers,
    map_frame,
    wait_for_text,
    wait_until_idle,
)

# Brussels, legal aid within 10 km: three sites, and the search point (drawn in its own pane, not
# interactive, so not counted as a marker).
VIEW = "/?near=Bruxelles&service=legal_aid&radius_km=10"
SITES = 3
MAP = MAP_IFRAME

# The Leaflet map object of the frame and its centre (streamlit-folium keeps the map it draws as
# window.map; folium alone names it map_<hex>).
CENTRE_JS = """() => {
  const map = window.map || window[Object.keys(window).find(k => /^map_[0-9a-f]+$/.test(k))];
  const c = map.getCenter();
  return [c.lat, c.lng, map.getZoom()];
}"""


def _open(browser_page: BrowserPage, app_url: str) -> Page:
    page = browser_page.page
    page.goto(app_url + VIEW)
    wait_for_text(page, "3 sites de 2 organisations affichés")
    page.locator(MAP).scroll_into_view_if_needed()
    map_frame(page).locator(".lien-dot").first.wait_for(timeout=30_000)
    page.wait_for_timeout(800)  # the fit, without animation, then the clusters
    return page


def test_the_view_is_fitted_to_the_map_as_drawn(browser_page: BrowserPage, app_url: str) -> None:
    page = _open(browser_page, app_url)
    # Every site of the view inside the map as it is on this screen, and the search point too.
    assert count_markers(map_frame(page)) == SITES
    assert map_frame(page).locator(f".leaflet-{ORIGIN_PANE}-pane path").count() == 1
    box = page.locator(MAP).bounding_box()
    assert box is not None
    screen = page.viewport_size["height"]
    assert box["height"] <= min(0.55 * screen, 520) + 1  # the page stays reachable around it
    assert box["height"] >= 0.4 * min(screen, 844)
    assert browser_page.errors() == []


def test_the_legend_is_folded_on_a_phone(browser_page: BrowserPage, app_url: str) -> None:
    page = _open(browser_page, app_url)
    legend = map_frame(page).locator("details.lien-legend")
    is_open = legend.evaluate("el => el.open")
    assert is_open == (browser_page.device == "desktop")
    summary = legend.locator("summary").bounding_box()
    assert summary is not None
    assert summary["height"] >= 44
    assert summary["width"] >= 44


def test_touch_targets_are_at_least_44_px(browser_page: BrowserPage, app_url: str) -> None:
    page = _open(browser_page, app_url)
    frame = map_frame(page)
    targets = [
        *frame.locator(".lien-dot").all(),
        *frame.locator(".leaflet-control-zoom a").all(),
    ]
    assert len(targets) >= SITES + 2
    for target in targets:
        box = target.bounding_box()
        assert box is not None, box
        assert box["width"] >= 44, box
        assert box["height"] >= 44, box


MAIN_SCROLL = "document.querySelector('[data-testid=\"stMain\"]').scrollTop"
# What a gesture over the map may have caught instead of the page: the frame's own document, the
# map's zoom, Leaflet's wheel zoom, gesture handling's "use Ctrl" warning.
CAUGHT_JS = """() => ({
  frameScrollTop: document.scrollingElement.scrollTop,
  frameOverflow: document.scrollingElement.scrollHeight - document.scrollingElement.clientHeight,
  frameOverflowStyle: getComputedStyle(document.documentElement).overflowY,
  wheelZoom: (window.map || {}).scrollWheelZoom ? window.map.scrollWheelZoom.enabled() : null,
  warned: !!document.querySelector('.leaflet-gesture-handling-scroll-warning'),
})"""


# Which gesture events reached a document (for the message when the page did not scroll).
EVENT_COUNTER = """() => {
  window.__lienSeen = {};
  for (const type of ['wheel', 'touchstart', 'touchmove', 'scroll']) {
    document.addEventListener(type, () => {
      window.__lienSeen[type] = (window.__lienSeen[type] || 0) + 1;
    }, {capture: true, passive: true});
  }
}"""
COUNTED = "() => window.__lienSeen"


def test_one_finger_scrolls_the_page_not_the_map(browser_page: BrowserPage, app_url: str) -> None:
    page = _open(browser_page, app_url)
    frame = page.frame_locator(MAP)
    # Room to scroll below: the rest of the page (table, downloads) drawn, as a visitor sees it
    # before scrolling on (on a busy machine it can still be arriving).
    page.wait_for_function(
        "() => { const m = document.querySelector('[data-testid=\"stMain\"]');"
        " return m.scrollHeight - m.clientHeight - m.scrollTop > 300; }",
        timeout=30_000,
    )
    wait_until_idle(page)
    container = frame.locator(".leaflet-container")
    # The frame's own document has nothing to scroll that a gesture could catch.
    caught = container.evaluate(f"(_) => ({CAUGHT_JS})()")
    assert caught["frameOverflow"] <= 0 or caught["frameOverflowStyle"] == "hidden", caught
    before = container.evaluate(f"(_) => ({CENTRE_JS})()")
    scrolled = page.evaluate(MAIN_SCROLL)
    # The page scrolls (smoothly, so within a few frames; a busy machine can hold the frame's
    # wheel listeners for seconds). A gesture that reached neither document (the frame swapped
    # under the pointer, the input lost on a loaded machine) is given again once; one that
    # reached the map and did not scroll the page fails.
    for attempt in (1, 2):
        where, seen = _gesture(page, browser_page.device)
        try:
            page.wait_for_function(
                f"(before) => {MAIN_SCROLL} > before", arg=scrolled, timeout=15_000 * attempt
            )
            break
        except PlaywrightTimeoutError:
            events = seen()
            if attempt == 1 and not any(events.values()):
                continue
            caught = container.evaluate(f"(_) => ({CAUGHT_JS})()")
            pytest.fail(
                f"the page did not scroll from {scrolled} (now {page.evaluate(MAIN_SCROLL)}); the "
                f"map was at {before}, now {container.evaluate(f'(_) => ({CENTRE_JS})()')}; "
                f"{caught}; {where}; events seen: {events}"
            )
    # …and the map has not moved.
    after = container.evaluate(f"(_) => ({CENTRE_JS})()")
    assert after == before, "the map moved under one finger (or a plain wheel)"
    assert browser_page.errors() == []


def _gesture(page: Page, device: str) -> tuple[str, Callable[[], dict[str, object]]]:
    """One finger drawn up over the map (a phone), or a plain wheel turned over it (a desktop),
    on the part of the map inside the window: a wheel turned outside the window goes nowhere.
    Returns where it was made, and a reader of the gesture events each document received."""
    box = page.locator(MAP).bounding_box()
    assert box is not None
    top, bottom = max(box["y"], 0), min(box["y"] + box["height"], page.viewport_size["height"])
    assert bottom - top >= 150, f"too little of the map on screen to gesture over: {box}"
    x, y = box["x"] + box["width"] / 2, top + (bottom - top) * 0.7
    frame = page.locator(MAP).element_handle().content_frame()
    assert frame is not None
    for document in (page, frame):
        document.evaluate(EVENT_COUNTER)
    if device == "phone":
        cdp = page.context.new_cdp_session(page)
        cdp.send(
            "Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]}
        )
        for step in range(1, 11):
            point = {"x": x, "y": y - step * 25}
            cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [point]})
            page.wait_for_timeout(16)
        cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    else:
        page.mouse.move(x, y)
        page.mouse.wheel(0, 250)  # no Ctrl: the page scrolls, the map keeps its zoom

    def seen() -> dict[str, object]:
        counted: dict[str, object] = {}
        for name, document in (("page", page), ("frame", frame)):
            try:
                counted[name] = document.evaluate(COUNTED)
            except PlaywrightError:  # the frame was replaced since: what it saw is gone
                counted[name] = None
        return counted

    where = f"gesture at {(x, y)} over {box} in {page.viewport_size}"
    return where, seen


# --- a view as close as its places are known, a popup that fits, a legend and a scale that tell
# the truth ------------------------------------------------------------------------------------


def _zoom(page: Page) -> int:
    container = map_frame(page).locator(".leaflet-container").first
    return int(container.evaluate(f"(_) => ({CENTRE_JS})()")[2])


def _settled_map(page: Page) -> None:
    """The map on screen, drawn and fitted (the fit is not animated)."""
    page.locator(MAP).scroll_into_view_if_needed()
    map_frame(page).locator(".lien-dot, .marker-cluster").first.wait_for(timeout=60_000)
    wait_until_idle(page)


def test_one_site_known_by_its_town_is_shown_at_a_communes_scale(
    browser_page: BrowserPage, app_url: str
) -> None:
    page = browser_page.page
    # One result: the CRIC, known by its town (Charleroi), not by its street.
    page.goto(app_url + "/?service=integration")
    wait_for_text(page, "1 site de 1 organisation affiché")
    _settled_map(page)
    assert _zoom(page) == COMMUNE_ZOOM  # about 10 km across a phone, not 300 m
    scale = map_frame(page).locator(".leaflet-control-scale-line")
    assert scale.count() == 1
    assert re.fullmatch(r"\d+ k?m", scale.inner_text())
    assert browser_page.errors() == []


@pytest.fixture(scope="module")
def street_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on a directory of one fictional site placed by its street (its coordinates)."""
    folder = tmp_path_factory.mktemp("street")
    path = folder / "street.csv"
    header = (ROOT / "data" / "organisations.csv").read_text(encoding="utf-8").splitlines()[0]
    row = {
        "site_id": "fictive-1",
        "org_id": "fictive",
        "organisation": "Organisation fictive",
        "site": "Permanence fictive",
        "address": "Rue Imaginaire 1",
        "postcode": "5000",
        "city": "Namur",
        "latitude": "50.46512",
        "longitude": "4.86123",
        "precision": "address",
        "services": "housing",
        "source": "exemple fictif",
    }
    path.write_text(
        header + "\n" + ",".join(row.get(c, "") for c in header.split(",")) + "\n", "utf-8"
    )
    if assets.missing():
        assets.install()
    process, url = harness.start_app(
        folder / "server.log", env={**harness.offline_env(), "LIEN_DATA": str(path)}
    )
    try:
        yield url
    finally:
        harness.stop(process)


def test_one_site_known_by_its_street_is_never_shown_closer_than_a_street(
    browser_page: BrowserPage, street_app: str
) -> None:
    page = browser_page.page
    page.goto(street_app)
    wait_for_text(page, "1 site de 1 organisation affiché")
    _settled_map(page)
    assert _zoom(page) == STREET_ZOOM  # a street's scale, not the map's last zoom
    assert browser_page.errors() == []


# The open popup: its content's height against its box, and where its essential lines are.
POPUP_FIT_JS = """() => {
  const content = document.querySelector('.leaflet-popup-content');
  const box = document.querySelector('.leaflet-popup-content-wrapper').getBoundingClientRect();
  const map = document.querySelector('.leaflet-container').getBoundingClientRect();
  const inside = sel => [...content.querySelectorAll(sel)].every(el => {
    const r = el.getBoundingClientRect();
    return r.height > 0 && r.top >= box.top - 1 && r.bottom <= box.bottom + 1
      && r.top >= map.top - 1 && r.bottom <= map.bottom + 1;
  });
  return {scroll: content.scrollHeight, height: content.clientHeight,
          scrolled: content.parentElement.classList.contains('leaflet-popup-scrolled')
            || content.classList.contains('leaflet-popup-scrolled'),
          essentials: ['.lien-pt', '.lien-pk', 'a.lien-directions', 'a.lien-call']
            .every(sel => content.querySelector(sel) && inside(sel))};
}"""


def test_a_popup_fits_its_box_with_the_essentials_first(
    browser_page: BrowserPage, app_url: str
) -> None:
    page = browser_page.page
    # SESO's seat: the fullest popup of the directory (eight services, long hours, contacts).
    page.goto(app_url + "/?service=minors&near=Bruxelles&radius_km=10")
    wait_for_text(page, "1 site de 1 organisation affiché")
    _settled_map(page)
    frame = map_frame(page)
    dot = frame.locator(".lien-dot").first
    dot.tap() if browser_page.device == "phone" else dot.click()
    frame.locator(".leaflet-popup-content .lien-pt").wait_for(timeout=30_000)
    page.wait_for_timeout(600)  # the pan that brings the popup into view
    fit = frame.locator(".leaflet-container").first.evaluate(f"(_) => ({POPUP_FIT_JS})()")
    assert fit["scroll"] <= fit["height"] + 1, fit
    assert not fit["scrolled"], fit
    assert fit["essentials"], fit  # name, distance, directions and call, all in view
    text = frame.locator(".leaflet-popup-content").inner_text()
    assert "du centre de Bruxelles" in text
    assert "Appeler le 02 533 39 84" in text
    # The rest is one tap away, folded under "more".
    frame.locator(".lien-pm summary").click()
    assert "Permanence sociale quotidienne" in frame.locator(".lien-pm").inner_text()
    assert browser_page.errors() == []


LEGEND_ORIGIN_SHOWN = "el => getComputedStyle(el).display !== 'none'"


@pytest.mark.parametrize("view", ["/?service=legal_aid", VIEW])
def test_the_legend_and_the_scale_say_only_what_is_there(
    browser_page: BrowserPage, app_url: str, view: str
) -> None:
    page = browser_page.page
    page.goto(app_url + view)
    wait_for_text(page, "organisations affichés")
    _settled_map(page)
    frame = map_frame(page)
    legend = frame.locator("details.lien-legend")
    if not legend.evaluate("el => el.open"):
        legend.locator("summary").click()  # folded on a phone: the visitor opens it
    origin = legend.locator(".lien-legend-origin")
    searched = "near=" in view
    assert origin.evaluate(LEGEND_ORIGIN_SHOWN) == searched
    assert legend.get_by_text(t("you_are_here", "fr")).is_visible() == searched
    legend.locator("summary").click()  # folded again, out of the scale's way
    # Kilometres only, and the scale clear of the attribution, both inside the map.
    scale = frame.locator(".leaflet-control-scale")
    assert re.fullmatch(r"\d+ k?m", scale.inner_text().strip()), scale.inner_text()
    boxes = frame.locator(".leaflet-container").first.evaluate(
        """el => [el.querySelector('.leaflet-control-scale'),
                 el.querySelector('.leaflet-control-attribution'), el]
             .map(e => { const r = e.getBoundingClientRect();
                         return [r.left, r.top, r.right, r.bottom]; })"""
    )
    scale_box, attribution, area = boxes
    apart = (
        scale_box[2] <= attribution[0]
        or attribution[2] <= scale_box[0]
        or scale_box[3] <= attribution[1]
        or attribution[3] <= scale_box[1]
    )
    assert apart, boxes
    for left, top, right, bottom in (scale_box, attribution):
        inside = left >= area[0] - 1 and top >= area[1] - 1
        assert inside, boxes
        assert right <= area[2] + 1, boxes
        assert bottom <= area[3] + 1, boxes
    assert browser_page.errors() == []
