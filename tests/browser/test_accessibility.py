"""Accessibility, WCAG 2.2 AA (issue 14, item 7).

- axe-core (axe-playwright-python, which bundles it: no network) with the WCAG 2.0, 2.1 and 2.2
  A and AA rules, on every page in French, at phone and desktop size: the map (also near a place,
  so that cards and results show), the coverage page and the data page; and inside every
  component frame they hold (the map, whose markup is Lien's: folium and lien/render; the "use my
  location" button). No serious or critical violation may remain, except in Streamlit's own
  markup as STREAMLIT_OWN lists it.
- The language of every document is the visitor's (Streamlit's own says "en").
- The keyboard on the desktop: Tab reaches the near-me box, every sidebar filter, the map and the
  downloads, each with an accessible name (the map's names its text alternative); Shift+Tab walks
  back the same way; Enter on a download delivers the file.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Frame, Page

from lien.filters import CODES, FLAG, LANGUAGE, RADIUS, SPECS, TEXT
from lien.i18n import t
from tests.browser.conftest import (
    MAP_IFRAME,
    BrowserPage,
    count_markers,
    map_frame,
    reach_lower_charts,
    wait_for_text,
    wait_until_idle,
)

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = frozenset({"serious", "critical"})
AXE_OPTIONS: dict[str, Any] = {
    "runOnly": {"type": "tag", "values": WCAG_TAGS},
    "resultTypes": ["violations"],
    # Each frame is audited on its own (audit()): axe-core can only look into frames it runs in.
    "iframes": False,
}
NEAR_QUERY = "?near=Bruxelles&service=legal_aid&radius_km=10"


@dataclass(frozen=True)
class Allowed:
    """A violation in Streamlit's own markup that Lien can't change: axe's rule id, a pattern
    that the node's CSS selector matches, and the upstream issue that tracks it."""

    rule: str
    selector: re.Pattern[str]
    issue: str


# Streamlit's own serious or critical violations, each with its upstream issue. Empty: on these
# pages every one axe found in Streamlit's defaults had a fix in Lien's hands (docs/accessibility.md
# lists them: captions and a disabled label too faint, lang="en", the scroll box
# of st.table), so none is allowed. An entry needs a real upstream issue and a reason Lien can't
# fix it.
STREAMLIT_OWN: tuple[Allowed, ...] = ()


@dataclass(frozen=True)
class Found:
    """One node of one violation, in one document of a page."""

    document: str  # "page", or the frame's title
    rule: str
    impact: str
    target: str
    html: str

    def __str__(self) -> str:
        return f"[{self.impact}] {self.rule} in {self.document}: {self.target} {self.html[:160]}"


def streamlit_own(found: Found) -> bool:
    """Whether STREAMLIT_OWN allows this node."""
    return any(a.rule == found.rule and a.selector.search(found.target) for a in STREAMLIT_OWN)


_AXE = Axe()


def _axe(document: Page | Frame, name: str) -> list[Found]:
    results = _AXE.run(document, options=AXE_OPTIONS).response
    return [
        Found(name, v["id"], v.get("impact") or "", " ".join(map(str, n["target"])), n["html"])
        for v in results["violations"]
        for n in v["nodes"]
    ]


def audit(page: Page) -> list[Found]:
    """axe on the page and on each of its component frames."""
    found = _axe(page, "page")
    for frame in page.frames:
        if frame is page.main_frame:
            continue
        element = frame.frame_element()
        found += _axe(frame, element.get_attribute("title") or frame.url)
    return found


def _map_drawn(page: Page) -> None:
    frame = map_frame(page)
    frame.locator(".leaflet-marker-icon").first.wait_for(timeout=60_000)
    assert count_markers(frame) > 0
    # The map's own script names its frame (lien/render/mapview.py); then it has run.
    page.wait_for_function(
        "s => document.querySelector(s)?.getAttribute('aria-label')", arg=MAP_IFRAME
    )


def _open_map(page: Page, app_url: str, query: str = "") -> None:
    page.goto(f"{app_url}/{query}")
    wait_for_text(page, t("title", "fr"))
    _map_drawn(page)
    page.get_by_role("button", name=t("download_offline", "fr")).first.wait_for()
    wait_until_idle(page)


def _open_coverage(page: Page, app_url: str) -> None:
    page.goto(f"{app_url}/Couverture_Dekking_Coverage")
    wait_for_text(page, t("funder_summary", "fr"))
    page.locator(".lien-table").last.wait_for()
    # The charts' drawings are audited too, once Vega has drawn them, those below the first
    # once the visitor has scrolled down to them.
    reach_lower_charts(page)
    wait_until_idle(page)


