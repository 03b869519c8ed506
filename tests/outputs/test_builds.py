"""Downloads built in a bounded worker (lien.outputs.builds): the same bytes as the writer's, a
lower priority than the server's, a file of the same kind saying why when a limit stops it, and
caps said in the file."""

from __future__ import annotations

import html
import io
import json
import os
import re
import zipfile

import pandas as pd
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from lien.i18n import t
from lien.ingest import directory, tabular, worker
from lien.outputs import builds, export, hsds, offline
from lien.outputs.about import describe
from lien.outputs.builds import Build, Download
from tests.support import tasks


@pytest.fixture(scope="module")
def sites() -> pd.DataFrame:
    return directory.load_directory()


def test_a_build_in_the_worker_gives_the_writer_s_bytes(sites: pd.DataFrame) -> None:
    about = describe("nl", "test", sites)
    file = Download("sites.csv", "nl", Build.of(export.to_csv, sites, about, "nl"))
    assert file.mime == "text/csv"
    assert file.bounded() == export.to_csv(sites, about, "nl")


def test_the_worker_builds_at_a_lower_priority_than_the_server() -> None:
    built = Download("nice.csv", "fr", Build.of(tasks.niceness)).bounded()
    assert int(built) >= os.nice(0) + worker.DOWNLOAD_LIMITS.nice


def _read_back(kind: str, data: bytes) -> str:
    """What a person opening the file reads."""
    if kind == "pdf":
        return " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    if kind == "xlsx":
        sheet = load_workbook(io.BytesIO(data)).active
        return " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value)
    if kind == "geojson":
        return json.loads(data)["about"]["error"]
    if kind == "zip":
        return zipfile.ZipFile(io.BytesIO(data)).read("README.txt").decode()
    if kind == "html":
        return html.unescape(re.sub(r"<[^>]*>", " ", data.decode()))
    return data.decode("utf-8-sig")


@pytest.mark.parametrize("kind", sorted(builds.MIME))
@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_a_download_stopped_by_a_limit_is_a_file_of_its_kind_saying_why(
    kind: str, lang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(worker, "DOWNLOAD_LIMITS", worker.Limits(memory_mb=600, wall_seconds=30))
    data = Download(f"x.{kind}", lang, Build.of(tasks.hog_memory_file)).bounded()
    text = " ".join(_read_back(kind, data).split())
    for key in ("download_failed", "download_failed_hint"):
        # A PDF's text comes back with its lines broken where the page broke them.
        assert " ".join(t(key, lang).split())[:40] in text


def test_a_kind_of_download_is_named_by_its_extension() -> None:
    assert builds.kind_of("lien-sites-2026-12-07.geojson") == "geojson"
    with pytest.raises(ValueError, match="'x.exe'"):
        builds.kind_of("x.exe")


def test_a_file_over_its_cap_lists_the_first_rows_and_says_so(
    sites: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(builds.MAX_ROWS, "csv", 5)
    about = describe("fr", "test", sites)
    data = builds.sites_download("csv", sites, about, "lien-sites").build()
    table = tabular.read(data)
    assert len(table.frame) == 5
    head = data.decode("utf-8-sig").split("\n")[:12]
    assert any(f"5 premiers sites sur {len(sites)}" in line for line in head)


def test_the_offline_file_and_the_hsds_package_say_where_they_were_cut(
    sites: pd.DataFrame,
) -> None:
    rows, left = sites.head(3), len(sites) - 3
    page = offline.offline_html(rows, "en", left_out=left).decode()
    assert f"first 3 of {len(sites)} sites" in page
    package = zipfile.ZipFile(io.BytesIO(hsds.export_zip(rows, note="Cut here.")))
    assert json.loads(package.read("datapackage.json"))["description"].endswith("Cut here.")
