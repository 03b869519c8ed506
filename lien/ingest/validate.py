"""The rules a directory's rows must follow: each problem found with its row and field.

The rules themselves (required values, codes, postcodes, coordinates in Belgium, contacts, dates,
duplicates, cell lengths) are listed in data/README.md, and so is what each problem does: a
problem in an optional value leaves that value out of a row that is kept (a warning); a row that
can't be shown (no organisation, no place it can be put, …) is set aside.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date

import numpy as np
import pandas as pd

from lien import taxonomy
from lien.freshness import STATUSES
from lien.geo.gazetteer import Gazetteer, default_gazetteer
from lien.problems import PER_KIND, SUGGEST, Problem, ProblemList, collect, problem, warning
from lien.schema import (
    LONG_COLUMNS,
    LONG_TEXT,
    PLACED,
    PRECISIONS,
    REQUIRED_COLUMNS,
    REQUIRED_VALUES,
    SHORT_TEXT,
    cells,
    per_distinct,
    split_codes,
)
from lien.text import fold

__all__ = ["DROPPABLE", "validate", "without_dropped"]

# Optional values: a problem in one leaves the value out of its row, which is kept. A problem
# anywhere else means the row can't be shown as it is (who, where), so it is set aside. A site
# whose services Lien doesn't know is still a place to go: it is kept, listed as offering a
# service not stated, and the report says which label to fix.
DROPPABLE: frozenset[str] = frozenset(
    {
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
        "source_date",
        # Freshness (lien.freshness): a bad value is left out, the record is still shown.
        "status",
        "checked_on",
        "changed_on",
    }
)

_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_EMAIL = re.compile(r"^[^@\s;,<>\"']+@[^@\s;,<>\"']+\.[A-Za-z]{2,}$")
_WEBSITE = re.compile(r"^(https?://)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(/[^\s<>\"']*)?$")
_PHONE = re.compile(r"^\+?[0-9 ()./-]+$")
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def _column_problems(columns: Iterable[str]) -> list[Problem]:
    columns = list(columns)
    problems = [
        problem(None, name, "missing_column") for name in REQUIRED_COLUMNS if name not in columns
    ]
    seen: set[str] = set()
    for name in columns:
        if name in seen:
            problems.append(problem(None, name, "duplicate_name"))
        seen.add(name)
    return problems


def _unknown(
    problems: ProblemList, code: str, item: str, vocabulary: taxonomy.Vocabulary | None
) -> dict[str, object]:
    """The parameters of an unknown code's problem, with a "did you mean" while the report still
    lists its kind."""
    params: dict[str, object] = {"value": repr(item)}
    if vocabulary is not None and problems.kinds[code] < PER_KIND:
        # Bounded: only the problems the report shows get the (fuzzy) search.
        suggested = vocabulary.suggest(item)
        if suggested:
            params[SUGGEST] = ";".join(suggested)
    return params


def _check_codes(
    frame: pd.DataFrame,
    column: str,
    known: Callable[[str], bool],
    code: str,
    problems: ProblemList,
    vocabulary: taxonomy.Vocabulary | None = None,
) -> None:
    """Unknown codes of a list column: left out of the row (kept when the column is DROPPABLE,
    else set aside unless it has a known one)."""

    def verdict(value: str) -> tuple[list[str], int]:
        items = split_codes(value)
        return [item for item in items if not known(item)], len(items)

    for row, (bad, count) in zip(
        frame["row"].tolist(), per_distinct(frame[column], verdict), strict=True
    ):
        if not bad:
            continue
        kept = column in DROPPABLE or len(bad) < count
        for item in bad:
            params = _unknown(problems, code, item, vocabulary)
            if kept:
                problems.drop(warning(row, column, code, **params), item)
            else:
                problems.append(problem(row, column, code, **params))


def _without_long_cells(frame: pd.DataFrame, problems: ProblemList) -> pd.DataFrame:
    """Report the cells over their column's limit and empty them, so that no later check (regex,
    place lookup) runs over a pasted document; an optional value is left out of its kept row,
    any other sets its row aside."""
    out = frame
    for name in frame.columns:
        if name == "row":
            continue
        limit = LONG_TEXT if name in LONG_COLUMNS else SHORT_TEXT
        lengths = frame[name].str.len()
        long = lengths > limit
        if not long.any():
            continue
        for row, length in zip(frame["row"][long], lengths[long], strict=True):
            if name in DROPPABLE:
                problems.drop(warning(row, name, "too_long", length=int(length), limit=limit))
            else:
                problems.append(problem(row, name, "too_long", length=int(length), limit=limit))
        if out is frame:
            out = frame.copy()
        out.loc[long, name] = ""
    return out


def validate(
    frame: pd.DataFrame, gazetteer: Gazetteer | None = None, labels: bool = False
) -> ProblemList:
    """Every problem of a read directory, each with its row and field (capped per kind).

    `labels`: the services and audiences were written as free text (an upload's), so what is not
    understood is reported as a label Lien doesn't know, not as an unknown code."""
    problems = ProblemList(_column_problems(c for c in frame.columns if c != "row"))
    if problems:
        return problems
    gaz = gazetteer or default_gazetteer()
    rows = frame["row"]
    for name in REQUIRED_VALUES:
        for row in rows[frame[name] == ""]:
            problems.append(problem(row, name, "required"))
    frame = _without_long_cells(frame, problems)

    for row, value in cells(frame, "row", "org_id"):
        if value and not _SLUG.match(value):
            problems.append(problem(row, "org_id", "slug", value=repr(value)))
    precision = frame["precision"]
    odd = ~precision.isin(PRECISIONS) & (precision != "")
    for row, value in zip(rows[odd], precision[odd], strict=True):
        problems.append(
            problem(row, "precision", "precision", value=repr(value), choices=", ".join(PRECISIONS))
        )

    services, audiences = taxonomy.services(), taxonomy.audiences()
    kind = "_label" if labels else ""
    _check_codes(
        frame, "services", services.__contains__, f"unknown_service{kind}", problems, services
    )
    _check_codes(
        frame, "audiences", audiences.__contains__, f"unknown_audience{kind}", problems, audiences
    )
    _check_codes(frame, "languages", taxonomy.is_language, "unknown_language", problems)

    for row, value in cells(frame, "row", "postcode"):
        if value and not gaz.is_postcode(value):
            problems.append(problem(row, "postcode", "postcode", value=repr(value)))

    _coordinate_problems(frame, gaz, problems)
    _place_problems(frame, gaz, problems)
    _contact_problems(frame, problems)

    _date_problems(frame, problems)
    _duplicate_problems(frame, problems)
    return collect(problems)


def _date_problems(frame: pd.DataFrame, problems: ProblemList) -> None:
    """Dates that are none, and a status that is not HSDS's: left out, the row kept."""
    for name in ("source_date", "checked_on", "changed_on"):
        for row, value in cells(frame, "row", name) if name in frame else ():
            if value and not _valid_date(value):
                problems.drop(warning(row, name, "date", value=repr(value)))
    if "status" in frame:
        choices = ", ".join(STATUSES)
        for row, value in cells(frame, "row", "status"):
            if value and value not in STATUSES:
                problems.drop(warning(row, "status", "status", value=repr(value), choices=choices))


def without_dropped(frame: pd.DataFrame, problems: ProblemList) -> pd.DataFrame:
    """The rows with the values their warnings left out removed (a list cell keeps its other
    items); `problems.drops` is emptied, its work done."""
    if not problems.drops or frame.empty:
        problems.drops = {}
        return frame
    out = frame.copy()
    where = {row: index for index, row in zip(out.index, out["row"], strict=True)}
    for (row, name), items in problems.drops.items():
        index = where.get(row)
        if index is None or name not in out:
            continue
        if items is None:
            out.at[index, name] = ""
        else:
            gone = set(items)
            out.at[index, name] = ";".join(
                item for item in split_codes(out.at[index, name]) if item not in gone
            )
    problems.drops = {}
    return out


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
        for row, value in zip(frame["row"][bad], text[bad], strict=True):
            problems.append(problem(row, name, "not_number", value=repr(value)))
    half = (lat_text == "") != (lon_text == "")
    for row, has_lat in zip(frame["row"][half], (lat_text != "")[half], strict=True):
        problems.append(problem(row, "longitude" if has_lat else "latitude", "half_coords"))
    both = lat.notna() & lon.notna() & np.isfinite(lat) & np.isfinite(lon)
    if both.any():
        inside = pd.Series(gaz.contains(lat[both], lon[both]), index=lat[both].index)
        swapped = pd.Series(gaz.contains(lon[both], lat[both]), index=lat[both].index)
        for idx in inside.index[~inside]:
            problems.append(
                problem(
                    int(frame.at[idx, "row"]),
                    "latitude",
                    "swapped" if swapped[idx] else "outside",
                    lat=lat[idx],
                    lon=lon[idx],
                )
            )
    unplaced = frame["precision"].isin(("national", "online")) & (lat_text != "")
    for row, value in zip(frame["row"][unplaced], frame["precision"][unplaced], strict=True):
        problems.append(problem(row, "latitude", "unplaced_coords", value=value))


def _place_problems(frame: pd.DataFrame, gaz: Gazetteer, problems: ProblemList) -> None:
    for row, prec, address, postcode, city, lat in cells(
        frame, "row", "precision", "address", "postcode", "city", "latitude"
    ):
        if prec == "address" and not address:
            problems.append(problem(row, "address", "address_empty"))
        if prec == "postcode" and not postcode:
            problems.append(problem(row, "postcode", "postcode_empty"))
        if prec in PLACED and not (postcode or city):
            problems.append(problem(row, "city", "needs_place", value=repr(prec)))
        elif (
            prec in PLACED
            and not lat
            and not (postcode and gaz.is_postcode(postcode))
            and city
            and gaz.lookup_parts("", city) is None
        ):
            problems.append(problem(row, "city", "unknown_city", value=repr(city)))


def _contact_problems(frame: pd.DataFrame, problems: ProblemList) -> None:
    checks = [
        ("email", _EMAIL, "email"),
        ("website", _WEBSITE, "website"),
        ("phone", _PHONE, "phone"),
    ]
    if "fax" in frame:
        checks.append(("fax", _PHONE, "phone"))
    for name, pattern, code in checks:
        # A phone or fax number has at least 8 digits, whatever its punctuation.
        digits = 8 if pattern is _PHONE else 0

        def bad(value: str, pattern: re.Pattern[str] = pattern, digits: int = digits) -> list[str]:
            return [
                item
                for item in split_codes(value)
                if not pattern.match(item) or sum(ch.isdigit() for ch in item) < digits
            ]

        for row, items in zip(frame["row"].tolist(), per_distinct(frame[name], bad), strict=True):
            for item in items:
                problems.drop(warning(row, name, code, value=repr(item)), item)


def _duplicate_problems(frame: pd.DataFrame, problems: ProblemList) -> None:
    # Each column folded once per distinct value: a directory repeats its organisations and towns.
    columns = ("org_id", "site", "address", "postcode", "city")
    parts = [per_distinct(frame[c], fold) for c in columns]
    keys = ("|".join(part) for part in zip(*parts, strict=True))
    first: dict[str, int] = {}
    for row, k in zip(frame["row"].tolist(), keys, strict=True):
        if k in first:
            problems.append(problem(row, "site", "duplicate_site", other=first[k]))
        else:
            first[k] = row
    if "site_id" in frame:
        seen: dict[str, int] = {}
        for row, value in cells(frame, "row", "site_id"):
            if not value:
                problems.append(problem(row, "site_id", "required"))
            elif value in seen:
                problems.append(
                    problem(row, "site_id", "site_id_used", value=repr(value), other=seen[value])
                )
            else:
                seen[value] = row
    names: dict[str, tuple[str, int]] = {}
    for row, org, name in cells(frame, "row", "org_id", "organisation"):
        if org in names and names[org][0] != name:
            problems.append(
                problem(
                    row,
                    "organisation",
                    "org_name",
                    value=repr(name),
                    other=repr(names[org][0]),
                    org=repr(org),
                    first=names[org][1],
                )
            )
        names.setdefault(org, (name, row))