def _open_data(page: Page, app_url: str) -> None:
    page.goto(f"{app_url}/Donnees_Gegevens_Data")
    wait_for_text(page, t("data_title", "fr"))
    page.locator('[data-testid="stFileUploader"]').wait_for()
    wait_until_idle(page)


PAGES = {
    "map": lambda page, url: _open_map(page, url),
    "map_near": lambda page, url: _open_map(page, url, NEAR_QUERY),
    "coverage": _open_coverage,
    "data": _open_data,
}


@pytest.mark.parametrize("name", list(PAGES))
def test_axe_finds_no_serious_violation_of_lien(
    browser_page: BrowserPage, app_url: str, name: str
) -> None:
    page = browser_page.page
    PAGES[name](page, app_url)
    if name.startswith("map"):
        # The map and the "use my location" button are audited inside their frames.
        titles = [f.frame_element().get_attribute("title") for f in page.frames[1:]]
        assert "streamlit_folium.st_folium" in titles
        assert any("geolocate" in t for t in titles)
    found = audit(page)
    by_impact = Counter(f.impact for f in found)
    streamlit = [f for f in found if streamlit_own(f)]
    # The figures of docs/accessibility.md (shown with pytest -s).
    print(
        f"\naxe {name} {browser_page.device}: {dict(by_impact)}; "
        f"of which Streamlit's own: {len(streamlit)}; " + "; ".join(map(str, found))
    )
    blocking = [f for f in found if f.impact in BLOCKING and not streamlit_own(f)]
    assert blocking == [], "\n".join(map(str, blocking))
    assert browser_page.errors() == []


def test_axe_finds_no_serious_violation_in_arabic(browser_page: BrowserPage, app_url: str) -> None:
    """Right to left, machine-translated (its notice and "read it in French" on the page), near a
    place so that cards and results show: no serious or critical violation either."""
    page = browser_page.page
    page.goto(f"{app_url}/{NEAR_QUERY}&lang=ar")
    wait_for_text(page, t("title", "ar"))
    page.get_by_role("button", name=t("download_offline", "ar")).first.wait_for()
    wait_until_idle(page)
    # Counted once the page is idle: on a busy phone the map may still be fitting its view when
    # its first markers appear (CI counted 0 in view once).
    _map_drawn(page)
    page.wait_for_function("document.documentElement.dir === 'rtl'")
    found = audit(page)
    print(f"\naxe map_near ar {browser_page.device}: " + "; ".join(map(str, found)))
    blocking = [f for f in found if f.impact in BLOCKING and not streamlit_own(f)]
    assert blocking == [], "\n".join(map(str, blocking))
    assert browser_page.errors() == []


def test_the_allow_list_is_explained() -> None:
    """Every allowed violation names its upstream Streamlit issue."""
    for allowed in STREAMLIT_OWN:
        assert re.fullmatch(r"https://github\.com/streamlit/streamlit/issues/\d+", allowed.issue)


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_every_document_says_the_visitors_language(
    browser_page: BrowserPage, app_url: str, lang: str
) -> None:
    page = browser_page.page
    page.goto(f"{app_url}/?lang={lang}")
    wait_for_text(page, t("title", lang))
    _map_drawn(page)
    page.wait_for_function("l => document.documentElement.lang === l", arg=lang)
    frame = page.locator(MAP_IFRAME).first.content_frame
    assert frame.locator("html").get_attribute("lang") == lang
    # The map's frame is named by its text alternative, in the visitor's language.
    assert page.locator(MAP_IFRAME).first.get_attribute("aria-label") == t("map_alternative", lang)


@pytest.mark.parametrize("path", ["Couverture_Dekking_Coverage", "Donnees_Gegevens_Data"])
def test_a_page_opened_by_its_url_says_the_language_and_keeps_captions_readable(
    browser_page: BrowserPage, app_url: str, path: str
) -> None:
    # Drawn before st.navigation, these were lost on every page opened by its URL but the map.
    page = browser_page.page
    page.goto(f"{app_url}/{path}?lang=nl")
    page.locator('[data-testid="stCaptionContainer"]').first.wait_for()
    page.wait_for_function("() => document.documentElement.lang === 'nl'")
    opacity = page.locator('[data-testid="stCaptionContainer"]').first.evaluate(
        "el => getComputedStyle(el).opacity"
    )
    assert float(opacity) == 0.8  # the body colour at 80 %: 6.8:1 on white (WCAG 1.4.3)


# --- the keyboard --------------------------------------------------------------------------

