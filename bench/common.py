"""What every bench shares: the setup (SIGTERM, assets, chromium, the app server, the browser),
the statistics and the printing of a table."""

from __future__ import annotations

import contextlib
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lien.render import assets
from lien_dev import harness

ROOT = harness.ROOT  # lien.config.ROOT
# Bytes on the wire are counted in decimal megabytes, as browsers' network panels do (sizes in
# memory and files are lien.config.MiB).
MB = 1_000_000


def prepare(*, chromium: bool = True) -> bool:
    """SIGTERM (make killed, a CI timeout) unwinds like Ctrl+C, so every `finally` stops its
    server; the map's assets installed; False (said on stderr) when chromium is missing."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    if assets.missing():
        assets.install()
    if chromium and harness.chromium_path() is None:
        print("Debian chromium is not installed: apt-get install chromium", file=sys.stderr)
        return False
    return True


@contextlib.contextmanager
def app(
    log: Path, env: Mapping[str, str] | None = None
) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """`streamlit run app.py` (the seed directory and the offline geocoder unless `env`): its
    process and base URL; its process group is killed on the way out."""
    process, url = harness.start_app(log, env=harness.offline_env() if env is None else env)
    try:
        yield process, url
    finally:
        harness.stop(process)


@contextlib.contextmanager
def browser(*, offline: bool = False) -> Iterator[Any]:
    """Headless Debian chromium (harness.launch), closed on the way out."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = harness.launch(playwright, offline=offline)
        try:
            yield launched
        finally:
            launched.close()


def offline_context(
    browser: Any, errors: list[str] | None = None, timeout_s: float = 30.0, **device: Any
) -> Any:
    """A fresh browser context (a first visit) in which every non-local request is aborted; the
    page errors go to `errors` when given."""
    context = browser.new_context(service_workers="block", **(device or harness.DEVICES["desktop"]))
    context.set_default_timeout(timeout_s * 1000)
    context.route(
        "**/*",
        lambda r: (
            r.continue_() if harness.is_local(r.request.url) else r.abort("internetdisconnected")
        ),
    )
    if errors is not None:
        context.on("weberror", lambda e: errors.append(f"{e.error.name}: {e.error.message}"))
    return context


def tracebacks(log: Path) -> int:
    """Tracebacks a server printed in its log."""
    text = log.read_text(encoding="utf-8", errors="replace")
    return text.count("Traceback (most recent call last)")


# --- figures -------------------------------------------------------------------------------


def median(values: Iterable[float]) -> float:
    listed = list(values)
    return statistics.median(listed) if listed else float("nan")


def ms(seconds: float) -> str:
    value = seconds * 1000
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def usable_cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def machine() -> list[str]:
    """CPU model, cores, RAM and Python version."""
    info: dict[str, str] = {}
    for name, key in (("cpuinfo", "model name"), ("meminfo", "MemTotal")):
        with contextlib.suppress(OSError, ValueError, IndexError):
            line = next(
                x for x in Path(f"/proc/{name}").read_text().splitlines() if x.startswith(key)
            )
            info[key] = line.split(":", 1)[1].strip()
    ram = info.get("MemTotal", "").split()
    return [
        f"CPU: {info.get('model name', 'unknown CPU')}, {os.cpu_count()} logical cores "
        f"({usable_cores()} usable)",
        f"RAM: {f'{int(ram[0]) / 1024 / 1024:.1f} GiB' if ram else 'unknown'}",
        f"Python {platform.python_version()} ({sys.executable}), {platform.platform()}",
    ]


@contextlib.contextmanager
def lien_data(path: Path | None, store: str | None = None) -> Iterator[None]:
    """LIEN_DATA set to `path` (or unset) for the duration, and the pages' store: the database
    `store` names, else a new SQLite file, so that the pages fill it from `path` on their first
    run (var/lien.sqlite3, filled long ago from another file, would hide it)."""
    names = ("LIEN_DATA", "LIEN_DATABASE_PATH", "LIEN_DATABASE_URL")
    old = {name: os.environ.pop(name, None) for name in names}
    with tempfile.TemporaryDirectory(prefix="lien-bench-store-") as folder:
        if path is not None:
            os.environ["LIEN_DATA"] = str(path)
        os.environ["LIEN_DATABASE_URL"] = store or f"sqlite:///{Path(folder) / 'lien.sqlite3'}"
        try:
            yield
        finally:
            for name, value in old.items():
                os.environ.pop(name, None)
                if value is not None:
                    os.environ[name] = value


@dataclass
class Row:
    """A row of a bench's table: its figure, a shown value per column, its goal and result."""

    figure: str
    cells: dict[str, str] = field(default_factory=dict)
    goal: str = ""
    ok: bool | None = None  # None: no goal, or not measured


def table(columns: list[str], rows: list[Row]) -> str:
    """Markdown, aligned: figure, the columns, then goal and result ("ok", "MISS" or empty)
    when any row has a goal."""
    goals = any(r.goal or r.ok is not None for r in rows)
    header = ["figure", *columns, *(["goal", "result"] if goals else [])]
    body = [
        [r.figure, *(r.cells.get(s, "—") for s in columns)]
        + ([r.goal or "—", "" if r.ok is None else ("ok" if r.ok else "MISS")] if goals else [])
        for r in rows
    ]
    widths = [max(len(x[i]) for x in [header, *body]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        padded = (
            c.rjust(w) if i else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )
        return "| " + " | ".join(padded) + " |"

    rule = "|" + "|".join("-" * (w + 1) + (":" if i else "-") for i, w in enumerate(widths)) + "|"
    return "\n".join([line(header), rule, *(line(b) for b in body)])


def guarded(errors: list[str], what: str, fn: Callable[[], None]) -> None:
    """Run one measurement; a failure is reported and the others still run."""
    try:
        fn()
    except BaseException as exc:  # pytest.fail (from the browser helpers) raises a BaseException
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        errors.append(f"{what}: {type(exc).__name__}: {exc}")
        traceback.print_exc(file=sys.stderr)


def say(what: str, tag: str = "bench") -> None:
    """Progress, on stderr."""
    print(f"[{tag}] {what}", file=sys.stderr, flush=True)
