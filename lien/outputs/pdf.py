"""The building blocks of Lien's PDFs (reportlab): text Helvetica can draw, the shared page pieces
(A4 margins, styles, a writer of escaped text, the sources line, the footer) and a vector map of
Belgium with the sites as dots; the QR code is lien.outputs.qr's. No page layout here:
lien.outputs.handout and lien.outputs.summary lay them out, from this one home of what both PDFs
share, so that they can't drift apart.
"""

from __future__ import annotations

import datetime
import math
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd
from reportlab.graphics.shapes import Circle, Drawing, Path, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.rl_codecs import RL_Codecs
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable

from lien import coverage, i18n, taxonomy
from lien.display import label_sep as label_sep  # re-exported: the PDFs name it here
from lien.geo.areas import PROVINCE_CODES, province_geojson, province_names
from lien.i18n import normalise_lang, t, tn
from lien.outputs.palette import BLACK, GREY, LAND_EDGE, LAND_FILL, LAND_LABEL
from lien.schema import APPROXIMATE, located

# pdfmetrics registers reportlab's "winansi" codec on import too; _drawable must not rely on that.
RL_Codecs.register()

MAX_DOTS = 3_000  # map dots: beyond this the PDF grows and viewers slow down for no gain
MAX_FIELD = 300  # characters per printed cell; a 5,000-character cell would fill a page
REPLACEMENT = "?"
_INVISIBLE = ("Cc", "Cf", "Cs", "Co", "Cn")  # controls, format marks, surrogates, unassigned
MAP_W = 106 * mm
LAT0 = 50.5  # Belgium's mid latitude: x = lon·cos(LAT0) keeps shapes undistorted


# --- text ------------------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _drawable(ch: str) -> bool:
    """Whether Helvetica can draw `ch`: reportlab's standard fonts use the WinAnsi encoding."""
    if ch < " " or ch == "\x7f":
        return False
    try:
        # reportlab's own codec, so the test matches exactly what it will draw.
        ch.encode("winansi")
    except UnicodeEncodeError:
        return False
    return True


# Signs the interface itself prints, with the nearest WinAnsi has: "≈ 5 km" becomes "~ 5 km",
# the coverage matrix's gap mark "✕" becomes "×".
_NEAREST = {"≈": "~", "≠": "!=", "≤": "<=", "≥": ">=", "✕": "×"}


@lru_cache(maxsize=8192)
def printable(text: str) -> str:
    """`text` in characters Helvetica can draw: others folded ('ő' -> 'o') or replaced by '?'."""
    text = unicodedata.normalize("NFC", text)  # 'e' + U+0301 -> 'é', which WinAnsi has
    if all(_drawable(ch) for ch in text):
        return text
    out: list[str] = []
    for ch in text:
        if _drawable(ch):
            out.append(ch)
        elif ch in "\t\n\r" or unicodedata.category(ch) == "Zs":
            out.append(" ")  # U+202F and other spaces stay spaces
        elif unicodedata.combining(ch) or unicodedata.category(ch) in _INVISIBLE:
            continue  # invisible marks and controls carry nothing printable
        elif ch in _NEAREST:
            out.append(_NEAREST[ch])
        else:
            base = "".join(
                c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c)
            )
            if base and all(_drawable(c) for c in base):
                out.append(base)  # 'ő' -> 'o', 'ﬁ' -> 'fi', '−' stays a replacement
            elif not out or out[-1] != REPLACEMENT:
                # One '?' per run: a word in another script would otherwise print as '?????'.
                out.append(REPLACEMENT)
    return "".join(out)


