"""The one reader of tables: CSV (any delimiter, UTF-8/UTF-16/Windows-1252) or XLSX, into strings.

Every record keeps the line (or Excel row) it came from in a `row` column, so problems can name
it. What the reader had to guess (encoding, delimiter, sheet, renamed columns) is returned as
notes; what makes the file unreadable raises DirectoryError with the reason.

Files come from anyone, so the reader is bounded before it works: `Caps` limits the rows, the
columns, the cells and the length of a cell while the file is streamed, whatever the file claims
about itself (an XLSX's declared dimensions are ignored). A cell over the limit is emptied and
reported, so that no later check (regex, geocoder) ever sees it.

Why it is long: CSV and XLSX are streamed into the same bounded collector; split apart, the caps
and what is said about them would live in two places.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, Any, Iterable, Iterator
from xml.etree.ElementTree import ParseError

import pandas as pd

from lien.problems import DirectoryError, Problem, ProblemList, problem
from lien.schema import about_markers

MB = 1024 * 1024
MAX_UPLOAD_MB = 5
# An .xlsx is a zip: a few kilobytes may unpack to gigabytes, so the unpacked size is bounded too.
MAX_UNPACKED_MB = 50
DELIMITERS: tuple[str, ...] = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": "','", ";": "';'", "\t": "tab", "|": "'|'"}
# Signatures of files people upload by mistake; they would decode to noise, not to a table.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "PDF"),
    (b"\x89PNG", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF8", "GIF"),
    (b"\x1f\x8b", "gzip"),
    (b"Rar!", "RAR"),
    (b"7z\xbc\xaf", "7-Zip"),
    (b"\x7fELF", "ELF"),
    (b"MZ", "Windows program"),
)
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls and other pre-2007 Office files
_ZIP = b"PK\x03\x04"
# The delimiter is guessed from the start of the file: enough for 20 lines of any real table.
_SNIFF_CHARS = 65_536
# After this many unclosed quotes the file is not a CSV worth mending line by line.
_MAX_RECOVERIES = 20


@dataclass(frozen=True)
class Caps:
    """How much of a file is read: past these, reading stops (rows) or the file is refused."""

    rows: int = 50_000
    columns: int = 100
    cells: int = 1_500_000
    # Excel's own limit for a cell. The directory's checks then apply each column's limit
    # (500 or 5,000 characters) with the column's name; this one bounds the reading itself.
    cell_chars: int = 32_767
    file_mb: float = MAX_UPLOAD_MB

    def describe(self) -> dict[str, int | float]:
        """The limits as message parameters."""
        return {
            "rows": self.rows,
            "columns": self.columns,
            "cells": self.cells,
            "cell_chars": self.cell_chars,
            "file_mb": self.file_mb,
        }


UPLOAD_CAPS = Caps()
# An operator's own directory (LIEN_DATA) may be larger than an upload; it is still bounded.
DIRECTORY_CAPS = Caps(rows=500_000, cells=15_000_000, file_mb=200)


@dataclass
class Table:
    """A read table: strings with a `row` column, what was guessed, and the sheets of a workbook."""

    frame: pd.DataFrame
    notes: list[Problem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=ProblemList)
    sheets: list[str] = field(default_factory=list)
    sheet: str = ""
    renamed: dict[str, str] = field(default_factory=dict)
    # Records set aside while reading (extra cells, an unclosed quote), as far as they were read:
    # for the download of what was set aside.
    set_aside: pd.DataFrame = field(default_factory=pd.DataFrame)


def error_name(exc: BaseException) -> str:
    """An exception's class name for a message; "zlib.error" rather than a bare "error"."""
    kind = type(exc)
    return f"{kind.__module__}.{kind.__name__}" if kind.__name__ == "error" else kind.__name__


def _refuse(name: str, code: str, **params: object) -> DirectoryError:
    return DirectoryError(name, [problem(None, "file", code, **params)])


def _decode(data: bytes, notes: list[Problem]) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        notes.append(problem(None, "encoding", "utf16_note"))
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    notes.append(problem(None, "encoding", "encoding_note"))
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        # cp1252 leaves five bytes undefined; latin-1 never fails.
        return data.decode("latin-1")


