"""Hostile input through the real site: crafted links stay text, hostile files end in a message,
and an upload lost to a server restart is said, not silently dropped."""

from __future__ import annotations

import csv
import io
import os
import re
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from lien import taxonomy
from lien.i18n import t
from lien.outputs.handout import MAX_PAGES
from lien_dev import harness, hostile
from tests.browser.conftest import DEVICES, BrowserPage, wait_for_text

DATA_PAGE = "Donnees_Gegevens_Data"


def _upload(page: Page, name: str, data: bytes) -> None:
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
        files=[{"name": name, "mimeType": "application/octet-stream", "buffer": data}]
    )


def test_a_crafted_place_query_forms_no_link(browser_page: BrowserPage, app_url: str) -> None:
    page = browser_page.page
    page.goto(f"{app_url}/?near={quote('call www.evil.com or help@evil.com')}")
    wait_for_text(page, "Aucun lieu belge trouvé")
    alert = page.get_by_test_id("stAlert").filter(has_text="Aucun lieu belge trouvé").first
    expect(alert).to_contain_text("« call www.evil.com or help@evil.com »")
    assert alert.locator("a").count() == 0
    assert browser_page.errors() == []


@pytest.mark.parametrize(
    ("maker", "message"),
    [
        ("xlsx_dimension_bomb", "Lignes lues"),
        ("xlsx_wide_row", "16384 colonnes ; au plus 100"),
        ("xlsx_entities", "ce fichier .xlsx est illisible"),
        ("hsds_deep_datapackage", "datapackage.json n'est pas un JSON valide"),
        # The problem itself is listed in the report's table (a canvas grid, not text in the DOM).
        ("csv_unclosed_quote", "Problèmes à corriger"),
    ],
)
def test_a_hostile_upload_ends_in_a_message(
    browser_page: BrowserPage, app_url: str, maker: str, message: str
) -> None:
    page = browser_page.page
    page.goto(f"{app_url}/{DATA_PAGE}")
    wait_for_text(page, "Données")
    name, data = hostile.UPLOADS[maker]()
    _upload(page, name, data)
    wait_for_text(page, message)
    assert page.get_by_test_id("stException").count() == 0
    assert browser_page.errors() == []


def test_rows_set_aside_download_in_the_browser(browser_page: BrowserPage, app_url: str) -> None:
    """The coordinator's path: upload, read the report, download what was set aside, open it."""
    page = browser_page.page
    page.goto(f"{app_url}/{DATA_PAGE}")
    wait_for_text(page, "Données")
    text = (
        "Nom;Adresse;Code postal;Commune;Services;=cmd|' /C calc'!A0\n"
        "Maison ouverte;Rue Haute 1;1000;Bruxelles;Logement;\n"
        "Foutje;Nergens 1;99999;Nergens;Logement;\n"
    )
    _upload(page, "réseau.csv", text.encode("cp1252"))
    wait_for_text(page, "Lignes mises de côté")
    button = (
        page.get_by_test_id("stDownloadButton")
        .filter(has_text="Lignes mises de côté (CSV)")
        .locator("button")
        .first
    )
    with page.expect_download() as caught:
        button.click()
    path = Path(caught.value.path())
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))
    # The uploaded header is neutralised too; the row comes back as uploaded, with its problems.
    assert rows[0][:2] == ["row", "Nom"]
    assert rows[0][6] == "'=cmd|' /C calc'!A0"
    assert [r[2] for r in rows[1:]] == ["Nergens 1"]
    assert "99999" in rows[1][-1]
    assert browser_page.errors() == []


