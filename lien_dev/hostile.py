"""Hostile and awkward inputs, made by code (never committed as files): used by the tests and by
bench/hostile.py. Each maker returns (file name, bytes)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

HEADER = "Nom,Adresse,Code postal,Ville,Services"
GOOD_ROWS = [
    "Croix-Rouge Accueil,Rue Haute 1,1000,Bruxelles,Logement",
    "Vluchtelingenwerk,Meir 1,2000,Antwerpen,Juridische hulp",
]


def _csv(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode("utf-8")


def _xlsx(files: dict[str, str]) -> bytes:
    """A minimal .xlsx from its XML parts (as Excel writes them), with the given overrides."""
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="Feuil1" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
        ),
    }
    parts.update(files)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


def _sheet(dimension: str, cells: str, prolog: str = "") -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        + prolog
        + '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="{dimension}"/><sheetData>{cells}</sheetData></worksheet>'
    )


def _inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def xlsx_dimension_bomb() -> tuple[str, bytes]:
    """1.5 KB declaring A1:XFD1048576 (17 billion cells), with a header and one far-away row."""
    rows = (
        f'<row r="1">{_inline("A1", "Nom")}{_inline("B1", "Services")}</row>'
        f'<row r="1048576">{_inline("A1048576", "Maison")}'
        f"{_inline('B1048576', 'Logement')}</row>"
    )
    return "bomb.xlsx", _xlsx({"xl/worksheets/sheet1.xml": _sheet("A1:XFD1048576", rows)})


def xlsx_wide_row() -> tuple[str, bytes]:
    """A header row with a cell in the last column, XFD: 16,384 columns."""
    rows = f'<row r="1">{_inline("A1", "Nom")}{_inline("XFD1", "Services")}</row>'
    return "wide.xlsx", _xlsx({"xl/worksheets/sheet1.xml": _sheet("A1:XFD1", rows)})


def xlsx_entities() -> tuple[str, bytes]:
    """A worksheet with a DTD declaring nested entities ("billion laughs")."""
    prolog = (
        '<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
    )
    rows = f'<row r="1">{_inline("A1", "&c;")}</row>'
    return "entities.xlsx", _xlsx({"xl/worksheets/sheet1.xml": _sheet("A1", rows, prolog)})


def xlsx_long_cell() -> tuple[str, bytes]:
    """A town cell of 200,000 one-letter words (XLSX cells are not lines of a CSV)."""
    rows = (
        f'<row r="1">{_inline("A1", "Nom")}{_inline("B1", "Ville")}'
        f"{_inline('C1', 'Services')}</row>"
        f'<row r="2">{_inline("A2", "Maison")}{_inline("B2", "a " * 100_000)}'
        f"{_inline('C2', 'Logement')}</row>"
    )
    return "long-cell.xlsx", _xlsx({"xl/worksheets/sheet1.xml": _sheet("A1:C2", rows)})


def xlsx_damaged() -> tuple[str, bytes]:
    """A workbook whose worksheet's compressed bytes are damaged."""
    name, data = xlsx_wide_row()
    raw = bytearray(data)
    start = raw.find(b"xl/worksheets/sheet1.xml") + len(b"xl/worksheets/sheet1.xml")
    for i in range(start + 10, start + 40):
        raw[i] ^= 0x5A
    return "damaged.xlsx", bytes(raw)


def csv_many_rows(rows: int = 800_000) -> tuple[str, bytes]:
    """800,000 rows of a,b,c: 4.8 MB of rows that map to nothing."""
    return "rows.csv", ("a,b,c\n" + "a,b,c\n" * rows).encode()


def csv_long_town() -> tuple[str, bytes]:
    """12 rows whose town is ~3,000 characters of one-letter words, plus two good rows."""
    town = "a " * 1_500
    return "towns.csv", _csv(*GOOD_ROWS, *[f"Maison {i},,,{town},Logement" for i in range(12)])


