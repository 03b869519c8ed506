"""The two tiers: no test that starts chromium or a Lien server slips into `make check`'s fast
tier (`-m "not browser"`) for want of the marker."""

from __future__ import annotations

import os
import subprocess
import sys
from types import SimpleNamespace

import pytest

from tests.support import tiers


def test_every_test_that_starts_a_browser_or_a_server_is_marked_browser(
    pytestconfig: pytest.Config, request: pytest.FixtureRequest
) -> None:
    collected = pytestconfig.stash[tiers.COLLECTED]
    if not collected.whole_suite() and not os.environ.get(tiers.CHILD):
        # Run alone (one file, one test): the check needs every test, so it collects the whole
        # suite in a pytest of its own, where this same test then sees it all.
        run = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tiers.TESTS)]
            + ["-k", request.node.name],
            capture_output=True,
            text=True,
            timeout=300,
            env={**os.environ, tiers.CHILD: "1"},
        )
        assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
        assert "1 passed" in run.stdout, run.stdout[-3000:]
        return
    assert collected.unmarked == [], "mark these @pytest.mark.browser (or move them)"
    # The check is not vacuous: the deployment recipe's tests and the browser pages' are found.
    assert any(n.startswith("tests/test_deploy.py::") for n in collected.browser)
    assert any(n.startswith("tests/browser/") for n in collected.browser)


def _item(function, *fixtures, path=tiers.TESTS / "test_x.py"):
    """A stand-in for a collected test: its function and its fixtures' functions."""
    definitions = {f.__name__: [SimpleNamespace(func=f)] for f in fixtures}
    return SimpleNamespace(
        function=function,
        _fixtureinfo=SimpleNamespace(name2fixturedefs=definitions),
        path=path,
    )


def _server_fixture(tmp_path):
    harness = SimpleNamespace()
    return harness.start_app(tmp_path / "app.log")


def _browser_fixture():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        return playwright


def _plain_fixture(tmp_path):
    return tmp_path


def _test_using_fixtures(fixture) -> None:
    assert fixture


def _test_starting_caddy_itself(tmp_path) -> None:
    harness = SimpleNamespace()
    with harness.caddy("http://127.0.0.1:1", tmp_path / "caddy.log"):
        pass


def _test_faking_caddy(monkeypatch) -> None:
    def caddy(url, log, config=None):
        return url

    monkeypatch.setattr("lien_dev.harness.caddy", caddy)


@pytest.mark.parametrize(
    ("item", "starts"),
    [
        (_item(_test_using_fixtures, _server_fixture), True),
        (_item(_test_using_fixtures, _plain_fixture, _browser_fixture), True),
        (_item(_test_starting_caddy_itself), True),
        (_item(_test_using_fixtures, _plain_fixture), False),
        # Defining a fake of a starter is not starting one.
        (_item(_test_faking_caddy), False),
    ],
    ids=["server-fixture", "browser-fixture", "caddy-in-the-test", "plain", "a-fake-caddy"],
)
def test_a_browser_test_is_known_by_what_it_or_its_fixtures_start(item, starts: bool) -> None:
    assert tiers.starts_a_browser(item, {}) is starts
