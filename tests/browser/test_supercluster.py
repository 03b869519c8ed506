"""A large directory on the map: clustered by supercluster in the browser, with the look, taps and
popups of a small one (its bubbles zoom in, its dots open their popup, which says when the record
was checked, and sites sharing one point stay reachable at the last zoom)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import FrameLocator, Locator, Page

from lien.i18n import t
from lien.ingest.directory import load_directory
from lien.render import assets, mapview, sites_layer
from lien_dev import harness, synthetic
from tests.browser.conftest import BrowserPage, count_markers, map_frame, settled_count

SITES = 3_000  # above sites_layer.SUPERCLUSTER: supercluster draws them
SHARED_POINT = (50.46012, 4.86611)  # Namur; the co-located sites below, to 5 decimals
SHARED = 6
MAP_JS = "window.map || window[Object.keys(window).find(k => /^map_[0-9a-f]+$/.test(k))]"


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int, list[str]]]:
    """The app on a synthetic directory of SITES sites, SHARED of them at one point: its URL,
    the number of located sites, and the shared point's organisations."""
    assert SITES > sites_layer.SUPERCLUSTER
    folder = tmp_path_factory.mktemp("supercluster")
    rows = synthetic.generate(SITES, seed=5)
    # Sites of different organisations, given the same coordinates.
    shared = list({r["org_id"]: r for r in rows if r["precision"] == "address"}.values())[:SHARED]
    for row in shared:
        row["latitude"], row["longitude"] = (str(v) for v in SHARED_POINT)
    path = synthetic.write(rows, folder / "large.csv")
    located = int(load_directory(path)["latitude"].notna().sum())
    if assets.missing():
        assets.install()
    process, url = harness.start_app(
        folder / "server.log", env={**harness.offline_env(), "LIEN_DATA": str(path)}
    )
    try:
        yield url, located, [r["organisation"] for r in shared]
    finally:
        harness.stop(process)


def _opened(page: Page, url: str, located: int) -> tuple[FrameLocator, int]:
    """The map page opened as a visitor does, once its first bubbles show: the map's frame and
    the sites its markers count once they settle (all `located` ones when nothing is lost)."""
    page.goto(url)
    frame = map_frame(page)
    frame.locator(".marker-cluster").first.wait_for(timeout=60_000)
    return frame, settled_count(page, expected=located, timeout_s=60)


def _press(browser_page: BrowserPage, target: Locator) -> None:
    """A tap on a phone, a click on a desktop."""
    if browser_page.device == "phone":
        target.tap()
    else:
        target.click()


def _show_map(page: Page) -> None:
    """The whole map on screen, as a visitor sees it before tapping: focusing a marker of a map
    half off screen scrolls the page between press and release, and the tap is lost."""
    page.locator(harness.MAP_IFRAME).scroll_into_view_if_needed()
    page.wait_for_timeout(300)


def _zoom(frame: FrameLocator) -> float:
    return float(frame.locator(".leaflet-container").first.evaluate(f"_ => ({MAP_JS}).getZoom()"))


# The markers (bubbles, dots) whose centre is inside the map (the layer also draws a margin
# around the view), as [index among them, count (1 for a dot), distance from the map's centre].
IN_VIEW_JS = """(map, selector) => {
  const view = map.getBoundingClientRect();
  return Array.from(map.querySelectorAll(selector)).map((el, i) => {
    const r = el.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;
    const inside = x > view.left + 30 && x < view.right - 60 && y > view.top + 60
      && y < view.bottom - 30;
    const far = Math.hypot(x - (view.left + view.right) / 2, y - (view.top + view.bottom) / 2);
    return inside ? [i, parseInt(el.innerText, 10) || 1, far] : null;
  }).filter(b => b);
}"""


def _in_view(frame: FrameLocator, selector: str) -> list[tuple[int, int, float]]:
    found = frame.locator(".leaflet-container").first.evaluate(IN_VIEW_JS, selector)
    return [(int(i), int(n), float(d)) for i, n, d in found]


def _bubbles(frame: FrameLocator) -> list[tuple[int, int, float]]:
    return _in_view(frame, ".marker-cluster")


