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
import re
import tempfile
import time
import urllib.error
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from websockets.exceptions import WebSocketException

from lien.i18n import t
from lien_dev import harness, postgres
from lien_dev.cluster import Replica, database, replicas
from lien_dev.harness import PHONE_USER_AGENT
from lien_dev.stclient import Visitor, VisitorError

# The views visitors choose: 3 services near 6 places, 18 handouts. A stand's visitors share a
# few views, each handout made once (lien.outputs.reuse); all on one view would flatter it.
SERVICES = ("Logement", "Aide juridique", "Cours de langue")
PLACES = ("Namur", "Liège", "Bruxelles", "Mons", "Charleroi", "Gent")
STEPS = ("open", "service", "place", "handout", "coverage", "propose")
# The proposal a visitor sends, if it does (lien.ui.suggest_page's form): a new phone number for
# a seed site, with a reason that names the visitor.
PROPOSED_SITE = "apd-namur"
# What a page says while the store can't be read (lien.ui.common.directory_notice), and the
# suggest page when a proposal could not be sent; "fr", the visitors' language.
UNAVAILABLE = t("p_store_unavailable", "fr").split(":")[0][1:]
NOT_SENT = t("suggest_not_sent", "fr")[:40]
OUTAGE_WAIT_S = 120.0  # a page that hasn't come back by then is an error
SEND_TRIES = 3
REFERENCE = re.compile(r"\bL-[2-9A-Z]{4}-[2-9A-Z]{2}\b")  # lien.store.proposals.new_reference
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
    # Seconds from a visitor's WebSocket closing (its replica killed) to its page drawn again
    # by another replica, one per reconnection.
    recovered: list[float] = field(default_factory=list)
    # Each reconnection's parts: the page's HTML, the WebSocket's handshake, the first run.
    parts: list[tuple[float, float, float]] = field(default_factory=list)
    # The references of the proposals the page said it received: each must be in the store.
    acknowledged: list[str] = field(default_factory=list)
    # Handouts tapped a second time: the page was redrawn by the server under the first tap.
    tapped_again: int = 0
    # Proposals the page said it could not send (the database down): said, so not lost.
    refused: int = 0
    # Seconds a page said the directory's database isn't answering, until it came back by itself.
    waited: list[float] = field(default_factory=list)

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


def source(number: int) -> str:
    """Visitor `number`'s own loopback address (127.0.1.1, 127.0.1.2…): one client each."""
    return f"127.0.{1 + number // 250}.{1 + number % 250}"


@dataclass(frozen=True)
class Who:
    """A visitor of the crowd: its number, its pace and whether it sends a proposal."""

    number: int
    rng: random.Random
    proposes: bool = False


async def visit(base: str, think: float, results: Results, who: Who) -> Visitor | None:
    """One visitor's path; the visitor, left open (an idle session), or None if it failed.

    As a browser does, a visitor whose WebSocket closes (its replica gone) reconnects at once
    through the proxy and redraws its view there, while reading or in the middle of a step
    (which it then does again)."""
    # At a stand, four visitors in five are on a phone (cards, the table behind a toggle).
    phone = who.number % 5 != 0
    visitor = Visitor(base, source(who.number), PHONE_USER_AGENT if phone else "")
    rng = who.rng
    steps = [
        ("open", lambda: visitor.open("lang=fr")),
        ("service", lambda: visitor.change(m_service=[rng.choice(SERVICES)])),
        ("place", lambda: visitor.change(m_near=rng.choice(PLACES))),
        ("handout", lambda: _download(visitor, "take_pdf", results)),
        ("coverage", lambda: visitor.go("Couverture_Dekking_Coverage")),
    ]
    if who.proposes:
        steps.append(("propose", lambda: _propose(visitor, who.number, results)))
    for step, action in steps:
        try:
            await _through_outage(visitor, results)
            results.seconds[step].append(await _again_if_cut(visitor, action, results))
            if await visitor.closed_within(think * rng.uniform(0.5, 1.5)):
                results.recovered.append(await visitor.reconnect())
                results.parts.append(visitor.parts)
        except (VisitorError, OSError, TimeoutError, WebSocketException) as error:
            results.failed(step, error)
            await visitor.close()
            return None
    return visitor


async def _again_if_cut(
    visitor: Visitor, action: Callable[[], Awaitable[float]], results: Results
) -> float:
    """The step's seconds; if its WebSocket closed under it (its replica gone: the step failed,
    or a handout's file was asked of a replica that never made it), reconnect and do it again."""
    try:
        return await action()
    except (VisitorError, OSError):
        await asyncio.sleep(0)  # let the client see its socket closed
        if not visitor.cut:
            raise
    cut = time.perf_counter()
    await visitor.reconnect()
    results.parts.append(visitor.parts)
    seconds = await action()
    results.recovered.append(time.perf_counter() - cut)
    return seconds


