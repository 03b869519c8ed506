"""The app on a real server and headless chromium: shared by tests/ and bench/.

No Streamlit here, and Playwright is imported only where a browser is launched, so the running
app never needs either.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from lien.config import ROOT

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Frame, FrameLocator, Page, Playwright

# Every host but this machine's is unknown to the browser: the non-local requests are refused
# without Playwright's routing, which would turn the browser's HTTP cache off (and with it what
# a repeat visit saves).
OFFLINE_ARGS: list[str] = [
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost"
]
CHROMIUM_ARGS: list[str] = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
VIEWPORT: dict[str, int] = {"width": 1400, "height": 900}  # the size of docs/screenshot.png
PHONE_USER_AGENT = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)
# Every browser test runs at both sizes: a desktop, and a phone with touch (the attendee's). Both
# browsers prefer Belgian French, as the visitor the tests play: a first visit takes the browser's
# language when Lien has it (Playwright's own default is American English).
BROWSER_LOCALE = "fr-BE"
DEVICES: dict[str, dict[str, Any]] = {
    "desktop": {"viewport": VIEWPORT, "locale": BROWSER_LOCALE},
    "phone": {
        "locale": BROWSER_LOCALE,
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 3,
        "is_mobile": True,
        "has_touch": True,
        # A phone browser's own: the app shows cards first when the User-Agent says "Mobile".
        "user_agent": PHONE_USER_AGENT,
    },
}
LOCAL_HOSTS: frozenset[str] = frozenset({"127.0.0.1", "localhost", "::1"})
SERVER_START_TIMEOUT_S = 60.0
MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
# A Vega-Lite chart drawn (not just placed) on the coverage page: the maps below its first chart.
CHARTS_DRAWN = "[data-testid=stVegaLiteChart] svg.marks"
# The coverage page's heatmaps (lien.render.heatmap), its first chart a table.
HEATMAP = ".lien-heatmap table"
# The map page's line of counts, in the singular too: "0 site de 0 organisation affiché".
SHOWN = re.compile(r"([\d\s\u202f.,]+) sites? de")


class ServerError(RuntimeError):
    """The app server exited or did not become healthy; the message quotes its log."""


# --- the app server ------------------------------------------------------------------------


def free_port() -> int:
    """A TCP port of 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def log_tail(log: Path, lines: int = 40) -> str:
    """The last `lines` lines of a server log."""
    return "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


def app_command(port: int, script: Path | str = "app.py") -> list[str]:
    """`streamlit run app.py` (or `script`), headless on 127.0.0.1:`port`, with this
    interpreter."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
        "--server.headless",
        "true",
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--browser.gatherUsageStats",
        "false",
    ]


def wait_until_healthy(
    process: subprocess.Popen[bytes], url: str, log: Path, timeout_s: float = SERVER_START_TIMEOUT_S
) -> None:
    """Poll /_stcore/health until it answers "ok"; ServerError with the server's log otherwise."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never via a proxy
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerError(
                f"streamlit exited with status {process.returncode}:\n{log_tail(log)}"
            )
        try:
            with opener.open(f"{url}/_stcore/health", timeout=2) as response:
                if response.read().strip() == b"ok":
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.25)
    raise ServerError(
        f"streamlit did not answer {url}/_stcore/health within {timeout_s:.0f} s:\n{log_tail(log)}"
    )


