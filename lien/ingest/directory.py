"""The one loader of a Lien directory: read (bounded), validate (row and field for every problem),
keep the good rows and place them, and prepare them for the pages."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd

from lien.config import ORGANISATIONS_CSV
from lien.freshness import ACTIVE, DEFUNCT, FRESHNESS_COLUMNS, shown
from lien.geo.gazetteer import Gazetteer, Place, default_gazetteer
from lien.ingest import tabular
from lien.ingest.validate import DROPPABLE, validate, without_dropped
from lien.problems import DirectoryError, Problem, ProblemList, collect, problem
from lien.schema import (
    AREA_COLUMNS,
    LOCATED_COLUMNS,
    OPTIONAL_COLUMNS,
    PLACED,
    located,
    split_codes,
)
from lien.text import fold

__all__ = [
    "DirectoryError",
    "LoadResult",
    "Problem",
    "Shared",
    "check",
    "complete",
    "load_directory",
    "load_shared",
    "locate",
    "prepare",
    "problems_frame",
    "read_directory",
    "report",
    "site_numbers",
    "validate",
]


@dataclass
class LoadResult:
    """A read directory: the rows that passed, the problems of those that did not, and notes."""

    frame: pd.DataFrame
    problems: list[Problem] = field(default_factory=ProblemList)
    rejected_rows: list[int] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)


Progress = Callable[[int, int], None]


def locate(
    frame: pd.DataFrame, gazetteer: Gazetteer | None = None, progress: Progress | None = None
) -> pd.DataFrame:
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
    memo: dict[tuple[str, str, float, float], Place | None] = {}
    for done, (is_placed, is_manual, precision, postcode, city, la, lo) in enumerate(
        zip(placed, manual, out["precision"], out["postcode"], out["city"], lat, lon, strict=True)
    ):
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
            values: dict[str, object] = dict.fromkeys(columns, "")
        else:
            lats.append(la if is_manual else place.latitude)
            lons.append(lo if is_manual else place.longitude)
            values = {
                "coord_source": "manual" if is_manual else "geocoded",
                # Given coordinates are as precise as the row says they are.
                "coord_precision": precision if is_manual else place.precision,
                "geo_postcode": place.postcode,
                **{k: getattr(place, k) for k in AREA_COLUMNS},
            }
        for k in columns:
            columns[k].append(values[k])
    out["latitude"] = np.asarray(lats, dtype=float)
    out["longitude"] = np.asarray(lons, dtype=float)
    for k, column in columns.items():
        out[k] = column
    if progress:
        progress(total, total)
    return out


def prepare(frame: pd.DataFrame) -> pd.DataFrame:
    """Add what the pages search and filter on, once per loaded directory: the folded search text,
    whether each site is located, and the languages spoken (in `attrs`)."""
    # A defunct record is not shown anywhere (the store keeps it, with its history).
    out = shown(frame).copy()
    text = (
        out["organisation"]
        + " "
        + out["site"]
        + " "
        + out["description"]
        + " "
        + out["city"]
        + " "
        + out.get("municipality", "")
    )
    out["_search"] = text.map(fold)
    out["_located"] = located(out)
    # Computed once here: scanning 100,000 cells on every rerun costs a quarter of a second.
    out.attrs["spoken"] = sorted({c for cell in out["languages"] for c in split_codes(cell)})
    return out


def site_numbers(org_ids: pd.Series) -> pd.Series:
    """Site ids numbered per organisation in file order ('apd-1', 'apd-2'), stable across loads."""
    return org_ids + "-" + (org_ids.groupby(org_ids).cumcount() + 1).astype(str)


def complete(frame: pd.DataFrame) -> pd.DataFrame:
    """Add the optional columns a file left out; tidy values a spreadsheet writes its own way."""
    out = frame.copy()
    for name in (*OPTIONAL_COLUMNS, *FRESHNESS_COLUMNS):
        if name not in out:
            out[name] = ""
    # HSDS writes its statuses in lower case; a spreadsheet may not.
    out["status"] = out["status"].str.strip().str.lower()
    if "site_id" not in frame.columns and "org_id" in out.columns:
        out["site_id"] = site_numbers(out["org_id"])
    for name in ("latitude", "longitude"):
        if name in out:
            # A Belgian spreadsheet writes 50,85; the decimal comma means a point.
            out[name] = out[name].str.replace(r"^(-?\d+),(\d+)$", r"\1.\2", regex=True)
    return out


def _as_warning(found: Problem, fields: Mapping[str, str] | None) -> Problem:
    """A reader's problem with a cell (too long: emptied as read) of an optional field keeps its
    row; `fields` names the Lien field of each of the file's columns (default: the same)."""
    field = (fields or {}).get(found.field, found.field)
    if found.code == "too_long" and found.row is not None and field in DROPPABLE:
        return replace(found, kept=True)
    return found


