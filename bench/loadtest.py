"""Many visitors at the protocol level (`make loadtest`): simulated visitors speak Streamlit's
WebSocket protocol (lien_dev.stclient) through Caddy to 1 or 2 replicas on one PostgreSQL, without
rendering anything.

    .venv/bin/python -m bench loadtest [--visitors 100 300] [--replicas 1 2] [--think 10]
        [--kill-after 30 | --restart-db-after 30]

Each visitor opens the map page, chooses a service, searches a place, taps the handout, then moves
to the coverage page, waiting `think` seconds (±50 %) between steps; visitors arrive over the first
`think` seconds. Per step: p50/p95/p99 latency and errors; per run: the replicas' CPU and their
memory per session (resident memory with the sessions open, less before, over the sessions).
A fault (kill -9 of a replica, or PostgreSQL stopped 5 s) also reports how long its visitors
waited to be served again and whether every proposal a page acknowledged is in the store.
Every wait is bounded (lien_dev.stclient.STEP_TIMEOUT_S), every address is loopback. `make test`
runs a handful of visitors against one replica (tests/test_loadtest.py); the big runs are this
command's, never CI's.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import resource
import signal
import time
from dataclasses import dataclass

from bench.common import Row, table
from lien import store
from lien.store import proposals
from lien_dev.crowd import MAX_VISITORS, STEPS, Results, Served, crowd, served
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
                # Its own time, and its children's once ended (the PDF workers).
                total += sum(int(fields[i]) for i in (11, 12, 13, 14)) / tick
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


def _client_cpu() -> float:
    """This process's CPU seconds (the simulated visitors')."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _lost(url: str, acknowledged: list[str]) -> list[str]:
    """The proposals a page said it received that the store doesn't have."""
    engine = store.open(url)
    try:
        stored = {p.reference for p in proposals.pending(engine)}
    finally:
        engine.dispose()
    return [reference for reference in acknowledged if reference not in stored]


@dataclass(frozen=True)
class Fault:
    """What goes wrong during a run: "kill" (kill -9 of the first replica and its workers) or
    "database" (PostgreSQL stopped for `down` seconds, then started), `after` seconds in."""

    kind: str
    after: float
    down: float = 5.0


async def _inflict(cluster: Served, fault: Fault) -> None:
    await asyncio.sleep(fault.after)
    if fault.kind == "kill":
        process, _ = cluster.running[0]
        os.killpg(process.pid, signal.SIGKILL)
        print(f"  killed replica 1 (pid {process.pid}) at {fault.after:.0f} s", flush=True)
    elif cluster.postgres is not None:
        await asyncio.to_thread(cluster.postgres.stop)
        print(f"  PostgreSQL stopped at {fault.after:.0f} s for {fault.down:.0f} s", flush=True)
        await asyncio.sleep(fault.down)
        await asyncio.to_thread(cluster.postgres.start)


async def _warm(proxy: str, replicas: int) -> None:
    """A first visitor on each replica fills the servers' caches (the directory, the coverage
    report): not what a visitor costs."""
    for _ in range(2 * replicas):
        warm = Visitor(proxy)
        await warm.open("lang=fr")
        await warm.go("Couverture_Dekking_Coverage")
        await warm.close()


def _spread(values: list[float]) -> str:
    p50, p95 = _percentile(values, 0.5), _percentile(values, 0.95)
    return f"{len(values)} visitors, p50/p95/max {p50:.1f}/{p95:.1f}/{max(values, default=0):.1f} s"


