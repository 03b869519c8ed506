"""A link too long for Streamlit, shortened in the visitor's browser before it is lost.

Streamlit drops the whole query string of an address with more than 1,000 parameters or
512 Ki characters (streamlit.runtime.state.query_params): `?lang=en` followed by 1,000 repeated
`service=` opened the map in French with no filter, and said nothing. The page never sees such a
query, so the browser shortens it and opens the page again: each value of a parameter once, at
most MAX_VALUES + 1 of them (Lien then says it ignored the rest, as for any long list), each
key and value cut at MAX_CHARS characters, and no more parameters or characters than Streamlit
reads. The address is the one the page was opened at: Streamlit rewrites the one shown to the
filters it read (none) before this runs.
"""

from __future__ import annotations

import json

from streamlit.runtime.state.query_params import (
    CLIENT_STATE_QUERY_STRING_MAX_FIELDS,
    CLIENT_STATE_QUERY_STRING_MAX_LENGTH,
)

from lien.filters import MAX_VALUES

MAX_CHARS = 2_000  # a parameter's key or value: Lien reads at most MAX_TEXT of a text

_SCRIPT = """<script>(() => {
  const limits = %s;
  // The address the page was opened at: Streamlit may already have rewritten the one shown.
  const opened = new URL(performance.getEntriesByType("navigation")[0]?.name || location.href);
  const search = opened.search;
  if (search.length <= limits.length && search.split("&").length <= limits.fields) { return; }
  const kept = new URLSearchParams();
  const seen = new Map();
  let fields = 0, length = 1;
  for (const [key, value] of new URLSearchParams(search)) {
    const [k, v] = [key.slice(0, limits.chars), value.slice(0, limits.chars)];
    const values = seen.get(k) || new Set();
    seen.set(k, values);
    if (values.has(v) || values.size > limits.perParam) { continue; }
    const size = encodeURIComponent(k).length + encodeURIComponent(v).length + 2;
    if (fields + 1 >= limits.fields || length + size > limits.length / 2) { break; }
    values.add(v);
    kept.append(k, v);
    fields += 1;
    length += size;
  }
  window.location.replace(opened.pathname + "?" + kept.toString() + opened.hash);
})();</script>"""


def shortening_script() -> str:
    """The script every page carries (lien.ui.navigation.page_head): see the module's doc."""
    limits = {
        "fields": CLIENT_STATE_QUERY_STRING_MAX_FIELDS,
        "length": CLIENT_STATE_QUERY_STRING_MAX_LENGTH,
        "perParam": MAX_VALUES,
        "chars": MAX_CHARS,
    }
    return _SCRIPT % json.dumps(limits)
