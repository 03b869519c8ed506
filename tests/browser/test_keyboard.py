"""The keyboard from the top of the map page (issue 27), on a desktop and a phone, in French and
Dutch, as a keyboard or screen reader user goes:

- Tab after Tab from the top: each stop is recorded with its role and name as Chromium gives them
  to a screen reader (the accessibility tree, through CDP), whether it is on the screen, and
  whether it shows a focus ring. No stop is unnamed, off-screen or without a ring; none is a
  province outline; a data grid is one stop; the first two are the skip links, off-screen until
  focused.
- The skip links: the first puts the focus on the results (the next Tab goes on into them), the
  second on the handout's section: the handout within 15 Tabs of the top, and Enter on it
  delivers the PDF, read back.
- On the other pages the skip link leads into the page's content.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import CDPSession, Page, expect
from pypdf import PdfReader

from lien.i18n import t
from tests.browser.conftest import BrowserPage, map_frame, wait_for_text, wait_until_idle

HANDOUT_WITHIN_TABS = 15
MAX_TABS = 200

# The deepest focused element (through the app's same-origin frames), marked with an id of its
# own; where it is on the screen, and which element shows its focus ring: itself or, for a box
# or a checkbox whose own input shows none (Lien's CSS rings its box or label), an ancestor; a
# ring counts only if no other element lies over it, and a stop is seen if not (nearly)
# transparent, once the transitions under way have ended.
_FOCUS_JS = """() => {
  let doc = document, el = document.activeElement, dx = 0, dy = 0;
  const frames = [];
  while (el && el.tagName === 'IFRAME') {
    const box = el.getBoundingClientRect();
    dx += box.left; dy += box.top;
    frames.push(el.title);
    let inner = null;
    try { inner = el.contentDocument; } catch (e) { inner = null; }
    if (!inner) { break; }
    doc = inner; el = inner.activeElement;
  }
  if (!el || el === doc.body || el === doc.documentElement) { return null; }
  const view = doc.defaultView;
  // What a transition will show, now (a toolbar fading in): measured as it ends.
  for (const animation of doc.getAnimations()) {
    try { animation.finish(); } catch (e) { /* an endless one: left running */ }
  }
  view.lienStops = view.lienStops || new WeakMap();
  if (!view.lienStops.has(el)) {
    window.lienStopCount = (window.lienStopCount || 0) + 1;
    view.lienStops.set(el, window.lienStopCount);
  }
  // A grid's cell has the focus inside its canvas when a screen reader is on: the canvas shows.
  const shell = el.closest('canvas') || el;
  let ring = null;
  for (let node = shell, up = 0; node && node.nodeType === 1 && up < 6; up++) {
    const style = view.getComputedStyle(node);
    const width = parseFloat(style.outlineWidth) || 0;
    if (style.outlineStyle !== 'none' && (style.outlineStyle === 'auto' || width >= 2)) {
      ring = node; break;
    }
    node = node.parentElement;
  }
  // A ring under another element (a grid's canvas lies under its scroller) is not seen.
  if (ring) {
    const own = ring.getBoundingClientRect();
    const top = doc.elementFromPoint(own.left + own.width / 2, own.top + own.height / 2);
    if (!top || !(ring.contains(top) || top.contains(ring))) { ring = null; }
  }
  const seen = ring || shell;
  const box = seen.getBoundingClientRect();
  const left = box.left + dx, top = box.top + dy;
  let opacity = 1;
  for (let node = seen; node && node.nodeType === 1; node = node.parentElement) {
    opacity *= parseFloat(view.getComputedStyle(node).opacity);
  }
  const shown = view.getComputedStyle(seen).visibility !== 'hidden' && opacity >= 0.5
    && box.width >= 4
    && box.height >= 4 && left < window.innerWidth && top < window.innerHeight
    && left + box.width > 0 && top + box.height > 0;
  return {id: view.lienStops.get(el), frames: frames, tag: el.tagName.toLowerCase(),
          ring: ring !== null, shown: shown,
          where: [left, top, box.width, box.height].map(Math.round)};
}"""


@dataclass(frozen=True)
class Stop:
    """Where one Tab left the focus."""

    id: int
    role: str
    name: str
    tag: str
    frames: tuple[str, ...]
    shown: bool
    ring: bool
    where: tuple[int, ...]

    def __str__(self) -> str:
        inside = f" in {'/'.join(self.frames)}" if self.frames else ""
        return f"{self.role} {self.name!r} <{self.tag}>{inside} at {self.where}"


def _frame_ids(tree: dict[str, Any]) -> Iterator[str]:
    yield tree["frame"]["id"]
    for child in tree.get("childFrames", []):
        yield from _frame_ids(child)


def _focused_node(cdp: CDPSession) -> tuple[str, str]:
    """The role and name a screen reader gets for the focused element (Chromium's tree)."""
    for frame_id in _frame_ids(cdp.send("Page.getFrameTree")["frameTree"]):
        try:
            nodes = cdp.send("Accessibility.getFullAXTree", {"frameId": frame_id})["nodes"]
        except Exception:  # a frame gone since the frame tree was read
            continue
        for node in nodes:
            role = node.get("role", {}).get("value", "")
            focused = any(
                p["name"] == "focused" and p["value"].get("value")
                for p in node.get("properties", [])
            )
            if focused and role != "RootWebArea":
                return str(role), str(node.get("name", {}).get("value", ""))
    return "", ""


def _stop(page: Page, cdp: CDPSession) -> Stop | None:
    info = page.evaluate(_FOCUS_JS)
    if info is None:
        return None
    role, name = _focused_node(cdp)
    return Stop(
        info["id"],
        role,
        name.strip(),
        info["tag"],
        tuple(info["frames"]),
        info["shown"],
        info["ring"],
        tuple(info["where"]),
    )


def _cdp(page: Page) -> CDPSession:
    cdp = page.context.new_cdp_session(page)
    cdp.send("Accessibility.enable")
    return cdp


# A view with a place, a radius and a chosen service: the near-me notice, the chips, a chosen
# value in the boxes and a radius that can be changed are stops too.
NEAR = "near=Bruxelles&service=legal_aid&radius_km=10"


def _open_map(page: Page, app_url: str, lang: str, query: str = "") -> None:
    page.goto(f"{app_url}/?lang={lang}" + (f"&{query}" if query else ""))
    wait_for_text(page, t("title", lang))
    map_frame(page).locator(".leaflet-marker-icon").first.wait_for(timeout=60_000)
    # The outlines are drawn once their file is fetched: then they could take the focus.
    map_frame(page).locator("path.leaflet-interactive").first.wait_for(timeout=60_000)
    page.get_by_role("button", name=t("download_handout", lang)).first.wait_for(timeout=60_000)
    wait_until_idle(page)


def _skip_links_hidden(page: Page) -> bool:
    return bool(
        page.evaluate(
            """() => [...document.querySelectorAll('#lien-skip a')].every(a => {
                 const box = a.getBoundingClientRect();
                 return box.bottom <= 0 || box.right <= 0 || box.top >= innerHeight;
               })"""
        )
    )


@pytest.mark.parametrize(("lang", "query"), [("fr", ""), ("nl", NEAR)], ids=["fr", "nl-near"])
def test_every_tab_stop_from_the_top_is_named_on_screen_and_ringed(
    browser_page: BrowserPage, app_url: str, lang: str, query: str
) -> None:
    page = browser_page.page
    cdp = _cdp(page)
    _open_map(page, app_url, lang, query)
    assert page.locator("#lien-skip a").count() == 2
    assert _skip_links_hidden(page)  # until the keyboard reaches them
    handout = t("download_handout", lang)
    stops: list[Stop] = []
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        stop = _stop(page, cdp)
        if stop is not None:
            stops.append(stop)
            if stop.role == "button" and stop.name == handout:
                break
    seen = "\n".join(map(str, stops))
    print(f"\n{len(stops)} stops to the handout ({browser_page.device}, {lang}):\n{seen}")
    assert stops, f"Tab never reached {handout!r}:\n{seen}"
    assert stops[-1].name == handout, f"Tab never reached {handout!r}:\n{seen}"
    # The skip links come first, in the visitor's language.
    assert [(s.role, s.name) for s in stops[:2]] == [
        ("link", t("skip_to_results", lang)),
        ("link", t("skip_to_take_away", lang)),
    ], seen
    unnamed = [str(s) for s in stops if not s.name]
    assert unnamed == [], "\n".join(unnamed)
    hidden = [str(s) for s in stops if not s.shown]
    assert hidden == [], "\n".join(hidden)
    unringed = [str(s) for s in stops if not s.ring]
    assert unringed == [], "\n".join(unringed)
    assert not [s for s in stops if s.tag == "path"], seen  # no province outline
    # One stop per element: a data grid is one (Tab went through its cells, one stop each).
    pairs = zip(stops, stops[1:], strict=False)
    repeats = [str(b) for a, b in pairs if a.id == b.id and a.frames == b.frames]
    assert repeats == [], "\n".join(repeats)
    # The map and each grid are named in the visitor's language.
    assert ("region", t("map_alternative", lang)) in [(s.role, s.name) for s in stops], seen
    if browser_page.device == "desktop":
        grids = [s.name for s in stops if s.tag == "canvas"]
        assert grids[:1] == [t("table_heading", lang)], seen
    assert browser_page.errors() == []


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_the_skip_links_lead_to_the_results_and_to_the_handout(
    browser_page: BrowserPage, app_url: str, lang: str
) -> None:
    page = browser_page.page
    cdp = _cdp(page)
    _open_map(page, app_url, lang)

    # The first skip link: the focus on the results' first line, and the next Tab goes on into
    # them (the cards on a phone, the map on a desktop), not back to the sidebar.
    page.keyboard.press("Tab")
    assert _stop(page, cdp) is not None
    assert not _skip_links_hidden(page)
    page.keyboard.press("Enter")
    landed = page.evaluate(
        """() => { const el = document.activeElement;
                   return {results: !!el.closest('.st-key-results'), text: el.innerText}; }"""
    )
    assert landed["results"], landed
    shown = r"\d+ (sites?|locaties?) "
    assert re.search(shown, landed["text"]), landed
    page.keyboard.press("Tab")
    after = _stop(page, cdp)
    assert after is not None, "the Tab after the skip link went nowhere"
    if browser_page.device == "phone":
        # Into the first card: its "About" to unfold, or its first link.
        assert not after.frames, str(after)
        assert page.evaluate("() => !!document.activeElement.closest('.lien-card')"), str(after)
    else:
        assert after.frames == ("streamlit_folium.st_folium",), str(after)

    # The second: the handout's section; the handout right after it, within 15 Tabs of the top.
    _open_map(page, app_url, lang)
    handout = t("download_handout", lang)
    tabs = 0
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    tabs += 2
    skip = _stop(page, cdp)
    assert skip is not None, str(skip)
    assert skip.name == t("skip_to_take_away", lang), str(skip)
    page.keyboard.press("Enter")
    heading = page.evaluate("() => document.activeElement.closest('.st-key-take_away') !== null")
    assert heading
    stop = None
    while tabs < HANDOUT_WITHIN_TABS:
        page.keyboard.press("Tab")
        tabs += 1
        stop = _stop(page, cdp)
        if stop is not None and stop.name == handout:
            break
    assert stop is not None, (tabs, str(stop))
    assert stop.name == handout, (tabs, str(stop))
    assert stop.shown, (tabs, str(stop))
    # Enter on it delivers the handout, which lists the view.
    with page.expect_download(timeout=90_000) as download:
        page.keyboard.press("Enter")
    assert download.value.suggested_filename.endswith(".pdf")
    with open(download.value.path(), "rb") as pdf:
        text = re.sub(r"\s+", " ", _pdf_text(pdf.read()))
    assert "Caritas International" in text, text[:400]
    assert browser_page.errors() == []


@pytest.mark.parametrize(
    ("path", "heading"),
    [("Couverture_Dekking_Coverage", "coverage_title"), ("Donnees_Gegevens_Data", "data_title")],
)
def test_on_the_other_pages_the_skip_link_leads_into_the_content(
    browser_page: BrowserPage, app_url: str, path: str, heading: str
) -> None:
    page = browser_page.page
    cdp = _cdp(page)
    page.goto(f"{app_url}/{path}?lang=nl")
    wait_for_text(page, t(heading, "nl"))
    wait_until_idle(page)
    expect(page.get_by_test_id("stSkipToContent")).to_be_hidden()  # Streamlit's English one
    page.keyboard.press("Tab")
    skip = _stop(page, cdp)
    assert skip is not None
    assert (skip.role, skip.name) == ("link", t("skip_to_content", "nl"))
    assert skip.shown
    assert skip.ring
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "stMain"
    page.keyboard.press("Tab")
    inside = page.evaluate("() => !!document.activeElement.closest('#stMain')")
    assert inside  # the next stop is in the page's content, not the sidebar
    assert browser_page.errors() == []
