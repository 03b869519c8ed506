"""Exports: CSV and XLSX that no spreadsheet can run as formulas, GeoJSON that loses no site."""

from __future__ import annotations

import csv
import io
import json
import math
import re
import subprocess
import sys
from datetime import date

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from lien import filters, taxonomy
from lien.config import ROOT
from lien.filters import Filters
from lien.i18n import LANGS, t
from lien.ingest.directory import load_directory
from lien.outputs import about, export
from lien.outputs.export import (
    EXPORT_COLUMNS,
    export_columns,
    filename,
    neutralise,
    table_csv,
    table_xlsx,
    to_csv,
    to_geojson,
    to_xlsx,
)
from lien.schema import about_markers

# Each malicious value, by the text column it is planted in, and what the export must make of it.
MALICIOUS: dict[str, str] = {
    "organisation": '=HYPERLINK("http://evil","x")',
    "site": "+cmd|' /C calc'!A0",
    "hours": "@SUM(1+1)",
    "contact_person": "-2+3",
    "notes": " =1+1",
    "address": "\t=1",
    "description": "<script>alert(1)</script>",
}
NEUTRALISED = {
    column: "'" + value for column, value in MALICIOUS.items() if column != "description"
}
BOM = b"\xef\xbb\xbf"


def _no_constants(name: str) -> float:
    raise AssertionError(f"{name} in JSON output")


@pytest.fixture(scope="module")
def real() -> pd.DataFrame:
    return load_directory()


@pytest.fixture(scope="module")
def frame(real: pd.DataFrame) -> pd.DataFrame:
    """The real directory plus two planted rows: one located, one national (no coordinates)."""
    located = real[real["latitude"].notna()].iloc[0].copy()
    national = real[real["precision"] == "national"].iloc[0].copy()
    planted = []
    for base, suffix in ((located, "located"), (national, "national")):
        row = base.copy()
        row["site_id"] = f"evil-{suffix}"
        for column, value in MALICIOUS.items():
            row[column] = value
        planted.append(row)
    return pd.concat([real, pd.DataFrame(planted)], ignore_index=True)


def _csv_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _planted(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    return [r for r in rows if str(r["site_id"]).startswith("evil-")]


# --- columns -------------------------------------------------------------------------------------


def test_columns_follow_the_schema_then_the_located_columns(real: pd.DataFrame) -> None:
    assert export_columns(real) == [
        "site_id",
        "org_id",
        "organisation",
        "site",
        "address",
        "postcode",
        "city",
        "latitude",
        "longitude",
        "precision",
        "services",
        "audiences",
        "languages",
        "hours",
        "phone",
        "fax",
        "email",
        "website",
        "contact_person",
        "description",
        "notes",
        "source",
        "source_date",
        # What a person confirmed and when (the loader defaults them for a file without them).
        "status",
        "checked_on",
        "checked_by",
        "changed_on",
        "coord_precision",
        "municipality",
        "municipality_code",
        "province",
        "province_code",
        "region",
        "region_code",
    ]
    assert EXPORT_COLUMNS[-1] == "distance_km"


def test_columns_add_distance_last_and_skip_missing_optional_ones(real: pd.DataFrame) -> None:
    thinner = real.drop(columns=["fax", "site_id"]).assign(distance_km=1.0)
    columns = export_columns(thinner)
    assert columns[-1] == "distance_km"
    assert "fax" not in columns
    assert "site_id" not in columns
    assert columns[0] == "org_id"
    assert "row" not in columns
    assert "coord_source" not in columns


def test_columns_refuse_a_frame_missing_a_required_column(real: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="organisation"):
        export_columns(real.drop(columns=["organisation"]))


# --- neutralise ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        '=HYPERLINK("http://evil","x")',
        "+cmd|' /C calc'!A0",
        "@SUM(1+1)",
        "-2+3",
        " =1+1",
        "\t=1",
        "\r=1",
        "  \u00a0@x",
        "+32 2 738 08 18",
    ],
)
def test_neutralise_prefixes_formula_starts_with_an_apostrophe(value: str) -> None:
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize(
    "value",
    ["<script>alert(1)</script>", "Liège", "085 21 34 81", "", "a=b", "x-y", "mail@example.org"],
)
def test_neutralise_leaves_harmless_text_alone(value: str) -> None:
    assert neutralise(value) == value


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("housing;=cmd|' /C calc'!A0", "housing;'=cmd|' /C calc'!A0"),
        ("0495 22 74 48;+32 2 738 08 18", "0495 22 74 48;'+32 2 738 08 18"),
        ("=1;=2", "'=1;'=2"),
        ("fr;nl;en", "fr;nl;en"),
    ],
)
def test_neutralise_defends_every_part_of_a_multi_valued_cell(value: str, expected: str) -> None:
    """Excel with ';' as list separator splits the cell: each part is its own cell there."""
    assert neutralise(value) == expected


