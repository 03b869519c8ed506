"""The building blocks of Lien's PDFs (fpdf2 with HarfBuzz shaping): the Noto fonts that cover
the twelve languages' scripts, an A4 document that writes right to left where the language does,
text cleaned to what those fonts draw, the shared page pieces (styles, the sources line, the
footer) and a small table drawer. No page layout here: lien.outputs.handout and
lien.outputs.summary lay them out, from this one home of what both PDFs share, so that they can't
drift apart. The map of Belgium is lien.outputs.pdf_map's, the QR code lien.outputs.qr's.

Why fpdf2: it shapes with HarfBuzz (joined Arabic letters), orders right-to-left lines with the
Unicode bidirectional algorithm, subsets each font into the file and maps every glyph back to
the letters it came from, so that text copied from the PDF is real letters, not presentation
forms (reportlab's right-to-left support needs rlbidi, which no package registry here has).
"""

from __future__ import annotations

import datetime
import logging
import math
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
from fpdf import FPDF

from lien import coverage, i18n
from lien.display import label_sep as label_sep  # re-exported: the PDFs name it here
from lien.i18n import normalise_lang, t, tn
from lien.outputs.palette import BLACK, GREY, rgb

log = logging.getLogger("lien.pdf")

MM = 72 / 25.4  # points per millimetre: the documents measure in points
PAGE_W, PAGE_H = 595.28, 841.89  # A4
MARGIN = 14 * MM
BOTTOM = MARGIN + 4 * MM  # room for the footer
MAX_FIELD = 300  # characters per printed cell; a 5,000-character cell would fill a page
MAX_SOURCES = 5  # documents named in a header; the rest are counted
MAX_SOURCE_NAME = 100  # characters of a document's name there
MAX_URL = 2_000  # printed URL characters; the app's own URLs stay far below
REPLACEMENT = "?"

# --- fonts -------------------------------------------------------------------------------------

# Debian's fonts-noto-core (installed by .ci/run, checked by `make`); LIEN_FONTS points elsewhere.
FONT_DIRS = ("/usr/share/fonts/truetype/noto",)
# family -> (file stem, the styles it has); a missing italic is drawn upright.
FAMILIES = {
    "latin": ("NotoSans", ("Regular", "Bold", "Italic", "BoldItalic")),  # Latin, Cyrillic
    "arabic": ("NotoSansArabic", ("Regular", "Bold")),  # ar, fa, ps
    "ethiopic": ("NotoSansEthiopic", ("Regular", "Bold")),  # ti
    "math": ("NotoSansMath", ("Regular",)),  # ≈ − → in distances and notes
}
SCRIPT_FAMILY = {"ar": "arabic", "fa": "arabic", "ps": "arabic", "ti": "ethiopic"}
_STYLE_FILES = {"": "Regular", "B": "Bold", "I": "Italic", "BI": "BoldItalic"}


# What fpdf2's built-in Helvetica draws (Latin-1), when the Noto fonts are missing.
CORE_CHARACTERS = "".join(chr(c) for c in (*range(0x20, 0x7F), *range(0xA0, 0x100)))


class MissingFontsError(RuntimeError):
    """The Noto fonts the PDFs print with are not on this machine."""


def _font_dirs() -> list[Path]:
    extra = os.environ.get("LIEN_FONTS", "")
    return [Path(d) for d in (*extra.split(os.pathsep), *FONT_DIRS) if d]


@lru_cache(maxsize=1)
def font_files() -> dict[str, dict[str, Path]]:
    """Each family's file per fpdf2 style ('', 'B', 'I', 'BI'), or MissingFontsError naming the
    first missing file."""
    out: dict[str, dict[str, Path]] = {}
    for family, (stem, available) in FAMILIES.items():
        styles: dict[str, Path] = {}
        for style, weight in _STYLE_FILES.items():
            chosen = weight if weight in available else weight.replace("Italic", "") or "Regular"
            chosen = chosen if chosen in available else "Regular"
            name = f"{stem}-{chosen}.ttf"
            found = next((d / name for d in _font_dirs() if (d / name).is_file()), None)
            if found is None:
                raise MissingFontsError(
                    f"{name} not found in {', '.join(map(str, _font_dirs()))}: "
                    "install Debian's fonts-noto-core (apt install fonts-noto-core) or set "
                    "LIEN_FONTS to a folder that has it"
                )
            styles[style] = found
        out[family] = styles
    return out


