"""Suggest a correction and the organisations' signed links, in the browser, at both sizes, on a
server of the test's own (its own store, and LIEN_SECRET_KEY so that the test signs links the
server accepts): a visitor taps "suggest a correction" on a card (phone) or a popup (desktop),
changes the phone number, sends it and reads a reference, in FR and in NL, while the map still
shows the old number; an organisation confirms its record from its link and the card says
"checked" with today's date; a forged or expired link opens nothing; hostile text stays inert."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from lien import store
from lien.freshness import checked_text
from lien.i18n import t
from lien.links import PAGE, link_for
from lien.store import proposals
from lien.ui.suggest_page import LINK_REFUSALS
from lien_dev import harness
from tests.browser.conftest import BrowserPage, map_frame, wait_for_text, wait_until_idle
from tests.browser.test_accessibility import BLOCKING, audit, streamlit_own
from tests.browser.test_attendee import _open_a_popup

SECRET = "b" * 40
NEW_PHONE = "081 22 33 44"
REFERENCE = re.compile(r"L-[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{2}")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Engine]]:
    """A server of this test's own and its store."""
    database = tmp_path / "lien.sqlite3"
    env = {
        **harness.offline_env(),
        "LIEN_DATABASE_PATH": str(database),
        "LIEN_SECRET_KEY": SECRET,
    }
    process, url = harness.start_app(tmp_path / "server.log", env=env)
    engine = store.make_engine(f"sqlite:///{database}")
    try:
        yield url, engine
    finally:
        engine.dispose()
        harness.stop(process)


def _site_of(href: str) -> str:
    found = re.search(r"[?&]site=([^&]+)", href)
    assert found, href
    return found.group(1)


