"""The first screen as a visitor gets it, on a phone and on a desktop, against an empty Streamlit
page measured in the same run: rows 9-12 of `make bench`.

The pages are served at once and loaded in turns, round after round (the 100,000 sites after
them), by headless chromium in a fresh browser context (a first visit), with every
non-local host unknown to the browser (OFFLINE_ARGS of lien_dev/harness.py, which keep the
HTTP cache on), behind deploy/Caddyfile when Debian's caddy is installed (compressed, as
deployed), else straight from Streamlit. The time runs from the start of the navigation until the
page is on screen, as the browser sees it (bench/proxy.py's READY_PROBE): the title of the
empty page (bench/empty_page.py), the first markers in the map's frame, the first chart drawn on
the coverage page. Three references run in the same run: the empty page, the usual folium
approach at its lightest (bench/folium_page.py: one marker with st_folium), and the map page read
from the file with no store (LIEN_STORE=off), as it was before the store (row 10k); and the same
page in Arabic is measured against the French one (row 10a). The bytes are
what crossed the wire until then plus a second (HTTP after compression, and the WebSocket
messages).
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import proxy
from bench.common import MB, ROOT, Row, median
from lien_dev.harness import DEVICES

FOLIUM = Path(__file__).with_name("folium_page.py")
SIZES = {"phone": DEVICES["phone"], "desktop": proxy.DESKTOP}
MAP_RATIO_GOAL = 1.5
MAP_EXTRA_MB_GOAL = 0.5
COVERAGE_RATIO_GOAL = 2.0
COVERAGE_EXTRA_MB_GOAL = 2.0
BIG_MARKERS_GOAL_S = 3.0
# The map page with no store (LIEN_STORE=off): the reference for "no slower than before the store".
FILE_MAP = "map, file"
# The map page in Arabic, right to left: at most this much more than in French (issue 29). The page
# uses the fonts the phone has; only the PDFs embed fonts.
ARABIC_MAP = "map, ar"
ARABIC_EXTRA_MB_GOAL = 0.1


@dataclass
class Figure:
    seconds: float
    mb: float


def _beside_static(script: Path, tmp: Path) -> Path:
    """A copy of `script` next to the app's static/ folder, which Streamlit serves from the main
    script's own folder (the reference map loads the same local Leaflet as Lien)."""
    folder = tmp / script.stem
    folder.mkdir()
    (folder / "static").symlink_to(ROOT / "static", target_is_directory=True)
    copy = folder / script.name
    copy.write_bytes(script.read_bytes())
    return copy


# A page and how to see it there: (script, LIEN_DATA or None, path, selector, in the map's frame).
Page = tuple[Path, Path | None, str, str, bool]


def measure(
    browser: Any, big: Path, runs: int, log: Callable[[str], None]
) -> tuple[list[Row], list[str]]:
    """Rows 9-12 and their notes; `big` is the 100k-site directory.

    The pages whose ratio to the empty page is a goal are served at once, and their first
    visits take turns (`_in_turns`). Measured one page after the other, the empty page at the
    start and the coverage page minutes later, a machine that slowed down in between moved only
    some of the figures. The 100,000 sites come after, on their own: a server that has just sent
    5 MB and then drops its sessions' copies of the rows would slow whichever page came next."""
    app = ROOT / "app.py"
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        pages: dict[str, Page] = {
            "empty": (proxy.EMPTY, None, "/", "h1", False),
            "map": (app, None, "/", proxy.MAP_READY, True),
            "coverage": (app, None, "/Couverture_Dekking_Coverage", proxy.COVERAGE_READY, False),
            "folium": (_beside_static(FOLIUM, tmp), None, "/", ".lien-dot", True),
            FILE_MAP: (app, None, "/", proxy.MAP_READY, True),
            ARABIC_MAP: (app, None, "/?lang=ar", proxy.MAP_READY, True),
        }
        found = _in_turns(browser, tmp, pages, runs)
        found |= _in_turns(browser, tmp, {"map 100k": (app, big, "/", proxy.MAP_READY, True)}, runs)
    for (page, size), figure in found.items():
        log(f"{page}, {size}: {figure}")
    served = "behind deploy/Caddyfile" if shutil.which("caddy") else "Streamlit alone (no caddy)"
    return _rows(found), [
        f"rows 9-12: {served}; "
        f"chromium headless, phone 390x844 touch and desktop 1366x900; a fresh context per "
        f"first visit, {runs} per page and size after a warm-up, median; rows 9, 9b, 10, 10a, 10k "
        f"and 12 in turns (every page served at once, one visit of each per round), row 11 after "
        f"them; non-local hosts unknown to the browser. "
        f"Time: from the start of the navigation until the target is on screen, taken in the "
        f"browser (proxy.READY_PROBE). Bytes: HTTP after compression and WebSocket messages "
        f"(decompressed) until the page is there + 1 s."
    ]