def test_a_large_directory_is_clustered_by_supercluster_with_the_usual_look(
    browser_page: BrowserPage, large: tuple[str, int, list[str]]
) -> None:
    url, located, _ = large
    page = browser_page.page
    frame, counted = _opened(page, url, located)
    # Every located site is in a bubble or a dot of the fitted view, and only a few markers
    # are in the page: not one per site.
    assert counted == located
    assert frame.locator(".leaflet-marker-icon").count() < 300
    assert frame.locator(".marker-cluster-large").count() > 0
    box = frame.locator(".marker-cluster").first.bounding_box()
    assert box is not None
    assert round(box["width"]) == round(box["height"]) == 44
    assert browser_page.errors() == []


def test_a_tap_on_a_bubble_zooms_in_and_a_dot_opens_its_popup(
    browser_page: BrowserPage, large: tuple[str, int, list[str]]
) -> None:
    url, located, _ = large
    page = browser_page.page
    frame, _ = _opened(page, url, located)
    _show_map(page)
    dots = ".leaflet-marker-icon.lien-dot"
    for _ in range(12):  # down the bubbles, as a visitor does, until a dot shows in the view
        if _in_view(frame, dots):
            break
        zoom = _zoom(frame)
        index, size, _ = max(_bubbles(frame), key=lambda b: b[1])
        _press(browser_page, frame.locator(".marker-cluster").nth(index))
        # Centred on the bubble, at the zoom where it splits: it is no longer one bubble there
        # (its sites are in smaller bubbles or dots; a neighbour's bubble may be bigger). The zoom
        # animates, then the layer redraws on moveend: a busy machine takes its time.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            page.wait_for_timeout(300)
            split = not [n for _, n, far in _bubbles(frame) if far < 3 and n == size]
            if _zoom(frame) > zoom and split:
                break
        assert _zoom(frame) > zoom
        assert not [n for _, n, far in _bubbles(frame) if far < 3 and n == size]
    in_view = _in_view(frame, dots)
    assert in_view, "no dot after twelve taps on the biggest bubble"
    dot = frame.locator(dots).nth(min(in_view, key=lambda d: d[2])[0])
    name = dot.get_attribute("aria-label") or ""
    organisation = name.split(", ")[0]
    assert organisation.startswith("Organisation"), name
    assert dot.get_attribute("role") == "button"
    assert dot.get_attribute("tabindex") == "0"
    _press(browser_page, dot)
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for(timeout=30_000)
    assert popup.locator("b").first.inner_text() == organisation
    # A compact popup says when the record was checked, among the essentials (the synthetic
    # directory's sources are of January 2026; "peut-être dépassé" follows once it is old).
    checked = popup.locator(".lien-pf")
    assert checked.inner_text().startswith("vérifié en janvier 2026")
    assert checked.is_visible()
    # "Suggest a correction": the popup has no record id, its link names the organisation and
    # the point, and the form that opens (a tab of its own) is that site's.
    link = popup.locator("a.lien-suggest")
    assert link.inner_text() == t("suggest_correction", "fr")
    with page.context.expect_page() as opened:
        _press(browser_page, link)
    form = opened.value
    form.get_by_role("heading", name=organisation).wait_for(timeout=60_000)
    # The form, filled: drawn after the heading, a moment later on a busy machine.
    form.locator("input").filter(visible=True).nth(3).wait_for(timeout=60_000)
    assert form.get_by_text(t("suggest_no_record", "fr")).count() == 0
    form.close()
    assert browser_page.errors() == []


def test_sites_at_one_point_are_listed_at_the_last_zoom(
    browser_page: BrowserPage, large: tuple[str, int, list[str]]
) -> None:
    url, located, shared = large
    page = browser_page.page
    frame, _ = _opened(page, url, located)
    _show_map(page)
    lat, lon = SHARED_POINT
    frame.locator(".leaflet-container").first.evaluate(
        f"_ => ({MAP_JS}).setView([{lat}, {lon}], {mapview.MAX_ZOOM}, {{animate: false}})"
    )
    page.wait_for_timeout(800)
    # Still one bubble at the last zoom: a tap lists them instead of zooming.
    bubble = frame.locator(".marker-cluster", has_text=re.compile(rf"^{SHARED}$"))
    bubble.wait_for(timeout=30_000)
    assert count_markers(frame) >= SHARED
    _press(browser_page, bubble)
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for(timeout=30_000)
    assert _zoom(frame) == mapview.MAX_ZOOM
    listed = popup.locator("b").all_inner_texts()
    assert sorted(listed) == sorted(shared)
    assert browser_page.errors() == []
