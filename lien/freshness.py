"""How fresh a record is, in one place: its status (Open Referral HSDS's values), when a person
last checked it, whether that is too long ago ("may be out of date"), and how every output says
the date ("checked in June 2016", "checked 3 December 2026").

A directory file may leave these columns out: the loader then takes the source's date and name
for the check, and every record as active (lien.ingest.directory.complete).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from lien.i18n import N_, date, month, t
from lien.schema import FRESHNESS_COLUMNS, per_distinct, text

__all__ = [
    "FRESHNESS_COLUMNS",
    "STATUSES",
    "Checked",
    "Freshness",
    "checked_share",
    "checked_text",
    "freshness",
    "months_before",
    "parse",
    "shown",
    "stale",
]

# HSDS 3.0's service.status values (../shared/hsds/datapackage-3.0.0.json).
ACTIVE = "active"
DEFUNCT = "defunct"
STATUSES: tuple[str, ...] = (ACTIVE, "inactive", DEFUNCT, "temporarily closed")
# A status other than active is said beside the record (defunct ones are never shown).
STATUS_LABELS: dict[str, str] = {
    "inactive": N_("status_inactive"),
    "temporarily closed": N_("status_temporarily_closed"),
}
# A record not checked for this many months may be out of date.
STALE_MONTHS = 12


@dataclass(frozen=True)
class Checked:
    """A check date as written (YYYY, YYYY-MM or YYYY-MM-DD): its first day, and how much of it
    the record gives ("year", "month" or "day")."""

    day: datetime.date
    precision: str


def parse(value: Any) -> Checked | None:
    """A date cell as a Checked; None when it is empty or no date."""
    parts = text(value).strip().split("-")
    if not 1 <= len(parts) <= 3 or not all(p.isdigit() for p in parts):
        return None
    numbers = [int(p) for p in parts] + [1, 1]
    try:
        day = datetime.date(numbers[0], numbers[1], numbers[2])
    except ValueError:
        return None
    return Checked(day, ("year", "month", "day")[len(parts) - 1])


def months_before(today: datetime.date, months: int) -> datetime.date:
    """The same day `months` earlier (the month's last day where it has fewer days)."""
    index = today.year * 12 + today.month - 1 - months
    year, month0 = divmod(index, 12)
    for day in range(today.day, 0, -1):
        try:
            return datetime.date(year, month0 + 1, day)
        except ValueError:
            continue
    raise ValueError(today)  # unreachable: every month has a first day


def stale(value: Any, today: datetime.date | None = None) -> bool:
    """Whether a record checked on `value` has gone 12 months or more without a check. A month
    or a year counts from its first day: nothing says the check came later, and a visitor is
    better warned once too often than never. A record never checked is stale."""
    checked = parse(value)
    if checked is None:
        return True
    return checked.day <= months_before(today or datetime.date.today(), STALE_MONTHS)


def checked_text(value: Any, lang: str) -> str:
    """When a record was checked, as `lang` says it, to the precision the record gives:
    "vérifié en juin 2016", "gecontroleerd op 3 december 2026", "checked in 2016"."""
    checked = parse(value)
    if checked is None:
        return t("checked_unknown", lang)
    if checked.precision == "day":
        return t("checked_day", lang, date=date(checked.day, lang))
    if checked.precision == "month":
        return t("checked_month", lang, month=month(checked.day, lang))
    return t("checked_year", lang, year=str(checked.day.year))


@dataclass(frozen=True)
class Freshness:
    """How fresh one record reads: when it was checked, whether that may be out of date (and
    the marker in words, "" for a fresh record), and its status when it is not simply active
    ("" otherwise)."""

    checked: str
    stale: bool
    stale_text: str
    status: str

    def line(self) -> str:
        """The whole of it in one line: "vérifié en juin 2016 · peut-être dépassé"."""
        return " · ".join(x for x in (self.status, self.checked, self.stale_text) if x)


def freshness(site: Mapping[str, Any], lang: str, today: datetime.date | None = None) -> Freshness:
    """The freshness of one directory row (a dict or a pandas row), in `lang`."""
    checked_on = text(site.get("checked_on")).strip() or text(site.get("source_date")).strip()
    is_stale = stale(checked_on, today)
    status = text(site.get("status")).strip()
    return Freshness(
        checked=checked_text(checked_on, lang),
        stale=is_stale,
        stale_text=t("may_be_out_of_date", lang) if is_stale else "",
        status=t(STATUS_LABELS[status], lang) if status in STATUS_LABELS else "",
    )


def shown(frame: pd.DataFrame) -> pd.DataFrame:
    """The records a visitor sees: all but the defunct ones, which leave the map, the lists, the
    counts and the coverage (the store keeps their history)."""
    if "status" not in frame or frame.empty:
        return frame
    keep = frame["status"] != DEFUNCT
    return frame if bool(keep.all()) else frame[keep].reset_index(drop=True)


def checked_share(sites: pd.DataFrame, today: datetime.date | None = None) -> float:
    """The share of `sites` checked in the last 12 months (0.0 for none), read once per distinct
    date."""
    if sites.empty:
        return 0.0
    day = today or datetime.date.today()
    column = sites["checked_on"] if "checked_on" in sites else sites.get("source_date")
    if column is None:
        return 0.0
    old = per_distinct(column.fillna(""), lambda cell: stale(cell, day))
    return float(1.0 - old.astype(bool).mean())
