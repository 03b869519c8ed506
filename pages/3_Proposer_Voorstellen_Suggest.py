"""Lien, the suggest page: correct a record (?site=), add an organisation, or, from a signed link
(?token=), an organisation confirms or corrects its own record."""

from __future__ import annotations

import streamlit as st

from lien.i18n import t
from lien.ui import navigation, state, suggest_page
from lien.ui.sidebar import sidebar

navigation.routed()
# Named in the visitor's language, as the page's link is (a screen reader says it first).
title = "Lien — " + t("page_suggest", navigation.visitor_lang())
st.set_page_config(page_title=title, page_icon="✏️", layout="centered")
frame = state.current_directory()[0]
# Before the sidebar rewrites the address to its filters.
opened = suggest_page.target(frame)
chosen = sidebar(state.spoken_languages(frame))
suggest_page.keep(opened)
lang = chosen.lang
navigation.page_head(lang)
suggest_page.page(lang, opened)
