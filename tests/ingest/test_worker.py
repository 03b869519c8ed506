"""The worker's own set-up: what its forkserver imports once, and the priority of downloads."""

from __future__ import annotations

import importlib

import pytest

from lien.ingest import worker


@pytest.mark.parametrize("name", worker.PRELOAD)
def test_every_preloaded_module_imports(name: str) -> None:
    # The forkserver swallows an ImportError: a module that moved would silently stop being
    # preloaded, and every worker would import it again.
    assert importlib.import_module(name).__name__ == name


def test_download_workers_run_below_the_server() -> None:
    assert worker.DOWNLOAD_LIMITS.nice > 0
    assert worker.UPLOAD_LIMITS.nice == 0
