"""Rows 13-16: the living directory's store, on SQLite and on PostgreSQL, side by side, and
rows 13-14 on the file itself (LIEN_STORE=off, the pages as before the store) in the same run.

13. the seed map page's rerun after a filter change, server side (AppTest; row 4's measure);
14. the 100k map page's rerun after a filter change, server side (row 1's measure);
15. a proposal's submit, server side (lien.store.proposals.propose on the seed store);
16. from a reviewer's accept (a publish in the store) to the new phone number on a phone page
    that was already open (headless chromium, the page's 3-s watch), without a reload.

PostgreSQL is a throwaway cluster of Debian's binaries (lien_dev/postgres.py), each figure on a
database of its own; without them its column says so and the SQLite one is still measured.
"""

from __future__ import annotations

import contextlib
import os
import random
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from bench.common import Row, app, median, ms, offline_context
from bench.common import browser as launched
from lien import store
from lien.store.limits import Client
from lien.store.proposals import Receipt, Submission, propose
from lien.store.watch import POLL_S
from lien_dev import harness, postgres

# The reference, measured in the same run: the pages on the file itself, as before the store
# (a kiosk's LIEN_STORE=off).
FILE = "file, no store"
COLUMNS = (FILE, "SQLite", "PostgreSQL")
SUBMIT_GOAL_MS = 300.0
ACCEPT_GOAL_S = 5.0
# The seed site whose phone the accept changes, and the page that shows its card first.
SITE = "apd-namur"
PAGE = "/?q=Personnes%20D%C3%A9plac%C3%A9es&lang=fr"
SHOWN_TIMEOUT_S = 30.0

# (a new empty database's URL) for each backend; None when that backend is missing.
NewDatabase = Callable[[], str]


@contextlib.contextmanager
def databases(folder: Path) -> Iterator[dict[str, NewDatabase | None]]:
    """A maker of new empty databases per column: SQLite files in `folder`, and databases of a
    throwaway PostgreSQL cluster while the context lasts."""

    def sqlite() -> str:
        return f"sqlite:///{folder / f'lien-{uuid.uuid4().hex[:8]}.sqlite3'}"

    found = postgres.binaries()
    if found is None:
        yield {"SQLite": sqlite, "PostgreSQL": None}
        return
    with postgres.cluster(found) as running:
        yield {"SQLite": sqlite, "PostgreSQL": running.new_database}


def submit_times(url: str, runs: int) -> list[float]:
    """Seconds of each of `runs` proposals (after one warm-up) on the seed store at `url`, each
    from a client of its own (the hourly limit counts per session and address)."""
    engine = store.open(url)
    try:
        times = []
        for i in range(runs + 1):
            client = Client(f"bench-{i}", f"192.0.2.{i % 250 + 1}")
            submission = Submission(SITE, {"phone": f"081 00 {i // 100:02d} {i % 100:02d}"})
            start = time.perf_counter()
            receipt = propose(engine, submission, client)
            if not isinstance(receipt, Receipt):
                raise RuntimeError(f"the proposal was refused: {receipt}")
            times.append(time.perf_counter() - start)
        return times[1:]
    finally:
        engine.dispose()


def _card_shows(page: Any, text: str, timeout_s: float) -> None:
    page.wait_for_function(
        "t => [...document.querySelectorAll('.lien-card')].some(c => c.textContent.includes(t))",
        arg=text,
        timeout=timeout_s * 1000,
    )


def accept_times(url: str, runs: int, log: Path) -> list[float]:
    """Seconds from each of `runs` publishes of a new phone number for SITE to its showing on a
    phone page opened before it (a mark on the window proves no reload)."""
    env = {**harness.offline_env(), "LIEN_DATABASE_URL": url}
    times = []
    with app(log, env) as (_, base), launched() as browser:
        context = offline_context(browser, None, SHOWN_TIMEOUT_S, **harness.DEVICES["phone"])
        engine = store.make_engine(url)
        try:
            page = context.new_page()
            page.goto(base + PAGE)
            _card_shows(page, "085 21 34 81", 120.0)  # the first page fills the store
            page.evaluate("() => { window.lienStillOpen = true; }")
            moments = random.Random(0)
            for i in range(runs):
                # Right after the page showed the last one, its watch has just looked: publishing
                # at once would always wait a whole period. A visitor's page is at any moment.
                page.wait_for_timeout(moments.uniform(0, POLL_S) * 1000)
                phone = f"081 99 {i // 100:02d} {i % 100:02d}"
                version = store.current_version(engine)
                start = time.perf_counter()
                store.publish(engine, {SITE: {"phone": phone}}, "bench", "bench", against=version)
                _card_shows(page, phone, SHOWN_TIMEOUT_S)
                times.append(time.perf_counter() - start)
            if not page.evaluate("() => window.lienStillOpen === true"):
                raise RuntimeError("the page was reloaded")
        finally:
            engine.dispose()
            context.close()
    return times


