"""Downloads of the directory: CSV and XLSX safe to open in a spreadsheet, and GeoJSON; each says
what it is (lien.outputs.about) and gives labels in the visitor's language beside the codes."""

from __future__ import annotations

import csv
import io
import json
import math
import numbers
from datetime import date
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font

from lien import taxonomy, translations
from lien.display import service_labels
from lien.i18n import t
from lien.outputs.about import About
from lien.schema import EXPORT_COLUMNS, REQUIRED_COLUMNS, is_missing, split_codes
from lien.text import strip_controls

# Columns written as numbers, with the decimals each is rounded to: 6 decimals is ~0.1 m, finer
# than any source; distances are for reading, so 10 m is plenty.
NUMERIC_DECIMALS: dict[str, int] = {"latitude": 6, "longitude": 6, "distance_km": 2}
TRIMMED_COLUMNS: frozenset[str] = frozenset({"latitude", "longitude"})

# OWASP CSV injection: a spreadsheet treats a cell starting with one of these as a formula.
FORMULA_TRIGGERS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")

# Excel refuses to open a workbook with a longer cell, so a pathological value is cut, not fatal.
XLSX_MAX_CELL = 32_767


# Code columns, each followed in a download by its labels in the visitor's language.
LABELLED: tuple[str, ...] = ("services", "audiences", "languages")
# A record's texts, each followed in a download by its translation into the visitor's language
# when there is one (lien.translations): the original stays the reference, beside it.
TRANSLATED_SUFFIX = "_translated"


def export_columns(frame: pd.DataFrame) -> list[str]:
    """The EXPORT_COLUMNS present in `frame`, in order, each code column followed by its labels
    when `frame` has them; ValueError if a required column is missing."""
    # A frame without a required column is a bug upstream: failing beats a silently thin file.
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"cannot export: missing column(s) {', '.join(missing)}")
    columns = []
    for name in EXPORT_COLUMNS:
        if name in frame.columns:
            columns.append(name)
            if name in LABELLED and f"{name}_label" in frame.columns:
                columns.append(f"{name}_label")
            if name in translations.FIELDS and f"{name}{TRANSLATED_SUFFIX}" in frame.columns:
                columns.append(f"{name}{TRANSLATED_SUFFIX}")
    return columns


def _labels(cell: Any, column: str, lang: str) -> str:
    codes = split_codes(cell)
    if column == "services":
        # As the map reads it: a site without a service says its service is not stated (its
        # code column stays empty, which a directory reads as not stated).
        return ";".join(service_labels(cell, lang))
    if column == "audiences":
        return ";".join(taxonomy.audiences().label(c, lang) for c in codes)
    return ";".join(taxonomy.language_label(c, lang) for c in codes)


def with_labels(frame: pd.DataFrame, lang: str | None) -> pd.DataFrame:
    """`frame` with a `<column>_label` beside each code column: "Logement;Aide juridique" beside
    "housing;legal_aid", in `lang` (unchanged when `lang` is None); and a `<field>_translated`
    beside each record text that has a translation into `lang`."""
    if lang is None:
        return frame
    out = frame.copy()
    for column in LABELLED:
        if column in out:
            # One lookup per distinct cell: a large view repeats the same few combinations.
            labels = {v: _labels(v, column, lang) for v in pd.unique(out[column])}
            out[f"{column}_label"] = out[column].map(labels)
    for field in translations.FIELDS:
        if field not in out or "site_id" not in out:
            continue
        # Only the rows whose site has a translation are looked up, not each of 100,000.
        known = out["site_id"].astype(str).isin(translations.translated_sites(field, lang))
        translated = pd.Series("", index=out.index, dtype=object)
        translated[known] = [
            shown.text if (shown := translations.shown(site, field, lang)).translated else ""
            for site in out.loc[known, ["site_id", field]].to_dict("records")
        ]
        if translated.astype(bool).any():  # a download in the records' own language has none
            out[f"{field}{TRANSLATED_SUFFIX}"] = translated.tolist()
    return out


def neutralise(value: Any) -> str:
    """Text for a spreadsheet cell, with a leading apostrophe when it could start a formula, and
    without the control characters and noncharacters no text needs: whatever a frame holds, the
    file is well-formed (a NUL in a CSV makes it binary, a U+FFFE makes a workbook's XML
    unreadable) and Lien's own reader takes it back."""
    if is_missing(value):
        return ""
    if isinstance(value, numbers.Number):
        # A number is a value, never a formula, even when negative.
        return str(value)
    text = strip_controls(str(value))
    # Excel in a Belgian locale splits a CSV at ';', so each part of a multi-valued cell can
    # become a cell of its own: every part is defended, not only the first.
    return ";".join(_defended(part) for part in text.split(";"))


