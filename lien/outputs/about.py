"""What a download is: the view it holds (filters, as words and as the shareable URL), the service
of a distance table, the date, the sources with their dates and the warning about their age, in
the visitor's language. lien.outputs.export writes it into each file: lines above the table of a
CSV, an "about" sheet of a workbook, a foreign member "about" of a GeoJSON file."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pandas as pd

from lien import coverage, display, filters, taxonomy
from lien.filters import CODES, FLAG, RADIUS, Filters
from lien.i18n import listed, number, t

__all__ = ["About", "cut_text", "describe", "filters_text", "source_warning"]


@dataclass(frozen=True)
class About:
    """A download's description: (key, label, value) lines, the key stable for programs (the
    GeoJSON member), the label and value in `lang` for people."""

    lang: str
    lines: tuple[tuple[str, str, str], ...]

    def text(self) -> str:
        """ "Label: value" lines."""
        return "\n".join(f"{label}: {value}" for _, label, value in self.lines)

    def as_json(self) -> dict[str, Any]:
        """The lines by key, with the language of their values."""
        return {"lang": self.lang, **{key: value for key, _, value in self.lines}}

    def cut(self, shown: int, total: int) -> About:
        """The same description, saying (second) that the file lists the first `shown` of
        `total` sites only (lien.outputs.builds.MAX_ROWS)."""
        line = ("cut", t("about_cut_label", self.lang), cut_text(self.lang, shown, total))
        return About(self.lang, (*self.lines[:1], line, *self.lines[1:]))


def cut_text(lang: str, shown: int, total: int) -> str:
    """That a file lists the first `shown` of `total` sites, and how to get the others."""
    return t("about_cut", lang, shown=number(shown, lang), total=number(total, lang))


def filters_text(chosen: Filters, lang: str) -> str:
    """The filters that narrow a view, in words ("Service : Logement · Recherche : « seso »"),
    or that none does."""
    parts = []
    for spec, value in filters.active(chosen):
        if spec.kind == CODES:
            shown = listed((display.value_label(spec, c, lang) for c in value), lang)
        elif spec.kind == FLAG:
            shown = t("about_yes", lang) if value else t("about_no", lang)
        elif spec.kind == RADIUS:
            shown = f"{value:g} km"
        else:
            shown = display.quoted(value, lang)
        parts.append(display.said(spec, shown, lang))
    return " · ".join(parts) or t("about_no_filter", lang)


@dataclass(frozen=True)
class Shared:
    """The view a download was drawn from, as its link reopens it: the visitor's filters and the
    view's shareable `url` (else only its query)."""

    chosen: Filters
    url: str = ""


def describe(
    lang: str,
    what: str,
    sites: pd.DataFrame,
    view: Shared | None = None,
    service: str = "",
    today: datetime.date | None = None,
) -> About:
    """The description of a download of `what`, made from `sites` (the view it was drawn from),
    the `view`'s filters and link, and the service of a per-service table."""
    lines: list[tuple[str, str, str]] = [("what", t("about_what", lang), what)]
    if service:
        label = taxonomy.services().label(service, lang)
        lines.append(("service", t("about_service", lang), f"{label} ({service})"))
    if view is not None:
        lines.append(("filters", t("about_filters", lang), filters_text(view.chosen, lang)))
        query = filters.share_url("", view.chosen)
        lines.append(("view", t("about_view", lang), view.url or query or "—"))
    day = today or datetime.date.today()
    lines.append(("date", t("about_date", lang), day.isoformat()))
    named = _sources(sites, lang)
    dates, undated = coverage.source_dates(sites)
    shown = [*dates, *([t("undated", lang)] if undated else [])]
    lines.append(("sources", t("about_sources", lang), "; ".join(named) or "—"))
    lines.append(("source_dates", t("m_dates", lang), listed(shown, lang) or "—"))
    lines.append(("warning", t("about_warning", lang), source_warning(sites, lang)))
    return About(lang, tuple(lines))


def _sources(sites: pd.DataFrame, lang: str) -> list[str]:
    """The documents the sites come from, the seeds by their name for readers."""
    docs = coverage.source_documents(sites)
    return [t(coverage.KNOWN_SOURCES[d], lang) if d in coverage.KNOWN_SOURCES else d for d in docs]


def source_warning(sites: pd.DataFrame, lang: str) -> str:
    """Where the sites come from and that they must be checked: the 2016 brochure for Lien's own
    directory, else the file they were read from (a coordinator's own), named."""
    docs = coverage.source_documents(sites)
    if docs and all(d in coverage.KNOWN_SOURCES for d in docs):
        return t("source_warning", lang)
    return t("source_warning_file", lang, sources="; ".join(_sources(sites, lang)) or "—")
