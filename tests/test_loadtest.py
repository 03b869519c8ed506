"""The protocol-level load client (lien_dev.stclient, lien_dev.crowd; `make loadtest` runs it big)
against a real server behind Caddy on PostgreSQL, at a handful of visitors: each walks the whole
path (map, a service, a place, the handout, the coverage page) without error, and each step did
what it says."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import pytest

from lien import store
from lien.store import proposals
from lien.store.versions import Publish, apply, current_version
from lien_dev import postgres
from lien_dev.crowd import STEPS, Results, Served, crowd, served
from lien_dev.stclient import Visitor, VisitorError
from tests.conftest import missing, require_caddy

# A server, a proxy and a database: the browser tier (docs/testing.md), though no browser.
pytestmark = pytest.mark.browser

VISITORS = 4
T = TypeVar("T")


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run `coroutine` in an event loop of its own thread: the browser tests' Playwright (its
    sync API) keeps a loop running in this one, where asyncio.run() is refused."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result(timeout=600)


@pytest.fixture(scope="module")
def cluster() -> Iterator[Served]:
    require_caddy()
    if postgres.binaries() is None:
        missing("PostgreSQL's binaries are expected (apt-get install postgresql)")
    with served(1) as running:
        yield running


@pytest.fixture
def proxy(cluster: Served) -> str:
    return cluster.proxy


def _publish(url: str, organisation: str) -> None:
    """A reviewer's publish on the store (the Review page's own call): Caritas's housing café
    renamed."""
    engine = store.open(url)
    try:
        changes = {"caritas-housing-cafe-bruxelles": {"organisation": organisation}}
        apply(engine, changes, Publish(by="test", reason="issue 31"), current_version(engine))
    finally:
        engine.dispose()


def test_a_handful_of_visitors_walk_the_whole_path(cluster: Served) -> None:
    async def run() -> Results:
        results, still_open = await crowd(cluster.proxy, VISITORS, think=0.5, propose_every=1)
        for visitor in still_open:
            await visitor.close()
        return results

    results = _run(run())
    assert results.errors == dict.fromkeys(STEPS, 0), results.examples
    assert {step: len(results.seconds[step]) for step in STEPS} == dict.fromkeys(STEPS, VISITORS)
    # Each visitor, from its own address (under the limit of 5 an hour each), got a reference,
    # and each reference is a proposal in the store.
    assert len(set(results.acknowledged)) == VISITORS
    engine = store.open(cluster.database)
    try:
        stored = {p.reference for p in proposals.pending(engine)}
    finally:
        engine.dispose()
    assert set(results.acknowledged) <= stored


def test_each_step_does_what_it_says(proxy: str) -> None:
    async def walk() -> None:
        visitor = Visitor(proxy)
        await visitor.open("lang=fr")
        assert visitor.cookie.startswith("lien_replica=")  # Caddy's affinity, kept
        await visitor.change(m_service=["Logement"])
        assert visitor.page.says("Service : Logement")
        await visitor.change(m_near="Namur")
        assert visitor.page.says("`Namur`, 25 km")
        _, pdf = await visitor.download("take_pdf")
        assert pdf.startswith(b"%PDF-")
        await visitor.go("Couverture_Dekking_Coverage")
        assert "summary_pdf" in visitor.page.downloads  # the coverage page's own button
        await visitor.close()

    _run(walk())


def test_a_publish_reruns_an_open_page_by_itself_within_seconds(cluster: Served) -> None:
    async def watch() -> tuple[list[str], list[str]]:
        visitor = Visitor(cluster.proxy)
        await visitor.open("lang=fr&q=Caritas")
        before = visitor.page.texts
        # Renamed: the search for "Caritas" no longer finds that site.
        await asyncio.to_thread(_publish, cluster.database, "Café logement (renommé)")
        # The visitor sends nothing: the server's watch (lien.store.watch) runs the page again.
        await visitor.pushed(timeout=15)
        await visitor.close()
        return before, visitor.page.texts

    before, after = _run(watch())
    counts = [[t for t in texts if " sites de " in t] for texts in (before, after)]
    assert counts[0], before
    assert counts[1], after
    assert counts[0] != counts[1]


def test_a_visitor_s_change_made_as_a_publish_lands_is_kept(cluster: Served) -> None:
    # Issue 28's fragment rerun could replace the visitor's own run and lose the service chosen.
    async def race(i: int) -> Visitor:
        visitor = Visitor(cluster.proxy)
        await visitor.open("lang=fr")
        publishing = asyncio.create_task(
            asyncio.to_thread(_publish, cluster.database, f"Caritas (publication {i})")
        )
        await visitor.change(m_service=["Logement"])
        await publishing
        with contextlib.suppress(VisitorError):
            await visitor.pushed(timeout=5)  # the publish's run, unless the change read it
        await visitor.close()
        return visitor

    for i in range(3):
        visitor = _run(race(i))
        assert visitor.page.says("Service : Logement"), visitor.page.texts


def test_a_tapped_handout_is_still_there_after_other_visitors_runs(proxy: str) -> None:
    # Streamlit deletes a built download no session references at the second end of any run;
    # under load that came before the browser's fetch (404). lien.ui.downloads keeps it.
    async def tap_then_fetch_late() -> bytes:
        mine, other = Visitor(proxy), Visitor(proxy)
        await mine.open("lang=fr")
        await other.open("lang=fr")
        url = await mine.tap("take_pdf")
        for place in ("Namur", "Liège", "Mons"):  # three other runs end before the fetch
            await other.change(m_near=place)
        data = await mine.fetch(url)
        for visitor in (mine, other):
            await visitor.close()
        return data

    assert _run(tap_then_fetch_late()).startswith(b"%PDF-")


def test_the_client_talks_to_this_machine_only() -> None:
    with pytest.raises(ValueError, match="loopback"):
        Visitor("http://lien.example.org")