async def _through_outage(visitor: Visitor, results: Results) -> None:
    """A page that says the directory's database isn't answering: the visitor waits, as the
    page asks, for the page to come back by itself (the server's watch reruns it)."""
    if visitor.session_id:
        await visitor.settle()
    if not visitor.page.says(UNAVAILABLE):
        return
    start = time.perf_counter()
    while visitor.page.says(UNAVAILABLE):
        left = OUTAGE_WAIT_S - (time.perf_counter() - start)
        if left <= 0:
            raise VisitorError("the page never came back after the database")
        await visitor.pushed(left)
    results.waited.append(time.perf_counter() - start)


async def _propose(visitor: Visitor, number: int, results: Results) -> float:
    """Open the suggest page for PROPOSED_SITE and send a new phone number; the sending's
    seconds. A reference shown is kept: the proposal must then be in the store. A sending the
    page says failed (the database down) is tried again a few seconds later, as a visitor
    told "send it again in a moment" would."""
    await visitor.go("Proposer_Voorstellen_Suggest", f"site={PROPOSED_SITE}&lang=fr")
    reason = f"load test, visitor {number}"
    for _ in range(SEND_TRIES):
        seconds = await visitor.submit("suggest_form", sg_phone="081 22 33 44", sg_reason=reason)
        said = [m.group() for text in visitor.page.texts if (m := REFERENCE.search(text))]
        if said:
            results.acknowledged.append(said[0])
            return seconds
        if not visitor.page.says(NOT_SENT):
            raise VisitorError(f"neither a reference nor a refusal: {visitor.page.texts[-3:]}")
        results.refused += 1
        await asyncio.sleep(5.0)
    raise VisitorError(f"not sent after {SEND_TRIES} tries")


async def _download(visitor: Visitor, key: str, results: Results) -> float:
    """Tap the download and fetch its file; tapped again once if the server redrew the page in
    between (its run after a publish or the database's return): the tap named the file of the
    page before ("Deferred file not found", or the file gone before its fetch), as a visitor
    told so would tap again. Counted apart: it is the one thing such a redraw still costs."""
    try:
        seconds, data = await visitor.download(key)
    except (VisitorError, urllib.error.HTTPError) as error:
        redrawn = "refused" in str(error) or getattr(error, "code", None) == 404
        if not redrawn or visitor.cut:
            raise
        results.tapped_again += 1
        seconds, data = await visitor.download(key)
    if not data.startswith(b"%PDF-"):
        raise VisitorError(f"not a PDF: {data[:40]!r}")
    if len(data) < MIN_HANDOUT_BYTES:
        # The short PDF a download worker's limit gives ("could not be made"): an error here.
        raise VisitorError(f"the handout could not be made ({len(data)} bytes)")
    return seconds


async def crowd(
    base: str, visitors: int, think: float, propose_every: int = 0
) -> tuple[Results, list[Visitor]]:
    """`visitors` visitors arriving over `think` seconds, one in `propose_every` sending a
    proposal (0: none); the ones still open at the end."""
    rng = random.Random(0)
    results = Results()

    async def arrive(delay: float, who: Who) -> Visitor | None:
        await asyncio.sleep(delay)
        return await visit(base, think, results, who)

    done = await asyncio.gather(
        *(
            arrive(
                rng.uniform(0, think),
                Who(i, random.Random(rng.random()), bool(propose_every) and i % propose_every == 0),
            )
            for i in range(visitors)
        )
    )
    return results, [v for v in done if v is not None]


@dataclass
class Served:
    """The proxy's URL, the replicas (process, URL) and the store's URL of a served cluster."""

    proxy: str
    running: list[Replica]
    database: str
    postgres: postgres.Cluster | None  # None: LIEN_DATABASE_URL's, not ours to stop

    @property
    def pids(self) -> list[int]:
        return [process.pid for process, _ in self.running]


@contextlib.contextmanager
def served(count: int) -> Iterator[Served]:
    """`count` replicas on a throwaway PostgreSQL behind deploy/Caddyfile."""
    logs = Path(tempfile.mkdtemp(prefix="lien-loadtest-"))
    with database() as (url, cluster), replicas(count, url, logs) as running:
        upstreams = [u for _, u in running]
        with harness.caddy(upstreams, logs / "caddy.log") as proxy:
            yield Served(proxy, running, url, cluster)
