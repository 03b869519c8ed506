"""Lien, the Review page: a signed-in reviewer's queue of proposals, "still right" and undo; a
visitor sees the sign-in form and nothing else."""

from __future__ import annotations

import streamlit as st

from lien import config
from lien.i18n import t
from lien.ui import navigation, review_page, signin_form, state

navigation.routed()
title = "Lien — " + t("page_review", navigation.visitor_lang())
st.set_page_config(page_title=title, page_icon=":material/fact_check:", layout="wide")
lang = review_page.language()
navigation.page_head(lang)
st.title(t("review_title", lang))

if not config.store_enabled():
    st.info(t("review_no_store", lang))
    st.stop()
# The store started (migrated, filled on a first start) before anyone signs in.
shared, version = state.stored_directory(config.directory_path())
if version is None:
    st.error(t("review_no_store", lang))
    st.stop()
engine = state.engine()
who = signin_form.signed_in(engine)
if who is None:
    signin_form.form(engine, lang)
    st.stop()

signin_form.sign_out_button(engine, who, lang)
# A publish by anyone reruns the page, so the queue and the records shown stay current.
state.watch(version)
review_page.notes(lang)
review_page.queue(engine, version, lang)
review_page.still_right(engine, shared.frame, version, lang)
review_page.history(engine, version, lang)
