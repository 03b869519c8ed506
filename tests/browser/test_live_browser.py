"""A publish reaches an already open page within seconds, without a reload: the page open on the
map, the store gets a new phone number for a seed site (lien.store.publish: the reviewers' page
comes later), and the page shows it where the visitor reads it: on a phone its card, on a
desktop the site's popup (a desktop's table is drawn on a canvas; the popup's text is made only
when it opens). The view is the one site (a keyword search), so its dot is the one to open."""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import quote

from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from lien import store
from lien_dev import harness
from tests.browser.conftest import BrowserPage, map_frame, wait_until_idle
from tests.browser.test_attendee import _open_a_popup

SITE = "apd-namur"
# A keyword that finds that site only.
QUERY = "Aide aux Personnes Déplacées Namur"
OLD_PHONE = "085 21 34 81"
NEW_PHONE = "081 99 99 99"
# The issue asks for < 5 s from a reviewer's accept; the test allows 10 on a busy machine.
WITHIN_MS = 10_000


def _shows(page: Page, phone: bool, text: str) -> bool:
    """Whether the page shows `text` where the visitor reads it: a phone's cards; on a desktop,
    the essentials of the site's popup ("Appeler le …"), opened as a visitor opens it when no
    popup is open (a rerun that redraws the map closes it)."""
    if phone:
        return bool(
            page.evaluate(
                "t => [...document.querySelectorAll('.lien-card')]"
                ".some(card => card.textContent.includes(t))",
                text,
            )
        )
    frame = map_frame(page)
    actions = frame.locator(".leaflet-popup-content .lien-pa")
    try:
        if not actions.count():
            _open_a_popup(page, frame, phone)
        return text in actions.first.inner_text(timeout=2_000)
    except (AssertionError, PlaywrightTimeoutError):
        return False  # the map was being redrawn: the next turn opens the new one's popup


def _wait_until_shown(page: Page, phone: bool, text: str, timeout_ms: float) -> None:
    deadline = time.monotonic() + timeout_ms / 1000
    while not _shows(page, phone, text):
        assert time.monotonic() < deadline, f"{text!r} not shown within {timeout_ms} ms"
        page.wait_for_timeout(250)


def test_a_publish_reaches_the_open_page_without_a_reload(
    browser_page: BrowserPage, tmp_path: Path
) -> None:
    phone = browser_page.device == "phone"
    database = tmp_path / "lien.sqlite3"
    env = {**harness.offline_env(), "LIEN_DATABASE_PATH": str(database)}
    process, url = harness.start_app(tmp_path / "server.log", env=env)
    engine = store.make_engine(f"sqlite:///{database}")
    try:
        page = browser_page.page
        page.goto(f"{url}?q={quote(QUERY)}")
        wait_until_idle(page)
        _wait_until_shown(page, phone, OLD_PHONE, 60_000)
        assert not _shows(page, phone, NEW_PHONE)
        # A mark on the window: a reload would lose it.
        page.evaluate("() => { window.lienStillOpen = true; }")

        version = store.current_version(engine)
        assert version == 1  # the server filled its store on the first page
        store.publish(engine, {SITE: {"phone": NEW_PHONE}}, "ana", "called them", against=version)

        _wait_until_shown(page, phone, NEW_PHONE, WITHIN_MS)
        assert page.evaluate("() => window.lienStillOpen === true"), "the page was reloaded"
    finally:
        engine.dispose()
        harness.stop(process)
    assert browser_page.errors() == []
