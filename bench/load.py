"""Load test: N concurrent headless-chromium sessions on one Lien server, each with other filters.

    make load     # or: .venv/bin/python -m bench load [--sessions N] [--concurrency K]

Starts one `streamlit run app.py` on a free port of 127.0.0.1 (the seed directory, the offline
geocoder), warms it up with one session that is then closed, and opens N sessions (default 20) in
one headless chromium (a browser context each, every non-local request aborted), each on the map
page with different URL filters (service, province or region, keyword, near + radius, audience,
lang). At most K pages load at a time (default: the usable cores; `--concurrency N` loads all at
once); a page stays open once its map is drawn, so all N sessions are live together at the end.
Per session: the seconds from `page.goto` to the first markers in the map's view, and its errors
(page errors, console errors, timeouts, a Streamlit exception shown in the page). With all N pages
still open, it checks each still has its map and its live WebSocket, and reads the server's
memory. Prints a table; exits 0 only if every session drew its map with no error.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import math
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench.common import Row, app, median, table, tracebacks, usable_cores
from lien_dev import harness
from lien_dev.procs import cpu_seconds, descendants, group_pids, pss_mib, rss_mib

DEFAULT_SESSIONS = 20
DEFAULT_TIMEOUT_S = 180.0
SETTLE_S = 2.0  # lets the last reruns finish before memory is read
POLL_MS = 50  # how often a page looks for its markers (in the page, not over CDP)
# Twenty distinct filters, each leaving more than 0 located sites in data/organisations.csv, so
# "map drawn" always means markers were seen. Sessions beyond 20 reuse them in another language.
SESSION_PARAMS: tuple[dict[str, str], ...] = (
    {},
    {"lang": "nl"},
    {"lang": "en"},
    {"service": "housing"},
    {"service": "legal_aid", "lang": "nl"},
    {"service": "social_support", "lang": "en"},
    {"service": "reception"},
    {"service": "detention_visits", "lang": "nl"},
    {"service": "health,material_aid"},
    {"province": "04000"},
    {"province": "60000"},
    {"province": "50000", "lang": "en"},
    {"province": "02000", "lang": "nl"},
    {"q": "asile"},
    {"q": "juridique", "national": "0"},
    {"near": "Namur", "radius_km": "50"},
    {"near": "Liège", "radius_km": "100", "lang": "en"},
    {"near": "Antwerpen", "radius_km": "60", "lang": "nl"},
    {"audience": "refugees"},
    {"audience": "asylum_seekers", "service": "legal_aid", "lang": "en"},
)
LANGS = ("fr", "nl", "en")

# Resolves, once the map's view holds a marker, a cluster or a circle, with IN_VIEW_JS's result.
# Polling inside the page keeps 20 sessions from flooding the CDP connection with evaluations.
WAIT_FOR_MARKERS_JS = f"""map => new Promise(resolve => {{
  const inView = {harness.IN_VIEW_JS};
  const poll = () => {{
    const found = inView(map);
    if (found.icons + found.circles + found.clusters.length > 0) resolve(found);
    else setTimeout(poll, {POLL_MS});
  }};
  poll();
}})"""


def session_params(n: int) -> list[dict[str, str]]:
    """N filters, distinct up to 60: after the first 20, the same filters in the next language."""
    out = []
    for i in range(n):
        base = SESSION_PARAMS[i % len(SESSION_PARAMS)]
        turn = (i // len(SESSION_PARAMS)) % len(LANGS)
        if turn:
            lang = LANGS[(LANGS.index(base.get("lang", "fr")) + turn) % len(LANGS)]
            base = {**base, "lang": lang}
        out.append(base)
    return out


@dataclass
class Session:
    """One browser session: its filters, when its map drew, and what went wrong in it."""

    index: int
    params: dict[str, str]
    seconds: float | None = None
    started: float | None = None
    """Seconds from the first session's start to this one's page.goto (waiting for a slot)."""
    markers: int = 0
    live: bool = False
    page_errors: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    """Timeouts, exceptions shown by Streamlit, a lost map or WebSocket."""
    blocked: list[str] = field(default_factory=list)
    sockets_open: int = 0

    def errors(self) -> list[str]:
        """Everything that makes the session fail."""
        return [*self.failures, *self.page_errors, *self.console_errors]

    def query(self) -> str:
        """The URL query, as the session loaded it."""
        return urlencode(self.params)


# --- one session ---------------------------------------------------------------------------


async def open_session(
    browser: Any,
    base_url: str,
    session: Session,
    slots: asyncio.Semaphore,
    origin: float,
    timeout_s: float,
) -> Any:
    """Load the session's page when a slot is free (see _load); return its context."""
    async with slots:  # released once the map is drawn; the page itself stays open
        session.started = time.perf_counter() - origin
        return await _load(browser, base_url, session, timeout_s)


