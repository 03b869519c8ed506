"""What the pages share below the sidebar: which directory is shown, where near-me is, the lists
of problems, and the downloads of a table."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import streamlit as st

from lien import config, display, filters, geocoding
from lien.config import ROOT
from lien.filters import Filters
from lien.geo.search import Found
from lien.i18n import t, tn
from lien.ingest import directory
from lien.outputs import about, builds
from lien.outputs.about import About
from lien.outputs.builds import Download
from lien.problems import Problem, ProblemList
from lien.render.tables import problems_table
from lien.text import clean_query, markdown_escape
from lien.text import markdown_literal as md  # every visitor's text shown through Markdown
from lien.ui import downloads, keyboard, state
from lien.ui.navigation import SUB_PAGES

__all__ = [
    "add_organisation",
    "base_url",
    "directory_notice",
    "download",
    "filter_chips",
    "source_note",
    "suggest_root",
    "find",
    "grid",
    "is_phone",
    "md",
    "more_problems",
    "near_origin",
    "refused",
    "table_downloads",
    "view_about",
]


def directory_notice(shared: directory.Shared | None, name: str, lang: str) -> None:
    """Say which directory is shown and how many of its records are hidden; stop the page if
    nothing can be shown. Visitors never see the operator's report (it is in the server log),
    unless LIEN_STRICT=1 asks for the refuse-and-list behaviour."""
    if shared is not None and shared.refused:
        if any(p.code == "store_unavailable" for p in shared.problems):
            # A database restarting: said as brief, and the page's watch reruns it by itself
            # once the store answers (lien.store.watch.UNREACHABLE).
            said = t("p_store_unavailable", lang)
            st.warning(said[:1].upper() + said[1:], icon=":material/cloud_off:")
            st.stop()
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
    grid(problems_table(problems, lang), t("problems_heading", lang), "problems", hide_index=True)
    more_problems(problems, lang)
    st.stop()


def grid(frame: pd.DataFrame, name: str, key: str, **options: Any) -> None:
    """A data grid (st.dataframe) named `name` for a screen reader, one stop for the keyboard
    (lien.ui.keyboard)."""
    st.html(keyboard.grid_marker(name))
    st.dataframe(frame, key=key, **options)


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


# Searches this session made: a place is looked up once per session, not at every rerun. Not a
# server-wide cache, whose hits another visitor could read (/_stcore/metrics counts them) or time.
_FOUND = "_found_places"
_MAX_FOUND = 32


def find(query: str) -> Found:
    """The near-me place and how it was recognised, looked up once per distinct text of this
    session."""
    found: dict[str, Found] = st.session_state.setdefault(_FOUND, {})
    if query not in found:
        if len(found) >= _MAX_FOUND:
            found.pop(next(iter(found)))
        found[query] = _geocoder().search(query)
    return found[query]


def near_origin(near: str, lang: str) -> tuple[float, float] | None:
    """Place the near-me text and say how: found, read as a close name, only partly recognised,
    several close places to choose from, or nothing (with a hint for stations and streets)."""
    near = clean_query(near)
    if not near:
        return None
    found = find(near)
    if found.place is not None:
        located = state.located_near(near)
        st.info(display.near_message(found, near, lang, md, markdown_escape, located=located))
        return found.place.latitude, found.place.longitude
    if found.coordinates:
        st.warning(t("geo_outside", lang))
    elif found.suggestions:
        if found.several:  # one name, several places ("Vorst": Forest, or the village in Laakdal)
            st.warning(t("near_which", lang, query=md(near)))
        else:
            st.warning(t("near_did_you_mean", lang, query=md(near)))
        columns = st.columns(len(found.suggestions))
        for i, (column, name) in enumerate(zip(columns, found.suggestions, strict=True)):
            column.button(
                markdown_escape(name), key=f"suggest_{i}", on_click=state.set_near, args=(name,)
            )
    else:
        hint = " " + t("near_landmark_hint", lang) if found.landmark else ""
        st.warning(t("near_not_found", lang, query=md(near)) + hint)
    return None


def is_phone() -> bool:
    """Whether the visitor's browser says it is a phone (its User-Agent has "Mobi", as every
    phone browser's does): cards first and the table behind a toggle."""
    agent = st.context.headers.get("User-Agent", "") if st.context.headers else ""
    return "Mobi" in agent


