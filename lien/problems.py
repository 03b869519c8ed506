"""What is wrong with an input file: problems with their row and field, worded in FR/NL/EN."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from lien.i18n import t


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


def problem(row: int | None, field: str, code: str, **params: object) -> Problem:
    """A Problem whose message parameters are kept as text (values are quoted with repr)."""
    return Problem(row, field, code, tuple((k, str(v)) for k, v in params.items()))


class DirectoryError(ValueError):
    """The file was refused as a whole; `problems` lists every reason."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = problems
        shown = "\n".join(f"- {p}" for p in problems[:50])
        more = f"\n- … and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(f"{source} was refused: {len(problems)} problem"
                         f"{'s' if len(problems) != 1 else ''}\n{shown}{more}")
