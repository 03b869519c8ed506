"""A Flemish partner list made as people make them, written by openpyxl at test time (never
committed as a binary): a title row, a blank row, the header on row 3 in Dutch, and services and
audiences written as free text, two services in a cell now and then. Used by the upload tests and
the browser test of the Data page.

Organisations, streets, phones and e-mails are fictional; the postcodes and communes are real
Flemish and Brussels ones, so the rows can be placed."""

from __future__ import annotations

import io

NAME = "partners_vlaanderen.xlsx"
TITLE = "Partnerlijst Vluchtelingenwerk Vlaanderen 2026"
HEADER: tuple[str, ...] = (
    "Organisatie",
    "Adres",
    "Postcode",
    "Gemeente",
    "Telefoon",
    "E-mail",
    "Website",
    "Diensten",
    "Doelgroep",
    "Openingsuren",
)
# The Excel row of the header: a title row, then a blank one.
HEADER_ROW = 3
# (organisation, street, postcode, commune, services as written, audience as written)
ROWS: tuple[tuple[str, str, int, str, str, str], ...] = (
    (
        "Taalpunt Voorbeeld vzw",
        "Voorbeeldstraat 12",
        2000,
        "Antwerpen",
        "taallessen NT2",
        "nieuwkomers",
    ),
    (
        "Luisterhuis Voorbeeld",
        "Fictiefstraat 3",
        9000,
        "Gent",
        "psychologische ondersteuning",
        "erkende vluchtelingen",
    ),
    (
        "Voogdijwerking Voorbeeld",
        "Teststraat 45",
        3000,
        "Leuven",
        "begeleiding niet-begeleide minderjarigen",
        "niet-begeleide minderjarigen",
    ),
    (
        "Tolkendienst Voorbeeld",
        "Proefstraat 7",
        1030,
        "Schaarbeek",
        "tolken en vertalen",
        "asielzoekers",
    ),
    (
        "Rechtswinkel Voorbeeld",
        "Voorbeeldlaan 8",
        8000,
        "Brugge",
        "juridisch advies, huisvesting",
        "asielzoekers en vluchtelingen",
    ),
    (
        "Voedselbank Voorbeeld",
        "Dummystraat 2",
        2800,
        "Mechelen",
        "voedselhulp en kleding",
        "iedereen",
    ),
    ("Werkwinkel Voorbeeld", "Testplein 1", 3500, "Hasselt", "werk en opleiding", "jongeren"),
    (
        "Onthaalbureau Voorbeeld",
        "Fictieflaan 20",
        8500,
        "Kortrijk",
        "inburgering / doorverwijzing",
        "nieuwkomers",
    ),
    (
        "Buddyproject Voorbeeld",
        "Proeflaan 4",
        9300,
        "Aalst",
        "buddywerking",
        "erkende vluchtelingen",
    ),
    (
        "Gezinsdienst Voorbeeld",
        "Voorbeeldplein 9",
        1080,
        "Sint-Jans-Molenbeek",
        "gezinshereniging + sociale begeleiding",
        "vluchtelingen",
    ),
    (
        "Wijkgezondheidscentrum Voorbeeld",
        "Teststraat 101",
        8400,
        "Oostende",
        "medische zorg",
        "mensen zonder papieren",
    ),
    (
        "Solidariteitsnetwerk Voorbeeld",
        "Fictiefstraat 66",
        9100,
        "Sint-Niklaas",
        "vrijwilligerswerk en giften",
        "iedereen",
    ),
)
# What each row's services must become (data/services.csv codes), in the order of ROWS.
EXPECTED_SERVICES: tuple[tuple[str, ...], ...] = (
    ("language_classes",),
    ("mental_health",),
    ("minors",),
    # "tolken en vertalen": data/services.csv has no interpreting service, so the site is kept
    # with its service not stated, and a warning says so (never a guess such as "information").
    (),
    ("legal_aid", "housing"),
    ("material_aid",),
    ("employment",),
    ("integration", "information"),
    ("mentoring",),
    ("family_reunification", "social_support"),
    ("health",),
    ("volunteering",),
)


def _phone(number: int) -> str:
    return f"0{number % 9 + 2} 555 {number:02d} {number + 10:02d}"


def records() -> list[list[object]]:
    """The data rows as the workbook holds them (the postcode a number, as Excel stores it)."""
    out: list[list[object]] = []
    for i, (org, street, postcode, town, services, audience) in enumerate(ROWS, start=1):
        slug = org.split()[0].lower()
        out.append(
            [
                org,
                street,
                postcode,
                town,
                _phone(i),
                f"info@{slug}.example",
                f"www.{slug}.example",
                services,
                audience,
                "ma-vr 9u-12u en 13u-17u",
            ]
        )
    return out


def partners_xlsx(*, title_rows: bool = True) -> bytes:
    """The workbook as a coordinator saved it; `title_rows=False` is the same list once someone
    deleted the title and the blank row by hand."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Partners"
    if title_rows:
        sheet.append([TITLE])
        sheet["A1"].font = Font(bold=True, size=14)
        sheet.merge_cells("A1:F1")
        sheet.append([])
    sheet.append(list(HEADER))
    for record in records():
        sheet.append(record)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def partners_csv(*, delimiter: str = ";") -> bytes:
    """The same list saved as CSV by a spreadsheet (title rows included)."""
    import csv

    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow([TITLE])
    writer.writerow([])
    writer.writerow(HEADER)
    for record in records():
        writer.writerow(record)
    return out.getvalue().encode("utf-8-sig")