def cell(value: Any, limit: int = MAX_FIELD) -> str:
    """A frame cell as trimmed text of at most `limit` characters; NaN, None and NA are empty."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = str(value).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- page ----------------------------------------------------------------------------------

PAGE_W, PAGE_H = A4
MARGIN = 14 * mm
MAX_SOURCES = 5  # documents named in a header; the rest are counted
MAX_SOURCE_NAME = 100  # characters of a document's name there
MAX_URL = 2_000  # printed URL characters; the app's own URLs stay far below

# The styles every Lien PDF shares; each document adds its own.
STYLES = {
    "title": ParagraphStyle(
        "title", fontName="Helvetica-Bold", fontSize=15, leading=18, textColor=BLACK, spaceAfter=2
    ),
    "subtitle": ParagraphStyle(
        "subtitle", fontName="Helvetica", fontSize=10.5, leading=13, textColor=BLACK, spaceAfter=3
    ),
    "meta": ParagraphStyle("meta", fontName="Helvetica", fontSize=8, leading=10, textColor=GREY),
    "note": ParagraphStyle(
        "note",
        fontName="Helvetica-Oblique",
        fontSize=7.5,
        leading=9.5,
        textColor=GREY,
        spaceBefore=2,
    ),
    "empty": ParagraphStyle(
        "empty", fontName="Helvetica-Bold", fontSize=11, leading=14, spaceBefore=8
    ),
}


@dataclass
class Writer:
    """Turns data into safe Paragraph markup and remembers whether a character was replaced."""

    lang: str
    replaced: bool = False

    def plain(self, value: Any, limit: int = MAX_FIELD) -> str:
        """Printable text of at most `limit` characters, not yet escaped."""
        raw = cell(value, limit)
        safe = printable(raw)
        if safe.count(REPLACEMENT) > raw.count(REPLACEMENT):
            self.replaced = True
        return safe

    def text(self, value: Any, limit: int = MAX_FIELD) -> str:
        """Printable, escaped text: a name like '<b>&' shows literally and cannot break markup."""
        return escape(self.plain(value, limit))

    def t(self, key: str, **values: object) -> str:
        """An interface text (handout or lien.i18n) filled with `values`, as escaped markup."""
        filled = t(key, self.lang, **{k: self.plain(v) for k, v in values.items()})
        return escape(printable(filled))

    def tn(self, key: str, count: int, /, **values: object) -> str:
        """The form of an interface text for `count`, filled with `values`, as escaped markup."""
        filled = tn(key, count, self.lang, **{k: self.plain(v) for k, v in values.items()})
        return escape(printable(filled))


def sources_line(known: coverage.Sources, w: Writer) -> str:
    """Sources: brochure …, June 2016; …. Source dates: 2016-06, undated. Check … (markup)."""
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
        filled = t("handout_sources", w.lang, sources="; ".join(named))
        parts.append(escape(printable(filled)))
    if shown:
        label = t("m_dates", w.lang)
        parts.append(escape(printable(f"{label}{label_sep(w.lang)}{', '.join(shown)}.")))
    parts.append(w.t("handout_check"))
    return " ".join(parts)


def a4_document(buffer: Any, lang: str, title: str, subject: str) -> BaseDocTemplate:
    """An A4 document with Lien's margins (room for the footer) and its metadata in `lang`."""
    return BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 4 * mm,
        title=printable(title),
        author="Lien",
        subject=printable(subject),
        lang=lang,
        creator="Lien",
    )


def page_footer(lang: str, day: datetime.date) -> Callable[[Canvas, BaseDocTemplate], None]:
    """The callback that writes 'Lien · date' and the page number at the foot of each page."""

    def draw(canv: Canvas, doc: BaseDocTemplate) -> None:
        """Draw the footer on the current page."""
        canv.saveState()
        canv.setFont("Helvetica", 7)
        canv.setFillColor(GREY)
        canv.drawString(MARGIN, 8 * mm, printable(f"Lien · {i18n.date(day, lang)}"))
        canv.drawRightString(
            PAGE_W - MARGIN, 8 * mm, printable(t("handout_page", lang, page=doc.page))
        )
        canv.restoreState()

    return draw


def flowables_height(flowables: list[Flowable], width: float) -> float:
    """The height a list of flowables takes in a frame of `width`, spacing included."""
    total = 0.0
    for flowable in flowables:
        _, h = flowable.wrap(width, PAGE_H)
        total += h + flowable.getSpaceBefore() + flowable.getSpaceAfter()
    return total


# --- map -------------------------------------------------------------------------------------


