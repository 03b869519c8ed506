"""The one reader of tables: CSV (any delimiter; UTF-8, UTF-16, UTF-32 or Windows-1252) or XLSX,
into strings.

Every record keeps the line (or Excel row) it came from in a `row` column, so problems can name
it. What the reader had to guess (encoding, delimiter, sheet, the row of the column names,
renamed columns) is returned as notes; what makes the file unreadable raises DirectoryError with
the reason. The text is read without the control characters no text needs (lien.text).

Files come from anyone, so the reader is bounded before it works: CSV and XLSX are streamed into
the same bounded collector (lien.ingest.collector: `Caps`), whatever the file claims about itself
(an XLSX's declared dimensions are ignored).
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, Any
from xml.etree.ElementTree import ParseError

from lien.config import MiB
from lien.ingest import decoding
from lien.ingest.collector import (
    DELIMITER_NAMES,
    DIRECTORY_CAPS,
    HEADER_SCAN,
    MAX_UPLOAD_MB,
    UPLOAD_CAPS,
    Caps,
    Collector,
    HeaderChoice,
    Table,
    refuse,
)
from lien.problems import DirectoryError, Problem, problem
from lien.schema import about_markers
from lien.text import without_controls

__all__ = [
    "DELIMITERS",
    "DELIMITER_NAMES",
    "DIRECTORY_CAPS",
    "HEADER_SCAN",
    "MAX_UNPACKED_MB",
    "MAX_UPLOAD_MB",
    "UPLOAD_CAPS",
    "Caps",
    "HeaderChoice",
    "Table",
    "error_name",
    "read",
    "read_bytes",
    "read_path",
    "records",
]

# An .xlsx is a zip: a few kilobytes may unpack to gigabytes, so the unpacked size is bounded too.
MAX_UNPACKED_MB = 50
DELIMITERS: tuple[str, ...] = (",", ";", "\t", "|")

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls and other pre-2007 Office files
_ZIP = b"PK\x03\x04"
# The delimiter is guessed from the start of the file: enough for 20 lines of any real table.
_SNIFF_CHARS = 65_536
_SNIFF_LINES = 20
# After this many unclosed quotes the file is not a CSV worth mending line by line.
_MAX_RECOVERIES = 20


def error_name(exc: BaseException) -> str:
    """An exception's class name for a message; "zlib.error" rather than a bare "error"."""
    kind = type(exc)
    return f"{kind.__module__}.{kind.__name__}" if kind.__name__ == "error" else kind.__name__


def _delimiter(text: str) -> str:
    """The delimiter that splits the most of the first lines into the same number of cells (two
    or more), then the most cells: a title line above the table, one cell, has no say."""
    lines = [line for line in text[:_SNIFF_CHARS].splitlines()[:_SNIFF_LINES] if line.strip()]
    best, best_score = ",", (0, 0)
    for candidate in DELIMITERS:
        counts = Counter(len(next(csv.reader([line], delimiter=candidate), [])) for line in lines)
        counts.pop(1, None)
        if not counts:
            continue
        width, agreeing = max(counts.items(), key=lambda item: (item[1], item[0]))
        score = (agreeing, width)
        if score > best_score:
            best, best_score = candidate, score
    return best


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel stores the postcode 1000 as 1000.0
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value)


def _unclosed(lines: list[str], start: int, delimiter: str) -> bool:
    """Whether the record starting at index `start` of `lines` runs into the end of the file
    inside quotes (read strictly, it can't be completed)."""
    strict = csv.reader(itertools.islice(lines, start, None), delimiter=delimiter, strict=True)
    try:
        next(strict, None)
    except csv.Error:
        return True
    return False


def _csv_records(text: str, delimiter: str, collected: Collector) -> None:
    """Feed every record of `text` to `collected`; an unclosed quote costs its own line only."""
    lines = io.StringIO(text, newline="").readlines()
    # A cell is never longer than the file; the collector bounds it afterwards, with a message.
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    offset = recoveries = 0
    while offset < len(lines):
        reader = csv.reader(itertools.islice(lines, offset, None), delimiter=delimiter)
        start = 1
        resume = None
        for record in reader:
            end = reader.line_num
            if (
                end > start
                and offset + end == len(lines)
                and recoveries < _MAX_RECOVERIES
                and _unclosed(lines, offset + start - 1, delimiter)
            ):
                # The quote swallowed the rest of the file: report it, set its line aside, and
                # read on from the next line as if that line had never been there.
                first = offset + start
                collected.problems.append(
                    problem(first, "file", "unclosed_quote", line=first, last=len(lines))
                )
                bare = lines[first - 1].rstrip("\r\n").split(delimiter)
                collected.set_aside_record(first, bare)
                resume = first
                recoveries += 1
                break
            if not collected.add(offset + start, record):
                return
            start = end + 1
        if resume is None:
            return
        offset = resume


