"""The server's watch of the store's version (lien.store.watch): each open page is asked to run
again only when the store's version is not the one it shows, a database that can't be read is
told after two failed reads (not one: a restart's first read fails even once it is back), pages
that closed are forgotten, and after a publish the pages are asked a batch at a time. Streamlit's
side (lien.ui.live, and lien.ui.downloads, which keeps a tapped download's file until it is
fetched) relies on runtime attributes that are not public API: their presence in the pinned
Streamlit is checked here; a real server is asked by tests/test_loadtest.py."""

from __future__ import annotations

import threading
import time

import pytest
from streamlit.runtime import Runtime
from streamlit.runtime.app_session import AppSession, AppSessionState
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.media_file_storage import MediaFileKind
from streamlit.runtime.memory_media_file_storage import (
    MemoryMediaFileStorage,
    _calculate_file_id,
)
from streamlit.runtime.session_manager import SessionManager

from lien.store.watch import BATCH, UNREACHABLE, Watch


class Store:
    """A version that a test publishes, or makes unreadable."""

    def __init__(self) -> None:
        self.version = 1
        self.down = False

    def read(self) -> int:
        if self.down:
            raise ConnectionError("the database is restarting")
        return self.version


class Pages:
    """The open pages, and each rerun asked."""

    def __init__(self, *open_pages: str) -> None:
        self.open = set(open_pages)
        self.asked: list[str] = []

    def rerun(self, session: str) -> bool:
        if session not in self.open:
            return False
        self.asked.append(session)
        return True


def _watch(*sessions: str) -> tuple[Store, Pages, Watch]:
    store, pages = Store(), Pages(*sessions)
    watch = Watch(store.read, pages.rerun)
    for session in sessions:
        watch.show(session, store.version)
    return store, pages, watch


def test_no_page_is_asked_while_nothing_is_published() -> None:
    _, pages, watch = _watch("a", "b")
    for _ in range(5):
        assert watch.look() == []
    assert pages.asked == []


def test_a_publish_asks_each_page_once_it_shows_the_new_version() -> None:
    store, pages, watch = _watch("a", "b")
    store.version = 2
    assert sorted(watch.look()) == ["a", "b"]
    watch.show("a", 2)  # a's run read the new version; b's hasn't started yet
    assert watch.look() == ["b"]
    watch.show("b", 2)
    assert watch.look() == []


def test_a_database_gone_is_told_after_two_failed_reads_and_its_return_too() -> None:
    store, pages, watch = _watch("a")
    store.down = True
    assert watch.look() == []  # one failure: perhaps the pool's stale connection
    assert watch.look() == ["a"]  # two: the page says the directory is unavailable
    watch.show("a", UNREACHABLE)
    assert watch.look() == []
    store.down = False
    assert watch.look() == ["a"]  # back: the page shows the map again


def test_a_single_failed_read_is_forgotten_when_the_next_one_answers() -> None:
    store, pages, watch = _watch("a")
    store.down = True
    watch.look()
    store.down = False
    watch.look()
    store.down = True
    assert watch.look() == []  # the count started again
    assert pages.asked == []


def test_a_closed_page_is_forgotten() -> None:
    store, pages, watch = _watch("a", "b")
    pages.open.discard("b")
    store.version = 2
    assert watch.look() == ["a"]
    assert watch.pages() == 1


def test_a_page_showing_its_own_upload_is_left_as_it_is() -> None:
    store, pages, watch = _watch("a", "b")
    watch.forget("b")
    store.version = 2
    assert watch.look() == ["a"]


def test_after_a_publish_pages_are_asked_a_batch_at_a_time() -> None:
    sessions = [f"s{i}" for i in range(BATCH * 2 + 5)]
    store, pages, watch = _watch(*sessions)
    store.version = 2
    asked = watch.look()
    assert len(asked) == BATCH
    for session in asked:
        watch.show(session, 2)
    assert len(watch.look()) == BATCH
    assert set(pages.asked) < set(sessions)


def test_the_thread_looks_by_itself_and_stops() -> None:
    store, pages, watch = _watch("a")
    asked = threading.Event()

    def rerun(session: str) -> bool:
        asked.set()
        return True

    watch._rerun = rerun
    watch.start(every=0.05)
    try:
        store.version = 2
        assert asked.wait(5)
    finally:
        watch.stop()
    assert not watch._thread or not watch._thread.is_alive()


def test_a_look_that_raises_does_not_end_the_watch(caplog: pytest.LogCaptureFixture) -> None:
    store, pages, watch = _watch("a")
    calls = []

    def rerun(session: str) -> bool:
        calls.append(session)
        if len(calls) == 1:
            raise RuntimeError("a session closing under the watch")
        return True

    watch._rerun = rerun
    watch.start(every=0.05)
    try:
        store.version = 2
        deadline = time.monotonic() + 5
        while len(calls) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        watch.stop()
    assert len(calls) >= 2
    assert "failed one look" in caplog.text


def test_streamlit_s_runtime_has_what_lien_ui_live_uses() -> None:
    # Not public API: a Streamlit upgrade that renames one fails here, not on a visitor's page.
    assert callable(Runtime.exists)
    assert callable(Runtime.instance)
    assert hasattr(SessionManager, "get_active_session_info")
    assert callable(AppSession.request_rerun)
    assert AppSessionState.APP_NOT_RUNNING
    source = AppSession.__init__.__code__.co_names
    for attribute in ("_scriptrunner", "_state", "_client_state", "_event_loop"):
        assert attribute in source, attribute
    runtime_source = Runtime.__init__.__code__.co_names
    assert "_session_mgr" in runtime_source


def test_streamlit_s_media_files_have_what_lien_ui_downloads_uses() -> None:
    # lien.ui.downloads references a built file by the id Streamlit's storage gives it.
    data, mime, name = b"%PDF-1.7 a handout", "application/pdf", "lien.pdf"
    storage = MemoryMediaFileStorage("/media")
    assert storage.load_and_get_id(data, mime, MediaFileKind.DOWNLOADABLE, name) == (
        _calculate_file_id(data, mime, name)
    )
    manager = MediaFileManager(storage)
    assert isinstance(manager._files_by_session_and_coord, dict)
    with manager._lock:
        pass