@lru_cache(maxsize=1)
def fonts_found() -> bool:
    """Whether the Noto fonts are here; without them the PDFs fall back to Helvetica (Latin
    only, the rest printed as "?" and said so), and the log says how to install them."""
    try:
        font_files()
    except MissingFontsError as missing:
        log.warning("PDFs print in Helvetica, Latin letters only: %s", missing)
        return False
    return True


@lru_cache(maxsize=1)
def _covered() -> frozenset[int]:
    """The code points some family draws (their regular faces: the bold ones cover the same)."""
    from fontTools.ttLib import TTFont

    if not fonts_found():
        return frozenset(ord(ch) for ch in CORE_CHARACTERS)
    points: set[int] = set()
    for styles in font_files().values():
        points |= set(TTFont(styles[""], lazy=True).getBestCmap())
    return frozenset(points)


# --- text --------------------------------------------------------------------------------------

# Markers for bold and italic in fpdf2's markdown: control characters that cleaned text never
# holds (printable() drops them), so a name like "**x**" or "[a](b)" prints as written.
BOLD, ITALIC = "\x0e\x0f", "\x10\x11"
_KEEP = {"\u200c", "\u200d"}  # joiners: Persian writes with the zero-width non-joiner
# Arabic's optional vowel marks (tanwin, harakat, shadda, sukun): printed unvocalised, as
# newspapers and signs are. Drawn, each is a glyph raised above or below its letter, and PDFium
# (Chromium's viewer) then copies the line as two lines in the wrong order ("ّ اجع أي … لم ير"
# for "لم يراجع أيّ …"). The screen keeps them.
_VOWEL_MARKS = re.compile("[\u064b-\u0652]")
_INVISIBLE = ("Cc", "Cf", "Cs", "Co", "Cn")  # controls, format marks, surrogates, unassigned
# What the fonts lack, as the nearest sign they have: the coverage matrix's "✕" becomes "×".
_NEAREST = {"✕": "×", "⌘": "*", "≠": "!=", "≤": "<=", "≥": ">=", "≈": "~", "—": "-", "–": "-"}
_NEAREST.update({"’": "'", "‘": "'", "“": '"', "”": '"', "„": '"', "…": "...", "€": "EUR"})


_RTL_SCRIPT = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")


def _rtl(code: int) -> bool:
    """Whether a character is written right to left (Arabic letters, Hebrew) or a mark on one."""
    return unicodedata.bidirectional(chr(code)) in ("R", "AL", "NSM")


def bold(text: str) -> str:
    return f"{BOLD}{text}{BOLD}" if text else ""


def italic(text: str) -> str:
    return f"{ITALIC}{text}{ITALIC}" if text else ""


@lru_cache(maxsize=8192)
def printable(text: str) -> str:
    """`text` in characters the fonts draw, without controls or bidirectional marks from the
    data (a stray RLO would reverse the rest of a line): others folded ('ﬁ' -> 'fi'), replaced
    by the nearest sign, or by '?' once per run."""
    text = _VOWEL_MARKS.sub("", unicodedata.normalize("NFC", text))
    covered = _covered()
    out: list[str] = []
    for ch in text:
        if ch in "\t\n\r" or unicodedata.category(ch) == "Zs":
            out.append(" ")  # U+202F and other spaces stay spaces
        elif ch in _KEEP:
            out.append(ch)
        elif unicodedata.category(ch) in _INVISIBLE:
            continue
        elif ord(ch) in covered:
            out.append(ch)
        elif ch in _NEAREST:
            out.append(_NEAREST[ch])
        else:
            base = "".join(
                c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c)
            )
            if base and all(ord(c) in covered for c in base):
                out.append(base)
            elif not out or out[-1] != REPLACEMENT:
                out.append(REPLACEMENT)  # one '?' per run, not '?????' for a word
    return "".join(out)


