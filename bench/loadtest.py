"""Many visitors at the protocol level (`make loadtest`): simulated visitors speak Streamlit's
WebSocket protocol (lien_dev.stclient) through Caddy to 1 or 2 replicas on one PostgreSQL, without
rendering anything.

    .venv/bin/python -m bench loadtest [--visitors 100 300] [--replicas 1 2] [--think 10]

Each visitor opens the map page, chooses a service, searches a place, taps the handout, then moves
to the coverage page, waiting `think` seconds (±50 %) between steps; visitors arrive over the first
`think` seconds. Per step: p50/p95/p99 latency and errors; per run: the replicas' CPU and their
memory per session (resident memory with the sessions open, less before, over the sessions).
Every wait is bounded (lien_dev.stclient.STEP_TIMEOUT_S), every address is loopback. `make test`
runs a handful of visitors against one replica (tests/test_loadtest.py); the big runs are this
command's, never CI's.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import time

from bench.common import Row, table
from lien_dev.crowd import MAX_VISITORS, STEPS, crowd, served
from lien_dev.stclient import Visitor


def _group(pid: int) -> list[int]:
    """The processes of `pid`'s process group (a replica and its download workers)."""
    group = os.getpgid(pid)
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError):
                if os.getpgid(int(entry)) == group:
                    found.append(int(entry))
    return found


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU seconds of the processes' groups so far."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        for member in _group(pid):
            with contextlib.suppress(OSError), open(f"/proc/{member}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
                total += (int(fields[11]) + int(fields[12])) / tick
    return total


def resident_mib(pids: list[int]) -> float:
    """The replicas' own resident memory (not their short-lived workers'), in MiB."""
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError), open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total / 1024


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def _measure(proxy: str, pids: list[int], visitors: int, think: float) -> Row:
    # A first visitor on each replica fills the servers' caches (the directory, the coverage
    # report): not what a visitor costs.
    for _ in range(2 * len(pids)):
        warm = Visitor(proxy)
        await warm.open("lang=fr")
        await warm.go("Couverture_Dekking_Coverage")
        await warm.close()
    rss0, cpu0, start = resident_mib(pids), cpu_seconds(pids), time.perf_counter()
    results, still_open = await crowd(proxy, visitors, think)
    wall, cpu = time.perf_counter() - start, cpu_seconds(pids) - cpu0
    per_session = (resident_mib(pids) - rss0) / max(len(still_open), 1)
    for visitor in still_open:
        await visitor.close()
    cells = {}
    for step in STEPS:
        values = results.seconds[step]
        p50, p95, p99 = (_percentile(values, q) for q in (0.5, 0.95, 0.99))
        cells[step] = f"{p50:.2f}/{p95:.2f}/{p99:.2f} ({results.errors[step]} err)"
    cells["CPU"] = f"{cpu:.0f} s of {wall:.0f} s"
    cells["MiB/session"] = f"{per_session:.2f}"
    for (step, cause), count in sorted(results.causes.items()):
        print(f"  errors: {count} × {step}: {cause}")
    for example in results.examples:
        print("  error:", example)
    errors = sum(results.errors.values())
    filter_p95 = _percentile(results.seconds["service"], 0.95)
    return Row(
        f"{visitors} visitors, {len(pids)} replica(s)",
        cells,
        "filter p95 < 1 s, 0 errors",
        errors == 0 and filter_p95 < 1.0,
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--visitors", type=int, nargs="+", default=[100, 300])
    parser.add_argument("--replicas", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--think", type=float, default=10.0)


def main(args: argparse.Namespace) -> int:
    rows = []
    for count in args.replicas:
        with served(count) as cluster:
            proxy, pids = cluster.proxy, cluster.pids
            for visitors in args.visitors:
                if not 1 <= visitors <= MAX_VISITORS:
                    print(f"visitors: 1 to {MAX_VISITORS}, not {visitors}")
                    return 2
                rows.append(asyncio.run(_measure(proxy, pids, visitors, args.think)))
                print(rows[-1].figure, rows[-1].cells, flush=True)
    columns = [*STEPS, "CPU", "MiB/session"]
    print("p50/p95/p99 seconds per step")
    print(table(columns, rows))
    return 0 if all(r.ok for r in rows) else 1
