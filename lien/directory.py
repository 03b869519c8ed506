"""The one loader of a Lien directory: read, validate (row and field for every problem), locate."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Iterable

import numpy as np
import pandas as pd

from lien import taxonomy
from lien.gazetteer import Gazetteer, default_gazetteer
from lien.paths import ORGANISATIONS_CSV
from lien.text import fold

REQUIRED_COLUMNS: tuple[str, ...] = (
    "org_id", "organisation", "site", "address", "postcode", "city", "latitude", "longitude",
    "precision", "services", "audiences", "languages", "hours", "phone", "email", "website",
    "description", "source", "source_date",
)
OPTIONAL_COLUMNS: tuple[str, ...] = ("site_id", "fax", "contact_person", "notes")
PRECISIONS: tuple[str, ...] = ("address", "postcode", "locality", "national", "online")
PLACED = ("address", "postcode", "locality")
REQUIRED_VALUES: tuple[str, ...] = ("org_id", "organisation", "site", "precision", "services",
                                    "source")
# Columns the loader adds; an input file may not use these names for something else.
LOCATED_COLUMNS: tuple[str, ...] = (
    "row", "coord_source", "coord_precision", "geo_postcode", "municipality", "municipality_code",
    "province", "province_code", "region", "region_code",
)

_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_EMAIL = re.compile(r"^[^@\s;,<>\"']+@[^@\s;,<>\"']+\.[A-Za-z]{2,}$")
_WEBSITE = re.compile(r"^(https?://)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(/[^\s<>\"']*)?$")
_PHONE = re.compile(r"^\+?[0-9 ()./-]+$")
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


@dataclass(frozen=True)
class Problem:
    """One validation problem: where it is (file line, column) and what is wrong."""

    row: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row is not None else "file"
        return f"{where}, {self.field}: {self.message}"


class DirectoryError(ValueError):
    """The directory was refused; `problems` lists every reason."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = problems
        shown = "\n".join(f"- {p}" for p in problems[:50])
        more = f"\n- … and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(f"{source} was refused: {len(problems)} problem"
                         f"{'s' if len(problems) != 1 else ''}\n{shown}{more}")


@dataclass
class LoadResult:
    """A read directory: the rows that passed, and the problems of those that did not."""

    frame: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    rejected_rows: list[int] = field(default_factory=list)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DirectoryError("the file", [Problem(None, "encoding", (
            f"not valid UTF-8 (byte {exc.object[exc.start]:#04x} at offset {exc.start}); "
            "save the file as CSV UTF-8"))]) from exc


def read_table(source: Path | str | bytes | IO[bytes]) -> pd.DataFrame:
    """Read CSV text into strings, with a `row` column holding each record's line in the file."""
    if isinstance(source, (str, Path)):
        data = Path(source).read_bytes()
    elif isinstance(source, bytes):
        data = source
    else:
        data = source.read()
    text = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise DirectoryError("the file", [Problem(None, "header", "the file is empty")]) from None
    header = [h.strip() for h in header]
    records: list[list[str]] = []
    lines: list[int] = []
    start = reader.line_num + 1
    for record in reader:
        if any(cell.strip() for cell in record):
            width = len(header)
            records.append((record + [""] * width)[:width])
            lines.append(start)
        start = reader.line_num + 1
    frame = pd.DataFrame(records, columns=header, dtype=object).fillna("")
    frame = frame.apply(lambda col: col.str.strip()) if len(frame) else frame
    frame.insert(0, "row", lines)
    return frame


def _column_problems(columns: Iterable[str]) -> list[Problem]:
    columns = list(columns)
    problems = [Problem(None, name, "required column is missing")
                for name in REQUIRED_COLUMNS if name not in columns]
    seen: set[str] = set()
    for name in columns:
        if name in seen:
            problems.append(Problem(None, name, "column appears more than once"))
        seen.add(name)
    return problems


def _check_codes(frame: pd.DataFrame, column: str, known: callable, what: str,
                 problems: list[Problem]) -> None:
    for row, value in zip(frame["row"], frame[column]):
        for code in taxonomy.split_codes(value):
            if not known(code):
                problems.append(Problem(row, column, f"unknown {what} code {code!r}"))


