"""Lien, the map page: find organisations by service and by distance, in FR/NL/EN."""

from __future__ import annotations

import streamlit as st

from lien import filters, ui
from lien.i18n import t

st.set_page_config(page_title="Lien", page_icon="🧭", layout="wide")
frame, shared, name = ui.current_directory()
chosen = ui.sidebar(ui.spoken_languages(frame))
lang = chosen.lang

st.title(t("title", lang))
st.caption(f"{t('tagline', lang)} {t('source_warning', lang)}")
ui.directory_notice(shared, name, lang)

origin = ui.near_origin(chosen.near, lang)
sites = filters.apply(frame, chosen, origin)
on_map = sites[sites["_located"]]
elsewhere = sites[~sites["_located"]]
st.markdown(t("shown", lang, sites=len(on_map), orgs=on_map["org_id"].nunique()))
if len(elsewhere):
    st.caption(t("national_count", lang, count=len(elsewhere)))

ui.site_map(on_map, lang, origin, chosen.radius_km, key="map")

if sites.empty:
    st.info(t("no_match", lang))
st.subheader(t("table_heading", lang))
ui.sites_table(on_map, lang, key="sites_table")
if len(elsewhere):
    st.subheader(t("national_heading", lang))
    ui.sites_table(elsewhere, lang, key="national_table")
ui.downloads(sites, lang, stem="lien-sites", key="download")
st.subheader(t("take_away", lang))
ui.take_away(sites, chosen, origin, lang, key="take")
