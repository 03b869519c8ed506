"""Lien, the map page: find organisations by service and by distance, in FR/NL/EN."""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from lien import filters, mapview, ui
from lien.i18n import t
from lien.paths import directory_path

st.set_page_config(page_title="Lien", page_icon="🧭", layout="wide")
source = directory_path()
frame, problems = ui.load_directory(source)
chosen = ui.sidebar(ui.spoken_languages(frame))
lang = chosen.lang

st.title(t("title", lang))
st.caption(f"{t('tagline', lang)} {t('source_warning', lang)}")
if len(problems):
    ui.refused(problems, source.name, lang)

origin = ui.near_origin(chosen.near, lang)
sites = filters.apply(frame, chosen, origin)
on_map = sites[sites["_located"]]
elsewhere = sites[~sites["_located"]]
st.markdown(t("shown", lang, sites=len(on_map), orgs=on_map["org_id"].nunique()))
if len(elsewhere):
    st.caption(t("national_count", lang, count=len(elsewhere)))

center, zoom = mapview.view_for(on_map, origin, chosen.radius_km if origin else None)
st_folium(mapview.base_map(lang), feature_group_to_add=mapview.sites_layer(on_map, lang, origin),
          center=center, zoom=zoom, returned_objects=[], key="map", height=520,
          use_container_width=True)

if sites.empty:
    st.info(t("no_match", lang))
st.subheader(t("table_heading", lang))
ui.sites_table(on_map, lang, key="sites_table")
if len(elsewhere):
    st.subheader(t("national_heading", lang))
    ui.sites_table(elsewhere, lang, key="national_table")
ui.downloads(sites, lang, stem="lien-sites", key="download")
