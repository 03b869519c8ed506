"""Lien, the coverage page: where each service exists and where it is missing."""

from __future__ import annotations

import streamlit as st

from lien import coverage, filters
from lien.i18n import t, tn
from lien.render import tables
from lien.ui import common, coverage_page, navigation, state
from lien.ui.navigation import COVERAGE_PATH
from lien.ui.sidebar import sidebar

navigation.routed()
# Named in the visitor's language, as the page's link is (a screen reader says it first).
title = "Lien — " + t("page_coverage", navigation.visitor_lang())
st.set_page_config(page_title=title, page_icon="📊", layout="wide")
frame, shared, name = state.current_directory()
chosen = sidebar(state.spoken_languages(frame))
lang = chosen.lang
navigation.page_head(lang)
coverage_page.print_style()

st.title(t("coverage_title", lang))
st.caption(t("coverage_intro", lang))
common.directory_notice(shared, name, lang)
here = coverage_page.near_here(chosen, lang)
common.filter_chips(here, lang)

origin = common.near_origin(here.near, lang) if here.near else None
sites = filters.apply(frame, here, origin)
# The coverage answer, once: every figure, table, map and the funder PDF below render it.
report = coverage.report(
    sites, here, coverage_page.asked_service(here), coverage_page.municipalities()
)
st.warning(t("old_source", lang) if shared is not None else common.source_note(None, name, lang))
coverage_page.headline_metrics(report.headline, lang)
if report.empty:
    st.info(t("no_match", lang))
    st.stop()

# The planner's question first: for one service, where is there no provider, and who is farthest.
# Unless the visitor chose one, a service the view has (never a gap in every area).
coverage_page.service_choice(here, report.service, lang)
coverage_page.service_answer(report, sites, lang)

coverage_page.heatmap(report.by_province, lang, t("matrix_province", lang), "matrix")
st.caption(t("gap_note", lang) + " · " + tn("gap_count", len(report.gaps), lang))
common.table_downloads(
    tables.matrix_table(report.by_province, lang),
    common.view_about(
        t("about_matrix", lang),
        sites,
        here,
        COVERAGE_PATH,
        params=coverage_page.focus(report.service),
    ),
    "lien-matrix",
    "matrix",
    (t("download_matrix_csv", lang), t("download_matrix_xlsx", lang)),
    t("sheet_matrix", lang),
)
# The charts below the first are drawn once the visitor reaches them (lien.ui.reached).
coverage_page.lower_charts(report, lang)
st.caption(t("per_capita_note", lang))

coverage_page.funder_summary(report.gaps, lang)
