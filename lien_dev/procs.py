"""The app server's processes as /proc shows them: memory, CPU time, process trees, and a
sampler of peak memory while something runs."""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path

SAMPLE_S = 0.02


def _stat_fields(pid: int) -> list[str]:
    # The command name (field 2) may hold spaces and parentheses: split after its last ")".
    raw = Path(f"/proc/{pid}/stat").read_text()
    return raw[raw.rindex(")") + 2 :].split()


def _pids() -> list[int]:
    return [int(p) for p in os.listdir("/proc") if p.isdigit()]


def group_pids(pgid: int) -> list[int]:
    """The processes of a process group (the server was started in a session of its own)."""
    out = []
    for pid in _pids():
        with contextlib.suppress(OSError, ValueError, IndexError):
            if int(_stat_fields(pid)[2]) == pgid:
                out.append(pid)
    return out


def descendants(root: int) -> list[int]:
    """The processes below `root` (chromium runs under Playwright's driver, under us)."""
    children: dict[int, list[int]] = {}
    for pid in _pids():
        with contextlib.suppress(OSError, ValueError, IndexError):
            children.setdefault(int(_stat_fields(pid)[1]), []).append(pid)
    out, todo = [], [root]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def status_kib(pid: int, name: str) -> int:
    """One `kB` line of /proc/<pid>/status (VmRSS, VmHWM), 0 if the process is gone."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(name + ":"):
                return int(line.split()[1])
    return 0


def pss_mib(pids: list[int]) -> float:
    """Summed proportional set size (shared pages split between their users), in MiB."""
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError, ValueError, IndexError):
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
                    break
    return total / 1024


def rss_mib(pids: list[int], name: str = "VmRSS") -> float:
    """Summed VmRSS (or `name`: VmHWM) of the processes, in MiB (shared pages count once per
    process)."""
    return sum(status_kib(pid, name) for pid in pids) / 1024


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time the processes used so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = _stat_fields(pid)
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def _is_forkserver(pid: int, parent: int) -> bool:
    """The forkserver is the server's child running multiprocessing.forkserver's main."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        return (
            int(_stat_fields(pid)[1]) == parent
            and b"forkserver" in Path(f"/proc/{pid}/cmdline").read_bytes()
        )
    return False


class Sampler(threading.Thread):
    """Peak VmRSS (MiB) of the server and of its workers (the children of its forkserver), from
    /proc every SAMPLE_S. A worker's VmHWM is read too, so its peak counts if it is seen alive
    once: hence 20 ms, since a worker that refuses a file at once lives some tens of ms."""

    def __init__(self, server_pid: int) -> None:
        super().__init__(daemon=True)
        self.server_pid, self.forkserver = server_pid, 0
        self.lock, self.done = threading.Lock(), threading.Event()
        self.server_kib = self.worker_kib = 0

    def take(self) -> tuple[float, float]:
        """(server, worker) peaks since the last take; starts a new window."""
        with self.lock:
            peaks = self.server_kib / 1024, self.worker_kib / 1024
            self.server_kib = self.worker_kib = 0
        return peaks

    def _workers(self) -> list[int]:
        if not Path(f"/proc/{self.forkserver}").exists():
            # The server's children may hang under any of its threads: scan /proc, rarely.
            self.forkserver = next(
                (p for p in descendants(self.server_pid) if _is_forkserver(p, self.server_pid)), 0
            )
            if not self.forkserver:
                return []
        # The forkserver is single-threaded: its one task's children file lists every worker.
        with contextlib.suppress(OSError, ValueError):
            path = Path(f"/proc/{self.forkserver}/task/{self.forkserver}/children")
            return [int(p) for p in path.read_text().split()]
        return descendants(self.forkserver)

    def run(self) -> None:
        while not self.done.wait(SAMPLE_S):
            server = status_kib(self.server_pid, "VmRSS")
            worker = max(
                (max(status_kib(p, "VmRSS"), status_kib(p, "VmHWM")) for p in self._workers()),
                default=0,
            )
            with self.lock:
                self.server_kib = max(self.server_kib, server)
                self.worker_kib = max(self.worker_kib, worker)