def check(
    frame: pd.DataFrame,
    gazetteer: Gazetteer | None = None,
    progress: Progress | None = None,
    extra: Iterable[Problem] = (),
    fields: Mapping[str, str] | None = None,
    labels: bool = False,
) -> LoadResult:
    """Validate a read frame; keep the rows that can be shown (without the values their
    warnings leave out), located, and report the others. `extra` are the reader's problems,
    `fields` the Lien field of each column they name; `labels`, whether services and audiences
    were free text (an upload's, see validate)."""
    problems = validate(frame, gazetteer, labels)
    problems.extend(_as_warning(p, fields) for p in extra)
    problems.sort()
    if problems.file_level:
        return LoadResult(frame.iloc[0:0], problems, list(frame["row"]))
    bad_rows = sorted(problems.bad_rows)
    good = frame[~frame["row"].isin(bad_rows)].reset_index(drop=True)
    good = fresh_defaults(without_dropped(good, problems))
    return LoadResult(locate(good, gazetteer, progress), problems, bad_rows)


def fresh_defaults(frame: pd.DataFrame) -> pd.DataFrame:
    """A record that doesn't say who checked it and when (a file without those columns, or an
    empty cell, or one the validator emptied) was checked by its source on its source's date,
    and last changed then; one without a status is active. After validation: a bad source_date
    is then not reported twice."""
    out = frame.copy()
    defaults = {
        "checked_on": out["source_date"],
        "checked_by": out["source"],
        "changed_on": out["source_date"],
        "status": ACTIVE,
    }
    for name, default in defaults.items():
        if name not in out:
            out[name] = ""
        out[name] = out[name].where(out[name] != "", default)
    return out


def read_directory(
    source: Path | str | bytes | IO[bytes] | None = None, gazetteer: Gazetteer | None = None
) -> LoadResult:
    """Read and validate a file in Lien's schema; keep the good rows, located, report the rest."""
    table = tabular.read(source if source is not None else ORGANISATIONS_CSV)
    # Lien's own schema has one column per name: a repeated one is ambiguous, not renamed.
    repeated = [
        problem(None, name, "duplicate_name") for name in sorted(set(table.renamed.values()))
    ]
    result = check(complete(table.frame), gazetteer, extra=[*repeated, *table.problems])
    return LoadResult(result.frame, result.problems, result.rejected_rows, table.notes)


def load_directory(
    source: Path | str | bytes | IO[bytes] | None = None, gazetteer: Gazetteer | None = None
) -> pd.DataFrame:
    """The validated, located directory; raises DirectoryError listing every problem."""
    name = (
        str(source)
        if isinstance(source, (str, Path))
        else ("the file" if source is not None else str(ORGANISATIONS_CSV.name))
    )
    try:
        result = read_directory(source, gazetteer)
    except DirectoryError as exc:
        raise DirectoryError(name, exc.problems) from None
    if result.problems:
        raise DirectoryError(name, result.problems)
    return result.frame


def problems_frame(problems: Iterable[Problem], lang: str = "en") -> pd.DataFrame:
    """Problems as a table with row, field and message columns, in `lang`."""
    return pd.DataFrame(
        [{"row": p.row, "field": p.field, "message": p.text(lang)} for p in problems],
        columns=["row", "field", "message"],
    )


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
    # The defunct records, never shown, which the store still keeps (lien.store.fill).
    defunct: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def hidden(self) -> int:
        """How many records are set aside (not shown) because of their problems."""
        return len(self.problems.bad_rows)

    @property
    def warned(self) -> int:
        """How many records are shown without a value their warnings left out."""
        return len(self.problems.warned) if not self.refused else 0


def load_shared(path: str, strict: bool = False, *, progress: Progress | None = None) -> Shared:
    """Read the operator's directory the way uploads are read: good rows kept, bad rows set aside.

    `strict` refuses the whole file on any problem (LIEN_STRICT=1). Run in a bounded worker.
    """
    name = Path(path).name or path
    try:
        result = read_directory(Path(path))
    except DirectoryError as exc:
        return Shared(name, pd.DataFrame(), collect(exc.problems), refused=True)
    problems = collect(result.problems)
    refused = problems.file_level or (strict and bool(problems))
    rows = len(result.frame) + len(problems.bad_rows)
    frame = pd.DataFrame() if refused else prepare(result.frame)
    defunct = pd.DataFrame() if refused else result.frame[result.frame["status"] == DEFUNCT]
    return Shared(name, frame, problems, list(result.notes), rows, refused, defunct)


def report(shared: Shared, lang: str = "en") -> str:
    """The operator's report of a loaded directory, one problem per line."""
    problems = shared.problems
    kept = len(shared.frame)
    if shared.refused:
        head = f"{shared.name}: refused, nothing can be shown ({problems.total} problem(s))"
    else:
        head = (
            f"{shared.name}: {shared.rows_read} record(s) read, {kept} shown, "
            f"{shared.hidden} set aside, {shared.warned} shown with a value left out, "
            f"{problems.total} problem(s)"
        )
    lines = [head]
    lines += [f"  {p.where(lang)}, {p.field}: {p.text(lang)}" for p in problems]
    lines += [
        f"  … {count} more problem(s) of the kind '{code}'"
        for code, count in sorted(problems.dropped().items())
    ]
    lines += [f"  note: {n.field}: {n.text(lang)}" for n in shared.notes]
    return "\n".join(lines)
