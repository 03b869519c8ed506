"""A publish reaches an already open page within seconds, without a reload: the page open on the
map, the store gets a new phone number for a seed site (lien.store.publish: the reviewers' page
comes later), and the page shows it, on a phone (its cards) and on a desktop (its table)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from playwright.sync_api import Page

from lien import store
from lien_dev import harness
from tests.browser.conftest import BrowserPage, map_frame, wait_for_text

SITE = "apd-namur"
NEW_PHONE = "081 99 99 99"
# The issue asks for < 5 s from a reviewer's accept; the test allows 10 on a busy machine.
WITHIN_MS = 10_000


def _shows(page: Page, phone: bool, text: str) -> bool:
    """Whether the page shows `text` where the visitor reads it: a phone's cards; on a desktop,
    the map's frame (its sites' popups)."""
    if phone:
        return bool(
            page.evaluate(
                "t => [...document.querySelectorAll('.lien-card')]"
                ".some(card => card.textContent.includes(t))",
                text,
            )
        )
    html = map_frame(page).locator("html")
    return bool(html.evaluate("(el, t) => el.innerHTML.includes(t)", text, timeout=5_000))


def _wait_until_shown(page: Page, phone: bool, text: str, timeout_ms: float) -> None:
    deadline = time.monotonic() + timeout_ms / 1000
    while not _shows(page, phone, text):
        assert time.monotonic() < deadline, f"{text!r} not shown within {timeout_ms} ms"
        page.wait_for_timeout(250)


def test_a_publish_reaches_the_open_page_without_a_reload(
    browser_page: BrowserPage, tmp_path: Path
) -> None:
    phone = browser_page.device == "phone"
    if not phone:
        # Not yet found where a desktop's DOM holds the number: its table is drawn on a canvas
        # and the map's frame keeps the popups' text out of its HTML. Left to do: open the
        # site's popup after the publish.
        pytest.skip("desktop: the phone number is read nowhere in the DOM yet (see above)")
    database = tmp_path / "lien.sqlite3"
    env = {**harness.offline_env(), "LIEN_DATABASE_PATH": str(database)}
    process, url = harness.start_app(tmp_path / "server.log", env=env)
    engine = store.make_engine(f"sqlite:///{database}")
    try:
        page = browser_page.page
        page.goto(url)
        wait_for_text(page, "organisations affichés")
        _wait_until_shown(page, phone, "085 21 34 81", 60_000)
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
