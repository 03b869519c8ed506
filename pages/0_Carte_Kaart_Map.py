"""Lien, the map page: near me first, then organisations by service and distance (FR/NL/EN)."""

from __future__ import annotations

import streamlit as st

from lien import filters
from lien.i18n import t
from lien.render.view import map_view
from lien.ui import common, keyboard, map_page, navigation, state
from lien.ui.sidebar import language_picker, sidebar

navigation.routed()
st.set_page_config(page_title="Lien", page_icon="🧭", layout="wide")
# Before any widget: "use my location" writes the near-me boxes.
located_error = state.take_location()
frame, shared, name = state.current_directory()
language_codes = state.spoken_languages(frame)
chosen = sidebar(language_codes)
lang = chosen.lang
navigation.page_head(lang, skips=(keyboard.RESULTS, keyboard.TAKE_AWAY))
map_page.page_style()

phone = common.is_phone()
if phone:  # the sidebar's picker is folded away on a phone
    language_picker()
st.title(t("title", lang))
map_page.near_bar(language_codes, lang, located_error, phone=phone)
# What comes and goes above the results (chips, notices, "distances from …") in one box: the
# map below keeps its place among the page's elements, and the browser does not rebuild its frame
# while it loads (a search typed then left the map blank: its first frame's "ready" reached a
# frame already replaced).
with st.container(key="notices"):
    if not phone:
        common.filter_chips(chosen, lang)
    common.directory_notice(shared, name, lang)
    origin = common.near_origin(chosen.near, lang)
    # What the handout, its QR code and the downloads' link say of near-me: the place understood.
    printed, centre = map_page.near_place(chosen, lang)
    about = t("tagline", lang) + " " + common.source_note(shared, name, lang)
    if not phone:
        st.caption(about)

sites = filters.apply(frame, chosen, origin)
# Located, counted and fitted once: the counts, cards, map, tables and files below all use it.
view = map_view(sites, origin, chosen.radius_km)
with st.container(key=keyboard.RESULTS.target):  # where the first skip link leads
    map_page.results(view, chosen, lang, phone=phone, centre=centre)
if phone:  # below the results, so that the nearest come first on a small screen
    common.filter_chips(chosen, lang)
    st.caption(about)
common.add_organisation(lang)
map_page.downloads(sites, printed, lang, stem="lien-sites", key="download")
with st.container(key=keyboard.TAKE_AWAY.target):  # where the second one leads
    st.subheader(t("take_away", lang))
    map_page.take_away(view, printed, lang, key="take", centre=centre)
