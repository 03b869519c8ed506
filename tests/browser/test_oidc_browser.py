"""Reviewers signing in through the operator's identity provider (issue 28, item 6's "Or"), in a
real browser against a real OpenID Connect provider: oidc-provider-mock on 127.0.0.1, the app
given an [auth] section of its own. A reviewer clicks "sign in with…", logs in at the provider
as their address, comes back signed in and sees the queue; someone the provider knows but the
store doesn't sees "not a reviewer" and no queue; signing out ends the store's session and the
provider's cookie."""

from __future__ import annotations

import re
import secrets
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page
from sqlalchemy import Engine

from lien import store
from lien.store import accounts, proposals, signin
from lien.store.limits import Client
from lien_dev import harness
from tests.browser.conftest import BrowserPage, open_sidebar, wait_for_text

REVIEW = "/Relecture_Beoordeling_Review"
ANA = "ana@example.org"
NEW_PHONE = "081 99 99 99"
LABEL = "Mock ID"


@pytest.fixture
def provider(tmp_path: Path) -> Iterator[str]:
    """oidc-provider-mock on a free port of 127.0.0.1, its own process; yields its base URL.
    Any client id is accepted (no registration), and its login page asks for a subject, whose
    e-mail claim is that subject: the test "logs in" as any address."""
    port = harness.free_port()
    url = f"http://127.0.0.1:{port}"
    log = (tmp_path / "provider.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1", "--port", str(port)],
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(url + "/.well-known/openid-configuration", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.fail((tmp_path / "provider.log").read_text(), pytrace=False)
                time.sleep(0.2)
        yield url
    finally:
        harness.stop(process)
        log.close()


@dataclass
class Server:
    url: str
    engine: Engine
    reference: str


@pytest.fixture
def server(tmp_path: Path, provider: str) -> Iterator[Server]:
    """The app with [auth] naming the provider (in a secrets file of its own, through Streamlit's
    STREAMLIT_SECRETS_FILES), a store holding the provider-only account ana@example.org and one
    pending proposal."""
    database = tmp_path / "lien.sqlite3"
    engine = store.open(f"sqlite:///{database}")
    accounts.add(engine, ANA, None)
    receipt = proposals.propose(
        engine,
        proposals.Submission("apd-namur", {"phone": NEW_PHONE}),
        Client("browser-test", "192.0.2.1"),
    )
    assert isinstance(receipt, proposals.Receipt)
    port = harness.free_port()
    secrets_file = tmp_path / "secrets.toml"
    secrets_file.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_urlsafe(32)}"\n'
        'client_id = "lien"\n'
        'client_secret = "not-a-secret-of-anyone"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n'
        f'label = "{LABEL}"\n',
        encoding="utf-8",
    )
    env = {
        **harness.offline_env(),
        "LIEN_DATABASE_PATH": str(database),
        "STREAMLIT_SECRETS_FILES": str(secrets_file),
    }
    process, url = harness.start_app(tmp_path / "server.log", port=port, env=env)
    try:
        yield Server(url, engine, receipt.reference)
    finally:
        harness.stop(process)
        engine.dispose()


def _log_in_at_provider(page: Page, server: Server, email: str) -> None:
    """From the Review page's sign-in: the provider's button, the provider's own login page
    (another server, on 127.0.0.1 too), then back to the app."""
    page.goto(server.url + REVIEW)
    wait_for_text(page, "Connexion des relecteurs")
    page.get_by_role("button", name=f"Se connecter avec {LABEL}", exact=True).click()
    page.wait_for_url("**/oauth2/authorize**", timeout=30_000)
    page.locator("input[name=sub]").fill(email)
    page.get_by_role("button", name="Authorize", exact=True).click()
    # Streamlit brings the person back to the app's home page, the map.
    # (The page then says its language in the address: "/?lang=fr".)
    page.wait_for_url(re.compile(re.escape(server.url) + r"/(\?lang=fr)?$"), timeout=30_000)
    wait_for_text(page, "organisations affichés")


def test_a_reviewer_signs_in_at_the_provider_and_sees_the_queue(
    browser_page: BrowserPage, server: Server
) -> None:
    page = browser_page.page
    _log_in_at_provider(page, server, ANA)
    page.goto(server.url + REVIEW)
    # Signed in without a password: the queue, with the pending proposal and its new number.
    wait_for_text(page, server.reference)
    wait_for_text(page, NEW_PHONE)
    assert page.get_by_label("Mot de passe", exact=True).count() == 0
    open_sidebar(page)
    wait_for_text(page, f"Connecté·e : {ANA}")
    # The page's session is a store session like a password's: one is open for ana.
    assert signin.sessions_of(server.engine, ANA) == 1

    # Signing out ends it in the store, and the provider's cookie goes too: back at the Review
    # page (past the provider's own "end session" page), the sign-in form, not the queue.
    page.get_by_role("button", name="Se déconnecter", exact=True).click()
    page.wait_for_url("**/end_session**", timeout=30_000)
    assert signin.sessions_of(server.engine, ANA) == 0
    page.goto(server.url + REVIEW)
    wait_for_text(page, "Connexion des relecteurs")
    page.wait_for_timeout(1_500)  # a session opened from a leftover cookie would show by now
    assert server.reference not in page.locator("body").inner_text()
    assert signin.sessions_of(server.engine, ANA) == 0
    assert browser_page.errors() == []


def test_someone_the_provider_knows_but_the_store_does_not_is_not_a_reviewer(
    browser_page: BrowserPage, server: Server
) -> None:
    page = browser_page.page
    _log_in_at_provider(page, server, "mallory@example.org")
    page.goto(server.url + REVIEW)
    wait_for_text(page, "Vous n'êtes pas relecteur·rice")
    page.wait_for_timeout(1_000)  # anything else the page would draw is drawn by now
    body = page.locator("body").inner_text()
    for hidden in (server.reference, NEW_PHONE, "Accepter"):
        assert hidden not in body
    # Nothing else: not even the password form.
    assert page.get_by_label("Mot de passe", exact=True).count() == 0
    assert "mallory@example.org" in body
    assert signin.sessions_of(server.engine, "mallory@example.org") == 0
    assert browser_page.errors() == []