def cell(value: Any, limit: int = MAX_FIELD) -> str:
    """A frame cell as trimmed text of at most `limit` characters; NaN, None and NA are empty."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = str(value).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class Writer:
    """Turns data into printable text and remembers whether a character was replaced."""

    lang: str
    replaced: bool = False

    def plain(self, value: Any, limit: int = MAX_FIELD) -> str:
        """Printable text of at most `limit` characters."""
        raw = cell(value, limit)
        safe = printable(raw)
        if safe.count(REPLACEMENT) > raw.count(REPLACEMENT):
            self.replaced = True
        return safe

    def ltr(self, value: Any, limit: int = MAX_FIELD) -> str:
        """A phone number, address, e-mail or URL: kept left to right inside right-to-left
        text ("02 533 39 84", never "84 39 533 02")."""
        return i18n.left_to_right(self.plain(value, limit), self.lang)

    def t(self, key: str, **values: object) -> str:
        """An interface text (lien.i18n) filled with `values`."""
        return printable(t(key, self.lang, **{k: self.plain(v) for k, v in values.items()}))

    def machine_note(self) -> list[str]:
        """'Machine translation: no fluent speaker has reviewed …', in the document's language,
        when no fluent speaker has reviewed all of its texts (as every page says it)."""
        return [self.t("machine_translated")] if i18n.reviewed_share(self.lang) < 1 else []

    def tn(self, key: str, count: int, /, **values: object) -> str:
        """The form of an interface text for `count`, filled with `values`."""
        return printable(tn(key, count, self.lang, **{k: self.plain(v) for k, v in values.items()}))


def sources_line(known: coverage.Sources, w: Writer) -> str:
    """Sources: brochure …, June 2016; …. Source dates: 2016-06, undated. Check …"""
    docs = known.documents
    named = [
        t(coverage.KNOWN_SOURCES[d], w.lang)
        if d in coverage.KNOWN_SOURCES
        else w.plain(d, MAX_SOURCE_NAME)
        for d in docs[:MAX_SOURCES]
    ]
    if len(docs) > MAX_SOURCES:
        named.append(tn("handout_more_sources", len(docs) - MAX_SOURCES, w.lang))
    shown = [w.plain(d) for d in known.dates] + ([t("undated", w.lang)] if known.undated else [])
    parts = []
    if named:
        # Each name is bounded, not the list: "and 27 more" is never cut off.
        parts.append(printable(t("handout_sources", w.lang, sources="; ".join(named))))
    if shown:
        label = t("m_dates", w.lang)
        parts.append(printable(f"{label}{label_sep(w.lang)}{', '.join(shown)}."))
    parts.append(w.t("handout_check"))
    return " ".join(parts)


# --- styles and the document -------------------------------------------------------------------


@dataclass(frozen=True)
class Style:
    """How a block of text is set: size and line height in points, weight, colour, alignment
    ('start' is the reading side: left, or right in Arabic), space around, a filled box."""

    size: float
    leading: float
    bold: bool = False
    italic: bool = False
    colour: str = BLACK
    align: str = "start"
    before: float = 0.0
    after: float = 0.0
    fill: str | None = None
    border: str | None = None
    pad: float = 0.0
    indent: float = 0.0  # on the reading side
    # A text in a left-to-right language inside a right-to-left document (a record's French
    # original): its own left-to-right paragraph, so that its words and numbers keep their order
    # when it wraps (fpdf2 orders a paragraph before it breaks its lines).
    ltr: bool = False


STYLES = {
    "title": Style(15, 18, bold=True, after=2),
    "subtitle": Style(10.5, 13, after=3),
    "meta": Style(8, 10, colour=GREY),
    "note": Style(7.5, 9.5, italic=True, colour=GREY, before=2),
    "empty": Style(11, 14, bold=True, before=8),
}


class Document(FPDF):
    """An A4 page in `lang`: Noto fonts for its script (the others as fallbacks, so a name in
    another script still prints), HarfBuzz shaping, right to left where the language writes so,
    'Lien · date' and the page number at the foot of each page."""

    # Bold and italic markers no data can hold; no strike-through, underline, escape or links.
    MARKDOWN_BOLD_MARKER = BOLD
    MARKDOWN_ITALICS_MARKER = ITALIC
    MARKDOWN_STRIKETHROUGH_MARKER = "\x12\x13"
    MARKDOWN_UNDERLINE_MARKER = "\x14\x15"
    MARKDOWN_MARKERS = (BOLD, ITALIC, "\x12\x13", "\x14\x15")
    MARKDOWN_ESCAPE_CHARACTER = "\x16"
    MARKDOWN_LINK_REGEX = re.compile(r"(?!)")  # never matches

    def __init__(self, lang: str, title: str, subject: str, day: datetime.date) -> None:
        super().__init__(orientation="portrait", unit="pt", format="A4")
        self.lang = normalise_lang(lang)
        self.day = day
        self.rtl = i18n.direction(self.lang) == "rtl"
        self.scale = 1.0  # sizes shrink together when a page's content would overflow
        self.str_alias_nb_pages = ""  # "{nb}" in a name prints as written
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(False)  # the layouts place every block themselves
        self.c_margin = 0
        if fonts_found():
            self.family = SCRIPT_FAMILY.get(self.lang, "latin")
            for family, styles in font_files().items():
                for style, path in styles.items():
                    self.add_font(family, style, str(path))
            self.set_fallback_fonts([f for f in FAMILIES if f != self.family], exact_match=False)
            self.shape(True)
        else:
            self.family = "helvetica"
        self.set_lang(self.lang)
        self.set_title(printable(title))
        self.set_subject(printable(subject))
        self.set_author("Lien")
        self.set_creator("Lien")
        self.set_font(self.family, size=10)
        self.add_page()  # measuring text needs a page; layouts start on this one

    def shape(self, needed: bool) -> None:
        """Shape text with HarfBuzz and order it by the bidirectional algorithm, or, when no
        text of the document needs it (no right-to-left script), measure and draw it directly:
        several times faster on a long handout, and the same letters."""
        if self.family == "helvetica":
            return  # the built-in font: no shaping
        if needed or self.rtl:
            self.set_text_shaping(use_shaping_engine=True, direction="rtl" if self.rtl else "ltr")
        else:
            self.set_text_shaping(False)

    @contextmanager
    def _paragraph(self, style: Style) -> Iterator[None]:
        """A left-to-right paragraph for a `ltr` style in a right-to-left document."""
        if not (style.ltr and self.rtl and self.family != "helvetica"):
            yield
            return
        self.set_text_shaping(use_shaping_engine=True, direction="ltr")
        try:
            yield
        finally:
            self.set_text_shaping(use_shaping_engine=True, direction="rtl")

    def shape_for(self, texts: Iterable[str]) -> None:
        """Shape only if one of `texts` is written right to left (Arabic script, Hebrew)."""
        self.shape(any(_RTL_SCRIPT.search(text) for text in texts))

    @property
    def width(self) -> float:
        """The text width between the margins."""
        return PAGE_W - 2 * MARGIN

    @property
    def bottom(self) -> float:
        """The lowest y a block may reach."""
        return PAGE_H - BOTTOM

    def align_of(self, style: Style) -> str:
        start, end = ("R", "L") if self.rtl else ("L", "R")
        return {"start": start, "end": end, "center": "C"}[style.align]

    def use(self, style: Style) -> None:
        weight = ("B" if style.bold else "") + ("I" if style.italic else "")
        self.set_font(self.family, weight, style.size * self.scale)
        self.set_text_color(*rgb(style.colour))

    def _box(self, style: Style, x: float, width: float) -> tuple[float, float]:
        """The text's x and width inside a block: padding and the indent on the reading side."""
        pad, indent = style.pad * self.scale, style.indent * self.scale
        return (x + pad + (0 if self.rtl else indent), width - 2 * pad - indent)

    def height_of(self, text: str, style: Style, width: float) -> float:
        """The height `text` takes in `style` in a block `width` wide, space around included."""
        self.use(style)
        _, inner = self._box(style, 0, width)
        with self._paragraph(style):
            lines = self.multi_cell(
                inner,
                style.leading * self.scale,
                text or " ",
                markdown=True,
                dry_run=True,
                output="LINES",
            )
        assert isinstance(lines, list)  # output="LINES": the lines the text wraps into
        body = len(lines) * style.leading * self.scale + 2 * style.pad * self.scale
        return (style.before + style.after) * self.scale + body

    def block(self, text: str, style: Style, x: float | None = None, width: float = 0) -> float:
        """Write `text` at (x, the current y), `width` wide (the text width by default); the y
        moves below it. Returns the height used."""
        x = self.l_margin if x is None else x
        width = width or self.width
        start = self.get_y()
        top = start + style.before * self.scale
        if style.fill or style.border:
            # Only a box needs its height before its text is drawn.
            box_h = self.height_of(text, style, width) - (style.before + style.after) * self.scale
            if style.fill:
                self.set_fill_color(*rgb(style.fill))
            if style.border:
                self.set_draw_color(*rgb(style.border))
                self.set_line_width(0.6)
            mode = ("F" if style.fill else "") + ("D" if style.border else "")
            self.rect(x, top, width, box_h, style=mode)
        self.use(style)
        text_x, inner = self._box(style, x, width)
        self.set_xy(text_x, top + style.pad * self.scale)
        with self._paragraph(style):
            self.multi_cell(
                inner,
                style.leading * self.scale,
                text or " ",
                markdown=True,
                align=self.align_of(style),
                new_x="LEFT",
                new_y="NEXT",
            )
        end = self.get_y() + (style.pad + style.after) * self.scale
        self.set_xy(x, end)
        return end - start

    def normalize_text(self, text: str) -> str:
        """With the built-in Helvetica (no Noto fonts), what Latin-1 lacks: direction marks
        dropped, the rest "?" (printable() has already said so for the data)."""
        if self.family == "helvetica":
            text = "".join(
                ch if ord(ch) < 256 else "" if unicodedata.category(ch) == "Cf" else REPLACEMENT
                for ch in text
            )
        return super().normalize_text(text)

    def output(self, *args: Any, **kwargs: Any) -> Any:
        """The PDF, with each right-to-left ligature ("لا", one glyph for two letters) mapped
        back to its letters in the order PDF readers expect: PDFium (Chromium's viewer) and
        poppler reverse a right-to-left run glyph by glyph, letters of a ligature included, so
        the map holds them reversed and a copied "اللاجئين" reads as written."""
        for font in self.fonts.values():
            subset = getattr(font, "subset", None)
            for glyph, _ in subset.items() if subset is not None else ():
                codes = getattr(glyph, "unicode", None)
                if isinstance(codes, tuple) and len(codes) > 1 and all(map(_rtl, codes)):
                    glyph.unicode = codes[::-1]
        return super().output(*args, **kwargs)

    def footer(self) -> None:
        """'Lien · date' on the reading side, the page number on the other."""
        style = Style(7, 9, colour=GREY)
        self.use(style)
        y = PAGE_H - 8 * MM - 7
        # "Lien" isolated: in Arabic its Latin letters would otherwise carry the date with them.
        lien = i18n.left_to_right("Lien", self.lang)
        start = f"{lien} · {printable(i18n.date(self.day, self.lang))}"
        end = printable(t("handout_page", self.lang, page=self.page_no()))
        for text, side in ((start, "start"), (end, "end")):
            self.set_xy(MARGIN, y)
            self.cell(self.width, 9, text, align=self.align_of(replace(style, align=side)))