def _in_turns(
    browser: Any, tmp: Path, pages: dict[str, Page], runs: int
) -> dict[tuple[str, str], Figure]:
    """Every page served at once and warmed up at each size; then `runs` rounds of one first
    visit of each page at each size, the order reversed every other round. The median of each."""
    targets: dict[tuple[str, str], tuple[str, proxy.Target]] = {}
    with contextlib.ExitStack() as servers:
        for page, (script, data, path, ready, in_map) in pages.items():
            reference = page in ("empty", "folium")
            direct, proxied = servers.enter_context(
                proxy.served(
                    script,
                    tmp,
                    page.replace(" ", "-").replace(",", ""),
                    reference=reference,
                    data=data,
                    store=page != FILE_MAP,
                )
            )
            url = proxied or direct
            for size, device in SIZES.items():
                target = proxy.Target(page, script, path, device, ready, in_map=in_map)
                proxy.first_visit(browser, url, target)  # the server's first run (caches)
                targets[page, size] = url, target
        visits: dict[tuple[str, str], list[tuple[float, int]]] = {key: [] for key in targets}
        order = list(targets)
        for turn in range(runs):
            for key in order if turn % 2 == 0 else order[::-1]:
                visits[key].append(proxy.first_visit(browser, *targets[key]))
    return {key: _median(figures) for key, figures in visits.items()}


def _median(visits: list[tuple[float, int]]) -> Figure:
    return Figure(median(s for s, _ in visits), median(b for _, b in visits) / MB)


def _rows(found: dict[tuple[str, str], Figure]) -> list[Row]:
    def cells(page: str, show: Callable[[Figure, Figure], str]) -> dict[str, str]:
        return {size: show(found[page, size], found["empty", size]) for size in SIZES}

    def within(page: str, ratio: float, extra_mb: float) -> bool:
        return all(
            found[page, s].seconds <= ratio * found["empty", s].seconds
            and found[page, s].mb - found["empty", s].mb <= extra_mb
            for s in SIZES
        )

    def against_empty(f: Figure, e: Figure) -> str:
        return f"{f.seconds / e.seconds:.2f}× ({f.seconds:.2f} s), {f.mb - e.mb:+.2f} MB"

    return [
        Row(
            "9. empty Streamlit page, first visit (s, MB)",
            cells("empty", lambda f, e: f"{f.seconds:.2f} s, {f.mb:.2f} MB"),
            "reference",
            None,
        ),
        Row(
            "9b. usual folium approach: st_folium, one marker (× empty, MB over)",
            cells("folium", against_empty),
            "reference",
            None,
        ),
        Row(
            "10. map page to first markers, seed (× empty, MB over)",
            cells("map", against_empty),
            f"≤ {MAP_RATIO_GOAL:g}×, ≤ +{MAP_EXTRA_MB_GOAL:g} MB",
            within("map", MAP_RATIO_GOAL, MAP_EXTRA_MB_GOAL),
        ),
        Row(
            "10k. the same from the file, no store, as before it (× empty, MB over)",
            cells(FILE_MAP, against_empty),
            "reference",
            None,
        ),
        Row(
            "10a. the same in Arabic, right to left (MB over French, × French)",
            {
                size: f"{found[ARABIC_MAP, size].mb - found['map', size].mb:+.3f} MB, "
                f"{found[ARABIC_MAP, size].seconds / found['map', size].seconds:.2f}×"
                for size in SIZES
            },
            f"≤ +{ARABIC_EXTRA_MB_GOAL:g} MB",
            all(
                found[ARABIC_MAP, s].mb - found["map", s].mb <= ARABIC_EXTRA_MB_GOAL for s in SIZES
            ),
        ),
        Row(
            "11. map page to first markers, 100k sites (s, × empty)",
            cells("map 100k", lambda f, e: f"{f.seconds:.2f} s ({f.seconds / e.seconds:.2f}×)"),
            f"< {BIG_MARKERS_GOAL_S:g} s",
            all(found["map 100k", s].seconds < BIG_MARKERS_GOAL_S for s in SIZES),
        ),
        Row(
            "12. coverage page to first chart (× empty, MB over)",
            cells("coverage", against_empty),
            f"≤ {COVERAGE_RATIO_GOAL:g}×, ≤ +{COVERAGE_EXTRA_MB_GOAL:g} MB",
            within("coverage", COVERAGE_RATIO_GOAL, COVERAGE_EXTRA_MB_GOAL),
        ),
    ]
