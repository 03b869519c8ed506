"""Lien, the coverage page: where each service exists and where it is missing."""

from __future__ import annotations

import streamlit as st

from lien import charts, coverage, filters, taxonomy, ui
from lien.i18n import t

st.set_page_config(page_title="Lien — coverage", page_icon="📊", layout="wide")
frame, shared, name = ui.current_directory()
chosen = ui.sidebar(ui.spoken_languages(frame))
lang = chosen.lang
ui.print_style()

st.title(t("coverage_title", lang))
st.caption(t("coverage_intro", lang))
ui.directory_notice(shared, name, lang)

sites = filters.apply(frame, chosen, ui.near_origin(chosen.near, lang))
figures = coverage.headline(sites)
st.warning(t("old_source", lang))
ui.headline_metrics(figures, lang)
if sites.empty:
    st.info(t("no_match", lang))
    st.stop()

services = chosen.services or None
by_province = coverage.matrix(sites, "province", services)
by_region = coverage.matrix(sites, "region", services)
holes = coverage.gaps(by_province)
st.plotly_chart(charts.heatmap(by_province, lang, t("matrix_province", lang)), key="matrix")
st.caption(f"{t('gap_note', lang)} · {t('gap_count', lang, count=len(holes))}")
st.plotly_chart(charts.heatmap(by_region, lang, t("matrix_region", lang)), key="matrix_region")
ui.table_downloads(ui.matrix_table(by_province, lang), lang, "lien-matrix", "matrix")

options = list(chosen.services) or taxonomy.services().codes
service = st.selectbox(t("chosen_service", lang), options, key="cov_service",
                       format_func=lambda c: taxonomy.services().label(c, lang))
counts = coverage.matrix(sites, "province", [service]).loc[service]
st.plotly_chart(charts.choropleth(counts, lang, service), key="choropleth")
distances = coverage.nearest_provider(sites, service, ui.municipalities())
if distances["distance_km"].isna().all():
    st.info(t("no_provider", lang, service=taxonomy.services().label(service, lang)))
else:
    st.plotly_chart(charts.distance_map(distances, lang, service), key="distance_map")
    st.subheader(t("deserts_title", lang))
    deserts = ui.distance_table(coverage.deserts(distances), lang)
    st.dataframe(deserts, hide_index=True, key="deserts")
    ui.table_downloads(ui.distance_table(distances, lang), lang, "lien-distances", "distances")
st.caption(t("per_capita_note", lang))

ui.funder_summary(figures, by_province, holes, lang)