def csv_quadratic_address() -> tuple[str, bytes]:
    """An address of "1000 a" + 60,000 spaces + "1" (a trap for backtracking regexes)."""
    return "address.csv", _csv(*GOOD_ROWS, f'Maison,"1000 a{" " * 60_000}1",,,Logement')


def csv_huge_cell() -> tuple[str, bytes]:
    """A cell of 200,000 characters (past Python's csv field limit of 131,072)."""
    return "cell.csv", _csv(*GOOD_ROWS, f"Maison,{'x' * 200_000},1000,Bruxelles,Logement")


def csv_unclosed_quote() -> tuple[str, bytes]:
    """A quote opened on line 2 and never closed, then good rows."""
    return "quote.csv", _csv('"Maison ouverte,Rue 1,1000,Bruxelles,Logement', *GOOD_ROWS)


def csv_many_problems(rows: int = 40_000) -> tuple[str, bytes]:
    """40,000 rows, each with an unknown service and a bad postcode."""
    return "problems.csv", _csv(
        *[f"Org {i},Rue {i},99999,Nulle-part,téléportation" for i in range(rows)]
    )


def csv_invisible_town() -> tuple[str, bytes]:
    """Town names with a zero-width space and a control character inside them."""
    return "invisible.csv", _csv(
        "Maison,Rue 1,,Li\u200bège,Logement", "Huis,Meir 1,,Antw\x07erpen,Logement"
    )


def hsds_deep_datapackage(depth: int = 200_000) -> tuple[str, bytes]:
    """An HSDS zip whose datapackage.json is nested 200,000 levels deep."""
    return "deep.zip", _zip(
        {
            "datapackage.json": "[" * depth + "]" * depth,
            "organizations.csv": "id,name\no1,Maison\n",
            "services.csv": "id,organization_id,name\ns1,o1,Accueil\n",
        }
    )


def hsds_many_services(count: int = 1_200_000) -> tuple[str, bytes]:
    """An HSDS zip of 1.2 million services (compresses to a few megabytes)."""
    services = "id,organization_id,name\n" + "".join(f"s{i},o1,A\n" for i in range(count))
    return "services.zip", _zip(
        {"organizations.csv": "id,name\no1,Maison\n", "services.csv": services}
    )


def hsds_formulas() -> tuple[str, bytes]:
    """A foreign HSDS package whose cells are spreadsheet formulas."""
    return "formulas.zip", _zip(
        {
            "organizations.csv": 'id,name\no1,"=HYPERLINK(""http://evil.example"",""x"")"\n',
            "services.csv": "id,organization_id,name,description\n"
            "s1,o1,=cmd|' /C calc'!A0,@SUM(1+1)\n",
        }
    )


