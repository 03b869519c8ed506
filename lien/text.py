"""Text normalisation shared by the gazetteer, the filters and the loader."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SEPARATORS = re.compile(r"[\s\-‐‑–—'’`´.,;:/()\"]+")
# Combining marks (accents once NFKD has split them off); a regex is far faster than a loop.
_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower-case, strip accents and turn punctuation into single spaces: 'Liège' -> 'liege'."""
    bare = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
    return _SEPARATORS.sub(" ", bare.casefold()).strip()


# Links, images, emphasis, code, HTML, tables, maths and autolinks ("http:"); '.' and '-' are left
# alone: at worst they make a list, and escaping them would litter every file name.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#!<>|~$:])")


def markdown_escape(text: str) -> str:
    """Text shown literally by a Markdown renderer: no links, images, emphasis or HTML from it."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))
