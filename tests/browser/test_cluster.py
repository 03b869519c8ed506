"""Replicas as deployed (issue 31): two real Lien servers on one PostgreSQL behind Caddy
(deploy/Caddyfile, the recipe `make cluster` runs). The affinity cookie is set and honoured; a
publish on the store one replica writes to is seen by a visitor of the other within seconds; a
replica killed with kill -9 under a visitor's open page: the page reconnects through Caddy to the
other replica and shows the map again."""

from __future__ import annotations

import hashlib
import hmac
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from streamlit.testing.v1 import AppTest

from lien import store
from lien.config import ROOT
from lien.i18n import t
from lien.store import proposals
from lien.store.versions import Publish, apply, current_version
from lien_dev import harness, postgres
from tests.browser.conftest import BrowserPage, count_markers, map_frame, wait_for_text
from tests.conftest import missing, require_caddy
from tests.support.everyday import ROWS, everyday_csv

# Servers and a browser: the browser tier (docs/testing.md).
pytestmark = pytest.mark.browser

COOKIE = "lien_replica"  # deploy/Caddyfile's lb_policy cookie
DATA_PAGE = "Donnees_Gegevens_Data"


def affinity(upstream: str) -> str:
    """The cookie value Caddy gives a visitor it sends to `upstream` ("127.0.0.1:8501"): the
    HMAC-SHA256 of the upstream's address under the policy's secret (none in deploy/Caddyfile)."""
    return hmac.new(b"", upstream.encode(), hashlib.sha256).hexdigest()


@dataclass
class Cluster:
    """The proxy's URL, each replica's process and URL, and the store's URL."""

    proxy: str
    replicas: list[tuple[subprocess.Popen[bytes], str]]
    database: str
    env: dict[str, str]
    logs: Path
    postgres: postgres.Cluster

    def cookie(self, i: int) -> str:
        return affinity(self.replicas[i][1].removeprefix("http://"))

    def restart(self, i: int) -> None:
        """Replica `i` back on its port (a replica that joins: Caddy's health check sees it)."""
        port = int(self.replicas[i][1].rpartition(":")[2])
        log = self.logs / f"replica-{i}-again.log"
        self.replicas[i] = harness.start_app(log, port=port, env=self.env)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    require_caddy()
    binaries = postgres.binaries()
    if binaries is None:
        missing("PostgreSQL's binaries are expected (apt-get install postgresql)")
    assert binaries is not None
    logs = tmp_path_factory.mktemp("cluster")
    with postgres.cluster(binaries) as pg:
        url = pg.new_database()
        store.open(url).dispose()  # filled once, before the replicas start
        env = {**harness.offline_env(), "LIEN_DATABASE_URL": url}
        running: list[tuple[subprocess.Popen[bytes], str]] = []
        try:
            for i in range(2):
                running.append(harness.start_app(logs / f"replica-{i}.log", env=env))
            with harness.caddy([u for _, u in running], logs / "caddy.log") as proxy:
                yield Cluster(proxy, running, url, env, logs, pg)
        finally:
            for process, _ in running:
                harness.stop(process)


def _get(url: str, cookie: str | None = None) -> str | None:
    """GET `url` as a browser would (no proxy); the affinity cookie Caddy set, if any."""
    request = urllib.request.Request(url)
    if cookie:
        request.add_header("Cookie", f"{COOKIE}={cookie}")
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=30) as response:
        response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            if name.strip() == COOKIE:
                return rest.split(";", 1)[0]
    return None


def test_the_affinity_cookie_is_set_and_honoured(cluster: Cluster) -> None:
    given = {_get(cluster.proxy + "/") for _ in range(16)}
    # A new visitor is sent to either replica, and told which by the cookie.
    assert given == {cluster.cookie(0), cluster.cookie(1)}
    # A visitor who has the cookie stays there: Caddy has nothing new to set.
    for i in (0, 1):
        assert all(_get(cluster.proxy + "/", cluster.cookie(i)) is None for _ in range(5))


def _pin(page: Page, cluster: Cluster, i: int) -> None:
    """The visitor's browser holds replica `i`'s cookie, as if Caddy had sent it there."""
    page.context.add_cookies([{"name": COOKIE, "value": cluster.cookie(i), "url": cluster.proxy}])


