"""The loader: the real file is valid, and broken files are refused with row and field."""

from __future__ import annotations

import csv
import io
import math

import pytest

from lien.config import ORGANISATIONS_CSV
from lien.ingest import directory
from lien.ingest.directory import DirectoryError, load_directory, read_directory
from lien.problems import Problem, problem


def _rows() -> list[dict[str, str]]:
    with ORGANISATIONS_CSV.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _csv(rows: list[dict[str, str]], fields: list[str] | None = None) -> bytes:
    fields = fields or list(rows[0])
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _problems(data: bytes) -> list[Problem]:
    with pytest.raises(DirectoryError) as info:
        load_directory(data)
    return info.value.problems


def _only(problems: list[Problem], row: int, field: str) -> Problem:
    matching = [p for p in problems if p.row == row and p.field == field]
    assert matching, f"no problem at row {row}, {field}; got {[str(p) for p in problems]}"
    return matching[0]


def test_real_directory_is_valid_and_complete() -> None:
    frame = load_directory()
    assert len(frame) == len(_rows()) == 32
    assert frame["org_id"].nunique() == 23
    placed = frame[frame["precision"].isin(("address", "postcode", "locality"))]
    assert placed["latitude"].notna().all()
    assert placed["province_code"].ne("").all()
    unplaced = frame[frame["precision"].isin(("national", "online"))]
    assert unplaced["latitude"].isna().all()


def test_row_numbers_are_file_lines() -> None:
    frame = load_directory()
    assert list(frame["row"]) == list(range(2, 2 + len(frame)))


def test_offline_coordinates_are_honest_about_precision() -> None:
    frame = load_directory().set_index("site_id")
    # A street address without the internet is only placed at its postcode centroid.
    assert frame.at["cpas-thuin", "precision"] == "address"
    assert frame.at["cpas-thuin", "coord_precision"] == "postcode"
    assert frame.at["apd-namur", "coord_precision"] == "locality"
    assert set(frame["coord_precision"]) <= {"postcode", "locality", ""}


def test_unknown_service_code_names_row_and_field() -> None:
    rows = _rows()
    rows[3]["services"] = "housing;houseing"
    p = _only(_problems(_csv(rows)), 5, "services")
    assert "unknown service code 'houseing'" in p.message


def test_unknown_audience_and_language_codes() -> None:
    rows = _rows()
    rows[0]["audiences"] = "aliens"
    rows[1]["languages"] = "fr;xx"
    problems = _problems(_csv(rows))
    assert "unknown audience code 'aliens'" in _only(problems, 2, "audiences").message
    assert "'xx'" in _only(problems, 3, "languages").message


def test_a_problem_in_an_optional_value_keeps_the_site_without_it() -> None:
    rows = _rows()
    rows[0]["audiences"] = "refugees;aliens"
    rows[1]["languages"] = "fr;xx"
    rows[2]["email"] = "someone@"
    rows[3]["source_date"] = "2016-13"
    rows[4]["services"] = "housing;houseing"
    result = read_directory(_csv(rows))
    assert result.rejected_rows == []
    assert len(result.frame) == len(rows)
    assert {(p.row, p.field) for p in result.problems} == {
        (2, "audiences"),
        (3, "languages"),
        (4, "email"),
        (5, "source_date"),
        (6, "services"),
    }
    assert all(p.kept for p in result.problems)
    frame = result.frame.set_index("row")
    assert frame.at[2, "audiences"] == "refugees"
    assert frame.at[3, "languages"] == "fr"
    assert frame.at[4, "email"] == ""
    assert frame.at[5, "source_date"] == ""
    assert frame.at[6, "services"] == "housing"
    # A code Lien's own schema misspells gets a suggestion, in the page's language.
    houseing = next(p for p in result.problems if p.field == "services")
    assert houseing.text("en") == (
        "unknown service code 'houseing' — did you mean Housing (housing)?"
        "; value left out, row kept"
    )
    shared = directory.load_shared(str(ORGANISATIONS_CSV))
    assert shared.warned == 0
    assert shared.hidden == 0


def test_a_row_that_cannot_be_shown_is_set_aside() -> None:
    rows = _rows()
    rows[1]["organisation"] = ""
    rows[2]["latitude"], rows[2]["longitude"] = "48.8566", "2.3522"
    result = read_directory(_csv(rows))
    assert result.rejected_rows == [3, 4]
    assert not any(p.kept for p in result.problems)


def test_a_site_whose_services_lien_does_not_know_is_kept_without_them() -> None:
    # Still a place to go, which the coordinator's file names: shown, and the report says which
    # label to fix.
    rows = _rows()
    rows[0]["services"] = "houseing"
    rows[1]["services"] = ""
    result = read_directory(_csv(rows))
    assert result.rejected_rows == []
    kept = result.frame.set_index("row")
    assert kept.at[2, "services"] == ""
    assert kept.at[3, "services"] == ""
    (unknown,) = [p for p in result.problems if p.field == "services"]
    assert unknown.kept
    assert unknown.row == 2
    assert "houseing" in unknown.text("en")


def test_non_belgian_postcode() -> None:
    rows = _rows()
    rows[14]["postcode"] = "75001"
    assert (
        "'75001' is not a Belgian postcode" in _only(_problems(_csv(rows)), 16, "postcode").message
    )


def test_coordinates_outside_belgium_and_swapped() -> None:
    rows = _rows()
    rows[1]["latitude"], rows[1]["longitude"] = "48.8566", "2.3522"  # Paris
    rows[2]["latitude"], rows[2]["longitude"] = "4.8675", "50.4669"  # Namur, swapped
    problems = _problems(_csv(rows))
    assert "outside Belgium" in _only(problems, 3, "latitude").message
    assert "look swapped" in _only(problems, 4, "latitude").message


