"""Freshness in the browser, at both sizes, on the seed directory (checked in June 2016, more
than 12 months ago): a site's popup, and on a phone its card, say "vérifié en juin 2016" and
"peut-être dépassé"."""

from __future__ import annotations

from tests.browser.conftest import BrowserPage, map_frame, wait_until_idle
from tests.browser.test_attendee import _open_a_popup

CHECKED = "vérifié en juin 2016"
STALE = "peut-être dépassé"


def test_a_card_and_a_popup_say_when_the_record_was_checked(
    browser_page: BrowserPage, app_url: str
) -> None:
    page = browser_page.page
    phone = browser_page.device == "phone"
    page.goto(app_url)
    wait_until_idle(page)
    if phone:  # a desktop shows the table instead of cards
        card = page.locator(".lien-card").first
        card.wait_for(timeout=60_000)
        checked = card.locator(".lien-checked")
        assert CHECKED in checked.inner_text()
        assert checked.locator(".lien-stale").inner_text() == STALE
    frame = map_frame(page)
    _open_a_popup(page, frame, phone)
    content = frame.locator(".leaflet-popup-content").first
    line = content.locator(".lien-pf")
    assert CHECKED in line.inner_text()
    assert line.locator(".lien-px").inner_text() == STALE
    assert line.is_visible()  # among the essentials, not folded under "more"
