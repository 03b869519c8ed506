"""Identical downloads made once (lien.outputs.reuse): visitors asking for the same file at the
same moment wait for one making of it, a file made is given again for some minutes, a short
"could not be made" file is never kept, a failed making lets the others make their own, and the
memory kept is bounded. Through lien.outputs.builds: the same view's handout, asked twice, is
made by one worker."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pandas as pd
import pytest

from lien.outputs import builds, reuse
from lien.outputs.builds import Build
from lien.outputs.reuse import Reuse, key_of


def test_visitors_asking_at_once_share_one_making() -> None:
    files = Reuse()
    started, release = threading.Event(), threading.Event()
    calls = []

    def make() -> tuple[bytes, bool]:
        calls.append(1)
        started.set()
        release.wait(10)
        return b"%PDF- the handout", True

    with ThreadPoolExecutor(8) as pool:
        first = pool.submit(files.get, "view", make)
        assert started.wait(10)
        others = [pool.submit(files.get, "view", make) for _ in range(7)]
        time.sleep(0.1)
        release.set()
        got = [first.result(10), *(o.result(10) for o in others)]
    assert calls == [1]
    assert set(got) == {b"%PDF- the handout"}
    assert files.get("view", lambda: (b"another", True)) == b"%PDF- the handout"  # kept


def test_a_file_a_limit_stopped_is_not_kept() -> None:
    files = Reuse()
    assert files.get("view", lambda: (b"could not be made", False)) == b"could not be made"
    assert files.get("view", lambda: (b"%PDF- made now", True)) == b"%PDF- made now"


def test_a_making_that_raises_lets_the_others_make_their_own() -> None:
    files = Reuse()
    started, release = threading.Event(), threading.Event()

    def fails() -> tuple[bytes, bool]:
        started.set()
        release.wait(10)
        raise RuntimeError("the worker pool closed")

    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(files.get, "view", fails)
        assert started.wait(10)
        second = pool.submit(files.get, "view", lambda: (b"%PDF- its own", True))
        time.sleep(0.1)
        release.set()
        with pytest.raises(RuntimeError):
            first.result(10)
        assert second.result(10) == b"%PDF- its own"


def test_the_memory_kept_is_bounded_and_the_oldest_go_first() -> None:
    files = Reuse(max_bytes=1_000, max_files=3)
    for i in range(5):
        files.get(f"v{i}", lambda i=i: (bytes([i]) * 200, True))
    # v0 and v1 went (three files at most); v4 is still there
    assert files.get("v4", lambda: (b"new", True)) == bytes([4]) * 200
    assert files.get("v0", lambda: (b"new", True)) == b"new"


def test_a_file_is_given_again_for_minutes_not_forever(monkeypatch: pytest.MonkeyPatch) -> None:
    files = Reuse()
    files.get("view", lambda: (b"old", True))
    now = time.monotonic()
    monkeypatch.setattr(reuse.time, "monotonic", lambda: now + reuse.KEEP_S + 1)
    assert files.get("view", lambda: (b"new", True)) == b"new"


def test_what_a_file_is_made_of_is_its_key() -> None:
    sites = pd.DataFrame({"site_id": ["a", "b"], "city": ["Namur", "Liège"]})
    assert key_of("handout", sites, "fr") == key_of("handout", sites.copy(), "fr")
    assert key_of("handout", sites, "fr") != key_of("handout", sites, "nl")
    assert key_of("handout", sites, "fr") != key_of("handout", sites.head(1), "fr")


def test_the_same_view_s_file_is_made_by_one_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(builds, "REUSE", Reuse())
    sites = pd.DataFrame({"site_id": ["seso"], "organisation": ["SESO"]})
    build = Build.of(_text_of, sites, "fr")
    first = builds.bounded(build, "csv", "fr")
    second = builds.bounded(Build.of(_text_of, sites.copy(), "fr"), "csv", "fr")
    assert first == second == b"SESO fr"
    assert builds.REUSE.made == 1
    assert builds.bounded(Build.of(_text_of, sites, "nl"), "csv", "nl") == b"SESO nl"
    assert builds.REUSE.made == 2


def _text_of(sites: pd.DataFrame, lang: str) -> str:
    return f"{sites['organisation'].iloc[0]} {lang}"
