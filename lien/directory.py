"""The one loader of a Lien directory: read, validate (row and field for every problem), locate."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Callable, Iterable

import numpy as np
import pandas as pd

from lien import tabular, taxonomy
from lien.gazetteer import Gazetteer, default_gazetteer
from lien.paths import ORGANISATIONS_CSV
from lien.problems import DirectoryError, Problem, ProblemList, collect, problem
from lien.text import fold

__all__ = ["DirectoryError", "LoadResult", "Problem", "load_directory", "locate",
           "problems_frame", "read_directory", "validate"]

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
# Longer cells are refused: they are pasted documents or attacks, and would swamp popups.
SHORT_TEXT = 500
LONG_TEXT = 5_000
LONG_COLUMNS = frozenset({"description", "hours", "notes", "services", "audiences", "languages"})


@dataclass
class LoadResult:
    """A read directory: the rows that passed, the problems of those that did not, and notes."""

    frame: pd.DataFrame
    problems: list[Problem] = field(default_factory=ProblemList)
    rejected_rows: list[int] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)


def _column_problems(columns: Iterable[str]) -> list[Problem]:
    columns = list(columns)
    problems = [problem(None, name, "missing_column")
                for name in REQUIRED_COLUMNS if name not in columns]
    seen: set[str] = set()
    for name in columns:
        if name in seen:
            problems.append(problem(None, name, "duplicate_name"))
        seen.add(name)
    return problems


def _check_codes(frame: pd.DataFrame, column: str, known: Callable[[str], bool], code: str,
                 problems: list[Problem]) -> None:
    for row, value in zip(frame["row"], frame[column]):
        for item in taxonomy.split_codes(value):
            if not known(item):
                problems.append(problem(row, column, code, value=repr(item)))


def _without_long_cells(frame: pd.DataFrame, problems: ProblemList) -> pd.DataFrame:
    """Report the cells over their column's limit and empty them, so that no later check (regex,
    place lookup) runs over a pasted document; their rows are set aside anyway."""
    out = frame
    for name in frame.columns:
        if name == "row":
            continue
        limit = LONG_TEXT if name in LONG_COLUMNS else SHORT_TEXT
        lengths = frame[name].str.len()
        long = lengths > limit
        if not long.any():
            continue
        for row, length in zip(frame["row"][long], lengths[long]):
            problems.append(problem(row, name, "too_long", length=int(length), limit=limit))
        if out is frame:
            out = frame.copy()
        out.loc[long, name] = ""
    return out


def validate(frame: pd.DataFrame, gazetteer: Gazetteer | None = None) -> ProblemList:
    """Every problem of a read directory, each with its row and field (capped per kind)."""
    problems = ProblemList(_column_problems(c for c in frame.columns if c != "row"))
    if problems:
        return problems
    gaz = gazetteer or default_gazetteer()
    rows = frame["row"]
    for name in REQUIRED_VALUES:
        for row in rows[frame[name] == ""]:
            problems.append(problem(row, name, "required"))
    frame = _without_long_cells(frame, problems)

    for row, value in zip(rows, frame["org_id"]):
        if value and not _SLUG.match(value):
            problems.append(problem(row, "org_id", "slug", value=repr(value)))
    precision = frame["precision"]
    odd = ~precision.isin(PRECISIONS) & (precision != "")
    for row, value in zip(rows[odd], precision[odd]):
        problems.append(problem(row, "precision", "precision", value=repr(value),
                                choices=", ".join(PRECISIONS)))

    services, audiences = taxonomy.services(), taxonomy.audiences()
    _check_codes(frame, "services", services.__contains__, "unknown_service", problems)
    _check_codes(frame, "audiences", audiences.__contains__, "unknown_audience", problems)
    _check_codes(frame, "languages", taxonomy.is_language, "unknown_language", problems)

    for row, value in zip(rows, frame["postcode"]):
        if value and not gaz.is_postcode(value):
            problems.append(problem(row, "postcode", "postcode", value=repr(value)))

    _coordinate_problems(frame, gaz, problems)
    _place_problems(frame, gaz, problems)
    _contact_problems(frame, problems)

    for row, value in zip(rows, frame["source_date"]):
        if value and not _valid_date(value):
            problems.append(problem(row, "source_date", "date", value=repr(value)))
    _duplicate_problems(frame, problems)
    return collect(problems)


def _valid_date(value: str) -> bool:
    if not _DATE.match(value):
        return False
    parts = [int(p) for p in value.split("-")] + [1, 1]
    try:
        date(parts[0], parts[1], parts[2])
    except ValueError:
        return False
    return True


def _coordinate_problems(frame: pd.DataFrame, gaz: Gazetteer, problems: ProblemList) -> None:
    lat_text, lon_text = frame["latitude"], frame["longitude"]
    lat = pd.to_numeric(lat_text, errors="coerce")
    lon = pd.to_numeric(lon_text, errors="coerce")
    for name, text, num in (("latitude", lat_text, lat), ("longitude", lon_text, lon)):
        bad = (text != "") & (num.isna() | ~np.isfinite(num.fillna(0)))
        for row, value in zip(frame["row"][bad], text[bad]):
            problems.append(problem(row, name, "not_number", value=repr(value)))
    half = (lat_text == "") != (lon_text == "")
    for row, has_lat in zip(frame["row"][half], (lat_text != "")[half]):
        problems.append(problem(row, "longitude" if has_lat else "latitude", "half_coords"))
    both = lat.notna() & lon.notna() & np.isfinite(lat) & np.isfinite(lon)
    if both.any():
        inside = pd.Series(gaz.contains(lat[both], lon[both]), index=lat[both].index)
        swapped = pd.Series(gaz.contains(lon[both], lat[both]), index=lat[both].index)
        for idx in inside.index[~inside]:
            problems.append(problem(int(frame.at[idx, "row"]), "latitude",
                                    "swapped" if swapped[idx] else "outside",
                                    lat=lat[idx], lon=lon[idx]))
    unplaced = frame["precision"].isin(("national", "online")) & (lat_text != "")
    for row, value in zip(frame["row"][unplaced], frame["precision"][unplaced]):
        problems.append(problem(row, "latitude", "unplaced_coords", value=value))


def _place_problems(frame: pd.DataFrame, gaz: Gazetteer, problems: ProblemList) -> None:
    for row, prec, address, postcode, city, lat in zip(
            frame["row"], frame["precision"], frame["address"], frame["postcode"],
            frame["city"], frame["latitude"]):
        if prec == "address" and not address:
            problems.append(problem(row, "address", "address_empty"))
        if prec == "postcode" and not postcode:
            problems.append(problem(row, "postcode", "postcode_empty"))
        if prec in PLACED and not (postcode or city):
            problems.append(problem(row, "city", "needs_place", value=repr(prec)))
        elif prec in PLACED and not lat and not (postcode and gaz.is_postcode(postcode)):
            if city and gaz.lookup_parts("", city) is None:
                problems.append(problem(row, "city", "unknown_city", value=repr(city)))


def _contact_problems(frame: pd.DataFrame, problems: ProblemList) -> None:
    checks = [("email", _EMAIL, "email"), ("website", _WEBSITE, "website"),
              ("phone", _PHONE, "phone")]
    if "fax" in frame:
        checks.append(("fax", _PHONE, "phone"))
    for name, pattern, code in checks:
        # A phone or fax number has at least 8 digits, whatever its punctuation.
        digits = 8 if pattern is _PHONE else 0
        for row, value in zip(frame["row"], frame[name]):
            for item in taxonomy.split_codes(value):
                if not pattern.match(item) or sum(ch.isdigit() for ch in item) < digits:
                    problems.append(problem(row, name, code, value=repr(item)))


def _duplicate_problems(frame: pd.DataFrame, problems: ProblemList) -> None:
    # Column-wise concatenation: a row-wise join costs seconds at 100,000 sites.
    parts = [frame[c].map(fold) for c in ("org_id", "site", "address", "postcode", "city")]
    key = parts[0]
    for part in parts[1:]:
        key = key + "|" + part
    first: dict[str, int] = {}
    for row, k in zip(frame["row"], key):
        if k in first:
            problems.append(problem(row, "site", "duplicate_site", other=first[k]))
        else:
            first[k] = row
    if "site_id" in frame:
        seen: dict[str, int] = {}
        for row, value in zip(frame["row"], frame["site_id"]):
            if not value:
                problems.append(problem(row, "site_id", "required"))
            elif value in seen:
                problems.append(problem(row, "site_id", "site_id_used", value=repr(value),
                                        other=seen[value]))
            else:
                seen[value] = row
    names: dict[str, tuple[str, int]] = {}
    for row, org, name in zip(frame["row"], frame["org_id"], frame["organisation"]):
        if org in names and names[org][0] != name:
            problems.append(problem(row, "organisation", "org_name", value=repr(name),
                                    other=repr(names[org][0]), org=repr(org),
                                    first=names[org][1]))
        names.setdefault(org, (name, row))


Progress = Callable[[int, int], None]


def locate(frame: pd.DataFrame, gazetteer: Gazetteer | None = None,
           progress: Progress | None = None) -> pd.DataFrame:
    """Add coordinates (manual override, else offline geocoding) and administrative units.

    `progress(done, total)` is called as rows are placed, for a progress bar.
    """
    gaz = gazetteer or default_gazetteer()
    total = len(frame)
    step = max(1, total // 50)
    out = frame.copy()
    lat = pd.to_numeric(out["latitude"], errors="coerce")
    lon = pd.to_numeric(out["longitude"], errors="coerce")
    placed = out["precision"].isin(PLACED)
    manual = placed & lat.notna() & lon.notna()
    columns: dict[str, list[object]] = {k: [] for k in LOCATED_COLUMNS if k != "row"}
    lats, lons = [], []
    # One lookup per distinct place: directories repeat the same towns many times.
    memo: dict[tuple[str, str, float, float], object] = {}
    for done, (is_placed, is_manual, precision, postcode, city, la, lo) in enumerate(zip(
            placed, manual, out["precision"], out["postcode"], out["city"], lat, lon)):
        if progress and done % step == 0:
            progress(done, total)
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
                      # Given coordinates are as precise as the row says they are.
                      "coord_precision": precision if is_manual else place.precision,
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
    if progress:
        progress(total, total)
    return out


def site_numbers(org_ids: pd.Series) -> pd.Series:
    """Site ids numbered per organisation in file order ('apd-1', 'apd-2'), the same on every load."""
    return org_ids + "-" + (org_ids.groupby(org_ids).cumcount() + 1).astype(str)


def complete(frame: pd.DataFrame) -> pd.DataFrame:
    """Add the optional columns a file left out, and tidy values a spreadsheet writes its own way."""
    out = frame.copy()
    for name in OPTIONAL_COLUMNS:
        if name not in out:
            out[name] = ""
    if "site_id" not in frame.columns and "org_id" in out.columns:
        out["site_id"] = site_numbers(out["org_id"])
    for name in ("latitude", "longitude"):
        if name in out:
            # A Belgian spreadsheet writes 50,85; the decimal comma means a point.
            out[name] = out[name].str.replace(r"^(-?\d+),(\d+)$", r"\1.\2", regex=True)
    return out


def check(frame: pd.DataFrame, gazetteer: Gazetteer | None = None,
          progress: Progress | None = None, extra: Iterable[Problem] = ()) -> LoadResult:
    """Validate a read frame; keep the rows without problems, located, and report the others."""
    problems = validate(frame, gazetteer)
    problems.extend(extra)
    problems.sort()
    if problems.file_level:
        return LoadResult(frame.iloc[0:0], problems, list(frame["row"]))
    bad_rows = sorted(problems.bad_rows)
    good = frame[~frame["row"].isin(bad_rows)].reset_index(drop=True)
    return LoadResult(locate(good, gazetteer, progress), problems, bad_rows)


def read_directory(source: Path | str | bytes | IO[bytes] | None = None,
                   gazetteer: Gazetteer | None = None) -> LoadResult:
    """Read and validate a file in Lien's schema; keep the good rows, located, report the rest."""
    table = tabular.read(source if source is not None else ORGANISATIONS_CSV)
    # Lien's own schema has one column per name: a repeated one is ambiguous, not renamed.
    repeated = [problem(None, name, "duplicate_name") for name in sorted(set(table.renamed.values()))]
    result = check(complete(table.frame), gazetteer, extra=[*repeated, *table.problems])
    return LoadResult(result.frame, result.problems, result.rejected_rows, table.notes)


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


