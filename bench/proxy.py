"""What a visitor's browser downloads, and how soon the page is there, with Streamlit alone and
behind the deployment recipe (deploy/Caddyfile: zstd/gzip, caching), each next to an empty
Streamlit page measured in the same run.

    make proxy        # or: .venv/bin/python -m bench proxy [--runs N] [--no-mobile]

For each page — the empty page (bench/empty_page.py), Lien's map page at phone size (390x844,
touch), Lien's coverage page at desktop size (1366x900) — and each way of serving it (direct,
behind Caddy; each also over an emulated mobile network, MOBILE), headless chromium loads it in
a fresh context (first visit), then again in the same context (repeat visit, with the browser's
cache), and reports the median of `--runs` loads of:

- seconds from the start of the navigation until the page is on screen, taken in the browser
  (READY_PROBE): the title for the empty page, the first markers for the map page, the first
  chart drawn for the coverage page;
- bytes received: the HTTP responses as they crossed the wire (CDP's encodedDataLength, so
  after compression) plus the WebSocket messages the app sends, as the browser hands them over
  (decompressed: the app compresses them on the wire, see .streamlit/config.toml).

Every non-local request is refused, as in the browser tests. Needs Debian's chromium and caddy
(apt-get install chromium caddy). Prints a markdown table, then notes; exits 1 if a tool is
missing.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.common import MB, ROOT, browser, lien_data, median
from lien_dev import harness
from lien_dev.harness import DEVICES

EMPTY = ROOT / "bench" / "empty_page.py"
DESKTOP = {"viewport": {"width": 1366, "height": 900}, "locale": harness.BROWSER_LOCALE}
# What says a page is there: the first markers in the map's frame, the first chart drawn.
MAP_READY = ".lien-dot, .marker-cluster"
COVERAGE_READY = harness.HEATMAP  # the page's first chart


@dataclass(frozen=True)
class Target:
    """A page to load: its script, the path under the server, the browser size, and the
    selector (in the page, or in the map's frame) that says it is there."""

    name: str
    script: Path
    path: str
    device: dict[str, Any]
    ready: str
    in_map: bool = False


TARGETS = (
    Target("empty page (phone)", EMPTY, "/", DEVICES["phone"], "h1"),
    Target(
        "map page (phone)",
        ROOT / "app.py",
        "/",
        DEVICES["phone"],
        MAP_READY,
        in_map=True,
    ),
    Target("empty page (desktop)", EMPTY, "/", DESKTOP, "h1"),
    Target(
        "coverage page (desktop)",
        ROOT / "app.py",
        "/Couverture_Dekking_Coverage",
        DESKTOP,
        COVERAGE_READY,
    ),
)


@dataclass(frozen=True)
class Network:
    """A network the browser emulates for HTTP (Chromium's throttling, as DevTools applies it)."""

    name: str
    latency_ms: float
    down_mbps: float
    up_mbps: float

    def conditions(self) -> dict[str, Any]:
        """Network.emulateNetworkConditions' parameters (throughputs in bytes per second)."""
        return {
            "offline": False,
            "latency": self.latency_ms,
            "downloadThroughput": self.down_mbps * 1e6 / 8,
            "uploadThroughput": self.up_mbps * 1e6 / 8,
        }


# Lighthouse's mobile profile (a slow 4G): what an attendee's phone may get at a crowded event.
MOBILE = Network("mobile network", latency_ms=150, down_mbps=1.6, up_mbps=0.75)


def reference_caddyfile(folder: Path) -> Path:
    """deploy/Caddyfile without what only Lien's map page needs (the preload of its frame's
    scripts, named by @map_page), for the reference pages: an empty page or the usual folium map
    served at / would otherwise fetch Lien's scripts, and the ratios would flatter Lien."""
    lines = harness.CADDYFILE.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if "@map_page" not in line]
    if len(kept) != len(lines) - 2:
        raise RuntimeError(f"{harness.CADDYFILE}: expected the @map_page matcher and its header")
    path = folder / "Caddyfile.reference"
    path.write_text("".join(kept), encoding="utf-8")
    return path