def _filled(engine: Engine, timeout_s: float = 60.0) -> None:
    """Wait until the server has made and filled its store (on its first page)."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            if store.current_version(engine) >= 1:
                return
        except OperationalError:
            pass
        assert time.monotonic() < deadline, "the server did not fill its store"
        time.sleep(0.5)


def _tap_suggest(page: Page, phone: bool) -> tuple[Page, str]:
    """Tap "suggest a correction" where the visitor sees it first: the first card on a phone
    (the form opens in place), a popup on a desktop (the map's frame may not navigate the
    window: the form opens in a new tab); the page showing the form, and the site it corrects."""
    if phone:
        link = page.locator(".lien-card .lien-suggest").first
        link.wait_for(timeout=60_000)
        site = _site_of(link.get_attribute("href") or "")
        link.click()
        page.wait_for_url(re.compile(PAGE), timeout=30_000)
        return page, site
    frame = map_frame(page)
    _open_a_popup(page, frame, phone)
    link = frame.locator(".leaflet-popup-content .lien-suggest").first
    site = _site_of(link.get_attribute("href") or "")
    with page.context.expect_page(timeout=30_000) as opened:
        link.click()
    form = opened.value
    form.wait_for_load_state()
    assert PAGE in form.url, form.url
    return form, site


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_a_visitor_suggests_a_new_phone_number_and_gets_a_reference(
    browser_page: BrowserPage, server: tuple[str, Engine], lang: str
) -> None:
    url, engine = server
    page, phone = browser_page.page, browser_page.device == "phone"
    page.goto(f"{url}/?lang={lang}")
    wait_until_idle(page)
    page, site = _tap_suggest(page, phone)
    wait_for_text(page, t("suggest_intro_site", lang))
    old = store.current(engine)[1].set_index("site_id").loc[site, "phone"]
    box = page.get_by_label(t("col_phone", lang), exact=True)
    expect(box).to_have_value(old, timeout=30_000)  # the form opens filled with the record
    if phone:  # nothing of the form makes a phone scroll sideways
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 390, width  # the phone's width (tests/browser/conftest.py)
    box.fill(NEW_PHONE)
    page.get_by_label(t("suggest_reason", lang)).fill("called them")
    page.get_by_role("button", name=t("suggest_send", lang)).click()
    shown = page.get_by_test_id("stAlertContentSuccess").first
    shown.wait_for(timeout=30_000)
    found = REFERENCE.search(shown.inner_text())
    assert found, shown.inner_text()
    waiting = {p.reference: p for p in proposals.pending(engine)}
    assert waiting[found.group(0)].fields == {"phone": NEW_PHONE}
    assert waiting[found.group(0)].site_id == site
    # Nothing reaches the map before a reviewer: the store and the cards keep the old number.
    assert store.current(engine)[1].set_index("site_id").loc[site, "phone"] == old
    if phone:
        page.goto(f"{url}/?lang={lang}")
        card = page.locator(".lien-card").first
        card.wait_for(timeout=60_000)
        assert NEW_PHONE not in card.inner_text()
    assert browser_page.errors() == []


def test_an_organisation_confirms_its_record_and_its_card_says_checked_today(
    browser_page: BrowserPage, server: tuple[str, Engine]
) -> None:
    url, engine = server
    page, phone = browser_page.page, browser_page.device == "phone"
    page.goto(f"{url}/?lang=fr")
    wait_until_idle(page)
    _filled(engine)
    if phone:  # the first card's record, whose card is read below
        link = page.locator(".lien-card .lien-suggest").first
        link.wait_for(timeout=60_000)
        site = _site_of(link.get_attribute("href") or "")
    else:
        site = str(store.current(engine)[1]["site_id"].iloc[0])
    token = link_for(site, SECRET, datetime.now())
    page.goto(f"{url}/{PAGE}?token={token}&lang=fr")
    page.get_by_role("button", name=t("org_still_right", "fr")).click()
    today = checked_text(datetime.now().date().isoformat(), "fr")
    wait_for_text(page, today)
    record = store.current(engine)[1].set_index("site_id").loc[site]
    assert record["checked_by"] == "organisation"
    if phone:  # a desktop's table is a canvas; its cards are a phone's
        page.goto(f"{url}/?lang=fr")
        card = page.locator(".lien-card").first
        card.wait_for(timeout=60_000)
        assert today in card.locator(".lien-checked").inner_text()
    assert browser_page.errors() == []


@pytest.mark.parametrize(
    ("made", "secret", "code"),
    [(timedelta(0), "f" * 40, "forged"), (timedelta(days=61), SECRET, "expired")],
)
def test_a_forged_or_expired_link_shows_a_refusal_and_no_button(
    browser_page: BrowserPage,
    server: tuple[str, Engine],
    made: timedelta,
    secret: str,
    code: str,
) -> None:
    url, _ = server
    page = browser_page.page
    token = link_for("apd-namur", secret, datetime.now() - made)
    page.goto(f"{url}/{PAGE}?token={token}&lang=fr")
    wait_for_text(page, t(LINK_REFUSALS[code], "fr"))
    wait_until_idle(page)
    assert page.get_by_role("button", name=t("org_still_right", "fr")).count() == 0
    assert page.get_by_role("button", name=t("org_correct", "fr")).count() == 0
    assert page.locator(".lien-record").count() == 0


def test_hostile_text_is_refused_or_stored_inert(
    browser_page: BrowserPage, server: tuple[str, Engine]
) -> None:
    url, engine = server
    page = browser_page.page
    page.goto(f"{url}/{PAGE}?site=apd-namur&lang=en")
    wait_for_text(page, t("suggest_title", "en"))
    script = "<script>window.lienHacked = 1</script><img src=x onerror='window.lienHacked=2'>"
    page.get_by_label(t("field_notes", "en")).fill(script)
    page.get_by_label(t("field_contact_person", "en")).fill("[click me](https://evil.example)")
    page.get_by_label(t("suggest_reason", "en")).fill('=HYPERLINK("https://evil.example","x")')
    page.get_by_role("button", name=t("suggest_send", "en")).click()
    page.get_by_test_id("stAlertContentSuccess").first.wait_for(timeout=30_000)
    wait_until_idle(page)
    assert page.evaluate("() => window.lienHacked") is None
    assert page.locator('a[href^="https://evil.example"]').count() == 0
    [waiting] = proposals.pending(engine)
    # Stored as typed: inert text, escaped wherever it is shown and neutralised in exports.
    assert waiting.fields["notes"] == script
    assert waiting.reason.startswith("=HYPERLINK")


@pytest.mark.parametrize("kind", ["site", "token"])
def test_axe_finds_no_serious_violation_of_the_suggest_page(
    browser_page: BrowserPage, server: tuple[str, Engine], kind: str
) -> None:
    # The form (the honeypot among its fields: out of the tab order and of screen readers) and
    # the organisation's page, audited as the other pages are (tests/browser/test_accessibility).
    url, _ = server
    page = browser_page.page
    if kind == "site":
        page.goto(f"{url}/{PAGE}?site=apd-namur&lang=fr")
        wait_for_text(page, t("suggest_intro_site", "fr"))
    else:
        page.goto(f"{url}/{PAGE}?token={link_for('apd-namur', SECRET, datetime.now())}&lang=fr")
        wait_for_text(page, t("org_intro", "fr"))
    wait_until_idle(page)
    found = audit(page)
    blocking = [f for f in found if f.impact in BLOCKING and not streamlit_own(f)]
    assert blocking == [], "\n".join(map(str, blocking))
    assert browser_page.errors() == []
