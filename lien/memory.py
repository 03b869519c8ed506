"""Giving memory back to the system once sessions are gone, and keeping Python's full garbage
collections off a visitor's path.

A checked upload can hold tens of megabytes in the server until its session ends. When it does,
Python frees the objects, but glibc keeps the freed pages for reuse and the server's RSS stays
up. `release()` asks glibc to return them (malloc_trim), at most once every RELEASE_EVERY_S: a
page run calls it, which costs a few milliseconds. Elsewhere than glibc it does nothing.

Python's cycle collector visits every container object of the process in a full collection:
Streamlit, pandas, folium and the app's caches, loaded once and kept for the server's life. Such
a collection came about once per first visit to the map page and held the server for tens of
milliseconds while that visitor's page was being built or sent (docs/performance.md).
`settle()`, called once the server's first page run is over, moves the objects alive then into
the collector's permanent generation (gc.freeze): full collections then take a small fraction of
that. What is frozen is never collected as a cycle (reference counting still frees it), which is
why it is done once, when what is alive is what the server keeps: its modules, its caches, and
the first session.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import threading
import time
from functools import lru_cache
from typing import Any

RELEASE_EVERY_S = 10.0
_lock = threading.Lock()
_last = [0.0]
_settled = [False]


@lru_cache(maxsize=1)
def _libc() -> Any:
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    return libc if libc is not None and hasattr(libc, "malloc_trim") else None


def release(now: float | None = None) -> bool:
    """Return freed heap memory to the system if RELEASE_EVERY_S has passed; whether it ran."""
    libc = _libc()
    if libc is None:
        return False
    moment = time.monotonic() if now is None else now
    with _lock:
        if moment - _last[0] < RELEASE_EVERY_S:
            return False
        _last[0] = moment
    libc.malloc_trim(0)
    return True


def settle() -> bool:
    """Once per process: collect, then freeze what is alive. Whether it ran."""
    with _lock:
        if _settled[0]:
            return False
        _settled[0] = True
    gc.collect()
    gc.freeze()
    return True
