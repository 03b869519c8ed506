"""The coordinator's journey with a Flemish partner list as people make it (issue 27), through the
real Data page in Dutch: a workbook with a title row, a blank row, the column names on row 3 and
services written as free text. The header row is found, every row is kept (the interpreting
partner too, whose service Lien doesn't know: shown as offering a service not stated), the report
is read whole, another header row can be chosen, the cleaned file names the coordinator's file,
and once used, the rows are counted on the map, the interpreting partner's popup saying its
service is not stated. Then a hostile text file: its Excel download reads back."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from lien.display import label_sep
from lien.i18n import t
from lien.ingest import directory, tabular
from tests.browser.conftest import (
    MAP_IFRAME,
    BrowserPage,
    map_frame,
    open_sidebar,
    settled_count,
    wait_for_text,
    wait_until_idle,
)
from tests.support.flemish import HEADER_ROW, NAME, ROWS, partners_xlsx

DATA_PAGE = "Donnees_Gegevens_Data"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Every row names an organisation and a place: all are kept, "tolken en vertalen" too (Lien has
# no interpreting service: that partner is shown as offering a service not stated).
KEPT = len(ROWS)
INTERPRETING = "Tolkendienst Voorbeeld"


def _upload(page: Page, name: str, data: bytes, mime: str) -> None:
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
        files=[{"name": name, "mimeType": mime, "buffer": data}]
    )


def _metric(page: Page, label: str) -> str:
    """The value of the metric whose label is exactly `label`."""
    metric = page.get_by_test_id("stMetric").filter(
        has=page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True)
    )
    return metric.get_by_test_id("stMetricValue").first.inner_text().strip()


def _download(page: Page, label: str) -> bytes:
    """The file a download button gives, as the browser saved it."""
    button = page.get_by_test_id("stDownloadButton").filter(has_text=label).locator("button").first
    with page.expect_download(timeout=60_000) as caught:
        button.click()
    return Path(caught.value.path()).read_bytes()


def _header_row(page: Page, row: int) -> None:
    """Type a row number into "Rij met de kolomnamen", as a coordinator does."""
    box = page.get_by_label(t("header_row", "nl"), exact=True)
    box.fill(str(row))
    box.press("Enter")
    wait_until_idle(page)


def _close_sidebar(page: Page) -> None:
    """Fold the sidebar away, as a phone's visitor does once a filter is set (it covers the page
    there), with its "«" button."""
    page.get_by_test_id("stSidebarCollapseButton").locator("button").click()
    page.get_by_test_id("stExpandSidebarButton").wait_for(timeout=30_000)
    page.wait_for_timeout(500)  # the slide-out animation


# Whether the message cells of the problems table show their whole text (wrapped, not cut) and
# the table fits its box.
_WHOLE_JS = """(box) => {
  const cells = [...box.querySelectorAll('td')];
  return box.scrollWidth <= box.clientWidth + 1
    && cells.every(td => td.scrollWidth <= td.clientWidth + 1);
}"""


def test_a_partner_list_with_title_rows_is_read_kept_and_mapped(
    browser_page: BrowserPage, app_url: str
) -> None:
    page = browser_page.page
    page.goto(f"{app_url}/{DATA_PAGE}?lang=nl")
    wait_for_text(page, t("data_title", "nl"))
    # The page says where the column names go before any file is sent.
    wait_for_text(page, "Dat hoeft niet de eerste rij te zijn")
    _upload(page, NAME, partners_xlsx(), XLSX)
    wait_for_text(page, t("m_kept", "nl"))
    wait_until_idle(page)
    assert _metric(page, t("m_rows_read", "nl")) == str(len(ROWS))
    assert _metric(page, t("m_kept", "nl")) == str(KEPT)
    assert _metric(page, t("m_kept_warned", "nl")) == "1"
    assert _metric(page, t("m_set_aside", "nl")) == "0"
    assert page.get_by_label(t("header_row", "nl"), exact=True).input_value() == str(HEADER_ROW)
    assert page.get_by_text("kolomnamen gevonden op rij 3").is_visible()
    assert page.get_by_text("LIEN_GEOCODER=nominatim", exact=False).first.is_visible()
    assert page.get_by_test_id("stAlertContentError").count() == 0

    # The problems table: one row, its message whole, in Dutch, never "None", never "code".
    table = page.locator('.lien-table[aria-label="Te verbeteren problemen"]')
    table.scroll_into_view_if_needed()
    rows = table.locator("tbody tr")
    assert rows.count() == 1
    cells = [c.strip() for c in rows.first.locator("th, td").all_inner_texts()]
    assert cells == [
        str(HEADER_ROW + 4),
        "services",
        "Lien kent de dienst 'tolken en vertalen' niet: schrijf een dienst uit de lijst 'Het"
        " verwachte bestand' onderaan deze pagina (in het Nederlands, Frans of Engels); waarde"
        " weggelaten, rij behouden",
    ]
    assert table.evaluate(_WHOLE_JS)
    assert settled_count(page, expected=KEPT, timeout_s=60.0) == KEPT

    # A wrong row chosen: the red box says why and what to do; the right one brings all back.
    _header_row(page, 1)
    error = page.get_by_test_id("stAlertContentError")
    error.first.wait_for(timeout=60_000)
    said = error.first.inner_text()
    assert said.startswith(f"{NAME} kan niet gelezen worden:")
    assert "organisation: geen enkele kolom werd herkend" in said
    assert "rij met de kolomnamen" in said
    assert "None" not in page.locator("section.main, [data-testid='stMain']").first.inner_text()
    _header_row(page, HEADER_ROW)
    error.first.wait_for(state="detached", timeout=60_000)
    wait_until_idle(page)
    assert _metric(page, t("m_kept", "nl")) == str(KEPT)

    # The cleaned file, as the browser downloads it: it names the coordinator's file.
    cleaned = _download(page, t("download_cleaned_csv", "nl"))
    head, _ = cleaned.decode("utf-8-sig").split("\r\n\r\n", 1)  # the lines above the table
    assert f"Bron: {NAME}. Controleer de gegevens bij de organisatie." in head
    assert "2016" not in head
    reread = directory.read_directory(cleaned)
    assert reread.problems == []
    assert len(reread.frame) == KEPT
    assert set(reread.frame["services"]) >= {"language_classes", "mental_health", "minors"}
    assert reread.frame.set_index("organisation").at[INTERPRETING, "services"] == ""

    # Used for this session: the map counts its rows.
    page.get_by_role("button", name=t("use_upload", "nl")).click()
    wait_for_text(page, "tonen nu")
    open_sidebar(page)
    # The map's link: "Kaart" (opened at a page's own address, the sidebar names the pages by
    # their files, "Carte Kaart Map").
    nav = page.get_by_test_id("stSidebarNav")
    nav.get_by_text(re.compile(rf"(^|\s){t('page_map', 'nl')}(\s|$)")).first.click()
    wait_for_text(page, NAME)
    assert settled_count(page, expected=KEPT, timeout_s=60.0) == KEPT
    frame = map_frame(page)
    # Its grey dot is in the legend, which names it now that such a site is shown (on a phone the
    # legend starts folded: the visitor opens it, then folds it again).
    legend = frame.locator(".lien-legend summary")
    folded = browser_page.device == "phone"
    if folded:
        legend.tap()
    unstated = frame.locator(".lien-legend-unstated")
    expect(unstated).to_be_visible(timeout=30_000)
    assert unstated.inner_text().strip() == t("service_not_stated", "nl")
    if folded:
        legend.tap()

    # The interpreting partner, searched by name as a visitor would: its popup says its service
    # is not stated, under "more".
    open_sidebar(page)
    search = page.get_by_label(t("keyword", "nl"), exact=True)
    search.fill("Tolkendienst")
    search.press("Enter")
    wait_until_idle(page)
    assert settled_count(page, expected=1, timeout_s=60.0) == 1
    if browser_page.device == "phone":
        _close_sidebar(page)
        card = page.locator(".lien-card").filter(has_text=INTERPRETING)
        assert t("service_not_stated", "nl") in card.inner_text()
    dot = frame.locator(".lien-dot").first
    assert "#999999" in (dot.locator("span").get_attribute("style") or "")
    page.locator(MAP_IFRAME).scroll_into_view_if_needed()
    dot.tap() if browser_page.device == "phone" else dot.click()
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for(timeout=30_000)
    assert INTERPRETING in popup.inner_text()
    more = popup.locator("summary")
    more.tap() if browser_page.device == "phone" else more.click()
    said = popup.inner_text()
    assert f"{t('col_services', 'nl')}{label_sep('nl')}{t('service_not_stated', 'nl')}" in said
    # A view without such a site: the legend no longer names it.
    open_sidebar(page)
    search.fill("Taalpunt")
    search.press("Enter")
    wait_until_idle(page)
    expect(frame.locator('.lien-dot[aria-label^="Taalpunt"]')).to_have_count(1, timeout=60_000)
    assert unstated.evaluate("el => getComputedStyle(el).display") == "none"
    assert page.get_by_test_id("stException").count() == 0
    assert browser_page.errors() == []


def test_a_file_with_control_characters_downloads_as_a_workbook_lien_reads(
    browser_page: BrowserPage, app_url: str
) -> None:
    """A UTF-16 CSV holding NUL, U+FFFE and U+FFFF: the page says what it removed, and the Excel
    download, as the browser saves it, is well-formed and reads back."""
    page = browser_page.page
    page.goto(f"{app_url}/{DATA_PAGE}?lang=nl")
    wait_for_text(page, t("data_title", "nl"))
    text = (
        "Naam\tAdres\tPostcode\tGemeente\tDiensten\n"
        "Onthaal\x00 Voorbeeld\tVoorbeeldstraat 1\t9000\tGent\thuisvesting\ufffe\n"
        "Taalpunt\uffff Voorbeeld\tTeststraat 2\t2000\tAntwerpen\ttaallessen NT2\n"
    )
    _upload(page, "stuurtekens.csv", text.encode("utf-16"), "text/csv")
    wait_for_text(page, t("m_kept", "nl"))
    assert _metric(page, t("m_kept", "nl")) == "2"
    assert page.get_by_text("onzichtbare stuurtekens verwijderd", exact=False).is_visible()
    workbook = _download(page, t("download_cleaned_xlsx", "nl"))
    table = tabular.read_bytes(workbook, "stuurtekens-lien.xlsx")
    assert list(table.frame["organisation"]) == ["Onthaal Voorbeeld", "Taalpunt Voorbeeld"]
    assert list(table.frame["services"]) == ["housing", "language_classes"]
    assert browser_page.errors() == []