def _looks_binary(data: bytes) -> str:
    head = data[:8192]
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if b"\x00" in head:
        return "binary"
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 13))
    return "binary" if controls > max(8, len(head) // 100) else ""


def _delimiter(text: str) -> str:
    """The delimiter that splits the first lines into the same, largest number of cells."""
    lines = [line for line in text[:_SNIFF_CHARS].splitlines()[:20] if line.strip()]
    best, best_score = ",", (0, 0)
    for candidate in DELIMITERS:
        counts = [len(next(csv.reader([line], delimiter=candidate), [])) for line in lines]
        if not counts or counts[0] < 2:
            continue
        # Lines agreeing with the header first, then more columns.
        score = (sum(c == counts[0] for c in counts), counts[0])
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


class _Collector:
    """Records streamed in from a reader, bounded by Caps, with what had to be said about them."""

    def __init__(self, name: str, caps: Caps, delimiter: str = ",") -> None:
        self.name, self.caps, self.delimiter = name, caps, delimiter
        self.header: list[str] | None = None
        self.records: list[list[str]] = []
        self.lines: list[int] = []
        self.notes: list[Problem] = []
        self.problems = ProblemList()
        self.set_aside: list[tuple[int, list[str]]] = []
        self.row_limit = caps.rows

    def _label(self, index: int) -> str:
        assert self.header is not None
        label = self.header[index].strip() if index < len(self.header) else ""
        return label or f"column {index + 1}"

    def add(self, line: int, cells: list[str]) -> bool:
        """Take one record; False once the caps say to stop reading."""
        if not any(cell.strip() for cell in cells):
            return True
        if len(cells) > self.caps.columns and any(c.strip() for c in cells[self.caps.columns :]):
            if self.header is None:
                raise _refuse(
                    self.name, "too_many_columns", count=len(cells), limit=self.caps.columns
                )
        if self.header is None:
            self.header = [c if len(c) <= self.caps.cell_chars else "" for c in cells]
            # Wide rows make fewer rows fit in the cell budget.
            width = max(1, len(self.header))
            self.row_limit = min(self.caps.rows, self.caps.cells // width)
            return True
        if len(self.records) + len(self.set_aside) >= self.row_limit:
            self.notes.append(
                problem(None, "file", "too_many_rows", limit=self.row_limit, line=line)
            )
            return False
        for index, cell in enumerate(cells):
            if len(cell) > self.caps.cell_chars:
                if index < len(self.header):
                    self.problems.append(
                        problem(
                            line,
                            self._label(index),
                            "too_long",
                            length=len(cell),
                            limit=self.caps.cell_chars,
                        )
                    )
                # Emptied here: no later check or regex ever runs over the long text.
                cells[index] = ""
        width = len(self.header)
        if len(cells) > width and any(c.strip() for c in cells[width:]):
            extra = sum(1 for c in cells[width:] if c.strip())
            self.problems.append(
                problem(
                    line,
                    "file",
                    "extra_cells",
                    cells=width + extra,
                    columns=width,
                    delimiter=DELIMITER_NAMES.get(self.delimiter, self.delimiter),
                )
            )
            self.set_aside.append((line, cells[: max(width, self.caps.columns)]))
            return True
        self.records.append(cells)
        self.lines.append(line)
        return True

    def set_aside_record(self, line: int, cells: list[str]) -> None:
        """A record the reader could not split properly: reported already, kept for download."""
        self.set_aside.append(
            (line, [c[: self.caps.cell_chars] for c in cells[: self.caps.columns]])
        )

    def table(self, strip: bool) -> Table:
        """The collected records as a Table of strings (header names made unique)."""
        if self.header is None:
            raise _refuse(self.name, "empty")
        return _frame(self, strip)


def _frame(collected: _Collector, strip: bool) -> Table:
    header = collected.header or []
    records, notes, problems = collected.records, collected.notes, collected.problems
    width = len(header)
    renamed: dict[str, str] = {}
    names: list[str] = []
    for number, raw in enumerate(header, start=1):
        label = raw.strip().lstrip("\ufeff")
        if not label:
            if not any(number - 1 < len(r) and r[number - 1].strip() for r in records):
                names.append("")
                continue
            label = f"column {number}"
            notes.append(problem(None, label, "unnamed_column", number=number, name=repr(label)))
        names.append(label)
    counts: dict[str, int] = {}
    for i, label in enumerate(names):
        if not label:
            continue
        counts[label] = counts.get(label, 0) + 1
        if counts[label] > 1:
            names[i] = f"{label} ({counts[label]})"
            renamed[names[i]] = label
    for label, count in counts.items():
        if count > 1:
            others = [n for n, base in renamed.items() if base == label]
            notes.append(
                problem(
                    None,
                    label,
                    "duplicate_column",
                    count=count,
                    names=", ".join(repr(n) for n in others),
                )
            )
    kept = [(record + [""] * width)[:width] for record in records]
    columns = [n or f"_blank{i}" for i, n in enumerate(names)]
    frame = pd.DataFrame(kept, columns=columns, dtype=object).fillna("")
    frame = frame[[c for c, n in zip(frame.columns, names, strict=True) if n]]
    if len(frame) and strip:
        frame = frame.apply(lambda col: col.astype(str).str.strip())
    frame.insert(0, "row", collected.lines)
    if not len(frame) and not problems:
        raise _refuse(collected.name, "header_only")
    aside = pd.DataFrame(
        [(cells + [""] * width)[:width] for _, cells in collected.set_aside],
        columns=columns,
        dtype=object,
    )
    aside = aside[[c for c, n in zip(aside.columns, names, strict=True) if n]]
    aside.insert(0, "row", [line for line, _ in collected.set_aside])
    return Table(frame, notes, problems, renamed=renamed, set_aside=aside)


def _unclosed(lines: list[str], start: int, delimiter: str) -> bool:
    """Whether the record starting at index `start` of `lines` runs into the end of the file
    inside quotes (read strictly, it can't be completed)."""
    strict = csv.reader(itertools.islice(lines, start, None), delimiter=delimiter, strict=True)
    try:
        next(strict, None)
    except csv.Error:
        return True
    return False


def _csv_records(text: str, delimiter: str, collected: _Collector) -> None:
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


def _read_csv(data: bytes, name: str, caps: Caps, strip: bool = True) -> Table:
    notes: list[Problem] = []
    text = _without_about(_decode(data, notes).lstrip("\ufeff"))
    if not text.strip():
        raise _refuse(name, "empty")
    delimiter = _delimiter(text)
    if delimiter != ",":
        notes.append(problem(None, "file", "delimiter_note", delimiter=DELIMITER_NAMES[delimiter]))
    collected = _Collector(name, caps, delimiter)
    collected.notes.extend(notes)
    # newline="" keeps line breaks inside quoted cells as part of the value.
    _csv_records(text.lstrip("\ufeff"), delimiter, collected)
    return collected.table(strip)


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


def _read_xlsx(data: bytes, name: str, sheet: str | None, caps: Caps, strip: bool = True) -> Table:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > MAX_UNPACKED_MB * MB:
            raise _refuse(name, "xlsx_expands", size=round(unpacked / MB), limit=MAX_UNPACKED_MB)
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except DirectoryError:
        raise
    except _XLSX_ERRORS as exc:
        raise _refuse(name, "bad_xlsx", reason=error_name(exc)) from None
    try:
        sheets = list(book.sheetnames)
        # The chosen sheet, else the first that holds anything.
        order = [sheet] if sheet is not None and sheet in sheets else sheets
        used, collected = "", None
        for candidate in order:
            collected = _Collector(name, caps)
            for number, values in _xlsx_rows(book[candidate]):
                if len(values) > caps.columns:
                    raise _refuse(name, "too_many_columns", count=len(values), limit=caps.columns)
                if not collected.add(number, [_cell(v) for v in values]):
                    break
            if collected.header is not None:
                used = candidate
                break
        if not used or collected is None:
            raise _refuse(name, "empty")
    except DirectoryError:
        raise
    except _XLSX_ERRORS as exc:
        raise _refuse(name, "bad_xlsx", reason=error_name(exc)) from None
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
    table = collected.table(strip)
    table.sheets, table.sheet = sheets, used
    return table


def read_bytes(
    data: bytes,
    name: str = "the file",
    *,
    sheet: str | None = None,
    max_mb: float | None = None,
    strip: bool = True,
    caps: Caps | None = None,
) -> Table:
    """Read an uploaded or stored table; raises DirectoryError naming why it can't be read.

    `strip=False` keeps each cell exactly as written, for tools that pass rows through.
    `max_mb` overrides the file size of `caps` (UPLOAD_CAPS by default).
    """
    caps = caps or UPLOAD_CAPS
    limit = caps.file_mb if max_mb is None else max_mb
    if len(data) > limit * MB:
        raise _refuse(name, "too_large", size=f"{len(data) / MB:.1f}", limit=limit)
    if not data.strip():
        raise _refuse(name, "empty")
    if data.startswith(_ZIP) or name.lower().endswith(".xlsx"):
        return _read_xlsx(data, name, sheet, caps, strip)
    if data.startswith(_OLE):
        raise _refuse(name, "old_excel")
    kind = "" if data.startswith((b"\xff\xfe", b"\xfe\xff")) else _looks_binary(data)
    if kind:
        raise _refuse(name, "binary", kind=kind)
    return _read_csv(data, name, caps, strip)


def read_path(path: Path, caps: Caps) -> bytes:
    """A file's bytes, bounded by `caps`; DirectoryError (never OSError) when it can't be read."""
    name = path.name or str(path)
    try:
        if path.is_dir():
            raise _refuse(name, "is_folder")
        size = path.stat().st_size
        if size > caps.file_mb * MB:
            raise _refuse(name, "too_large", size=f"{size / MB:.1f}", limit=caps.file_mb)
        with path.open("rb") as handle:
            # Read one byte past the limit: a file that grew since stat() is still caught.
            data = handle.read(int(caps.file_mb * MB) + 1)
    except DirectoryError:
        raise
    except FileNotFoundError:
        raise _refuse(name, "not_found") from None
    except OSError as exc:
        raise _refuse(name, "unreadable", reason=type(exc).__name__) from None
    if len(data) > caps.file_mb * MB:
        raise _refuse(name, "too_large", size=f"{len(data) / MB:.1f}", limit=caps.file_mb)
    return data


def read(
    source: Path | str | bytes | IO[bytes],
    *,
    sheet: str | None = None,
    max_mb: float | None = None,
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
        data, name, sheet=sheet, max_mb=max_mb, strip=strip, caps=caps or DIRECTORY_CAPS
    )


def records(table: Table) -> Iterable[dict[str, str]]:
    """The rows as dicts without the `row` column, for callers that want plain records."""
    columns = [c for c in table.frame.columns if c != "row"]
    for values in table.frame[columns].itertuples(index=False, name=None):
        yield dict(zip(columns, values, strict=True))
