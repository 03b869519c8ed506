"""Identical downloads made once: the visitors of a stand scan the same QR code, open the same
view and tap the same handout, and 300 of them used to make 300 identical PDFs in the download
workers, at 0.7 s of CPU each (issue 31's load test: that CPU made every other visitor's filter
change wait). A file is known by what it is made of (its writer, its rows, its language, its
link); while one is being made, a second visitor asking for it waits for that one, and once made
it is kept a few minutes, within a bounded amount of memory. A file a limit stopped (the short
"could not be made" one) is handed to those waiting for it, never kept for later visitors."""

from __future__ import annotations

import hashlib
import pickle
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# A handout is 140-180 KB: some two hundred views' files, a server's memory barely noticing.
MAX_BYTES = 32 * 2**20
MAX_FILES = 256
KEEP_S = 600.0  # a directory's publish changes the rows, hence the key; this bounds the rest
WAIT_S = 120.0  # a visitor waits no longer for another's file than for its own (the worker's)


def key_of(*parts: Any) -> str:
    """What a file is made of, as a key: the same parts, the same file."""
    return hashlib.sha256(pickle.dumps(parts, protocol=5)).hexdigest()


@dataclass
class _Making:
    done: threading.Event = field(default_factory=threading.Event)
    data: bytes = b""
    ok: bool = False  # False: `make` raised; those waiting make their own


class Reuse:
    """Files by key: the ones kept, and the ones being made."""

    def __init__(self, max_bytes: int = MAX_BYTES, max_files: int = MAX_FILES) -> None:
        self._kept: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._making: dict[str, _Making] = {}
        self._lock = threading.Lock()
        self._bytes = 0
        self.max_bytes, self.max_files = max_bytes, max_files
        self.made = 0  # how many files `make` was called for (the tests count them)

    def get(self, key: str, make: Callable[[], tuple[bytes, bool]]) -> bytes:
        """The file `key`: kept, being made (waited for), or made now by `make`, which gives
        the bytes and whether they may be kept (False: the short file a limit gave)."""
        with self._lock:
            kept = self._kept.get(key)
            if kept is not None and time.monotonic() - kept[0] < KEEP_S:
                self._kept.move_to_end(key)
                return kept[1]
            making = self._making.get(key)
            mine = making is None
            if making is None:
                making = self._making[key] = _Making()
                self.made += 1
        if not mine:
            if making.done.wait(WAIT_S) and making.ok:
                return making.data
            return make()[0]  # the other visitor's file is late, or failed: make one's own
        try:
            data, keep = make()
            making.data, making.ok = data, True
            if keep:
                self._keep(key, data)
            return data
        finally:
            with self._lock:
                self._making.pop(key, None)
            making.done.set()

    def _keep(self, key: str, data: bytes) -> None:
        if len(data) > self.max_bytes // 4:
            return  # one file never takes most of the room
        with self._lock:
            old = self._kept.pop(key, None)
            if old is not None:
                self._bytes -= len(old[1])
            self._kept[key] = (time.monotonic(), data)
            self._bytes += len(data)
            while self._bytes > self.max_bytes or len(self._kept) > self.max_files:
                _, (_, dropped) = self._kept.popitem(last=False)
                self._bytes -= len(dropped)
