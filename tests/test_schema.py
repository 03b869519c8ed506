"""lien.schema: the columns, the list syntax, and what located and approximate mean."""

from __future__ import annotations

import math

import pandas as pd

from lien import schema


def test_required_columns_are_the_schema_without_the_optional_ones() -> None:
    assert set(schema.REQUIRED_COLUMNS) | set(schema.OPTIONAL_COLUMNS) == set(schema.SCHEMA_COLUMNS)
    assert not set(schema.REQUIRED_COLUMNS) & set(schema.OPTIONAL_COLUMNS)
    assert schema.EXPORT_COLUMNS[: len(schema.SCHEMA_COLUMNS)] == schema.SCHEMA_COLUMNS


def test_list_syntax() -> None:
    assert schema.split_codes("a; b;;c ") == ["a", "b", "c"]
    assert schema.split_codes(None) == []
    assert schema.split_codes(math.nan) == []


def test_missing_values() -> None:
    for value in (None, math.nan, pd.NA, pd.NaT):
        assert schema.is_missing(value)
        assert schema.text(value) == ""
    assert schema.text(0) == "0"
    assert not schema.is_missing("")


def test_located_and_approximate() -> None:
    sites = pd.DataFrame(
        {
            "latitude": [50.5, None, "50.1", "inf"],
            "longitude": [4.3, 4.3, "4.1", "4.0"],
            "precision": ["address", "national", "locality", "address"],
            "coord_precision": ["address", "", "locality", "postcode"],
        }
    )
    assert schema.located(sites).tolist() == [True, False, True, False]
    assert schema.approximate(sites).tolist() == [False, False, True, True]
    assert schema.precision_of({"coord_precision": "", "precision": "locality"}) == "locality"


def test_records_are_the_rows_as_pandas_gives_them() -> None:
    frame = pd.DataFrame(
        {"a": pd.Series(["x", None], dtype="str"), "b": [1.5, math.nan], "c": [1, 2]}
    )
    fast, usual = schema.records(frame), frame.to_dict("records")
    assert [list(r) for r in fast] == [list(r) for r in usual]
    assert fast[0] == usual[0]
    assert type(fast[1]["c"]) is int
    assert schema.text(fast[1]["a"]) == ""
    assert math.isnan(fast[1]["b"])


def test_per_distinct_reads_each_distinct_cell_once_and_keeps_each_reading_whole() -> None:
    column = pd.Series(["a;b", "c", "a;b", None, "c"], dtype="str")
    read: list[str] = []

    def items(value: str) -> list[str]:
        read.append(value)
        return value.split(";") if value else []

    got = schema.per_distinct(column, items)
    assert sorted(read) == ["", "a;b", "c"]  # once each; a missing cell reads as ""
    # Lists of one length stay lists (np.array would have made them a second dimension).
    assert got.shape == (5,)
    assert [list(v) for v in got] == [
        ["a", "b"],
        ["c"],
        ["a", "b"],
        [],
        ["c"],
    ]
    pairs = schema.per_distinct(column, lambda v: (v, len(v)))
    assert pairs.shape == (5,)
    assert pairs[0] == ("a;b", 3)
    assert pairs[3] == ("", 0)


def test_cells_reads_columns_row_by_row_as_python_values() -> None:
    frame = pd.DataFrame({"row": [2, 3], "city": pd.Series(["Namur", "Gent"], dtype="str")})
    rows = list(schema.cells(frame, "row", "city"))
    assert rows == [(2, "Namur"), (3, "Gent")]
    assert all(type(r) is int and type(c) is str for r, c in rows)
