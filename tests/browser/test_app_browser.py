"""The map page in a real browser with no internet: Leaflet draws, markers add up, filters work."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from lien.i18n import t
from lien.ui.navigation import COVERAGE_PATH, PAGES
from lien_dev import harness
from tests.browser.conftest import (
    HEATMAP,
    LOWER_CHARTS_TRIGGER,
    MAP_IFRAME,
    BrowserPage,
    choose,
    map_frame,
    open_sidebar,
    reach_lower_charts,
    settled_count,
    wait_for_text,
)

SHOWN = re.compile(r"(\d+) sites de (\d+) organisations affichés")


def _shown(page: Page) -> int:
    text = page.get_by_text(SHOWN).first.inner_text()
    match = SHOWN.search(text)
    assert match, text
    return int(match.group(1))


def _responses(page: Page, part: str) -> list[tuple[str, int]]:
    """(URL, status) of each response the page (its frames included) gets for a URL with `part`,
    filled as they come."""
    seen: list[tuple[str, int]] = []
    page.on("response", lambda r: seen.append((r.url, r.status)) if part in r.url else None)
    return seen


def test_map_draws_offline_and_markers_add_up(browser_page: BrowserPage, app_url: str) -> None:
    page = browser_page.page
    page.goto(app_url)
    wait_for_text(page, "organisations affichés")
    shown = _shown(page)
    assert shown == 21

    iframe = page.locator('iframe[title="streamlit_folium.st_folium"]')
    iframe.wait_for(timeout=30_000)
    # The component sizes its iframe once Leaflet has drawn; a height of 0 means it never did.
    page.wait_for_function(
        "document.querySelector('iframe[title=\"streamlit_folium.st_folium\"]')"
        ".getBoundingClientRect().height > 100",
        timeout=30_000,
    )
    assert settled_count(page, expected=shown) == shown
    # Every tile request left the machine and was refused: the map drew without them.
    assert all("127.0.0.1" not in url for url in browser_page.blocked)
    assert browser_page.errors() == []


def test_changing_a_filter_changes_the_count(browser_page: BrowserPage, app_url: str) -> None:
    page = browser_page.page
    page.goto(app_url)
    wait_for_text(page, "organisations affichés")
    before = _shown(page)

    open_sidebar(page)
    services = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').first
    choose(page, services.locator("input").first, "Visites en centre")
    page.keyboard.press("Escape")
    wait_for_text(page, "3 sites de 2 organisations affichés")
    after = _shown(page)
    assert after == 3 != before
    assert settled_count(page, expected=after) == after
    assert "service=detention_visits" in page.url
    assert browser_page.errors() == []


def test_the_province_outlines_come_once_from_the_app_under_the_sites(
    browser_page: BrowserPage, app_url: str
) -> None:
    """The outlines are a file of the app's, asked for once by a first visit (the map's message no
    longer carries them, tests/render/test_outlines.py), and still there after a filter's rerun."""
    page = browser_page.page
    fetched = _responses(page, "/outlines/")
    page.goto(app_url)
    wait_for_text(page, "organisations affichés")
    outlines = map_frame(page).locator(".leaflet-overlay-pane path.leaflet-interactive")
    expect(outlines).to_have_count(11, timeout=30_000)  # ten provinces and Brussels
    assert settled_count(page, expected=21) == 21
    assert len(fetched) == 1, fetched
    assert fetched[0][1] == 200, fetched
    assert fetched[0][0].startswith(app_url)
    assert "/app/static/outlines/provinces-" in fetched[0][0]

    open_sidebar(page)
    services = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').first
    choose(page, services.locator("input").first, "Visites en centre")
    page.keyboard.press("Escape")
    wait_for_text(page, "3 sites de 2 organisations affichés")
    assert settled_count(page, expected=3) == 3
    expect(outlines).to_have_count(11)
    # A rerun that moves the map's place on the page makes Streamlit build its frame again: the
    # file is then asked for again (the browser's cache answers, or a 304 behind Caddy).
    assert all(status in (200, 304) for _, status in fetched), fetched
    assert browser_page.errors() == []


