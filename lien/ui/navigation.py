"""The app's pages and their names in the visitor's language (st.navigation).

The addresses stay those of the first version, so links and QR codes printed before still open:
the map at the root, the two other pages under their trilingual paths.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from lien import memory
from lien.config import ROOT
from lien.filters import BY_PARAM
from lien.i18n import DEFAULT_LANG, LANGUAGE_NAMES, N_, direction, reviewed_share, t
from lien.links import PAGE
from lien.ui import keyboard, state, streamlit_text
from lien.ui.address import shortening_script


@dataclass(frozen=True)
class PageInfo:
    """One page: its script, its address under the app's root, its name's key and its icon
    (a Material Symbol: Streamlit ships that font, while an emoji needs one on the device)."""

    script: str
    url_path: str
    title: str
    icon: str


# The coverage page's address under the app's root (a download's link reopens a view there).
COVERAGE_PATH = "Couverture_Dekking_Coverage"
# The suggest page's: the signed links of a verification round open it (lien.links.PAGE).
SUGGEST_PATH = PAGE
# The reviewers' page (signed-in reviewers only; a visitor there sees the sign-in form).
REVIEW_PATH = "Relecture_Beoordeling_Review"

PAGES: tuple[PageInfo, ...] = (
    PageInfo("pages/0_Carte_Kaart_Map.py", "", N_("page_map"), ":material/map:"),
    PageInfo(
        "pages/1_Couverture_Dekking_Coverage.py",
        COVERAGE_PATH,
        N_("page_coverage"),
        ":material/bar_chart:",
    ),
    PageInfo(
        "pages/2_Donnees_Gegevens_Data.py",
        "Donnees_Gegevens_Data",
        N_("page_data"),
        ":material/upload_file:",
    ),
    PageInfo(
        "pages/3_Proposer_Voorstellen_Suggest.py",
        SUGGEST_PATH,
        N_("page_suggest"),
        ":material/edit_note:",
    ),
    PageInfo(
        "pages/4_Relecture_Beoordeling_Review.py",
        REVIEW_PATH,
        N_("page_review"),
        ":material/fact_check:",
    ),
)
SUB_PAGES: tuple[str, ...] = tuple(page.url_path for page in PAGES if page.url_path)


def visitor_lang() -> str:
    """The language the pages are named in: the one chosen, else the first visit's."""
    key = BY_PARAM["lang"].key
    chosen = st.session_state.get(key)
    if chosen in LANGUAGE_NAMES:
        return str(chosen)
    return state.first_lang()


# On every page. Streamlit's index.html says lang="en" whatever the page's language
# (https://github.com/streamlit/streamlit/issues/15726): the visitor's language is set on <html>,
# so screen readers pronounce French and Dutch as such (WCAG 3.1.1). Streamlit's captions (the body
# colour at 60 %, 3.9:1 on white) and a disabled widget's label (40 %, 2.3:1) are too faint for
# WCAG 1.4.3: they take the body colour at 80 % and 70 % (6.8:1 and 5.4:1 on white; a dark
# theme's colour follows, as the body's does).
_PAGE_HTML = """<style>
[data-testid="stCaptionContainer"] { color: inherit !important; opacity: .8; }
label[data-testid="stWidgetLabel"][disabled] { color: inherit !important; opacity: .7; }
</style>
<script>document.documentElement.lang = %s; document.documentElement.dir = %s;</script>"""

# Streamlit has no right-to-left layout (its issue #552): the document's `dir` turns its flex rows
# and text around, and these rules fix what it draws with left and right written out.
_RTL_CSS = """<style>
html[dir="rtl"] [data-testid="stMarkdownContainer"],
html[dir="rtl"] [data-testid="stCaptionContainer"],
html[dir="rtl"] [data-testid="stWidgetLabel"] { text-align: start; }
</style>"""


def page_html(lang: str, skips: tuple[keyboard.Skip, ...] = (keyboard.TO_CONTENT,)) -> str:
    """What every page gets (see _PAGE_HTML), its skip links and way through by keyboard
    (lien.ui.keyboard), and Streamlit's own texts in the visitor's language
    (lien.ui.streamlit_text)."""
    lang = lang if lang in LANGUAGE_NAMES else DEFAULT_LANG
    rtl = direction(lang) == "rtl"
    return (
        _PAGE_HTML % (json.dumps(lang), json.dumps(direction(lang)))
        + (_RTL_CSS if rtl else "")
        + keyboard.page_html(lang, skips)
        + streamlit_text.page_html(lang)
    )


def page_head(lang: str, skips: tuple[keyboard.Skip, ...] = (keyboard.TO_CONTENT,)) -> None:
    """The language, style rules and scripts of every page (see page_html), drawn by the page
    itself: drawn here in run(), before the page, they were lost on every page opened by its own
    URL but the map (faint captions, and lang="en" on the coverage and data pages)."""
    st.html(page_html(lang, skips) + shortening_script(), unsafe_allow_javascript=True)
    if reviewed_share(lang) < 1:
        machine_translated(lang)


def machine_translated(lang: str) -> None:
    """Says, in the page's own language, that no fluent speaker has reviewed its texts yet, with
    the page in French one tap away (the EU AI Act's Art. 50(4) asks this of machine-made public
    information; Integreat shows a robot and a banner)."""
    with st.container(key="machine_translated", horizontal=True, vertical_alignment="center"):
        # The catalogue's own text, as is: an escape would drop Persian's zero-width non-joiner.
        notice = t("machine_translated", lang)
        st.caption(f":material/smart_toy: {notice}")
        st.button(
            t("read_in_french", lang),
            key="read_in_french",
            type="tertiary",
            on_click=state.choose_language,
            args=(DEFAULT_LANG,),
        )


def routed() -> None:
    """A page's first call: a page Streamlit runs by itself runs through run() instead, with the
    pages named in the visitor's language.

    Streamlit runs the scripts of a folder named pages/ by themselves (its first way of making
    pages) until some script calls st.navigation: after a restart, a first visit to a page's own
    address (a QR code to the coverage page) got Streamlit's untranslated list of pages, "app"
    among them, and so did every visit after it until someone opened the root. Run through
    run() (whose st.navigation ends that way for every later visit), the same page draws itself,
    with this run's clicks; then this outer run of it stops."""
    if PagesManager.uses_pages_directory:
        run()
        st.stop()


def run() -> None:
    """Show the page the visitor asked for, with every page named in their language."""
    lang = visitor_lang()
    pages = [
        st.Page(
            str(ROOT / page.script),
            title=t(page.title, lang),
            icon=page.icon,
            url_path=page.url_path or None,
            default=not page.url_path,
        )
        for page in PAGES
    ]
    try:
        st.navigation(pages).run()
    finally:
        # Also when the page stopped or asked for a rerun: what the server keeps is loaded now.
        memory.settle()
