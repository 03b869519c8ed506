"""Lien's performance figures in one table, on synthetic directories of 1k, 10k and 100k sites.

    make bench        # or: .venv/bin/python -m bench bench [--quick] [--only screen]

Writes the synthetic directories (lien_dev/synthetic.py, seed 0) into a temporary folder, then
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
   (seed directory and 100k sites), the coverage page's first chart;
13-16. the directory's store on SQLite and PostgreSQL, against the file in the same run
   (bench/living.py).

Prints the machine, the tables (markdown-compatible), then notes: runs per figure, per-change
times, the load time of each directory. Exits 1 if a goal is missed or a step failed.
"""

from __future__ import annotations

import argparse
import html
import logging
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from bench import first_screen, geocode_bench, living
from bench.common import (
    MB,
    ROOT,
    Row,
    app,
    guarded,
    lien_data,
    machine,
    median,
    ms,
    offline_context,
    say,
    table,
)
from bench.common import browser as launched
from lien.render import sites_layer
from lien_dev import harness, procs, synthetic

SIZES: dict[str, int] = {"1k": 1_000, "10k": 10_000, "100k": 100_000}
APP = ROOT / "app.py"
COVERAGE_PAGE = ROOT / "pages" / "1_Couverture_Dekking_Coverage.py"

# Goals.
RERUN_GOAL_MS = 300.0
PAYLOAD_GOAL_MB = 8.0
BUILD_SPEEDUP_GOAL = 50.0
SIZE_RATIO_GOAL = 10.0
SEED_RERUN_GOAL_MS = 100.0
COVERAGE_GOAL_MS = 2_000.0
GEOCODE_GOAL = 50_000.0
MARKERS_GOAL_S = 5.0
MARKERS_TIMEOUT_S = 180.0

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


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)
    screen: list[Row] = field(default_factory=list)  # rows 9-12
    store: list[Row] = field(default_factory=list)  # rows 13-16
    notes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def add(self, figure: str, goal: str = "") -> Row:
        self.rows.append(Row(figure, goal=goal))
        return self.rows[-1]

    def missed(self) -> bool:
        rows = self.rows + self.screen + self.store
        return any(r.ok is False for r in rows) or bool(self.errors)


# --- 1, 2, 4, 5: the pages, server side ----------------------------------------------------


def _shown(at: Any) -> str:
    found = (harness.SHOWN.search(e.value) for e in at.markdown)
    return next((m.group(1).strip() for m in found if m), "?")


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

    def detail(self, sites: str = "") -> str:
        return ", ".join(
            f"{label} ({self.shown[label]}{sites}) {ms(median(times))}"
            for label, times in self.filtered.items()
        )


def map_reruns(path: Path | None, cycles: int, store: str | None = None) -> MapReruns:
    """AppTest on app.py: a first run (the warm-up, with the load into the store, a new SQLite
    file unless `store` names a database), then `cycles` passes over MAP_CHANGES, each rerun
    swapping the previous filter for the next, and a clearing rerun."""
    from streamlit.testing.v1 import AppTest

    with lien_data(path, store):
        at = AppTest.from_file(str(APP), default_timeout=600)
        first = _run(at)
        result = MapReruns(first, _map_payload(at), _shown(at), {}, {}, [])
        for _ in range(cycles):
            previous = None
            for label, key, value in MAP_CHANGES:
                if previous is not None:
                    _set(at, previous, CLEARED[previous])
                _set(at, key, value)
                result.filtered.setdefault(label, []).append(_run(at))
                result.shown[label] = _shown(at)
                previous = key
            _set(at, MAP_CHANGES[-1][1], CLEARED[MAP_CHANGES[-1][1]])
            result.cleared.append(_run(at))
    return result


def bench_map_page(report: Report, files: dict[str, Path], cycles: int) -> None:
    rerun = report.add(
        "1. map page rerun after a filter change, server (ms)", f"< {RERUN_GOAL_MS:,.0f} at 100k"
    )
    full = report.add("1b. map page rerun back to the unfiltered view (ms)")
    first = report.add("1c. map page first run, incl. directory load (s)")
    size = report.add(
        "2. map payload, st_folium json_args, unfiltered (MB)", f"< {PAYLOAD_GOAL_MB:g} at 100k"
    )
    for name, path in files.items():
        result = map_reruns(path, cycles)
        rerun.cells[name] = ms(median(result.all_filtered()))
        full.cells[name] = ms(median(result.cleared))
        first.cells[name] = f"{result.first_s:.1f}"
        size.cells[name] = f"{result.payload / MB:.2f}"
        report.notes.append(
            f"row 1, {name}: median ms per change: {result.detail(' sites')}; "
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
        "4. map page rerun after a filter change, seed directory (ms)",
        f"< {SEED_RERUN_GOAL_MS:,.0f}",
    )
    result = map_reruns(None, cycles)
    value = median(result.all_filtered())
    row.cells["1k"] = f"seed: {ms(value)}"
    row.ok = value * 1000 < SEED_RERUN_GOAL_MS
    report.notes.append(
        f"row 4: the seed directory data/organisations.csv ({result.shown_all} "
        f"sites on the map), shown in the first column; median ms per change: "
        f"{result.detail()}; cleared {ms(median(result.cleared))}"
    )