@dataclass(frozen=True)
class Plan:
    """What rows 13-16 run: run.py's `reruns(path, cycles, store)` (its map_reruns; passed in, so
    that run imports this module and not the other way), the 100k file, and the counts."""

    reruns: Callable[[Path | None, int, str | None], Any]
    big: Path
    cycles: int
    runs: int
    folder: Path


def _rows() -> dict[str, Row]:
    return {
        "13": Row("13. seed map page rerun after a filter change, server (ms)", goal="< 100"),
        "14": Row("14. 100k map page rerun after a filter change, server (ms)", goal="< 300"),
        "15": Row("15. a proposal's submit, server (ms)", goal=f"< {SUBMIT_GOAL_MS:,.0f}"),
        "16": Row(
            "16. reviewer's accept to an open phone page showing it (s)",
            goal=f"< {ACCEPT_GOAL_S:g}",
        ),
    }


@contextlib.contextmanager
def _kiosk() -> Iterator[None]:
    old = os.environ.get("LIEN_STORE")
    os.environ["LIEN_STORE"] = "off"
    try:
        yield
    finally:
        os.environ.pop("LIEN_STORE", None)
        if old is not None:
            os.environ["LIEN_STORE"] = old


def _reruns(plan: Plan, path: Path | None, store: str | None) -> float:
    """Median seconds of the map page's filter reruns on `path`, on the store at `store`, or on
    the file itself when None."""
    if store is not None:
        return float(median(plan.reruns(path, plan.cycles, store).all_filtered()))
    with _kiosk():
        return float(median(plan.reruns(path, plan.cycles, None).all_filtered()))


def _reference(rows: dict[str, Row], plan: Plan) -> dict[str, float]:
    found = {"13": _reruns(plan, None, None), "14": _reruns(plan, plan.big, None)}
    for key, value in found.items():
        rows[key].cells[FILE] = ms(value)
    return found


def _column(
    rows: dict[str, Row], column: str, new: NewDatabase, plan: Plan, reference: dict[str, float]
) -> list[str]:
    seed = _reruns(plan, None, new())
    big = _reruns(plan, plan.big, new())
    submit = median(submit_times(new(), plan.runs * 4))
    shown = accept_times(new(), plan.runs, plan.folder / f"server-accept-{column}.log")
    for key, value, goal in (
        ("13", seed * 1000, 100.0),
        ("14", big * 1000, 300.0),
        ("15", submit * 1000, SUBMIT_GOAL_MS),
    ):
        rows[key].cells[column] = ms(value / 1000)
        rows[key].ok = rows[key].ok is not False and value < goal
    rows["16"].cells[column] = f"{median(shown):.2f}"
    rows["16"].ok = rows["16"].ok is not False and median(shown) < ACCEPT_GOAL_S
    return [
        f"rows 13-14, {column}: {ms(seed)} and {ms(big)} ms, {seed / reference['13']:.2f}x "
        f"and {big / reference['14']:.2f}x the file's in the same run",
        f"row 16, {column}: {', '.join(f'{t:.2f}' for t in shown)} s (each publish at a random "
        f"moment of the page's watch, which looks every {POLL_S:g} s: about {POLL_S / 2:g} s "
        f"of each figure is that wait)",
    ]


class Report(Protocol):
    """run.py's report: what rows 13-16 add to."""

    store: list[Row]
    notes: list[str]
    errors: list[str]


def measure(plan: Plan, report: Report) -> None:
    """Rows 13-16 for SQLite and PostgreSQL, and their notes, into `report`; a backend's failure
    goes to its errors and the other is still measured."""
    rows, notes, errors = _rows(), report.notes, report.errors
    reference = _reference(rows, plan)
    with databases(plan.folder) as makers:
        for column, new in makers.items():
            if new is None:
                notes.append(f"rows 13-16, {column}: not installed (apt-get install postgresql)")
                continue
            try:
                notes += _column(rows, column, new, plan, reference)
            except Exception as exc:  # one backend's failure leaves the other's figures
                errors.append(f"rows 13-16, {column}: {type(exc).__name__}: {exc}")
    notes.append(
        f"rows 13-14: as rows 4 and 1, the reference on the file (LIEN_STORE=off), the others "
        f"each on a new store of its backend filled from the file "
        f"on the first run; row 15: median of {plan.runs * 4} proposals after one warm-up; "
        f"row 16: {plan.runs} publishes, each timed from the publish to the card's new number."
    )
    report.store.extend(rows.values())