def _map_shown(page: Page) -> None:
    wait_for_text(page, t("title", "fr"))
    frame = map_frame(page)
    frame.locator(".lien-dot, .marker-cluster").first.wait_for(timeout=60_000)
    assert count_markers(frame) > 0


def test_a_publish_is_seen_by_a_visitor_of_the_other_replica(
    browser_page: BrowserPage, cluster: Cluster
) -> None:
    page = browser_page.page
    _pin(page, cluster, 1)
    page.goto(cluster.proxy + "/?q=Caritas")
    _map_shown(page)
    # Replica 0 publishes (the store's own publish, as its Review page makes it).
    engine = store.open(cluster.database)
    try:
        renamed = f"Caritas International (publié ailleurs, {browser_page.device})"
        apply(
            engine,
            {"caritas-housing-cafe-bruxelles": {"organisation": renamed}},
            Publish(by="test", reason="a publish on the other replica"),
            current_version(engine),
        )
    finally:
        engine.dispose()
    # Replica 1's watch reads the store every second (lien.store.watch) and reruns the page: the
    # card on a phone, the table's cell on a desktop (drawn on a canvas, its text in a hidden grid).
    expect(page.get_by_text(renamed).first).to_be_attached(timeout=20_000)
    assert browser_page.errors() == []


def test_a_killed_replica_s_visitor_carries_on_on_the_other(
    browser_page: BrowserPage, cluster: Cluster
) -> None:
    page = browser_page.page
    _pin(page, cluster, 0)
    page.goto(cluster.proxy + "/?near=Namur&radius_km=25")
    _map_shown(page)
    process, _ = cluster.replicas[0]
    os.killpg(process.pid, signal.SIGKILL)  # kill -9: no goodbye to the browser
    process.wait(timeout=10)
    # The page's WebSocket closes; Streamlit's page reconnects through Caddy, which sends it to
    # the replica still up, and the view comes back from the address (filters live in the URL).
    page.wait_for_function(
        "c => document.cookie.includes(c)", arg=f"{COOKIE}={cluster.cookie(1)}", timeout=60_000
    )
    _map_shown(page)
    assert "near=Namur" in page.url
    # The replica comes back on its port; new visitors reach it again once its health check
    # answers (every 2 s), and the next test starts with both.
    cluster.restart(0)
    assert _until_both(cluster)


def _until_both(cluster: Cluster, tries: int = 40) -> bool:
    """Whether new visitors reach both replicas again within `tries` half-seconds."""
    seen: set[str | None] = set()
    for _ in range(tries):
        seen.add(_get(cluster.proxy + "/"))
        if seen >= {cluster.cookie(0), cluster.cookie(1)}:
            return True
        time.sleep(0.5)
    return False


def test_a_database_restart_is_said_and_the_page_comes_back_by_itself(
    browser_page: BrowserPage, cluster: Cluster
) -> None:
    page = browser_page.page
    page.goto(cluster.proxy + "/?q=Caritas")
    _map_shown(page)
    cluster.postgres.stop()
    try:
        # A visitor who arrives now is told, in words, and not shown a traceback.
        page.reload()
        wait_for_text(page, t("p_store_unavailable", "fr").split(":")[0][1:])
        assert page.get_by_text("Traceback").count() == 0
    finally:
        cluster.postgres.start()
    # Nothing to tap: the server reads the store every second and reruns the page once it answers.
    _map_shown(page)
    expect(page.get_by_text(t("p_store_unavailable", "fr").split(":")[0][1:])).to_have_count(0)


def test_slow_clients_are_cut_off_and_do_not_starve_the_others(cluster: Cluster) -> None:
    host, _, port = cluster.proxy.removeprefix("http://").partition(":")
    slow = []
    for _ in range(50):  # slowloris: requests whose headers never end
        connection = socket.create_connection((host, int(port)), timeout=30)
        connection.sendall(b"GET / HTTP/1.1\r\nHost: lien\r\nX-Slow: ")
        slow.append(connection)
    try:
        # Another visitor is served meanwhile, by either replica.
        assert _get(cluster.proxy + "/") in {cluster.cookie(0), cluster.cookie(1)}
        time.sleep(12)  # past deploy/Caddyfile's read_header timeout (10 s)
        for connection in slow:
            answer = connection.recv(1024)
            # Closed, or closed after a "408 Request Timeout": never left open.
            assert answer == b"" or answer.startswith(b"HTTP/1.1 408"), answer[:80]
    finally:
        for connection in slow:
            connection.close()


