"""A walk through every page in French and in Dutch, at phone and desktop size, that fails on any
English text Streamlit draws by itself (issue 27): the map page, the coverage page down to its
lower charts, the data page before and after an upload. On the way the walk opens what hides
texts of its own: a multiselect's list (and one with nothing matching), a choice made and cleared,
a help tooltip, a text box being typed in, the folded sidebar, a data grid's toolbar, its column
menu and search, a chart's toolbar, a select box's list, the uploader being dragged over.

Every visible text node and every aria-label, title, placeholder and alt of the page and of its
frames is read after each step, and also every quarter of a second all along (a status such as
"Running..." lasts only while the page reruns). The English texts are Streamlit's own, from its
bundle (tests/support/streamlit_english.py).
"""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Locator, Page, expect

from lien.i18n import t
from lien.ingest.tabular import MAX_UPLOAD_MB
from tests.browser.conftest import (
    HEATMAP,
    BrowserPage,
    map_frame,
    open_sidebar,
    reach_lower_charts,
    wait_for_text,
    wait_until_idle,
)
from tests.support import streamlit_english

# What a visitor is shown and what a screen reader reads: rendered text nodes outside
# aria-hidden parts, and the attributes that name or describe; in the page and its frames.
_COLLECT_JS = """
window.lienEnglishIn = function (exact, patterns) {
  const english = (text) => {
    const s = text.trim();
    return s !== '' && (exact.has(s) || patterns.some((p) => p.test(s)));
  };
  const found = new Set();
  const visit = (doc, where) => {
    if (!doc || !doc.body) { return; }
    const view = doc.defaultView;
    const muted = (el) => !!el.closest('[aria-hidden="true"], script, style, template, noscript');
    const walker = doc.createTreeWalker(doc.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement;
      if (!el || !english(node.nodeValue) || muted(el)) { continue; }
      const style = view.getComputedStyle(el);
      if (el.getClientRects().length && style.visibility !== 'hidden') {
        found.add(where + 'text: ' + node.nodeValue.trim());
      }
    }
    for (const name of ['aria-label', 'title', 'placeholder', 'alt', 'aria-description']) {
      for (const el of doc.querySelectorAll('[' + name + ']')) {
        const value = el.getAttribute(name);
        if (english(value) && el.getClientRects().length && !muted(el)) {
          found.add(where + name + ': ' + value.trim());
        }
      }
    }
    for (const frame of doc.querySelectorAll('iframe')) {
      let inner = null;
      try { inner = frame.contentDocument; } catch (e) { inner = null; }
      visit(inner, where + '[' + frame.title + '] ');
    }
  };
  visit(document, '');
  return [...found];
};
"""


def _recorder(exact: list[str], patterns: list[str]) -> str:
    """A script for every page the walk opens: the collector, and a sample every 250 ms."""
    return (
        _COLLECT_JS
        + "if (window === window.top) {"
        + f"  const exact = new Set({json.dumps(exact)});"
        + f"  const patterns = {json.dumps(patterns)}.map((p) => new RegExp(p));"
        + "  window.lienEnglishSeen = new Set();"
        + "  window.lienEnglishNow = () => window.lienEnglishIn(exact, patterns);"
        + "  setInterval(() => { if (document.body && window.lienText) {"
        + "    window.lienEnglishNow().forEach((s) => window.lienEnglishSeen.add(s)); } }, 250);"
        + "}"
    )


RECORDER = _recorder(
    sorted(streamlit_english.EXACT), [p.pattern for p in streamlit_english.PATTERNS]
)


class Walk:
    """The walk's page and every English text seen on it, with where it was."""

    def __init__(self, page: Page, lang: str, phone: bool) -> None:
        self.page, self.lang, self.phone = page, lang, phone
        self.found: dict[str, str] = {}

    def look(self, step: str) -> None:
        """Read the page now, and what the sampler saw since the page was opened."""
        now = self.page.evaluate("() => window.lienEnglishNow ? window.lienEnglishNow() : []")
        seen = self.page.evaluate("() => window.lienEnglishSeen ? [...window.lienEnglishSeen] : []")
        for text in [*now, *seen]:
            self.found.setdefault(text, step)

    def goto(self, path: str) -> None:
        self.page.goto(f"{path}{'&' if '?' in path else '?'}lang={self.lang}")


def _hover_or_tap(walk: Walk, target: Locator) -> None:
    target.scroll_into_view_if_needed()
    if walk.phone:
        target.tap()
    else:
        target.hover()
    walk.page.wait_for_timeout(600)


