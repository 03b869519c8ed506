"""Hostile inputs through a real Lien server and Chromium: how long each takes and what it costs.

    make hostile     # or: .venv/bin/python -m bench hostile

Starts one `streamlit run app.py` on a free port of 127.0.0.1 (the seed directory, the offline
geocoder) and warms it up (the map page, then the Data page, in headless chromium with every
non-local request aborted). Then each upload of lien_dev/hostile.py (UPLOADS) goes through
the Data page, and a few crafted links through the map page, each in a fresh browser context.
Per case: the seconds from the upload (or page.goto) to the page's answer (the upload's metrics,
a refusal, or an exception), the server process's CPU time, the peak VmRSS of the server process
and of the workers its forkserver starts (read from /proc every 20 ms), and the answer in short
(for READ_BACK's uploads, with their cleaned Excel file downloaded and read back). Then a visitor
who uploaded the workbook naming every service taps the handout while another opens the map
(in turns with the same visit alone): the file, and the other visitor's delay. Then Streamlit's
counters (/_stcore/metrics), through deploy/Caddyfile and from the app itself. Last, three
sessions upload a ~5 MB CSV at once, and the server's RSS is read before, during and after their
pages are closed: is the memory given back?

Prints a markdown table, the memory lines and the goals; exits 1 if a goal is missed.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import quote

from bench.beside import (
    Counters,
    DownloadCost,
    counters,
    download_cost,
    report_counters,
    report_download,
)
from bench.common import app, browser, say, tracebacks, usable_cores
from bench.hostile_rig import DATA_PAGE, GOAL_DOWNLOAD_DELAY_S, TIMEOUT_S, Rig, cut, upload
from lien.config import MiB
from lien.i18n import t
from lien.ingest import tabular
from lien_dev import hostile
from lien_dev.harness import SHOWN
from lien_dev.procs import SAMPLE_S, Sampler, cpu_seconds, rss_mib

GOAL_S = 10.0  # every case ends with a message this fast
GOAL_PEAK_MIB = 1024.0  # server and worker peaks stay under 1 GiB
GOAL_BACK_MIB = 50.0  # once the concurrent sessions are closed, RSS within this of before
CONCURRENT = 3
RELEASE_WAIT_S = 120.0
# The page's own limit (lien.ingest.tabular.MAX_UPLOAD_MB, in MiB); the uploader lets twice that
# through.
UPLOAD_LIMIT_B = tabular.MAX_UPLOAD_MB * MiB
URL_CASES: dict[str, str] = {
    # Past Streamlit's 1,000 parameters (it dropped the whole query): shortened in the browser.
    "url_1000_services": "/?" + "&".join(["service=legal_aid"] * 1_000),
    "url_near_6000_chars": "/?near=" + quote("a " * 3_000),
    "url_q_100k": "/?q=" + "a" * 100_000,
    "url_near_links": "/?near=" + quote("call www.evil.com or help@evil.com"),
}
# "Use my location" answered with what no browser sends (a crafted page, a broken phone): it
# showed a traceback with the server's paths.
GEO_CASES: dict[str, str] = {
    "geo_latitude_abc": "{latitude: 'abc', longitude: 4.8675, at: 1}",
    "geo_latitude_1e308": "{latitude: 1e308, longitude: -1e308, at: 2}",
}
LOCATE_FRAME = 'iframe[title*="lien_geolocate"]'
REFUSED = "ne peut pas être lu"
NOT_FOUND = "Aucun lieu belge trouvé"


@dataclass
class Case:
    """One hostile input and what it cost; `ended` is True when the page answered with a message."""

    name: str
    size: int
    wall_s: float = float("nan")
    cpu_s: float = float("nan")
    server_peak: float = 0.0
    worker_peak: float = 0.0
    outcome: str = ""
    ended: bool = False


def _goto(page: Any, url: str) -> Any:
    """Open a URL of the app, without waiting for more than the first bytes."""
    return page.goto(url, wait_until="commit")


def upload_answer(page: Any) -> Any:
    """What ends an upload: its metrics, or a refusal."""
    return (
        page.get_by_test_id("stMetricLabel")
        .filter(has_text="Lignes lues")
        .or_(page.get_by_test_id("stAlert").filter(has_text=REFUSED))
    )


def describe_upload(page: Any) -> str:
    """The upload's answer in short: the metrics, or the first reason given for the refusal (a
    list inside the refusal's red box)."""
    alerts = page.get_by_test_id("stAlert")
    reason = alerts.filter(has_text=REFUSED).locator("li")
    for _ in range(25):  # the metrics, or the reason in the refusal, a moment after it
        values = [v.strip() for v in page.get_by_test_id("stMetricValue").all_inner_texts()]
        if len(values) >= 4:
            read, kept, _, problems = values[:4]
            return (
                f"kept {kept} of {read} rows, {problems} problem"
                f"{'' if problems == '1' else 's'}"
                + ("; refused" if alerts.filter(has_text=REFUSED).count() else "")
            )
        if reason.count():
            return "refused: " + reason.first.inner_text().splitlines()[0]
        time.sleep(0.2)
    return "no metrics, no reason; alerts: " + " / ".join(alerts.all_inner_texts())