def _zip(files: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


def hsds_damaged() -> tuple[str, bytes]:
    """An HSDS zip whose services.csv has damaged compressed bytes."""
    data = bytearray(
        _zip(
            {
                "organizations.csv": "id,name\no1,Maison\n",
                "services.csv": "id,organization_id,name\n" + "s,o1,A\n" * 500,
            }
        )
    )
    start = data.find(b"services.csv") + len(b"services.csv")
    for i in range(start + 5, start + 25):
        data[i] ^= 0x5A
    return "damaged.zip", bytes(data)


# Every hostile upload, by name: what the tests and the benchmark go through.
# Characters no text needs, which XML forbids (so an Excel download holding them was not
# well-formed), inside otherwise good rows. (A NUL byte in a file with no byte order mark makes
# it a binary file, refused as such.)
_NONCHARACTERS = "\ufffe\uffff\x01"


def _encoded(encoding: str, extra: str = "") -> bytes:
    rows = [row.replace(",Rue", f"{_NONCHARACTERS}{extra},Rue", 1) for row in GOOD_ROWS]
    return ("\n".join([HEADER, *rows]) + "\n").encode(encoding)


def csv_noncharacters() -> tuple[str, bytes]:
    """UTF-8, with U+FFFE, U+FFFF and a control character in a name."""
    return "noncharacters.csv", _encoded("utf-8")


def csv_utf16_nul() -> tuple[str, bytes]:
    """UTF-16 (with its byte order mark), with NUL characters in a name."""
    return "utf16.csv", _encoded("utf-16", "\x00")


def csv_utf32() -> tuple[str, bytes]:
    """UTF-32 (with its byte order mark): it was read as UTF-16, and kept no row."""
    return "utf32.csv", _encoded("utf-32", "\x00")


# Real towns and their postcodes, so that every row of a crafted directory is placed.
_TOWNS = (("1000", "Bruxelles"), ("4000", "Liège"), ("5000", "Namur"), ("9000", "Gent"))


def xlsx_every_service(rows: int = 300) -> tuple[str, bytes]:
    """~11 KB of workbook (Excel shares repeated strings): `rows` sites, each naming all 20
    services, with 5,000-character hours. A handout lists a site under each of its services."""
    from openpyxl import Workbook

    from lien import taxonomy

    book = Workbook()
    sheet = book.active
    sheet.append(["Nom", "Adresse", "Code postal", "Ville", "Services", "Horaires"])
    services = ";".join(taxonomy.services().codes)
    hours = ("lundi 9h-17h, " * 400)[:5_000]
    for i in range(rows):
        postcode, town = _TOWNS[i % len(_TOWNS)]
        sheet.append(
            [f"Organisation {i:03d}", "Rue de l'Exemple 1", postcode, town, services, hours]
        )
    out = io.BytesIO()
    book.save(out)
    return "every_service.xlsx", out.getvalue()


UPLOADS: dict[str, Callable[[], tuple[str, bytes]]] = {
    "xlsx_dimension_bomb": xlsx_dimension_bomb,
    "xlsx_wide_row": xlsx_wide_row,
    "xlsx_entities": xlsx_entities,
    "xlsx_long_cell": xlsx_long_cell,
    "xlsx_damaged": xlsx_damaged,
    "csv_many_rows": csv_many_rows,
    "csv_long_town": csv_long_town,
    "csv_quadratic_address": csv_quadratic_address,
    "csv_huge_cell": csv_huge_cell,
    "csv_unclosed_quote": csv_unclosed_quote,
    "csv_many_problems": csv_many_problems,
    "csv_invisible_town": csv_invisible_town,
    "hsds_deep_datapackage": hsds_deep_datapackage,
    "hsds_many_services": hsds_many_services,
    "hsds_formulas": hsds_formulas,
    "hsds_damaged": hsds_damaged,
    "xlsx_every_service": xlsx_every_service,
    "csv_noncharacters": csv_noncharacters,
    "csv_utf16_nul": csv_utf16_nul,
    "csv_utf32": csv_utf32,
}

# Strings that make a backtracking regex or a naive matcher quadratic (or worse), ~100 KB each.
ADVERSARIAL: dict[str, str] = {
    "spaces": " " * 100_000,
    "one_letter_words": "a " * 50_000,
    "address_trap": "1000 a" + " " * 100_000 + "1",
    "digits": "1" * 100_000,
    "postcodes": "1000 " * 20_000,
    "at_signs": "a@" * 50_000,
    "dots": "a." * 50_000 + "!",
    "dashes": "-" * 100_000,
    "separators": ", ; | / " * 12_500,
    "quotes": "'\"" * 50_000,
    "zero_width": "Li\u200b" * 33_000,
    "url": "http://" + "a." * 50_000 + "/",
    "email_domain": "a@" + "a-" * 50_000 + ".",
    "decimal": "1" * 50_000 + "," + "1" * 50_000 + "x",
    "brackets": "![a](" * 20_000,
    "saints": "saint " * 16_000,
}
