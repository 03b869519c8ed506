"""The planner and the funder on the coverage page, in a real browser (FR, NL and EN, phone and
desktop): the gaps of a service read as a sentence and a list after choosing it; that service
kept in the address and in every link of the downloads, which reopen it; the funder's summary
downloaded in the browser and opened (two A4 pages at most, every area, the matrix's numbers,
its headings whole); the downloads' opening lines in the visitor's language; after an upload,
the page opening on a service the file has; the heatmap whole at 1366 px and scrolling with a
cue on a phone; and the page printed by the browser, each table once, without blank pages or
screen-only parts."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page
from pypdf import PdfReader

from lien import coverage, taxonomy
from lien.geo.areas import NATIONAL, PROVINCE_CODES, area_label, province_names
from lien.i18n import t
from lien.ingest import directory
from tests.browser.conftest import (
    BrowserPage,
    choose,
    open_sidebar,
    reach_lower_charts,
    wait_for_text,
    wait_until_idle,
)
from tests.support.everyday import everyday_csv

PAGE = "/Couverture_Dekking_Coverage"


def _choose_service(page: Page, lang: str, service: str) -> None:
    """Pick a service in the page's own choice, as a planner does (click, type, Enter)."""
    choose(
        page, page.get_by_label(t("chosen_service", lang)), taxonomy.services().label(service, lang)
    )


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_planner_reads_where_housing_is_missing(
    browser_page: BrowserPage, app_url: str, lang: str
) -> None:
    page = browser_page.page
    page.goto(f"{app_url}{PAGE}?lang={lang}")
    wait_for_text(page, t("gap_heading", lang))
    _choose_service(page, lang, "housing")
    frame = directory.prepare(directory.read_directory().frame)
    holes = coverage.missing(coverage.matrix(frame, "province", ["housing"]), "housing")
    names = province_names(lang)
    expected = t(
        "gap_sentence",
        lang,
        service=taxonomy.services().label("housing", lang),
        areas=", ".join(names[c] for c in holes),
    )
    wait_for_text(page, expected)
    items = page.locator("li").all_inner_texts()
    assert [names[c] for c in holes] == [i for i in items if i in names.values()]
    assert browser_page.errors() == []


def _pdf_text(data: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), "\n".join(p.extract_text() for p in reader.pages)


def _download(page: Page, label: str) -> bytes:
    """Tap the download button named `label`, as a visitor does, and read what the browser
    saved. Scrolling to it may reach the lower charts: they rerun alone (a fragment), so the
    button keeps the file it stands for and one tap is enough."""
    button = page.get_by_role("button", name=label)
    button.wait_for(timeout=60_000)
    button.scroll_into_view_if_needed()
    with page.expect_download(timeout=30_000) as download:
        button.click()
    return Path(download.value.path()).read_bytes()


def _map_service(page: Page, url: str, lang: str, service: str) -> None:
    """Open the coverage page at `url` and choose `service` to map; wait until the address has
    it and the page has drawn its answer."""
    page.goto(url)
    wait_for_text(page, t("gap_heading", lang))
    _choose_service(page, lang, service)
    page.wait_for_url(re.compile(rf"[?&]focus={service}"), timeout=30_000)
    wait_until_idle(page)


def _csv_about(data: bytes) -> tuple[list[str], dict[str, str]]:
    """A CSV download's first line, and its lines about itself as {label: value}."""
    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    about = {row[0]: row[1] for row in lines[1 : lines.index([])] if len(row) >= 2}
    return lines[0], about


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_funder_downloads_a_summary_of_two_pages(
    browser_page: BrowserPage, app_url: str, lang: str
) -> None:
    page = browser_page.page
    _map_service(page, f"{app_url}{PAGE}?lang={lang}", lang, "housing")
    pages, text = _pdf_text(_download(page, t("download_summary", lang)))
    assert pages <= 2
    flat = re.sub(r"\s+", " ", text)
    # The farthest municipalities' heading names the service, and no text has a field unfilled.
    housing_label = taxonomy.services().label("housing", lang)
    assert t("deserts_title", lang, service=housing_label) in flat
    assert "{" not in flat
    assert "}" not in flat
    for name in province_names(lang).values():
        assert name in flat or name.replace("-", "- ") in flat, name
    # The matrix's numbers: each service's row says its sites per area, as the page counts them.
    frame = directory.prepare(directory.read_directory().frame)
    table = coverage.matrix(frame, "province")
    housing = taxonomy.services().label("housing", lang)
    # The row reads its label, then one cell per area and the national column: a count, or ×
    # for a gap (the national column is not an area: 0 there).
    row = re.search(rf"^{re.escape(housing)}\s", text, re.MULTILINE)
    assert row is not None, text
    after = text[row.end() :].split()
    cells = after[: len(PROVINCE_CODES) + 1]
    expected = [
        "×" if (c != "national" and table.at["housing", c] == 0) else str(table.at["housing", c])
        for c in [*PROVINCE_CODES, "national"]
    ]
    assert cells == expected
    assert t("old_source", lang).split(".")[0].replace("\n", " ") in flat
    assert browser_page.errors() == []