# The uploads whose cleaned Excel download is read back too: it was not well-formed XML with
# U+FFFE or U+FFFF in a cell, and Lien refused to read it.
READ_BACK = ("csv_noncharacters", "csv_utf16_nul", "csv_utf32")


def describe_upload_and_excel(page: Any) -> str:
    """The upload's answer, then its cleaned Excel file, downloaded and read back by Lien."""
    answer = describe_upload(page)
    try:
        with page.expect_download(timeout=TIMEOUT_S * 1000) as caught:
            page.get_by_role("button", name=t("download_cleaned_xlsx", "fr")).click()
        table = tabular.read(Path(caught.value.path()).read_bytes())
        return f"{answer}; its Excel reads back: {len(table.frame)} rows"
    except Exception as error:  # noqa: BLE001 - a download that fails is the outcome
        return f"{answer}; its Excel: {type(error).__name__}: {error}"


def _locate(page: Any, url: str, value: str) -> None:
    """Open the map, then send `value` (JavaScript) as the "use my location" component's answer,
    from inside its frame, as a crafted page would."""
    page.goto(url + "/", wait_until="commit")
    frame = page.locator(LOCATE_FRAME).element_handle(timeout=TIMEOUT_S * 1000).content_frame()
    frame.evaluate(
        "() => window.parent.postMessage({isStreamlitMessage: true, type:"
        f" 'streamlit:setComponentValue', value: ({value}), dataType: 'json'}}, '*')"
    )


def describe_map(page: Any) -> str:
    """The map page's answer in short: whether the place was found, and what is shown."""
    found = "no place found; " if page.get_by_text(NOT_FOUND).count() else ""
    return found + page.get_by_text(SHOWN).first.inner_text()


def await_answer(page: Any, answer: Any, describe: Callable[[Any], str]) -> tuple[float, bool, str]:
    """Wait for `answer` or an exception, then for the script run to end: (when the answer showed,
    ended with a message, the answer in short)."""
    exception = page.get_by_test_id("stException")
    try:
        answer.or_(exception).first.wait_for(timeout=TIMEOUT_S * 1000)
    except Exception:  # noqa: BLE001 - a timeout is the case's outcome, not the run's end
        return time.perf_counter(), False, f"NO ANSWER in {TIMEOUT_S:g} s"
    seen = time.perf_counter()
    with contextlib.suppress(Exception):  # the page's "running" icon goes when the run ends
        page.get_by_test_id("stStatusWidgetRunningIcon").wait_for(state="hidden", timeout=15_000)
    if exception.count():
        return seen, False, cut("EXCEPTION " + exception.first.inner_text())
    return seen, True, cut(describe(page))


def run_case(
    rig: Rig,
    case: Case,
    data_page: bool,
    act: Callable[[Any], Any],
    answer: Callable[[Any], Any],
    describe: Callable[[Any], str],
) -> Case:
    """In a fresh context (on the Data page if `data_page`), `act` (upload, or goto a link), then
    wait for the answer. Wall time runs from the upload (or goto) to the answer; CPU and peaks,
    to the end of that script run."""
    context, page = rig.new_page()
    try:
        if data_page:
            rig.open(page, f"/{DATA_PAGE}", "Données")
        rig.sampler.take()
        cpu, start = cpu_seconds([rig.server_pid]), time.perf_counter()
        try:
            act(page)
            seen, case.ended, case.outcome = await_answer(page, answer(page), describe)
        except Exception as error:  # noqa: BLE001 - a failed step is this case's outcome
            seen, case.outcome = time.perf_counter(), cut(f"ERROR {type(error).__name__}: {error}")
        case.wall_s, case.cpu_s = seen - start, cpu_seconds([rig.server_pid]) - cpu
        time.sleep(2 * SAMPLE_S)
        case.server_peak, case.worker_peak = rig.sampler.take()
    finally:
        context.close()
    return case


