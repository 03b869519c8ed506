"""Bad input, case by case: each gets a clear message, no traceback, and the good rows are kept."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pandas as pd
import pytest
from openpyxl import Workbook
from streamlit.testing.v1 import AppTest

from lien import taxonomy
from lien.config import ROOT, MiB  # noqa: E402
from lien.ingest import mapping, tabular, upload
from lien.outputs import export
from lien.problems import DirectoryError, Problem
from lien.render import sites_layer
from tests.support.everyday import HEADER as EVERYDAY_HEADER
from tests.support.everyday import ROWS as EVERYDAY_ROWS
from tests.support.everyday import everyday_csv
from tests.support.html_table import html_frame
from tests.support.markdown import shown as rendered

APP = str(ROOT / "app.py")
DATA_PAGE = "pages/2_Donnees_Gegevens_Data.py"

HEADER = [
    "Nom",
    "Adresse",
    "Code postal",
    "Ville",
    "Services",
    "Téléphone",
    "Courriel",
    "Site web",
    "Description",
]
GOOD = [
    [
        "Croix-Rouge Accueil",
        "Rue Haute 1",
        "1000",
        "Bruxelles",
        "Logement",
        "02 123 45 67",
        "info@example.org",
        "https://example.org",
        "Accueil de jour",
    ],
    ["Vluchtelingenwerk", "Meir 1", "2000", "Antwerpen", "Juridische hulp", "", "", "", ""],
    ["Aide Liège", "", "4000", "Liège", "legal_aid; information", "", "", "", "Permanence"],
]


def _csv(rows: list[list[str]], header: list[str] = HEADER, delimiter: str = ",") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def _bytes(rows: list[list[str]] | None = None, **kwargs: str) -> bytes:
    return _csv(GOOD if rows is None else rows, **kwargs).encode("utf-8")


def _with(index: int, column: str, value: str) -> list[list[str]]:
    """The good rows with one cell replaced; file line = index + 2."""
    rows = [list(r) for r in GOOD]
    rows[index][HEADER.index(column)] = value
    return rows


def _read(data: bytes, name: str = "network.csv", sheet: str | None = None) -> upload.Upload:
    table = tabular.read_bytes(data, name, sheet=sheet)
    return upload.process(table, mapping.guess_mapping(table.frame.columns), name)


def _refusal(data: bytes, name: str = "network.csv") -> str:
    with pytest.raises(DirectoryError) as info:
        _read(data, name)
    (found,) = info.value.problems
    return found.message


def _only(result: upload.Upload, row: int, field: str) -> Problem:
    found = [p for p in result.problems if p.row == row and p.field == field]
    assert len(found) == 1, result.problems
    return found[0]


def _kept(result: upload.Upload) -> list[str]:
    return list(result.frame["organisation"])


def _xlsx(sheets: dict[str, list[list[object]]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- file format and encoding -----------------------------------------------------------------


def test_empty_file() -> None:
    assert _refusal(b"") == "the file is empty: upload the file that holds the table"


def test_file_of_blank_lines() -> None:
    assert _refusal(b" \n\r\n  \n") == "the file is empty: upload the file that holds the table"


def test_header_only() -> None:
    assert _refusal(_csv([]).encode()) == (
        "the file has column names (row 1) but no data below them: add one row per place below"
        " the column names"
    )


@pytest.mark.parametrize(("delimiter", "said"), [(";", "';'"), ("\t", "tab")])
def test_other_delimiters_are_recognised(delimiter: str, said: str) -> None:
    result = _read(_bytes(delimiter=delimiter))
    assert f"columns are separated by {said}" in [n.message for n in result.notes]
    assert _kept(result) == [r[0] for r in GOOD]


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_windows_1252_and_latin_1_keep_their_accents(encoding: str) -> None:
    result = _read(_csv(GOOD).encode(encoding))
    assert "the file is not UTF-8: read as Windows-1252 (Excel's encoding); check the accents" in [
        n.message for n in result.notes
    ]
    assert "Aide Liège" in _kept(result)
    # "Téléphone" was read with its accents, so it was recognised as the phone column.
    assert "02 123 45 67" in set(result.frame["phone"])


def test_utf8_with_a_bom() -> None:
    result = _read(b"\xef\xbb\xbf" + _bytes())
    assert not [n for n in result.notes if n.field == "encoding"]
    assert result.problems == []
    # The BOM is not glued to the first header, so "Nom" maps to the organisation.
    assert _kept(result) == [r[0] for r in GOOD]


def test_utf16_from_excel_unicode_text() -> None:
    result = _read(_csv(GOOD, delimiter="\t").encode("utf-16"))
    assert 'read as UTF-16 (Excel\'s "Unicode text")' in [n.message for n in result.notes]
    assert "Aide Liège" in _kept(result)


def test_xlsx_with_several_sheets_reads_the_first_with_data_and_says_so() -> None:
    data = _xlsx({"Lisez-moi": [], "Bruxelles": [HEADER, GOOD[0]], "Antwerpen": [HEADER, GOOD[1]]})
    result = _read(data, "network.xlsx")
    assert "sheet read: 'Bruxelles'; other sheets ignored: 'Lisez-moi', 'Antwerpen'" in [
        n.message for n in result.notes
    ]
    assert _kept(result) == ["Croix-Rouge Accueil"]
    assert _kept(_read(data, "network.xlsx", sheet="Antwerpen")) == ["Vluchtelingenwerk"]


def test_xlsx_numbers_and_excel_rows() -> None:
    # Excel stores the postcode as the number 1000; problems name the Excel row.
    rows = [HEADER, [*GOOD[0][:2], 1000, *GOOD[0][3:]], [*GOOD[1][:2], 75001, *GOOD[1][3:]]]
    result = _read(_xlsx({"Feuil1": rows}), "network.xlsx")
    assert result.frame.iloc[0]["postcode"] == "1000"
    assert _only(result, 3, "postcode").message == "'75001' is not a Belgian postcode"


@pytest.mark.parametrize(
    ("head", "kind"),
    [(b"\x89PNG\r\n\x1a\n", "PNG"), (b"%PDF-1.7\n", "PDF"), (b"\x00\x01\x02\x03" * 64, "binary")],
)
def test_binary_file_renamed_csv(head: bytes, kind: str) -> None:
    message = _refusal(head + bytes(range(256)) * 8)
    assert message == f"this is not a text table ({kind}); upload a CSV or XLSX file"


def test_old_excel_file() -> None:
    assert _refusal(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "network.xls") == (
        "old Excel format (.xls); save it as .xlsx or CSV"
    )


def test_corrupt_xlsx() -> None:
    assert _refusal(b"PK\x03\x04 not really a zip", "network.xlsx") == (
        "this .xlsx file cannot be read (BadZipFile): open it in your spreadsheet and save it"
        " again as .xlsx, or as CSV"
    )


def test_oversize_file() -> None:
    data = _bytes() + b"x" * (tabular.MAX_UPLOAD_MB * MiB)
    assert _refusal(data) == (
        "the file is 5.0 MB; the limit is 5 MB: remove the columns Lien doesn't use, or split the"
        " file"
    )


def test_xlsx_that_unpacks_beyond_the_limit() -> None:
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * (51 * MiB))
    assert len(packed.getvalue()) < tabular.MAX_UPLOAD_MB * MiB
    assert _refusal(packed.getvalue(), "bomb.xlsx") == (
        "this .xlsx file unpacks to 51 MB; the limit is 50 MB: remove the sheets and pictures"
        " you don't need, or save it as CSV"
    )


# --- columns ----------------------------------------------------------------------------------


@pytest.mark.parametrize("missing", ["Nom", "Services"])
def test_missing_required_column(missing: str) -> None:
    keep = [i for i, h in enumerate(HEADER) if h != missing]
    data = _csv([[r[i] for i in keep] for r in GOOD], [HEADER[i] for i in keep]).encode()
    result = _read(data)
    field = {"Nom": "organisation", "Services": "services"}[missing]
    assert [str(p) for p in result.problems if p.row is None] == [
        f"file, {field}: no column was recognised for this field: choose it above, under “File"
        " columns → Lien fields”, or choose the row of the column names above if Lien took the"
        " wrong one"
    ]
    assert result.refused
    assert result.frame.empty
    # Nothing is lost: every row is handed back to be fixed.
    assert len(result.rejected) == 0
    assert result.rows_read == len(GOOD)


def test_extra_columns_are_ignored_with_a_note() -> None:
    header = [*HEADER, "Remarque interne", "Budget"]
    result = _read(_csv([[*r, "x", "1"] for r in GOOD], header).encode())
    assert "columns Lien does not use, ignored: 'Remarque interne', 'Budget'" in [
        n.message for n in result.notes
    ]
    assert _kept(result) == [r[0] for r in GOOD]


def test_duplicated_column_names() -> None:
    header = [*HEADER, "Nom"]
    result = _read(_csv([[*r, "Autre nom"] for r in GOOD], header).encode())
    assert "column appears 2 times; renamed 'Nom (2)'" in [n.message for n in result.notes]
    assert _kept(result) == [r[0] for r in GOOD]  # the first "Nom" is the one guessed


def test_column_without_a_name() -> None:
    header = [*HEADER, ""]
    result = _read(_csv([[*r, "v"] for r in GOOD], header).encode())
    assert "column 10 has values but no name; named 'column 10'" in [
        n.message for n in result.notes
    ]


def test_row_with_more_cells_than_the_header() -> None:
    rows = [list(r) for r in GOOD]
    rows[1] = [*rows[1], "stray"]
    result = _read(_csv(rows).encode())
    assert _only(result, 3, "file").message == (
        "10 cells but the header has 9 columns; a value probably holds an unquoted ','"
    )
    assert _kept(result) == [GOOD[0][0], GOOD[2][0]]


def test_a_file_in_lien_schema_maps_onto_itself() -> None:
    data = (ROOT / "data" / "organisations.csv").read_bytes()
    table = tabular.read_bytes(data, "organisations.csv")
    guessed = mapping.guess_mapping(table.frame.columns)
    assert all(guessed[name] == name for name in mapping.FIELDS)


# --- values -----------------------------------------------------------------------------------


def test_a_row_without_a_known_service_is_kept_with_its_service_not_stated() -> None:
    # Still a place to go: shown, and the report says which label to fix.
    result = _read(_bytes(_with(1, "Services", "Téléportation")))
    found = _only(result, 3, "services")
    assert found.kept
    assert found.message == (
        "Lien doesn't know the service 'Téléportation': write one of the services listed under"
        " “The file Lien expects” at the bottom of this page (in English, French or Dutch)"
        "; value left out, row kept"
    )
    assert _kept(result) == [r[0] for r in GOOD]
    assert result.warned == 1
    assert result.frame.iloc[1]["services"] == ""
    assert len(result.rejected) == 0


def test_a_row_with_an_empty_services_cell_is_kept_with_nothing_to_fix() -> None:
    result = _read(_bytes(_with(1, "Services", "  ")))
    assert result.problems == []
    assert _kept(result) == [r[0] for r in GOOD]
    assert result.frame.iloc[1]["services"] == ""


def test_a_close_spelling_is_the_service() -> None:
    result = _read(_bytes(_with(1, "Services", "Logment")))
    assert result.problems == []
    assert result.frame.iloc[1]["services"] == "housing"


def test_an_unknown_service_beside_a_known_one_is_left_out_and_the_row_kept() -> None:
    result = _read(_bytes(_with(1, "Services", "Juridische hulp; Téléportation")))
    found = _only(result, 3, "services")
    assert found.kept
    assert found.message == (
        "Lien doesn't know the service 'Téléportation': write one of the services listed under"
        " “The file Lien expects” at the bottom of this page (in English, French or Dutch)"
        "; value left out, row kept"
    )
    assert _kept(result) == [r[0] for r in GOOD]
    assert result.warned == 1
    assert result.frame.iloc[1]["services"] == "legal_aid"
    assert len(result.rejected) == 0


def test_a_label_near_but_not_close_enough_gets_a_did_you_mean() -> None:
    result = _read(_bytes(_with(1, "Services", "Hébergement")))
    found = _only(result, 3, "services")
    assert found.kept
    assert len(result.frame) == 3
    assert result.frame.iloc[1]["services"] == ""
    assert found.text("en") == (
        "Lien doesn't know the service 'Hébergement': did you mean Citizen hosting (hosting)? Then"
        " write that name; otherwise one of the services listed under “The file Lien expects” at"
        " the bottom of this page; value left out, row kept"
    )
    assert "vouliez-vous dire Hébergement chez l'habitant (hosting) ?" in found.text("fr")
    assert "bedoelde u Opvang bij burgers (hosting)?" in found.text("nl")
    # A label is never called a code.
    assert all("code" not in found.text(lang) for lang in ("fr", "nl", "en"))


def test_service_labels_in_any_language_become_codes() -> None:
    result = _read(_bytes())
    assert list(result.frame["services"]) == ["housing", "legal_aid", "legal_aid;information"]


def test_a_coordinators_everyday_file_keeps_all_its_rows() -> None:
    """15 rows in Windows-1252 with ';' and the labels people write: none is set aside."""
    result = upload.check_upload(everyday_csv(), "reseau.csv")
    assert isinstance(result, upload.Upload)
    assert result.rows_read == len(result.frame) == 15
    assert len(result.rejected) == 0
    assert list(result.problems) == []
    assert result.warned == 0
    assert result.mapping["audiences"] == "Public"
    assert result.mapping["city"] == "Commune"
    by_name = result.frame.set_index("organisation")
    every = ";".join(taxonomy.audiences().codes)
    assert by_name.at["Maison d'accueil Exemple", "audiences"] == "refugees"  # "Réfugiés"
    assert by_name.at["Vluchtelingenhuis Voorbeeld", "audiences"] == "refugees"
    assert by_name.at["Tuteurs Exemple", "audiences"] == "unaccompanied_minors"
    assert by_name.at["Tuteurs Exemple", "services"] == "minors"  # "Tutelle des mineurs"
    assert by_name.at["Parrainage Exemple", "audiences"] == every  # "Tout public"
    assert by_name.at["Parrainage Exemple", "services"] == "mentoring"
    assert by_name.at["Culture Exemple", "services"] == "culture"  # "Activités culturelles"
    assert by_name.at["Sans-papiers Exemple", "audiences"] == "undocumented"
    assert result.frame["latitude"].notna().all()


def test_an_unknown_audience_is_reported_and_left_out_and_its_row_kept() -> None:
    rows = list(EVERYDAY_ROWS)
    rows[0] = rows[0].replace(";Réfugiés;", ";Réfugiés, Martiens;")
    rows[1] = rows[1].replace(";Demandeurs d'asile;", ";Marsiens;")
    data = ("\r\n".join((EVERYDAY_HEADER, *rows)) + "\r\n").encode("cp1252")
    result = upload.check_upload(data, "reseau.csv")
    assert isinstance(result, upload.Upload)
    assert len(result.frame) == 15
    assert len(result.rejected) == 0
    assert result.warned == 2
    assert [(p.row, p.field, p.code, p.kept) for p in result.problems] == [
        (2, "audiences", "unknown_audience_label", True),
        (3, "audiences", "unknown_audience_label", True),
    ]
    assert list(result.frame["audiences"][:2]) == ["refugees", ""]
    found = result.problems[0]
    assert found.text("fr") == (
        "Lien ne connaît pas le public 'Martiens' : écrivez l'un des publics de la liste « Le"
        " fichier attendu », en bas de cette page (en français, néerlandais ou anglais) ; valeur"
        " laissée de côté, ligne gardée"
    )
    assert found.text("nl") == (
        "Lien kent de doelgroep 'Martiens' niet: schrijf een doelgroep uit de lijst 'Het verwachte"
        " bestand' onderaan deze pagina (in het Nederlands, Frans of Engels); waarde weggelaten,"
        " rij behouden"
    )
    assert found.text("en").endswith("; value left out, row kept")
    # The cleaned download is a valid directory with the value gone.
    cleaned = export.to_csv(upload.cleaned(result.frame))
    assert "Martiens" not in cleaned.decode("utf-8-sig")


def test_a_near_audience_is_suggested() -> None:
    rows = list(EVERYDAY_ROWS)
    rows[0] = rows[0].replace(";Réfugiés;", ";Reconnus;")
    rows[1] = rows[1].replace(";Demandeurs d'asile;", ";Réfugiés politiques;")
    data = ("\r\n".join((EVERYDAY_HEADER, *rows)) + "\r\n").encode("cp1252")
    result = upload.check_upload(data, "reseau.csv")
    assert isinstance(result, upload.Upload)
    (found,) = result.problems
    # "Reconnus" is only a word of a name ("réfugiés reconnus"): Lien is unsure, so it asks.
    assert found.row == 2
    assert found.kept
    assert "did you mean" in found.text("en")
    assert "(refugees)" in found.text("en")
    # A name found whole in the label is the audience: no question asked.
    assert result.frame.set_index("row").at[3, "audiences"] == "refugees"


def test_non_belgian_postcode() -> None:
    result = _read(_bytes(_with(0, "Code postal", "75001")))
    assert _only(result, 2, "postcode").message == "'75001' is not a Belgian postcode"
    assert _kept(result) == [GOOD[1][0], GOOD[2][0]]


def _with_coordinates(lat: str, lon: str) -> bytes:
    header = [*HEADER, "Latitude", "Longitude"]
    rows = [[*r, "", ""] for r in GOOD]
    rows[0][-2:] = [lat, lon]
    return _csv(rows, header).encode()


def test_coordinates_outside_belgium() -> None:
    result = _read(_with_coordinates("48.8566", "2.3522"))
    assert _only(result, 2, "latitude").message == "(48.8566, 2.3522) is outside Belgium"
    assert len(result.frame) == 2


def test_swapped_latitude_and_longitude() -> None:
    result = _read(_with_coordinates("4.3517", "50.8503"))
    assert _only(result, 2, "latitude").message == (
        "(4.3517, 50.8503) is outside Belgium; latitude and longitude look swapped"
    )
    assert len(result.frame) == 2


@pytest.mark.parametrize("value", ["NaN", "fifty", "inf"])
def test_nan_or_text_in_numeric_fields(value: str) -> None:
    result = _read(_with_coordinates(value, "4.35"))
    assert _only(result, 2, "latitude").message == f"'{value}' is not a number"
    assert len(result.frame) == 2


def test_decimal_comma_is_read_as_a_point() -> None:
    result = _read(_with_coordinates("50,8466", "4,3528"))
    assert result.problems == []
    assert result.frame.iloc[0]["latitude"] == pytest.approx(50.8466)


def test_duplicate_sites() -> None:
    result = _read(_bytes([*GOOD, GOOD[0]]))
    assert _only(result, 5, "site").message == (
        "duplicate of row 2 (same organisation, site and place)"
    )
    assert _kept(result) == [r[0] for r in GOOD]


def test_very_long_text_in_a_required_field_sets_the_row_aside() -> None:
    result = _read(_bytes(_with(2, "Nom", "a" * 501)))
    assert _only(result, 4, "organisation").message == "501 characters; at most 500"
    assert len(result.frame) == 2


def test_very_long_text_in_an_optional_field_is_left_out() -> None:
    result = _read(_bytes(_with(2, "Description", "a" * 6000)))
    found = _only(result, 4, "description")
    assert found.kept
    assert found.message == "6000 characters; at most 5000; value left out, row kept"
    assert len(result.frame) == 3
    assert result.frame.iloc[2]["description"] == ""


def test_only_whitespace_in_a_required_field() -> None:
    result = _read(_bytes(_with(0, "Nom", "   \t ")))
    assert _only(result, 2, "organisation").message == "required value is empty"
    assert _kept(result) == [GOOD[1][0], GOOD[2][0]]


def test_only_whitespace_rows_are_skipped() -> None:
    result = _read(_bytes([GOOD[0], [" "] * len(HEADER), GOOD[1]]))
    assert result.problems == []
    assert result.rows_read == 2


def test_messages_exist_in_french_and_dutch() -> None:
    found = _only(_read(_bytes(_with(0, "Code postal", "75001"))), 2, "postcode")
    assert found.text("fr") == "'75001' n'est pas un code postal belge"
    assert found.text("nl") == "'75001' is geen Belgische postcode"


# --- injection --------------------------------------------------------------------------------

HOSTILE = {
    "Nom": "<script>alert('nom')</script>",
    "Adresse": "<img src=x onerror=alert(1)>",
    "Description": '"><svg onload=alert(2)>',
}


def test_html_and_javascript_in_text_fields_stay_text() -> None:
    rows = [list(r) for r in GOOD]
    for column, value in HOSTILE.items():
        rows[0][HEADER.index(column)] = value
    result = _read(_bytes(rows))
    assert result.problems == []
    assert _kept(result)[0] == HOSTILE["Nom"]  # kept as the user wrote it, shown as text
    html = json.dumps(sites_layer.popup(result.frame.iloc[0].to_dict(), "fr"))
    assert "&lt;script&gt;" in html
    assert "<img" not in html
    assert "<svg" not in html
    # The preview map of the Data page: the generated script holds the values only escaped.
    at = _data_page(_bytes(rows), "hostile.csv")
    assert not at.exception
    component = next(
        e
        for e in at.get("component_instance")
        if e.proto.component_name == "streamlit_folium.st_folium"
    )
    args = json.loads(component.proto.json_args)
    script = args["script"] + args["feature_group"]
    for raw in ("<script>alert", "<img src=x", "<svg onload"):
        assert raw not in script
    assert "&lt;img src=x onerror=alert(1)&gt;" in script
    # The preview table is a data grid: the name is a plain cell value, never markup.
    assert HOSTILE["Nom"] in list(at.dataframe[0].value.iloc[:, 0])


def test_javascript_url_is_refused() -> None:
    result = _read(_bytes(_with(0, "Site web", "javascript:alert(document.cookie)")))
    assert _only(result, 2, "website").message == (
        "'javascript:alert(document.cookie)' is not a web address (http or https)"
        "; value left out, row kept"
    )
    # The row is shown, without the address that is not one.
    assert len(result.frame) == 3
    assert result.frame.iloc[0]["website"] == ""
    assert "javascript" not in upload.cleaned(result.frame).to_csv()


@pytest.mark.parametrize(
    "value",
    [
        '=HYPERLINK("http://evil.example","clic")',
        "+cmd|' /C calc'!A0",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "-2+3+cmd|' /C calc'!A0",
    ],
)
def test_spreadsheet_formulas_are_neutralised_in_every_download(value: str) -> None:
    result = _read(_bytes(_with(0, "Description", value)))
    assert result.problems == []
    cleaned = upload.cleaned(result.frame)
    text = export.to_csv(cleaned).decode("utf-8-sig")
    assert f"'{value}" in text.replace('""', '"')
    reread = pd.read_excel(io.BytesIO(export.to_xlsx(cleaned)), dtype=str)
    assert reread.iloc[0]["description"] == f"'{value}"


def test_formula_in_a_phone_number_is_refused() -> None:
    result = _read(_bytes(_with(0, "Téléphone", "+cmd|' /C calc'!A0")))
    assert _only(result, 2, "phone").message == (
        "\"+cmd|' /C calc'!A0\" is not a phone number; value left out, row kept"
    )
    assert result.frame.iloc[0]["phone"] == ""


def test_rejected_rows_download_keeps_the_row_and_neutralises_it() -> None:
    rows = _with(0, "Ville", '=HYPERLINK("http://evil.example")')
    rows[0][HEADER.index("Code postal")] = ""
    result = _read(_bytes(rows))
    set_aside = upload.rejected_rows(result)
    assert list(set_aside["Nom"]) == [GOOD[0][0]]
    assert "is not a Belgian municipality or locality" in set_aside.iloc[0]["problems"]
    assert "'=HYPERLINK" in export.table_csv(set_aside).decode("utf-8-sig")


# --- through the pages: the message is shown, in the page's language, and nothing crashes ------


def _data_page(data: bytes, name: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page(DATA_PAGE).run()
    at.file_uploader(key="upload_file").set_value((name, data, "text/csv"))
    return at.run()


@pytest.mark.parametrize(
    ("data", "name", "shown"),
    [
        (b"", "vide.csv", "le fichier est vide : envoyez le fichier qui contient le tableau"),
        (
            b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4,
            "photo.csv",
            "ce n'est pas un tableau texte (PNG) ; envoyez un fichier CSV ou XLSX",
        ),
        (
            _bytes() + b"x" * (tabular.MAX_UPLOAD_MB * MiB),
            "gros.csv",
            "le fichier fait 5.0 Mo ; la limite est de 5 Mo : retirez les colonnes dont Lien n'a"
            " pas besoin, ou partagez le fichier en plusieurs",
        ),
    ],
)
def test_data_page_refuses_unreadable_files_plainly(data: bytes, name: str, shown: str) -> None:
    at = _data_page(data, name)
    assert not at.exception
    # One red box: what can't be read, then why and what to do, never an empty colon.
    heading, reasons = rendered(at.error[0].value).split("\n\n")
    assert heading == f"{name} ne peut pas être lu :"
    assert reasons == f"- {shown}"


def test_data_page_lists_problems_with_row_and_field_and_keeps_good_rows() -> None:
    at = _data_page(_bytes(_with(1, "Code postal", "75001")), "reseau.csv")
    assert not at.exception
    assert [m.value for m in at.metric] == ["3", "2", "0", "1", "1"]
    report = html_frame(at, "Problèmes à corriger")
    assert report.iloc[0].tolist() == ["3", "postcode", "'75001' n'est pas un code postal belge"]


# --- URL parameters ---------------------------------------------------------------------------


def _app(**params: str | list[str]) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for name, value in params.items():
        at.query_params[name] = value
    return at.run()


def _sidebar_warnings(at: AppTest) -> list[str]:
    return [rendered(w.value) for w in at.sidebar.warning]


def test_unknown_url_values() -> None:
    at = _app(service="teleportation", lang="xx")
    assert not at.exception
    assert _sidebar_warnings(at) == [
        "Paramètre d'URL ignoré : service=teleportation",
        "Paramètre d'URL ignoré : lang=xx",
    ]


def test_huge_url_values() -> None:
    at = _app(q="a" * 100_000, service=",".join(["x"] * 5_000))
    assert not at.exception
    warnings = _sidebar_warnings(at)
    assert len(warnings) == 10
    assert warnings[-1] == "Paramètre d'URL ignoré : …=+4992"
    assert at.sidebar.text_input(key="f_q").value == "a" * 200


def test_repeated_url_parameters() -> None:
    at = _app(lang=["en", "nl"], service=["housing", "legal_aid", "housing"])
    assert not at.exception
    # The last value wins, in Dutch here; the earlier one is reported, not silently dropped.
    assert _sidebar_warnings(at) == ["URL-parameter genegeerd: lang=en"]
    assert at.sidebar.multiselect(key="f_service").value == ["housing", "legal_aid"]