# Marks the focused element of the top document, or says it is a frame (focus inside it).
_FOCUSED_JS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) { return null; }
  if (!el.dataset.lienFocus) {
    el.dataset.lienFocus = String(document.querySelectorAll('[data-lien-focus]').length + 1);
  }
  return {
    id: el.dataset.lienFocus,
    frame: el.tagName === 'IFRAME' ? el.title : null,
    sidebar: !!el.closest('[data-testid="stSidebar"]'),
  };
}"""
_ROLE_NAME = re.compile(r'^- (?P<role>[\w-]+)(?: "(?P<name>(?:[^"\\]|\\.)*)")?')


@dataclass(frozen=True)
class Stop:
    """Where one Tab left the focus: an element of the page with its role and accessible name
    (as Playwright's accessibility snapshot computes them), or a frame."""

    id: str
    role: str
    name: str
    sidebar: bool
    frame: str | None

    def __str__(self) -> str:
        where = "sidebar" if self.sidebar else "main"
        return f"{self.frame} (frame)" if self.frame else f"{self.role} {self.name!r} ({where})"


def _focused(page: Page) -> Stop | None:
    info = page.evaluate(_FOCUSED_JS)
    if info is None:
        return None
    if info["frame"] is not None:
        return Stop(info["id"], "frame", "", info["sidebar"], info["frame"])
    snapshot = page.locator(f'[data-lien-focus="{info["id"]}"]').aria_snapshot()
    match = _ROLE_NAME.match(snapshot.splitlines()[0].strip()) if snapshot else None
    role = match.group("role") if match else ""
    name = match.group("name") or "" if match else ""
    return Stop(info["id"], role, name.replace('\\"', '"'), info["sidebar"], None)


MAX_TABS = 400
ROLE_OF_KIND = {CODES: "combobox", TEXT: "textbox", RADIUS: "spinbutton", FLAG: "checkbox"}


@pytest.mark.parametrize("device", ["desktop"])
def test_the_keyboard_reaches_every_filter_the_map_and_the_downloads(
    browser_page: BrowserPage, app_url: str, device: str
) -> None:
    page = browser_page.page
    # Near a place, so that the radius is enabled and the view has results and downloads.
    _open_map(page, app_url, NEAR_QUERY)
    last = t("download_offline", "fr")
    stops: list[Stop] = []
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        stop = _focused(page)
        if stop is None:
            continue
        if not stops or stops[-1].id != stop.id or stop.frame:
            stops.append(stop)
        if stop.role == "button" and stop.name == last:
            break
    seen = "\n".join(map(str, stops))
    assert stops, f"Tab never reached {last!r}:\n{seen}"
    assert stops[-1].name == last, f"Tab never reached {last!r}:\n{seen}"

    def reached(role: str, name: str, *, sidebar: bool) -> bool:
        return any(
            s.role == role and s.name == name and s.sidebar == sidebar and not s.frame
            for s in stops
        )

    # The near-me bar at the top of the page: the place, the radius and the service.
    near = t("near_me", "fr")
    assert reached("textbox", near, sidebar=False), seen
    assert reached("spinbutton", t("radius", "fr"), sidebar=False), seen
    assert reached("combobox", t("service", "fr"), sidebar=False), seen
    # Every sidebar filter, by its label; the language first.
    assert reached("combobox", "Langue · Taal · Language", sidebar=True), seen
    for spec in SPECS:
        if spec.kind != LANGUAGE:
            assert reached(ROLE_OF_KIND[spec.kind], t(spec.label, "fr"), sidebar=True), (
                spec.param,
                seen,
            )
    # The map: its frame is reached, and named by its text alternative (the cards and table).
    assert any(s.frame == "streamlit_folium.st_folium" for s in stops), seen
    assert page.locator(MAP_IFRAME).first.get_attribute("aria-label") == t("map_alternative", "fr")
    # Every download, by its label.
    for key in (
        "download_csv",
        "download_xlsx",
        "download_geojson",
        "download_hsds",
        "download_handout",
        "download_offline",
    ):
        assert reached("button", t(key, "fr"), sidebar=False), (key, seen)
    # "Use my location" is in a frame of its own, named by its button.
    assert any(s.frame == "lien.ui.geolocate.lien_geolocate" for s in stops), seen
    geolocate = page.locator('iframe[title="lien.ui.geolocate.lien_geolocate"]').first
    assert geolocate.get_attribute("aria-label") == t("locate_me", "fr")

    # Shift+Tab walks back the same stops, from the last download to the CSV one; Enter on it
    # delivers the file.
    csv = t("download_csv", "fr")
    back = [s for s in stops if not s.frame]
    index = max(i for i, s in enumerate(back) if s.name == csv)
    for expected in reversed(back[index:-1]):
        page.keyboard.press("Shift+Tab")
        stop = _focused(page)
        assert stop is not None, (str(stop), str(expected))
        assert stop.id == expected.id, (str(stop), str(expected))
    with page.expect_download(timeout=60_000) as download:
        page.keyboard.press("Enter")
    assert download.value.suggested_filename.endswith(".csv")
    assert browser_page.errors() == []
