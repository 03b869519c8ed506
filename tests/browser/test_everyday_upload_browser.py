"""A coordinator's own spreadsheet through the real Data page: a Windows-1252 file with ';' and the
labels people write ("Réfugiés", "Vluchtelingen", "Tout public", "Parrainage"…) keeps all its
rows, in French and in Dutch, and all of them are on the preview map."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import BrowserPage, settled_count, wait_for_text
from tests.support.everyday import ROWS, everyday_csv

DATA_PAGE = "Donnees_Gegevens_Data"


def _upload(page: Page, name: str, data: bytes) -> None:
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": data}]
    )


def _metric(page: Page, label: str) -> str:
    """The value of the metric whose label is exactly `label`."""
    metric = page.get_by_test_id("stMetric").filter(
        has=page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True)
    )
    return metric.get_by_test_id("stMetricValue").first.inner_text().strip()


@pytest.mark.parametrize(
    ("query", "title", "kept", "aside"),
    [
        ("", "Vos données", "Lignes gardées", "Lignes mises de côté"),
        ("?lang=nl", "Uw gegevens", "Rijen behouden", "Rijen apart gezet"),
    ],
    ids=["fr", "nl"],
)
def test_an_everyday_file_keeps_all_its_rows_and_maps_them(
    browser_page: BrowserPage, app_url: str, query: str, title: str, kept: str, aside: str
) -> None:
    page = browser_page.page
    page.goto(f"{app_url}/{DATA_PAGE}{query}")
    wait_for_text(page, title)
    _upload(page, "réseau.csv", everyday_csv())
    wait_for_text(page, kept)
    assert len(ROWS) == 15
    assert _metric(page, kept) == "15"
    assert _metric(page, aside) == "0"
    assert settled_count(page, expected=15, timeout_s=60.0) == 15
    assert page.get_by_test_id("stException").count() == 0
    assert browser_page.errors() == []