class OwnServer:
    """The app on a port of its own, which a test may restart."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir, self.port, self.starts = log_dir, harness.free_port(), 0
        self.process, self.url = self._start()

    def _start(self) -> tuple[object, str]:
        self.starts += 1
        return harness.start_app(self.log_dir / f"server-{self.starts}.log", port=self.port)

    def restart(self, down_s: float = 3.0) -> None:
        """Kill the server at once (as a crash or a redeploy does), leave it down for `down_s`,
        start it again on the same port."""
        process = self.process
        os.killpg(process.pid, signal.SIGKILL)  # type: ignore[attr-defined]
        process.wait(10)  # type: ignore[attr-defined]
        time.sleep(down_s)
        self.process, self.url = self._start()

    def stop(self) -> None:
        harness.stop(self.process)  # type: ignore[arg-type]


@pytest.fixture
def own_server(chromium: Browser, device: str, tmp_path: Path) -> Iterator[tuple[Page, OwnServer]]:
    """A page (no internet) and a server of its own."""
    server = OwnServer(tmp_path)
    context = chromium.new_context(**DEVICES[device])
    page = context.new_page()
    page.route(
        "**/*",
        lambda route: (
            route.continue_()
            if harness.is_local(route.request.url)
            else route.abort("internetdisconnected")
        ),
    )
    try:
        yield page, server
    finally:
        context.close()
        server.stop()


def test_an_upload_lost_to_a_restart_is_said(own_server: tuple[Page, OwnServer]) -> None:
    """The server restarts while it checks an upload: when the page comes back, it says the file
    was lost instead of showing an empty page under the file's name."""
    page, server = own_server
    page.goto(f"{server.url}/{DATA_PAGE}")
    wait_for_text(page, "Données")
    name, data = hostile.csv_many_problems(40_000)
    _upload(page, name, data)
    page.get_by_test_id("stProgress").first.wait_for(timeout=60_000)
    # The server goes away mid-check and comes back on the same address; the browser reconnects
    # by itself and runs the page again with the uploader's state, whose file is gone.
    server.restart()
    wait_for_text(page, "Le fichier choisi n'est plus sur le serveur", timeout_ms=90_000)
    assert page.get_by_text(name).first.is_visible()


def test_the_handout_of_a_view_naming_every_service_is_bounded(
    browser_page: BrowserPage, app_url: str
) -> None:
    """The hostile visitor's workbook (300 sites, each naming all 20 services, with 5,000-character
    hours): upload it, use it, go to the map, tap the handout. It was a 1,501-page PDF built in
    the server; it is one of at most MAX_PAGES pages of listings, saying where it stopped."""
    page = browser_page.page
    page.goto(f"{app_url}/{DATA_PAGE}")
    wait_for_text(page, "Données")
    name, data = hostile.xlsx_every_service()
    _upload(page, name, data)
    page.get_by_role("button", name=t("use_upload", "fr")).click()
    wait_for_text(page, name)
    if browser_page.device == "phone":
        page.get_by_test_id("stExpandSidebarButton").click()
    page.get_by_test_id("stSidebarNav").get_by_text(t("page_map", "fr"), exact=True).click()
    wait_for_text(page, "300 sites de 300 organisations")
    with page.expect_download(timeout=120_000) as caught:
        page.get_by_role("button", name=t("download_handout", "fr")).click()
    pdf = PdfReader(io.BytesIO(Path(caught.value.path()).read_bytes()))
    assert len(pdf.pages) <= MAX_PAGES + 2
    text = " ".join(" ".join(p.extract_text() for p in pdf.pages).split())
    assert "Organisation 000" in text
    assert "autres fiches, au-delà des 20 pages" in text
    assert page.get_by_test_id("stException").count() == 0
    assert browser_page.errors() == []


@pytest.mark.parametrize("repeats", [1_000, 5_000])
def test_a_link_repeating_a_parameter_past_streamlit_s_limit_keeps_its_view(
    browser_page: BrowserPage, app_url: str, repeats: int
) -> None:
    """Streamlit drops a whole query of more than 1,000 parameters: `?lang=en` followed by
    1,000 `service=housing` opened the map in French with no filter, silently."""
    page = browser_page.page
    page.goto(f"{app_url}/?lang=en" + "&service=housing" * repeats + "&service=legal_aid")
    page.wait_for_url(re.compile(r"/\?lang=en&service=housing&service=legal_aid$"), timeout=60_000)
    wait_for_text(page, "organisations shown")
    for service in ("housing", "legal_aid"):
        label = taxonomy.services().label(service, "en")
        # Its chip, which removes it (below the results on a phone).
        chip = page.get_by_role("button", name=re.compile(label)).first
        expect(chip).to_be_attached(timeout=30_000)
    assert page.get_by_test_id("stException").count() == 0
    assert browser_page.errors() == []
