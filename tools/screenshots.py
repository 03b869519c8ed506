"""Retake the README's two screenshots from the running app: the map page on a phone and on a
desktop, so the pictures can't go stale (`make screenshots`).

Served as `make run` serves it (the seed directory, the offline geocoder), opened in Debian's
chromium with every non-local request refused: what the pictures show needs no internet.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Route, sync_playwright

from lien.config import ROOT
from lien_dev import harness
from lien_dev.harness import DEVICES

OUT = ROOT / "docs"
SHOWN = "organisations affichés"  # the map page's count, once its first run has ended
TIMEOUT_MS = 60_000


def _local_only(route: Route) -> None:
    if harness.is_local(route.request.url):
        route.continue_()
    else:
        route.abort()


def take(url: str, chromium: str) -> list[Path]:
    """One picture per device of the map page at `url`: docs/screenshot-<device>.png."""
    taken = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, headless=True, args=harness.CHROMIUM_ARGS
        )
        for device, options in DEVICES.items():
            context = browser.new_context(**options, locale="fr-BE")
            context.route("**/*", _local_only)
            page = context.new_page()
            page.goto(url)
            page.get_by_text(SHOWN).first.wait_for(timeout=TIMEOUT_MS)
            frame = harness.map_frame(page)
            frame.locator(".leaflet-marker-icon").first.wait_for(timeout=TIMEOUT_MS)
            page.wait_for_timeout(1_000)  # the clusters' fade-in
            path = OUT / f"screenshot-{device}.png"
            page.screenshot(path=path)
            taken.append(path)
            context.close()
        browser.close()
    return taken


def main() -> int:
    chromium = harness.chromium_path()
    if chromium is None:
        print("Debian chromium is not installed: apt-get install chromium", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="lien-screenshots-") as tmp:
        process, url = harness.start_app(Path(tmp) / "server.log", env=harness.offline_env())
        try:
            for path in take(url, chromium):
                print(path.relative_to(ROOT))
        finally:
            harness.stop(process)
    return 0


if __name__ == "__main__":
    sys.exit(main())