async def _load(browser: Any, base_url: str, session: Session, timeout_s: float) -> Any:
    """A fresh context with no internet, the map page loaded and timed; returns the context."""
    context = await browser.new_context(**harness.DEVICES["desktop"], service_workers="block")
    context.set_default_timeout(timeout_s * 1000)
    page = await context.new_page()

    async def route(route: Any) -> None:
        url = route.request.url
        if harness.is_local(url):
            await route.continue_()
        else:
            session.blocked.append(url)
            await route.abort("internetdisconnected")

    async def route_web_socket(ws: Any) -> None:
        session.blocked.append(ws.url)
        await ws.close()

    def console(message: Any) -> None:
        if message.type != "error":
            return
        where = message.location.get("url", "")
        if where in session.blocked and message.text.startswith("Failed to load resource"):
            return  # a request we aborted ourselves
        line = message.location.get("lineNumber")
        session.console_errors.append(f"{message.text} ({where}:{line})")

    def websocket(ws: Any) -> None:
        session.sockets_open += 1

        def closed(_: Any) -> None:
            session.sockets_open -= 1

        ws.on("close", closed)

    await page.route("**/*", route)
    await page.route_web_socket(lambda url: not harness.is_local(url), route_web_socket)
    page.on("pageerror", lambda error: session.page_errors.append(f"{error.name}: {error.message}"))
    page.on("console", console)
    page.on("websocket", websocket)

    deadline = time.monotonic() + timeout_s
    start = time.perf_counter()
    try:
        await page.goto(
            f"{base_url}/?{session.query()}" if session.params else base_url, wait_until="commit"
        )
        found = await _first_markers(page, deadline, timeout_s)
        session.seconds = time.perf_counter() - start
        session.markers = harness.markers_total(found)
    except Exception as error:  # noqa: BLE001 - whatever stopped the map is the session's error
        session.failures.append(f"{type(error).__name__}: {str(error).splitlines()[0]}")
    return context


async def _first_markers(page: Any, deadline: float, timeout_s: float) -> dict[str, Any]:
    """Wait for markers in the map's view, or for a Streamlit exception (recorded as a failure)."""
    from playwright.async_api import Error as PlaywrightError

    exception = page.get_by_test_id("stException").first
    container = page.frame_locator(harness.MAP_IFRAME).first.locator(".leaflet-container").first
    last_error = ""
    while (remaining := deadline - time.monotonic()) > 0:
        timeout_ms = remaining * 1000
        drawn = asyncio.ensure_future(container.evaluate(WAIT_FOR_MARKERS_JS, timeout=timeout_ms))
        raised = asyncio.ensure_future(exception.wait_for(state="attached", timeout=timeout_ms))
        done, _ = await asyncio.wait(
            {drawn, raised}, timeout=remaining, return_when=asyncio.FIRST_COMPLETED
        )
        for task in (drawn, raised):
            if task not in done:
                task.cancel()
        await asyncio.gather(drawn, raised, return_exceptions=True)  # no "never retrieved"
        if raised in done and raised.exception() is None:
            text = await exception.inner_text(timeout=5_000)
            raise RuntimeError(f"the app raised: {text.splitlines()[0] if text else '?'}")
        if drawn in done:
            error = drawn.exception()
            if error is None:
                return drawn.result()
            # The component iframe can be replaced while the page starts: look again in the new one.
            last_error = str(error).splitlines()[0]
            if not isinstance(error, PlaywrightError):
                raise error
            await asyncio.sleep(0.1)
        elif not done:
            break
    raise TimeoutError(
        f"no marker in the map's view within {timeout_s:g} s"
        + (f" (last: {last_error})" if last_error else "")
    )