def all_cases(rig: Rig) -> list[Case]:
    """Every upload of hostile.UPLOADS through the Data page, then every link of URL_CASES."""
    cases = []
    for name, maker in hostile.UPLOADS.items():
        say(f"{name}…", "hostile")
        filename, data = maker()
        cases.append(
            run_case(
                rig,
                Case(name, len(data)),
                True,
                partial(upload, name=filename, data=data),
                upload_answer,
                describe_upload_and_excel if name in READ_BACK else describe_upload,
            )
        )
    for name, value in GEO_CASES.items():
        say(f"{name}…", "hostile")
        cases.append(
            run_case(
                rig,
                Case(name, len(value)),
                False,
                partial(_locate, url=rig.url, value=value),
                lambda p: p.get_by_text(t("geo_unavailable", "fr")[:40]),
                lambda p: cut(p.get_by_test_id("stAlert").first.inner_text()),
            )
        )
    for name, path in URL_CASES.items():
        say(f"{name}…", "hostile")
        cases.append(
            run_case(
                rig,
                Case(name, len(path)),
                False,
                partial(_goto, url=rig.url + path),
                lambda p: p.get_by_text(SHOWN),
                describe_map,
            )
        )
    return cases


@dataclass
class Memory:
    """The server's RSS (MiB) around CONCURRENT sessions uploading at once."""

    file_size: int = 0
    before: float = 0.0
    peak: float = 0.0
    worker_peak: float = 0.0
    after: float = 0.0
    waited_s: float = 0.0
    outcomes: tuple[str, ...] = ()


def big_csv() -> bytes:
    """csv_many_problems with as many rows as fit under UPLOAD_LIMIT_B (reading stops at 50,000)."""
    rows = UPLOAD_LIMIT_B // 53
    while len(data := hostile.csv_many_problems(rows)[1]) >= UPLOAD_LIMIT_B:
        rows -= 500
    assert len(data) < min(UPLOAD_LIMIT_B, 5 * 1024 * 1024)
    return data


def memory_given_back(rig: Rig) -> Memory:
    """Three sessions upload the same big CSV back to back; RSS before, during, after closing."""
    data = big_csv()
    memory = Memory(file_size=len(data))
    time.sleep(2)
    memory.before = rss_mib([rig.server_pid])
    rig.sampler.take()
    pages = [rig.new_page() for _ in range(CONCURRENT)]
    try:
        for _, page in pages:
            rig.open(page, f"/{DATA_PAGE}", "Données")
        for _, page in pages:  # every file sent before any answer is awaited
            upload(page, "problems.csv", data)
        memory.outcomes = tuple(
            await_answer(page, upload_answer(page), describe_upload)[2] for _, page in pages
        )
        time.sleep(2 * SAMPLE_S)
        memory.peak, memory.worker_peak = rig.sampler.take()
    finally:
        for context, _ in pages:
            with contextlib.suppress(Exception):
                context.close()
    # Streamlit drops a closed session once its disconnectedSessionTTL (30 s, config.toml) has
    # passed, when the next session connects; the next page run then gives the memory back
    # (lien.memory). A visitor opening the map every few seconds stands for the others.
    start = time.monotonic()
    while True:
        visitor, page = rig.new_page()
        with contextlib.suppress(Exception):
            rig.open(page, "/", SHOWN)
        visitor.close()
        memory.after, memory.waited_s = rss_mib([rig.server_pid]), time.monotonic() - start
        if memory.after - memory.before <= GOAL_BACK_MIB or memory.waited_s >= RELEASE_WAIT_S:
            return memory
        time.sleep(5)


