"""A site whose services Lien doesn't know (every label unknown, or the cell empty) is still a
place to go: kept, and shown everywhere as offering a service not stated, in the reader's
language; counted as a site but under no service; never found by a service filter."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from datetime import date
from pathlib import Path

import pandas as pd
import pypdfium2
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

import lien.config
from lien import coverage, filters, taxonomy
from lien.config import ORGANISATIONS_CSV, ROOT
from lien.display import site_fields
from lien.filters import Filters
from lien.i18n import LANGS, t, tn
from lien.ingest import directory
from lien.ingest import hsds as hsds_in
from lien.outputs import export, hsds, offline
from lien.outputs.handout import handout_pdf
from lien.outputs.pdf_map import legend_lines, site_map
from lien.outputs.summary import summary_pdf
from lien.render import cards, mapview, sites_layer, tables
from lien.schema import records
from tests.outputs.test_hsds import _frictionless_errors

DAY = date(2026, 3, 14)
NOT_STATED = {"fr": "Service non précisé", "nl": "Dienst niet vermeld", "en": "Service not stated"}
# Two fictional sites beside the seed directory: one whose only service Lien doesn't know, one
# whose services cell is empty; both placed (in Namur and Gent) and kept.
EXTRA = [
    {
        "site_id": "tolk-namur",
        "org_id": "tolk",
        "organisation": "Tolkdienst Exemple",
        "site": "Permanence Exemple",
        "city": "Namur",
        "precision": "locality",
        "services": "teleportation",
        "source": "test",
    },
    {
        "site_id": "leeg-gent",
        "org_id": "leeg",
        "organisation": "Leeg Voorbeeld",
        "site": "Leeg Voorbeeld",
        "postcode": "9000",
        "city": "Gent",
        "precision": "postcode",
        "services": "",
        "source": "test",
    },
]
NAMES = [row["organisation"] for row in EXTRA]


def _directory_bytes() -> bytes:
    with ORGANISATIONS_CSV.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    fields = list(rows[0])
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, restval="")
    writer.writeheader()
    writer.writerows(rows + EXTRA)
    return out.getvalue().encode("utf-8")


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    result = directory.read_directory(_directory_bytes())
    # Both kept; the unknown label is reported with its row, the empty cell is simply not stated.
    assert result.rejected_rows == []
    (unknown,) = result.problems
    assert (unknown.field, unknown.kept) == ("services", True)
    assert "'teleportation'" in unknown.text("en")
    return directory.prepare(result.frame)


@pytest.fixture(scope="module")
def unstated(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["organisation"].isin(NAMES)]


def test_both_sites_are_kept_on_the_map_without_a_service(unstated: pd.DataFrame) -> None:
    assert list(unstated["organisation"]) == NAMES
    assert list(unstated["services"]) == ["", ""]
    assert unstated["_located"].all()


@pytest.mark.parametrize("lang", LANGS)
def test_a_site_without_a_service_reads_service_not_stated(
    unstated: pd.DataFrame, lang: str
) -> None:
    said = t("service_not_stated", lang)
    assert said == NOT_STATED.get(lang, said)
    assert said.strip()
    for site in records(unstated):
        assert site_fields(site, lang).services == (said,)
        assert cards.card(site, lang).services == (said,)
        # The popup says it among its lines.
        lines = dict(sites_layer.popup(site, lang)["m"])
        assert lines[t("col_services", lang)] == said


def test_the_sites_table_and_the_cards_say_it(unstated: pd.DataFrame) -> None:
    table = tables.sites_table(unstated, "nl").set_index("Organisatie")
    assert list(table["Diensten"]) == [NOT_STATED["nl"]] * 2
    assert cards.cards_html(unstated, "fr").count(NOT_STATED["fr"]) == 2


def test_markers_are_neutral_grey_and_the_legend_says_why(
    frame: pd.DataFrame, unstated: pd.DataFrame
) -> None:
    rows, tables_ = sites_layer.payload(frame, "fr")
    categories = list(taxonomy.category_colours())
    grey = len(categories)
    assert tables_["c"][grey] == taxonomy.UNSTATED_COLOUR
    assert taxonomy.UNSTATED_COLOUR not in taxonomy.category_colours().values()
    by_org = {tables_["o"][r[4]]: r for r in rows}
    for name in NAMES:
        assert by_org[name][2] == grey
        assert tables_["v"][by_org[name][7]] == NOT_STATED["fr"]
    # A site with a service keeps its category's colour.
    assert all(r[2] < grey for name, r in by_org.items() if name not in NAMES)
    assert tables_["u"] is True
    # The legend's entry exists, hidden unless such a site is on the map.
    entry = mapview.legend_html("nl")
    assert 'class="lien-legend-unstated"' in entry
    assert NOT_STATED["nl"] in entry
    assert ".lien-legend-unstated { display: none; }" in mapview.MAP_CSS
    assert ".lien-has-unstated .lien-legend-unstated { display: block; }" in mapview.MAP_CSS
    assert "'lien-has-unstated'" in sites_layer.layer_script()


def test_a_view_without_such_a_site_has_no_legend_entry_for_it(frame: pd.DataFrame) -> None:
    housing = filters.apply(frame, Filters(services=("housing",)))
    _, tables_ = sites_layer.payload(housing, "fr")
    assert tables_["u"] is False


def test_a_service_filter_never_finds_them(frame: pd.DataFrame) -> None:
    every = tuple(taxonomy.services().codes)
    found = filters.apply(frame, Filters(services=every))
    assert not found["organisation"].isin(NAMES).any()
    assert len(found) == len(frame) - len(NAMES)
    # Without a service filter they are in the view like any other site.
    assert filters.apply(frame, Filters())["organisation"].isin(NAMES).sum() == 2


def test_the_coverage_counts_them_as_sites_under_no_service(frame: pd.DataFrame) -> None:
    figures = coverage.headline(frame)
    seeds = coverage.headline(frame[~frame["organisation"].isin(NAMES)])
    assert figures.sites == seeds.sites + 2
    assert figures.unstated == 2
    assert seeds.unstated == 0
    assert figures.services_offered == seeds.services_offered
    table = coverage.matrix(frame, "province")
    assert table.equals(coverage.matrix(frame[~frame["organisation"].isin(NAMES)], "province"))
    assert tn("m_unstated", 2, "fr") == (
        "2 sites n'ont pas de service précisé : ils sont comptés parmi les sites, mais sous aucun"
        " service."
    )


def _pdf_text(pdf: bytes) -> str:
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))


def _read(pdf: bytes) -> str:
    """The text as PDFium (Chromium's PDF viewer) reads it: in reading order, right to left too."""
    document = pypdfium2.PdfDocument(pdf)
    pages = (document[i].get_textpage().get_text_range() for i in range(len(document)))
    return re.sub(r"\s+", " ", " ".join(pages))


def test_the_handout_lists_them_under_service_not_stated(frame: pd.DataFrame) -> None:
    for lang in LANGS:
        text = _read(handout_pdf(frame, lang, url="https://lien.example", today=DAY))
        heading = text.index(t("service_not_stated", lang))
        # Under their heading, after the services of the taxonomy.
        assert all(text.index(name) > heading for name in NAMES)
        assert text.count(t("service_not_stated", lang)) == 2  # the heading and the map's legend
    drawn = site_map(frame)
    assert drawn.unstated
    assert t("service_not_stated", "nl") in [label for _, label, _ in legend_lines(drawn, "nl")]
    assert not site_map(frame[frame["services"] != ""]).unstated


def test_the_funder_summary_says_they_are_counted_under_no_service(frame: pd.DataFrame) -> None:
    report = coverage.report(frame, Filters(lang="nl"), "housing", coverage.municipality_points())
    pdf = summary_pdf(report, url="https://lien.example", today=DAY)
    assert tn("m_unstated", 2, "nl") in _pdf_text(pdf)


def test_the_offline_file_says_it_in_its_list_and_legend(frame: pd.DataFrame) -> None:
    page = offline.offline_html(frame, "nl", today=DAY).decode("utf-8")
    assert page.count(NOT_STATED["nl"]) >= 3  # the legend, and the list's two rows
    assert "lien-legend-unstated" in page
    assert "lien-has-unstated" in page


def test_the_csv_and_workbook_keep_the_code_empty_and_say_it_in_the_labels(
    unstated: pd.DataFrame,
) -> None:
    data = export.to_csv(unstated, lang="fr")
    body = data.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body[body.index("site_id") :])))
    assert [(r["services"], r["services_label"]) for r in rows] == [("", NOT_STATED["fr"])] * 2
    # Read back as a directory: both kept, nothing to fix.
    back = directory.read_directory(data)
    assert back.problems == []
    assert list(back.frame["organisation"]) == NAMES
    book = load_workbook(io.BytesIO(export.to_xlsx(unstated, lang="en")))
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    values = [dict(zip(header, (c.value for c in row), strict=True)) for row in sheet.iter_rows(2)]
    assert [(v["services"] or "", v["services_label"]) for v in values] == [
        ("", NOT_STATED["en"])
    ] * 2


