"""Data written into the map's JavaScript: JSON that can't close its script nor run as Jinja."""

from __future__ import annotations

import json
import re
from typing import Any

# branca renders each element's output as a Jinja template a second time: "{{ 7*7 }}" in a site's
# name would run on the server. In JSON, "{{", "{%" and "{#" only occur inside strings, where
# "\u007b" is the same "{".
_JINJA_OPEN = re.compile(r"\{(?=[{%#])")


def script_json(value: Any) -> str:
    """JSON safe inside a <script> element (no '</' can close it) and inert to Jinja."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    return _JINJA_OPEN.sub(r"\\u007b", text)