@contextlib.contextmanager
def served(
    script: Path,
    folder: Path,
    name: str,
    *,
    reference: bool = False,
    data: Path | None = None,
    store: bool = True,
) -> Iterator[tuple[str, str | None]]:
    """`script` under Streamlit, with LIEN_DATA=`data` (unset when None: the seed directory),
    from a store of its own (or from the file itself with `store` False: LIEN_STORE=off, the
    pages as they were before the store), and behind deploy/Caddyfile when Debian's caddy is
    here, or behind reference_caddyfile for a reference page: (Streamlit's URL, Caddy's URL or
    None). Logs go to `folder`."""
    with contextlib.ExitStack() as stack:
        # Only while the server starts: other servers, with other data, may run beside it.
        with lien_data(data):
            env = None if store else {**os.environ, "LIEN_STORE": "off"}
            process, direct = harness.start_app(folder / f"{name}.log", script=script, env=env)
        stack.callback(harness.stop, process)
        if shutil.which("caddy") is None:
            yield direct, None
            return
        config = reference_caddyfile(folder) if reference else None
        yield (
            direct,
            stack.enter_context(harness.caddy(direct, folder / f"caddy-{name}.log", config)),
        )


class Counter:
    """Bytes received by one page: responses after compression, and WebSocket messages."""

    def __init__(self, page: Any, network: Network | None = None) -> None:
        self.bytes = 0
        session = page.context.new_cdp_session(page)
        session.send("Network.enable")
        if network is not None:  # the page's frames of the same origin included
            session.send("Network.emulateNetworkConditions", network.conditions())
        session.on("Network.loadingFinished", self._finished)
        session.on("Network.webSocketFrameReceived", self._frame)

    def _finished(self, event: dict[str, Any]) -> None:
        self.bytes += int(event.get("encodedDataLength", 0))

    def _frame(self, event: dict[str, Any]) -> None:
        response = event.get("response", {})
        data = response.get("payloadData", "")
        # Binary frames (Streamlit's protobuf messages) arrive base64-encoded.
        self.bytes += len(base64.b64decode(data)) if response.get("opcode") == 2 else len(data)


# Run in the page from its start: notes when the first element matching the selector is on screen,
# in the page itself or inside the map's frame (same origin, so its document can be read from the
# page; the frame's own window is the one its initial empty document had, which an init script
# only reaches before the component's document replaces it), in ms since the navigation started.
READY_PROBE = """((selector, frame) => {
  if (window !== window.top) return;
  const seen = () => {
    const where = frame ? document.querySelector(frame)?.contentDocument : document;
    return !!where && Array.from(where.querySelectorAll(selector)).some(e => e.checkVisibility());
  };
  const poll = setInterval(() => {
    if (seen()) {
      window.__lienReadyAt = performance.now();
      clearInterval(poll);
    }
  }, 5);
})(%s, %s);"""


def load(
    context: Any,
    url: str,
    target: Target,
    timeout_s: float = 120.0,
    network: Network | None = None,
) -> tuple[float, int]:
    """(seconds from the start of the navigation until the target is on screen, bytes received
    until then + 1 s), over `network` when given.

    The time is taken in the browser (READY_PROBE), not when Playwright notices: its wait for an
    element inside a frame that is not there yet retries after 100, 250, then 500 ms, which
    added up to half a second to the map page's figure, whose markers are in a frame, and
    next to nothing to the empty page's: the ratio was unfair to the map."""
    page = context.new_page()
    try:
        frame = harness.MAP_IFRAME if target.in_map else None
        page.add_init_script(READY_PROBE % (json.dumps(target.ready), json.dumps(frame)))
        counter = Counter(page, network)
        page.goto(url + target.path)
        scope = page.frame_locator(harness.MAP_IFRAME).first if target.in_map else page
        scope.locator(target.ready).first.wait_for(timeout=timeout_s * 1000)
        page.wait_for_function("() => window.__lienReadyAt !== undefined")
        ready_ms = page.evaluate("() => window.__lienReadyAt")
        page.wait_for_timeout(1000)  # what is still on its way for the first screen
        return ready_ms / 1000, counter.bytes
    finally:
        page.close()