def report(
    cases: list[Case],
    memory: Memory,
    baseline: tuple[float, float],
    tracebacks: int,
    extra: tuple[DownloadCost, Counters],
) -> bool:
    """Print the table, the memory lines and the goals; True if every goal holds."""
    cost, seen = extra
    print(
        "| case | input size | wall (s) | server CPU (s) | server peak RSS (MiB) | "
        "worker peak RSS (MiB) | outcome |"
    )
    print("|---|---:|---:|---:|---:|---:|---|")
    for c in cases:
        worker = f"{c.worker_peak:,.0f}" if c.worker_peak else "–"
        size = (
            f"{c.size} B"
            if c.size < 1024
            else f"{c.size / 1024:.1f} KiB"
            if c.size < 1024 * 1024
            else f"{c.size / 1024 / 1024:.2f} MiB"
        )
        print(
            f"| {c.name} | {size} | {c.wall_s:.2f} | {c.cpu_s:.2f} | "
            f"{c.server_peak:,.0f} | {worker} | {c.outcome.replace('|', '/')} |"
        )
    print()
    back = memory.after - memory.before
    print(f"- server after warm-up: RSS {baseline[0]:,.0f} MiB, CPU {baseline[1]:.1f} s so far")
    print(
        f"- {CONCURRENT} sessions uploading problems.csv ({memory.file_size:,} B) at once: "
        f"server RSS before {memory.before:,.0f} MiB / peak during {memory.peak:,.0f} MiB / "
        f"after close {memory.after:,.0f} MiB ({memory.waited_s:.0f} s after); after - before "
        f"{back:+,.1f} MiB; worker peak {memory.worker_peak:,.0f} MiB"
    )
    print(f"- their outcomes: {'; '.join(memory.outcomes)}")
    print(
        f"- wall: from the upload (or page.goto) to the answer on the page; CPU and peaks: to "
        f"the end of that script run; worker '–': none seen alive at a {SAMPLE_S * 1000:g} ms "
        f"sample (none started, or it answered first)"
    )
    late = report_download(cost)
    exposed = report_counters(seen)
    print(f"- server log: {tracebacks} traceback(s)")
    print()
    slow = [c.name for c in cases if not c.ended or c.wall_s >= GOAL_S]
    heavy = [c.name for c in cases if max(c.server_peak, c.worker_peak) >= GOAL_PEAK_MIB]
    if max(memory.peak, memory.worker_peak) >= GOAL_PEAK_MIB:
        heavy.append("concurrent uploads")
    goals = [
        (f"every case ends with a message in under {GOAL_S:g} s", slow),
        (f"server and worker peak RSS under {GOAL_PEAK_MIB:,.0f} MiB", heavy),
        (
            f"after-close RSS within {GOAL_BACK_MIB:g} MiB of before",
            [f"{back:+,.1f} MiB"] if back > GOAL_BACK_MIB else [],
        ),
        (
            f"a crafted view's download delays another visitor's first markers by at most "
            f"{GOAL_DOWNLOAD_DELAY_S:g} s more than an ordinary download",
            late,
        ),
        ("no visitor reads Streamlit's counters, and no place search is among them", exposed),
    ]
    for label, missed in goals:
        print(f"- goal: {label}: {'MISSED (' + ', '.join(missed) + ')' if missed else 'holds'}")
    return not any(missed for _, missed in goals)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """No options."""


def main(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="lien-hostile-") as tmp:
        log = Path(tmp) / "server.log"
        with contextlib.ExitStack() as stack:  # undone in reverse: browser, sampler, server
            say("starting the server…", "hostile")
            process, url = stack.enter_context(app(log))
            sampler = Sampler(process.pid)
            sampler.start()
            stack.callback(sampler.done.set)
            rig = Rig(stack.enter_context(browser()), url, process.pid, sampler)
            # The first session imports the app's modules and reads the directory: kept out of
            # the cases, so each case's figures are its own.
            for path, text in (("/", SHOWN), (f"/{DATA_PAGE}", "Données")):
                context, page = rig.new_page()
                rig.open(page, path, text)
                context.close()
            time.sleep(2)
            baseline = (rss_mib([process.pid]), cpu_seconds([process.pid]))
            cases = all_cases(rig)
            say("a hostile download beside a visit…", "hostile")
            cost = download_cost(rig)
            say("Streamlit's counters…", "hostile")
            seen = counters(rig, Path(tmp))
            say("concurrent uploads…", "hostile")
            memory = memory_given_back(rig)
        traced = tracebacks(log)
    print(f"Lien hostile inputs, Python {sys.version.split()[0]}, {usable_cores()} usable cores")
    print()
    ok = report(cases, memory, baseline, traced, (cost, seen))
    print("OK" if ok else "FAILED")
    return 0 if ok else 1
