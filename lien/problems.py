"""What is wrong with an input file: problems with their row and field, worded in FR/NL/EN."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from lien.i18n import N_, t

# A value quoted in a message is cut here: a 5,000-character cell would drown the report.
MAX_QUOTED = 80
# The report keeps this many problems of each kind and counts the others: a file of 50,000 bad
# rows must not become 50,000 objects in memory nor a table nobody reads.
PER_KIND = 200

# Each problem code and the key of its message, named literally so that Babel's extraction
# (and tests/i18n) sees every key; an unknown code is a KeyError naming it.
MESSAGES: dict[str, str] = {
    # The file as a whole: reading it (lien.ingest.tabular, lien.ingest.upload).
    "empty": N_("p_empty"),
    "header_only": N_("p_header_only"),
    "no_header_row": N_("p_no_header_row"),
    "too_large": N_("p_too_large"),
    "binary": N_("p_binary"),
    "old_excel": N_("p_old_excel"),
    "bad_xlsx": N_("p_bad_xlsx"),
    "xlsx_expands": N_("p_xlsx_expands"),
    "is_folder": N_("p_is_folder"),
    "not_found": N_("p_not_found"),
    "unreadable": N_("p_unreadable"),
    "too_many_rows": N_("p_too_many_rows"),
    "too_many_columns": N_("p_too_many_columns"),
    "unclosed_quote": N_("p_unclosed_quote"),
    "extra_cells": N_("p_extra_cells"),
    "too_long": N_("p_too_long"),
    # Notes on how it was read (shown, not counted as problems).
    "encoding_note": N_("p_encoding_note"),
    "utf16_note": N_("p_utf16_note"),
    "utf32_note": N_("p_utf32_note"),
    "controls_note": N_("p_controls_note"),
    "header_note": N_("p_header_note"),
    "header_skipped_note": N_("p_header_skipped_note"),
    "delimiter_note": N_("p_delimiter_note"),
    "sheets_note": N_("p_sheets_note"),
    "extra_columns_note": N_("p_extra_columns_note"),
    "duplicate_column": N_("p_duplicate_column"),
    "unnamed_column": N_("p_unnamed_column"),
    "street_precision_note": N_("p_street_precision_note"),
    # Columns and values (lien.ingest.validate, lien.ingest.mapping, lien.ingest.directory).
    "missing_column": N_("p_missing_column"),
    "unmapped_column": N_("p_unmapped_column"),
    "duplicate_name": N_("p_duplicate_name"),
    "required": N_("p_required"),
    "slug": N_("p_slug"),
    "precision": N_("p_precision"),
    "status": N_("p_status"),
    "unknown_service": N_("p_unknown_service"),
    "unknown_audience": N_("p_unknown_audience"),
    # The same, for an upload's free text: a label, never called a code.
    "unknown_service_label": N_("p_unknown_service_label"),
    "unknown_audience_label": N_("p_unknown_audience_label"),
    "unknown_language": N_("p_unknown_language"),
    "postcode": N_("p_postcode"),
    "not_number": N_("p_not_number"),
    "half_coords": N_("p_half_coords"),
    "outside": N_("p_outside"),
    "swapped": N_("p_swapped"),
    "unplaced_coords": N_("p_unplaced_coords"),
    "address_empty": N_("p_address_empty"),
    "postcode_empty": N_("p_postcode_empty"),
    "needs_place": N_("p_needs_place"),
    "unknown_city": N_("p_unknown_city"),
    "email": N_("p_email"),
    "website": N_("p_website"),
    "phone": N_("p_phone"),
    "date": N_("p_date"),
    "duplicate_site": N_("p_duplicate_site"),
    "site_id_used": N_("p_site_id_used"),
    "org_name": N_("p_org_name"),
    # A proposal (lien.store.proposals): a field no form offers, a record no longer there.
    "not_editable": N_("p_not_editable"),
    "no_such_record": N_("p_no_such_record"),
    # Open Referral (HSDS) packages (lien.ingest.hsds).
    "hsds_not_zip": N_("p_hsds_not_zip"),
    "hsds_unsafe_path": N_("p_hsds_unsafe_path"),
    "hsds_too_large": N_("p_hsds_too_large"),
    "hsds_missing_file": N_("p_hsds_missing_file"),
    "hsds_missing_field": N_("p_hsds_missing_field"),
    "hsds_bad_csv": N_("p_hsds_bad_csv"),
    "hsds_bad_datapackage": N_("p_hsds_bad_datapackage"),
    "hsds_no_services": N_("p_hsds_no_services"),
    "hsds_too_many_rows": N_("p_hsds_too_many_rows"),
    # The worker that reads uploads stopped by a limit (lien.ingest.worker: "worker_" + reason).
    "worker_memory": N_("p_worker_memory"),
    "worker_cpu": N_("p_worker_cpu"),
    "worker_time": N_("p_worker_time"),
    "worker_crash": N_("p_worker_crash"),
    # The directory's store (lien.store) could not be read: its database is unreachable.
    "store_unavailable": N_("p_store_unavailable"),
}


# Parameters that are not placeholders of the message: codes of a "did you mean", and the
# vocabulary they belong to.
SUGGEST = "suggest"
_VOCABULARY = {
    "unknown_service": "services",
    "unknown_audience": "audiences",
    "unknown_service_label": "services",
    "unknown_audience_label": "audiences",
}
# Messages that say their "did you mean" themselves, with what to do then ({suggestion}); the
# others get it appended.
_WITH_SUGGESTION: dict[str, str] = {
    "unknown_service_label": N_("problem_service_did_you_mean"),
    "unknown_audience_label": N_("problem_audience_did_you_mean"),
}


@dataclass(frozen=True)
class Problem:
    """One problem: where it is (file line, column) and what is wrong, as a translatable code.

    `kept`: the row is kept without the value (a problem in an optional field); otherwise the
    row is set aside (data/README.md says which is which)."""

    row: int | None
    field: str
    code: str
    params: tuple[tuple[str, str], ...] = ()
    kept: bool = False

    def text(self, lang: str = "en", escape: Callable[[str], str] | None = None) -> str:
        """The plain message in `lang`; `escape` is applied to the values taken from the file."""
        params = {k: escape(v) if escape else v for k, v in self.params if k != SUGGEST}
        suggested = dict(self.params).get(SUGGEST)
        if suggested and self.code in _WITH_SUGGESTION:
            suggestion = _suggestion(self.code, suggested, lang)
            message = t(_WITH_SUGGESTION[self.code], lang, **params, suggestion=suggestion)
        else:
            message = t(message_key(self.code), lang, **params)
            if suggested:
                message += t(
                    "problem_did_you_mean",
                    lang,
                    suggestion=_suggestion(self.code, suggested, lang),
                )
        if self.kept:
            message += t("problem_left_out", lang)
        return message

    @property
    def message(self) -> str:
        """The message in English, for logs and exceptions."""
        return self.text("en")

    def where(self, lang: str = "en") -> str:
        """'row 12' or 'file', in `lang`."""
        return t("p_row", lang, row=self.row) if self.row is not None else t("p_file", lang)

    def __str__(self) -> str:
        return f"{self.where()}, {self.field}: {self.message}"


def message_key(code: str) -> str:
    """The i18n key of a problem code's message; KeyError for a code nobody declared."""
    try:
        return MESSAGES[code]
    except KeyError:
        raise KeyError(f"unknown problem code {code!r}: add it to lien.problems.MESSAGES") from None


