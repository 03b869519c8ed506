"""Lien's directory schema, in one place: the columns, the precisions, what "located" and
"approximate" mean, the list syntax of multi-valued cells, and what a missing value is.

data/README.md describes the same schema for people preparing a file.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

# The columns of a directory file, in the order Lien writes them.
SCHEMA_COLUMNS: tuple[str, ...] = (
    "site_id",
    "org_id",
    "organisation",
    "site",
    "address",
    "postcode",
    "city",
    "latitude",
    "longitude",
    "precision",
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
    "source",
    "source_date",
)
OPTIONAL_COLUMNS: tuple[str, ...] = ("site_id", "fax", "contact_person", "notes")
# What a person confirmed and when (lien.freshness): optional, beside the file's columns. A
# file without them was checked by its source on its source's date, every record active.
FRESHNESS_COLUMNS: tuple[str, ...] = ("status", "checked_on", "checked_by", "changed_on")
REQUIRED_COLUMNS: tuple[str, ...] = tuple(c for c in SCHEMA_COLUMNS if c not in OPTIONAL_COLUMNS)
# Columns that may not be empty.
REQUIRED_VALUES: tuple[str, ...] = (
    "org_id",
    "organisation",
    "site",
    "precision",
    "source",
)
# Longer cells are refused: they are pasted documents or attacks, and would swamp popups.
SHORT_TEXT = 500
LONG_TEXT = 5_000
# RFC 5321's longest e-mail address: a longer one is no one's (a contact, a provider's identity).
MAX_EMAIL = 254
LONG_COLUMNS = frozenset({"description", "hours", "notes", "services", "audiences", "languages"})

# How precisely a row places its site. The first three put it on the map; a national or online
# site has no place.
PRECISIONS: tuple[str, ...] = ("address", "postcode", "locality", "national", "online")
PLACED: tuple[str, ...] = ("address", "postcode", "locality")
# A postcode centroid or a town centre: drawn as a hollow circle, its distances are approximate.
APPROXIMATE: frozenset[str] = frozenset({"postcode", "locality"})

# The areas a located site lies in, each by name and code: fields of a geocoder's answer
# (lien.geo.gazetteer.Place, lien.geocoding.RESULT_KEYS) and columns the loader adds.
AREA_COLUMNS: tuple[str, ...] = (
    "municipality",
    "municipality_code",
    "province",
    "province_code",
    "region",
    "region_code",
)
# Columns the loader adds; an input file may not use these names for something else.
LOCATED_COLUMNS: tuple[str, ...] = (
    "row",
    "coord_source",
    "coord_precision",
    "geo_postcode",
    *AREA_COLUMNS,
)
# The located columns a reader of an export needs: all but the loader's bookkeeping.
LOCATED_EXPORT_COLUMNS: tuple[str, ...] = tuple(
    c for c in LOCATED_COLUMNS if c not in ("row", "coord_source", "geo_postcode")
)
EXPORT_COLUMNS: tuple[str, ...] = (
    SCHEMA_COLUMNS + FRESHNESS_COLUMNS + LOCATED_EXPORT_COLUMNS + ("distance_km",)
)
# The first cell of the lines that open a Lien CSV download and say what it is (what, filters,
# date, sources), before a blank line and the table; Lien's reader skips them. It is written in
# the visitor's language (the catalogues' "about_marker"); the earlier wordings stay recognised,
# so that a file saved before still reads (every download began with the English one until
# December 2026).
EARLIER_ABOUT_MARKERS: tuple[str, ...] = ("Lien: about this file",)


@cache
def about_markers() -> tuple[str, ...]:
    """Every first cell that opens a Lien download's lines about itself, in every language."""
    from lien.i18n import LANGS, t  # the catalogues, read once the reader first needs them

    return tuple(
        dict.fromkeys([*(t("about_marker", lang) for lang in LANGS), *EARLIER_ABOUT_MARKERS])
    )


def is_missing(value: Any) -> bool:
    """True for None, NaN, pandas' NA and NaT."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def text(value: Any) -> str:
    """A cell as text: "" for a missing value, the value as written otherwise."""
    return "" if is_missing(value) else str(value)


def split_codes(value: Any) -> list[str]:
    """'a; b;;c ' -> ['a', 'b', 'c']: the list syntax of every multi-valued column."""
    return [part.strip() for part in text(value).split(";") if part.strip()]


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows as dicts, as DataFrame.to_dict("records") gives them (native Python values), read
    column by column: to_dict reads each row's cells through positional indexing, several
    milliseconds per call on a few dozen sites, on every rerun of the map page."""
    keys = list(frame.columns)
    columns = (c.tolist() for _, c in frame.items())
    return [dict(zip(keys, values, strict=True)) for values in zip(*columns, strict=True)]


def cells(frame: pd.DataFrame, *names: str) -> Iterator[tuple[Any, ...]]:
    """The named columns' values row by row, as native Python values: a list per column first,
    where iterating a column of pandas' Arrow-backed text yields each cell through a scalar
    conversion, several times slower (docs/performance.md)."""
    return zip(*(frame[name].tolist() for name in names), strict=True)


def rows_where(frame: pd.DataFrame, mask: pd.Series) -> pd.DataFrame:
    """frame[mask], without copying a column when every row is kept: a large directory's
    copy would cost each rerun of the unfiltered map (docs/performance.md)."""
    if bool(mask.all()):
        return frame.copy(deep=False)
    return frame[mask]


def per_distinct(column: pd.Series, read: Callable[[Any], Any]) -> np.ndarray:
    """read(cell) for each cell of `column`, computed once per distinct value (a missing cell
    reads as ""): a directory repeats its services, towns and contacts, and a few thousand
    calls replace a hundred thousand."""
    codes, distinct = pd.factorize(column)
    # A missing cell's code is -1: the last entry. Filled one by one: np.array() would turn
    # readings that are lists or tuples into more dimensions.
    readings = [read(v) for v in distinct.tolist()] + [read("")]
    values = np.empty(len(readings), dtype=object)
    for index, reading in enumerate(readings):
        values[index] = reading
    return values[codes]


def located(sites: pd.DataFrame) -> pd.Series:
    """Which sites have a point on the map: finite latitude and longitude."""
    if sites.empty or "latitude" not in sites or "longitude" not in sites:
        return pd.Series(False, index=sites.index, dtype=bool)
    lat = pd.to_numeric(sites["latitude"], errors="coerce").to_numpy(dtype=float)
    lon = pd.to_numeric(sites["longitude"], errors="coerce").to_numpy(dtype=float)
    return pd.Series(np.isfinite(lat) & np.isfinite(lon), index=sites.index)


def precision_of(site: Any) -> str:
    """How precisely a site is placed: where its coordinates come from, else what its row says."""
    return text(site.get("coord_precision")) or text(site.get("precision"))


def approximate(sites: pd.DataFrame) -> pd.Series:
    """Which sites are placed only at a postcode centroid or a town centre."""
    column = (
        sites["coord_precision"]
        if "coord_precision" in sites
        else sites.get("precision", pd.Series("", index=sites.index))
    )
    return column.isin(APPROXIMATE)
