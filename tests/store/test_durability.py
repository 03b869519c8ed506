"""kill -9 in the middle of a publish: the store holds the version before or the version after,
never something between (a real process, on each backend)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from lien import store
from lien.config import ROOT
from lien.store.models import Audit, Site, Version
from lien_dev.synthetic import generate, write

SITES = 1_500
ROUNDS = 3
# When each round kills the publisher inside its transaction, as a share of the time the last
# transaction took from its first write to publish's return.
KILL_AT = (0.1, 0.5, 0.9)


@pytest.fixture(scope="module")
def directory(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write(generate(SITES, seed=1), tmp_path_factory.mktemp("durability") / "sites.csv")


def _killed_mid_publish(url: str, share: float) -> int:
    """Start the publisher, let it publish twice, kill it `share` into its third publish's
    transaction (again until the kill lands between its first write and its return); the
    version it was publishing."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for _attempt in range(5):
        child = subprocess.Popen(
            [sys.executable, "-m", "tests.store.publisher", url],
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env=env,
        )
        assert child.stdout is not None
        started: dict[int, float] = {}
        took: list[float] = []
        for line in child.stdout:
            what, number = line.split()
            if what == "done":
                took.append(time.perf_counter() - started[int(number)])
                continue
            started[int(number)] = time.perf_counter()  # "writing": the transaction has begun
            # The first publish of a process loads the gazetteer: the second one is the measure.
            if len(took) >= 2:
                time.sleep(took[-1] * share)
                os.kill(child.pid, signal.SIGKILL)
                break
        # What the publisher printed before it died, read to the end: its last word is true.
        lines = [line, *child.stdout]
        child.wait(60)
        child.stdout.close()
        if child.returncode == -signal.SIGKILL and lines[-1].startswith("writing"):
            return int(lines[-1].split()[1])
    pytest.fail("no kill landed inside a publish")


def _check_whole(engine: Engine) -> int:
    """Every record is at the current version's hours; nothing of a later one exists."""
    version = store.current_version(engine)
    hours = set(store.records(engine, version)["hours"])
    assert hours == {f"v{version}"}
    with engine.connect() as connection:
        assert connection.scalar(select(func.max(Version.number))) == version
        assert connection.scalar(select(func.max(Site.valid_from))) == version
        assert connection.scalar(select(func.max(Site.valid_to))) == version
        assert connection.scalar(select(func.max(Audit.version))) == version
        count = select(func.count()).select_from(Site).where(Site.valid_to.is_(None))
        assert connection.scalar(count) == SITES
    return version


def test_a_publish_killed_midway_leaves_the_version_before_or_after(
    url: str, directory: Path
) -> None:
    engine = store.open(url, source=directory)
    store.publish(
        engine,
        {s: {"hours": "v2"} for s in store.records(engine, 1)["site_id"]},
        "t",
        "",
        against=1,
    )
    for share in KILL_AT[:ROUNDS]:
        publishing = _killed_mid_publish(url, share)
        engine.dispose()  # a restart: new connections, SQLite's WAL recovered on opening
        engine = store.open(url)
        version = _check_whole(engine)
        assert version in (publishing - 1, publishing)
    engine.dispose()