async def check_live(context: Any, session: Session) -> None:
    """With every page still open: the map still shows markers, no exception, a live WebSocket."""
    page = context.pages[0]
    try:
        if session.seconds is not None and await markers_in_view(page) == 0:
            session.failures.append("map lost its markers")
        if await page.get_by_test_id("stException").count():
            session.failures.append("the app shows an exception")
    except Exception as error:  # noqa: BLE001 - any failure of the check is the session's error
        session.failures.append(f"live check: {type(error).__name__}: {str(error).splitlines()[0]}")
    session.live = session.sockets_open > 0
    if not session.live:
        session.failures.append("no open WebSocket to the server")


async def markers_in_view(page: Any) -> int:
    """count_markers for the async API: the points in the map's current view."""
    container = page.frame_locator(harness.MAP_IFRAME).first.locator(".leaflet-container").first
    return harness.markers_total(await container.evaluate(harness.IN_VIEW_JS, timeout=30_000))


# --- the run -------------------------------------------------------------------------------


@dataclass
class Run:
    """What the load test measured."""

    sessions: list[Session]
    chromium_version: str = ""
    warmup_s: float = float("nan")
    rss_started: float = 0.0
    rss_before: float = 0.0
    rss_after: float = 0.0
    hwm_after: float = 0.0
    server_cpu_s: float = 0.0
    browser_pss: float = 0.0
    wall_s: float = 0.0
    server_errors: list[str] = field(default_factory=list)


async def drive(
    chromium: str, url: str, server_pid: int, n: int, concurrency: int, timeout_s: float
) -> Run:
    """Warm up, open the N sessions, check them all live, and read the memory."""
    from playwright.async_api import async_playwright

    run = Run([Session(i + 1, params) for i, params in enumerate(session_params(n))])
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=chromium, headless=True, args=harness.CHROMIUM_ARGS
        )
        contexts: list[Any] = []
        try:
            run.chromium_version = browser.version
            run.rss_started = rss_mib(group_pids(server_pid))
            # The first session imports the app's modules and loads the directory, once per
            # server: measured apart so per-session figures are the marginal cost of a session.
            warmup = Session(0, {})
            contexts.append(await _load(browser, url, warmup, timeout_s))
            run.warmup_s = warmup.seconds if warmup.seconds is not None else float("nan")
            if warmup.errors():
                run.server_errors.append(f"warm-up session: {warmup.errors()}")
            await contexts.pop().close()
            await asyncio.sleep(SETTLE_S)
            server = group_pids(server_pid)
            run.rss_before = rss_mib(server)
            cpu_before = cpu_seconds(server)
            slots = asyncio.Semaphore(concurrency)
            started = time.perf_counter()
            contexts = list(
                await asyncio.gather(
                    *(
                        open_session(browser, url, s, slots, started, timeout_s)
                        for s in run.sessions
                    )
                )
            )
            run.wall_s = time.perf_counter() - started
            await asyncio.sleep(SETTLE_S)
            await asyncio.gather(
                *(check_live(c, s) for c, s in zip(contexts, run.sessions, strict=False))
            )
            server = group_pids(server_pid)
            run.rss_after = rss_mib(server)
            run.hwm_after = rss_mib(server, "VmHWM")
            run.server_cpu_s = cpu_seconds(server) - cpu_before
            run.browser_pss = pss_mib([p for p in descendants(os.getpid()) if p not in server])
        finally:
            for context in contexts:
                with contextlib.suppress(Exception):
                    await context.close()
            await browser.close()
    return run


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile: the smallest value with p % of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)] if ordered else float("nan")


