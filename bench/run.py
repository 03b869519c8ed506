"""Lien's performance figures in one table, on synthetic directories of 1k, 10k and 100k sites.

    make bench        # or: .venv/bin/python -m bench.run [--quick]

Writes the synthetic directories (bench/make_synthetic.py, seed 0) into a temporary folder, then
measures, each after a warm-up, and reports the median:

1. map page rerun after a filter change, server side (AppTest on app.py, LIEN_DATA set);
2. the st_folium component's json_args, the map payload sent to the browser, unfiltered;
3. building and rendering the map at 1k and 10k sites, ours (base_map + sites_layer) against the
   usual folium approach (a MarkerCluster of one folium.Marker per site), in the same run;
4. map page rerun after a filter change on the seed directory (LIEN_DATA unset);
5. coverage page rerun after a service change (nearest-provider distances recomputed);
6. offline batch geocoding throughput (bench/geocode_bench.py's measure_throughput);
7. peak memory (VmHWM) of a `streamlit run app.py` server once the map has drawn;
8. time from page.goto to the first markers in headless chromium (non-local requests blocked);
9-12. the first screen on a phone and on a desktop against an empty Streamlit page measured in
   the same run, as a ratio, with the bytes (bench/first_screen.py): the map page's first markers
   (seed directory and 100k sites), the coverage page's first chart.

Prints the machine, the tables (markdown-compatible), then notes: runs per figure, per-change
times, the load time of each directory. Exits 1 if a goal is missed, like geocode_bench.py.
Every server is started in a session of its own and its process group is killed in `finally`.
"""

from __future__ import annotations

import argparse
import contextlib
import html
import logging
import os
import platform
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from bench import first_screen, geocode_bench, make_synthetic
from lien.render import sites_layer

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent

SIZES: dict[str, int] = {"1k": 1_000, "10k": 10_000, "100k": 100_000}
APP = ROOT / "app.py"
COVERAGE_PAGE = ROOT / "pages" / "1_Couverture_Dekking_Coverage.py"
MB = 1_000_000

# Goals.
RERUN_GOAL_MS = 300.0
PAYLOAD_GOAL_MB = 8.0
BUILD_SPEEDUP_GOAL = 50.0
SIZE_RATIO_GOAL = 10.0
SEED_RERUN_GOAL_MS = 100.0
COVERAGE_GOAL_MS = 2_000.0
GEOCODE_GOAL = 50_000.0
MARKERS_GOAL_S = 5.0

# Map page: each rerun replaces the current filter by the next one (one rerun per change); after
# the last, the filter is cleared and the full view comes back (timed apart).
MAP_CHANGES: tuple[tuple[str, str, Any], ...] = (
    ("service = housing", "f_service", ["housing"]),
    ("province = Liège", "f_province", ["60000"]),
    ("keyword = juridique", "f_q", "juridique"),
    ("near = Namur (25 km)", "f_near", "Namur"),
)
CLEARED = {"f_service": [], "f_province": [], "f_q": "", "f_near": ""}
COVERAGE_SERVICES = ("housing", "legal_aid", "health", "language_classes", "employment")
# The map page's line of counts, in the singular too: "0 site de 0 organisation affiché".
SHOWN = re.compile(r"([\d\s\u202f.,]+) sites? de")


# --- small helpers -------------------------------------------------------------------------


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def timed(fn: Callable[[], Any], runs: int, warmup: int = 1) -> tuple[list[float], Any]:
    """Seconds of each of `runs` calls after `warmup` calls, and the last result."""
    result = None
    for _ in range(warmup):
        result = fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return times, result


@contextlib.contextmanager
def lien_data(path: Path | None) -> Iterator[None]:
    """LIEN_DATA set to `path` (or unset) for the duration."""
    old = os.environ.get("LIEN_DATA")
    if path is None:
        os.environ.pop("LIEN_DATA", None)
    else:
        os.environ["LIEN_DATA"] = str(path)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("LIEN_DATA", None)
        else:
            os.environ["LIEN_DATA"] = old


def machine() -> list[str]:
    """CPU model, cores, RAM and Python version."""
    cpu = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    ram = "unknown"
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return [
        f"CPU: {cpu}, {os.cpu_count()} logical cores ({usable} usable)",
        f"RAM: {ram}",
        f"Python {platform.python_version()} ({sys.executable}), {platform.platform()}",
    ]


