"""Browser tests: the app on a real Streamlit server, driven by Debian's chromium with no internet.

Fixtures (without chromium both skip, or fail when CI=true, before any server starts):

- `app_url`: the base URL (http://127.0.0.1:PORT) of `streamlit run app.py`, one server for the
  session, started from the repository root; missing static/ assets are installed first.
- `browser_page`: a fresh `BrowserPage` per test, whose `.page` is a Playwright page of a 1400x900
  headless chromium in which every request to a host other than 127.0.0.1/localhost is aborted.
  It records uncaught page errors, console errors and the blocked URLs.

Helpers: `wait_for_text(page, text)`, and `MAP_IFRAME`, `DEVICES`, `map_frame(page)` and
`count_markers(frame)` from lien_dev/harness.py (shared with bench/); import them with
`from tests.browser.conftest import count_markers, map_frame, wait_for_text`.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Frame,
    FrameLocator,
    Locator,
    Page,
    Route,
    WebSocketRoute,
    expect,
    sync_playwright,
)

from lien.render import assets
from lien_dev import harness

# MAP_IFRAME, CHARTS_DRAWN, HEATMAP, DEVICES, map_frame and count_markers are re-exported: the
# tests import them from here.
from lien_dev.harness import (  # noqa: F401
    CHARTS_DRAWN,
    CHROMIUM_ARGS,
    DEVICES,
    HEATMAP,
    MAP_IFRAME,
    VIEWPORT,
    count_markers,
    is_local,
    map_frame,
)
from tests.conftest import missing

CHROMIUM_MISSING = "Debian chromium is not installed: apt-get install chromium"
_STREAMLIT_PROBE = re.compile(r"404 \(Not Found\) \(https?://[^/]+/[^/_][^/]*/_stcore/")


# --- the browser ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's chromium; without it the browser tests skip, or fail when CI=true."""
    path = harness.chromium_path()
    if path is None:
        missing(CHROMIUM_MISSING)
    assert path is not None
    return path


@pytest.fixture(scope="session")
def chromium(chromium_path: str) -> Iterator[Browser]:
    """One headless chromium for the session (each test gets its own context)."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@dataclass
class BrowserPage:
    """A Playwright page with what went wrong in it (in the page and in all its frames)."""

    page: Page
    device: str = "desktop"
    """"desktop" or "phone" (see DEVICES)."""
    page_errors: list[str] = field(default_factory=list)
    """Uncaught exceptions (`pageerror`), the st_folium iframe's included."""
    console_errors: list[str] = field(default_factory=list)
    """`console.error` messages, as "text (url:line)". The "Failed to load resource" message of
    a request blocked here is left out (it is in `blocked`); a local 404 is kept."""
    blocked: list[str] = field(default_factory=list)
    """URLs of the aborted non-local requests and WebSockets (openstreetmap.org tiles, say)."""

    def errors(self) -> list[str]:
        """Page errors then console errors: what a test asserts is empty.

        Opened at a page's own URL, Streamlit's client first probes /<page>/_stcore/… (404)
        before finding the server root: that is Streamlit's routing, not an error of Lien's.
        """
        return [
            *self.page_errors,
            *(e for e in self.console_errors if not _STREAMLIT_PROBE.search(e)),
        ]


@pytest.fixture(params=list(DEVICES))
def device(request: pytest.FixtureRequest) -> str:
    """ "desktop" or "phone": the size the test's browser page has."""
    return str(request.param)


@pytest.fixture
def browser_page(chromium: Browser, device: str) -> Iterator[BrowserPage]:
    """A fresh page with no internet: every non-local request is aborted and counted."""
    context = chromium.new_context(
        service_workers="block", accept_downloads=True, **DEVICES[device]
    )
    page = context.new_page()
    recorded = BrowserPage(page, device)

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
        recorded.console_errors.append(
            f"{message.text} ({where}:{message.location.get('lineNumber')})"
        )

    page.route("**/*", route)
    page.route_web_socket(lambda url: not is_local(url), route_web_socket)
    page.on(
        "pageerror", lambda error: recorded.page_errors.append(f"{error.name}: {error.message}")
    )
    page.on("console", console)
    yield recorded
    context.close()


# --- the app server ------------------------------------------------------------------------