def test_neutralise_leaves_numbers_alone_and_empties_missing_values() -> None:
    assert neutralise(-2.5) == "-2.5"
    assert neutralise(-3) == "-3"
    assert neutralise(np.float64(-1.25)) == "-1.25"
    assert neutralise(np.int64(-7)) == "-7"
    assert neutralise(float("nan")) == ""
    assert neutralise(None) == ""
    assert neutralise(pd.NA) == ""


# --- CSV -----------------------------------------------------------------------------------------


def test_csv_starts_with_a_bom_and_keeps_accents(frame: pd.DataFrame) -> None:
    data = to_csv(frame)
    assert data.startswith(BOM)
    assert not data[3:].startswith(BOM)
    assert "Aide aux Personnes Déplacées" in data.decode("utf-8-sig")


def test_csv_round_trips_with_one_row_per_site_and_the_export_header(frame: pd.DataFrame) -> None:
    data = to_csv(frame)
    reader = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    header = next(reader)
    assert header == export_columns(frame)
    assert len(list(reader)) == len(frame)
    rows = _csv_rows(data)
    assert [r["site_id"] for r in rows] == list(frame["site_id"])


def test_csv_neutralises_every_malicious_cell(frame: pd.DataFrame) -> None:
    planted = _planted(_csv_rows(to_csv(frame)))
    assert len(planted) == 2
    for row in planted:
        for column, expected in NEUTRALISED.items():
            assert row[column] == expected, column
        # Not a spreadsheet trigger: kept exactly, and the csv module quotes what needs it.
        assert row["description"] == MALICIOUS["description"]


def test_csv_has_no_cell_a_spreadsheet_would_run(frame: pd.DataFrame) -> None:
    for row in _csv_rows(to_csv(frame)):
        for column, value in row.items():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), (column, value)
            assert not value.lstrip().startswith(("=", "+", "-", "@")), (column, value)


def test_csv_phone_numbers_get_the_apostrophe(real: pd.DataFrame) -> None:
    phones = [r["phone"] for r in _csv_rows(to_csv(real)) if "+32" in r["phone"]]
    assert phones
    assert all(p.startswith("'+32") for p in phones)


def test_csv_writes_numbers_plainly_and_nan_as_empty(real: pd.DataFrame) -> None:
    sample = real.iloc[:3].copy()
    sample["latitude"] = [50.123456789, 50.5, np.nan]
    sample["longitude"] = [4.0000001, 5.25, np.nan]
    sample["distance_km"] = [3.14159, 0.000001, np.nan]
    rows = _csv_rows(to_csv(sample))
    assert [r["latitude"] for r in rows] == ["50.123457", "50.5", ""]
    assert [r["longitude"] for r in rows] == ["4", "5.25", ""]
    assert [r["distance_km"] for r in rows] == ["3.14", "0.00", ""]
    located = _csv_rows(to_csv(real))
    for row in located:
        for column in ("latitude", "longitude"):
            assert re.fullmatch(r"(\d+(\.\d{1,6})?)?", row[column]), row[column]
    assert sum(r["latitude"] == "" for r in located) == int(real["latitude"].isna().sum())


# --- XLSX ----------------------------------------------------------------------------------------


def _workbook(frame: pd.DataFrame, about: str = ""):
    return load_workbook(io.BytesIO(to_xlsx(frame, about=about)))


def _sheet_rows(sheet) -> list[dict[str, object]]:
    values = list(sheet.iter_rows(values_only=True))
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


