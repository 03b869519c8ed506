"""Bring your own directory: read an upload, map its columns, check and place it, in one task run
by a bounded worker (lien.ingest.worker).

Nothing here writes a file: an upload lives in the memory of the session that sent it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from lien import schema
from lien.config import MiB
from lien.geo.gazetteer import Gazetteer
from lien.ingest import directory, hsds, tabular
from lien.ingest.directory import LoadResult, Progress
from lien.ingest.mapping import FIELDS, MUST_MAP, guess_mapping, header_score, to_schema
from lien.ingest.tabular import MAX_UPLOAD_MB, HeaderChoice, Table
from lien.openreferral import METADATA_ATTR
from lien.problems import DirectoryError, Problem, ProblemList, collect, problem

__all__ = [
    "FIELDS",
    "MAX_UPLOAD_MB",
    "MUST_MAP",
    "Refusal",
    "Upload",
    "check_upload",
    "cleaned",
    "process",
    "read_file",
    "rejected_rows",
]


def read_file(
    data: bytes, name: str, *, sheet: str | None = None, header: int | None = None
) -> Table:
    """An uploaded table (CSV, XLSX) or HSDS zip; raises DirectoryError when it is unreadable.

    The column names are on row `header` (an Excel row, a CSV line) when given, else on the row
    of the first ones whose cells name Lien's fields best (a title and blank rows skipped)."""
    if len(data) <= MAX_UPLOAD_MB * MiB and hsds.is_hsds_zip(data):
        return Table(hsds.import_zip(data, name))
    return tabular.read_bytes(data, name, sheet=sheet, header=HeaderChoice(header, header_score))


@dataclass
class Upload:
    """An uploaded directory after checking: the kept rows placed and prepared, what was said, and
    the rows set aside as they were uploaded. It is all a session keeps of an upload."""

    name: str
    frame: pd.DataFrame
    problems: ProblemList = field(default_factory=ProblemList)
    notes: list[Problem] = field(default_factory=list)
    rejected: pd.DataFrame = field(default_factory=pd.DataFrame)
    rows_read: int = 0
    # What the Data page needs to offer the column mapping again, without the file.
    columns: list[str] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)
    sheet: str = ""
    mapping: dict[str, str] = field(default_factory=dict)
    # The Excel row or CSV line the column names were read from (0: an Open Referral package).
    header_row: int = 0

    @property
    def warned(self) -> int:
        """How many kept rows had a value left out (each said in the report)."""
        return len(self.problems.warned)

    @property
    def refused(self) -> bool:
        """Whether the file as a whole was refused (a file-level problem)."""
        return self.problems.file_level or any(p.row is None for p in self.problems)


def process(
    table: Table,
    mapping: Mapping[str, str],
    name: str,
    gazetteer: Gazetteer | None = None,
    progress: Progress | None = None,
) -> Upload:
    """Map, validate and place an uploaded table; the rows with problems are set aside, not lost."""
    frame, problems, notes = to_schema(table.frame, mapping, name)
    if problems:
        found = collect([*problems, *table.problems])
        result = LoadResult(frame.iloc[0:0], found, list(frame["row"]))
    else:
        result = directory.check(
            directory.complete(frame),
            gazetteer,
            progress,
            extra=table.problems,
            fields={column: name for name, column in mapping.items() if column},
            labels=True,
        )
    checked = collect(result.problems)
    raw = table.frame[table.frame["row"].isin(checked.bad_rows)]
    if len(table.set_aside):
        raw = pd.concat([raw, table.set_aside], ignore_index=True).fillna("")
        raw = raw.sort_values("row", kind="stable")
    # Prepared once here, for the preview and then for every page of the session.
    prepared = directory.prepare(result.frame)
    if METADATA_ATTR in table.frame.attrs:  # an HSDS package's history, exported again
        prepared.attrs[METADATA_ATTR] = table.frame.attrs[METADATA_ATTR]
    return Upload(
        name,
        prepared,
        checked,
        [*table.notes, *notes, *_street_precision(result.frame)],
        raw.reset_index(drop=True),
        len(table.frame) + len(table.set_aside),
        columns=[c for c in table.frame.columns if c != "row"],
        sheets=table.sheets,
        sheet=table.sheet,
        mapping=dict(mapping),
        header_row=table.header_row,
    )


def _street_precision(frame: pd.DataFrame) -> list[Problem]:
    """A note when rows with a street address were placed only at their postcode or commune (the
    offline geocoder knows no streets), saying how to get them placed at the street."""
    if frame.empty or "coord_source" not in frame:
        return []
    streets = frame["precision"] == "address"
    approximate = streets & (frame["coord_source"] == "geocoded") & schema.approximate(frame)
    if not approximate.any():
        return []
    return [
        problem(
            None,
            "precision",
            "street_precision_note",
            count=int(approximate.sum()),
            total=int(streets.sum()),
        )
    ]


def rejected_rows(upload: Upload, lang: str = "en") -> pd.DataFrame:
    """The uploaded rows that were set aside, as uploaded, with their problems in a last column."""
    by_row = upload.problems.of_row()
    out = upload.rejected.copy()
    out["problems"] = [
        " | ".join(f"{p.field}: {p.text(lang)}" for p in by_row.get(r, [])) for r in out["row"]
    ]
    return out


@dataclass
class Refusal:
    """The upload could not be read at all: why, as file-level problems."""

    name: str
    problems: list[Problem]


def check_upload(
    data: bytes,
    name: str,
    sheet: str | None = None,
    mapping: Mapping[str, str] | None = None,
    header: int | None = None,
    *,
    progress: Progress | None = None,
) -> Upload | Refusal:
    """Read (the column names on row `header`, else found), map (the given mapping, else the
    guessed one), check and place an upload.

    The whole of an upload's handling, run in a bounded worker (lien.ingest.worker): nothing here is
    shared with the server but what it returns.
    """
    try:
        table = read_file(data, name, sheet=sheet, header=header)
    except DirectoryError as exc:
        return Refusal(name, list(exc.problems))
    columns = [c for c in table.frame.columns if c != "row"]
    chosen = dict(mapping) if mapping is not None else guess_mapping(columns)
    chosen = {k: v for k, v in chosen.items() if v in columns}
    return process(table, chosen, name, progress=progress)


def cleaned(frame: pd.DataFrame) -> pd.DataFrame:
    """The kept rows in Lien's schema, with the coordinates found: a file Lien loads as it is."""
    out = frame[[c for c in FIELDS if c in frame]].copy()
    for name in ("latitude", "longitude"):
        out[name] = pd.to_numeric(frame[name], errors="coerce").round(6)
    # A street address placed offline sits at its postcode: the file must not claim more.
    geocoded = frame.get("coord_source", pd.Series("", index=frame.index)) == "geocoded"
    out.loc[geocoded, "precision"] = frame.loc[geocoded, "coord_precision"]
    return out