def test_text_in_coordinates_and_half_coordinates() -> None:
    rows = _rows()
    rows[1]["latitude"], rows[1]["longitude"] = "fifty", "4.8"
    rows[2]["latitude"] = "50.45"
    problems = _problems(_csv(rows))
    assert "'fifty' is not a number" in _only(problems, 3, "latitude").message
    assert "both latitude and longitude" in _only(problems, 4, "longitude").message


def test_duplicate_rows() -> None:
    rows = _rows()
    copy = dict(rows[1], site_id="apd-namur-bis")
    rows.append(copy)
    p = _only(_problems(_csv(rows)), len(rows) + 1, "site")
    assert "duplicate of row 3" in p.message


def test_missing_required_values() -> None:
    rows = _rows()
    rows[4]["organisation"] = "   "
    rows[5]["source"] = ""
    rows[6]["services"] = ""  # not stated: the site is kept, and nothing is wrong with it
    problems = _problems(_csv(rows))
    assert _only(problems, 6, "organisation").message == "required value is empty"
    assert _only(problems, 7, "source").message == "required value is empty"
    assert not [p for p in problems if p.row == 8]


def test_missing_required_column_refuses_whole_file() -> None:
    rows = _rows()
    fields = [f for f in rows[0] if f != "precision"]
    problems = _problems(_csv(rows, fields))
    assert [str(p) for p in problems] == ["file, precision: required column is missing"]


def test_unknown_precision_and_place_requirements() -> None:
    rows = _rows()
    rows[1]["precision"] = "street"
    rows[2]["city"] = ""
    rows[3]["city"] = "Atlantis"
    rows[5]["latitude"], rows[5]["longitude"] = "50.85", "4.35"  # a national row with coordinates
    problems = _problems(_csv(rows))
    assert "'street' is not one of" in _only(problems, 3, "precision").message
    assert "needs a city or a postcode" in _only(problems, 4, "city").message
    assert "'Atlantis' is not a Belgian municipality" in _only(problems, 5, "city").message
    assert "national site has no coordinates" in _only(problems, 7, "latitude").message


def test_bad_contacts_and_dates() -> None:
    rows = _rows()
    rows[0]["email"] = "someone@"
    rows[1]["website"] = "javascript:alert(1)"
    rows[2]["phone"] = "call me"
    rows[3]["source_date"] = "2016-13"
    problems = _problems(_csv(rows))
    assert "'someone@' is not an e-mail address" in _only(problems, 2, "email").message
    assert "is not a web address" in _only(problems, 3, "website").message
    assert "'call me' is not a phone number" in _only(problems, 4, "phone").message
    assert "'2016-13' is not a date" in _only(problems, 5, "source_date").message


def test_same_org_id_with_two_names() -> None:
    rows = _rows()
    rows[1]["organisation"] = "Another name"
    assert (
        "differs from 'Aide aux Personnes Déplacées'"
        in _only(_problems(_csv(rows)), 3, "organisation").message
    )


def test_an_empty_file_is_refused_readably() -> None:
    assert [str(p) for p in _problems(b"")] == [
        "file, file: the file is empty: upload the file that holds the table"
    ]


def test_a_windows_1252_file_is_read_with_a_note() -> None:
    text = ORGANISATIONS_CSV.read_text(encoding="utf-8")
    result = read_directory(text.encode("cp1252", errors="replace"))
    (note,) = result.notes
    assert note.field == "encoding"
    assert "Windows-1252" in note.message
    assert set(result.frame["organisation"]) >= {"Aide aux Personnes Déplacées"}


def test_error_message_lists_every_problem_readably() -> None:
    rows = _rows()
    rows[0]["services"] = "nope"
    rows[1]["postcode"] = "99999"
    with pytest.raises(DirectoryError) as info:
        load_directory(_csv(rows))
    text = str(info.value)
    assert "refused: 2 problems" in text
    assert "- row 2, services: unknown service code 'nope'" in text
    assert "- row 3, postcode: '99999' is not a Belgian postcode" in text


def test_read_directory_keeps_good_rows() -> None:
    rows = _rows()
    rows[0]["latitude"], rows[0]["longitude"] = "48.8566", "2.3522"  # Paris: nowhere to show it
    result = read_directory(_csv(rows))
    assert result.rejected_rows == [2]
    assert len(result.frame) == len(rows) - 1
    assert "apd-liege" not in set(result.frame["site_id"])


def test_manual_coordinates_override_geocoding() -> None:
    rows = _rows()
    rows[0]["latitude"], rows[0]["longitude"] = "50.6412", "5.5718"
    frame = load_directory(_csv(rows)).set_index("site_id")
    assert math.isclose(frame.at["apd-liege", "latitude"], 50.6412)
    assert frame.at["apd-liege", "coord_source"] == "manual"
    # The row says its place is known to the town: coordinates given for it are no more precise.
    assert frame.at["apd-liege", "coord_precision"] == "locality"
    assert frame.at["apd-liege", "province_code"] == "60000"


def test_problems_frame_columns_in_each_language() -> None:
    found = [problem(3, "postcode", "postcode", value="'75001'")]
    table = directory.problems_frame(found)
    assert list(table.columns) == ["row", "field", "message"]
    assert table.iloc[0].tolist() == [3, "postcode", "'75001' is not a Belgian postcode"]
    assert directory.problems_frame(found, "fr").iloc[0]["message"] == (
        "'75001' n'est pas un code postal belge"
    )
    assert directory.problems_frame(found, "nl").iloc[0]["message"] == (
        "'75001' is geen Belgische postcode"
    )
