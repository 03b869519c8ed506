"""Lien, the data page: bring your own directory, check it, place it and use it in this session."""

from __future__ import annotations

import streamlit as st

from lien import filters
from lien.i18n import t, tn
from lien.ingest.tabular import MAX_UPLOAD_MB
from lien.render.view import map_view
from lien.ui import common, data_page, map_page, navigation, state
from lien.ui.sidebar import sidebar

navigation.routed()
# Named in the visitor's language, as the page's link is (a screen reader says it first).
title = "Lien — " + t("page_data", navigation.visitor_lang())
st.set_page_config(page_title=title, page_icon="📄", layout="wide")
frame, _, name = state.current_directory()
chosen = sidebar(state.spoken_languages(frame))
lang = chosen.lang
navigation.page_head(lang)

st.title(t("data_title", lang))
st.markdown(t("data_intro", lang, limit=MAX_UPLOAD_MB))
common.directory_notice(None, name, lang)
# A directory's missing organisation is added for everyone through a proposal, not an upload.
common.add_organisation(lang)

uploaded = st.file_uploader(
    t("upload_label", lang),
    type=["csv", "tsv", "txt", "xlsx", "zip"],
    key="upload_file",
    max_upload_size=2 * MAX_UPLOAD_MB,
)
if uploaded is None:
    data_page.forget_checked_upload()
    if data_page.upload_lost():
        st.warning(t("upload_lost", lang))
    data_page.schema_help(lang)
    st.stop()

result = data_page.checked_upload(uploaded.name, uploaded.getvalue(), lang)
data_page.column_mapping(result, lang)
data_page.upload_report(result, lang)

if len(result.frame):
    st.subheader(t("preview_heading", lang))
    sites = filters.apply(result.frame, chosen)
    preview = map_view(sites)
    shown = preview.counts
    st.markdown(
        tn("shown", shown.sites, lang, orgs=tn("n_organisations", shown.organisations, lang))
    )
    map_page.site_map(preview, lang, key="preview_map")
    map_page.sites_table(sites, lang, t("preview_heading", lang), key="preview_table")
data_page.upload_actions(result, lang)
# What the report's messages point to: the services and audiences Lien knows, at the bottom.
with st.expander(t("schema_heading", lang)):
    data_page.schema_help(lang, heading=False)
