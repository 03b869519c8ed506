"""Downloads built where they can be stopped: each file a visitor asks for is made in a worker
process with memory, CPU-time and wall-clock limits and a lower priority (lien.ingest.worker),
never in the server process that answers every visitor.

A crafted view (a few hundred rows, each naming every service, with 5,000-character cells) could
make a writer work for most of a minute: in the server, that time is taken from every other
visitor's page (Python runs one thread at a time), and the memory stays with the server after
the file is sent. In a worker, the server only waits; the worker's memory goes back to the
system when it ends; and a limit reached gives a short file of the same kind saying so in the
visitor's language, never an error page. What a writer lists is capped by the writer itself
(lien.outputs.handout, offline, export), and the file says where it was cut.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import pickle
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from html import escape
from typing import Any

import pandas as pd

from lien.i18n import t
from lien.ingest import worker
from lien.outputs import export, reuse
from lien.outputs.about import About

__all__ = [
    "Build",
    "Download",
    "MIME",
    "MAX_ROWS",
    "bounded",
    "capped",
    "failure",
    "kind_of",
    "sites_download",
    "table_download",
]

log = logging.getLogger("lien.builds")
REUSE = reuse.Reuse()  # the server's files made lately, shared by every session

# The kinds of file Lien offers, by the extension of their name, and their media types.
MIME = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "geojson": "application/geo+json",
    "zip": "application/zip",
    "pdf": "application/pdf",
    "html": "text/html",
}
# The sites a download lists at most, by kind: past these a writer would work for more than
# some seconds (a workbook is the slowest to write; a phone opens no larger offline map). The
# file says where it was cut. The PDFs have their own caps (lien.outputs.handout, summary).
MAX_ROWS = {"csv": 100_000, "geojson": 50_000, "zip": 50_000, "xlsx": 20_000, "html": 5_000}


def kind_of(filename: str) -> str:
    """The kind of a download from its file name ("lien-sites-2026-12-07.csv" -> "csv")."""
    kind = filename.rpartition(".")[2].lower()
    if kind not in MIME:
        raise ValueError(f"no kind of download for {filename!r}")
    return kind


def capped(sites: pd.DataFrame, kind: str) -> tuple[pd.DataFrame, int]:
    """The first rows of `sites` a download of `kind` lists, and how many it leaves out."""
    limit = MAX_ROWS.get(kind)
    if limit is None or len(sites) <= limit:
        return sites, 0
    return sites.head(limit), len(sites) - limit


@dataclass(frozen=True)
class Build:
    """A download to make: a module-level function (sent to the worker by name) and its
    arguments. `Build(f, a, b, key=c)()` is `f(a, b, key=c)`."""

    make: Callable[..., bytes | str]
    args: tuple[Any, ...] = ()
    kwargs: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, make: Callable[..., bytes | str], /, *args: Any, **kwargs: Any) -> Build:
        """The build of `make(*args, **kwargs)`."""
        return cls(make, args, kwargs)

    def __call__(self) -> bytes:
        data = self.make(*self.args, **self.kwargs)
        return data.encode("utf-8") if isinstance(data, str) else data


@dataclass(frozen=True)
class Download:
    """A file offered for download: its name (whose extension is its kind), the language it is
    written in, and how it is built on the visitor's click."""

    filename: str
    lang: str
    build: Build

    @property
    def kind(self) -> str:
        return kind_of(self.filename)

    @property
    def mime(self) -> str:
        return MIME[self.kind]

    def bounded(self) -> bytes:
        """The file, built in a bounded worker (or a short one saying why it could not be)."""
        return bounded(self.build, self.kind, self.lang)


# The writers of the sites of a view, by kind: each takes (sites, about, lang).
_SITE_WRITERS: dict[str, Callable[..., bytes]] = {
    "csv": export.to_csv,
    "xlsx": export.to_xlsx,
    "geojson": export.to_geojson,
}


def sites_download(kind: str, sites: pd.DataFrame, about: About, stem: str) -> Download:
    """The sites of a view as a `kind` file ("csv", "xlsx", "geojson") named after `stem`, cut
    at MAX_ROWS[kind] with `about` saying so, labels in about's language."""
    rows, left = capped(sites, kind)
    said = about.cut(len(rows), len(sites)) if left else about
    build = Build.of(_SITE_WRITERS[kind], rows, said, about.lang)
    return Download(export.filename(stem, kind), about.lang, build)


def table_download(kind: str, table: pd.DataFrame, about: About, stem: str, sheet: str) -> Download:
    """A table of figures (a matrix, distances) as a "csv" or "xlsx" file, saying what it holds."""
    build = (
        Build.of(export.table_csv, table, about)
        if kind == "csv"
        else Build.of(export.table_xlsx, table, sheet, about)
    )
    return Download(export.filename(stem, kind), about.lang, build)


def _task(build: Build, *, progress: worker.Progress) -> bytes:
    """The worker's side: the file's bytes."""
    return build()


def bounded(build: Build, kind: str, lang: str) -> bytes:
    """The file `build` makes, made in a bounded worker; if a limit stops it, a short file of
    `kind` saying so in `lang`. The same file asked for by several visitors is made once
    (lien.outputs.reuse)."""

    def make() -> tuple[bytes, bool]:
        try:
            return worker.run(_task, build, limits=worker.DOWNLOAD_LIMITS), True
        except worker.WorkerError as exc:
            log.warning("download %s (%s) stopped: %s", build.make.__name__, kind, exc)
            return failure(kind, lang), False

    try:
        made_of = (build.make.__module__, build.make.__qualname__, build.args, build.kwargs)
        key = reuse.key_of(*made_of, kind, lang)
    except (pickle.PicklingError, TypeError, AttributeError):
        return make()[0]  # what can't be pickled can't reach the worker either: it says so
    return REUSE.get(key, make)


def failure(kind: str, lang: str) -> bytes:
    """A file of `kind` (one of MIME's) that says the download could not be made, and what to do."""
    lines = [t("download_failed", lang), t("download_failed_hint", lang)]
    text = "\n".join(lines)
    if kind == "pdf":
        return _pdf(lines, lang)
    if kind == "xlsx":
        return _xlsx(lines)
    if kind == "geojson":
        about = {"error": text}
        return json.dumps({"type": "FeatureCollection", "features": [], "about": about}).encode()
    if kind == "zip":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("README.txt", text + "\n")
        return buffer.getvalue()
    if kind == "html":
        body = "".join(f"<p>{escape(line)}</p>" for line in lines)
        head = (
            f'<!DOCTYPE html><html lang="{escape(lang)}"><meta charset="utf-8"><title>Lien</title>'
        )
        return f"{head}{body}</html>\n".encode()
    out = io.StringIO()
    csv.writer(out).writerows([line] for line in lines)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _pdf(lines: list[str], lang: str) -> bytes:
    import datetime

    from lien.outputs.pdf import STYLES, Document, printable

    doc = Document(lang, "Lien", "Lien", datetime.date.today())
    for line, style in zip(lines, (STYLES["title"], STYLES["subtitle"]), strict=True):
        doc.block(printable(line), style)
    return bytes(doc.output())


def _xlsx(lines: list[str]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row, line in enumerate(lines, start=1):
        sheet.cell(row=row, column=1, value=line)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
