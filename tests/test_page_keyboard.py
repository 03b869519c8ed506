"""The keyboard's page head (lien.ui.keyboard): its skip links in the visitor's language, and the
names it gives the data grids. tests/browser/test_keyboard.py follows the keyboard in a browser."""

from __future__ import annotations

import pytest

from lien.i18n import LANGS, t
from lien.ui import keyboard
from tests.support.page_head import script_data


@pytest.mark.parametrize("lang", LANGS)
def test_the_map_page_has_two_skip_links_and_the_others_one(lang: str) -> None:
    head = keyboard.page_html(lang, (keyboard.RESULTS, keyboard.TAKE_AWAY))
    data = script_data(head)
    assert data["label"] == t("skip_links", lang)
    assert data["links"] == [
        {"target": "results", "label": t("skip_to_results", lang)},
        {"target": "take_away", "label": t("skip_to_take_away", lang)},
    ]
    other = script_data(keyboard.page_html(lang))
    assert other["links"] == [{"target": "main", "label": t("skip_to_content", lang)}]


def test_a_grids_name_is_escaped() -> None:
    marker = keyboard.grid_marker('Sites "<b>" & co')
    assert marker == '<span hidden data-lien-grid="Sites &quot;&lt;b&gt;&quot; &amp; co"></span>'


def test_no_label_can_close_the_script(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(keyboard, "t", lambda key, lang: "</script><b>")
    head = keyboard.page_html("fr")
    assert head.count("</script>") == 1
    assert script_data(head)["label"] == "</script><b>"


def test_the_folded_sidebar_and_streamlits_own_skip_link_leave_the_tab_order() -> None:
    head = keyboard.page_html("fr")
    assert '[data-testid="stSidebar"][data-collapsed="true"] *' in head
    assert '[data-testid="stSkipToContent"] { display: none !important; }' in head
    assert f"outline: 3px solid {keyboard.FOCUS_COLOUR}" in head