def _boxes(page: Page, name: str) -> int:
    """How many table boxes the page shows named `name` (their aria-label)."""
    return page.locator(f'.lien-table[aria-label="{name}"]').count()


def test_each_table_shows_once_and_printing_gives_the_summary_without_blank_pages(
    browser_page: BrowserPage, app_url: str
) -> None:
    page = browser_page.page
    page.goto(f"{app_url}{PAGE}?service=housing")
    wait_for_text(page, t("funder_summary", "fr"))
    # Printed once everything is drawn: the summary's last table, the gaps, is there.
    page.locator(".lien-table", has_text=t("col_gaps", "fr")).wait_for(timeout=30_000)
    # And the charts below the first, as a visitor who read down the page before printing saw them.
    reach_lower_charts(page)
    # On screen, the matrix and the farthest municipalities once each.
    deserts = t("deserts_title", "fr", service="Logement")
    assert _boxes(page, t("matrix_province", "fr")) == 1
    assert _boxes(page, deserts) == 1
    assert page.get_by_role("heading", name=deserts).count() == 1
    page.emulate_media(media="print")
    data = page.pdf(format="A4", print_background=True)
    reader = PdfReader(io.BytesIO(data))
    texts = [re.sub(r"\s+", " ", p.extract_text() or "") for p in reader.pages]
    # A desktop prints on A4 at its own width; a phone lays the page out at its narrow CSS width
    # first, so the same content takes a page more.
    most = 3 if browser_page.device == "desktop" else 4
    assert len(texts) <= most, [text[:300] for text in texts]
    assert all(len(text.strip()) > 80 for text in texts), "a blank page was printed"
    flat = " ".join(texts)
    for name in province_names("fr").values():  # a header may wrap after a hyphen
        assert name in flat or name.replace("-", "- ") in flat, name
    assert t("print_hint", "fr")[:30] not in flat  # the hint is for the screen only
    assert t("gap_sentence", "fr", service="Logement", areas="")[:20] in flat
    # The matrix (the heatmap, printed whole) and the services with the most gaps.
    assert t("matrix_province", "fr") in flat
    assert t("top_gaps", "fr") in flat
    assert t("heatmap_scroll", "fr")[:30] not in flat  # nothing to scroll on paper
    # The farthest municipalities are printed too, once, as a table with their distances.
    assert flat.count(deserts.split("«")[0].strip()) == 1
    assert t("col_nearest", "fr") in flat


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_the_service_chosen_is_in_the_address_and_every_link_of_the_downloads_reopens_it(
    browser_page: BrowserPage, app_url: str, lang: str
) -> None:
    page = browser_page.page
    _map_service(page, f"{app_url}{PAGE}?lang={lang}", lang, "legal_aid")
    label = taxonomy.services().label("legal_aid", lang)
    links = []
    # The matrix's and the distances' CSV: every line about the file in the visitor's language,
    # the marker first, and the link to the view.
    for button in ("download_matrix_csv", "download_distance_csv"):
        first, about = _csv_about(_download(page, t(button, lang)))
        assert first[0] == t("about_marker", lang)
        assert first[1].startswith(t("about_table_starts", lang, line=0)[:-1])
        assert t("about_view", lang) in about
        assert t("about_what", lang) in about
        links.append(about[t("about_view", lang)])
    # The funder summary prints the same link.
    _, text = _pdf_text(_download(page, t("download_summary", lang)))
    flat = re.sub(r"\s+", "", text)  # a long link wraps anywhere
    assert links[0].replace(" ", "") in flat
    # The service, and the language (always said: a link keeps the language it was made in).
    expected = {"focus": ["legal_aid"], "lang": [lang]}
    assert all(parse_qs(urlsplit(link).query) == expected for link in links), links
    assert links[0] == links[1]
    assert links[0].startswith(app_url + PAGE)
    # Opening the link (a new visit) shows that service again.
    page.goto(links[0])
    wait_for_text(page, t("gap_heading", lang))
    wait_until_idle(page)
    box = page.get_by_label(t("chosen_service", lang))
    assert box.input_value() == label
    wait_for_text(page, t("deserts_title", lang, service=label))
    assert browser_page.errors() == []


def _go_to(page: Page, title: str) -> None:
    """Open another page of the session with its link in the sidebar, as a visitor does (a new
    address would be a new session, without the upload)."""
    open_sidebar(page)
    page.get_by_test_id("stSidebarNav").get_by_text(t(title, "fr"), exact=True).click()


