"""What every case of `make hostile` runs on (bench/hostile.py, bench/beside.py): the browser, the
server and its /proc sampler, and the Data page's uploader."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bench.common import offline_context
from lien_dev.procs import Sampler

DATA_PAGE = "Donnees_Gegevens_Data"
TIMEOUT_S = 120.0
DOWNLOAD_ROUNDS = 3
# While the hostile view's handout is built, a second visitor's first markers may take this much
# longer than while an ordinary handout (the seed view's) is built, in the same run.
GOAL_DOWNLOAD_DELAY_S = 0.5


@dataclass
class Rig:
    """What every case runs on: the browser, the server's URL and pid, the /proc sampler."""

    browser: Any
    url: str
    server_pid: int
    sampler: Sampler

    def new_page(self) -> tuple[Any, Any]:
        """A fresh desktop context with no internet, and its page."""
        context = offline_context(self.browser)
        return context, context.new_page()

    def open(self, page: Any, path: str, text: str | re.Pattern[str]) -> None:
        """Load a page of the app and wait for `text` on it."""
        page.goto(self.url + path, wait_until="commit")
        page.get_by_text(text).first.wait_for(timeout=TIMEOUT_S * 1000)


def upload(page: Any, name: str, data: bytes) -> None:
    """Give the Data page's uploader a file, as a user's file dialog would."""
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
        files=[{"name": name, "mimeType": "application/octet-stream", "buffer": data}]
    )


def cut(text: str, width: int = 70) -> str:
    """`text` on one line, at most `width` characters."""
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 1] + "…"
