"""Reading what a page head (lien.ui.navigation.page_html and its parts) hands its scripts."""

from __future__ import annotations

import json


def script_data(html: str) -> dict[str, object]:
    """The JSON that the last script of `html` is called with: `(function (data) {…})(JSON);`."""
    call = html.rsplit("})(", 1)[1].split(");</script>", 1)[0]
    data: dict[str, object] = json.loads(call)
    return data