def test_xlsx_has_sites_and_about_sheets_with_the_note(frame: pd.DataFrame) -> None:
    book = _workbook(frame, about="Source: brochure, June 2016\n\n- second line")
    assert book.sheetnames == ["sites", "about"]
    lines = [c.value for c in book["about"]["A"]]
    assert lines[0] == "Source: brochure, June 2016"
    assert lines[2] == "'- second line"


def test_xlsx_has_a_bold_frozen_header_in_export_order(frame: pd.DataFrame) -> None:
    sheet = _workbook(frame)["sites"]
    header = [c.value for c in sheet[1]]
    assert header == export_columns(frame)
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.max_row == len(frame) + 1


def test_xlsx_has_no_formula_cell(frame: pd.DataFrame) -> None:
    book = _workbook(frame, about="=1+1")
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)


def test_xlsx_neutralises_malicious_cells_and_keeps_them_text(frame: pd.DataFrame) -> None:
    sheet = _workbook(frame)["sites"]
    columns = [c.value for c in sheet[1]]
    planted = [
        row
        for row in sheet.iter_rows(min_row=2)
        if row[columns.index("site_id")].value.startswith("evil-")
    ]
    assert len(planted) == 2
    for row in planted:
        cells = dict(zip(columns, row, strict=True))
        for column, expected in NEUTRALISED.items():
            assert cells[column].value == expected, column
            assert cells[column].data_type == "s", column
        assert cells["description"].value == MALICIOUS["description"]


def test_xlsx_writes_coordinates_as_numbers_and_codes_as_text(real: pd.DataFrame) -> None:
    sample = real.assign(distance_km=np.linspace(0.0, 12.345, len(real)))
    rows = _sheet_rows(_workbook(sample)["sites"])
    for row, (lat, lon) in zip(
        rows, zip(real["latitude"], real["longitude"], strict=True), strict=True
    ):
        if math.isnan(lat):
            assert row["latitude"] is None
            assert row["longitude"] is None
        else:
            assert isinstance(row["latitude"], float)
            assert row["latitude"] == round(lat, 6)
            assert isinstance(row["longitude"], float)
            assert row["longitude"] == round(lon, 6)
        assert isinstance(row["distance_km"], (int, float))
    # Text stays text: leading zeros of codes and postcodes survive.
    assert "03000" in {r["region_code"] for r in rows}
    assert all(isinstance(r["postcode"], str) for r in rows if r["postcode"] is not None)


def test_xlsx_drops_control_characters_instead_of_failing(real: pd.DataFrame) -> None:
    sample = real.iloc[:1].copy()
    sample["notes"] = "bell\x07 and null\x00 here"
    rows = _sheet_rows(_workbook(sample)["sites"])
    assert rows[0]["notes"] == "bell and null here"


# --- GeoJSON -------------------------------------------------------------------------------------


def _geojson(frame: pd.DataFrame) -> dict:
    return json.loads(to_geojson(frame).decode("utf-8"), parse_constant=_no_constants)


def test_geojson_has_one_point_per_located_site_and_lists_the_others(frame: pd.DataFrame) -> None:
    collection = _geojson(frame)
    assert collection["type"] == "FeatureCollection"
    located = int(frame["latitude"].notna().sum())
    assert len(collection["features"]) == located
    assert len(collection["unlocated"]) == len(frame) - located
    assert all(
        f["type"] == "Feature" and f["geometry"]["type"] == "Point" for f in collection["features"]
    )
    seen = [f["properties"]["site_id"] for f in collection["features"]] + [
        p["site_id"] for p in collection["unlocated"]
    ]
    assert sorted(seen) == sorted(frame["site_id"])
    assert {p["precision"] for p in collection["unlocated"]} <= {"national", "online"}