def test_a_proposal_sent_while_the_database_restarts_is_refused_not_lost(
    cluster: Cluster, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LIEN_DATABASE_URL", cluster.database)
    page = AppTest.from_file(str(ROOT / "pages" / "3_Proposer_Voorstellen_Suggest.py"))
    page.query_params["site"] = "apd-namur"
    page.run(timeout=60)
    assert not page.exception
    page.text_input(key="sg_phone").input("081 22 33 44")
    page.text_area(key="sg_reason").input("called them")
    engine = store.open(cluster.database)
    before = len(proposals.pending(engine))
    cluster.postgres.stop()
    try:
        [send] = [b for b in page.button if b.label == t("suggest_send", "fr")]
        page = send.click().run(timeout=60)
        assert not page.exception
        assert [e.value for e in page.error] == [t("suggest_not_sent", "fr")]
        assert page.text_input(key="sg_phone").value == "081 22 33 44"  # still in the form
    finally:
        cluster.postgres.start()
    assert len(proposals.pending(engine)) == before  # nothing half-written
    engine.dispose()


def test_an_upload_then_its_download_stay_with_the_visitor_s_replica(
    browser_page: BrowserPage, cluster: Cluster
) -> None:
    page, device = browser_page.page, browser_page.device
    page.goto(cluster.proxy + "/" + DATA_PAGE)
    wait_for_text(page, "Vos données")
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
        # Named after the device: the cleaned file says its name, so the desktop's run and the
        # phone's make different files (Streamlit names a file by its content: the same file made
        # on both replicas by the two runs was found on both).
        files=[{"name": f"réseau-{device}.csv", "mimeType": "text/csv", "buffer": everyday_csv()}]
    )
    wait_for_text(page, "Lignes gardées")
    with page.expect_download(timeout=60_000) as caught:
        page.get_by_role("button", name=t("download_cleaned_csv", "fr")).click()
    cleaned = Path(caught.value.path()).read_text(encoding="utf-8-sig")
    for row in ROWS:  # every row of the upload, back from the replica that holds it
        assert row.split(";")[0] in cleaned, row
    # The file lives in one process, the one the visitor's cookie names: asked of each replica
    # directly, only that one has it. The cookie is what makes uploads and downloads work.
    mine = next(c["value"] for c in page.context.cookies() if c["name"] == COOKIE)
    path = "/media/" + caught.value.url.rpartition("/media/")[2]
    found = {cluster.cookie(i): _status(url + path) for i, (_, url) in enumerate(cluster.replicas)}
    assert found[mine] == 200, found
    assert sorted(found.values()) == [200, 404], found
    assert browser_page.errors() == []


def _status(url: str) -> int:
    request = urllib.request.Request(url)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_a_visitor_open_during_a_deploy_gets_the_new_version_without_a_broken_page(
    browser_page: BrowserPage, cluster: Cluster
) -> None:
    page = browser_page.page
    page.goto(cluster.proxy + "/?near=Namur&radius_km=25")
    _map_shown(page)
    # A rolling deploy: each replica stopped as systemd stops it (SIGTERM) and started again with
    # the new release, one after the other, so that one always answers.
    for i in range(2):
        process, _ = cluster.replicas[i]
        harness.stop(process)
        cluster.restart(i)
        assert _until_both(cluster)
    # The page's WebSocket was closed (twice, perhaps); it reconnected by itself to a new process
    # and shows the same view, drawn by the new release: no error, no "connection lost" left.
    _map_shown(page)
    assert "near=Namur" in page.url
    expect(page.get_by_test_id("stConnectionStatus")).to_have_count(0, timeout=30_000)
    assert page.get_by_test_id("stException").count() == 0
    assert browser_page.errors() == []
