"""Text normalisation shared by the gazetteer, the filters and the loader, and safe display of
text that came from a visitor (URL, upload, file name)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SEPARATORS = re.compile(r"[\s\-‐‑–—'’`´.,;:/()\"]+")
# Combining marks (accents once NFKD has split them off); a regex is far faster than a loop.
_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
# Control characters and invisible format characters (zero-width space and joiners, soft hyphen,
# direction marks, BOM): pasted from web pages and PDFs, they split a word without being seen.
_INVISIBLE = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u061c\u180e"
    r"\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]"
)
# Folding is memoised for the short texts that repeat (towns, names, queries); a long text is
# rare and caching it would only hold memory.
_MEMO_LENGTH = 256
# What a visitor can type into a search box, and all a place or keyword needs.
MAX_QUERY = 200


# Characters no text needs, removed from what is read (lien.ingest.tabular) and from what is
# written (lien.outputs.export): C0 controls other than tab and line breaks, DEL, C1 controls,
# lone surrogates (which no UTF encodes) and Unicode's noncharacters (U+FFFE, U+FFFF, U+FDD0…),
# which XML forbids, so that a workbook holding one is not well-formed. Zero-width joiners and
# direction marks stay: Persian and Arabic text needs them.
_NONCHARACTERS = "".join(f"\\U{plane:04X}FFFE\\U{plane:04X}FFFF" for plane in range(17))
_CONTROLS = re.compile(
    r"[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\ud800-\udfff\ufdd0-\ufdef" + _NONCHARACTERS + "]"
)
# Controls that separate lines or fields in some programs' exports (FileMaker's vertical tab):
# a space, so that "Rue Haute 1<VT>1000" does not become "Rue Haute 11000".
_SEPARATING_CONTROLS = re.compile(r"[\x0b\x0c\x1c-\x1f\x85]")


def without_controls(text: str) -> tuple[str, int]:
    """`text` without the control characters and noncharacters no text needs, and how many were
    removed or made spaces; tab and line breaks are kept. Linear in the length of `text`."""
    spaced, separating = _SEPARATING_CONTROLS.subn(" ", text)
    kept, removed = _CONTROLS.subn("", spaced)
    return kept, separating + removed


def strip_controls(text: str) -> str:
    """`text` as without_controls() gives it, without the count."""
    return without_controls(text)[0]


def strip_invisible(text: str) -> str:
    """`text` without control and zero-width characters (tab and newlines become spaces)."""
    return _INVISIBLE.sub("", text.replace("\t", " ").replace("\n", " ").replace("\r", " "))


@lru_cache(maxsize=65536)
def _fold_short(text: str) -> str:
    return _fold(text)


def _fold(text: str) -> str:
    bare = _COMBINING.sub("", unicodedata.normalize("NFKD", strip_invisible(text)))
    return _SEPARATORS.sub(" ", bare.casefold()).strip()


def fold(text: str) -> str:
    """Lower-case, strip accents and turn punctuation into single spaces: 'Liège' -> 'liege'.

    Linear in the length of `text`; invisible characters are dropped, so 'Lie\\u200bge' folds
    like 'Liege'.
    """
    return _fold_short(text) if len(text) <= _MEMO_LENGTH else _fold(text)


def clean_query(text: str, limit: int = MAX_QUERY) -> str:
    """A visitor's search text, bounded before any work: invisible characters out, `limit` chars."""
    return " ".join(strip_invisible(str(text))[: limit * 4].split())[:limit]


_BACKTICKS = re.compile(r"`+")


def markdown_literal(text: object) -> str:
    """A value from a visitor (URL, upload, file name) as a Markdown code span: shown exactly as
    written, and never a link, an e-mail, an image, emphasis or HTML.

    Backslash escapes are not enough: GitHub-flavoured Markdown (Streamlit's) forms links from
    bare "www.x.example", "https://…" and "help@x.example" after escapes are resolved, but never
    inside code. Line breaks and invisible characters become nothing or spaces.
    """
    flat = strip_invisible(str(text))
    if not flat:
        return ""
    # The fence is longer than any run of backticks inside; padding keeps an edge backtick apart
    # from the fence, and an edge space from being trimmed.
    fence = "`" * (max((len(run) for run in _BACKTICKS.findall(flat)), default=0) + 1)
    edges = flat[0] + flat[-1]
    pad = " " if "`" in edges or (edges == "  " and flat.strip()) else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_\[\]<>#!|~$])")


def markdown_escape(text: object) -> str:
    """A name from the app's own reference data (the gazetteer's "Charleroi (6000), Province du
    Hainaut") as plain Markdown text: punctuation escaped so that nothing turns bold, a heading or
    a link. Not for a visitor's text, which may hold a bare URL or e-mail that Markdown links even
    when escaped: that goes through markdown_literal."""
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", strip_invisible(str(text)))