def _project(lon: Any, lat: Any) -> tuple[Any, Any]:
    """Equirectangular projection in degrees of latitude, shrunk east-west by cos(LAT0)."""
    return np.asarray(lon, dtype=float) * math.cos(math.radians(LAT0)), np.asarray(lat, dtype=float)


@lru_cache(maxsize=1)
def _outlines() -> tuple[tuple[str, list[list[tuple[float, float]]], tuple[float, float]], ...]:
    """Each province's rings (projected, simplified) and a label point, computed once."""
    import shapely
    from shapely.geometry import shape

    out = []
    for feature in province_geojson()["features"]:
        # 0.003° is under half a point at the handout's scale: invisible, and far fewer vertices
        # (docs/performance.md).
        geom = shapely.simplify(shape(feature["geometry"]), 0.003, preserve_topology=True)
        polygons = list(getattr(geom, "geoms", [geom]))
        rings = []
        for polygon in polygons:
            for ring in (polygon.exterior, *polygon.interiors):
                xs, ys = _project(*np.asarray(ring.coords).T)
                rings.append(list(zip(xs.tolist(), ys.tolist(), strict=True)))
        label = geom.representative_point()
        lx, ly = _project(label.x, label.y)
        out.append(
            (
                feature["properties"].get("code", feature.get("id", "")),
                rings,
                (float(lx), float(ly)),
            )
        )
    return tuple(out)


def _extent() -> tuple[float, float, float, float]:
    """The projected bounding box of Belgium."""
    points = [p for _, rings, _ in _outlines() for ring in rings for p in ring]
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


@dataclass
class MapResult:
    """The map drawing, the categories and hollow dots it shows, and the located sites drawn."""

    drawing: Drawing
    categories: list[str] = field(default_factory=list)
    unstated: bool = False  # a dot of a site whose service is not stated
    hollow: bool = False
    located: int = 0
    drawn_sample: int = 0


def _located(sites: pd.DataFrame) -> pd.DataFrame:
    """The sites with coordinates."""
    return sites[located(sites)]


def site_map(sites: pd.DataFrame, lang: str, width: float = MAP_W) -> MapResult:
    """Province outlines and the located sites as dots coloured by category (vector, no browser)."""
    frame = _Frame.fit(width)
    drawing = Drawing(frame.width, frame.height)
    _draw_provinces(drawing, frame, lang)
    result = MapResult(drawing)
    located = _located(sites)
    result.located = len(located)
    if len(located) > MAX_DOTS:
        # A fixed seed: the same view prints the same map.
        located = located.sample(n=MAX_DOTS, random_state=0)
        result.drawn_sample = MAX_DOTS
    if located.empty:
        return result
    dots = _dots(located, frame)
    _draw_dots(drawing, dots)
    present = {d[2] for d in dots}
    result.categories = [c for c in taxonomy.category_colours() if c in present]
    result.unstated = "" in present
    result.hollow = any(d[3] for d in dots)
    return result


@dataclass(frozen=True)
class _Frame:
    """Belgium's projected extent fitted to a drawing `width` points wide, with a small pad."""

    width: float
    height: float
    x0: float
    y0: float
    scale: float
    pad: float

    @classmethod
    def fit(cls, width: float, pad: float = 4.0) -> _Frame:
        x0, y0, x1, y1 = _extent()
        scale = (width - 2 * pad) / (x1 - x0)
        return cls(width, (y1 - y0) * scale + 2 * pad, x0, y0, scale, pad)

    def to_page(self, x: Any, y: Any) -> tuple[Any, Any]:
        """Projected coordinates as points on the drawing."""
        return (
            self.pad + (np.asarray(x) - self.x0) * self.scale,
            self.pad + (np.asarray(y) - self.y0) * self.scale,
        )