_BLANK_LINE = re.compile(r"\r?\n[ \t]*\r?\n")


def _without_about(text: str) -> str:
    """A Lien download's opening lines (its marker in any language, the facts, a blank line) made
    blank, so the table is read as it is and keeps its line numbers. Any other text is returned
    as it is."""
    # A marker holding the delimiter or a quote is written quoted.
    if not text.removeprefix('"').startswith(about_markers()):
        return text
    end = _BLANK_LINE.search(text)
    if end is None:
        return text
    return "\n" * text.count("\n", 0, end.end()) + text[end.end() :]


def _read_csv(
    data: bytes, name: str, caps: Caps, strip: bool, header: HeaderChoice | None
) -> Table:
    notes: list[Problem] = []
    text = _without_about(decoding.decode(data, notes).lstrip("\ufeff"))
    if not text.strip():
        raise refuse(name, "empty")
    delimiter = _delimiter(text)
    if delimiter != ",":
        notes.append(problem(None, "file", "delimiter_note", delimiter=DELIMITER_NAMES[delimiter]))
    collected = Collector(name, caps, delimiter, header)
    collected.notes.extend(notes)
    # newline="" keeps line breaks inside quoted cells as part of the value.
    _csv_records(text.lstrip("\ufeff"), delimiter, collected)
    return collected.table(strip)


def _without_controls(cells: list[str]) -> int:
    """Remove from `cells`, in place, the characters no text needs; how many there were."""
    removed = 0
    for index, cell in enumerate(cells):
        if not cell.isprintable():  # quick: most cells are, and have nothing to remove
            cells[index], count = without_controls(cell)
            removed += count
    return removed


def _xlsx_rows(sheet: Any) -> Iterator[tuple[int, list[Any]]]:
    """(Excel row number, values) of a read-only sheet, trailing empty cells dropped."""
    # The <dimension> a file declares is not trusted: openpyxl would pad every row to it
    # (A1:XFD1048576 is 17 billion cells). Without it, a row is as long as its last cell.
    sheet.reset_dimensions()
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        cells = list(values)
        while cells and cells[-1] is None:
            cells.pop()
        yield number, cells


# What a damaged or hostile workbook makes openpyxl or the XML parser raise. defusedxml (used by
# openpyxl when installed) raises ValueError subclasses for DTDs and entities.
_XLSX_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    KeyError,
    OSError,
    ValueError,
    TypeError,
    EOFError,
    zlib.error,
    ParseError,
    IndexError,
    AttributeError,
    NotImplementedError,
    RuntimeError,
)


def _read_xlsx(
    data: bytes, name: str, sheet: str | None, caps: Caps, strip: bool, header: HeaderChoice | None
) -> Table:
    book = _open_workbook(data, name)
    try:
        sheets = list(book.sheetnames)
        # The chosen sheet, else the first that holds anything.
        order = [sheet] if sheet is not None and sheet in sheets else sheets
        used, collected, removed = _first_table(book, order, name, caps, header)
    except DirectoryError:
        raise
    except _XLSX_ERRORS as exc:
        raise refuse(name, "bad_xlsx", reason=error_name(exc)) from None
    finally:
        book.close()
    if len(sheets) > 1:
        collected.notes.insert(
            0,
            problem(
                None,
                "file",
                "sheets_note",
                used=repr(used),
                others=", ".join(repr(s) for s in sheets if s != used),
            ),
        )
    if removed:
        collected.notes.append(problem(None, "file", "controls_note", count=removed))
    table = collected.table(strip)
    table.sheets, table.sheet = sheets, used
    return table


def _open_workbook(data: bytes, name: str) -> Any:
    """The workbook, read-only, once its unpacked size is known to be within bounds."""
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > MAX_UNPACKED_MB * MiB:
            raise refuse(name, "xlsx_expands", size=round(unpacked / MiB), limit=MAX_UNPACKED_MB)
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except DirectoryError:
        raise
    except _XLSX_ERRORS as exc:
        raise refuse(name, "bad_xlsx", reason=error_name(exc)) from None