def _multiselect(walk: Walk, box: Locator, name: str) -> None:
    """Open the list, type what matches nothing, then choose the first option and clear it."""
    page = walk.page
    box.click()
    page.locator('[role="listbox"] [role="option"]').first.wait_for(timeout=15_000)
    walk.look(f"{name}: list open")
    page.keyboard.type("zzzz")
    page.wait_for_timeout(600)
    walk.look(f"{name}: nothing matches")
    box.fill("")
    page.locator('[role="listbox"] [role="option"]').first.click()
    wait_until_idle(page)
    page.keyboard.press("Escape")
    walk.look(f"{name}: one chosen")
    widget = box.locator("xpath=ancestor::*[@data-testid='stMultiSelect'][1]")
    widget.get_by_role("button", name=t("st_clear_choices", walk.lang)).click()
    wait_until_idle(page)
    walk.look(f"{name}: cleared")


def _text_box(walk: Walk, box: Locator, name: str) -> None:
    """Type into a text box without confirming (its "press Enter" hint), then take it back."""
    box.click()
    walk.page.keyboard.type("x")
    walk.page.wait_for_timeout(600)
    walk.look(f"{name}: typing")
    walk.page.keyboard.press("Backspace")
    walk.page.keyboard.press("Tab")
    wait_until_idle(walk.page)


def _grid(walk: Walk, grid: Locator, name: str) -> None:
    """A data grid's toolbar (a tooltip), its column menu and its search."""
    page = walk.page
    grid.scroll_into_view_if_needed()
    grid.hover()
    buttons = grid.get_by_test_id("stBaseButton-elementToolbar")
    buttons.first.wait_for(timeout=15_000)
    _hover_or_tap(walk, buttons.first)
    walk.look(f"{name}: toolbar")
    page.keyboard.press("Escape")
    for index in range(buttons.count() - 1):  # each but the last (full screen)
        grid.hover()
        buttons.nth(index).click()
        page.wait_for_timeout(600)
        walk.look(f"{name}: toolbar button {index + 1}")
        page.keyboard.press("Escape")
        page.wait_for_timeout(300)


def _map_page(walk: Walk, app_url: str) -> None:
    page, lang = walk.page, walk.lang
    walk.goto(f"{app_url}/")
    wait_for_text(page, t("title", lang))
    map_frame(page).locator(".leaflet-marker-icon").first.wait_for(timeout=60_000)
    wait_until_idle(page)
    walk.look("map page")
    main = page.get_by_test_id("stMain")
    _multiselect(walk, main.get_by_role("combobox", name=t("service", lang)), "service (page)")
    if walk.phone:
        open_sidebar(page)
        walk.look("sidebar opened")
    bar = page.get_by_test_id("stSidebar")
    help_icon = bar.get_by_role("button", name=t("st_help_for", lang, label=t("keyword", lang)))
    _hover_or_tap(walk, help_icon)
    walk.look("help tooltip")
    page.keyboard.press("Escape")
    _text_box(walk, bar.get_by_role("textbox", name=t("keyword", lang)), "keyword")
    if walk.phone:
        page.get_by_role("button", name=t("st_collapse_sidebar", lang)).click()
        page.wait_for_timeout(600)
        page.get_by_text(t("show_table", lang)).click()
        wait_until_idle(page)
        walk.look("table shown")
    _grid(walk, page.get_by_test_id("stDataFrame").first, "sites grid")


def _coverage_page(walk: Walk, app_url: str) -> None:
    page, lang = walk.page, walk.lang
    walk.goto(f"{app_url}/Couverture_Dekking_Coverage")
    wait_for_text(page, t("coverage_title", lang))
    expect(page).to_have_title("Lien — " + t("page_coverage", lang))  # Lien's, said first
    page.locator(HEATMAP).first.wait_for(timeout=60_000)
    reach_lower_charts(page)
    wait_until_idle(page)
    walk.look("coverage page, lower charts")
    chart = page.get_by_test_id("stVegaLiteChart").first
    chart.scroll_into_view_if_needed()
    _hover_or_tap(walk, chart)
    walk.look("chart toolbar")
    choice = page.get_by_role("combobox", name=t("chosen_service", lang))
    choice.scroll_into_view_if_needed()
    widget = choice.locator("xpath=ancestor::*[@data-testid='stSelectbox'][1]")
    widget.get_by_role("button", name=t("st_open_list", lang)).click()
    page.locator('[role="listbox"] [role="option"]').first.wait_for(timeout=15_000)
    walk.look("service to map: list open")
    page.keyboard.press("Escape")


# A coordinator's file with a problem in it (a row with no organisation), so that the page shows
# its report, its problems grid and its preview; fictitious organisations.
UPLOAD = (
    "Nom;Adresse;Code postal;Commune;Services;Public\r\n"
    "Maison Exemple;Rue Haute 1;1000;Bruxelles;Logement;Réfugiés\r\n"
    "Aide Exemple;Rue de Fer 1;5000;Namur;Aide juridique;Demandeurs d'asile\r\n"
    ";Rue de l'Ange 3;5000;Namur;Logement;Réfugiés\r\n"
).encode()