def _draw_provinces(drawing: Drawing, frame: _Frame, lang: str) -> None:
    """The province outlines, and their names but Brussels'."""
    names = province_names(normalise_lang(lang))
    for _code, rings, _ in _outlines():
        path = Path(
            fillColor=LAND_FILL,
            strokeColor=LAND_EDGE,
            strokeWidth=0.4,
            fillMode=0,
        )  # even-odd: enclaves and holes stay holes
        for ring in rings:
            px, py = frame.to_page([p[0] for p in ring], [p[1] for p in ring])
            path.moveTo(float(px[0]), float(py[0]))
            for x, y in zip(px[1:].tolist(), py[1:].tolist(), strict=True):
                path.lineTo(x, y)
            path.closePath()
        drawing.add(path)
    for code, _, (lx, ly) in _outlines():
        # Brussels is too small to hold its name beside its dots; the others orient the reader.
        if code == PROVINCE_CODES[0]:
            continue
        px, py = frame.to_page(lx, ly)
        drawing.add(
            String(
                float(px),
                float(py),
                printable(names.get(code, "")),
                fontSize=6,
                fontName="Helvetica",
                fillColor=LAND_LABEL,
                textAnchor="middle",
            )
        )


def _dots(located: pd.DataFrame, frame: _Frame) -> list[tuple[float, float, str, bool]]:
    """(x, y, category, hollow) of each dot inside the drawing, one per place and kind."""
    px, py = frame.to_page(
        *_project(pd.to_numeric(located["longitude"]), pd.to_numeric(located["latitude"]))
    )
    cells = located["services"] if "services" in located else pd.Series("", index=located.index)
    cats = [taxonomy.category_of(cell(c)) for c in cells]
    precision = (
        located["coord_precision"]
        if "coord_precision" in located
        else located.get("precision", pd.Series("", index=located.index))
    )
    hollow = [cell(p) in APPROXIMATE for p in precision]
    seen: set[tuple[int, int, str, bool]] = set()
    dots = []
    for x, y, cat, empty in zip(px.tolist(), py.tolist(), cats, hollow, strict=True):
        if not (0 <= x <= frame.width and 0 <= y <= frame.height):
            continue
        key = (round(x * 2), round(y * 2), cat, empty)
        if key in seen:
            continue  # sites at one town centroid: one dot, not hundreds on top
        seen.add(key)
        dots.append((x, y, cat, empty))
    return dots


def _draw_dots(drawing: Drawing, dots: list[tuple[float, float, str, bool]]) -> None:
    """The dots, hollow for an approximate place, exact places on top (the ones a reader can
    walk to)."""
    for x, y, cat, empty in sorted(dots, key=lambda d: not d[3]):
        colour = colors.HexColor(taxonomy.category_colours().get(cat, taxonomy.UNSTATED_COLOUR))
        drawing.add(
            Circle(
                x,
                y,
                2.1,
                fillColor=colors.white if empty else colour,
                strokeColor=colour if empty else colors.white,
                strokeWidth=0.9 if empty else 0.35,
            )
        )


def legend(result: MapResult, lang: str, width: float) -> Drawing | None:
    """The categories on the map ("service not stated" too when a dot is of such a site), and the
    hollow-circle note when some place is approximate."""
    lines: list[tuple[str, str, bool]] = [
        (taxonomy.category_colours()[c], printable(taxonomy.categories().label(c, lang)), False)
        for c in result.categories
    ]
    if result.unstated:
        lines.append((taxonomy.UNSTATED_COLOUR, printable(t("service_not_stated", lang)), False))
    if result.hollow:
        lines.append(("#555555", printable(t("approximate_legend", lang)), True))
    if not lines:
        return None
    step = 10.0
    drawing = Drawing(width, step * (len(lines) + 1))
    top = drawing.height - 7
    drawing.add(String(0, top, printable(t("legend", lang)), fontName="Helvetica-Bold", fontSize=7))
    for i, (colour, label, hollow) in enumerate(lines, start=1):
        y = top - i * step
        fill = colors.HexColor(colour)
        drawing.add(
            Circle(
                4,
                y + 2.4,
                2.4,
                fillColor=colors.white if hollow else fill,
                strokeColor=fill if hollow else colors.white,
                strokeWidth=0.9,
            )
        )
        drawing.add(String(11, y, label, fontName="Helvetica", fontSize=6.5))
    return drawing
