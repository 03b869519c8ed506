"""One watch per server and store: a thread reads the store's version every POLL_S seconds and asks
each open page that shows another version to run again (a publish, or the database gone or back).

Issue 28 first had every open page ask the store every 3 s (a Streamlit fragment rerun). Under
load that cost 300 pages a hundred runs a second, and a fragment's rerun dropped a slow download
being prepared and, about once in five, a service chosen with Enter (issue 31). Now the server
asks once a second whatever the number of pages, and a page runs again only when its version is
no longer the store's. How a page is made to run again is the caller's (`rerun`): Streamlit's
runtime in lien.ui.live, a list in the tests."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger("lien")

# A reviewer's publish reaches every open page in under 5 s (issue 28): a second of waiting at
# most, then the page's run. One small query a second per server, whatever its visitors.
POLL_S = 1.0
# The version a page "shows" while the store can't be read (a database restarting): the watch
# runs the page again as soon as the store answers with any version.
UNREACHABLE = -1
# A database restart drops the pool's connections: the first read after it fails even when the
# database is back. Two failed reads in a row (about 2 s) before pages are told it's unreachable.
FAILS_BEFORE_UNREACHABLE = 2
# Pages asked to run again per look: after a publish, 300 open pages don't all run at the same
# moment and starve a visitor's own click; the others are asked at the next looks.
BATCH = 40


class Watch:
    """The pages (by session id) and the version each one shows; `look` asks those behind.

    `read` gives the store's current version (raising when it can't be read); `rerun(session)`
    asks a page to run again and says whether that page is still open (False: forgotten)."""

    def __init__(self, read: Callable[[], int], rerun: Callable[[str], bool]) -> None:
        self._read = read
        self._rerun = rerun
        self._shown: dict[str, int] = {}
        self._lock = threading.Lock()
        self._fails = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def show(self, session: str, version: int) -> None:
        """`session`'s page now shows `version` (UNREACHABLE: the notice that it can't)."""
        with self._lock:
            self._shown[session] = version

    def forget(self, session: str) -> None:
        """`session` shows no version of the store any more (its own upload, for instance)."""
        with self._lock:
            self._shown.pop(session, None)

    def pages(self) -> int:
        """How many pages the watch keeps current."""
        with self._lock:
            return len(self._shown)

    def current(self) -> int | None:
        """The store's version; UNREACHABLE after FAILS_BEFORE_UNREACHABLE failed reads in a row;
        None after a single one (not known yet: no page is asked)."""
        try:
            version = self._read()
        except Exception:  # noqa: BLE001 - any failure of the database is "can't be read"
            self._fails += 1
            if self._fails < FAILS_BEFORE_UNREACHABLE:
                return None
            if self._fails == FAILS_BEFORE_UNREACHABLE:
                log.warning("the store can't be read: open pages are told", exc_info=True)
            return UNREACHABLE
        self._fails = 0
        return version

    def look(self) -> list[str]:
        """One look: the sessions asked to run again, at most BATCH (the others next time)."""
        now = self.current()
        if now is None:
            return []
        with self._lock:
            behind = [s for s, v in self._shown.items() if v != now][:BATCH]
        asked = []
        for session in behind:
            if self._rerun(session):
                asked.append(session)
            else:
                self.forget(session)
        return asked

    def start(self, every: float = POLL_S) -> None:
        """Look every `every` seconds in a daemon thread, until `stop`."""
        self._thread = threading.Thread(
            target=self._loop, args=(every,), name="lien-store-watch", daemon=True
        )
        self._thread.start()

    def _loop(self, every: float) -> None:
        while not self._stop.wait(every):
            try:
                self.look()
            except Exception:  # noqa: BLE001 - the watch must outlive any one look
                log.exception("the store's watch failed one look")

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
