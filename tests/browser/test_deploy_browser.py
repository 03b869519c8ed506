"""The deployment recipe (deploy/Caddyfile) in a real browser: what a visitor's first visit to
the map page fetches through it (tests/test_deploy.py checks its answers one by one)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage

from lien_dev import harness
from tests.browser.conftest import DEVICES, settled_count, wait_for_text
from tests.conftest import require_caddy

# The map's frame loads these one after the other; the page's answer names them (Link: preload).
FRAME_SCRIPTS = r"/(static/js/main\.[0-9a-f]+|static/map/leaflet-bundle)\.js$"
ENTRIES_JS = """pattern => performance.getEntriesByType('resource')
    .filter(e => new RegExp(pattern).test(new URL(e.name).pathname))
    .map(e => ({path: new URL(e.name).pathname, initiator: e.initiatorType,
                fromCache: e.transferSize === 0}))"""


@pytest.fixture(scope="module")
def proxied_url(app_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The tests' app behind deploy/Caddyfile."""
    require_caddy()
    log: Path = tmp_path_factory.mktemp("caddy") / "caddy.log"
    with harness.caddy(app_url, log) as url:
        yield url


@pytest.fixture(scope="module")
def caching_browser(chromium: Browser, chromium_path: str) -> Iterator[Browser]:
    """A chromium whose HTTP cache works, as a visitor's does: the non-local hosts are unknown to
    it (harness.OFFLINE_ARGS) instead of refused by Playwright's routing, which turns it off.
    Launched by the session's Playwright (one sync Playwright may run at a time)."""
    browser = chromium.browser_type.launch(
        executable_path=chromium_path,
        headless=True,
        args=[*harness.CHROMIUM_ARGS, *harness.OFFLINE_ARGS],
    )
    yield browser
    browser.close()


@pytest.mark.parametrize("device", list(DEVICES))
def test_the_map_frames_scripts_arrive_with_the_page_and_the_frame_reads_them_from_the_cache(
    caching_browser: Browser, proxied_url: str, device: str
) -> None:
    context = caching_browser.new_context(service_workers="block", **DEVICES[device])
    page = context.new_page()
    errors: list[str] = []

    def console(message: ConsoleMessage) -> None:
        where = message.location.get("url", "")
        if message.type == "error" and harness.is_local(where):  # the tiles' hosts are unknown
            errors.append(f"{message.text} ({where})")

    page.on("console", console)
    page.on("pageerror", lambda error: errors.append(f"{error.name}: {error.message}"))
    try:
        page.goto(proxied_url)
        wait_for_text(page, "organisations affichés")
        assert settled_count(page, expected=21) == 21
        preloaded = page.evaluate(ENTRIES_JS, FRAME_SCRIPTS)
        assert sorted(e["path"].rsplit("/", 1)[-1].split(".")[0] for e in preloaded) == [
            "leaflet-bundle",
            "main",
        ], preloaded
        assert all(e["initiator"] == "link" and not e["fromCache"] for e in preloaded), preloaded
        frame = page.locator(harness.MAP_IFRAME).first.element_handle().content_frame()
        assert frame is not None
        used = frame.evaluate(ENTRIES_JS, FRAME_SCRIPTS)
        assert sorted(e["path"] for e in used) == sorted(e["path"] for e in preloaded), used
        assert all(e["fromCache"] for e in used), used
        assert errors == []
    finally:
        context.close()
