"""The languages of the people served (issue 29), in a real browser at phone and desktop size.

- The map page in Arabic, Persian, Tigrinya, Ukrainian and German, with a place searched and a
  popup open: the document's and the map frame's `lang` and `dir`, the popup read from the
  right in a right-to-left language and the legend moved to the left, nothing wider than the
  screen, a phone number that reads in its own order inside right-to-left text, and the page
  saying that no fluent speaker has reviewed its texts yet.
- The coverage and data pages in Arabic: right to left, nothing wider than the screen.
- The handout and the funder summary downloaded in Arabic, Persian, Tigrinya and Ukrainian:
  their text read back in reading order, the phone number whole, and the QR code reopening the
  same view in the same language.
- A first visit takes the browser's language; the phone's picker at the top of the first screen
  changes it, and the URL keeps it; "read it in French" is one tap.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Frame, Locator, Page, expect
from pypdf import PdfReader

from lien.i18n import LANGUAGE_NAMES, direction, t
from lien_dev.harness import DEVICES, is_local
from tests.browser.conftest import (
    BrowserPage,
    choose,
    count_markers,
    map_frame,
    wait_for_text,
    wait_until_idle,
)
from tests.support import pdfs

BAR = ".st-key-near_bar"
SESO_PHONE = "02 533 39 84"  # the brochure's, in data/organisations.csv
PICKER = ".st-key-m_lang"

# The document is never wider than the screen: nothing scrolls sideways.
_OVERFLOW_JS = "() => document.documentElement.scrollWidth - window.innerWidth"

# Whether the digits of a phone number inside `el` show in their own order: the box of its first
# group of digits lies left of the box of its last (bidi would otherwise put "84" before "02").
_IN_ORDER_JS = """(el) => {
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const groups = [...node.data.matchAll(/\\d+/g)];
    if (groups.length < 2) { continue; }
    const box = (m) => {
      const range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      return range.getBoundingClientRect();
    };
    return [box(groups[0]).left, box(groups[groups.length - 1]).left, node.data];
  }
  return null;
}"""


def _reads_in_order(link: Locator) -> None:
    first, last, text = link.evaluate(_IN_ORDER_JS)
    assert first < last, f"the number in {text!r} reads backwards"


def _directions(page: Page, frame: Frame, lang: str) -> None:
    """The page's and the map's documents say the language and its direction."""
    page.wait_for_function("l => document.documentElement.lang === l", arg=lang)
    assert page.evaluate("document.documentElement.dir") == direction(lang)
    html = frame.locator("html")
    expect(html).to_have_attribute("lang", lang)
    expect(html).to_have_attribute("dir", direction(lang))


def _search(page: Page, lang: str, place: str) -> None:
    box = page.locator(BAR).get_by_label(t("near_me", lang))
    box.wait_for(timeout=60_000)
    box.fill(place)
    box.press("Enter")
    page.wait_for_function("p => location.search.includes('near=' + p)", arg=place)
    wait_until_idle(page)


@pytest.mark.parametrize("lang", ["ar", "fa", "ti", "uk", "de"])
def test_the_map_page_with_a_search_and_a_popup_open(
    browser_page: BrowserPage, app_url: str, lang: str
) -> None:
    page = browser_page.page
    phone = browser_page.device == "phone"
    rtl = direction(lang) == "rtl"
    page.goto(f"{app_url}/?lang={lang}")
    wait_for_text(page, t("title", lang))
    _search(page, lang, "Namur")
    frame = map_frame(page)
    frame.locator(".lien-dot, .marker-cluster").first.wait_for(timeout=60_000)
    assert count_markers(frame) > 0
    _directions(page, frame, lang)

    # Said in its own language: a machine translation, with the French one tap away.
    expect(page.get_by_text(t("machine_translated", lang))).to_be_visible()
    expect(page.get_by_role("button", name=t("read_in_french", lang))).to_be_visible()

    # The legend swaps sides with the page: its box is in the map's left half right to left.
    legend = frame.locator(".lien-legend")
    legend_box, map_box = legend.bounding_box(), frame.locator(".leaflet-container").bounding_box()
    assert legend_box is not None
    assert map_box is not None
    left_half = legend_box["x"] + legend_box["width"] / 2 < map_box["x"] + map_box["width"] / 2
    assert left_half == rtl

    # A popup, opened as a visitor does, reads from the right in a right-to-left language and
    # its phone number, if any, in its own order.
    page.locator("iframe").first.scroll_into_view_if_needed()
    frame.locator(".lien-dot").first.click(force=True)
    content = frame.locator(".leaflet-popup-content")
    content.wait_for(timeout=30_000)
    align = content.evaluate("el => getComputedStyle(el).textAlign")
    assert align in (("right", "start") if rtl else ("left", "start"))
    assert content.evaluate("el => getComputedStyle(el).direction") == direction(lang)
    calls = content.locator("a[href^='tel:']")
    if calls.count():
        _reads_in_order(calls.first)

    if phone:
        card = page.locator(".lien-card").first
        card.wait_for(timeout=30_000)
        assert card.evaluate("el => getComputedStyle(el).direction") == direction(lang)
        for call in page.locator(".lien-card a.lien-call").all()[:5]:
            _reads_in_order(call)
    assert page.evaluate(_OVERFLOW_JS) <= 0
    assert browser_page.errors() == []


def _download(page: Page, label: str) -> bytes:
    """Tap the button named `label` as a visitor does; the file the browser saved."""
    button = page.get_by_role("button", name=label)
    button.wait_for(timeout=60_000)
    button.scroll_into_view_if_needed()
    with page.expect_download(timeout=60_000) as download:
        button.click()
    data = Path(download.value.path()).read_bytes()
    assert data.startswith(b"%PDF-")
    return data


@pytest.mark.parametrize("lang", ["ar", "fa", "ti", "uk"])
def test_the_handout_and_the_summary_print_in_the_visitor_s_language(
    browser_page: BrowserPage, app_url: str, lang: str
) -> None:
    page = browser_page.page
    page.goto(f"{app_url}/?lang={lang}")
    wait_for_text(page, t("title", lang))
    _search(page, lang, "Bruxelles")  # SESO, whose phone the brochure prints, is in Brussels
    pdf = _download(page, t("download_handout", lang))
    text = pdfs.read(pdf)
    for key in ("title", "handout_scan", "legend"):
        pdfs.assert_reads(t(key, lang), text)
    assert t("handout_replaced", lang) not in text  # every letter printed
    assert SESO_PHONE in pdfs.on_page(pdf)  # left to right on the page
    assert SESO_PHONE in pdfs.poppler(pdf)  # and copied whole
    # The QR code reopens this view, in this language, on this server.
    url = pdfs.qr_url(pdf)
    assert urlsplit(url).netloc == urlsplit(app_url).netloc, url
    query = parse_qs(urlsplit(url).query)
    assert query["lang"] == [lang], url
    # The place as understood: "Bruxelles / Brussel" in the languages that name it so.
    (near,) = query["near"]
    assert near.startswith("Bruxelles"), url
    page.goto(url)
    wait_for_text(page, t("title", lang))
    page.wait_for_function("l => document.documentElement.lang === l", arg=lang)
    assert page.evaluate("document.documentElement.dir") == direction(lang)
    expect(page.locator(BAR).get_by_label(t("near_me", lang))).to_have_value(near)

    page.goto(f"{app_url}/Couverture_Dekking_Coverage?lang={lang}")
    wait_for_text(page, t("coverage_title", lang))
    summary = _download(page, t("download_summary", lang))
    assert len(PdfReader(io.BytesIO(summary)).pages) <= 2
    text = pdfs.read(summary)
    for key in ("funder_summary", "old_source", "matrix_province"):
        pdfs.assert_reads(t(key, lang), text)
    assert t("handout_replaced", lang) not in text
    assert browser_page.errors() == []


@pytest.mark.parametrize(
    ("path", "title"),
    [("Couverture_Dekking_Coverage", "coverage_title"), ("Donnees_Gegevens_Data", "data_title")],
)
def test_the_coverage_and_data_pages_read_right_to_left_in_arabic(
    browser_page: BrowserPage, app_url: str, path: str, title: str
) -> None:
    page = browser_page.page
    page.goto(f"{app_url}/{path}?lang=ar")
    wait_for_text(page, t(title, "ar"))
    page.wait_for_function("document.documentElement.dir === 'rtl'")
    assert page.evaluate("document.documentElement.lang") == "ar"
    heading = page.get_by_role("heading", name=t(title, "ar")).first
    assert heading.evaluate("el => getComputedStyle(el).direction") == "rtl"
    wait_until_idle(page)
    assert page.evaluate(_OVERFLOW_JS) <= 0
    assert browser_page.errors() == []


@pytest.fixture
def phone_preferring(chromium: Browser) -> Iterator[Callable[[str], Page]]:
    """Opens a page in a fresh phone (a first visit) whose browser prefers the language given,
    with no internet. The picker under test is the phone's: no desktop run."""
    contexts: list[BrowserContext] = []

    def open_page(locale: str) -> Page:
        context = chromium.new_context(
            service_workers="block", **{**DEVICES["phone"], "locale": locale}
        )
        contexts.append(context)
        page = context.new_page()
        page.route(
            "**/*",
            lambda route: (
                route.continue_()
                if is_local(route.request.url)
                else route.abort("internetdisconnected")
            ),
        )
        return page

    yield open_page
    for context in contexts:
        context.close()


def test_a_first_visit_takes_the_browser_s_language_and_the_phone_s_picker_changes_it(
    phone_preferring: Callable[[str], Page], app_url: str
) -> None:
    page = phone_preferring("uk-UA")
    page.goto(app_url)
    wait_for_text(page, t("title", "uk"))
    page.wait_for_function("document.documentElement.lang === 'uk'")
    # The picker at the top of the phone's first screen, each language in its own name.
    picker = page.locator(PICKER)
    box = picker.bounding_box()
    assert box is not None
    assert box["y"] < 400
    choose(page, picker.locator("input"), LANGUAGE_NAMES["ar"])
    wait_for_text(page, t("title", "ar"))
    page.wait_for_function("document.documentElement.dir === 'rtl'")
    page.wait_for_function("location.search.includes('lang=ar')")
    # French, the texts' own language, is one tap away.
    page.get_by_role("button", name=t("read_in_french", "ar")).click()
    wait_for_text(page, t("title", "fr"))
    page.wait_for_function("document.documentElement.dir === 'ltr'")
    page.wait_for_function("location.search.includes('lang=fr')")
    expect(page.get_by_text(t("machine_translated", "fr"))).to_have_count(0)