def download(container: Any, label: str, file: Download, key: str, help: str | None = None) -> None:
    """A download button whose file is built on click, in a bounded worker (lien.outputs.builds):
    a crafted view costs its visitor a short file saying so, not every visitor the server's time.

    on_click="ignore": no rerun, so the file a tap asked for is still on the server when the
    browser fetches it, and a second tap right after the first gets its file too (a rerun dropped
    the first one's: "Deferred file not found"). `downloads.kept`: the file also outlives other
    visitors' runs until the browser has fetched it."""
    build = downloads.kept(file.bounded, key, file.mime, file.filename)
    container.download_button(
        label, build, file.filename, file.mime, key=key, help=help, on_click="ignore"
    )


def source_note(shared: directory.Shared | None, name: str, lang: str) -> str:
    """Where the figures come from: the shared directory's 2016 sources, or the visitor's own
    file once they chose to use it (`shared` is None then)."""
    if shared is None:
        return t("source_upload", lang, name=md(name))
    return t("source_warning", lang)


def filter_chips(chosen: Filters, lang: str) -> None:
    """The filters that apply on this page as removable chips, and "clear all"; nothing when
    none applies. Each chip says which filter and value it is, and removes just that."""
    chips = display.chips(chosen, lang, literal=md)
    if not chips:
        return
    with st.container(key="chips", horizontal=True, vertical_alignment="center", gap="small"):
        st.markdown(t("active_filters", lang))
        for i, chip in enumerate(chips):
            st.button(
                f"{chip.text}  ✕",
                key=f"chip_{i}",
                help=t("chip_remove", lang),
                on_click=state.remove_filter,
                args=(chip.param, chip.value),
            )
        st.button(
            t("clear_all", lang), key="chip_clear", type="tertiary", on_click=state.clear_filters
        )


def base_url() -> str:
    """Where the app is reached: LIEN_BASE_URL, else the root of the address in the visitor's
    browser."""
    configured = config.base_url()
    if configured:
        return configured
    seen = st.context.url
    # Built right at the root (no trailing "/" there) and on a sub-page alike.
    return filters.app_root(seen, SUB_PAGES) if seen else "http://localhost:8501/"


def suggest_root() -> str | None:
    """The app's root address for the "suggest a correction" links of cards, popups and
    tables; None when this session's records are in no store (its own upload, or a kiosk with
    LIEN_STORE=off), where there is nothing a correction could be proposed to."""
    if not config.store_enabled() or state.using_upload():
        return None
    return base_url()


def add_organisation(lang: str) -> None:
    """The "add an organisation" link (the suggest page's empty form), in this session."""
    if suggest_root() is None:
        return
    st.page_link(
        str(ROOT / "pages" / "3_Proposer_Voorstellen_Suggest.py"),
        label=t("add_organisation", lang),
        icon=":material/add_business:",
        query_params={"lang": lang},
    )


def view_about(
    what: str,
    sites: pd.DataFrame,
    chosen: Filters,
    page: str = "",
    service: str = "",
    params: Mapping[str, str] | None = None,
) -> About:
    """What a download of this view is: `what`, the filters and the link reopening the view on
    `page` (the map when empty) with the page's own `params`, the service of a per-service
    table, the date and sources."""
    url = filters.share_url(base_url() + page, chosen, params)
    return about.describe(chosen.lang, what, sites, about.Shared(chosen, url), service)


def table_downloads(
    table: pd.DataFrame, about: About, stem: str, key: str, labels: tuple[str, str], sheet: str
) -> None:
    """CSV and Excel buttons for a table (formulas neutralised), each saying what it holds;
    `labels` are the two buttons' texts."""
    for column, kind, label in zip(st.columns(2), ("csv", "xlsx"), labels, strict=True):
        file = builds.table_download(kind, table, about, stem, sheet)
        download(column, label, file, key=f"{key}_{kind}")
