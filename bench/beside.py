"""What one hostile visitor costs the others (`make hostile`): a crafted view's handout built while
another visitor opens the map, against an ordinary handout in the same run, and whether Streamlit's
counters reach a visitor."""

from __future__ import annotations

import re
import shutil
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.common import median
from bench.hostile_rig import (
    DATA_PAGE,
    DOWNLOAD_ROUNDS,
    GOAL_DOWNLOAD_DELAY_S,
    TIMEOUT_S,
    Rig,
    cut,
    upload,
)
from lien.i18n import t
from lien_dev import harness, hostile
from lien_dev.harness import SHOWN
from lien_dev.procs import SAMPLE_S, cpu_seconds


@dataclass
class DownloadCost:
    """One visitor taps the handout of the hostile workbook's view while another opens the map:
    the file, and what the other visitor's first markers took, alone and meanwhile."""

    wall_s: float = float("nan")
    pages: int = 0
    cpu_s: float = float("nan")
    server_peak: float = 0.0
    worker_peak: float = 0.0
    alone: tuple[float, ...] = ()
    during: tuple[float, ...] = ()
    plain: tuple[float, ...] = ()  # meanwhile a third visitor taps the seed view's 2-page handout
    outcome: str = ""


def _first_markers(rig: Rig) -> float:
    """Seconds from opening the map page in a fresh context to its first marker on screen."""
    context, page = rig.new_page()
    try:
        seconds, count = harness.first_markers(page, rig.url + "/", TIMEOUT_S)
    finally:
        context.close()
    return seconds if count else float("nan")


def _hostile_view(rig: Rig) -> tuple[Any, Any]:
    """A visitor who uploaded the workbook naming every service and shows it on the map."""
    context, page = rig.new_page()
    rig.open(page, f"/{DATA_PAGE}", "Données")
    name, data = hostile.xlsx_every_service()
    upload(page, name, data)
    page.get_by_role("button", name=t("use_upload", "fr")).click()
    page.get_by_text(name).first.wait_for(timeout=TIMEOUT_S * 1000)
    page.get_by_test_id("stSidebarNav").get_by_text(t("page_map", "fr"), exact=True).click()
    page.get_by_text("300 sites de 300").first.wait_for(timeout=TIMEOUT_S * 1000)
    return context, page


def _handout_turn(rig: Rig, page: Any) -> tuple[float, str]:
    """A visitor taps the handout while another opens the map: the other's first markers, and
    the file the tap gave."""
    with page.expect_download(timeout=TIMEOUT_S * 1000) as caught:
        page.get_by_role("button", name=t("download_handout", "fr")).click()
        markers = _first_markers(rig)
    return markers, str(caught.value.path())


def download_cost(rig: Rig, rounds: int = DOWNLOAD_ROUNDS) -> DownloadCost:
    """In turns: a second visitor's first markers alone, while a third taps the seed view's
    handout (any download's cost: the reference), and while the first taps the hostile view's
    handout (each tap builds the file anew)."""
    from pypdf import PdfReader

    cost = DownloadCost()
    context, page = _hostile_view(rig)
    seed_context, seed_page = rig.new_page()
    alone, plain, during = [], [], []
    try:
        rig.open(seed_page, "/", SHOWN)
        for _ in range(rounds):
            alone.append(_first_markers(rig))
            plain.append(_handout_turn(rig, seed_page)[0])
            rig.sampler.take()
            cpu, start = cpu_seconds([rig.server_pid]), time.perf_counter()
            markers, path = _handout_turn(rig, page)
            during.append(markers)
            cost.wall_s = time.perf_counter() - start
            cost.cpu_s = cpu_seconds([rig.server_pid]) - cpu
            time.sleep(2 * SAMPLE_S)
            cost.server_peak, cost.worker_peak = rig.sampler.take()
            cost.pages = len(PdfReader(path).pages)
        cost.outcome = f"a PDF of {cost.pages} pages"
    except Exception as error:  # noqa: BLE001 - a failed step is this case's outcome
        cost.outcome = cut(f"ERROR {type(error).__name__}: {error}")
    finally:
        context.close()
        seed_context.close()
    cost.alone, cost.plain, cost.during = tuple(alone), tuple(plain), tuple(during)
    return cost


@dataclass
class Counters:
    """Streamlit's /_stcore/metrics: the HTTP status through deploy/Caddyfile and from the app
    itself on the loopback, and the caches it names (a place search must not be one)."""

    proxied: int = 0
    direct: int = 0
    caches: tuple[str, ...] = ()


def _status_and_text(url: str) -> tuple[int, str]:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=30) as response:
            return int(response.status), response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return int(error.code), ""


def counters(rig: Rig, log_dir: Path) -> Counters:
    """After the cases (which searched places), what Streamlit's counters show, and to whom."""
    found = Counters()
    found.direct, text = _status_and_text(rig.url + "/_stcore/metrics")
    found.caches = tuple(sorted(set(re.findall(r'cache="([^"]+)"', text))))
    if shutil.which("caddy"):
        with harness.caddy(rig.url, log_dir / "caddy.log") as proxy:
            found.proxied = _status_and_text(proxy + "/_stcore/metrics")[0]
    return found


def report_download(cost: DownloadCost) -> list[str]:
    """Print the download's lines; the goal it misses, if any. The goal is what the crafted view
    costs the other visitor beyond an ordinary download measured in the same run: a download
    delays a page opened meanwhile whatever it holds (the browser and the server share 2 cores)."""
    alone, plain, during = median(cost.alone), median(cost.plain), median(cost.during)
    print(
        f"- the handout of xlsx_every_service's view (300 sites x 20 services): {cost.outcome}, "
        f"{cost.wall_s:.2f} s from the tap to the file, server CPU {cost.cpu_s:.2f} s, server "
        f"peak {cost.server_peak:,.0f} MiB, worker peak {cost.worker_peak:,.0f} MiB"
    )
    turns = zip(cost.alone, cost.plain, cost.during, strict=False)
    print(
        f"- another visitor's first markers meanwhile: median {during:.2f} s, against "
        f"{plain:.2f} s while the seed view's handout is built "
        f"({during / plain:.2f}x, {during - plain:+.2f} s) "
        f"and {alone:.2f} s alone ({during / alone:.2f}x) in the same run; "
        f"{len(cost.during)} turns, alone/seed/hostile: "
        + ", ".join(f"{a:.2f}/{p:.2f}/{d:.2f}" for a, p, d in turns)
    )
    late = not cost.pages or not during - plain <= GOAL_DOWNLOAD_DELAY_S
    return [f"{during - plain:+.2f} s beyond an ordinary download"] if late else []


def report_counters(seen: Counters) -> list[str]:
    """Print what Streamlit's counters show; the goal they miss, if any."""
    proxied = f"HTTP {seen.proxied}" if seen.proxied else "not tried (no caddy)"
    print(
        f"- /_stcore/metrics: through deploy/Caddyfile {proxied}; from the app on the loopback "
        f"HTTP {seen.direct}, caches named: {', '.join(seen.caches) or 'none'}"
    )
    searched = [c for c in seen.caches if "find" in c or "search" in c]
    return ([f"proxy HTTP {seen.proxied}"] if seen.proxied != 404 else []) + searched