def validate(frame: pd.DataFrame, gazetteer: Gazetteer | None = None) -> list[Problem]:
    """Every problem of a read directory, each with its row and field."""
    problems = _column_problems(c for c in frame.columns if c != "row")
    if problems:
        return problems
    gaz = gazetteer or default_gazetteer()
    rows = frame["row"]

    for name in REQUIRED_VALUES:
        for row in rows[frame[name] == ""]:
            problems.append(Problem(row, name, "required value is empty"))

    for row, value in zip(rows, frame["org_id"]):
        if value and not _SLUG.match(value):
            problems.append(Problem(row, "org_id", f"{value!r} must be lower-case letters, "
                                                   "digits, '-' or '_'"))
    precision = frame["precision"]
    for row, value in zip(rows[~precision.isin(PRECISIONS) & (precision != "")],
                          precision[~precision.isin(PRECISIONS) & (precision != "")]):
        problems.append(Problem(row, "precision", f"{value!r} is not one of {', '.join(PRECISIONS)}"))

    services, audiences = taxonomy.services(), taxonomy.audiences()
    _check_codes(frame, "services", services.__contains__, "service", problems)
    _check_codes(frame, "audiences", audiences.__contains__, "audience", problems)
    _check_codes(frame, "languages", taxonomy.is_language, "language (ISO 639)", problems)

    for row, value in zip(rows, frame["postcode"]):
        if value and not gaz.is_postcode(value):
            problems.append(Problem(row, "postcode", f"{value!r} is not a Belgian postcode"))

    problems.extend(_coordinate_problems(frame, gaz))
    problems.extend(_place_problems(frame, gaz))
    problems.extend(_contact_problems(frame))

    for row, value in zip(rows, frame["source_date"]):
        if value and not _valid_date(value):
            problems.append(Problem(row, "source_date", f"{value!r} is not a date "
                                                        "(YYYY, YYYY-MM or YYYY-MM-DD)"))
    problems.extend(_duplicate_problems(frame))
    return sorted(problems, key=lambda p: (p.row or 0, p.field))


def _valid_date(value: str) -> bool:
    if not _DATE.match(value):
        return False
    parts = [int(p) for p in value.split("-")] + [1, 1]
    try:
        date(parts[0], parts[1], parts[2])
    except ValueError:
        return False
    return True


def _coordinate_problems(frame: pd.DataFrame, gaz: Gazetteer) -> list[Problem]:
    problems: list[Problem] = []
    lat_text, lon_text = frame["latitude"], frame["longitude"]
    lat = pd.to_numeric(lat_text, errors="coerce")
    lon = pd.to_numeric(lon_text, errors="coerce")
    for name, text, num in (("latitude", lat_text, lat), ("longitude", lon_text, lon)):
        bad = (text != "") & (num.isna() | ~np.isfinite(num.fillna(0)))
        for row, value in zip(frame["row"][bad], text[bad]):
            problems.append(Problem(row, name, f"{value!r} is not a number"))
    half = (lat_text == "") != (lon_text == "")
    for row, has_lat in zip(frame["row"][half], (lat_text != "")[half]):
        problems.append(Problem(row, "longitude" if has_lat else "latitude",
                                "give both latitude and longitude, or neither"))
    both = lat.notna() & lon.notna() & np.isfinite(lat) & np.isfinite(lon)
    if both.any():
        inside = pd.Series(gaz.contains(lat[both], lon[both]), index=lat[both].index)
        swapped = pd.Series(gaz.contains(lon[both], lat[both]), index=lat[both].index)
        for idx in inside.index[~inside]:
            hint = "; latitude and longitude look swapped" if swapped[idx] else ""
            problems.append(Problem(int(frame.at[idx, "row"]), "latitude",
                                    f"({lat[idx]}, {lon[idx]}) is outside Belgium{hint}"))
    unplaced = frame["precision"].isin(("national", "online")) & (lat_text != "")
    for row, value in zip(frame["row"][unplaced], frame["precision"][unplaced]):
        problems.append(Problem(row, "latitude", f"a {value} site has no coordinates; "
                                                 "leave them empty or give a place"))
    return problems


def _place_problems(frame: pd.DataFrame, gaz: Gazetteer) -> list[Problem]:
    problems: list[Problem] = []
    for row, prec, address, postcode, city, lat in zip(
            frame["row"], frame["precision"], frame["address"], frame["postcode"],
            frame["city"], frame["latitude"]):
        if prec == "address" and not address:
            problems.append(Problem(row, "address", "precision is 'address' but the address "
                                                    "is empty"))
        if prec == "postcode" and not postcode:
            problems.append(Problem(row, "postcode", "precision is 'postcode' but the postcode "
                                                     "is empty"))
        if prec in PLACED and not (postcode or city):
            problems.append(Problem(row, "city", f"a site of precision {prec!r} needs a city "
                                                 "or a postcode"))
        elif prec in PLACED and not lat and not (postcode and gaz.is_postcode(postcode)):
            if city and gaz.lookup_parts("", city) is None:
                problems.append(Problem(row, "city", f"{city!r} is not a Belgian municipality "
                                                     "or locality"))
    return problems


def _contact_problems(frame: pd.DataFrame) -> list[Problem]:
    problems: list[Problem] = []
    checks = [("email", _EMAIL, "is not an e-mail address"),
              ("website", _WEBSITE, "is not a web address (http or https)"),
              ("phone", _PHONE, "is not a phone number")]
    if "fax" in frame:
        checks.append(("fax", _PHONE, "is not a phone number"))
    for name, pattern, message in checks:
        # A phone or fax number has at least 8 digits, whatever its punctuation.
        digits = 8 if pattern is _PHONE else 0
        for row, value in zip(frame["row"], frame[name]):
            for item in taxonomy.split_codes(value):
                if not pattern.match(item) or sum(ch.isdigit() for ch in item) < digits:
                    problems.append(Problem(row, name, f"{item!r} {message}"))
    return problems


