"""The "use my location" button: the browser's geolocation, as a small Streamlit component.

The PyPI package streamlit-geolocation was the first choice; it was left because its button has no
text (an icon only, nothing for a screen reader), its key is fixed, and a refusal never reaches
Python, so the page could not say what happened. This component is one HTML file with no library
(lien/ui/buttons/index.html, shared with lien.ui.reached's button, whose look it keeps): a labelled
button whose value is {"latitude", "longitude", "accuracy", "at"} or
{"error": "denied" | "unavailable" | "timeout" | "insecure", "at"}.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit.components.v1 as components

# Lien's buttons in a component frame: one HTML file, told which button it is by `kind`.
BUTTONS_FRAME = Path(__file__).with_name("buttons")

_component = components.declare_component("lien_geolocate", path=str(BUTTONS_FRAME))
# Why the browser gave no position, as the button says it; anything else it might send reads as
# "unavailable".
ERRORS: tuple[str, ...] = ("denied", "insecure", "timeout", "unavailable")


@dataclass(frozen=True)
class Answer:
    """The button's answer, checked: a position (latitude, longitude), or why there is none."""

    latitude: float | None = None
    longitude: float | None = None
    error: str = ""


def _degrees(value: Any, limit: float) -> float | None:
    """A coordinate sent as a JSON number within ±limit; None for anything else (a string, a
    boolean, NaN, an infinity, a number out of range)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    # Compared before converting: an integer of 400 digits has no float.
    if isinstance(value, float) and not math.isfinite(value) or not -limit <= value <= limit:
        return None
    return float(value)


def read_answer(value: Any) -> Answer:
    """What the browser's answer means. The frame runs in the visitor's browser, so the value is
    untrusted: whatever is not a position in degrees or a known error is "unavailable"."""
    if not isinstance(value, dict):
        return Answer(error="unavailable")
    error = value.get("error")
    if error is not None:
        return Answer(error=error if isinstance(error, str) and error in ERRORS else "unavailable")
    lat, lon = _degrees(value.get("latitude"), 90.0), _degrees(value.get("longitude"), 180.0)
    if lat is None or lon is None:
        return Answer(error="unavailable")
    return Answer(lat, lon)


def geolocate_button(label: str, busy: str, lang: str, key: str) -> dict[str, Any] | None:
    """Draw the button; the browser's last answer (a position or an error), or None."""
    value = _component(kind="locate", label=label, busy=busy, lang=lang, key=key, default=None)
    return value if isinstance(value, dict) else None