async def _measure(cluster: Served, visitors: int, think: float, fault: Fault | None) -> Row:
    proxy, pids = cluster.proxy, cluster.pids
    await _warm(proxy, len(pids))
    rss0, cpu0, start = resident_mib(pids), cpu_seconds(pids), time.perf_counter()
    client0 = _client_cpu()
    inflicted = asyncio.create_task(_inflict(cluster, fault)) if fault else None
    # Under a fault, one visitor in ten also sends a proposal: the writes that must not be lost.
    results, still_open = await crowd(proxy, visitors, think, 10 if fault else 0)
    if inflicted is not None:
        await inflicted
    if fault is not None and fault.kind == "kill":
        pids = pids[1:]
    wall, cpu = time.perf_counter() - start, cpu_seconds(pids) - cpu0
    client = _client_cpu() - client0
    per_session = (resident_mib(pids) - rss0) / max(len(still_open), 1)
    for visitor in still_open:
        await visitor.close()
    cells = {}
    for step in STEPS:
        values = results.seconds[step]
        p50, p95, p99 = (_percentile(values, q) for q in (0.5, 0.95, 0.99))
        cells[step] = f"{p50:.2f}/{p95:.2f}/{p99:.2f} ({results.errors[step]} err)"
    cells["CPU"] = f"{cpu:.0f} s of {wall:.0f} s"
    # The visitors run on the same 2 cores, in one Python thread: past ~80 % of a core they,
    # not the servers, make the latencies.
    cells["client CPU"] = f"{client:.0f} s"
    # A killed replica's memory leaves the sum: no figure per session then.
    killed = fault is not None and fault.kind == "kill"
    cells["MiB/session"] = "n/a" if killed else f"{per_session:.2f}"
    cells["MiB/replica"] = f"{rss0 / len(cluster.pids):.0f}"  # warmed, before the crowd
    for (step, cause), count in sorted(results.causes.items()):
        print(f"  errors: {count} × {step}: {cause}")
    for example in results.examples:
        print("  error:", example)
    errors = sum(results.errors.values())
    if fault is not None:
        return _fault_row(cluster, fault, results, cells, visitors)
    filter_p95 = _percentile(results.seconds["service"], 0.95)
    return Row(
        f"{visitors} visitors, {len(pids)} replica(s)",
        cells,
        "filter p95 < 1 s, 0 errors",
        errors == 0 and filter_p95 < 1.0,
    )


def _fault_row(
    cluster: Served, fault: Fault, results: Results, cells: dict[str, str], visitors: int
) -> Row:
    lost = _lost(cluster.database, results.acknowledged)
    cells["writes"] = (
        f"{len(results.acknowledged)} acknowledged, {results.refused} refused and said, "
        f"{len(lost)} lost"
    )
    cells["served again"] = _spread(results.recovered)
    if results.parts:
        html, socket, run = (max(p[i] for p in results.parts) for i in range(3))
        print(
            f"  reconnections' longest parts: HTML {html:.1f} s, WebSocket {socket:.1f} s, "
            f"first run {run:.1f} s",
            flush=True,
        )
    cells["tapped again"] = str(results.tapped_again)
    cells["told, then back"] = _spread(results.waited)
    errors = sum(results.errors.values())
    if fault.kind == "kill":
        return Row(
            f"{visitors} visitors, {len(cluster.pids)} replicas, one killed",
            cells,
            "every visitor served again within 10 s, 0 errors, 0 lost writes",
            errors == 0 and not lost and max(results.recovered, default=0.0) < 10.0,
        )
    return Row(
        f"{visitors} visitors, {len(cluster.pids)} replica(s), PostgreSQL restarted",
        cells,
        "pages told and back by themselves, 0 errors, 0 lost writes",
        errors == 0 and not lost,
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--visitors", type=int, nargs="+", default=[100, 300])
    parser.add_argument("--replicas", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--think", type=float, default=10.0)
    parser.add_argument(
        "--kill-after",
        type=float,
        default=0.0,
        help="kill -9 one replica this many seconds into each run (2 replicas or more)",
    )
    parser.add_argument(
        "--restart-db-after",
        type=float,
        default=0.0,
        help="stop PostgreSQL this many seconds into each run, and start it 5 s later",
    )


def main(args: argparse.Namespace) -> int:
    rows = []
    for count in args.replicas:
        fault = None
        if args.kill_after:
            fault = Fault("kill", args.kill_after)
            if count < 2:
                continue  # a kill needs another replica to go to
        elif args.restart_db_after:
            fault = Fault("database", args.restart_db_after)
        if not all(1 <= visitors <= MAX_VISITORS for visitors in args.visitors):
            print(f"visitors: 1 to {MAX_VISITORS}, not {args.visitors}")
            return 2
        # A fault leaves its marks: each of its runs gets a cluster of its own.
        groups = [[v] for v in args.visitors] if fault else [args.visitors]
        for group in groups:
            with served(count) as cluster:
                for visitors in group:
                    measured = _measure(cluster, visitors, args.think, fault)
                    rows.append(asyncio.run(measured))
                    print(rows[-1].figure, rows[-1].cells, flush=True)
    columns = [*STEPS, "CPU", "client CPU", "MiB/session", "MiB/replica"]
    if args.kill_after or args.restart_db_after:
        columns += ["writes", "served again", "told, then back", "tapped again"]
    print("p50/p95/p99 seconds per step")
    print(table(columns, rows))
    return 0 if all(r.ok for r in rows) else 1
