"""Browser tests: the app on a real Streamlit server, driven by Debian's chromium with no internet.

Fixtures (without chromium both skip, or fail when CI=true, before any server starts):

- `app_url`: the base URL (http://127.0.0.1:PORT) of `streamlit run app.py`, one server for the
  session, started from the repository root; missing static/ assets are installed first.
- `browser_page`: a fresh `BrowserPage` per test, whose `.page` is a Playwright page of a 1400x900
  headless chromium in which every request to a host other than 127.0.0.1/localhost is aborted.
  It records uncaught page errors, console errors and the blocked URLs.

Helpers: `wait_for_text(page, text)`, `MAP_IFRAME`, `map_frame(page)` and `count_markers(frame)`;
import them with `from tests.browser.conftest import count_markers, map_frame, wait_for_text`.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import (Browser, ConsoleMessage, Frame, FrameLocator, Page, Route,
                                 WebSocketRoute, sync_playwright)

from lien import assets
from lien.paths import ROOT

CHROMIUM_MISSING = "Debian chromium is not installed: apt-get install chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]
VIEWPORT = {"width": 1400, "height": 900}  # the size of docs/screenshot.png
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
SERVER_START_TIMEOUT_S = 60.0
MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'


# --- the browser ---------------------------------------------------------------------------

@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's chromium; without it the browser tests skip, or fail when CI=true."""
    path = shutil.which("chromium")
    if path is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(CHROMIUM_MISSING, pytrace=False)
        pytest.skip(CHROMIUM_MISSING)
    return path


@pytest.fixture(scope="session")
def chromium(chromium_path: str) -> Iterator[Browser]:
    """One headless chromium for the session (each test gets its own context)."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, headless=True,
                                             args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def is_local(url: str) -> bool:
    """True for URLs that need no internet: 127.0.0.1/localhost, and data:, blob:, about: URLs."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https", "ws", "wss"):
        return True
    return parts.hostname in LOCAL_HOSTS


@dataclass
class BrowserPage:
    """A Playwright page with what went wrong in it (in the page and in all its frames)."""

    page: Page
    page_errors: list[str] = field(default_factory=list)
    """Uncaught exceptions (`pageerror`), the st_folium iframe's included."""
    console_errors: list[str] = field(default_factory=list)
    """`console.error` messages, as "text (url:line)". The "Failed to load resource" message of
    a request blocked here is left out (it is in `blocked`); a local 404 is kept."""
    blocked: list[str] = field(default_factory=list)
    """URLs of the aborted non-local requests and WebSockets (map tiles from openstreetmap.org, say)."""

    def errors(self) -> list[str]:
        """Page errors then console errors: what a test asserts is empty."""
        return [*self.page_errors, *self.console_errors]


@pytest.fixture
def browser_page(chromium: Browser) -> Iterator[BrowserPage]:
    """A fresh page with no internet: every non-local request is aborted and counted."""
    context = chromium.new_context(viewport=VIEWPORT, service_workers="block")
    page = context.new_page()
    recorded = BrowserPage(page)

    def route(route: Route) -> None:
        url = route.request.url
        if is_local(url):
            route.continue_()
        else:
            recorded.blocked.append(url)
            route.abort("internetdisconnected")

    def route_web_socket(ws: WebSocketRoute) -> None:
        recorded.blocked.append(ws.url)
        ws.close()

    def console(message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        where = message.location.get("url", "")
        if where in recorded.blocked and message.text.startswith("Failed to load resource"):
            return
        recorded.console_errors.append(f"{message.text} ({where}:{message.location.get('lineNumber')})")

    page.route("**/*", route)
    page.route_web_socket(lambda url: not is_local(url), route_web_socket)
    page.on("pageerror", lambda error: recorded.page_errors.append(f"{error.name}: {error.message}"))
    page.on("console", console)
    yield recorded
    context.close()


# --- the app server ------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _tail(log: Path, lines: int = 40) -> str:
    return "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


def _wait_until_healthy(process: subprocess.Popen[bytes], url: str, log: Path) -> None:
    """Poll /_stcore/health until it answers "ok"; fail with the server's log otherwise."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never via a proxy
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"streamlit exited with status {process.returncode}:\n{_tail(log)}",
                        pytrace=False)
        try:
            with opener.open(f"{url}/_stcore/health", timeout=2) as response:
                if response.read().strip() == b"ok":
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.25)
    pytest.fail(f"streamlit did not answer {url}/_stcore/health within {SERVER_START_TIMEOUT_S:.0f} s:"
                f"\n{_tail(log)}", pytrace=False)


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Terminate the server's whole process group (it was started in a session of its own)."""
    for sig, wait_s in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=wait_s)
            break
        except subprocess.TimeoutExpired:
            continue