# --- results -------------------------------------------------------------------------------


@dataclass
class Row:
    figure: str
    cells: dict[str, str] = field(default_factory=dict)  # size -> shown value
    goal: str = ""
    ok: bool | None = None  # None: no goal, or not measured


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)
    screen: list[first_screen.ScreenRow] = field(default_factory=list)  # rows 9-12
    notes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def add(self, row: Row) -> Row:
        self.rows.append(row)
        return row

    def table(self) -> str:
        return _table(list(SIZES), self.rows)

    def screen_table(self) -> str:
        return _table(list(first_screen.SIZES), self.screen)

    def missed(self) -> bool:
        oks = [r.ok for r in self.rows] + [r.ok for r in self.screen]
        return any(ok is False for ok in oks) or bool(self.errors)


def _table(columns: list[str], rows: list[Row] | list[first_screen.ScreenRow]) -> str:
    header = ["figure", *columns, "goal", "result"]
    body = [
        [
            r.figure,
            *(r.cells.get(s, "—") for s in columns),
            r.goal or "—",
            "" if r.ok is None else ("ok" if r.ok else "MISS"),
        ]
        for r in rows
    ]
    widths = [max(len(x[i]) for x in [header, *body]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return (
            "| "
            + " | ".join(
                c.ljust(w) if i == 0 else c.rjust(w)
                for i, (c, w) in enumerate(zip(cells, widths, strict=False))
            )
            + " |"
        )

    rule = "|" + "|".join("-" * (w + 1) + (":" if i else "-") for i, w in enumerate(widths)) + "|"
    return "\n".join([line(header), rule, *(line(b) for b in body)])


def ms(seconds: float) -> str:
    value = seconds * 1000
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def guarded(report: Report, what: str, fn: Callable[[], None]) -> None:
    """Run one measurement; a failure is reported and the others still run."""
    try:
        fn()
    except BaseException as exc:  # pytest.fail (from the browser helpers) raises a BaseException
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        report.errors.append(f"{what}: {type(exc).__name__}: {exc}")
        traceback.print_exc(file=sys.stderr)


# --- 1, 2, 4: the map page, server side ----------------------------------------------------


def _shown(at: Any) -> str:
    for element in at.markdown:
        match = SHOWN.search(element.value)
        if match:
            return match.group(1).strip()
    return "?"


def _map_payload(at: Any) -> int:
    for element in at.get("component_instance"):
        if element.proto.component_name == "streamlit_folium.st_folium":
            return len(element.proto.json_args)
    raise AssertionError("no st_folium component on the page")


def _set(at: Any, key: str, value: Any) -> None:
    widget = at.multiselect(key=key) if isinstance(value, list) else at.text_input(key=key)
    widget.set_value(value)


def _run(at: Any) -> float:
    start = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - start
    if at.exception:
        raise RuntimeError(f"the page raised: {at.exception[0].message}")
    return elapsed


@dataclass
class MapReruns:
    first_s: float
    payload: int
    shown_all: str
    filtered: dict[str, list[float]]
    shown: dict[str, str]
    cleared: list[float]

    def all_filtered(self) -> list[float]:
        return [t for times in self.filtered.values() for t in times]


def map_reruns(path: Path | None, cycles: int) -> MapReruns:
    """AppTest on app.py: a first run (the warm-up, with the load), then `cycles` passes over
    MAP_CHANGES, each rerun swapping the previous filter for the next, and a clearing rerun."""
    from streamlit.testing.v1 import AppTest

    with lien_data(path):
        at = AppTest.from_file(str(APP), default_timeout=600)
        first = _run(at)
        payload, shown_all = _map_payload(at), _shown(at)
        filtered: dict[str, list[float]] = {label: [] for label, _, _ in MAP_CHANGES}
        shown: dict[str, str] = {}
        cleared: list[float] = []
        for _ in range(cycles):
            previous = None
            for label, key, value in MAP_CHANGES:
                if previous is not None:
                    _set(at, previous, CLEARED[previous])
                _set(at, key, value)
                filtered[label].append(_run(at))
                shown[label] = _shown(at)
                previous = key
            last = MAP_CHANGES[-1][1]
            _set(at, last, CLEARED[last])
            cleared.append(_run(at))
    return MapReruns(first, payload, shown_all, filtered, shown, cleared)


def bench_map_page(report: Report, files: dict[str, Path], cycles: int) -> None:
    rerun = report.add(
        Row(
            "1. map page rerun after a filter change, server (ms)",
            goal=f"< {RERUN_GOAL_MS:,.0f} at 100k",
        )
    )
    full = report.add(Row("1b. map page rerun back to the unfiltered view (ms)"))
    first = report.add(Row("1c. map page first run, incl. directory load (s)"))
    size = report.add(
        Row(
            "2. map payload, st_folium json_args, unfiltered (MB)",
            goal=f"< {PAYLOAD_GOAL_MB:g} at 100k",
        )
    )
    for name, path in files.items():
        result = map_reruns(path, cycles)
        rerun.cells[name] = ms(median(result.all_filtered()))
        full.cells[name] = ms(median(result.cleared))
        first.cells[name] = f"{result.first_s:.1f}"
        size.cells[name] = f"{result.payload / MB:.2f}"
        detail = ", ".join(
            f"{label} ({result.shown[label]} sites) {ms(median(times))}"
            for label, times in result.filtered.items()
        )
        report.notes.append(
            f"row 1, {name}: median ms per change: {detail}; "
            f"cleared ({result.shown_all} sites) {ms(median(result.cleared))}"
        )
        if name == "100k":
            rerun.ok = median(result.all_filtered()) * 1000 < RERUN_GOAL_MS
            size.ok = result.payload / MB < PAYLOAD_GOAL_MB
    report.notes.append(
        f"rows 1, 1b, 4: AppTest, warm-up = first run (1c); then {cycles} passes over the "
        f"{len(MAP_CHANGES)} changes ({len(MAP_CHANGES) * cycles} timed reruns for row 1, median), "
        f"each rerun swapping the previous filter for the next, and one rerun per pass clearing "
        f"the filter ({cycles} timed reruns for row 1b, median). Row 2: bytes / 10^6."
    )


def bench_seed(report: Report, cycles: int) -> None:
    row = report.add(
        Row(
            "4. map page rerun after a filter change, seed directory (ms)",
            goal=f"< {SEED_RERUN_GOAL_MS:,.0f}",
        )
    )
    result = map_reruns(None, cycles)
    value = median(result.all_filtered())
    row.cells["1k"] = f"seed: {ms(value)}"
    row.ok = value * 1000 < SEED_RERUN_GOAL_MS
    detail = ", ".join(
        f"{label} ({result.shown[label]}) {ms(median(times))}"
        for label, times in result.filtered.items()
    )
    report.notes.append(
        f"row 4: the seed directory data/organisations.csv ({result.shown_all} "
        f"sites on the map), shown in the first column; median ms per change: "
        f"{detail}; cleared {ms(median(result.cleared))}"
    )


# --- 3: map build, ours against the usual approach -----------------------------------------


def build_ours(sites: Any) -> str:
    from lien.render import mapview

    fmap = mapview.base_map("fr")
    sites_layer.sites_layer(sites, "fr").add_to(fmap)
    return fmap.get_root().render()


def _popup_lines(site: dict[str, Any]) -> list[str]:
    from lien.display import site_fields

    f = site_fields(site, "fr")
    return [
        f.organisation,
        f.site,
        f.place,
        ", ".join(f.services),
        f.hours,
        ", ".join(x.text for x in f.phones),
        ", ".join(x.text for x in f.emails),
        f.precision_label,
        f.source,
    ]


def build_usual(sites: Any) -> str:
    import folium
    from folium.plugins import MarkerCluster

    from lien.render import mapview

    fmap = folium.Map(location=mapview.BELGIUM_CENTER, zoom_start=mapview.BELGIUM_ZOOM)
    cluster = MarkerCluster().add_to(fmap)
    for site in sites.to_dict("records"):
        # The usual way: each marker carries its popup's HTML (here the same fields as ours).
        popup = "<br>".join(html.escape(str(v)) for v in _popup_lines(site))
        folium.Marker(
            [site["latitude"], site["longitude"]], popup=popup, tooltip=site["organisation"]
        ).add_to(cluster)
    return fmap.get_root().render()


def bench_build(report: Report, frames: dict[str, Any], runs: int, usual_runs: int) -> None:
    ours_t = report.add(Row("3a. map build + render, ours (ms)"))
    usual_t = report.add(Row("3b. map build + render, usual Marker+MarkerCluster (ms)"))
    speed = report.add(
        Row("3c. build time ratio, usual / ours (x)", goal=f">= {BUILD_SPEEDUP_GOAL:g} at 10k")
    )
    ours_s = report.add(Row("3d. map HTML size, ours (MB)"))
    usual_s = report.add(Row("3e. map HTML size, usual (MB)"))
    ratio = report.add(
        Row("3f. HTML size ratio, usual / ours (x)", goal=f">= {SIZE_RATIO_GOAL:g} at 10k")
    )
    for name in ("1k", "10k"):
        frame = frames[name]
        sites = frame[frame["latitude"].notna() & frame["longitude"].notna()]
        times_o, html_o = timed(partial(build_ours, sites), runs)
        n_usual = runs if name == "1k" else usual_runs
        times_u, html_u = timed(partial(build_usual, sites), n_usual)
        t_o, t_u = median(times_o), median(times_u)
        ours_t.cells[name], usual_t.cells[name] = ms(t_o), ms(t_u)
        ours_s.cells[name] = f"{len(html_o.encode()) / MB:.2f}"
        usual_s.cells[name] = f"{len(html_u.encode()) / MB:.2f}"
        speed.cells[name] = f"{t_u / t_o:.0f}"
        size_ratio = len(html_u.encode()) / len(html_o.encode())
        ratio.cells[name] = f"{size_ratio:.1f}"
        if name == "10k":
            speed.ok = t_u / t_o >= BUILD_SPEEDUP_GOAL
            ratio.ok = size_ratio >= SIZE_RATIO_GOAL
    report.notes.append(
        f"row 3: the located sites, popups in French; `get_root().render()` of the map; ours "
        f"{runs} runs, usual {runs} runs at 1k and {usual_runs} at 10k (about 10 s each), after "
        f"one warm-up each, median; not run at 100k (the usual approach would take minutes). "
        f"Ours includes the province outlines; at 1k (<= mapview.FULL_POPUPS) it also ships the "
        f"full popups, hence the small size ratio there."
    )


# --- 5: the coverage page ------------------------------------------------------------------


def bench_coverage(report: Report, files: dict[str, Path], runs: int) -> None:
    from streamlit.testing.v1 import AppTest

    row = report.add(
        Row(
            "5. coverage page rerun after a service change (ms)",
            goal=f"< {COVERAGE_GOAL_MS:,.0f} at 100k",
        )
    )
    for name, path in files.items():
        with lien_data(path):
            at = AppTest.from_file(str(COVERAGE_PAGE), default_timeout=600)
            _run(at)  # warm-up: all services, with the load when not cached yet
            times = []
            for i in range(runs):
                _set(at, "f_service", [COVERAGE_SERVICES[i % len(COVERAGE_SERVICES)]])
                times.append(_run(at))
        row.cells[name] = ms(median(times))
        if name == "100k":
            row.ok = median(times) * 1000 < COVERAGE_GOAL_MS
    report.notes.append(
        f"row 5: AppTest on the coverage page; warm-up = first run; then {runs} "
        f"reruns, the service filter set to one of {', '.join(COVERAGE_SERVICES)} "
        f"in turn; median."
    )


# --- 6: geocoding --------------------------------------------------------------------------


def bench_geocode(report: Report, runs: int) -> None:
    row = report.add(
        Row(
            "6. batch geocoding, distinct addresses (addr/s)",
            goal=f">= {GEOCODE_GOAL:,.0f} at 100k",
        )
    )
    resolved = []
    for name, count in SIZES.items():
        rate, found, total = geocode_bench.measure_throughput(count, runs)
        row.cells[name] = f"{rate:,.0f}"
        resolved.append(f"{name} {found:,}/{total:,}")
        if name == "100k":
            row.ok = rate >= GEOCODE_GOAL
    report.notes.append(
        f"row 6: geocode_bench.measure_throughput (locate_many, memo cleared "
        f"before each run), {runs} runs after a warm-up, median; resolved: "
        f"{', '.join(resolved)}."
    )


# --- 7, 8: the real server and headless chromium -------------------------------------------


@contextlib.contextmanager
def server(path: Path, log: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`streamlit run app.py` with LIEN_DATA=path on a free port; its process group is killed."""
    from tests.support import harness

    process, url = harness.start_app(log, env={**os.environ, "LIEN_DATA": str(path)})
    try:
        yield url, process
    finally:
        harness.stop(process)


def memory_kib(pid: int) -> dict[str, int]:
    """VmHWM and VmRSS of a process, in KiB."""
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmHWM", "VmRSS"):
            out[name] = int(value.split()[0])
    return out


def first_markers(browser: Any, url: str, timeout_s: float = 180.0) -> tuple[float, int, list[str]]:
    """Seconds from page.goto to the first markers counted in the map iframe, in a fresh
    context where every non-local request is aborted; also the count and the page errors."""
    from tests.support.harness import VIEWPORT, count_markers, is_local, map_frame

    context = browser.new_context(viewport=VIEWPORT, service_workers="block")
    try:
        context.set_default_timeout(timeout_s * 1000)
        page = context.new_page()
        errors: list[str] = []
        page.route(
            "**/*",
            lambda route: (
                route.continue_()
                if is_local(route.request.url)
                else route.abort("internetdisconnected")
            ),
        )
        page.route_web_socket(lambda u: not is_local(u), lambda ws: ws.close())
        page.on("pageerror", lambda error: errors.append(f"{error.name}: {error.message}"))
        start = time.perf_counter()
        page.goto(url)
        frame = map_frame(page)
        while True:
            count = count_markers(frame)  # waits for the iframe's .leaflet-container
            elapsed = time.perf_counter() - start
            if count > 0:
                return elapsed, count, errors
            if elapsed > timeout_s:
                raise TimeoutError(f"no marker after {timeout_s:.0f} s")
            time.sleep(0.02)
    finally:
        context.close()


def bench_browser(report: Report, files: dict[str, Path], runs: dict[str, int], tmp: Path) -> None:
    from playwright.sync_api import sync_playwright

    from tests.support.harness import CHROMIUM_ARGS, chromium_path

    hwm = report.add(Row("7. server peak memory VmHWM after first map (MiB)"))
    rss = report.add(Row("7b. server VmRSS after first map (MiB)"))
    seen = report.add(
        Row("8. markers visible in chromium, from goto (s)", goal=f"< {MARKERS_GOAL_S:g} at 100k")
    )
    chromium = chromium_path()
    if chromium is None:
        report.errors.append(
            "rows 7, 8: Debian chromium is not installed (apt-get install chromium)"
        )
        return
    after_all: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, headless=True, args=CHROMIUM_ARGS
        )
        try:
            report.notes.append(
                f"rows 7, 8: chromium {browser.version}, headless, 1400x900, "
                f"non-local requests aborted; a fresh browser context per load."
            )
            for name, path in files.items():
                with server(path, tmp / f"server-{name}.log") as (url, process):
                    first_s, _, errors = first_markers(browser, url)  # warm-up, with the load
                    memory = memory_kib(process.pid)
                    hwm.cells[name] = f"{memory['VmHWM'] / 1024:,.0f}"
                    rss.cells[name] = f"{memory['VmRSS'] / 1024:,.0f}"
                    times, counts = [], set()
                    for _ in range(runs[name]):
                        elapsed, count, errs = first_markers(browser, url)
                        times.append(elapsed)
                        counts.add(count)
                        errors += errs
                    seen.cells[name] = f"{median(times):.2f}"
                    if name == "100k":
                        seen.ok = median(times) < MARKERS_GOAL_S
                    after = memory_kib(process.pid)
                    after_all.append(f"{name} {after['VmHWM'] / 1024:,.0f}")
                    report.notes.append(
                        f"row 8, {name}: warm-up load {first_s:.1f} s (with the directory load); "
                        f"{runs[name]} timed loads {', '.join(f'{t:.2f}' for t in times)} s; "
                        f"first count {'/'.join(str(c) for c in sorted(counts))} (above the sites "
                        f"shown when taken during the cluster animation)"
                        + (f"; page errors: {sorted(set(errors))}" if errors else "")
                    )
        finally:
            browser.close()
    report.notes.append(
        f"row 7: /proc/<pid>/status of the server (one process) after the "
        f"warm-up load; VmHWM after all row 8 loads (MiB): {', '.join(after_all)}."
    )


def bench_first_screen(report: Report, big: Path, runs: int) -> None:
    from playwright.sync_api import sync_playwright

    from tests.support.harness import CHROMIUM_ARGS, OFFLINE_ARGS, chromium_path

    chromium = chromium_path()
    if chromium is None:
        report.errors.append(
            "rows 9-12: Debian chromium is not installed (apt-get install chromium)"
        )
        return
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, headless=True, args=[*CHROMIUM_ARGS, *OFFLINE_ARGS]
        )
        try:
            rows, notes = first_screen.measure(
                browser, big, runs, lambda line: print(f"[bench] {line}", file=sys.stderr)
            )
        finally:
            browser.close()
    report.screen.extend(rows)
    report.notes.extend(notes)


# --- the directories -----------------------------------------------------------------------


def make_files(tmp: Path, report: Report) -> dict[str, Path]:
    files = {}
    for name, n in SIZES.items():
        start = time.perf_counter()
        files[name] = make_synthetic.write(
            make_synthetic.generate(n, seed=0), tmp / f"synthetic-{name}.csv"
        )
        report.notes.append(
            f"generated {files[name].name} ({n:,} sites, seed 0, "
            f"{files[name].stat().st_size / MB:.1f} MB) in "
            f"{time.perf_counter() - start:.1f} s"
        )
    return files


def load_frames(files: dict[str, Path], runs: int) -> tuple[dict[str, Any], str]:
    """read_directory of each file: the frames, and a line of median load times."""
    from lien.ingest.directory import read_directory

    read_directory(files["1k"])  # warm-up: the gazetteer index and the imports
    frames, parts = {}, []
    for name, path in files.items():
        n_runs = runs if SIZES[name] < 100_000 else max(1, runs // 2)
        times, result = timed(partial(read_directory, path), n_runs, warmup=0)
        frames[name] = result.frame
        parts.append(
            f"{name} {ms(median(times))} ms ({len(result.frame):,} rows kept, "
            f"{int(result.frame['latitude'].notna().sum()):,} located, "
            f"{len(result.problems)} problems; median of {n_runs})"
        )
    return frames, "read_directory load time: " + "; ".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per figure (default 5)")
    parser.add_argument("--quick", action="store_true", help="fewer runs, for a smoke test")
    parser.add_argument(
        "--only",
        choices=["screen"],
        help="only rows 9-12 (the first screen against an empty page), with the 100k directory",
    )
    args = parser.parse_args(argv)
    # SIGTERM (make killed, a CI timeout) unwinds like Ctrl+C, so every `finally` stops its server.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    runs = 2 if args.quick else args.runs
    cycles = 1 if args.quick else 3
    started = time.perf_counter()

    # AppTest's "missing ScriptRunContext! This warning can be ignored" on every page run.
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").disabled = True

    report = Report()
    with tempfile.TemporaryDirectory(prefix="lien-bench-") as name:
        tmp = Path(name)
        files = make_files(tmp, report)
        screen = ("rows 9-12", lambda: bench_first_screen(report, files["100k"], runs))
        frames, loads = ({}, "") if args.only else load_frames(files, min(runs, 3))
        steps: list[tuple[str, Callable[[], None]]] = [
            ("rows 1, 2", lambda: bench_map_page(report, files, cycles)),
            ("row 3", lambda: bench_build(report, frames, runs, 2 if args.quick else 3)),
            ("row 4", lambda: bench_seed(report, cycles)),
            ("row 5", lambda: bench_coverage(report, files, runs)),
            ("row 6", lambda: bench_geocode(report, runs)),
            (
                "rows 7, 8",
                lambda: bench_browser(report, files, {"1k": runs, "10k": runs, "100k": runs}, tmp),
            ),
            screen,
        ]
        for what, step in [screen] if args.only else steps:
            step_start = time.perf_counter()
            print(f"[bench] {what}…", file=sys.stderr, flush=True)
            guarded(report, what, step)
            report.notes.append(f"({what} took {time.perf_counter() - step_start:.0f} s)")

    print("\n".join(machine()))
    print()
    if report.rows:
        print(report.table())
        print()
    print(report.screen_table())
    print()
    if loads:
        print(loads)
    for note in report.notes:
        print(f"- {note}")
    for error in report.errors:
        print(f"- ERROR {error}")
    print(
        f"Median of the runs after a warm-up throughout; total bench time "
        f"{time.perf_counter() - started:.0f} s."
    )
    return 1 if report.missed() else 0


if __name__ == "__main__":
    sys.exit(main())
