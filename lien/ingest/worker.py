"""Untrusted files are read in a process of their own, which a memory and a CPU-time limit stop.

A file of a few kilobytes can ask a parser for gigabytes or minutes (a workbook declaring a
billion cells, a pathological cell). Reading, mapping and checking it happen in a worker
process started for that one job from a `forkserver` (a clean, single-threaded process that
has already imported pandas and Lien, so a job starts in milliseconds, not seconds):

- `RLIMIT_AS` bounds its address space: an allocation past it fails (MemoryError) instead of
  swapping the server;
- `RLIMIT_CPU` bounds its CPU time: the kernel stops it (SIGXCPU) past the limit;
- a wall-clock deadline stops a worker that waits or hangs.

The server only receives the worker's answer (the checked rows, the report) or a `WorkerError`
saying which limit was hit; it never allocates per cell of the file itself. At most
`MAX_WORKERS` run at once, so a burst of uploads can't take every core.
"""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.spawn
import os
import resource
import signal
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, TypeVar

from lien.config import MiB

log = logging.getLogger("lien.worker")

T = TypeVar("T")
Progress = Callable[[int, int], None]

# The modules a worker needs, imported once by the forkserver rather than by every worker. The
# forkserver ignores a module it can't import: tests/ingest/test_worker.py imports each one.
# The writers of downloads are named, not imported: lien.outputs stands above this layer.
PRELOAD = [
    "lien.ingest.worker_tasks",
    *(f"lien.outputs.{name}" for name in ("builds", "export", "handout", "hsds", "offline")),
    "lien.outputs.summary",
]
MAX_WORKERS = 2
_PROGRESS_EVERY_S = 0.1


@dataclass(frozen=True)
class Limits:
    """What one worker may use before it is stopped."""

    memory_mb: int = 1024
    cpu_seconds: int = 30
    wall_seconds: float = 90.0
    # Added to the worker's nice value: a download being built yields the cores to the server
    # that answers every visitor (0: the same priority as the server).
    nice: int = 0


# An upload from a visitor.
UPLOAD_LIMITS = Limits()
# The operator's directory (data/organisations.csv or LIEN_DATA): larger, read once per server.
DIRECTORY_LIMITS = Limits(memory_mb=4096, cpu_seconds=300, wall_seconds=900.0)
# A download built on a visitor's click (lien.outputs.builds): the file of any view the caps of
# lien.outputs allow, at the lowest priority: the visitor who asked for a heavy file waits, the
# others don't. At 10, a crafted view's handout delayed another visitor's page far more than
# at 19 (docs/performance.md, "Ninth session"). The price: while other work keeps every core
# busy (replicas on as many cores, issue 31), a download waits for an idle moment, to its deadline.
DOWNLOAD_LIMITS = Limits(memory_mb=1536, cpu_seconds=60, wall_seconds=90.0, nice=19)