@pytest.fixture(scope="session")
def app_url(chromium_path: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`streamlit run app.py` on a free port of 127.0.0.1, for the session; yields its base URL.

    The server keeps the modules it imported, so code changed during the session is not seen.
    Its output goes to a server.log in pytest's temporary directory, quoted if it fails to start.
    """
    if assets.missing():
        assets.install()
    log = tmp_path_factory.mktemp("streamlit") / "server.log"
    try:
        process, url = harness.start_app(log)
    except harness.ServerError as error:
        pytest.fail(str(error), pytrace=False)
    try:
        yield url
    finally:
        harness.stop(process)


_SIDEBAR_SHOWN_JS = """() => {
  const bar = document.querySelector('[data-testid="stSidebar"]');
  if (!bar) { return false; }
  const box = bar.getBoundingClientRect();
  return box.width > 0 && box.right > 0 && box.left >= -1;
}"""


def open_sidebar(page: Page) -> None:
    """Open the sidebar of filters if it is collapsed (as it is on a phone), as a visitor does:
    with the "»" button at the top left."""
    page.locator('[data-testid="stSidebar"]').wait_for(state="attached", timeout=30_000)
    if not page.evaluate(_SIDEBAR_SHOWN_JS):
        page.get_by_test_id("stExpandSidebarButton").click()
        page.wait_for_function(_SIDEBAR_SHOWN_JS, timeout=30_000)
        page.wait_for_timeout(500)  # the slide-in animation


def choose(page: Page, box: Locator, label: str, attempts: int = 3) -> None:
    """Pick `label` in a select box or multiselect as a visitor does: click, type, Enter. Enter
    only once the typed text has filtered the list down to that choice: on a busy machine the list
    can still show its first, unfiltered choice, and Enter would pick that one. Then the box must
    show the choice. A busy page can lose keys, or redraw the box under them (the list then says
    "No results", or the choice does not take): the visitor closes the list and chooses again,
    as they would seeing it."""
    widget = box.locator(
        "xpath=ancestor::*[@data-testid='stSelectbox' or @data-testid='stMultiSelect'][1]"
    )
    first = page.locator('[role="listbox"] [role="option"]').first
    for _ in range(attempts):
        box.click()
        page.keyboard.type(label)
        if box.input_value() != label:  # keys lost: set what the box holds, as a typo is fixed
            box.fill(label)
        try:
            expect(first).to_contain_text(label, timeout=15_000)
        except AssertionError:
            page.keyboard.press("Escape")
            if _shows(page, widget, box, label, timeout_s=1.0):  # an earlier Enter took, late
                return
            continue
        page.keyboard.press("Enter")
        if _shows(page, widget, box, label):
            return
        page.keyboard.press("Escape")
    pytest.fail(f"{label!r} was chosen {attempts} times and the box never showed it")


def _shows(page: Page, widget: Locator, box: Locator, label: str, timeout_s: float = 10.0) -> bool:
    """Whether the box shows `label` as chosen within `timeout_s`: a multiselect as one of its
    tags, a select box as its value once its list has closed (while open, the value is the typed
    text)."""
    listbox = page.locator('[role="listbox"]')
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if label in (widget.text_content() or ""):
            return True
        if listbox.count() == 0 and box.input_value() == label:
            return True
        page.wait_for_timeout(100)
    return False


def wait_until_idle(page: Page, timeout_ms: float = 60_000) -> None:
    """Wait until the app's script has finished its run (Streamlit's "running" status is gone),
    and the page has drawn what it sent: it then stays as drawn unless the visitor acts."""
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="detached", timeout=timeout_ms)
    page.wait_for_timeout(500)


# The coverage page's place for the charts below the first (lien.ui.reached).
LOWER_CHARTS_TRIGGER = 'iframe[title="lien.ui.reached.lien_reached"]'


def reach_lower_charts(page: Page, count: int = 2) -> None:
    """Scroll the coverage page down to the charts below the first, as a visitor reads on, and
    wait until `count` Vega-Lite charts (the two maps) are drawn."""
    # The place of the charts below comes after the first chart (or they are there already,
    # when this session reached them before).
    page.wait_for_function(
        f"document.querySelector({LOWER_CHARTS_TRIGGER!r})"
        f" || document.querySelectorAll({CHARTS_DRAWN!r}).length >= {count}",
        timeout=60_000,
    )
    trigger = page.locator(LOWER_CHARTS_TRIGGER)
    if trigger.count():
        trigger.scroll_into_view_if_needed()
    page.wait_for_function(
        f"document.querySelectorAll({CHARTS_DRAWN!r}).length >= {count}", timeout=60_000
    )


def wait_for_text(page: Page, text: str, timeout_ms: float = 60_000) -> None:
    """Wait until `text` is shown (a substring, ignoring case); fail at once with the traceback if
    the script raised instead (Streamlit shows it in the page, not as a page error). A hidden
    element with the text (a page's link in a phone's folded sidebar) doesn't count."""
    shown = page.get_by_text(text).filter(visible=True).first
    exception = page.get_by_test_id("stException").first
    shown.or_(exception).first.wait_for(timeout=timeout_ms)
    if not shown.is_visible() and exception.is_visible():
        pytest.fail(
            f"the app raised instead of showing {text!r}:\n{exception.inner_text()}", pytrace=False
        )


def settled_count(
    page: Page,
    frame: Frame | FrameLocator | None = None,
    expected: int = 0,
    timeout_s: float = 30.0,
) -> int:
    """The marker count of the map in `frame` (the app's map frame by default; `page.main_frame`
    for a page that is itself a map) once it has drawn, reached `expected` and stayed there half
    a second; else the last count seen when `timeout_s` ran out."""
    frame = frame if frame is not None else map_frame(page)
    frame.locator(".leaflet-container").first.wait_for(timeout=timeout_s * 1000)
    deadline = time.monotonic() + timeout_s
    count = -1
    while time.monotonic() < deadline:
        count = count_markers(frame)
        if count == expected:
            page.wait_for_timeout(500)
            if count_markers(frame) == expected:
                return expected
        page.wait_for_timeout(250)
    return count
