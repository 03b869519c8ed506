"""Streamlit's own English texts in the visitor's language (lien.ui.streamlit_text), every page's
head (lien.ui.navigation), and the list of Streamlit's English texts the browser walk looks for
(tests/support/streamlit_english.py): each string still in the installed Streamlit's bundle."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import pytest
import streamlit

from lien.i18n import LANGS, t
from lien.ingest.tabular import MAX_UPLOAD_MB
from lien.ui import navigation, streamlit_text
from tests.support import streamlit_english
from tests.support.page_head import script_data

BUNDLE = Path(streamlit.__file__).parent / "static" / "static" / "js"
# Texts the bundle writes as a template, and the template's fixed start.
TEMPLATED = {"Press Enter to apply": "`Press Enter to ${"}


@cache
def bundle() -> str:
    return "".join(path.read_text(encoding="utf-8") for path in sorted(BUNDLE.glob("*.js")))


def in_bundle(text: str) -> bool:
    """Whether Streamlit's frontend writes `text` as a whole string literal."""
    if text in TEMPLATED:
        return TEMPLATED[text] in bundle()
    return f"`{text}`" in bundle() or f'"{text}"' in bundle()


@pytest.mark.parametrize("english", sorted(streamlit_text.ENGLISH))
def test_each_translated_text_is_one_streamlit_draws(english: str) -> None:
    assert in_bundle(english), english


@pytest.mark.parametrize("english", sorted(streamlit_english.EXACT))
def test_each_english_text_the_walk_looks_for_is_in_streamlits_bundle(english: str) -> None:
    assert in_bundle(english), english


def test_each_english_template_the_walk_looks_for_is_in_streamlits_bundle() -> None:
    assert len(streamlit_english.PATTERN_SOURCES) == len(streamlit_english.PATTERNS)
    for source in streamlit_english.PATTERN_SOURCES:
        assert source in bundle(), source
    assert "`Help for ${" in bundle()  # streamlit_text.PATTERNS' only template


def _say(table: dict[str, object], english: str) -> str:
    """What the page script says for `english`, as streamlit_text.js does."""
    exact = table["exact"]
    assert isinstance(exact, dict)
    if english in exact:
        return str(exact[english])
    counted = table["counted"]
    assert isinstance(counted, dict)
    match = re.match(counted["pattern"], english)
    if match:
        n = int(match[1])
        form = counted["small"][n] if n < 100 else counted["large"][n % 100]
        return str(counted["forms"][form]).replace("{label}", match[1])
    for pattern, template in table["patterns"]:  # type: ignore[attr-defined]
        match = re.match(pattern, english)
        if match:
            return str(template).replace("{label}", match[1])
    return english


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_french_and_dutch_say_every_text_in_their_own_words(lang: str) -> None:
    table = streamlit_text.table(lang)
    # Every English text has a translation, none of them English (or another English text).
    assert set(streamlit_text.ENGLISH) <= set(table["exact"])
    for english in streamlit_text.ENGLISH:
        text = _say(table, english)
        assert text, english
        assert text != english, english
        assert not streamlit_english.english(text), english
    assert _say(table, "Help for Recherche") == t("st_help_for", lang, label="Recherche")
    assert _say(table, "Aide juridique, selected") == t("st_selected", lang, label="Aide juridique")


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", ["0 option disponible.", "1 option disponible.", "21 options disponibles."]),
        ("nl", ["0 opties beschikbaar.", "1 optie beschikbaar.", "21 opties beschikbaar."]),
        ("en", ["0 options available.", "1 option available.", "21 options available."]),
    ],
)
def test_the_count_of_options_takes_the_languages_plural(lang: str, said: list[str]) -> None:
    table = streamlit_text.table(lang)
    english = ["0 options available.", "1 option available.", "21 options available."]
    assert [_say(table, text) for text in english] == said


def test_english_pages_keep_streamlits_words() -> None:
    table = streamlit_text.table("en")
    # Only a placeholder is Lien's own ("Choose…", as Lien's widgets say), and a few texts
    # Streamlit says twice, said once.
    assert table["exact"] == {
        "Choose an option": t("choose", "en"),
        "Select...": t("choose", "en"),
        "Clear entry": "Clear value",
        "Type to search": "Search",
        "file upload": "Upload",
    }


def test_css_strings_cannot_leave_their_rule() -> None:
    assert streamlit_text.css_string("5 Mo au plus") == '"5 Mo au plus"'
    hostile = streamlit_text.css_string('x" } body { display:none } </style><script>')
    assert '"' not in hostile[1:-1]
    assert "<" not in hostile
    assert "}" not in hostile
    assert "\\22 " in hostile
    assert "\\3c " in hostile


@pytest.mark.parametrize("lang", LANGS)
def test_the_uploader_says_liens_limit_not_streamlits(lang: str) -> None:
    html = streamlit_text.page_html(lang)
    limit = t("st_upload_limit", lang, limit=MAX_UPLOAD_MB)
    assert streamlit_text.css_string(limit) in html
    assert str(2 * MAX_UPLOAD_MB) not in limit


def test_the_script_gets_the_table_and_nothing_can_close_it() -> None:
    html = streamlit_text.page_html("nl")
    data = script_data(html)
    assert data == json.loads(json.dumps(streamlit_text.table("nl")))
    assert html.count("</script>") == 1


def test_every_page_head_holds_the_language_the_keyboard_and_streamlits_texts() -> None:
    html = navigation.page_html("nl")
    assert 'document.documentElement.lang = "nl"' in html
    assert t("skip_to_content", "nl") in html
    assert t("st_no_results", "nl") in html
    assert "data-collapsed" in html  # the folded sidebar out of the Tab order
    assert navigation.page_html("xx") == navigation.page_html("fr")
