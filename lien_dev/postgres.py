"""A throwaway PostgreSQL cluster for the store's tests and benches: Debian's binaries (apt-get
install postgresql), a cluster made by initdb in a temporary folder, started by pg_ctl on a free
port of 127.0.0.1, removed at the end. Nothing of the machine's own PostgreSQL service is used.

initdb refuses to run as root: as root the cluster belongs to the `postgres` user the Debian
package makes, and its commands run through runuser.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine

from lien_dev.harness import free_port

USER = "lien"


def binaries() -> Path | None:
    """The folder of initdb and pg_ctl (Debian keeps them out of PATH), or None."""
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    versions = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4])
    )
    return Path(versions[-1]).parent if versions else None


@dataclass
class Cluster:
    """A running cluster: `url(name)` is a database of it for SQLAlchemy; `stop()` and `start()`
    take it down and bring it back on the same port (a database restarted under load)."""

    port: int
    folder: Path
    bin_dir: Path | None = None

    def _ctl(self, *args: str) -> list[str]:
        assert self.bin_dir is not None
        return [str(self.bin_dir / "pg_ctl"), "-D", str(self.folder / "data"), *args]

    def stop(self) -> None:
        """Stop the server at once (connections cut, as a crash or a restart would)."""
        _run(self._ctl("-m", "immediate", "-w", "stop"))

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        _run(self._ctl("-o", options, "-w", "start", "-l", str(self.folder / "log")))

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{USER}@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """A new empty database of the cluster: its URL."""
        name = f"lien_{uuid.uuid4().hex[:12]}"
        admin = create_engine(self.url(), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.exec_driver_sql(f"CREATE DATABASE {name}")
        admin.dispose()
        return self.url(name)


def _as_owner(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def _run(command: list[str]) -> None:
    subprocess.run(_as_owner(command), check=True, capture_output=True, timeout=120)


@contextlib.contextmanager
def cluster(bin_dir: Path) -> Iterator[Cluster]:
    """Make and start a cluster; stop it and remove its folder afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="lien-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    data, port = folder / "data", free_port()
    try:
        initdb = [str(bin_dir / "initdb"), "-D", str(data), "-U", USER, "--auth=trust"]
        _run([*initdb, "--encoding=UTF8", "--no-locale"])
        options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1"
        start = [str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-w", "start"]
        _run([*start, "-l", str(folder / "log")])
        yield Cluster(port, folder, bin_dir)
    finally:
        stop = [str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]
        subprocess.run(_as_owner(stop), capture_output=True, timeout=120, check=False)
        shutil.rmtree(folder, ignore_errors=True)