def _data_page(walk: Walk, app_url: str) -> None:
    page, lang = walk.page, walk.lang
    walk.goto(f"{app_url}/Donnees_Gegevens_Data")
    wait_for_text(page, t("data_title", lang))
    expect(page).to_have_title("Lien — " + t("page_data", lang))
    zone = page.get_by_test_id("stFileUploaderDropzone")
    zone.wait_for()
    wait_until_idle(page)
    walk.look("data page")
    # Lien's limit, not Streamlit's twice as large one; its own button.
    after = page.get_by_test_id("stFileUploaderDropzoneInstructions").evaluate(
        "el => getComputedStyle(el.firstElementChild, '::after').content"
    )
    assert json.loads(after) == t("st_upload_limit", lang, limit=MAX_UPLOAD_MB)
    expect(zone.get_by_test_id("stBaseButton-secondary")).to_have_accessible_name(
        t("st_upload", lang)
    )
    # A file dragged over the page.
    drag = page.evaluate_handle(
        "() => { const d = new DataTransfer(); d.items.add(new File(['x'], 'x.csv')); return d; }"
    )
    zone.dispatch_event("dragenter", {"dataTransfer": drag})
    page.wait_for_timeout(500)
    walk.look("file dragged over")
    zone.dispatch_event("dragleave", {"dataTransfer": drag})
    _grid(walk, page.get_by_test_id("stDataFrame").first, "services grid")
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
        files=[{"name": "exemple.csv", "mimeType": "text/csv", "buffer": UPLOAD}]
    )
    wait_for_text(page, t("problems_heading", lang))
    map_frame(page).locator(".leaflet-marker-icon").first.wait_for(timeout=60_000)
    wait_until_idle(page)
    walk.look("data page, file checked")


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_no_english_widget_text_on_any_page(
    browser_page: BrowserPage, app_url: str, lang: str
) -> None:
    page = browser_page.page
    page.add_init_script(RECORDER)
    walk = Walk(page, lang, browser_page.device == "phone")
    for step in (_map_page, _coverage_page, _data_page):
        step(walk, app_url)
        walk.look(step.__name__)
    english = "\n".join(f"{text}   ({step})" for text, step in sorted(walk.found.items()))
    assert walk.found == {}, f"English on the {lang} pages:\n{english}"
    assert browser_page.errors() == []


# What Streamlit draws for a moment (the running icon, a list's "No results"), as it draws it:
# an element added to the page later; and a text of Lien's own that happens to be one of
# Streamlit's English words, which stays as Lien wrote it.
_PROBE_JS = """() => {
  const probe = document.createElement('div');
  probe.id = 'lien-probe';
  probe.innerHTML = '<span role="img" aria-label="Running...">.</span><p class="st">No results</p>'
    + '<div data-testid="stMarkdownContainer"><p class="lien">Search</p></div>';
  document.body.appendChild(probe);
}"""
_PROBE_READ_JS = """() => {
  const probe = document.getElementById('lien-probe');
  return [probe.querySelector('span').getAttribute('aria-label'),
          probe.querySelector('p.st').textContent, probe.querySelector('p.lien').textContent];
}"""


def test_what_streamlit_draws_later_and_a_change_of_language_are_said_in_the_new_one(
    browser_page: BrowserPage, app_url: str
) -> None:
    page = browser_page.page
    page.goto(f"{app_url}/?lang=fr")
    wait_for_text(page, t("title", "fr"))
    wait_until_idle(page)
    page.evaluate(_PROBE_JS)
    expect(page.locator("#lien-probe span")).to_have_attribute("aria-label", t("st_running", "fr"))
    assert page.evaluate(_PROBE_READ_JS) == [
        t("st_running", "fr"),
        t("st_no_results", "fr"),
        "Search",
    ]
    # The visitor switches to Dutch: what was said in French is said again in Dutch, what
    # Streamlit draws anew too, and the skip links follow. As a visitor does: the list opened,
    # the language tapped (on a phone, in the picker at the top of the page) or clicked (in the
    # sidebar).
    where = page.locator(
        ".st-key-m_lang" if browser_page.device == "phone" else "[data-testid=stSidebar]"
    )
    where.get_by_role("combobox", name="Langue · Taal · Language").click()
    page.get_by_role("option", name="Nederlands").click()
    wait_for_text(page, t("title", "nl"))
    wait_until_idle(page)
    expect(page.locator("#lien-probe span")).to_have_attribute("aria-label", t("st_running", "nl"))
    assert page.evaluate(_PROBE_READ_JS) == [
        t("st_running", "nl"),
        t("st_no_results", "nl"),
        "Search",
    ]
    help_name = t("st_help_for", "nl", label=t("keyword", "nl"))
    if browser_page.device == "phone":
        open_sidebar(page)  # folded away on a phone: the filters' help is in it
    expect(page.get_by_test_id("stSidebar").get_by_role("button", name=help_name)).to_have_count(1)
    expect(page.locator("#lien-skip a").first).to_have_text(t("skip_to_results", "nl"))
    walk = Walk(page, "nl", browser_page.device == "phone")
    walk.look("after the switch")
    assert walk.found == {}
    assert browser_page.errors() == []
