"""Simulated visitors at the protocol level (lien_dev.stclient) and the servers they visit: the
load test's crowd (bench/loadtest.py runs it big; tests/test_loadtest.py, a handful).

Each visitor opens the map page, chooses a service, searches a place, taps the handout, then moves
to the coverage page, waiting `think` seconds (±50 %) between steps; visitors arrive over the first
`think` seconds. Every step is timed, every failure counted with an example kept.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lien_dev import harness
from lien_dev.cluster import Replica, database, replicas
from lien_dev.stclient import Visitor, VisitorError

STEPS = ("open", "service", "place", "handout", "coverage")
MAX_VISITORS = 2_000  # a bound on the run's own size
MIN_HANDOUT_BYTES = 50_000  # the seed's handout is 140 KB; a "could not be made" PDF, a few


@dataclass
class Results:
    """Each step's latencies and errors, over all visitors of a run."""

    seconds: dict[str, list[float]] = field(default_factory=lambda: {s: [] for s in STEPS})
    errors: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STEPS, 0))
    examples: list[str] = field(default_factory=list)
    # (step, cause) -> how many: every error counted by what it was, not only the examples kept.
    causes: Counter[tuple[str, str]] = field(default_factory=Counter)

    def failed(self, step: str, error: BaseException) -> None:
        self.errors[step] += 1
        self.causes[(step, _cause(error))] += 1
        if len(self.examples) < 5:
            self.examples.append(f"{step}: {type(error).__name__}: {error}"[:300])


def _cause(error: BaseException) -> str:
    """An error's kind in a few words: its type, and an HTTP status or a handout not made."""
    status = getattr(error, "code", None)
    if isinstance(status, int):
        return f"{type(error).__name__} {status}"
    if "could not be made" in str(error):
        return "handout not made (worker limit)"
    return type(error).__name__


async def visit(base: str, think: float, results: Results, rng: random.Random) -> Visitor | None:
    """One visitor's path; the visitor, left open (an idle session), or None if it failed."""
    visitor = Visitor(base)
    steps = (
        ("open", lambda: visitor.open("lang=fr")),
        ("service", lambda: visitor.change(m_service=["Logement"])),
        ("place", lambda: visitor.change(m_near="Namur")),
        ("handout", lambda: _download(visitor, "take_pdf")),
        ("coverage", lambda: visitor.go("Couverture_Dekking_Coverage")),
    )
    for step, action in steps:
        try:
            results.seconds[step].append(await action())
        except (VisitorError, OSError, TimeoutError) as error:
            results.failed(step, error)
            await visitor.close()
            return None
        await asyncio.sleep(think * rng.uniform(0.5, 1.5))
    return visitor


async def _download(visitor: Visitor, key: str) -> float:
    seconds, data = await visitor.download(key)
    if not data.startswith(b"%PDF-"):
        raise VisitorError(f"not a PDF: {data[:40]!r}")
    if len(data) < MIN_HANDOUT_BYTES:
        # The short PDF a download worker's limit gives ("could not be made"): an error here.
        raise VisitorError(f"the handout could not be made ({len(data)} bytes)")
    return seconds


async def crowd(
    base: str, visitors: int, think: float, seed: int = 0
) -> tuple[Results, list[Visitor]]:
    """`visitors` visitors arriving over `think` seconds; the ones still open at the end."""
    rng = random.Random(seed)
    results = Results()

    async def arrive(delay: float) -> Visitor | None:
        await asyncio.sleep(delay)
        return await visit(base, think, results, random.Random(rng.random()))

    done = await asyncio.gather(*(arrive(rng.uniform(0, think)) for _ in range(visitors)))
    return results, [v for v in done if v is not None]


@dataclass
class Served:
    """The proxy's URL, the replicas (process, URL) and the store's URL of a served cluster."""

    proxy: str
    running: list[Replica]
    database: str

    @property
    def pids(self) -> list[int]:
        return [process.pid for process, _ in self.running]


@contextlib.contextmanager
def served(count: int) -> Iterator[Served]:
    """`count` replicas on a throwaway PostgreSQL behind deploy/Caddyfile."""
    logs = Path(tempfile.mkdtemp(prefix="lien-loadtest-"))
    with database() as url, replicas(count, url, logs) as running:
        upstreams = [u for _, u in running]
        with harness.caddy(upstreams, logs / "caddy.log") as proxy:
            yield Served(proxy, running, url)