def test_the_geojson_has_them_as_points(unstated: pd.DataFrame) -> None:
    collection = json.loads(export.to_geojson(unstated, lang="nl"))
    properties = [f["properties"] for f in collection["features"]]
    assert [p["organisation"] for p in properties] == NAMES
    assert [(p["services"], p["services_label"]) for p in properties] == [
        ("", NOT_STATED["nl"])
    ] * 2


def test_the_hsds_package_stays_valid_and_reads_back(frame: pd.DataFrame, tmp_path: Path) -> None:
    data = hsds.export_zip(frame)
    assert _frictionless_errors(data, tmp_path) == []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        services = list(csv.DictReader(io.StringIO(archive.read("services.csv").decode())))
    assert {"Permanence Exemple", "Leeg Voorbeeld"} <= {s["name"] for s in services}
    back = directory.check(directory.complete(hsds_in.import_zip(data)))
    assert back.problems == []
    kept = back.frame.set_index("site_id")
    assert kept.at["tolk-namur", "services"] == ""
    assert kept.at["leeg-gent", "services"] == ""


@pytest.mark.usefixtures("new_store")  # the crafted file fills a store of its own
def test_the_coverage_page_says_how_it_counts_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "organisations.csv"
    path.write_bytes(_directory_bytes())
    monkeypatch.setattr(lien.config, "ORGANISATIONS_CSV", path)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["lang"] = "en"
    at.run()
    at.switch_page("pages/1_Couverture_Dekking_Coverage.py").run()
    assert not at.exception
    assert tn("m_unstated", 2, "en") in [c.value for c in at.caption]
