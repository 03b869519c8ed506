"""The printed PDFs in every language: size and build time of the handout and the funder summary.

    .venv/bin/python -m bench pdfs [--runs 3]

Each language's seed handout (21 sites, 5–6 pages) and funder summary (2 pages) built in this
process, median of the runs, each timing beside French's in the same run (a ratio: these machines
are noisy); then the heaviest handout a visitor can craft (300 sites naming all 20 services: the
20-page cap) in French and Arabic, whose CPU time must stay well inside the download worker's
limit (`DOWNLOAD_LIMITS.cpu_seconds`). Goal: the handout under 300 KB in every language.
"""

from __future__ import annotations

import argparse
import datetime
import time
from collections.abc import Callable
from typing import Any

from bench.common import Row, median, table
from lien import coverage, filters
from lien.i18n import LANGS
from lien.ingest import directory, upload, worker
from lien.outputs.handout import handout_pdf
from lien.outputs.summary import summary_pdf
from lien_dev import hostile

MAX_HANDOUT_KB = 300
DAY = datetime.date(2026, 6, 20)


def _timed(runs: int, make: Callable[..., bytes], *args: Any, **kwargs: Any) -> tuple[float, int]:
    """The median CPU seconds of `runs` builds of make(*args, **kwargs), and the file's size."""
    times, size = [], 0
    for _ in range(runs):
        start = time.process_time()
        size = len(make(*args, **kwargs))
        times.append(time.process_time() - start)
    return median(times), size


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--runs", type=int, default=3)


def main(args: argparse.Namespace) -> int:
    frame = directory.prepare(directory.read_directory().frame)
    view = filters.apply(frame, filters.Filters())
    points = coverage.municipality_points()
    rows: list[Row] = []
    reference: dict[str, float] = {}
    ok = True
    for lang in ("fr", *[x for x in LANGS if x != "fr"]):
        chosen = filters.Filters(lang=lang)
        report = coverage.report(filters.apply(frame, chosen), chosen, "housing", points)
        handout, size = _timed(args.runs, handout_pdf, view, lang, url="https://x/", today=DAY)
        summary, summary_size = _timed(args.runs, summary_pdf, report, url="https://x/")
        reference.setdefault("handout", handout)
        reference.setdefault("summary", summary)
        fits = size < MAX_HANDOUT_KB * 1000
        ok &= fits
        cells = {
            "handout KB": f"{size / 1000:.0f}",
            "handout s (× fr)": f"{handout:.2f} ({handout / reference['handout']:.2f}×)",
            "summary KB": f"{summary_size / 1000:.0f}",
            "summary s (× fr)": f"{summary:.2f} ({summary / reference['summary']:.2f}×)",
        }
        rows.append(Row(lang, cells, f"handout < {MAX_HANDOUT_KB} KB", fits))
    name, data = hostile.xlsx_every_service()
    checked = upload.check_upload(data, name, None, None)
    assert isinstance(checked, upload.Upload), checked
    crafted = checked.frame
    limit = worker.DOWNLOAD_LIMITS.cpu_seconds
    for lang in ("fr", "ar"):
        seconds, size = _timed(1, handout_pdf, crafted, lang, url="https://x/")
        within = seconds < limit / 2
        ok &= within
        cells = {"handout KB": f"{size / 1000:.0f}", "handout s (× fr)": f"{seconds:.2f}"}
        rows.append(Row(f"crafted view, {lang}", cells, f"< {limit / 2:.0f} s CPU", within))
    columns = ["handout KB", "handout s (× fr)", "summary KB", "summary s (× fr)"]
    print(table(columns, rows))
    return 0 if ok else 1