def _duplicate_problems(frame: pd.DataFrame) -> list[Problem]:
    problems: list[Problem] = []
    # Column-wise concatenation: a row-wise join costs seconds at 100,000 sites.
    parts = [frame[c].map(fold) for c in ("org_id", "site", "address", "postcode", "city")]
    key = parts[0]
    for part in parts[1:]:
        key = key + "|" + part
    first: dict[str, int] = {}
    for row, k in zip(frame["row"], key):
        if k in first:
            problems.append(Problem(row, "site", f"duplicate of row {first[k]} (same organisation,"
                                                 " site and place)"))
        else:
            first[k] = row
    if "site_id" in frame:
        seen: dict[str, int] = {}
        for row, value in zip(frame["row"], frame["site_id"]):
            if not value:
                problems.append(Problem(row, "site_id", "required value is empty"))
            elif value in seen:
                problems.append(Problem(row, "site_id", f"{value!r} is already used by row "
                                                        f"{seen[value]}"))
            else:
                seen[value] = row
    names: dict[str, tuple[str, int]] = {}
    for row, org, name in zip(frame["row"], frame["org_id"], frame["organisation"]):
        if org in names and names[org][0] != name:
            problems.append(Problem(row, "organisation", f"{name!r} differs from {names[org][0]!r}"
                                                         f" given for {org!r} on row "
                                                         f"{names[org][1]}"))
        names.setdefault(org, (name, row))
    return problems


def locate(frame: pd.DataFrame, gazetteer: Gazetteer | None = None) -> pd.DataFrame:
    """Add coordinates (manual override, else offline geocoding) and administrative units."""
    gaz = gazetteer or default_gazetteer()
    out = frame.copy()
    lat = pd.to_numeric(out["latitude"], errors="coerce")
    lon = pd.to_numeric(out["longitude"], errors="coerce")
    placed = out["precision"].isin(PLACED)
    manual = placed & lat.notna() & lon.notna()
    columns: dict[str, list[object]] = {k: [] for k in LOCATED_COLUMNS if k != "row"}
    lats, lons = [], []
    # One lookup per distinct place: directories repeat the same towns many times.
    memo: dict[tuple[str, str, float, float], object] = {}
    for is_placed, is_manual, postcode, city, la, lo in zip(
            placed, manual, out["postcode"], out["city"], lat, lon):
        place = None
        if is_placed:
            key = (postcode, city, la if is_manual else 0.0, lo if is_manual else 0.0)
            if key not in memo:
                found = gaz.lookup_parts(postcode, city)
                memo[key] = found if found or not is_manual else gaz.nearest(la, lo)
            place = memo[key]
        if place is None:
            lats.append(la if is_manual else np.nan)
            lons.append(lo if is_manual else np.nan)
            values = dict.fromkeys(columns, "")
        else:
            lats.append(la if is_manual else place.latitude)
            lons.append(lo if is_manual else place.longitude)
            values = {"coord_source": "manual" if is_manual else "geocoded",
                      "coord_precision": "address" if is_manual else place.precision,
                      "geo_postcode": place.postcode, "municipality": place.municipality,
                      "municipality_code": place.municipality_code, "province": place.province,
                      "province_code": place.province_code, "region": place.region,
                      "region_code": place.region_code}
        for k in columns:
            columns[k].append(values[k])
    out["latitude"] = np.asarray(lats, dtype=float)
    out["longitude"] = np.asarray(lons, dtype=float)
    for k, values in columns.items():
        out[k] = values
    return out


def read_directory(source: Path | str | bytes | IO[bytes] | None = None,
                   gazetteer: Gazetteer | None = None) -> LoadResult:
    """Read and validate; keep the rows without problems, located, and report the others."""
    frame = read_table(source if source is not None else ORGANISATIONS_CSV)
    for name in OPTIONAL_COLUMNS:
        if name not in frame:
            frame[name] = ""
    problems = validate(frame, gazetteer)
    if any(p.row is None for p in problems):
        return LoadResult(frame.iloc[0:0], problems, list(frame["row"]))
    bad_rows = sorted({p.row for p in problems if p.row is not None})
    good = frame[~frame["row"].isin(bad_rows)].reset_index(drop=True)
    return LoadResult(locate(good, gazetteer), problems, bad_rows)


def load_directory(source: Path | str | bytes | IO[bytes] | None = None,
                   gazetteer: Gazetteer | None = None) -> pd.DataFrame:
    """The validated, located directory; raises DirectoryError listing every problem."""
    name = str(source) if isinstance(source, (str, Path)) else (
        "the file" if source is not None else str(ORGANISATIONS_CSV.name))
    try:
        result = read_directory(source, gazetteer)
    except DirectoryError as exc:
        raise DirectoryError(name, exc.problems) from None
    if result.problems:
        raise DirectoryError(name, result.problems)
    return result.frame


def problems_frame(problems: list[Problem]) -> pd.DataFrame:
    """Problems as a table with row, field and message columns, for display or download."""
    return pd.DataFrame([{"row": p.row, "field": p.field, "message": p.message} for p in problems],
                        columns=["row", "field", "message"])
