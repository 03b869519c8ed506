"""A map a thumb can use: fitted to its real size, as tall as the screen can spare, its legend
folded on a phone, 44-px touch targets, and one finger scrolling the page instead of the map."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from lien.render.mapview import ORIGIN_PANE
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
    assert summary is not None and summary["height"] >= 44 and summary["width"] >= 44


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
        assert box is not None and box["width"] >= 44 and box["height"] >= 44, box


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