def test_geojson_coordinates_are_longitude_then_latitude(frame: pd.DataFrame) -> None:
    by_id = frame.set_index("site_id")
    for feature in _geojson(frame)["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        site = by_id.loc[feature["properties"]["site_id"]]
        assert lon == round(site["longitude"], 6)
        assert lat == round(site["latitude"], 6)
        # In Belgium longitude (2.5–6.5) is always below latitude (49.5–51.5).
        assert 2.5 < lon < 6.5
        assert 49.4 < lat < 51.6
        assert feature["id"] == feature["properties"]["site_id"]


def test_geojson_properties_are_the_export_columns_without_coordinates(frame: pd.DataFrame) -> None:
    expected = [c for c in export_columns(frame) if c not in ("latitude", "longitude")]
    collection = _geojson(frame)
    for properties in [f["properties"] for f in collection["features"]] + collection["unlocated"]:
        assert list(properties) == expected


def test_geojson_has_no_nan_and_keeps_text_verbatim(frame: pd.DataFrame) -> None:
    sample = frame.assign(distance_km=[np.nan] + [1.234] * (len(frame) - 1))
    sample.loc[0, "notes"] = np.nan
    raw = to_geojson(sample).decode("utf-8")
    assert "NaN" not in raw
    collection = json.loads(raw, parse_constant=_no_constants)
    everything = [f["properties"] for f in collection["features"]] + collection["unlocated"]
    first = next(p for p in everything if p["site_id"] == sample.loc[0, "site_id"])
    assert first["distance_km"] is None
    assert first["notes"] is None
    assert {p["distance_km"] for p in everything if p is not first} == {1.23}
    # GeoJSON is data, not a spreadsheet: the planted text is kept exactly, accents unescaped.
    for properties in _planted(everything):
        for column, value in MALICIOUS.items():
            assert properties[column] == value
    assert "Déplacées" in raw


# --- file name and module boundary ---------------------------------------------------------------


def test_filename_is_stem_date_and_extension() -> None:
    assert filename("lien-sites", "csv", date(2026, 11, 23)) == "lien-sites-2026-11-23.csv"
    assert filename("lien-sites", ".xlsx", date(2026, 1, 5)) == "lien-sites-2026-01-05.xlsx"
    assert filename("lien-sites", "geojson") == f"lien-sites-{date.today().isoformat()}.geojson"


def test_export_does_not_import_streamlit() -> None:
    code = "import sys, lien.outputs.export; print('streamlit' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
    assert "streamlit" not in (ROOT / "lien" / "outputs" / "export.py").read_text(encoding="utf-8")
    assert export.__doc__


# --- what a download is: about lines, sheet and member; labels beside the codes ----------------

HOSTILE_Q = '=HYPERLINK("http://evil","x"); @SUM(1)'
DAY = date(2026, 11, 30)


def _about(real: pd.DataFrame, lang: str = "fr", **kwargs: object) -> about.About:
    chosen = Filters(
        services=("housing", "legal_aid"),
        provinces=("04000",),
        q="seso",
        near=HOSTILE_Q,
        national=False,
        lang=lang,
    )
    view = filters.apply(real, chosen)
    url = filters.share_url("https://lien.example.be/", chosen)
    shared = about.Shared(chosen, url)
    return about.describe(lang, "Sites", view, shared, today=DAY, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("fr", ["Service : Logement, Aide juridique", "Province ou région : Bruxelles", "non"]),
        ("nl", ["Huisvesting, Juridische hulp", "Brussel", "nee"]),
        ("en", ["Housing, Legal aid", "Brussels", "no"]),
    ],
)
def test_about_says_the_filters_link_date_and_sources(
    real: pd.DataFrame, lang: str, words: list[str]
) -> None:
    facts = {key: value for key, _, value in _about(real, lang).lines}
    assert list(facts) == [
        "what",
        "filters",
        "view",
        "date",
        "sources",
        "source_dates",
        "warning",
    ]
    for word in words:
        assert word in facts["filters"], (word, facts["filters"])
    assert "=HYPERLINK" in facts["filters"]  # as typed; the writers defend it
    assert facts["view"].startswith("https://lien.example.be/?service=housing%2Clegal_aid")
    assert "national=0" in facts["view"]
    assert f"lang={lang}" in facts["view"]  # always said: a link keeps its language
    assert facts["date"] == "2026-11-30"
    # SESO's seat and Point Info: the brochure and SESO's undated projects.
    assert "2016" in facts["sources"]
    assert "SESO" in facts["sources"]
    assert facts["source_dates"] == t("undated", lang)
    assert "2016" in facts["warning"]
    with_service = {k: v for k, _, v in _about(real, lang, service="housing").lines}
    assert with_service["service"].endswith("(housing)")