def _defended(text: str) -> str:
    """One cell's text with an apostrophe in front when it could start a formula."""
    # Spreadsheets skip leading blanks before parsing, so " =1+1" is as live as "=1+1".
    if text.startswith(FORMULA_TRIGGERS) or text.lstrip().startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def _number(value: Any, decimals: int) -> float | None:
    """A finite float rounded to `decimals`, or None when the value is missing or not a number."""
    if is_missing(value) or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return round(number, decimals) if math.isfinite(number) else None


def _plain(number: float, column: str) -> str:
    """A float as fixed-point text: never an exponent, which spreadsheets and readers misparse."""
    decimals = NUMERIC_DECIMALS[column]
    # `+ 0.0` turns -0.0 into 0.0, so a rounded tiny negative never prints as "-0".
    text = f"{round(number, decimals) + 0.0:.{decimals}f}"
    # Coordinates keep only significant decimals; distances keep a fixed two for alignment.
    if column in TRIMMED_COLUMNS:
        text = text.rstrip("0").rstrip(".")
    return text


def _csv_cell(value: Any, column: str) -> str:
    """One CSV cell: plain fixed-point for numeric columns, neutralised text for the others."""
    if column in NUMERIC_DECIMALS:
        number = _number(value, NUMERIC_DECIMALS[column])
        if number is not None:
            return _plain(number, column)
        # Text that is not a number keeps its content, defended like any other text.
        return "" if is_missing(value) else neutralise(value)
    return neutralise(value)


def to_csv(frame: pd.DataFrame, about: About | None = None, lang: str | None = None) -> bytes:
    """The export columns (with labels in `lang`) as UTF-8 CSV with a BOM, every text cell
    neutralised, after the lines of `about`."""
    labelled = with_labels(frame, lang)
    return table_csv(labelled[export_columns(labelled)], about)


def about_rows(about: About) -> list[list[str]]:
    """The lines that open a CSV download, all in its language: the marker (which Lien's reader
    knows in every language, lien.schema.about_markers), where the table starts, then one line
    per fact ("Filtres", "Service : Logement"), and a blank line."""
    first_table_line = len(about.lines) + 3  # marker, the facts, the blank line, then the header
    marker = t("about_marker", about.lang)
    rows = [[marker, t("about_table_starts", about.lang, line=first_table_line)]]
    rows += [[label, value] for _, label, value in about.lines]
    return [*rows, []]


def table_csv(frame: pd.DataFrame, about: About | None = None) -> bytes:
    """Any table (coverage matrix, distances) as UTF-8 CSV with a BOM, text neutralised, after
    the lines of `about` if given.

    Why lines above the table: a spreadsheet shows them as the first rows, so whoever opens the
    file reads what it holds; a program skips them (the first line says where the table starts,
    and Lien's own reader knows the marker). A column repeated on every row would drown the data,
    and a separate file gets separated."""
    columns = [str(c) for c in frame.columns]
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    for row in about_rows(about) if about is not None else []:
        writer.writerow([neutralise(cell) for cell in row])
    # Headers too: an uploaded file's column names come back in the "set aside" download.
    writer.writerow([neutralise(c) for c in columns])
    for record in frame.itertuples(index=False, name=None):
        writer.writerow([_csv_cell(v, c) for v, c in zip(record, columns, strict=True)])
    # The BOM is what makes Excel read the file as UTF-8 rather than the locale's code page.
    return out.getvalue().encode("utf-8-sig")


def _xlsx_text(value: Any) -> str:
    """Neutralised text that openpyxl accepts and Excel opens (neutralise removes the control
    characters that make openpyxl raise, and the noncharacters XML forbids)."""
    text = neutralise(value)
    return text if len(text) <= XLSX_MAX_CELL else text[: XLSX_MAX_CELL - 1] + "…"


def _write_text(sheet: Any, row: int, column: int, value: Any) -> None:
    """Write a text cell typed as a string, so no spreadsheet reads it as a formula."""
    cell = sheet.cell(row=row, column=column, value=_xlsx_text(value))
    # openpyxl types any string starting with "=" as a formula; neutralise already prevents
    # that, and forcing the type keeps it true even if the rule ever changes.
    cell.data_type = "s"


def to_xlsx(frame: pd.DataFrame, about: str | About = "", lang: str | None = None) -> bytes:
    """The export columns (with labels in `lang`) as a workbook: sheet "sites" (bold frozen
    header) and sheet "about"."""
    labelled = with_labels(frame, lang)
    return table_xlsx(labelled[export_columns(labelled)], "sites", about)


