"""A Flemish partner list as people make it (tests/support/flemish.py): a title row, a blank row,
the column names on row 3, services and audiences written as free text. Each test is one of the
coordinator's problems of issue 27, as it now ends."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from lien import taxonomy
from lien.i18n import LANGS, t
from lien.ingest import directory, tabular, upload
from lien.outputs import export
from lien.outputs.about import describe
from lien.schema import split_codes
from tests.support.flemish import (
    EXPECTED_SERVICES,
    HEADER_ROW,
    NAME,
    ROWS,
    TITLE,
    partners_csv,
    partners_xlsx,
)

# The row of ROWS whose only service, "tolken en vertalen", Lien has no code for.
INTERPRETING = 3


def _checked(data: bytes, name: str = NAME, header: int | None = None) -> upload.Upload:
    result = upload.check_upload(data, name, header=header)
    assert isinstance(result, upload.Upload)
    return result


def _excel_row(index: int) -> int:
    """The Excel row (or CSV line) of ROWS[index]."""
    return HEADER_ROW + 1 + index


@pytest.mark.parametrize(
    ("data", "name"),
    [(partners_xlsx(), NAME), (partners_csv(), "partners_vlaanderen.csv")],
    ids=["xlsx", "csv"],
)
def test_the_header_is_found_below_the_title_and_every_row_is_read(data: bytes, name: str) -> None:
    result = _checked(data, name)
    assert result.header_row == HEADER_ROW
    assert result.rows_read == len(ROWS)
    note = result.notes[0]
    assert note.code == "header_skipped_note"
    assert note.text("nl").startswith("kolomnamen gevonden op rij 3; de rijen erboven")
    assert result.mapping["organisation"] == "Organisatie"
    assert result.mapping["services"] == "Diensten"
    assert result.mapping["audiences"] == "Doelgroep"
    assert result.mapping["hours"] == "Openingsuren"
    # Every row names an organisation and a place: every one is kept, the one whose service
    # Lien lacks too (with its service not stated).
    assert len(result.frame) == len(ROWS)
    assert len(result.rejected) == 0
    assert TITLE not in result.columns


def test_the_same_list_without_its_title_rows_reads_the_same() -> None:
    bare = _checked(partners_xlsx(title_rows=False))
    titled = _checked(partners_xlsx())
    assert bare.header_row == 1
    assert bare.notes[0].text("en") == "column names read from row 1"
    assert list(bare.frame["services"]) == list(titled.frame["services"])


def test_free_text_services_and_audiences_become_their_codes() -> None:
    result = _checked(partners_xlsx())
    by_row = result.frame.set_index("row")
    for index, expected in enumerate(EXPECTED_SERVICES):
        assert tuple(split_codes(by_row.at[_excel_row(index), "services"])) == expected, ROWS[index]
    audiences = by_row["audiences"].tolist()
    assert "unaccompanied_minors" in audiences
    assert "young_people" in audiences
    # Every audience understood: the one row kept with a value left out is the interpreting
    # service's, for that service.
    assert result.warned == 1
    assert [(p.row, p.field) for p in result.problems] == [(_excel_row(INTERPRETING), "services")]


def test_a_service_lien_lacks_is_said_plainly_never_as_a_code_nor_a_wrong_guess() -> None:
    result = _checked(partners_xlsx())
    (found,) = result.problems
    assert (found.row, found.field, found.code, found.kept) == (
        _excel_row(INTERPRETING),
        "services",
        "unknown_service_label",
        True,
    )
    assert dict(found.params).get("suggest") is None  # not "information, minors, awareness"
    assert found.text("nl") == (
        "Lien kent de dienst 'tolken en vertalen' niet: schrijf een dienst uit de lijst 'Het"
        " verwachte bestand' onderaan deze pagina (in het Nederlands, Frans of Engels); waarde"
        " weggelaten, rij behouden"
    )
    for lang in LANGS:
        assert "code" not in found.text(lang)
        # The list it points to is the Data page's, by the name it has there.
        assert t("schema_heading", lang) in found.text(lang)


def test_interpreting_is_no_service_code_of_lien() -> None:
    """The fixture's expectation rests on a fact of data/services.csv: were an interpreting
    service added, "tolken en vertalen" must become it (and this test says to update the row)."""
    services = taxonomy.services()
    named = {term.label("en").lower() for term in services.terms.values()}
    assert not any("interpret" in label or "translat" in label for label in named)


def test_a_workbook_row_never_gets_advice_about_csv_quoting() -> None:
    # The coordinator picks row 1 (the title) by mistake: the rows below have more cells than
    # the title; in a workbook that widens the table, it never sets rows aside as a CSV would.
    result = _checked(partners_xlsx(), header=1)
    assert result.header_row == 1
    assert not [p for p in result.problems if p.code == "extra_cells"]
    assert all(p.row is None for p in result.problems)
    assert [(p.field, p.code) for p in result.problems] == [
        ("organisation", "unmapped_column"),
        ("services", "unmapped_column"),
    ]
    # What to do is said: the mapping, or the row of the column names.
    assert "Kolommen van het bestand → velden van Lien" in result.problems[0].text("nl")
    assert "rij met de kolomnamen" in result.problems[0].text("nl")


def test_the_coordinator_chooses_the_row_of_the_column_names() -> None:
    chosen = _checked(partners_xlsx(), header=HEADER_ROW)
    assert chosen.header_row == HEADER_ROW
    assert len(chosen.frame) == len(ROWS)
    refused = upload.check_upload(partners_xlsx(), NAME, header=40)
    assert isinstance(refused, upload.Refusal)
    (why,) = refused.problems
    assert why.text("fr") == (
        "la ligne 40 est vide ou après la fin du fichier : choisissez la ligne qui porte les noms"
        " de colonnes"
    )


def test_the_header_row_of_a_csv_is_its_line() -> None:
    table = tabular.read_bytes(
        partners_csv(delimiter=","), "p.csv", header=tabular.HeaderChoice(HEADER_ROW)
    )
    assert table.header_row == HEADER_ROW
    assert list(table.frame["row"])[:2] == [HEADER_ROW + 1, HEADER_ROW + 2]
    assert list(table.frame.columns)[1:3] == ["Organisatie", "Adres"]


def test_street_addresses_placed_at_their_postcode_say_how_to_get_the_street() -> None:
    result = _checked(partners_xlsx())
    (note,) = [n for n in result.notes if n.code == "street_precision_note"]
    kept = len(ROWS)
    assert dict(note.params) == {"count": str(kept), "total": str(kept)}
    text = note.text("en")
    assert text.startswith(
        "sites with a street address placed at the centre of their postcode or commune:"
        f" {kept} of {kept}. The geocoder for files uploaded here works offline"
    )
    assert '"latitude" and "longitude" columns' in text
    assert "LIEN_GEOCODER=nominatim" in text
    assert set(result.frame["coord_precision"]) == {"postcode"}


def test_sites_with_their_coordinates_need_no_such_note() -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["Organisatie", "Adres", "Postcode", "Gemeente", "Diensten", "lat", "lon"])
    sheet.append(["Voorbeeld vzw", "Voorbeeldstraat 1", 9000, "Gent", "huisvesting", 51.05, 3.72])
    out = io.BytesIO()
    book.save(out)
    result = _checked(out.getvalue(), "coords.xlsx")
    assert len(result.frame) == 1
    assert not [n for n in result.notes if n.code == "street_precision_note"]


def test_the_cleaned_file_names_the_coordinators_file_not_the_brochure() -> None:
    result = _checked(partners_xlsx())
    for lang in LANGS:
        what = t("about_cleaned", lang, name=result.name, count=len(result.frame))
        data = export.to_csv(upload.cleaned(result.frame), describe(lang, what, result.frame))
        head = data.decode("utf-8-sig").split("\r\n\r\n")[0]
        assert "2016" not in head
        assert "brochure" not in head.lower()
        assert t("source_warning_file", lang, sources=NAME) in head
        # And the file loads back as a directory.
        assert directory.read_directory(data).problems == []