def test_no_filter_is_said(real: pd.DataFrame) -> None:
    facts = dict(
        (k, v)
        for k, _, v in about.describe("en", "Sites", real, about.Shared(Filters(lang="en"))).lines
    )
    assert facts["filters"] == "none: the whole directory"
    assert facts["view"] == "?lang=en"


def _csv_lines(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_opens_with_what_it_is_then_the_table(real: pd.DataFrame) -> None:
    facts = _about(real)
    data = to_csv(real, facts, "fr")
    lines = _csv_lines(data)
    assert lines[0][0] == "Lien : à propos de ce fichier"  # in the visitor's language
    start = int(re.search(r"ligne (\d+)", lines[0][1]).group(1))  # type: ignore[union-attr]
    assert [row[0] for row in lines[1 : len(facts.lines) + 1]] == [
        label for _, label, _ in facts.lines
    ]
    assert lines[start - 2] == []  # a blank line before the table
    header = lines[start - 1]
    assert header[:3] == ["site_id", "org_id", "organisation"]
    # A program reads the table by skipping the lines the first one counts.
    table = pd.read_csv(io.BytesIO(data), skiprows=start - 1, dtype=str, keep_default_na=False)
    assert len(table) == len(real)
    assert list(table["site_id"]) == list(real["site_id"])


def test_about_lines_run_no_formula(real: pd.DataFrame) -> None:
    lines = _csv_lines(to_csv(real, _about(real), "fr"))
    cells = [cell for row in lines for cell in row]
    assert not any(cell.lstrip().startswith(export.FORMULA_TRIGGERS) for cell in cells)
    filters_cell = next(row[1] for row in lines if row and row[0] == "Filtres")
    # Excel splits a Belgian CSV at ';': the part after it is defended too.
    assert ";' @SUM(1)" in filters_cell
    book = load_workbook(io.BytesIO(to_xlsx(real, _about(real), "fr")))
    values = [c.value for row in book["À propos"].iter_rows() for c in row if c.value]
    assert not any(str(v).lstrip().startswith(("=", "@", "+", "-")) for v in values)
    assert all(c.data_type == "s" for row in book["À propos"].iter_rows() for c in row if c.value)


def test_lien_reads_its_own_download_back(real: pd.DataFrame) -> None:
    from lien.ingest.directory import read_directory

    # A "+32" phone gets the spreadsheet apostrophe in any CSV download: left out of this one.
    sites = real[~real["phone"].str.startswith("+")][list(EXPORT_COLUMNS[:23])]
    result = read_directory(to_csv(sites, _about(real)))
    assert not result.problems
    assert list(result.frame["site_id"]) == list(sites["site_id"])
    # Rows keep their line in the file: the header is after the about lines.
    header_line = len(_about(real).lines) + 3
    assert list(result.frame["row"]) == list(range(header_line + 1, header_line + 1 + len(sites)))


@pytest.mark.parametrize("lang", LANGS)
def test_every_line_about_a_download_is_in_its_language(real: pd.DataFrame, lang: str) -> None:
    facts = _about(real, lang)
    lines = _csv_lines(table_csv(real[["site_id"]], facts))
    assert lines[0] == [
        t("about_marker", lang),
        t("about_table_starts", lang, line=len(facts.lines) + 3),
    ]
    labels = [t(f"about_{key}", lang) for key in ("what", "filters", "view", "date", "sources")]
    assert set(labels) <= {row[0] for row in lines[1:] if row}
    book = load_workbook(io.BytesIO(table_xlsx(real[["site_id"]], "x", facts)))
    assert book.sheetnames == ["x", t("sheet_about", lang)]


@pytest.mark.parametrize("lang", LANGS)
def test_lien_reads_back_a_download_made_in_any_language(real: pd.DataFrame, lang: str) -> None:
    from lien.ingest.directory import read_directory

    sites = real[~real["phone"].str.startswith("+")][list(EXPORT_COLUMNS[:23])]
    result = read_directory(to_csv(sites, _about(real, lang)))
    assert not result.problems
    assert list(result.frame["site_id"]) == list(sites["site_id"])


def test_a_download_saved_with_the_earlier_english_marker_still_reads(real: pd.DataFrame) -> None:
    from lien.ingest.directory import read_directory

    sites = real[~real["phone"].str.startswith("+")][list(EXPORT_COLUMNS[:23])]
    data = to_csv(sites, _about(real, "fr")).decode("utf-8-sig")
    # As every download began until the marker followed the visitor's language.
    earlier = data.replace("Lien : à propos de ce fichier", "Lien: about this file", 1)
    assert earlier.startswith("Lien: about this file,")
    result = read_directory(earlier.encode("utf-8-sig"))
    assert not result.problems
    assert list(result.frame["site_id"]) == list(sites["site_id"])


@pytest.mark.parametrize("marker", about_markers())
def test_a_file_that_only_starts_like_one_is_read_as_it_is(marker: str) -> None:
    from lien.ingest import tabular

    text = f"{marker},x\nNom,Services\nMaison,Logement\n"
    table = tabular.read_bytes(text.encode(), "odd.csv")
    assert list(table.frame.columns)[1:] == [marker, "x"]


def test_xlsx_about_sheet_lists_the_facts(real: pd.DataFrame) -> None:
    facts = _about(real, "nl")
    book = load_workbook(io.BytesIO(to_xlsx(real, facts, "nl")))
    assert book.sheetnames == ["sites", "Over dit bestand"]
    rows = [[c.value for c in row] for row in book["Over dit bestand"].iter_rows()]
    assert [r[0] for r in rows] == [label for _, label, _ in facts.lines]
    assert rows[1][1].startswith("'") is False
    assert "Huisvesting" in rows[1][1]
    assert book["Over dit bestand"]["A1"].font.bold


def test_geojson_says_what_it_is_in_a_foreign_member(real: pd.DataFrame) -> None:
    facts = _about(real, "en")
    collection = json.loads(to_geojson(real, facts, "en"))
    assert collection["about"]["lang"] == "en"
    assert collection["about"]["filters"] == dict((k, v) for k, _, v in facts.lines)["filters"]
    assert collection["about"]["date"] == "2026-11-30"
    # GeoJSON is data: the keyword is kept as typed, not defended.
    assert HOSTILE_Q in collection["about"]["filters"]
    assert set(collection) == {"type", "features", "unlocated", "about"}


@pytest.mark.parametrize(
    ("lang", "label"), [("fr", "Logement"), ("nl", "Huisvesting"), ("en", "Housing")]
)
def test_labels_stand_beside_the_codes(real: pd.DataFrame, lang: str, label: str) -> None:
    rows = _csv_rows(to_csv(real, lang=lang))
    header = list(rows[0])
    for column in ("services", "audiences", "languages"):
        assert header.index(f"{column}_label") == header.index(column) + 1
    housing = next(r for r in rows if r["services"].split(";")[0] == "housing")
    assert housing["services_label"].split(";")[0] == label
    csp = next(r for r in rows if r["site_id"] == "csp-bruxelles")
    assert csp["languages"] == "fr;nl"
    assert csp["languages_label"].count(";") == 1
    feature = json.loads(to_geojson(real, lang=lang))["features"][0]["properties"]
    assert feature["services_label"] == ";".join(
        taxonomy.services().label(c, lang) for c in feature["services"].split(";")
    )
    book = load_workbook(io.BytesIO(to_xlsx(real, lang=lang)))
    assert "services_label" in [c.value for c in book["sites"][1]]


def test_table_csv_of_a_coverage_table_says_its_service(real: pd.DataFrame) -> None:
    table = pd.DataFrame({"municipality": ["Namur"], "distance_km": [1.5]})
    facts = _about(real, "fr", service="housing")
    lines = _csv_lines(export.table_csv(table, facts))
    service = next(row for row in lines if row and row[0] == "Service")
    assert service[1] == "Logement (housing)"
    assert lines[-2:] == [["municipality", "distance_km"], ["Namur", "1.50"]]