def table_xlsx(frame: pd.DataFrame, title: str = "table", about: str | About = "") -> bytes:
    """Any table as a workbook: numbers as numbers, text neutralised, plus a sheet saying what it
    holds, named in its language ("À propos")."""
    columns = [str(c) for c in frame.columns]
    book = Workbook()
    sheet = book.active
    sheet.title = title
    bold = Font(bold=True)
    for j, name in enumerate(columns, start=1):
        _write_text(sheet, 1, j, name)
        sheet.cell(row=1, column=j).font = bold
    widths = [len(name) for name in columns]
    for i, record in enumerate(frame.itertuples(index=False, name=None), start=2):
        for j, (value, name) in enumerate(zip(record, columns, strict=True), start=1):
            number = (
                _number(value, NUMERIC_DECIMALS[name])
                if name in NUMERIC_DECIMALS
                else value
                if isinstance(value, numbers.Number)
                and not isinstance(value, bool)
                and not is_missing(value)
                else None
            )
            if number is not None:
                sheet.cell(row=i, column=j, value=number)
            elif not is_missing(value) and str(value) != "":
                _write_text(sheet, i, j, value)
                widths[j - 1] = max(widths[j - 1], len(str(value)))
    # Freeze the header so it stays visible while scrolling through the sites.
    sheet.freeze_panes = "A2"
    for j, width in enumerate(widths, start=1):
        # Wide enough to read, capped so descriptions do not push every other column away.
        sheet.column_dimensions[sheet.cell(row=1, column=j).column_letter].width = min(
            max(width, 8) + 2, 60
        )
    if isinstance(about, About):
        notes = book.create_sheet(t("sheet_about", about.lang))
        for i, (_, label, value) in enumerate(about.lines, start=1):
            _write_text(notes, i, 1, label)
            notes.cell(row=i, column=1).font = bold
            _write_text(notes, i, 2, value)
        notes.column_dimensions["A"].width = 24
        notes.column_dimensions["B"].width = 100
    else:
        notes = book.create_sheet("about")
        for i, line in enumerate(about.splitlines(), start=1):
            if line:
                _write_text(notes, i, 1, line)
        notes.column_dimensions["A"].width = 100
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _json_value(value: Any, column: str) -> Any:
    """A property value JSON can hold: numbers rounded, NaN and NA as None, the rest as text."""
    if column in NUMERIC_DECIMALS:
        number = _number(value, NUMERIC_DECIMALS[column])
        if number is not None or is_missing(value):
            return number
    if is_missing(value):
        return None
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        number = float(value)
        return number if math.isfinite(number) else None
    if isinstance(value, bool):
        return value
    # GeoJSON is data, not a spreadsheet: text is kept as in the directory, but for the control
    # characters and noncharacters no text needs (a lone surrogate can't even be written).
    return strip_controls(value if isinstance(value, str) else str(value))


def to_geojson(frame: pd.DataFrame, about: About | None = None, lang: str | None = None) -> bytes:
    """A FeatureCollection of the located sites (labels in `lang` beside the codes); the others
    are listed under "unlocated", and what the file holds under "about"."""
    frame = with_labels(frame, lang)
    columns = export_columns(frame)
    keys = [c for c in columns if c not in ("latitude", "longitude")]
    features: list[dict[str, Any]] = []
    unlocated: list[dict[str, Any]] = []
    for record in frame[columns].to_dict("records"):
        properties = {k: _json_value(record[k], k) for k in keys}
        lat = _number(record["latitude"], 6)
        lon = _number(record["longitude"], 6)
        if lat is None or lon is None:
            # National and online sites have no point; listing them keeps the export complete.
            unlocated.append(properties)
            continue
        feature: dict[str, Any] = {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": properties,
        }
        if properties.get("site_id"):
            feature["id"] = properties["site_id"]
        features.append(feature)
    # "unlocated" and "about" are foreign members, which RFC 7946 §6.1 allows and GIS readers
    # ignore. GeoJSON is data, not a spreadsheet: the text is kept as it is.
    collection: dict[str, Any] = {
        "type": "FeatureCollection",
        "features": features,
        "unlocated": unlocated,
    }
    if about is not None:
        collection["about"] = {k: strip_controls(v) for k, v in about.as_json().items()}
    # allow_nan=False: a NaN that slipped through must fail here, not produce invalid JSON.
    return json.dumps(collection, ensure_ascii=False, allow_nan=False).encode("utf-8")


def filename(stem: str, ext: str, today: date | None = None) -> str:
    """A dated download name, e.g. "lien-sites-2026-11-23.csv"."""
    day = today or date.today()
    return f"{stem}-{day.isoformat()}.{ext.lstrip('.')}"