def _suggestion(code: str, suggested: str, lang: str) -> str:
    """ "Logement (housing)": the suggested codes with their labels in `lang`."""
    from lien import taxonomy

    vocabulary = (
        taxonomy.audiences() if _VOCABULARY.get(code) == "audiences" else taxonomy.services()
    )
    codes = suggested.split(";")
    if len(codes) == len(vocabulary.codes) > 1:
        return t("problem_every_audience", lang)
    return ", ".join(f"{vocabulary.label(c, lang)} ({c})" for c in codes)


def _quoted(value: object) -> str:
    text = str(value)
    return text if len(text) <= MAX_QUOTED else text[: MAX_QUOTED - 1] + "…"


def problem(row: int | None, field: str, code: str, **params: object) -> Problem:
    """A Problem whose message parameters are kept as text (long values are cut); its row is
    set aside."""
    return Problem(row, field, code, tuple((k, _quoted(v)) for k, v in params.items()))


def warning(row: int, field: str, code: str, **params: object) -> Problem:
    """A Problem whose value is left out of its row, which is kept."""
    return Problem(row, field, code, tuple((k, _quoted(v)) for k, v in params.items()), True)


class ProblemList(list[Problem]):
    """Problems as found, keeping the first PER_KIND of each code and counting the rest.

    Every row that had a problem is remembered, reported or not, so that capping the report
    never lets a bad row through: `bad_rows` are set aside, `warned_rows` kept without the
    values `drops` names ((row, field) -> the items to remove, or None for the whole cell).
    """

    def __init__(self, problems: Iterable[Problem] = (), per_kind: int = PER_KIND) -> None:
        super().__init__()
        self.per_kind = per_kind
        self.kinds: Counter[str] = Counter()
        self.bad_rows: set[int] = set()
        self.warned_rows: set[int] = set()
        self.drops: dict[tuple[int, str], list[str] | None] = {}
        # For a row whose problems were all only counted: its first one, so the row can still
        # say why it was set aside.
        self.first_dropped: dict[int, Problem] = {}
        self.file_level = False
        self.extend(problems)

    def append(self, item: Problem) -> None:
        if item.row is None:
            self.file_level = True
        elif item.kept:
            self.warned_rows.add(item.row)
        else:
            self.bad_rows.add(item.row)
        self.kinds[item.code] += 1
        if self.kinds[item.code] <= self.per_kind:
            super().append(item)
        elif item.row is not None and not item.kept and item.row not in self.first_dropped:
            self.first_dropped[item.row] = item

    def drop(self, item: Problem, value: str | None = None) -> None:
        """Report a problem of an optional value and leave `value` (None: the cell) out of its
        kept row."""
        assert item.kept
        assert item.row is not None
        self.append(item)
        key = (item.row, item.field)
        current = self.drops.get(key, [])
        if value is None or current is None:
            self.drops[key] = None
        else:
            self.drops[key] = [*current, value]

    @property
    def warned(self) -> set[int]:
        """The rows kept with a warning (a value left out), not set aside."""
        return self.warned_rows - self.bad_rows

    def extend(self, items: Iterable[Problem]) -> None:
        for item in items:
            self.append(item)
        # Counts and rows of a capped list handed over are not lost with its dropped problems.
        if isinstance(items, ProblemList):
            for code, count in items.kinds.items():
                kept = sum(1 for p in items if p.code == code)
                self.kinds[code] += count - kept
            self.bad_rows |= items.bad_rows
            self.warned_rows |= items.warned_rows
            self.drops.update(items.drops)
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

    def sort(self, *args: object, **kwargs: object) -> None:
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
        super().__init__(
            f"{source} was refused: {len(problems)} problem"
            f"{'s' if len(problems) != 1 else ''}\n{shown}{more}"
        )

    def __reduce__(self) -> tuple[type, tuple[str, list[Problem]]]:
        # Rebuilt from its parts: it crosses from the worker process to the server pickled.
        return (type(self), (self.source, list(self.problems)))