def bench_coverage(report: Report, files: dict[str, Path], runs: int) -> None:
    from streamlit.testing.v1 import AppTest

    row = report.add(
        "5. coverage page rerun after a service change (ms)", f"< {COVERAGE_GOAL_MS:,.0f} at 100k"
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


# --- 3: map build, ours against the usual approach -----------------------------------------


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


def build_ours(sites: Any) -> str:
    from lien.render import mapview

    fmap = mapview.base_map("fr")
    sites_layer.sites_layer(sites, "fr").add_to(fmap)
    return fmap.get_root().render()


def build_usual(sites: Any) -> str:
    import folium
    from folium.plugins import MarkerCluster

    from lien.display import site_fields
    from lien.render import mapview

    fmap = folium.Map(location=mapview.BELGIUM_CENTER, zoom_start=mapview.BELGIUM_ZOOM)
    cluster = MarkerCluster().add_to(fmap)
    for site in sites.to_dict("records"):
        # The usual way: each marker carries its popup's HTML (here the same fields as ours).
        f = site_fields(site, "fr")
        lines = [f.organisation, f.site, f.place, ", ".join(f.services), f.hours]
        lines += [", ".join(x.text for x in f.phones), ", ".join(x.text for x in f.emails)]
        popup = "<br>".join(html.escape(str(v)) for v in [*lines, f.precision_label, f.source])
        folium.Marker(
            [site["latitude"], site["longitude"]], popup=popup, tooltip=site["organisation"]
        ).add_to(cluster)
    return fmap.get_root().render()


def bench_build(report: Report, frames: dict[str, Any], runs: int, usual_runs: int) -> None:
    ours_t = report.add("3a. map build + render, ours (ms)")
    usual_t = report.add("3b. map build + render, usual Marker+MarkerCluster (ms)")
    speed = report.add(
        "3c. build time ratio, usual / ours (x)", f">= {BUILD_SPEEDUP_GOAL:g} at 10k"
    )
    ours_s = report.add("3d. map HTML size, ours (MB)")
    usual_s = report.add("3e. map HTML size, usual (MB)")
    ratio = report.add("3f. HTML size ratio, usual / ours (x)", f">= {SIZE_RATIO_GOAL:g} at 10k")
    for name in ("1k", "10k"):
        frame = frames[name]
        sites = frame[frame["latitude"].notna() & frame["longitude"].notna()]
        times_o, html_o = timed(partial(build_ours, sites), runs)
        times_u, html_u = timed(partial(build_usual, sites), runs if name == "1k" else usual_runs)
        t_o, t_u = median(times_o), median(times_u)
        b_o, b_u = len(html_o.encode()), len(html_u.encode())
        ours_t.cells[name], usual_t.cells[name] = ms(t_o), ms(t_u)
        ours_s.cells[name], usual_s.cells[name] = f"{b_o / MB:.2f}", f"{b_u / MB:.2f}"
        speed.cells[name], ratio.cells[name] = f"{t_u / t_o:.0f}", f"{b_u / b_o:.1f}"
        if name == "10k":
            speed.ok, ratio.ok = t_u / t_o >= BUILD_SPEEDUP_GOAL, b_u / b_o >= SIZE_RATIO_GOAL
    report.notes.append(
        f"row 3: the located sites, popups in French; `get_root().render()` of the map; ours "
        f"{runs} runs, usual {runs} runs at 1k and {usual_runs} at 10k (about 10 s each), after "
        f"one warm-up each, median; not run at 100k (the usual approach would take minutes). "
        f"Ours includes the province outlines; at 1k (<= mapview.FULL_POPUPS) it also ships the "
        f"full popups, hence the small size ratio there."
    )


# --- 6: geocoding --------------------------------------------------------------------------


def bench_geocode(report: Report, runs: int) -> None:
    row = report.add(
        "6. batch geocoding, distinct addresses (addr/s)", f">= {GEOCODE_GOAL:,.0f} at 100k"
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


def first_markers(browser: Any, url: str) -> tuple[float, int, list[str]]:
    """Seconds from page.goto to the first markers in the map's view, in a fresh context where
    every non-local request is aborted; also the count and the page errors."""
    errors: list[str] = []
    context = offline_context(browser, errors, MARKERS_TIMEOUT_S)
    try:
        elapsed, count = harness.first_markers(context.new_page(), url, MARKERS_TIMEOUT_S)
    finally:
        context.close()
    if not count:
        raise TimeoutError(f"no marker after {MARKERS_TIMEOUT_S:.0f} s")
    return elapsed, count, errors


def bench_browser(report: Report, files: dict[str, Path], runs: int, tmp: Path) -> None:
    hwm = report.add("7. server peak memory VmHWM after first map (MiB)")
    rss = report.add("7b. server VmRSS after first map (MiB)")
    seen = report.add(
        "8. markers visible in chromium, from goto (s)", f"< {MARKERS_GOAL_S:g} at 100k"
    )
    after_all: list[str] = []
    with launched() as browser:
        report.notes.append(
            f"rows 7, 8: chromium {browser.version}, headless, 1400x900, "
            f"non-local requests aborted; a fresh browser context per load."
        )
        for name, path in files.items():
            env = {**harness.offline_env(), "LIEN_DATA": str(path)}
            with app(tmp / f"server-{name}.log", env) as (process, url):
                first_s, _, errors = first_markers(browser, url)  # warm-up, with the load
                hwm.cells[name] = f"{procs.rss_mib([process.pid], 'VmHWM'):,.0f}"
                rss.cells[name] = f"{procs.rss_mib([process.pid]):,.0f}"
                loads = [first_markers(browser, url) for _ in range(runs)]
                times = [t for t, _, _ in loads]
                errors += [e for _, _, errs in loads for e in errs]
                seen.cells[name] = f"{median(times):.2f}"
                if name == "100k":
                    seen.ok = median(times) < MARKERS_GOAL_S
                after_all.append(f"{name} {procs.rss_mib([process.pid], 'VmHWM'):,.0f}")
                report.notes.append(
                    f"row 8, {name}: warm-up load {first_s:.1f} s (with the directory load); "
                    f"{runs} timed loads {', '.join(f'{t:.2f}' for t in times)} s; "
                    f"first count {'/'.join(str(c) for c in sorted({c for _, c, _ in loads}))} "
                    f"(above the sites shown when taken during the cluster animation)"
                    + (f"; page errors: {sorted(set(errors))}" if errors else "")
                )
    report.notes.append(
        f"row 7: /proc/<pid>/status of the server (one process) after the "
        f"warm-up load; VmHWM after all row 8 loads (MiB): {', '.join(after_all)}."
    )


def bench_first_screen(report: Report, big: Path, runs: int) -> None:
    with launched(offline=True) as browser:
        rows, notes = first_screen.measure(browser, big, runs, say)
    report.screen.extend(rows)
    report.notes.extend(notes)


# --- the directories -----------------------------------------------------------------------


def make_files(tmp: Path, report: Report) -> dict[str, Path]:
    files = {}
    for name, n in SIZES.items():
        start = time.perf_counter()
        files[name] = synthetic.write(synthetic.generate(n, seed=0), tmp / f"synthetic-{name}.csv")
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


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--runs", type=int, default=5, help="timed runs per figure (default 5)")
    parser.add_argument("--quick", action="store_true", help="fewer runs, for a smoke test")
    parser.add_argument(
        "--only",
        choices=["screen", "store"],
        help="only rows 9-12 (the first screen against an empty page) or 13-16 (the store on "
        "SQLite and PostgreSQL), with the 100k directory",
    )


def main(args: argparse.Namespace) -> int:
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
        plan = living.Plan(map_reruns, files["100k"], cycles, runs, tmp)
        store = ("rows 13-16", lambda: living.measure(plan, report))
        frames, loads = ({}, "") if args.only else load_frames(files, min(runs, 3))
        steps: list[tuple[str, Callable[[], None]]] = [
            ("rows 1, 2", lambda: bench_map_page(report, files, cycles)),
            ("row 3", lambda: bench_build(report, frames, runs, 2 if args.quick else 3)),
            ("row 4", lambda: bench_seed(report, cycles)),
            ("row 5", lambda: bench_coverage(report, files, runs)),
            ("row 6", lambda: bench_geocode(report, runs)),
            ("rows 7, 8", lambda: bench_browser(report, files, runs, tmp)),
            screen,
            store,
        ]
        only = {"screen": [screen], "store": [store]}
        for what, step in only[args.only] if args.only else steps:
            step_start = time.perf_counter()
            say(f"{what}…")
            guarded(report.errors, what, step)
            report.notes.append(f"({what} took {time.perf_counter() - step_start:.0f} s)")

    print("\n".join(machine()), end="\n\n")
    if report.rows:
        print(table(list(SIZES), report.rows), end="\n\n")
    for columns, rows in ((first_screen.SIZES, report.screen), (living.COLUMNS, report.store)):
        if rows:
            print(table(list(columns), rows), end="\n\n")
    if loads:
        print(loads)
    for line in [*report.notes, *(f"ERROR {e}" for e in report.errors)]:
        print(f"- {line}")
    print(
        f"Median of the runs after a warm-up throughout; total bench time "
        f"{time.perf_counter() - started:.0f} s."
    )
    return 1 if report.missed() else 0
