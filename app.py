"""Lien, the map page: find organisations by service and by distance, in FR/NL/EN."""

from __future__ import annotations

import streamlit as st

from lien import filters
from lien.i18n import t, tn
from lien.ui import common, map_page, state
from lien.ui.sidebar import sidebar

st.set_page_config(page_title="Lien", page_icon="🧭", layout="wide")
frame, shared, name = state.current_directory()
chosen = sidebar(state.spoken_languages(frame))
lang = chosen.lang

st.title(t("title", lang))
st.caption(t("tagline", lang) + " " + t("source_warning", lang))
common.directory_notice(shared, name, lang)

origin = common.near_origin(chosen.near, lang)
sites = filters.apply(frame, chosen, origin)
on_map = sites[sites["_located"]]
elsewhere = sites[~sites["_located"]]
st.markdown(
    tn("shown", len(on_map), lang, orgs=tn("n_organisations", on_map["org_id"].nunique(), lang))
)
if len(elsewhere):
    st.caption(tn("national_count", len(elsewhere), lang))

map_page.site_map(on_map, lang, origin, chosen.radius_km, key="map")

if sites.empty:
    st.info(t("no_match", lang))
st.subheader(t("table_heading", lang))
map_page.sites_table(on_map, lang, key="sites_table")
if len(elsewhere):
    st.subheader(t("national_heading", lang))
    map_page.sites_table(elsewhere, lang, key="national_table")
map_page.downloads(sites, chosen, lang, stem="lien-sites", key="download")
st.subheader(t("take_away", lang))
map_page.take_away(sites, chosen, origin, lang, key="take")
