"""Every page, run in each of the twelve languages, shows no text of another language: a string
drawn without the catalogue, or with another language's catalogue, would show one (issue 29,
item 7). Streamlit's own texts, rewritten in the browser, are tests/browser/test_widget_text.py's.

Each page runs in AppTest; every string its elements carry (text, labels, options, help, HTML)
is collected, components' arguments and scripts left out (the map's frame holds the records,
which keep their own language; a script's data is no text). A text of another language is a
fragment of one of its catalogue texts (what lies between the {fields}), of several words and at
least MIN_FRAGMENT characters, that this language's catalogue has nowhere: "Lien — " or
"GeoJSON" are every language's.
"""

from __future__ import annotations

import string
from collections.abc import Iterator
from functools import cache

import pytest
from google.protobuf.json_format import MessageToDict
from streamlit.testing.v1 import AppTest

from lien.config import ROOT
from lien.i18n import LANGS, t, translations

APP = str(ROOT / "app.py")
PAGES = {
    "map": "pages/0_Carte_Kaart_Map.py",
    "coverage": "pages/1_Couverture_Dekking_Coverage.py",
    "data": "pages/2_Donnees_Gegevens_Data.py",
    "suggest": "pages/3_Proposer_Voorstellen_Suggest.py",
    "review": "pages/4_Relecture_Beoordeling_Review.py",
}
MIN_FRAGMENT = 12


def _texts(lang: str) -> list[str]:
    """Every text of `lang`'s catalogue, each plural form too."""
    return [text for text in translations(lang)._catalog.values() if text]


def _fragments(text: str) -> Iterator[str]:
    for literal, _, _, _ in string.Formatter().parse(text):
        for line in literal.splitlines():
            # Words, not a single one: "organisation" is also a widget's key.
            if len(line.strip()) >= MIN_FRAGMENT and " " in line.strip():
                yield line.strip()


@cache
def foreign(lang: str) -> frozenset[str]:
    """The fragments of the other languages' texts that `lang`'s texts never hold."""
    own = "\n".join(_texts(lang))
    return frozenset(
        fragment
        for other in LANGS
        if other != lang
        for text in _texts(other)
        for fragment in _fragments(text)
        if fragment not in own
    )


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def shown(at: AppTest) -> list[str]:
    """Every string the page's elements carry, components' arguments left out."""
    found = []
    stack = [at._tree]
    while stack:
        node = stack.pop()
        children = getattr(node, "children", None)
        if isinstance(children, dict):
            stack.extend(children.values())
        proto = getattr(node, "proto", None)
        if proto is None or getattr(node, "type", "") == "component_instance":
            continue
        # A page's scripts carry data, not text: streamlit_text's table of Streamlit's English.
        found.extend(
            text
            for text in _strings(MessageToDict(proto))
            if "<script" not in text and not text.startswith("$$ID-")  # widgets' ids
        )
    return found


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page", list(PAGES))
def test_a_page_in_one_language_shows_no_text_of_another(page: str, lang: str) -> None:
    # Through the app, as a visitor comes: its pages are the navigation's.
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = lang
    at.run()
    if page != "map":
        at.switch_page(PAGES[page]).run()
    assert not at.exception
    texts = shown(at)
    assert len(texts) > 5
    strays = sorted({fragment for text in texts for fragment in foreign(lang) if fragment in text})
    assert strays == [], f"{page} in {lang} shows other languages' texts: {strays[:10]}"


def test_the_walk_would_see_a_text_left_in_another_language() -> None:
    french = t("tagline", "fr")
    assert any(fragment in french for fragment in foreign("ar"))
    assert not any(fragment in t("tagline", "ar") for fragment in foreign("ar"))
    assert "Lien — " not in foreign("uk")  # every language's