def problems_frame(problems: Iterable[Problem], lang: str = "en") -> pd.DataFrame:
    """Problems as a table with row, field and message columns, in `lang`."""
    return pd.DataFrame([{"row": p.row, "field": p.field, "message": p.text(lang)}
                         for p in problems], columns=["row", "field", "message"])


@dataclass
class Shared:
    """The directory every visitor sees, as loaded: the good rows (prepared for the pages), the
    problems of the rows set aside, and whether nothing at all can be shown."""

    name: str
    frame: pd.DataFrame
    problems: ProblemList = field(default_factory=ProblemList)
    notes: list[Problem] = field(default_factory=list)
    rows_read: int = 0
    refused: bool = False

    @property
    def hidden(self) -> int:
        """How many records are set aside (not shown) because of their problems."""
        return len(self.problems.bad_rows)


def load_shared(path: str, strict: bool = False, *, progress: Progress | None = None) -> Shared:
    """Read the operator's directory the way uploads are read: good rows kept, bad rows set aside.

    `strict` refuses the whole file on any problem (LIEN_STRICT=1). Run in a bounded worker.
    """
    from lien import filters  # the pages' preparation of the rows, done once in the worker

    name = Path(path).name or path
    try:
        result = read_directory(Path(path))
    except DirectoryError as exc:
        return Shared(name, pd.DataFrame(), collect(exc.problems), refused=True)
    problems = collect(result.problems)
    refused = problems.file_level or (strict and bool(problems))
    rows = len(result.frame) + len(problems.bad_rows)
    frame = pd.DataFrame() if refused else filters.prepare(result.frame)
    return Shared(name, frame, problems, list(result.notes), rows, refused)