def first_visit(
    browser: Any, url: str, target: Target, network: Network | None = None
) -> tuple[float, int]:
    """`load` in a fresh browser context: an empty cache, as a first visit has it."""
    context = browser.new_context(service_workers="block", **target.device)
    try:
        return load(context, url, target, network=network)
    finally:
        context.close()


@dataclass
class Figures:
    first_s: list[float]
    first_b: list[int]
    repeat_s: list[float]
    repeat_b: list[int]


def measure(
    browser: Any, url: str, target: Target, runs: int, network: Network | None = None
) -> Figures:
    figures = Figures([], [], [], [])
    first_visit(browser, url, target)  # the server's first run (directory load, caches)
    for _ in range(runs):
        context = browser.new_context(service_workers="block", **target.device)
        try:
            seconds, received = load(context, url, target, network=network)
            figures.first_s.append(seconds)
            figures.first_b.append(received)
            seconds, received = load(context, url, target, network=network)
            figures.repeat_s.append(seconds)
            figures.repeat_b.append(received)
        finally:
            context.close()
    return figures


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--runs", type=int, default=5, help="loads per figure (median)")
    parser.add_argument(
        "--no-mobile",
        dest="mobile",
        action="store_false",
        help=f"leave out the loads over an emulated {MOBILE.name}",
    )


def main(args: argparse.Namespace) -> int:
    if shutil.which("caddy") is None:
        print("needs caddy: apt-get install caddy")
        return 1
    results: dict[tuple[str, str], Figures] = {}
    with tempfile.TemporaryDirectory() as tmp, browser(offline=True) as chromium:
        for script in (EMPTY, ROOT / "app.py"):
            reference = script == EMPTY
            with served(script, Path(tmp), script.stem, reference=reference) as (direct, proxied):
                if proxied is None:  # caddy was there when main() began
                    raise RuntimeError("caddy is gone")
                ways: list[tuple[str, str, Network | None]] = [
                    ("direct", direct, None),
                    ("Caddy", proxied, None),
                ]
                if args.mobile:
                    ways += [(f"{way}, {MOBILE.name}", url, MOBILE) for way, url, _ in list(ways)]
                for target in (t for t in TARGETS if t.script == script):
                    for way, url, network in ways:
                        results[target.name, way] = measure(
                            chromium, url, target, args.runs, network
                        )
                        print(f"… {target.name}, {way}", file=sys.stderr)
    print(table(results))
    print(
        f"\n{args.runs} loads per figure after a warm-up, median; chromium headless, every "
        "non-local request refused; a first visit is a fresh browser context, a repeat visit "
        "the same context loading the page again. Times noted by the page itself (READY_PROBE). "
        f"The {MOBILE.name} (Lighthouse's mobile profile) is emulated by chromium for HTTP: "
        f"{MOBILE.latency_ms:.0f} ms round trip, {MOBILE.down_mbps} Mbit/s down, "
        f"{MOBILE.up_mbps} Mbit/s up. "
        "Bytes: HTTP bodies and headers as received (after compression) and the WebSocket "
        "messages (decompressed), until the page is there plus 1 s."
    )
    return 0


def table(results: dict[tuple[str, str], Figures]) -> str:
    """Markdown: one row per page and way; ratios and differences against the empty page of the
    same size and way, measured in the same run."""
    lines = [
        "| page | served | first visit (s) | × empty | MB, first visit | + MB over empty "
        "| repeat visit (s) | MB, repeat visit |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for (name, way), f in results.items():
        size = name[name.index("(") :]
        empty = results.get((f"empty page {size}", way))
        first_s, first_mb = median(f.first_s), median(f.first_b) / MB
        ratio = extra = "—"
        if empty is not None and not name.startswith("empty"):
            ratio = f"{first_s / median(empty.first_s):.2f}"
            extra = f"{first_mb - median(empty.first_b) / MB:+.2f}"
        lines.append(
            f"| {name} | {way} | {first_s:.2f} | {ratio} | {first_mb:.2f} | {extra} "
            f"| {median(f.repeat_s):.2f} | {median(f.repeat_b) / MB:.2f} |"
        )
    return "\n".join(lines)
