"""Giving memory back to the system once sessions are gone.

A checked upload can hold tens of megabytes in the server until its session ends. When it does,
Python frees the objects, but glibc keeps the freed pages for reuse and the server's RSS stays
up. `release()` asks glibc to return them (malloc_trim), at most once every RELEASE_EVERY_S: a
page run calls it, which costs a few milliseconds. Elsewhere than glibc it does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import threading
import time
from functools import lru_cache
from typing import Any

RELEASE_EVERY_S = 10.0
_lock = threading.Lock()
_last = [0.0]


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
