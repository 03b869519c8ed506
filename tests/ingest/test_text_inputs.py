"""Hostile text inputs (issue 27): characters no text needs are removed on the way in (the table
reader) and can't reach a download on the way out (the exports); UTF-32 is read as UTF-32. Every
download is read back through Lien's own readers."""

from __future__ import annotations

import io
import json
import zipfile

import pandas as pd
import pytest

from lien.ingest import directory, hsds, tabular, upload
from lien.outputs import export
from lien.outputs import hsds as hsds_out
from lien.outputs.about import describe

HEADER = "Nom;Adresse;Code postal;Commune;Services;Description"
# What a hostile or broken file carries inside its cells: NUL, noncharacters (which XML forbids),
# C1 controls, DEL; and a vertical tab or a "next line" standing for a line break.
HOSTILE = "\x00\ufffe\uffff\U0001fffe\ufdd0\x9f\x7f\x01"
BREAKS = "\x0b\x85"
ROWS = (
    f"Accueil{HOSTILE} Exemple;Rue Haute 1;1000;Bruxelles;Logement;ligne un\x0bligne\x85deux",
    f"Aide Exemple;Rue de Fer 1;5000;Namur;Aide juridique;{HOSTILE}texte",
)


def _text(hostile: str = HOSTILE) -> str:
    return "\r\n".join((HEADER, *(r.replace(HOSTILE, hostile) for r in ROWS))) + "\r\n"


def _clean(value: str) -> bool:
    return not any(ch in value for ch in HOSTILE + BREAKS)


def _checked(data: bytes, name: str = "hostile.csv") -> upload.Upload:
    result = upload.check_upload(data, name)
    assert isinstance(result, upload.Upload)
    return result


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-16-be", "utf-32", "utf-32-be"])
def test_control_characters_are_removed_on_the_way_in(encoding: str) -> None:
    # A NUL in a file without a byte order mark makes it binary (refused as such); UTF-16 and
    # UTF-32 files announce themselves, and their NULs are read and removed.
    text = _text(HOSTILE.replace("\x00", "") if encoding == "utf-8" else HOSTILE)
    data = text.encode(encoding)
    if encoding.endswith("-be"):  # a byte order mark, as Excel and Notepad write one
        data = ("\ufeff" + text).encode(encoding)
    result = _checked(data)
    assert len(result.frame) == 2, [p.message for p in result.problems]
    assert list(result.frame["organisation"]) == ["Accueil Exemple", "Aide Exemple"]
    assert all(_clean(v) for column in result.frame for v in result.frame[column].astype(str))
    # A vertical tab separated two words: it is a space, not nothing.
    assert result.frame.iloc[0]["description"] == "ligne un ligne deux"
    removed = next(n for n in result.notes if n.code == "controls_note")
    assert removed.text("nl").startswith(
        "onzichtbare stuurtekens verwijderd (geen tekst heeft ze nodig): "
    )


def test_utf32_is_read_as_utf32_not_as_utf16() -> None:
    table = tabular.read_bytes(_text().encode("utf-32"), "u32.csv")
    assert len(table.frame) == 2
    assert "read as UTF-32" in [n.message for n in table.notes]
    assert 'read as UTF-16 (Excel\'s "Unicode text")' not in [n.message for n in table.notes]


def test_a_nul_without_a_byte_order_mark_is_still_a_binary_file() -> None:
    with pytest.raises(directory.DirectoryError) as refused:
        tabular.read_bytes(_text().encode("utf-16-le"), "no-bom.csv")
    assert refused.value.problems[0].code == "binary"


def test_a_workbook_cell_is_cleaned_too() -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Nom", "Commune", "Services", "Description"])
    # openpyxl refuses NUL itself; a workbook can still carry the noncharacters and C1 controls.
    sheet.append(["Accueil\x85Exemple", "Bruxelles", "Logement", "a\x9fb\ufdd0c"])
    out = io.BytesIO()
    book.save(out)
    result = _checked(out.getvalue(), "book.xlsx")
    assert result.frame.iloc[0]["organisation"] == "Accueil Exemple"
    assert result.frame.iloc[0]["description"] == "abc"
    assert "controls_note" in [n.code for n in result.notes]


def _hostile_frame() -> pd.DataFrame:
    """A directory frame that holds every character no text needs, as a frame loaded another way
    (an old cache, an import) might: the exports must stay well-formed whatever it holds."""
    hostile = _checked(_text("").encode()).frame
    lone = "\ud800"  # a lone surrogate: no UTF can even encode it
    hostile.loc[0, "organisation"] = f"Accueil{HOSTILE}{lone} Exemple"
    hostile.loc[1, "description"] = f"{HOSTILE}texte{lone}"
    hostile.loc[1, "hours"] = "lundi\x0bmardi"
    return hostile


def _without_hostile(table: pd.DataFrame) -> None:
    for column in table.columns:
        assert all(_clean(str(v)) and "\ud800" not in str(v) for v in table[column]), column


def test_every_export_reads_back_through_lien_whatever_the_frame_holds() -> None:
    frame = _hostile_frame()
    about = describe("fr", f"Sites{HOSTILE}", frame)
    for name, data in (
        ("sites.csv", export.to_csv(frame, about, "fr")),
        ("sites.xlsx", export.to_xlsx(frame, about, "fr")),
        ("cleaned.csv", export.to_csv(upload.cleaned(frame), about)),
        ("cleaned.xlsx", export.to_xlsx(upload.cleaned(frame), about)),
        ("table.csv", export.table_csv(frame[["organisation", "description"]], about)),
        ("table.xlsx", export.table_xlsx(frame[["organisation", "description"]], "t", about)),
    ):
        if name.endswith(".csv"):
            assert b"\x00" not in data, name
        table = tabular.read_bytes(data, name)  # refused before: "binary", "bad_xlsx"
        assert "controls_note" not in [n.code for n in table.notes], name
        _without_hostile(table.frame)
        assert list(table.frame["organisation"]) == ["Accueil Exemple", "Aide Exemple"], name
    # The workbook's XML is well-formed, its "about" sheet too: no character XML forbids.
    with zipfile.ZipFile(io.BytesIO(export.to_xlsx(frame, about, "fr"))) as archive:
        for member in archive.namelist():
            assert _clean(archive.read(member).decode("utf-8")), member
    # The cleaned download is a directory Lien loads as it is.
    assert directory.read_directory(export.to_csv(upload.cleaned(frame), about)).problems == []


def test_geojson_and_open_referral_exports_stay_well_formed() -> None:
    frame = _hostile_frame()
    collection = json.loads(export.to_geojson(frame, describe("nl", f"x{HOSTILE}", frame), "nl"))
    names = [f["properties"]["organisation"] for f in collection["features"]]
    assert "Accueil Exemple" in names
    assert _clean(json.dumps(collection, ensure_ascii=False))
    package = hsds_out.export_zip(frame)
    imported = hsds.import_zip(package, "lien-hsds.zip")
    _without_hostile(imported)
    assert "Accueil Exemple" in set(imported["organisation"])
