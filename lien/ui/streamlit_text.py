"""Streamlit's own words in the visitor's language.

Streamlit 1.67 draws some texts of its own, in English, whatever the page's language: its widgets'
buttons and hints ("Clear all", "Help for Recherche", "No results", "Press Enter to apply"), the
data grid's toolbar, the file uploader, the sidebar's toggle, the status while a page runs. Its
frontend has no translation. Each text is fixed the most robust way it allows:

1. a widget argument where there is one (lien.ui.sidebar: `placeholder=`, `select_all=False`);
2. page-wide CSS where a whole text is Lien's to say: the uploader's size line, which would say
   Streamlit's bound on the bytes (twice Lien's, see pages/2_Donnees_Gegevens_Data.py) where
   Lien's is lien.ingest.tabular.MAX_UPLOAD_MB, is hidden and Lien's own shown instead;
3. for the rest, a small script (streamlit_text.js) that rewrites the known English strings,
   text and ARIA labels alike, from ENGLISH and PATTERNS below, as Streamlit draws them. (The
   uploader's button too: a text drawn by CSS gives it no name for axe, only for Chromium.)
   That includes react-aria's own words under the select boxes and multiselects ("21 options
   available.", "Dismiss"): react-aria has translations, but Streamlit wraps those widgets in its
   I18nProvider with the locale "en-US".

The English strings are those of Streamlit's frontend bundle (streamlit/static/static/js);
tests/test_streamlit_text.py checks that each is still there.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources

from lien.i18n import N_, normalise_lang, t, tn, translations
from lien.ingest.tabular import MAX_UPLOAD_MB

# Streamlit's English text (a whole text node, aria-label, title or placeholder) -> Lien's key.
ENGLISH: dict[str, str] = {
    # Select boxes and multiselects
    "Clear all": N_("st_clear_choices"),
    "Clear value": N_("st_clear_value"),
    "Open": N_("st_open_list"),
    "No results": N_("st_no_results"),
    "Choose an option": N_("choose"),
    "Select...": N_("choose"),
    "Selected values": N_("st_selected_values"),
    "Select all": N_("st_select_all"),
    "Dismiss": N_("st_dismiss"),
    # Text and number inputs
    "Press Enter to apply": N_("st_press_enter"),
    "Clear entry": N_("st_clear_value"),
    "Increment": N_("st_increment"),
    "Decrement": N_("st_decrement"),
    # A widget's help ("?") when its label is empty
    "Help": N_("st_help"),
    # The file uploader (its size line is CSS: see _UPLOADER_CSS)
    "Upload": N_("st_upload"),
    "file upload": N_("st_upload"),
    "Drag and drop a file here": N_("st_drop_file"),
    "Add files": N_("st_add_files"),
    # The sidebar, the pages' menu, the header
    "Sidebar": N_("st_sidebar"),
    "Expand sidebar": N_("st_expand_sidebar"),
    "Collapse sidebar": N_("st_collapse_sidebar"),
    "App pages": N_("st_app_pages"),
    "View less": N_("st_view_less"),
    "Main menu": N_("st_main_menu"),
    "Running...": N_("st_running"),
    "Stop": N_("st_stop"),
    "Stopping...": N_("st_stopping"),
    "Connecting": N_("st_connecting"),
    "Please wait...": N_("st_please_wait"),
    "Close": N_("st_close"),
    "Link to heading": N_("st_link_to_heading"),
    # The data grid's toolbar, search and column menu; a chart's toolbar
    "Show/hide columns": N_("st_show_hide_columns"),
    "Download as CSV": N_("st_download_csv"),
    "Search": N_("st_search"),
    "Type to search": N_("st_search"),
    "Close Search": N_("st_close_search"),
    "Next Result": N_("st_next_result"),
    "Previous Result": N_("st_previous_result"),
    "Fullscreen": N_("st_fullscreen"),
    "Close fullscreen": N_("st_close_fullscreen"),
    "Sort ascending": N_("st_sort_ascending"),
    "Sort descending": N_("st_sort_descending"),
    "Pin column": N_("st_pin_column"),
    "Unpin column": N_("st_unpin_column"),
    "Hide column": N_("st_hide_column"),
    "Autosize": N_("st_autosize"),
    "Download as PNG": N_("st_download_png"),
    "Show data": N_("st_show_data"),
    "Show chart": N_("st_show_chart"),
    # A download button whose file could not be made
    "Download failed": N_("st_download_failed"),
}

# Streamlit's texts with a part of Lien's in them: a regular expression whose one group is that
# part -> Lien's key, whose {label} field receives it.
PATTERNS: dict[str, str] = {
    r"^Help for (.+)$": N_("st_help_for"),
    r"^(.+), selected$": N_("st_selected"),  # react-aria's, once an option is chosen
}
# react-aria's count of the options a list shows, said as it changes ("1 option available.",
# "21 options available."), is said in the catalogue's plural forms: see table().

_UPLOADER_CSS = """
[data-testid="stFileUploaderDropzoneInstructions"] span { display: none; }
[data-testid="stFileUploaderDropzoneInstructions"] > div::after { content: %(limit)s; }
"""

_CSS_UNSAFE = re.compile(r"[^\w .,:;!?()'’«»…/-]", re.UNICODE)


def css_string(text: str) -> str:
    """`text` as a CSS string literal: anything but letters, digits and plain punctuation is a
    CSS escape, so no text can close the string or the style element."""
    return '"' + _CSS_UNSAFE.sub(lambda m: f"\\{ord(m.group()):x} ", text) + '"'


# react-aria's count, the English it says it in, and its number as the pattern's group.
COUNTED = r"^(\d+) options? available\.$"


def counted(lang: str) -> dict[str, object]:
    """The count of options in `lang`'s plural forms, as the script picks one without a plural
    rule of its own: each form's text (its {label} filled by the count), and the form for each
    count from 0 to 99 ("small") and for 100 to 199 ("large"). Every language's rule looks at
    the last two digits once past 99 (Arabic's "few" of 103, Ukrainian's "one" of 121), so the
    form of 1,234 is large's for 134."""
    catalogue = translations(normalise_lang(lang))
    forms = [tn("st_options_available", n, lang, count="{label}") for n in range(200)]
    texts = list(dict.fromkeys(forms))
    index = [texts.index(form) for form in forms]
    if catalogue.plural(1234) != catalogue.plural(134):  # the assumption above, checked
        raise ValueError(f"{lang}'s plural rule looks past the last two digits")
    return {"pattern": COUNTED, "forms": texts, "small": index[:100], "large": index[100:]}


def table(lang: str) -> dict[str, object]:
    """What the script needs for `lang`: the exact strings and the patterns (whose group
    replaces {label}) with their translation, an English text kept as it is left out, and the
    count of options (counted)."""
    lang = normalise_lang(lang)
    exact = {english: t(key, lang) for english, key in ENGLISH.items()}
    # A pattern's text keeps its {label}, which the script fills with what the pattern caught.
    patterns = [[pattern, t(key, lang, label="{label}")] for pattern, key in PATTERNS.items()]
    return {
        "exact": {english: text for english, text in exact.items() if text != english},
        "patterns": patterns,
        "counted": counted(lang),
    }


@cache
def _script() -> str:
    source = resources.files("lien.ui").joinpath("streamlit_text.js")
    return source.read_text(encoding="utf-8").strip()


@cache
def page_html(lang: str) -> str:
    """The style and the script every page gets: Streamlit's texts in `lang`."""
    lang = normalise_lang(lang)
    style = _UPLOADER_CSS % {"limit": css_string(t("st_upload_limit", lang, limit=MAX_UPLOAD_MB))}
    data = json.dumps(table(lang), ensure_ascii=False).replace("</", "<\\/")
    return f"<style>{style}</style><script>{_script()}({data});</script>"
