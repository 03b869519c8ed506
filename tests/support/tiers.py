"""The suite's two tiers: a test that starts chromium or a Lien server is a `browser` test, run
by `make test` only; every other test is in `make check`'s fast tier (docs/testing.md).

tests/conftest.py marks tests/browser/ and records, at collection, every test that starts a
browser or a server without the marker; tests/test_tiers.py fails on any.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from lien.config import ROOT

MARKER = "browser"
TESTS = ROOT / "tests"
BROWSER_DIR = TESTS / "browser"
# What starts chromium or a server (lien_dev/harness.py, Playwright): a fixture or a test
# whose code calls one of these is a browser one, whatever its name or its file.
# A call, not a definition: a test may define a fake `caddy` of its own.
_STARTS = re.compile(
    r"(?<!def )\b(?:start_app|chromium_path|caddy|require_caddy|sync_playwright)\("
)


@dataclass
class Collected:
    """What one session's collection saw, before `-m` and `-k` deselected anything."""

    files: set[Path] = field(default_factory=set)
    browser: list[str] = field(default_factory=list)
    """Node ids of the tests that start a browser or a server."""
    unmarked: list[str] = field(default_factory=list)
    """Those of them without the marker: each would slip into the fast tier."""

    def whole_suite(self) -> bool:
        """Whether the session collected every test file of tests/ (not one file alone). A file
        skipped whole (the seeds' checks without ../shared) was collected too: it has no test."""
        return self.files | SKIPPED_FILES >= set(TESTS.rglob("test_*.py"))


# Test files a collection skipped whole (pytest.skip at module level), filled by tests/conftest.py.
SKIPPED_FILES: set[Path] = set()
# Set in the environment of the pytest the check starts when run alone: that one judges what it
# collected and starts no other, whatever happens, so the check can never start pytests in a chain.
CHILD = "LIEN_TIERS_CHECK_CHILD"


COLLECTED = pytest.StashKey[Collected]()


def _calls_a_starter(function: Callable[..., Any], seen: dict[Any, bool]) -> bool:
    code = getattr(function, "__code__", function)
    if code not in seen:
        try:
            seen[code] = bool(_STARTS.search(inspect.getsource(function)))
        except (OSError, TypeError):
            seen[code] = False
    return seen[code]


def starts_a_browser(item: pytest.Item, seen: dict[Any, bool]) -> bool:
    """Whether `item`, or a fixture it uses directly or through another, starts chromium or a
    server. `seen` caches the answer per function across the items."""
    function = getattr(item, "function", None)
    if function is not None and _calls_a_starter(function, seen):
        return True
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return False
    return any(
        _calls_a_starter(definition.func, seen)
        for definitions in info.name2fixturedefs.values()
        for definition in definitions
    )


def mark_and_record(items: Iterable[pytest.Item]) -> Collected:
    """Mark every test of tests/browser/, and record the browser tests and the unmarked ones."""
    collected = Collected()
    seen: dict[Any, bool] = {}
    for item in items:
        collected.files.add(item.path)
        if BROWSER_DIR in item.path.parents:
            item.add_marker(MARKER)
        if starts_a_browser(item, seen):
            collected.browser.append(item.nodeid)
            if item.get_closest_marker(MARKER) is None:
                collected.unmarked.append(item.nodeid)
    return collected
