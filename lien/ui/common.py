"""What the pages share below the sidebar: which directory is shown, where near-me is, the lists
of problems, and the downloads of a table."""

from __future__ import annotations

from typing import Sequence

import pandas as pd
import streamlit as st

from lien import config, filters, geocoding
from lien.filters import Filters
from lien.geo.gazetteer import Place
from lien.i18n import t, tn
from lien.ingest import directory
from lien.outputs import about, export
from lien.outputs.about import About
from lien.problems import Problem, ProblemList
from lien.render.tables import problems_table
from lien.text import clean_query
from lien.text import markdown_literal as md  # every visitor's text shown through Markdown
from lien.ui import state

__all__ = [
    "base_url",
    "directory_notice",
    "md",
    "more_problems",
    "near_origin",
    "refused",
    "table_downloads",
    "view_about",
]

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def directory_notice(shared: directory.Shared | None, name: str, lang: str) -> None:
    """Say which directory is shown and how many of its records are hidden; stop the page if
    nothing can be shown. Visitors never see the operator's report (it is in the server log),
    unless LIEN_STRICT=1 asks for the refuse-and-list behaviour."""
    if shared is not None and shared.refused:
        if config.strict() and shared.problems:
            refused(shared.problems, name, lang)
        st.error(t("directory_unavailable", lang, name=md(name)))
        st.stop()
    if shared is not None and shared.hidden:
        st.caption(tn("directory_hidden", shared.hidden, lang))
    if state.using_upload():
        left, right = st.columns([4, 1])
        left.info(t("using_upload", lang, name=md(name)))
        if right.button(t("use_shared", lang), key="use_shared"):
            state.stop_using_upload()
            st.rerun()


def refused(problems: Sequence[Problem], name: str, lang: str) -> None:
    """Show why the directory was refused and stop the page."""
    total = problems.total if isinstance(problems, ProblemList) else len(problems)
    st.error(tn("refused", total, lang, name=md(name)))
    st.dataframe(problems_table(problems, lang), hide_index=True, key="problems")
    more_problems(problems, lang)
    st.stop()


def more_problems(problems: Sequence[Problem], lang: str) -> None:
    """Say how many problems of each kind were counted but not listed."""
    if not isinstance(problems, ProblemList):
        return
    examples = {p.code: p for p in reversed(problems)}
    for code, count in problems.dropped().items():
        example = examples.get(code)
        text = example.text(lang, md) if example else code
        st.caption(tn("problems_more", count, lang, example=text))


@st.cache_resource
def _geocoder() -> geocoding.LienGeocoder:
    """One geocoder per server, so Nominatim's 1 request/s limit holds across sessions."""
    return geocoding.get_geocoder()


@st.cache_data(show_spinner=False, max_entries=1000)
def locate(query: str) -> Place | None:
    """The near-me place, looked up once per distinct text."""
    return _geocoder().locate(query)


def near_origin(near: str, lang: str) -> tuple[float, float] | None:
    """Geocode the near-me text and say what was found, or that nothing was."""
    near = clean_query(near)
    if not near:
        return None
    place = locate(near)
    if place is None:
        st.warning(t("near_not_found", lang, query=md(near)))
        return None
    st.info(t("near_found", lang, place=place.label))
    return place.latitude, place.longitude


def base_url() -> str:
    """Where the app is reached: LIEN_BASE_URL, else the address in the visitor's browser."""
    configured = config.base_url()
    if configured:
        return configured
    seen = st.context.url
    # The map page is the app's root: drop a sub-page's path.
    return seen.split("?")[0].rsplit("/", 1)[0] + "/" if seen else "http://localhost:8501/"


def view_about(
    what: str, sites: pd.DataFrame, chosen: Filters, page: str = "", service: str = ""
) -> About:
    """What a download of this view is: `what`, the filters and the link reopening the view on
    `page` (the map when empty), the service of a per-service table, the date and sources."""
    url = filters.share_url(base_url() + page, chosen)
    return about.describe(chosen.lang, what, sites, chosen, url, service)


def table_downloads(
    table: pd.DataFrame,
    lang: str,
    stem: str,
    key: str,
    csv_label: str,
    xlsx_label: str,
    sheet: str,
    about: About,
) -> None:
    """CSV and Excel buttons for a table (formulas neutralised), each saying what it holds."""
    left, right = st.columns(2)
    left.download_button(
        csv_label,
        lambda: export.table_csv(table, about),
        export.filename(stem, "csv"),
        "text/csv",
        key=f"{key}_csv",
    )
    right.download_button(
        xlsx_label,
        lambda: export.table_xlsx(table, sheet, about),
        export.filename(stem, "xlsx"),
        XLSX_MIME,
        key=f"{key}_xlsx",
    )
