"""The offline map file of a view holding sites whose service is not stated, opened from disk in
headless chromium with no network: their grey dots are named in the legend, and the list says
"service not stated". (The app's map, the popup and the cards: test_partner_list_browser.py.)"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from playwright.sync_api import expect

from lien import taxonomy
from lien.filters import Filters, apply
from lien.i18n import t
from lien.ingest import directory
from tests.browser.conftest import settled_count
from tests.browser.test_offline_file import OfflinePage, _open, offline_page  # noqa: F401
from tests.test_service_not_stated import NAMES, _directory_bytes


def test_the_offline_file_names_the_grey_dots_in_its_legend(
    offline_page: OfflinePage,  # noqa: F811
    tmp_path: Path,
) -> None:
    frame = directory.prepare(directory.read_directory(_directory_bytes()).frame)
    located = int(frame["_located"].sum())
    _open(offline_page, frame, None, tmp_path)
    page = offline_page.page
    assert settled_count(page, page.main_frame, located) == located
    legend = page.locator(".lien-map details.lien-legend")
    if not legend.evaluate("el => el.open"):
        legend.locator("summary").tap()  # folded on a phone: the visitor opens it
    entry = legend.locator(".lien-legend-unstated")
    expect(entry).to_be_visible()
    assert entry.inner_text().strip() == t("service_not_stated", "fr")
    swatch = entry.locator(".lien-swatch").evaluate("el => getComputedStyle(el).backgroundColor")
    assert swatch == "rgb(153, 153, 153)"
    assert taxonomy.UNSTATED_COLOUR == "#999999"
    rows = page.locator("table.lien-sites tbody tr")
    for name in NAMES:
        assert t("service_not_stated", "fr") in rows.filter(has_text=name).inner_text()
    assert offline_page.errors() == []


def test_an_offline_file_without_such_a_site_does_not_name_them(
    offline_page: OfflinePage,  # noqa: F811
    tmp_path: Path,
) -> None:
    frame = directory.prepare(directory.read_directory(_directory_bytes()).frame)
    housing: pd.DataFrame = apply(frame, Filters(services=("housing",)))
    _open(offline_page, housing, None, tmp_path)
    page = offline_page.page
    located = int(housing["_located"].sum())
    assert settled_count(page, page.main_frame, located) == located
    entry = page.locator(".lien-map .lien-legend-unstated")
    assert entry.evaluate("el => getComputedStyle(el).display") == "none"
    assert offline_page.errors() == []