def _first_table(
    book: Any, order: list[str], name: str, caps: Caps, header: HeaderChoice | None
) -> tuple[str, Collector, int]:
    """(sheet, its rows, control characters removed on the way) of the first sheet of `order`
    where a header row is found."""
    removed = 0
    for candidate in order:
        collected = Collector(name, caps, None, header)
        for number, values in _xlsx_rows(book[candidate]):
            if len(values) > caps.columns:
                raise refuse(name, "too_many_columns", count=len(values), limit=caps.columns)
            cells = [_cell(v) for v in values]
            removed += _without_controls(cells)
            if not collected.add(number, cells):
                break
        collected.resolve()
        if collected.header is not None:
            return candidate, collected, removed
    if header is not None and header.row:
        raise refuse(name, "no_header_row", line=header.row)
    raise refuse(name, "empty")


def read_bytes(
    data: bytes,
    name: str = "the file",
    *,
    sheet: str | None = None,
    header: HeaderChoice | None = None,
    strip: bool = True,
    caps: Caps | None = None,
) -> Table:
    """Read an uploaded or stored table (bounded by `caps`, UPLOAD_CAPS by default); raises
    DirectoryError naming why it can't be read.

    `header` says where the column names are (the first row that is not blank by default).
    `strip=False` keeps each cell exactly as written, for tools that pass rows through.
    """
    caps = caps or UPLOAD_CAPS
    if len(data) > caps.file_mb * MiB:
        raise refuse(name, "too_large", size=f"{len(data) / MiB:.1f}", limit=caps.file_mb)
    if not data.strip():
        raise refuse(name, "empty")
    if data.startswith(_ZIP) or name.lower().endswith(".xlsx"):
        return _read_xlsx(data, name, sheet, caps, strip, header)
    if data.startswith(_OLE):
        raise refuse(name, "old_excel")
    kind = decoding.looks_binary(data)
    if kind:
        raise refuse(name, "binary", kind=kind)
    return _read_csv(data, name, caps, strip, header)


def read_path(path: Path, caps: Caps) -> bytes:
    """A file's bytes, bounded by `caps`; DirectoryError (never OSError) when it can't be read."""
    name = path.name or str(path)
    try:
        if path.is_dir():
            raise refuse(name, "is_folder")
        size = path.stat().st_size
        if size > caps.file_mb * MiB:
            raise refuse(name, "too_large", size=f"{size / MiB:.1f}", limit=caps.file_mb)
        with path.open("rb") as handle:
            # Read one byte past the limit: a file that grew since stat() is still caught.
            data = handle.read(int(caps.file_mb * MiB) + 1)
    except DirectoryError:
        raise
    except FileNotFoundError:
        raise refuse(name, "not_found") from None
    except OSError as exc:
        raise refuse(name, "unreadable", reason=type(exc).__name__) from None
    if len(data) > caps.file_mb * MiB:
        raise refuse(name, "too_large", size=f"{len(data) / MiB:.1f}", limit=caps.file_mb)
    return data


def read(
    source: Path | str | bytes | IO[bytes],
    *,
    sheet: str | None = None,
    header: HeaderChoice | None = None,
    strip: bool = True,
    caps: Caps | None = None,
) -> Table:
    """Read a path, bytes or binary file object (see read_bytes); a path is bounded by `caps`
    (DIRECTORY_CAPS by default: a path is the operator's own file)."""
    if isinstance(source, (str, Path)):
        path = Path(source)
        caps = caps or DIRECTORY_CAPS
        data, name = read_path(path, caps), path.name
    elif isinstance(source, bytes):
        data, name = source, "the file"
    else:
        data, name = source.read(), getattr(source, "name", "the file")
    return read_bytes(
        data, name, sheet=sheet, header=header, strip=strip, caps=caps or DIRECTORY_CAPS
    )


def records(table: Table) -> Iterable[dict[str, str]]:
    """The rows as dicts without the `row` column, for callers that want plain records."""
    columns = [c for c in table.frame.columns if c != "row"]
    for values in table.frame[columns].itertuples(index=False, name=None):
        yield dict(zip(columns, values, strict=True))
