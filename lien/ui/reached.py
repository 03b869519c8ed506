"""Charts below the first screen, drawn when the visitor reaches them.

A small Streamlit component (lien/ui/buttons/index.html, the frame of "use my location" too): a
labelled button that answers True when it comes within a screen's height of the visitor's window,
gets the keyboard's focus, or is pressed. Vega drew the coverage page's four charts in one batch,
so the first one waited for the three below it (docs/performance.md).
"""

from __future__ import annotations

import streamlit.components.v1 as components

from lien.ui.geolocate import BUTTONS_FRAME

_component = components.declare_component("lien_reached", path=str(BUTTONS_FRAME))


def reached_button(label: str, lang: str, key: str) -> bool:
    """Draw the button; True once the visitor has reached (or pressed) it."""
    return _component(kind="reached", label=label, lang=lang, key=key, default=False) is True
