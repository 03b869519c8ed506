"""The one reader of tables: CSV (any delimiter, UTF-8/UTF-16/Windows-1252) or XLSX, into strings.

Every record keeps the line (or Excel row) it came from in a `row` column, so problems can name
it. What the reader had to guess (encoding, delimiter, sheet, renamed columns) is returned as
notes; what makes the file unreadable raises DirectoryError with the reason.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, Any, Iterable

import pandas as pd

from lien.problems import DirectoryError, Problem, problem

MB = 1024 * 1024
MAX_UPLOAD_MB = 5
# An .xlsx is a zip: a few kilobytes may unpack to gigabytes, so the unpacked size is bounded too.
MAX_UNPACKED_MB = 50
DELIMITERS: tuple[str, ...] = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": "','", ";": "';'", "\t": "tab", "|": "'|'"}
# Signatures of files people upload by mistake; they would decode to noise, not to a table.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "PDF"), (b"\x89PNG", "PNG"), (b"\xff\xd8\xff", "JPEG"), (b"GIF8", "GIF"),
    (b"\x1f\x8b", "gzip"), (b"Rar!", "RAR"), (b"7z\xbc\xaf", "7-Zip"), (b"\x7fELF", "ELF"),
    (b"MZ", "Windows program"),
)
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls and other pre-2007 Office files
_ZIP = b"PK\x03\x04"


@dataclass
class Table:
    """A read table: strings with a `row` column, what was guessed, and the sheets of a workbook."""

    frame: pd.DataFrame
    notes: list[Problem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)
    sheet: str = ""
    renamed: dict[str, str] = field(default_factory=dict)


def _refuse(name: str, code: str, **params: object) -> DirectoryError:
    return DirectoryError(name, [problem(None, "file", code, **params)])


def _decode(data: bytes, notes: list[Problem]) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        notes.append(problem(None, "encoding", "utf16_note"))
        return data.decode("utf-16")
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
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    best, best_score = ",", (0, 0)
    for candidate in DELIMITERS:
        counts = [len(next(csv.reader([line], delimiter=candidate))) for line in lines]
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


def _frame(header: list[str], records: list[list[str]], lines: list[int], name: str,
           notes: list[Problem], problems: list[Problem], delimiter: str,
           strip: bool = True) -> Table:
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
            notes.append(problem(None, label, "duplicate_column", count=count,
                                 names=", ".join(repr(n) for n in others)))
    kept_records, kept_lines = [], []
    for record, line in zip(records, lines):
        extra = [c for c in record[width:] if c.strip()]
        if extra:
            problems.append(problem(line, "file", "extra_cells", cells=width + len(extra),
                                    columns=width, delimiter=DELIMITER_NAMES.get(delimiter,
                                                                                 delimiter)))
            continue
        kept_records.append((record + [""] * width)[:width])
        kept_lines.append(line)
    frame = pd.DataFrame(kept_records, columns=[n or f"_blank{i}" for i, n in enumerate(names)],
                         dtype=object).fillna("")
    frame = frame[[c for c, n in zip(frame.columns, names) if n]]
    if len(frame) and strip:
        frame = frame.apply(lambda col: col.astype(str).str.strip())
    frame.insert(0, "row", kept_lines)
    if not len(frame) and not problems:
        raise _refuse(name, "header_only")
    return Table(frame, notes, problems, renamed=renamed)


def _read_csv(data: bytes, name: str, strip: bool = True) -> Table:
    notes: list[Problem] = []
    text = _decode(data, notes)
    if not text.strip():
        raise _refuse(name, "empty")
    delimiter = _delimiter(text)
    if delimiter != ",":
        notes.append(problem(None, "file", "delimiter_note",
                             delimiter=DELIMITER_NAMES[delimiter]))
    # newline="" keeps line breaks inside quoted cells as part of the value.
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=delimiter)
    header: list[str] = []
    for header in reader:
        if any(cell.strip() for cell in header):
            break
    records: list[list[str]] = []
    lines: list[int] = []
    start = reader.line_num + 1
    for record in reader:
        if any(cell.strip() for cell in record):
            records.append(record)
            lines.append(start)
        start = reader.line_num + 1
    return _frame(header, records, lines, name, notes, [], delimiter, strip)


def workbook_sheets(data: bytes) -> list[str]:
    """The sheet names of an .xlsx, in order."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True)
    try:
        return list(book.sheetnames)
    finally:
        book.close()


def _read_xlsx(data: bytes, name: str, sheet: str | None, strip: bool = True) -> Table:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > MAX_UNPACKED_MB * MB:
            raise _refuse(name, "xlsx_expands", size=round(unpacked / MB), limit=MAX_UNPACKED_MB)
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except DirectoryError:
        raise
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise _refuse(name, "bad_xlsx", reason=type(exc).__name__) from None
    try:
        sheets = list(book.sheetnames)
        rows_of: dict[str, list[tuple[int, list[str]]]] = {}
        # The chosen sheet, else the first that holds anything.
        order = [sheet] if sheet in sheets else sheets
        used = ""
        for candidate in order:
            rows = [(number, [_cell(v) for v in values]) for number, values in
                    enumerate(book[candidate].iter_rows(values_only=True), start=1)]
            rows = [(n, cells) for n, cells in rows if any(c.strip() for c in cells)]
            if rows:
                rows_of[candidate], used = rows, candidate
                break
        if not used:
            raise _refuse(name, "empty")
    finally:
        book.close()
    notes: list[Problem] = []
    if len(sheets) > 1:
        notes.append(problem(None, "file", "sheets_note", used=repr(used),
                             others=", ".join(repr(s) for s in sheets if s != used)))
    (_, header), *body = rows_of[used]
    table = _frame(header, [cells for _, cells in body], [n for n, _ in body], name, notes, [],
                   ",", strip)
    table.sheets, table.sheet = sheets, used
    return table


def read_bytes(data: bytes, name: str = "the file", *, sheet: str | None = None,
               max_mb: float | None = None, strip: bool = True) -> Table:
    """Read an uploaded or stored table; raises DirectoryError naming why it can't be read.

    `strip=False` keeps each cell exactly as written, for tools that pass rows through.
    """
    if max_mb is not None and len(data) > max_mb * MB:
        raise _refuse(name, "too_large", size=f"{len(data) / MB:.1f}", limit=max_mb)
    if not data.strip():
        raise _refuse(name, "empty")
    if data.startswith(_ZIP) or name.lower().endswith(".xlsx"):
        return _read_xlsx(data, name, sheet, strip)
    if data.startswith(_OLE):
        raise _refuse(name, "old_excel")
    kind = "" if data.startswith((b"\xff\xfe", b"\xfe\xff")) else _looks_binary(data)
    if kind:
        raise _refuse(name, "binary", kind=kind)
    return _read_csv(data, name, strip)


def read(source: Path | str | bytes | IO[bytes], *, sheet: str | None = None,
         max_mb: float | None = None, strip: bool = True) -> Table:
    """Read a path, bytes or binary file object (see read_bytes)."""
    if isinstance(source, (str, Path)):
        path = Path(source)
        data, name = path.read_bytes(), path.name
    elif isinstance(source, bytes):
        data, name = source, "the file"
    else:
        data, name = source.read(), getattr(source, "name", "the file")
    return read_bytes(data, name, sheet=sheet, max_mb=max_mb, strip=strip)


def records(table: Table) -> Iterable[dict[str, str]]:
    """The rows as dicts without the `row` column, for callers that want plain records."""
    columns = [c for c in table.frame.columns if c != "row"]
    for values in table.frame[columns].itertuples(index=False, name=None):
        yield dict(zip(columns, values))
