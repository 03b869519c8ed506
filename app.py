"""Lien, the map page: find organisations by service and by distance, in FR/NL/EN."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

import geocode
from lien import directory, filters, mapview, taxonomy, ui
from lien.gazetteer import Place
from lien.i18n import t
from lien.paths import ORGANISATIONS_CSV


@st.cache_data(show_spinner=False)
def load(path: str, mtime: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The prepared directory and its problems; `mtime` makes an edited file reload."""
    try:
        result = directory.read_directory(Path(path))
    except directory.DirectoryError as exc:
        return pd.DataFrame(), directory.problems_frame(exc.problems)
    return filters.prepare(result.frame), directory.problems_frame(result.problems)


@st.cache_resource
def geocoder() -> geocode.LienGeocoder:
    """One geocoder per server, so Nominatim's 1 request/s limit holds across sessions."""
    return geocode.get_geocoder()


@st.cache_data(show_spinner=False, max_entries=1000)
def locate(query: str) -> Place | None:
    """The near-me place, looked up once per distinct text."""
    return geocoder().locate(query)


st.set_page_config(page_title="Lien", page_icon="🧭", layout="wide")
frame, problems = load(str(ORGANISATIONS_CSV), ORGANISATIONS_CSV.stat().st_mtime)
spoken = sorted({c for cell in frame.get("languages", []) for c in taxonomy.split_codes(cell)})
chosen = ui.sidebar(spoken)
lang = chosen.lang

st.title(t("title", lang))
st.caption(f"{t('tagline', lang)} {t('source_warning', lang)}")
if len(problems):
    st.error(t("refused", lang, name=ORGANISATIONS_CSV.name, count=len(problems)))
    st.dataframe(problems, hide_index=True, key="problems")
    st.stop()

place = locate(chosen.near) if chosen.near else None
if chosen.near and place is None:
    st.warning(t("near_not_found", lang, query=chosen.near))
elif place is not None:
    st.info(t("near_found", lang, place=place.label))
origin = (place.latitude, place.longitude) if place else None

sites = filters.apply(frame, chosen, origin)
on_map = sites[sites["_located"]]
elsewhere = sites[~sites["_located"]]
st.markdown(t("shown", lang, sites=len(on_map), orgs=on_map["org_id"].nunique()))
if elsewhere.shape[0]:
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
