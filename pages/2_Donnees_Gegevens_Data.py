"""Lien, the data page: bring your own directory, check it, place it and use it in this session."""

from __future__ import annotations

import streamlit as st

from lien import filters, ui
from lien.i18n import t
from lien.tabular import MAX_UPLOAD_MB

st.set_page_config(page_title="Lien — data", page_icon="📄", layout="wide")
frame, _, name = ui.current_directory()
chosen = ui.sidebar(ui.spoken_languages(frame))
lang = chosen.lang

st.title(t("data_title", lang))
st.markdown(t("data_intro", lang, limit=MAX_UPLOAD_MB))
ui.directory_notice(None, name, lang)

uploaded = st.file_uploader(t("upload_label", lang), type=["csv", "tsv", "txt", "xlsx", "zip"],
                            key="upload_file", max_upload_size=2 * MAX_UPLOAD_MB)
if uploaded is None:
    ui.forget_checked_upload()
    if ui.upload_lost():
        st.warning(t("upload_lost", lang))
    ui.schema_help(lang)
    st.stop()

result = ui.checked_upload(uploaded.name, uploaded.getvalue(), lang)
ui.column_mapping(result, lang)
ui.upload_report(result, lang)

if len(result.frame):
    st.subheader(t("preview_heading", lang))
    sites = filters.apply(result.frame, chosen)
    on_map = sites[sites["_located"]]
    st.markdown(t("shown", lang, sites=len(on_map), orgs=on_map["org_id"].nunique()))
    ui.site_map(on_map, lang, None, None, key="preview_map")
    ui.sites_table(sites, lang, key="preview_table")
ui.upload_actions(result, lang)