def test_the_map_gets_its_scripts_as_one_file_from_the_app(
    browser_page: BrowserPage, app_url: str
) -> None:
    """Leaflet, MarkerCluster, the gesture handling and supercluster reach the map's frame in one
    local request (lien.render.assets.MAP_BUNDLE), and each of them works there: the sites are
    clustered, two fingers move the map, a large view would find supercluster."""
    page = browser_page.page
    scripts = _responses(page, "/app/static/")
    page.goto(app_url)
    wait_for_text(page, "organisations affichés")
    assert settled_count(page, expected=21) == 21
    js = [(url, status) for url, status in scripts if url.endswith(".js")]
    assert js == [(f"{app_url}/app/static/map/leaflet-bundle.js", 200)], js
    frame = page.locator(MAP_IFRAME).first.element_handle().content_frame()
    assert frame is not None
    loaded = frame.evaluate(
        """() => ({leaflet: L.version, cluster: typeof L.markerClusterGroup,
                   supercluster: typeof Supercluster,
                   gesture: window.map.gestureHandling.enabled()})"""
    )
    assert loaded["leaflet"].startswith("1.9."), loaded
    assert (loaded["cluster"], loaded["supercluster"], loaded["gesture"]) == (
        "function",
        "function",
        True,
    ), loaded
    assert browser_page.errors() == []


def test_coverage_page_draws_its_charts(browser_page: BrowserPage, app_url: str) -> None:
    page = browser_page.page
    page.goto(f"{app_url}/Couverture_Dekking_Coverage?service=detention_visits")
    wait_for_text(page, "Couverture des services")
    heatmaps = page.locator(HEATMAP)
    charts = page.locator("[data-testid=stVegaLiteChart]")
    # The first chart, a heatmap table, comes alone; where the others go, a button says what
    # they are…
    heatmaps.first.wait_for(timeout=60_000)
    trigger = page.locator(LOWER_CHARTS_TRIGGER)
    trigger.wait_for(timeout=30_000)
    assert trigger.get_attribute("aria-label") == "Afficher la matrice par région et les cartes"
    assert heatmaps.count() == 1
    assert charts.count() == 0
    # …and they are drawn once the visitor scrolls down to them.
    reach_lower_charts(page)
    expect(trigger).to_have_count(0, timeout=30_000)
    assert heatmaps.count() == 2
    assert charts.count() == 2
    # The heatmaps have their cells (11 provinces, 3 regions, each with the national column),
    # gaps marked ✕ and said; each cell says what it counts when pointed at.
    assert heatmaps.locator("td").count() == 12 + 4
    assert heatmaps.locator("td", has_text="✕").count() >= 10
    anvers = heatmaps.first.locator('td[title="Visites en centre fermé — Anvers: 0 (lacune)"]')
    expect(anvers).to_have_text("✕ lacune")
    expect(heatmaps.first.locator("caption")).to_have_text("Sites par service et par province")
    # Drawn, not just placed: the maps have their province shapes (11 each) and the
    # municipalities their dots; each map has a name that says where its text alternative is,
    # and each province says its count.
    drawn = charts.locator("svg.marks")
    assert drawn.locator(".mark-shape path").count() >= 2 * 11
    assert drawn.locator(".mark-symbol path").count() >= 500
    labels = [charts.nth(i).get_attribute("aria-label") or "" for i in range(2)]
    assert all(len(label) > 80 for label in labels), labels
    assert drawn.locator('.mark-shape path[aria-label="Anvers: 0 (lacune)"]').count() == 1
    assert browser_page.errors() == []


def test_a_first_visit_after_a_start_to_a_page_s_own_address_gets_lien_s_pages(
    browser_page: BrowserPage, tmp_path: Path
) -> None:
    """Streamlit runs the scripts of pages/ by themselves until some script calls st.navigation:
    the first visitor after a restart who opened the coverage page's address (its QR code) got
    Streamlit's own list of pages ("app", "Carte Kaart Map"…), and so did every visitor after,
    until someone opened the root. On a server of its own, that first visit."""
    process, url = harness.start_app(tmp_path / "server.log", env=harness.offline_env())
    try:
        page = browser_page.page
        page.goto(f"{url}/{COVERAGE_PATH}?lang=nl")
        wait_for_text(page, t("coverage_title", "nl"))
        open_sidebar(page)
        links = page.get_by_test_id("stSidebarNavLink")
        names = links.get_by_test_id("stMarkdownContainer").all_inner_texts()  # not the icons
        assert [" ".join(n.split()) for n in names] == [t(p.title, "nl") for p in PAGES]
    finally:
        harness.stop(process)
    assert browser_page.errors() == []