@pytest.fixture(scope="session")
def app_url(chromium_path: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`streamlit run app.py` on a free port of 127.0.0.1, for the session; yields its base URL.

    The server keeps the modules it imported, so code changed during the session is not seen.
    Its output goes to a server.log in pytest's temporary directory, quoted if it fails to start.
    """
    if assets.missing():
        assets.install()
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path_factory.mktemp("streamlit") / "server.log"
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
               "--server.address", "127.0.0.1", "--server.port", str(port),
               "--browser.gatherUsageStats", "false"]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_until_healthy(process, url, log)
        yield url
    finally:
        _stop(process)


def wait_for_text(page: Page, text: str, timeout_ms: float = 60_000) -> None:
    """Wait until `text` is shown (a substring, ignoring case); fail at once with the traceback if
    the script raised instead (Streamlit shows it in the page, not as a page error)."""
    shown = page.get_by_text(text).first
    exception = page.get_by_test_id("stException").first
    shown.or_(exception).first.wait_for(timeout=timeout_ms)
    if not shown.is_visible() and exception.is_visible():
        pytest.fail(f"the app raised instead of showing {text!r}:\n{exception.inner_text()}",
                    pytrace=False)


# --- the map -------------------------------------------------------------------------------

def map_frame(page: Page) -> FrameLocator:
    """The (first) st_folium iframe of the page."""
    return page.frame_locator(MAP_IFRAME).first


# Runs on the map's .leaflet-container. Leaflet's SVG renderer draws a CircleMarker (or Circle) as
# "M x,y a r,r 0 1,0 2r,0 a r,r 0 1,0 -2r,0 ", polygons and lines as "M x y L x y …", and empties
# the path of a circle far outside the view to "M0 0".
_IN_VIEW_JS = """map => {
  const view = map.getBoundingClientRect();
  const inView = el => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && r.right > view.left && r.left < view.right
      && r.bottom > view.top && r.top < view.bottom;
  };
  const all = selector => Array.from(map.querySelectorAll(selector)).filter(inView);
  return {
    clusters: all('.marker-cluster').map(el => el.innerText.trim()),
    icons: all('.leaflet-marker-icon:not(.marker-cluster)').length,
    circles: all('.leaflet-pane path.leaflet-interactive')
      .filter(p => /^M[^A-Za-z]*a/.test(p.getAttribute('d') || '')).length,
  };
}"""


def count_markers(frame: Frame | FrameLocator) -> int:
    """How many map points are in the map's current view in `frame`, a cluster counting as its size.

    `frame` is the document holding the map: `map_frame(page)` (a FrameLocator), a `Frame`, or
    `page.main_frame` for a page that is itself a Leaflet map. It waits (Playwright's default
    30 s) for a `.leaflet-container`, and looks in the first one. Counted, when any part of the
    element lies inside the map's rectangle on screen:

    - each cluster bubble (`.marker-cluster`) counts the number it shows, which the default
      MarkerCluster icon (also FastMarkerCluster's) makes its number of markers. ValueError if
      the text is not a whole number (a custom `icon_create_function`);
    - each un-clustered icon marker counts 1: `.leaflet-marker-icon` that is not a
      `.marker-cluster` (default blue pin, `folium.Icon`, `DivIcon`). Shadows
      (`.leaflet-marker-shadow`) are not counted;
    - each un-clustered circle marker counts 1: an SVG `path.leaflet-interactive`, in any pane
      (Leaflet puts circle markers in the overlay pane, not the marker pane), whose outline is a
      circle (a `folium.Circle`, radius in metres, counts too). Polygons and lines (province
      outlines, GeoJSON areas, spiderfy legs, a cluster's hover outline) are not counted.

    Not counted: points outside the view, anything drawn on a canvas (`prefer_canvas=True` puts no
    element in the DOM) and circle markers made with `interactive=False` (no `leaflet-interactive`
    class). Count once the map has settled: during a zoom or cluster animation the old and the new
    clusters are both in the DOM.
    """
    found = frame.locator(".leaflet-container").first.evaluate(_IN_VIEW_JS)
    total = found["icons"] + found["circles"]
    for text in found["clusters"]:
        if not text.isdigit():
            raise ValueError(f"a .marker-cluster shows {text!r}, not a number of markers")
        total += int(text)
    return total
