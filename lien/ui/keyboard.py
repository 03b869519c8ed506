"""The keyboard's way through a page: skip links, a visible focus, no stop that leads nowhere.

Every page gets, through lien.ui.navigation.page_head:
- skip links in the visitor's language, the first stops of the page (Streamlit's own "Skip to main
  content" is English and goes to the top of the page, not to what the visitor came for): on the
  map page to the results and to the handout; each leads to a keyed container (`st.container(
  key=...)`) and puts the focus on its first heading or line;
- a clear focus ring on whatever the keyboard reaches (Streamlit's is a faint tint on the page
  links and a pale shadow on buttons);
- no stop that is hidden or says nothing: the folded sidebar's filters (off-screen on a phone), the
  headings' "Link to heading" anchors, Streamlit's main area itself (a stop with no name), and a
  data grid's scroll box; a data grid is one stop (Tab moved from cell to cell) named as its page
  names it (grid_marker).
The rules are CSS where CSS can say them, the rest keyboard.js.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

from lien.i18n import N_, t


@dataclass(frozen=True)
class Skip:
    """A skip link: the key of the container it leads to ("main": the whole page's content)
    and its text's key."""

    target: str
    label: str


TO_CONTENT = Skip("main", N_("skip_to_content"))
# The map page's containers: its results and what to take away (pages/0_Carte_Kaart_Map.py).
RESULTS = Skip("results", N_("skip_to_results"))
TAKE_AWAY = Skip("take_away", N_("skip_to_take_away"))

# Dark blue on white 8.6:1, and 6.6:1 on the sidebar's grey; a white halo inside it keeps it
# apart from a red primary button.
FOCUS_COLOUR = "#1a4fa0"

_CSS = """
/* Whatever the keyboard reaches shows a clear ring: a link, a button, the map, a grid. */
a:focus-visible, button:focus-visible, summary:focus-visible,
[tabindex]:not(input):not(textarea):not(canvas):focus-visible {
  outline: 3px solid %(colour)s !important; outline-offset: 2px !important;
  box-shadow: 0 0 0 2px #fff !important; }
/* A data grid: around its box (its canvas lies under the grid's scroller, which would hide a
   ring of its own), also when a screen reader has the focus on a cell of the table inside. */
[data-testid="stDataFrameResizable"]:has(canvas:focus-visible, canvas :focus-visible) {
  outline: 3px solid %(colour)s !important; outline-offset: 2px; }
/* A text, number or select box shows it around the whole box, a checkbox or toggle around its
   label (its own input is invisible). */
[data-testid="stTextInputRootElement"]:has(input:focus-visible),
[data-testid="stTextAreaRootElement"]:has(textarea:focus-visible),
[data-testid="stNumberInputContainer"]:has(input:focus-visible),
[data-rac][role="group"]:has(input:focus-visible),
label:has(input[type="checkbox"]:focus-visible) {
  outline: 3px solid %(colour)s !important; outline-offset: 2px; border-radius: 4px; }
/* A grid's or chart's toolbar shows on hover only: its buttons took the focus unseen (under the
   grid). Shown as on hover while one of them has it. */
[data-testid="stElementToolbar"]:has(:focus-visible) {
  opacity: 1 !important; top: -44px !important; z-index: 1 !important; }
/* A skip link's target shows where the focus landed. */
[data-lien-skip-target]:focus { outline: 3px solid %(colour)s; outline-offset: 4px; }

[data-testid="stSkipToContent"] { display: none !important; }
#lien-skip a { position: fixed; left: .5rem; top: .5rem; z-index: 1000100; padding: .6rem 1rem;
  background: #fff; color: %(colour)s; font-weight: 600; border-radius: .4rem;
  text-decoration: underline; transform: translateY(-200%%); }
#lien-skip a:focus { transform: none; }

/* The folded sidebar is off-screen: its filters are out of the Tab order and out of a screen
   reader's way until the visitor opens it. */
[data-testid="stSidebar"][data-collapsed="true"],
[data-testid="stSidebar"][data-collapsed="true"] * { visibility: hidden !important; }
/* A heading's anchor link (Streamlit's "Link to heading"): a stop on every heading, for a link
   Lien never shares. */
[data-testid="stHeaderActionElements"] { display: none !important; }
/* A grid's name (grid_marker) takes no room. */
[data-testid="stElementContainer"]:has([data-lien-grid]) { display: none; }
"""


@cache
def _script() -> str:
    source = resources.files("lien.ui").joinpath("keyboard.js")
    return source.read_text(encoding="utf-8").strip()


def page_html(lang: str, skips: tuple[Skip, ...] = (TO_CONTENT,)) -> str:
    """The style and the script of a page whose skip links are `skips`."""
    options = {
        "label": t("skip_links", lang),
        "links": [{"target": skip.target, "label": t(skip.label, lang)} for skip in skips],
    }
    data = json.dumps(options, ensure_ascii=False).replace("</", "<\\/")
    return f"<style>{_CSS % {'colour': FOCUS_COLOUR}}</style><script>{_script()}({data});</script>"


def grid_marker(name: str) -> str:
    """HTML drawn just before a data grid: keyboard.js gives the grid this name."""
    return f'<span hidden data-lien-grid="{html.escape(name, quote=True)}"></span>'
