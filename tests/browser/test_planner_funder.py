"""The planner and the funder on the coverage page, in a real browser (FR and NL, phone and
desktop): the gaps of a service read as a sentence and a list after choosing it; the funder's
summary downloaded in the browser and opened (two A4 pages at most, every area, the matrix's
numbers); and the page printed by the browser, without blank pages or screen-only parts."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page
from pypdf import PdfReader

from lien import coverage, taxonomy
from lien.geo.areas import PROVINCE_CODES, province_names
from lien.i18n import t
from lien.ingest import directory
from tests.browser.conftest import BrowserPage, choose, reach_lower_charts, wait_for_text

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


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_funder_downloads_a_summary_of_two_pages(
    browser_page: BrowserPage, app_url: str, lang: str
) -> None:
    page = browser_page.page
    page.goto(f"{app_url}{PAGE}?lang={lang}")
    button = page.get_by_role("button", name=t("download_summary", lang))
    button.wait_for(timeout=60_000)
    with page.expect_download(timeout=60_000) as summary:
        button.click()
    pages, text = _pdf_text(Path(summary.value.path()).read_bytes())
    assert pages <= 2
    flat = re.sub(r"\s+", " ", text)
    for name in province_names(lang).values():
        assert name in flat or name.replace("-", "- ") in flat, name
    # The matrix's numbers: each service's row says its sites per area, as the page counts them.
    frame = directory.prepare(directory.read_directory().frame)
    table = coverage.matrix(frame, "province")
    housing = taxonomy.services().label("housing", lang)
    # The row reads its label, then one cell per area and the national column: a count, or ×
    # for a gap (the national column is not an area: 0 there).
    after = text[text.index(f"\n{housing}\n") + len(housing) + 2 :].split()
    cells = after[: len(PROVINCE_CODES) + 1]
    expected = [
        "×" if (c != "national" and table.at["housing", c] == 0) else str(table.at["housing", c])
        for c in [*PROVINCE_CODES, "national"]
    ]
    assert cells == expected
    assert t("old_source", lang).split(".")[0].replace("\n", " ") in flat
    assert browser_page.errors() == []


def test_printing_the_page_gives_the_summary_without_blank_pages(
    browser_page: BrowserPage, app_url: str
) -> None:
    page = browser_page.page
    page.goto(f"{app_url}{PAGE}?service=housing")
    wait_for_text(page, t("funder_summary", "fr"))
    # Printed once everything is drawn: the summary's last table, the gaps, is there.
    page.locator(".lien-table", has_text=t("col_gaps", "fr")).wait_for(timeout=30_000)
    # And the charts below the first, as a visitor who read down the page before printing saw them.
    reach_lower_charts(page)
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
    # The farthest municipalities are printed too, as a table with their distances.
    assert t("deserts_title", "fr", service="Logement").split("«")[0].strip() in flat
    assert t("col_nearest", "fr") in flat
