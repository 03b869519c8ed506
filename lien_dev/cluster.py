"""`make cluster N=3`: Lien as an event deploys it, on this machine: N Streamlit replicas on one
PostgreSQL, behind Caddy (deploy/Caddyfile: a cookie keeps each visitor on one replica, health
checks take a stopped one out). A throwaway PostgreSQL cluster of Debian's binaries unless
LIEN_DATABASE_URL names one; Caddy on LIEN_SITE (default :8080). Ctrl-C stops everything.

    .venv/bin/python -m lien_dev.cluster 3

A real deployment runs the same processes as systemd units (deploy/lien@.service; see
docs/deployment.md).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from lien import store
from lien_dev import harness, postgres

Replica = tuple[subprocess.Popen[bytes], str]  # a server's process and base URL
MAX_REPLICAS = 8  # this machine has 2 cores; more only costs memory


@contextlib.contextmanager
def database() -> Iterator[tuple[str, postgres.Cluster | None]]:
    """LIEN_DATABASE_URL (and None), or a new database of a throwaway cluster (and the cluster,
    which a fault test stops and starts), migrated and filled."""
    given = os.environ.get("LIEN_DATABASE_URL")
    if given:
        store.open(given).dispose()
        yield given, None
        return
    binaries = postgres.binaries()
    if binaries is None:
        raise harness.ServerError("PostgreSQL's binaries are missing: apt-get install postgresql")
    with postgres.cluster(binaries) as cluster:
        url = cluster.new_database()
        # Filled once here: replicas started together would each find the store empty.
        store.open(url).dispose()
        yield url, cluster


@contextlib.contextmanager
def replicas(count: int, url: str, logs: Path) -> Iterator[list[Replica]]:
    """`count` servers of the app on the store at `url`: (process, base URL) each."""
    # Caddy on this machine is the proxy whose X-Forwarded-For is believed: each visitor's own
    # address then counts against the proposals' limit, not the proxy's for all.
    env = {"LIEN_TRUSTED_PROXY": "127.0.0.1", **os.environ, "LIEN_DATABASE_URL": url}
    started: list[Replica] = []
    try:
        for i in range(count):
            started.append(harness.start_app(logs / f"replica-{i + 1}.log", env=env))
        yield started
    finally:
        for process, _ in started:
            harness.stop(process)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lien_dev.cluster", description=__doc__)
    parser.add_argument("replicas", type=int, nargs="?", default=2)
    args = parser.parse_args(argv)
    if not 1 <= args.replicas <= MAX_REPLICAS:
        print(f"replicas: 1 to {MAX_REPLICAS}, not {args.replicas}", file=sys.stderr)
        return 2
    site = os.environ.get("LIEN_SITE", ":8080")
    port = int(site.rpartition(":")[2] or 8080)
    logs = Path(tempfile.mkdtemp(prefix="lien-cluster-"))
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    try:
        with contextlib.ExitStack() as stack:
            url, _ = stack.enter_context(database())
            running = stack.enter_context(replicas(args.replicas, url, logs))
            upstreams = [u for _, u in running]
            proxy = stack.enter_context(harness.caddy(upstreams, logs / "caddy.log", port=port))
            print(f"Lien: {proxy} ({args.replicas} replicas, logs in {logs})", flush=True)
            while not stopping and all(p.poll() is None for p, _ in running):
                time.sleep(1.0)
    except KeyboardInterrupt:
        pass
    except harness.ServerError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
