"""The bounded collector every table reader (lien.ingest.tabular) streams its records into: the
caps on an untrusted file (`Caps`), where the column names are (`HeaderChoice`), and the records
as a Table of strings, each with the line or Excel row it came from.

Files come from anyone, so the caps are applied while the file is streamed, whatever the file
claims about itself; a cell over the limit is emptied and reported, so that no later check
(regex, geocoder) ever sees it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from lien.problems import DirectoryError, Problem, ProblemList, problem

MAX_UPLOAD_MB = 5
DELIMITER_NAMES = {",": "','", ";": "';'", "\t": "tab", "|": "'|'"}


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
    # The Excel row or CSV line of the column names (0: not a table read from a file's rows).
    header_row: int = 0


def refuse(name: str, code: str, **params: object) -> DirectoryError:
    """The file refused as a whole, for one reason."""
    return DirectoryError(name, [problem(None, "file", code, **params)])


@dataclass(frozen=True)
class HeaderChoice:
    """Where a table's column names are: on `row` (an Excel row, a CSV line, from 1) when given;
    else on the row of the first HEADER_SCAN that `score` rates best (the first of equals, and
    the first row that is not blank when none scores); the rows above it are skipped."""

    row: int | None = None
    score: Callable[[list[str]], int] | None = None


# A title, a date or a blank row often come before the column names, within the first rows.
HEADER_SCAN = 20
# Column names are short: a longer cell is cut before it is scored.
_HEADER_CHARS = 200


class Collector:
    """Records streamed in from a reader, bounded by Caps, with what had to be said about them.

    `delimiter` is None for a workbook: a row with cells right of the column names then widens
    the table (an unnamed column, said in a note) instead of being set aside, since no quoting
    can have gone wrong."""

    def __init__(
        self,
        name: str,
        caps: Caps,
        delimiter: str | None = ",",
        header: HeaderChoice | None = None,
    ) -> None:
        self.name, self.caps, self.delimiter = name, caps, delimiter
        self.choice = header or HeaderChoice()
        self.header: list[str] | None = None
        self.header_row = 0
        self.skipped = 0  # rows above the column names that held something (a title)
        self.pending: list[tuple[int, list[str]]] = []
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

    def _take_header(self, line: int, cells: list[str]) -> None:
        self.header = [c if len(c) <= self.caps.cell_chars else "" for c in cells]
        self.header_row = line
        # Wide rows make fewer rows fit in the cell budget.
        width = max(1, len(self.header))
        self.row_limit = min(self.caps.rows, self.caps.cells // width)

    def _before_header(self, line: int, cells: list[str]) -> bool:
        """Whether a record before the column names were chosen was kept back (a candidate for
        them, or a row above the chosen one); the column names are taken meanwhile."""
        chosen, score = self.choice.row, self.choice.score
        if chosen is not None:
            if line < chosen:
                self.skipped += 1
                return True
            self._take_header(line, cells)
            return True
        if score is not None and line <= HEADER_SCAN:
            self.pending.append((line, cells))
            return True
        if self.pending:
            return False
        self._take_header(line, cells)
        return True

    def resolve(self) -> bool:
        """Choose the column names among the candidate rows kept back, and take the rows below
        them; False once the caps say to stop reading."""
        pending, self.pending = self.pending, []
        if not pending or self.header is not None:
            return True
        score = self.choice.score or (lambda cells: 0)
        scores = [score([c[:_HEADER_CHARS] for c in cells]) for _, cells in pending]
        best = scores.index(max(scores))
        self.skipped = best
        self._take_header(*pending[best])
        return all(self.add(line, cells) for line, cells in pending[best + 1 :])

    def add(self, line: int, cells: list[str]) -> bool:
        """Take one record; False once the caps say to stop reading."""
        if not any(cell.strip() for cell in cells):
            return True
        beyond = cells[self.caps.columns :]
        if self.header is None and any(c.strip() for c in beyond):
            raise refuse(self.name, "too_many_columns", count=len(cells), limit=self.caps.columns)
        if self.header is None:
            if self._before_header(line, cells):
                return True
            if not self.resolve():
                return False
        assert self.header is not None
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
            if self.delimiter is None:
                self.header.extend([""] * (min(len(cells), self.caps.columns) - width))
                # Wider rows, fewer of them in the cell budget.
                self.row_limit = min(self.row_limit, self.caps.cells // len(self.header))
            else:
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
        self.resolve()
        if self.header is None:
            if self.choice.row:
                raise refuse(self.name, "no_header_row", line=self.choice.row)
            raise refuse(self.name, "empty")
        if self.choice != HeaderChoice():
            # Said whenever the column names were looked for, so the coordinator can check them.
            code = "header_skipped_note" if self.skipped else "header_note"
            self.notes.insert(0, problem(None, "file", code, line=self.header_row))
        table = _frame(self, strip)
        table.header_row = self.header_row
        return table


def _frame(collected: Collector, strip: bool) -> Table:
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
        raise refuse(collected.name, "header_only", line=collected.header_row)
    aside = pd.DataFrame(
        [(cells + [""] * width)[:width] for _, cells in collected.set_aside],
        columns=columns,
        dtype=object,
    )
    aside = aside[[c for c, n in zip(aside.columns, names, strict=True) if n]]
    aside.insert(0, "row", [line for line, _ in collected.set_aside])
    return Table(frame, notes, problems, renamed=renamed, set_aside=aside)