class WorkerError(RuntimeError):
    """The worker did not answer: `reason` is "memory", "cpu", "time" or "crash"."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"worker stopped ({reason}){': ' + detail if detail else ''}")
        self.reason = reason
        self.detail = detail

    def __reduce__(self) -> tuple[type, tuple[str, str]]:
        return (type(self), (self.reason, self.detail))


_slots = threading.BoundedSemaphore(MAX_WORKERS)
_start_lock = threading.Lock()
_context: Any = None


_NAME = "lien-worker"
_preparation = multiprocessing.spawn.get_preparation_data


def _without_main(name: str) -> dict[str, Any]:
    """multiprocessing's preparation of a child, minus re-running the parent's __main__ for ours.

    A child normally re-imports the parent's main module. Under Streamlit that module is the page
    script being run (Streamlit puts it in sys.modules["__main__"]): a worker would run the app.
    Lien's workers need nothing from it (their task is a module-level function of lien), so for
    them the main module is left out; every other process is prepared as usual.
    """
    data = _preparation(name)
    if name == _NAME:
        data.pop("init_main_from_path", None)
        data.pop("init_main_from_name", None)
    return data


multiprocessing.spawn.get_preparation_data = _without_main


def _get_context() -> Any:
    global _context
    if _context is None:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(PRELOAD)
        _context = ctx
    return _context


# Native libraries size their thread pools (and reserved address space) by the number of cores:
# one thread each is all a worker needs, and keeps its address space well under its limit.
_WORKER_ENV = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def _start(process: Any) -> None:
    """Start a worker; the forkserver (started on first use) gets the single-thread environment."""
    with _start_lock:
        saved = {k: os.environ.get(k) for k in _WORKER_ENV}
        os.environ.update(_WORKER_ENV)
        try:
            process.start()
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


def _apply(limits: Limits) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_mb * MiB, limits.memory_mb * MiB))
    # SIGXCPU at the soft limit, SIGKILL a second later if it was caught.
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if limits.nice:
        os.nice(limits.nice)


def _child(
    conn: Connection, task: Callable[..., Any], args: tuple[Any, ...], limits: Limits
) -> None:
    """The worker's body: apply the limits, run the task, send back ("ok", result) or why not."""
    _apply(limits)
    last = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.monotonic()
        if done >= total or now - last[0] >= _PROGRESS_EVERY_S:
            last[0] = now
            conn.send(("progress", done, total))

    try:
        try:
            result = task(*args, progress=progress)
            conn.send(("ok", result))
        except MemoryError:
            result = None
            conn.send(("limit", "memory"))
        except Exception as exc:  # an unexpected bug: its traceback goes to the server log
            traceback.print_exc()
            conn.send(("limit", "crash", f"{type(exc).__name__}: {str(exc)[:200]}"))
    except MemoryError:
        # Even the answer was too large to send.
        conn.send(("limit", "memory"))
    finally:
        conn.close()


def _reason(exitcode: int | None) -> str:
    if exitcode in (-signal.SIGXCPU, -signal.SIGKILL):
        return "cpu"
    # Native code that can't allocate aborts or faults instead of raising MemoryError.
    if exitcode in (-signal.SIGSEGV, -signal.SIGABRT, -signal.SIGBUS):
        return "memory"
    return "crash"


def run(
    task: Callable[..., T],
    *args: Any,
    limits: Limits = UPLOAD_LIMITS,
    progress: Progress | None = None,
) -> T:
    """`task(*args, progress=…)` in a bounded worker; its result, or WorkerError.

    `task` must be a module-level function (it is sent to the worker by name) taking a
    `progress(done, total)` keyword; `progress` here receives the worker's calls.
    """
    deadline = time.monotonic() + limits.wall_seconds
    if not _slots.acquire(timeout=limits.wall_seconds):
        raise WorkerError("time", "no worker became free")
    try:
        ctx = _get_context()
        reader, writer = ctx.Pipe(duplex=False)
        process = ctx.Process(
            target=_child, args=(writer, task, args, limits), daemon=True, name=_NAME
        )
        _start(process)
        writer.close()
        try:
            return _wait(process, reader, deadline, progress)
        finally:
            if process.is_alive():
                process.kill()
            process.join(5)
            reader.close()
    finally:
        _slots.release()


def _wait(process: Any, reader: Connection, deadline: float, progress: Progress | None) -> Any:
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            process.kill()
            raise WorkerError("time")
        if reader.poll(min(left, 0.2)):
            try:
                message = reader.recv()
            except (EOFError, OSError):
                break  # the worker died mid-answer
            if message[0] == "ok":
                return message[1]
            if message[0] == "progress":
                if progress is not None:
                    progress(message[1], message[2])
                continue
            raise WorkerError(message[1], message[2] if len(message) > 2 else "")
        if not process.is_alive() and not reader.poll(0):
            break
    process.join(5)
    reason = _reason(process.exitcode)
    log.warning(
        "worker %s stopped by the %s limit (exit code %s)", process.pid, reason, process.exitcode
    )
    raise WorkerError(reason, f"exit code {process.exitcode}")