def test_after_an_upload_the_page_opens_on_a_service_the_file_has(
    browser_page: BrowserPage, app_url: str
) -> None:
    page = browser_page.page
    page.goto(app_url)
    _go_to(page, "page_data")
    wait_for_text(page, t("data_title", "fr"))
    # A network's own 15 rows: legal aid is the one service two of them offer, and none offers
    # the first service of the list (reception), which the page used to open on.
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
        files=[{"name": "réseau.csv", "mimeType": "text/csv", "buffer": everyday_csv()}]
    )
    page.get_by_role("button", name=t("use_upload", "fr")).click()
    wait_for_text(page, t("upload_in_use", "fr", name="réseau.csv"))
    _go_to(page, "page_coverage")
    wait_for_text(page, t("gap_heading", "fr"))
    wait_until_idle(page)
    box = page.get_by_label(t("chosen_service", "fr"))
    assert box.input_value() == "Aide juridique"
    page.wait_for_url(re.compile(r"[?&]focus=legal_aid"), timeout=30_000)
    items = page.locator("li").all_inner_texts()
    shown = [i for i in items if i in province_names("fr").values()]
    assert 0 < len(shown) < len(PROVINCE_CODES)  # not a gap everywhere
    # The visitor's own choice always wins, even a service the file lacks.
    _choose_service(page, "fr", "reception")
    page.wait_for_url(re.compile(r"[?&]focus=reception"), timeout=30_000)
    wait_until_idle(page)
    assert box.input_value() == taxonomy.services().label("reception", "fr")
    assert browser_page.errors() == []


# The heatmap's box, its header cells and whether their text shows whole: inside its cell (not
# clipped) and inside the box (not scrolled out of view).
_HEATMAP_JS = """(box) => {
  const frame = box.getBoundingClientRect();
  const heads = [...box.querySelectorAll('thead th')].map((th) => {
    const range = document.createRange();
    range.selectNodeContents(th);
    const text = range.getBoundingClientRect();
    const cell = th.getBoundingClientRect();
    const within = (a, b) => a.left >= b.left - 1 && a.right <= b.right + 1
      && a.top >= b.top - 1 && a.bottom <= b.bottom + 1;
    return {
      name: th.textContent,
      clipped: th.scrollWidth > th.clientWidth || th.scrollHeight > th.clientHeight,
      inCell: within(text, cell),
      inBox: text.left >= frame.left - 1 && text.right <= frame.right + 1,
    };
  });
  const first = box.querySelector('tbody th').getBoundingClientRect();
  return {
    scrollWidth: box.scrollWidth, clientWidth: box.clientWidth,
    right: frame.right, viewport: window.innerWidth, heads,
    firstLeft: first.left - frame.left,
    edge: getComputedStyle(box, '::after').content,
  };
}"""


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_the_heatmap_fits_a_1366_screen_and_scrolls_on_a_phone_with_a_cue(
    browser_page: BrowserPage, app_url: str, lang: str
) -> None:
    page = browser_page.page
    phone = browser_page.device == "phone"
    if not phone:
        page.set_viewport_size({"width": 1366, "height": 768})  # a common laptop
    page.goto(f"{app_url}{PAGE}?lang={lang}")
    box = page.locator(".lien-heatmap").first
    box.wait_for(timeout=60_000)
    wait_until_idle(page)
    box.scroll_into_view_if_needed()
    seen: dict[str, Any] = box.evaluate(_HEATMAP_JS)
    # The corner, then the 11 areas and the national/online column, each named in full.
    names = [h["name"] for h in seen["heads"]]
    assert names[1:] == [area_label(code, lang) for code in [*PROVINCE_CODES, NATIONAL]]
    assert not [h["name"] for h in seen["heads"] if h["clipped"] or not h["inCell"]]
    cue = page.get_by_text(t("heatmap_scroll", lang))
    if not phone:
        # Whole: no sideways scroll, every header readable, no cue.
        assert seen["scrollWidth"] <= seen["clientWidth"], seen
        assert seen["right"] <= seen["viewport"]
        assert not [h["name"] for h in seen["heads"] if not h["inBox"]]
        assert not cue.first.is_visible()
        assert seen["edge"] in ("none", "normal")
    else:
        # Wider than a phone: it scrolls, says so, and shades the edge where it goes on.
        assert seen["scrollWidth"] > seen["clientWidth"], seen
        assert cue.first.is_visible()
        assert seen["edge"] not in ("none", "normal")
        # Scrolled to its end, the services' column stays in view and the last area shows.
        box.evaluate("(box) => { box.scrollLeft = box.scrollWidth; }")
        page.wait_for_timeout(300)
        end: dict[str, Any] = box.evaluate(_HEATMAP_JS)
        assert abs(end["firstLeft"]) <= 1, end["firstLeft"]
        assert end["heads"][-1]["inBox"], end["heads"][-1]
    assert browser_page.errors() == []