def start_app(
    log_path: Path,
    *,
    port: int | None = None,
    env: Mapping[str, str] | None = None,
    timeout_s: float = SERVER_START_TIMEOUT_S,
    script: Path | str = "app.py",
) -> tuple[subprocess.Popen[bytes], str]:
    """Start the app (or another Streamlit `script`) from the repository root and wait until it
    is healthy: (process, base URL). Its directory's store is a SQLite file of its own beside
    its log (filled from the seed on its first page), unless `env` names one: servers never
    share var/lien.sqlite3, nor a store another test publishes to."""
    port = free_port() if port is None else port
    url = f"http://127.0.0.1:{port}"
    with log_path.open("wb") as out:
        # A session of its own, so stop() can kill the server and anything it started at once.
        process = subprocess.Popen(
            app_command(port, script),
            cwd=ROOT,
            env=own_store(log_path, env),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_until_healthy(process, url, log_path, timeout_s)
    except BaseException:
        stop(process)
        raise
    return process, url


def own_store(log_path: Path, env: Mapping[str, str] | None) -> dict[str, str]:
    """`env` (default this process's), with a store of its own beside `log_path` unless `env`
    was given with LIEN_DATABASE_PATH or LIEN_DATABASE_URL."""
    given = env is not None and bool(env.get("LIEN_DATABASE_PATH") or env.get("LIEN_DATABASE_URL"))
    out = dict(os.environ if env is None else env)
    if not given:
        out.pop("LIEN_DATABASE_URL", None)
        out["LIEN_DATABASE_PATH"] = str(log_path.with_name(f"{log_path.stem}.sqlite3"))
    return out


def offline_env() -> dict[str, str]:
    """This process's environment for an app on the seed directory that never waits on the
    internet: LIEN_DATA unset, the offline geocoder, and no store named, so that `start_app`
    gives the server one of its own (the tests' session store, already filled from the seed,
    would hide a LIEN_DATA the caller adds)."""
    own = {"LIEN_DATA", "LIEN_DATABASE_PATH", "LIEN_DATABASE_URL"}
    env = {k: v for k, v in os.environ.items() if k not in own}
    env["LIEN_GEOCODER"] = "offline"
    return env


def stop(process: subprocess.Popen[bytes]) -> None:
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


CADDYFILE = ROOT / "deploy" / "Caddyfile"


@contextlib.contextmanager
def caddy(
    app_url: str | Sequence[str], log: Path, config: Path | None = None, port: int | None = None
) -> Iterator[str]:
    """deploy/Caddyfile as it is (or `config`), on a local port (plain HTTP; a free one unless
    `port`), in front of `app_url` (or of each replica of a list); run from the repository as
    the README runs it (its .venv holds Streamlit's bundles)."""
    port = free_port() if port is None else port
    urls = [app_url] if isinstance(app_url, str) else list(app_url)
    upstreams = " ".join(url.removeprefix("http://") for url in urls)
    env = {**os.environ, "LIEN_SITE": f":{port}", "LIEN_APP": upstreams}
    config = CADDYFILE if config is None else config
    command = ["caddy", "run", "--config", str(config), "--adapter", "caddyfile"]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(process, url, log, 30.0)
        yield url
    finally:
        stop(process)


# --- the browser ---------------------------------------------------------------------------


def chromium_path() -> str | None:
    """Debian's chromium, or None when it is not installed."""
    return shutil.which("chromium")


def launch(playwright: Playwright, *, offline: bool = False) -> Browser:
    """Debian's headless chromium (chromium_path must have found it); with OFFLINE_ARGS when
    `offline`."""
    path = chromium_path()
    if path is None:
        raise ServerError("Debian chromium is not installed: apt-get install chromium")
    args = [*CHROMIUM_ARGS, *OFFLINE_ARGS] if offline else CHROMIUM_ARGS
    return playwright.chromium.launch(executable_path=path, headless=True, args=args)


def is_local(url: str) -> bool:
    """True for URLs that need no internet: 127.0.0.1/localhost, and data:, blob:, about: URLs."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https", "ws", "wss"):
        return True
    return parts.hostname in LOCAL_HOSTS


# --- the map -------------------------------------------------------------------------------


def map_frame(page: Page) -> FrameLocator:
    """The (first) st_folium iframe of the page."""
    return page.frame_locator(MAP_IFRAME).first


# Runs on the map's .leaflet-container. Leaflet's SVG renderer draws a CircleMarker (or Circle) as
# "M x,y a r,r 0 1,0 2r,0 a r,r 0 1,0 -2r,0 ", polygons and lines as "M x y L x y …", and empties
# the path of a circle far outside the view to "M0 0".
IN_VIEW_JS = """map => {
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


def markers_total(found: Mapping[str, Any]) -> int:
    """The number of map points in what IN_VIEW_JS returned, a cluster counting as its size."""
    total = int(found["icons"]) + int(found["circles"])
    for text in found["clusters"]:
        if not text.isdigit():
            raise ValueError(f"a .marker-cluster shows {text!r}, not a number of markers")
        total += int(text)
    return total


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
    return markers_total(frame.locator(".leaflet-container").first.evaluate(IN_VIEW_JS))


def first_markers(page: Page, url: str, timeout_s: float) -> tuple[float, int]:
    """(seconds from `page.goto(url)` to the first map points in the map's view, their count);
    the count is 0 when none showed within `timeout_s`."""
    start = time.perf_counter()
    page.goto(url, wait_until="commit")
    frame = map_frame(page)
    while (count := count_markers(frame)) == 0:  # waits for the iframe's .leaflet-container
        if time.perf_counter() - start > timeout_s:
            break
        time.sleep(0.02)
    return time.perf_counter() - start, count