def report(run: Run, concurrency: int) -> bool:
    """Print the per-session table and the summary; True if every session passed."""
    n = len(run.sessions)
    width = max(len(s.query() or "(none)") for s in run.sessions)
    print(
        f"{'#':>2}  {'query':<{width}}  {'start (s)':>9}  {'map (s)':>7}  {'markers':>7}  "
        f"live  errors"
    )
    for s in run.sessions:
        seconds = f"{s.seconds:.2f}" if s.seconds is not None else "—"
        started = f"{s.started:.1f}" if s.started is not None else "—"
        print(
            f"{s.index:>2}  {s.query() or '(none)':<{width}}  {started:>9}  {seconds:>7}  "
            f"{s.markers:>7}  {'yes' if s.live else 'NO':<4}  {len(s.errors())}"
        )
    drawn = [s for s in run.sessions if s.seconds is not None and s.markers > 0]
    times = [s.seconds for s in drawn if s.seconds is not None]
    errors = [
        f"session {s.index} ({s.query() or 'no filter'}): {e}"
        for s in run.sessions
        for e in s.errors()
    ] + run.server_errors
    per_session = (run.rss_after - run.rss_before) / n if n else float("nan")
    rows = [
        ("sessions drawn (markers in view)", f"{len(drawn)}/{n}"),
        ("sessions live at the end, all pages open", f"{sum(s.live for s in run.sessions)}/{n}"),
        ("errors", f"{len(errors)}"),
        (
            "time to map p50 / p95 / max (s)",
            f"{median(times):.2f} / "
            f"{percentile(times, 95):.2f} / {max(times, default=float('nan')):.2f}",
        ),
        ("time to map min (s)", f"{min(times, default=float('nan')):.2f}"),
        ("all sessions drawn after (s)", f"{run.wall_s:.2f}"),
        ("warm-up session, first map of the server (s)", f"{run.warmup_s:.2f}"),
        (
            "server RSS started / before / with sessions (MiB)",
            f"{run.rss_started:,.0f} / {run.rss_before:,.0f} / {run.rss_after:,.0f}",
        ),
        ("server RSS per session, (after - before) / N (MiB)", f"{per_session:.1f}"),
        ("server peak VmHWM (MiB)", f"{run.hwm_after:,.0f}"),
        ("server CPU for the N sessions (s)", f"{run.server_cpu_s:.1f}"),
        ("chromium PSS with all pages open (MiB)", f"{run.browser_pss:,.0f}"),
    ]
    print()
    print(table(["value"], [Row(label, {"value": value}) for label, value in rows]))
    print()
    print(
        f"- {n} sessions in one chromium {run.chromium_version} (headless, a context each, "
        f"1400x900, non-local requests aborted), at most {min(concurrency, n)} loading at a "
        f"time, each kept open once drawn; time to map is from page.goto to the first marker "
        f"or cluster in the map's view (waiting for a slot excluded); p95 is nearest-rank."
    )
    print(
        "- server RSS: VmRSS of the server's process group from /proc; 'before' is after a "
        "warm-up session (closed) and 'with sessions' is with all N pages open, "
        f"{SETTLE_S:g} s after the last map drew."
    )
    blocked = sum(len(s.blocked) for s in run.sessions)
    print(f"- {blocked} non-local requests aborted in all (map tiles).")
    for error in errors:
        print(f"- ERROR {error}")
    return len(drawn) == n and not errors and all(s.live for s in run.sessions)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--sessions",
        type=int,
        default=DEFAULT_SESSIONS,
        help=f"concurrent browser sessions (default {DEFAULT_SESSIONS})",
    )
    parser.add_argument(
        "--concurrency",
        type=int,
        default=usable_cores(),
        help="pages loading at a time (default: the usable cores, here "
        f"{usable_cores()}; --concurrency N loads all N at once)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT_S,
        help=f"seconds per session to draw its map (default {DEFAULT_TIMEOUT_S:g})",
    )


def main(args: argparse.Namespace) -> int:
    if args.sessions < 1 or args.concurrency < 1:
        print("--sessions and --concurrency must be at least 1", file=sys.stderr)
        return 2
    chromium = harness.chromium_path()
    assert chromium is not None  # bench.__main__ checked
    # The filters are chosen for the seed directory, and `near` must not wait on the internet.
    with tempfile.TemporaryDirectory(prefix="lien-load-") as tmp:
        log = Path(tmp) / "server.log"
        print(
            f"[load] starting the server, then {args.sessions} sessions…",
            file=sys.stderr,
            flush=True,
        )
        with app(log) as (process, url):
            run = asyncio.run(
                drive(chromium, url, process.pid, args.sessions, args.concurrency, args.timeout)
            )
        if count := tracebacks(log):
            run.server_errors.append(
                f"the server log has {count} traceback(s):\n{harness.log_tail(log)}"
            )
    print(
        f"Lien load test, {datetime.date.today().isoformat()}: {usable_cores()} usable cores, "
        f"Python {sys.version.split()[0]}"
    )
    print()
    ok = report(run, args.concurrency)
    print("OK" if ok else "FAILED")
    return 0 if ok else 1
