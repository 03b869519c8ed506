"""What is wrong with an input file: problems with their row and field, worded in FR/NL/EN."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Callable, Iterable

from lien.i18n import t

# A value quoted in a message is cut here: a 5,000-character cell would drown the report.
MAX_QUOTED = 80
# The report keeps this many problems of each kind and counts the others: a file of 50,000 bad
# rows must not become 50,000 objects in memory nor a table nobody reads.
PER_KIND = 200


@dataclass(frozen=True)
class Problem:
    """One problem: where it is (file line, column) and what is wrong, as a translatable code."""

    row: int | None
    field: str
    code: str
    params: tuple[tuple[str, str], ...] = ()

    def text(self, lang: str = "en", escape: Callable[[str], str] | None = None) -> str:
        """The plain message in `lang`; `escape` is applied to the values taken from the file."""
        params = {k: escape(v) if escape else v for k, v in self.params}
        return t(f"p_{self.code}", lang, **params)

    @property
    def message(self) -> str:
        """The message in English, for logs and exceptions."""
        return self.text("en")

    def where(self, lang: str = "en") -> str:
        """'row 12' or 'file', in `lang`."""
        return t("p_row", lang, row=self.row) if self.row is not None else t("p_file", lang)

    def __str__(self) -> str:
        return f"{self.where()}, {self.field}: {self.message}"


def _quoted(value: object) -> str:
    text = str(value)
    return text if len(text) <= MAX_QUOTED else text[:MAX_QUOTED - 1] + "…"


def problem(row: int | None, field: str, code: str, **params: object) -> Problem:
    """A Problem whose message parameters are kept as text (long values are cut)."""
    return Problem(row, field, code, tuple((k, _quoted(v)) for k, v in params.items()))


class ProblemList(list[Problem]):
    """Problems as found, keeping the first PER_KIND of each code and counting the rest.

    Every row that had a problem is remembered in `bad_rows`, kept or not, so that capping the
    report never lets a bad row through.
    """

    def __init__(self, problems: Iterable[Problem] = (), per_kind: int = PER_KIND) -> None:
        super().__init__()
        self.per_kind = per_kind
        self.kinds: Counter[str] = Counter()
        self.bad_rows: set[int] = set()
        # For a row whose problems were all only counted: its first one, so the row can still
        # say why it was set aside.
        self.first_dropped: dict[int, Problem] = {}
        self.file_level = False
        self.extend(problems)

    def append(self, item: Problem) -> None:
        if item.row is None:
            self.file_level = True
        else:
            self.bad_rows.add(item.row)
        self.kinds[item.code] += 1
        if self.kinds[item.code] <= self.per_kind:
            super().append(item)
        elif item.row is not None and item.row not in self.first_dropped:
            self.first_dropped[item.row] = item

    def extend(self, items: Iterable[Problem]) -> None:
        for item in items:
            self.append(item)
        # Counts and rows of a capped list handed over are not lost with its dropped problems.
        if isinstance(items, ProblemList):
            for code, count in items.kinds.items():
                kept = sum(1 for p in items if p.code == code)
                self.kinds[code] += count - kept
            self.bad_rows |= items.bad_rows
            for row, item in items.first_dropped.items():
                self.first_dropped.setdefault(row, item)
            self.file_level |= items.file_level

    def __reduce__(self) -> tuple[object, tuple[list[Problem], dict[str, object]]]:
        # Pickled as its items and its counters: the default would replay append() on an
        # object whose counters don't exist yet (it crosses from a worker to the server).
        return (_rebuild, (list(self), dict(self.__dict__)))

    @property
    def total(self) -> int:
        """How many problems were found, reported or only counted."""
        return sum(self.kinds.values())

    def dropped(self) -> dict[str, int]:
        """Per code, how many problems were counted but not kept."""
        kept = Counter(p.code for p in self)
        return {code: n - kept[code] for code, n in self.kinds.items() if n > kept[code]}

    def of_row(self) -> dict[int, list[Problem]]:
        """The problems of each bad row: those kept, else the first one counted."""
        found: dict[int, list[Problem]] = {}
        for item in self:
            if item.row is not None:
                found.setdefault(item.row, []).append(item)
        for row, item in self.first_dropped.items():
            found.setdefault(row, [item])
        return found

    def sort(self, *args: object, **kwargs: object) -> None:  # type: ignore[override]
        """In place, by row (file-level problems first) then field."""
        super().sort(key=lambda p: (p.row or 0, p.field))


def _rebuild(items: list[Problem], state: dict[str, object]) -> ProblemList:
    found = ProblemList.__new__(ProblemList)
    list.extend(found, items)
    found.__dict__.update(state)
    return found


def collect(problems: Iterable[Problem]) -> ProblemList:
    """A ProblemList of `problems` (the same object if it already is one), sorted by row."""
    found = problems if isinstance(problems, ProblemList) else ProblemList(problems)
    found.sort()
    return found


class DirectoryError(ValueError):
    """The file was refused as a whole; `problems` lists every reason."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = problems
        shown = "\n".join(f"- {p}" for p in problems[:50])
        more = f"\n- … and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(f"{source} was refused: {len(problems)} problem"
                         f"{'s' if len(problems) != 1 else ''}\n{shown}{more}")

    def __reduce__(self) -> tuple[type, tuple[str, list[Problem]]]:
        # Rebuilt from its parts: it crosses from the worker process to the server pickled.
        return (type(self), (self.source, list(self.problems)))
