"""The one way Lien writes a file: into a temporary file beside it, then renamed over it.

A reader (another session, a web server, the next start) never sees half a file, and a kill or a
full disk leaves the old file as it was, with no temporary file behind.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any


@contextmanager
def atomic_writer(
    path: Path | str,
    mode: str = "w",
    *,
    encoding: str | None = "utf-8",
    newline: str | None = None,
    fsync: bool = False,
    permissions: int | None = None,
) -> Iterator[IO[Any]]:
    """A file handle whose content replaces `path` only when the block ends without error.

    `fsync` forces the bytes to disk before the rename (for a cache that must survive a crash);
    `permissions` sets the mode (mkstemp makes files private; a web server may need to read them).
    """
    target = Path(path).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f"{target.name}.", suffix=".tmp")
    binary = "b" in mode
    try:
        with os.fdopen(
            fd, mode, encoding=None if binary else encoding, newline=None if binary else newline
        ) as handle:
            yield handle
            handle.flush()
            if fsync:
                os.fsync(handle.fileno())
        if permissions is not None:
            os.chmod(tmp, permissions)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomic(path: Path | str, data: str | bytes, *, permissions: int | None = None) -> None:
    """Write `data` (text as UTF-8, or bytes) to `path` atomically."""
    with atomic_writer(
        path, "wb" if isinstance(data, bytes) else "w", permissions=permissions
    ) as handle:
        handle.write(data)
