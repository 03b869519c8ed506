"""The protocol-level load client (lien_dev.stclient, lien_dev.crowd; `make loadtest` runs it big)
against a real server behind Caddy on PostgreSQL, at a handful of visitors: each walks the whole
path (map, a service, a place, the handout, the coverage page) without error, and each step did
what it says."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import pytest

from lien_dev import postgres
from lien_dev.crowd import STEPS, Results, crowd, served
from lien_dev.stclient import Visitor
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
def proxy() -> object:
    require_caddy()
    if postgres.binaries() is None:
        missing("PostgreSQL's binaries are expected (apt-get install postgresql)")
    with served(1) as (url, _pids):
        yield url


def test_a_handful_of_visitors_walk_the_whole_path(proxy: str) -> None:
    async def run() -> Results:
        results, still_open = await crowd(proxy, VISITORS, think=0.5)
        for visitor in still_open:
            await visitor.close()
        return results

    results = _run(run())
    assert results.errors == dict.fromkeys(STEPS, 0), results.examples
    assert {step: len(results.seconds[step]) for step in STEPS} == dict.fromkeys(STEPS, VISITORS)


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


def test_the_client_talks_to_this_machine_only() -> None:
    with pytest.raises(ValueError, match="loopback"):
        Visitor("http://lien.example.org")
