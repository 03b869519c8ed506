"""The "use my location" button: the browser's geolocation, as a small Streamlit component.

The PyPI package streamlit-geolocation was the first choice; it was left because its button has no
text (an icon only, nothing for a screen reader), its key is fixed, and a refusal never reaches
Python, so the page could not say what happened. This component is one HTML file with no library
(lien/ui/buttons/index.html, shared with lien.ui.reached's button, whose look it keeps): a labelled
button whose value is {"latitude", "longitude", "accuracy", "at"} or
{"error": "denied" | "unavailable" | "timeout" | "insecure", "at"}.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit.components.v1 as components

# Lien's buttons in a component frame: one HTML file, told which button it is by `kind`.
BUTTONS_FRAME = Path(__file__).with_name("buttons")

_component = components.declare_component("lien_geolocate", path=str(BUTTONS_FRAME))


def geolocate_button(label: str, busy: str, lang: str, key: str) -> dict[str, Any] | None:
    """Draw the button; the browser's last answer (a position or an error), or None."""
    value = _component(kind="locate", label=label, busy=busy, lang=lang, key=key, default=None)
    return value if isinstance(value, dict) else None
