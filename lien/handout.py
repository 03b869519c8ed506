"""A printable A4 handout (PDF) of the current view: map, QR code and the sites by service."""

from __future__ import annotations

import datetime
import io
import math
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable
from urllib.parse import quote
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd
from reportlab.graphics.barcode import qrencoder
from reportlab.graphics.shapes import Circle, Drawing, Path, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.rl_codecs import RL_Codecs
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (BaseDocTemplate, Flowable, Frame, FrameBreak, KeepInFrame,
                                KeepTogether, NextPageTemplate, PageTemplate, Paragraph, Spacer,
                                Table, TableStyle)

from lien import coverage, taxonomy
from lien.i18n import normalise_lang, t
from lien.provinces import PROVINCE_CODES, province_geojson, province_names
from lien.text import fold

# pdfmetrics registers reportlab's "winansi" codec on import too; _drawable must not rely on that.
RL_Codecs.register()

MAX_SITES = 300        # listed sites: ~20 two-column pages at most, not 5,000
MAX_DOTS = 3_000       # map dots: beyond this the PDF grows and viewers slow down for no gain
MAX_FIELD = 300        # characters per printed cell; a 5,000-character cell would fill a page
MAX_URL = 2_000        # printed URL characters; the app's own URLs stay far below
MAX_SOURCES = 5        # documents named in the header; the rest are counted
QR_LEVEL = "M"         # 15% of the code can be dirty or folded and it still scans
QR_MAX_VERSION = 25    # 117 modules: denser prints are hard to scan, so fall back to level L
REPLACEMENT = "?"
_INVISIBLE = ("Cc", "Cf", "Cs", "Co", "Cn")   # controls, format marks, surrogates, unassigned

# Known documents of data/README.md, named instead of their file names.
KNOWN_SOURCES: dict[str, str] = {
    "000_233dd5a4b08aac1c.txt": "handout_src_brochure",
    "002_9cdaa3ef5d91d647.txt": "handout_src_seso",
}

PAGE_W, PAGE_H = A4
MARGIN = 14 * mm
MAP_W = 106 * mm
SIDE_W = PAGE_W - 2 * MARGIN - MAP_W
LAT0 = 50.5            # Belgium's mid latitude: x = lon·cos(LAT0) keeps shapes undistorted
# Precisions the app draws as hollow circles (approximate places).
APPROXIMATE = frozenset({"postcode", "locality"})

_BLACK = colors.HexColor("#1A1A1A")
_GREY = colors.HexColor("#666666")
_STYLES = {
    "title": ParagraphStyle("title", fontName="Helvetica-Bold", fontSize=15, leading=18,
                            textColor=_BLACK, spaceAfter=2),
    "subtitle": ParagraphStyle("subtitle", fontName="Helvetica", fontSize=10.5, leading=13,
                               textColor=_BLACK, spaceAfter=3),
    "meta": ParagraphStyle("meta", fontName="Helvetica", fontSize=8, leading=10, textColor=_GREY),
    "note": ParagraphStyle("note", fontName="Helvetica-Oblique", fontSize=7.5, leading=9.5,
                           textColor=_GREY, spaceBefore=2),
    "scan": ParagraphStyle("scan", fontName="Helvetica-Bold", fontSize=8, leading=10,
                           alignment=TA_CENTER, spaceBefore=2),
    "url": ParagraphStyle("url", fontName="Helvetica", fontSize=5.5, leading=6.8,
                          alignment=TA_CENTER, textColor=_GREY),
    "empty": ParagraphStyle("empty", fontName="Helvetica-Bold", fontSize=11, leading=14,
                            spaceBefore=8),
    "service": ParagraphStyle("service", fontName="Helvetica-Bold", fontSize=10, leading=12.5,
                              spaceBefore=7, spaceAfter=3, backColor=colors.HexColor("#E8E8E8"),
                              leftIndent=3, rightIndent=3, borderPadding=(2, 3, 2, 3)),
    "org": ParagraphStyle("org", fontName="Helvetica-Bold", fontSize=8, leading=9.8,
                          spaceBefore=3, textColor=_BLACK),
    "entry": ParagraphStyle("entry", fontName="Helvetica", fontSize=7.5, leading=9.2,
                            leftIndent=6, spaceAfter=2.5, textColor=_BLACK),
}


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


@lru_cache(maxsize=8192)
def printable(text: str) -> str:
    """`text` in characters Helvetica can draw: others folded ('ő' -> 'o') or replaced by '?'."""
    text = unicodedata.normalize("NFC", text)   # 'e' + U+0301 -> 'é', which WinAnsi has
    if all(_drawable(ch) for ch in text):
        return text
    out: list[str] = []
    for ch in text:
        if _drawable(ch):
            out.append(ch)
        elif ch in "\t\n\r" or unicodedata.category(ch) == "Zs":
            out.append(" ")           # U+202F and other spaces stay spaces
        elif unicodedata.combining(ch) or unicodedata.category(ch) in _INVISIBLE:
            continue                  # invisible marks and controls carry nothing printable
        else:
            base = "".join(c for c in unicodedata.normalize("NFKD", ch)
                           if not unicodedata.combining(c))
            if base and all(_drawable(c) for c in base):
                out.append(base)      # 'ő' -> 'o', 'ﬁ' -> 'fi', '−' stays a replacement
            elif not out or out[-1] != REPLACEMENT:
                # One '?' per run: a word in another script would otherwise print as '?????'.
                out.append(REPLACEMENT)
    return "".join(out)


def _cell(value: Any) -> str:
    """A frame cell as trimmed text; NaN, None and NA are empty."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = str(value).strip()
    return text if len(text) <= MAX_FIELD else text[:MAX_FIELD - 1] + "…"


def _number(value: float, lang: str, decimals: int | None = 1) -> str:
    """A number with a decimal comma in French and Dutch; decimals=None drops useless zeros."""
    text = f"{value:g}" if decimals is None else f"{value:.{decimals}f}"
    return text.replace(".", ",") if lang in ("fr", "nl") else text


@dataclass
class _Writer:
    """Turns data into safe Paragraph markup and remembers whether a character was replaced."""

    lang: str
    replaced: bool = False

    def plain(self, value: Any) -> str:
        """Printable text, not yet escaped."""
        raw = _cell(value)
        safe = printable(raw)
        if safe.count(REPLACEMENT) > raw.count(REPLACEMENT):
            self.replaced = True
        return safe

    def text(self, value: Any) -> str:
        """Printable, escaped text: a name like '<b>&' shows literally and cannot break markup."""
        return escape(self.plain(value))

    def t(self, key: str, **values: object) -> str:
        """An interface text (handout or lien.i18n) filled with `values`, as escaped markup."""
        filled = t(key, self.lang, **{k: self.plain(v) for k, v in values.items()})
        return escape(printable(filled))


# --- sources ---------------------------------------------------------------------------------

def source_documents(sites: pd.DataFrame) -> list[str]:
    """Distinct documents of the `source` column ('file § section; other' -> 'file', 'other')."""
    if "source" not in sites or sites.empty:
        return []
    docs: dict[str, None] = {}
    for value in pd.unique(sites["source"]):
        for part in taxonomy.split_codes(_cell(value)):
            docs.setdefault(part.split(" § ", 1)[0].strip(), None)
    return [d for d in docs if d]


def _sources_line(sites: pd.DataFrame, w: _Writer) -> str:
    """Sources: brochure …, June 2016; …. Source dates: 2016-06, undated. Check … (markup)."""
    docs = source_documents(sites)
    named = [t(KNOWN_SOURCES[d], w.lang) if d in KNOWN_SOURCES else w.plain(d)
             for d in docs[:MAX_SOURCES]]
    if len(docs) > MAX_SOURCES:
        named.append(t("handout_more_sources", w.lang, count=len(docs) - MAX_SOURCES))
    dates, undated = coverage.source_dates(sites)
    shown = [w.plain(d) for d in dates] + ([t("undated", w.lang)] if undated else [])
    parts = []
    if named:
        parts.append(w.t("handout_sources", sources="; ".join(named)))
    if shown:
        parts.append(escape(printable(f"{t('m_dates', w.lang)}{_sep(w.lang)}{', '.join(shown)}.")))
    parts.append(w.t("handout_check"))
    return " ".join(parts)


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
        # 0.003° is under half a point at the handout's scale: invisible, and 10x fewer vertices.
        geom = shapely.simplify(shape(feature["geometry"]), 0.003, preserve_topology=True)
        polygons = list(getattr(geom, "geoms", [geom]))
        rings = []
        for polygon in polygons:
            for ring in (polygon.exterior, *polygon.interiors):
                xs, ys = _project(*np.asarray(ring.coords).T)
                rings.append(list(zip(xs.tolist(), ys.tolist())))
        label = geom.representative_point()
        lx, ly = _project(label.x, label.y)
        out.append((feature["properties"].get("code", feature.get("id", "")), rings,
                    (float(lx), float(ly))))
    return tuple(out)


def _extent() -> tuple[float, float, float, float]:
    """The projected bounding box of Belgium."""
    points = [p for _, rings, _ in _outlines() for ring in rings for p in ring]
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


@dataclass
class _MapResult:
    """The map drawing, the categories and hollow dots it shows, and the located sites drawn."""

    drawing: Drawing
    categories: list[str] = field(default_factory=list)
    hollow: bool = False
    located: int = 0
    drawn_sample: int = 0


def _located_mask(sites: pd.DataFrame) -> np.ndarray:
    """Which sites have finite coordinates (national and online ones have none)."""
    if sites.empty or "latitude" not in sites or "longitude" not in sites:
        return np.zeros(len(sites), dtype=bool)
    lat = pd.to_numeric(sites["latitude"], errors="coerce").to_numpy(dtype=float)
    lon = pd.to_numeric(sites["longitude"], errors="coerce").to_numpy(dtype=float)
    return np.isfinite(lat) & np.isfinite(lon)


def _located(sites: pd.DataFrame) -> pd.DataFrame:
    """The sites with coordinates."""
    return sites[_located_mask(sites)]


def site_map(sites: pd.DataFrame, lang: str, width: float = MAP_W) -> _MapResult:
    """Province outlines and the located sites as dots coloured by category (vector, no browser)."""
    x0, y0, x1, y1 = _extent()
    pad = 4.0
    scale = (width - 2 * pad) / (x1 - x0)
    height = (y1 - y0) * scale + 2 * pad
    drawing = Drawing(width, height)

    def to_page(x: Any, y: Any) -> tuple[Any, Any]:
        return pad + (np.asarray(x) - x0) * scale, pad + (np.asarray(y) - y0) * scale

    names = province_names(normalise_lang(lang))
    for code, rings, _ in _outlines():
        path = Path(fillColor=colors.HexColor("#F3F1EC"), strokeColor=colors.HexColor("#9A9A9A"),
                    strokeWidth=0.4, fillMode=0)  # even-odd: enclaves and holes stay holes
        for ring in rings:
            px, py = to_page([p[0] for p in ring], [p[1] for p in ring])
            path.moveTo(float(px[0]), float(py[0]))
            for x, y in zip(px[1:].tolist(), py[1:].tolist()):
                path.lineTo(x, y)
            path.closePath()
        drawing.add(path)
    for code, _, (lx, ly) in _outlines():
        # Brussels is too small to hold its name beside its dots; the others orient the reader.
        if code == PROVINCE_CODES[0]:
            continue
        px, py = to_page(lx, ly)
        drawing.add(String(float(px), float(py), printable(names.get(code, "")), fontSize=6,
                           fontName="Helvetica", fillColor=colors.HexColor("#8C8C8C"),
                           textAnchor="middle"))

    result = _MapResult(drawing)
    located = _located(sites)
    result.located = len(located)
    if len(located) > MAX_DOTS:
        # A fixed seed: the same view prints the same map.
        located = located.sample(n=MAX_DOTS, random_state=0)
        result.drawn_sample = MAX_DOTS
    if located.empty:
        return result
    px, py = to_page(*_project(pd.to_numeric(located["longitude"]),
                               pd.to_numeric(located["latitude"])))
    cells = located["services"] if "services" in located else pd.Series("", index=located.index)
    cats = [taxonomy.category_of(_cell(c)) for c in cells]
    precision = (located["coord_precision"] if "coord_precision" in located
                 else located.get("precision", pd.Series("", index=located.index)))
    hollow = [_cell(p) in APPROXIMATE for p in precision]
    seen: set[tuple[int, int, str, bool]] = set()
    dots = []
    for x, y, cat, empty in zip(px.tolist(), py.tolist(), cats, hollow):
        if not (0 <= x <= width and 0 <= y <= height):
            continue
        key = (round(x * 2), round(y * 2), cat, empty)
        if key in seen:
            continue              # sites at one town centroid: one dot, not hundreds on top
        seen.add(key)
        dots.append((x, y, cat, empty))
    # Exact places on top: they are the ones a reader can walk to.
    for x, y, cat, empty in sorted(dots, key=lambda d: not d[3]):
        colour = colors.HexColor(taxonomy.CATEGORY_COLOURS.get(cat, "#555555"))
        drawing.add(Circle(x, y, 2.1, fillColor=colors.white if empty else colour,
                           strokeColor=colour if empty else colors.white,
                           strokeWidth=0.9 if empty else 0.35))
    present = {d[2] for d in dots}
    result.categories = [c for c in taxonomy.CATEGORY_COLOURS if c in present]
    result.hollow = any(d[3] for d in dots)
    return result


def _legend(result: _MapResult, lang: str, width: float) -> Drawing | None:
    """The categories on the map, and the hollow-circle note when some place is approximate."""
    lines: list[tuple[str, str, bool]] = [
        (taxonomy.CATEGORY_COLOURS[c], printable(t("cat_" + c, lang)), False)
        for c in result.categories]
    if result.hollow:
        lines.append(("#555555", printable(t("approximate_legend", lang)), True))
    if not lines:
        return None
    step = 10.0
    drawing = Drawing(width, step * (len(lines) + 1))
    top = drawing.height - 7
    drawing.add(String(0, top, printable(t("legend", lang)), fontName="Helvetica-Bold",
                       fontSize=7))
    for i, (colour, label, hollow) in enumerate(lines, start=1):
        y = top - i * step
        fill = colors.HexColor(colour)
        drawing.add(Circle(4, y + 2.4, 2.4, fillColor=colors.white if hollow else fill,
                           strokeColor=fill if hollow else colors.white, strokeWidth=0.9))
        drawing.add(String(11, y, label, fontName="Helvetica", fontSize=6.5))
    return drawing


# --- QR code ---------------------------------------------------------------------------------

def qr_url(url: str) -> str:
    """The URL in ASCII: reportlab writes UTF-8 bytes without an ECI, which some readers misread."""
    return quote(url.strip(), safe=":/?#[]@!$&'()*+,;=%~")


def qr_matrix(url: str) -> list[list[bool]] | None:
    """The QR code of `url` (rows of dark modules), or None when too long to print and scan."""
    data = qr_url(url)
    if not data:
        return None
    for level in (QR_LEVEL, "L"):
        code = qrencoder.QRCode(None, getattr(qrencoder.QRErrorCorrectLevel, level))
        code.addData(data)
        try:
            code.make()
        except Exception:       # reportlab raises a bare Exception past version 39's capacity
            continue
        if code.getModuleCount() <= 17 + 4 * QR_MAX_VERSION or level == "L":
            return [[bool(v) for v in row] for row in code.modules]
    return None


class QRFlowable(Flowable):
    """A QR code drawn as vector rectangles in a form XObject named 'lienqr'."""

    BORDER = 4              # the quiet zone the standard asks for, in modules

    def __init__(self, matrix: list[list[bool]], size: float) -> None:
        super().__init__()
        self.matrix = matrix
        self.width = self.height = size

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        """Its fixed size."""
        return self.width, self.height

    def draw(self) -> None:
        """Draw dark runs of each row as one rectangle each, inside a reusable form."""
        canv: Canvas = self.canv
        count = len(self.matrix)
        unit = self.width / (count + 2 * self.BORDER)
        # A named form keeps the code in one stream that tests (and tools) can find and read.
        canv.beginForm("lienqr", 0, 0, self.width, self.height)
        canv.setFillColor(colors.black)
        for r, row in enumerate(self.matrix):
            c = 0
            while c < count:
                if not row[c]:
                    c += 1
                    continue
                start = c
                while c < count and row[c]:
                    c += 1
                y = self.height - (r + self.BORDER + 1) * unit
                canv.rect((start + self.BORDER) * unit, y, (c - start) * unit, unit,
                          stroke=0, fill=1)
        canv.endForm()
        canv.doForm("lienqr")


# --- directory -------------------------------------------------------------------------------

NO_SERVICE = ""   # the group of sites whose services cell is empty


def _service_codes(codes_of: list[list[str]]) -> list[str]:
    """The taxonomy's codes in order, then unknown codes as they appear: no site is dropped."""
    known = taxonomy.services().codes
    extra: dict[str, None] = {}
    for codes in codes_of:
        for code in codes or [NO_SERVICE]:
            if code not in taxonomy.services():
                extra.setdefault(code, None)
    return [*known, *extra]


def _sep(lang: str) -> str:
    """The label separator: French puts a space before the colon."""
    return " : " if lang == "fr" else ": "


def _entry(site: dict[str, Any], w: _Writer, near: bool) -> str:
    """One site's markup: site name, address or 'national', distance, hours and contacts."""
    lang = w.lang
    sep = _sep(lang)
    lines = []
    name = _cell(site.get("site"))
    if name and name != _cell(site.get("organisation")):
        lines.append(f"<i>{w.text(name)}</i>")
    lat, lon = site.get("latitude"), site.get("longitude")
    located = all(isinstance(v, (int, float)) and math.isfinite(v) for v in (lat, lon))
    town = " ".join(p for p in (_cell(site.get("postcode")), _cell(site.get("city"))) if p)
    place = ", ".join(p for p in (_cell(site.get("address")), town) if p)
    if place:
        lines.append(f"{escape(t('address', lang))}{sep}{w.text(place)}")
    if not located:
        lines.append(f"<b>{w.t('handout_national')}</b>")
    distance = site.get("distance_km")
    if near and located and isinstance(distance, (int, float)) and math.isfinite(distance):
        lines.append(f"<b>{w.t('handout_distance', km=_number(float(distance), lang))}</b>")
    hours = _cell(site.get("hours"))
    if hours:
        # Hours are prose ('lundi; mardi sur rendez-vous'): printed as written, not split.
        lines.append(f"{escape(t('hours', lang))}{sep}{w.text(hours)}")
    for key, column in (("col_phone", "phone"), ("col_email", "email"),
                        ("col_website", "website")):
        values = taxonomy.split_codes(_cell(site.get(column)))
        if values:
            lines.append(f"{escape(t(key, lang))}{sep}{w.text(', '.join(values))}")
    return "<br/>".join(lines)


def _order(listed: pd.DataFrame, near: bool) -> pd.DataFrame:
    """Nearest first near a place (as the view is); otherwise by organisation, town and site."""
    if near and "distance_km" in listed:
        return listed
    keys = pd.DataFrame({c: listed.get(c, pd.Series("", index=listed.index)).map(
        lambda v: fold(_cell(v))) for c in ("organisation", "city", "site")})
    return listed.loc[keys.sort_values(["organisation", "city", "site"], kind="stable").index]


def directory_flowables(listed: pd.DataFrame, w: _Writer, near: bool) -> list[Flowable]:
    """Each service with its sites grouped by organisation; a site is under each of its services."""
    ordered = _order(listed, near)
    records = ordered.to_dict("records")
    codes_of = [taxonomy.split_codes(_cell(r.get("services"))) for r in records]
    sets = [set(codes) or {NO_SERVICE} for codes in codes_of]
    out: list[Flowable] = []
    vocabulary = taxonomy.services()
    for code in _service_codes(codes_of):
        rows = [r for r, codes in zip(records, sets) if code in codes]
        if not rows:
            continue
        # Group by organisation, keeping the order of each organisation's first (nearest) site.
        groups: dict[str, list[dict[str, Any]]] = {}
        for row in rows:
            groups.setdefault(_cell(row.get("org_id")) or _cell(row.get("organisation")),
                              []).append(row)
        heading = (escape(printable(vocabulary.label(code, w.lang))) if code in vocabulary
                   else w.text(code) if code else w.t("handout_no_service"))
        first = True
        for group in groups.values():
            for i, row in enumerate(group):
                entry: list[Flowable] = [Paragraph(_entry(row, w, near), _STYLES["entry"])]
                if i == 0:
                    # The organisation's name travels with its first site, never alone at a foot.
                    entry.insert(0, Paragraph(w.text(row.get("organisation")), _STYLES["org"]))
                if first:
                    # So does the service's heading (keepWithNext is not kept across KeepTogether).
                    entry.insert(0, Paragraph(heading, _STYLES["service"]))
                    first = False
                # KeepTogether: a site's lines are never split between two columns or pages.
                out.append(KeepTogether(entry))
    return out


# --- document --------------------------------------------------------------------------------

def _footer(lang: str, day: datetime.date) -> Callable[[Canvas, BaseDocTemplate], None]:
    """The callback that writes 'Lien · date' and the page number at the foot of each page."""
    def draw(canv: Canvas, doc: BaseDocTemplate) -> None:
        """Draw the footer on the current page."""
        canv.saveState()
        canv.setFont("Helvetica", 7)
        canv.setFillColor(_GREY)
        canv.drawString(MARGIN, 8 * mm, printable(f"Lien · {day.strftime('%d/%m/%Y')}"))
        canv.drawRightString(PAGE_W - MARGIN, 8 * mm,
                             printable(t("handout_page", lang, page=doc.page)))
        canv.restoreState()
    return draw


def _header(sites: pd.DataFrame, w: _Writer, near: str, radius_km: float | None,
            day: datetime.date) -> list[Flowable]:
    """Title, what the view holds, where it is centred, the date and the sources."""
    lang = w.lang
    story: list[Flowable] = [Paragraph(w.t("title"), _STYLES["title"])]
    orgs = sites["org_id"].nunique() if "org_id" in sites else (
        sites["organisation"].nunique() if "organisation" in sites else 0)
    line = w.t("shown", sites=len(sites), orgs=orgs)
    story.append(Paragraph(f"{w.t('handout_subtitle')} — {line}", _STYLES["subtitle"]))
    if near:
        measured = "distance_km" in sites and bool(sites["distance_km"].notna().any())
        if radius_km is not None:
            where = w.t("handout_near", near=near, radius=_number(radius_km, lang, None))
        elif measured:
            where = w.t("near_found", place=near)
        else:
            # The caller passes what was typed even when no place was found: say so, as the app.
            where = w.t("near_not_found", query=near)
        story.append(Paragraph(f"<b>{where}</b>", _STYLES["subtitle"]))
    story.append(Paragraph(w.t("handout_printed", date=day.strftime("%d/%m/%Y")), _STYLES["meta"]))
    story.append(Paragraph(_sources_line(sites, w), _STYLES["meta"]))
    story.append(Spacer(0, 4))
    return story


def _side(url: str, result: _MapResult, w: _Writer) -> list[Flowable]:
    """The QR code with its caption and URL, then the legend."""
    side: list[Flowable] = []
    matrix = qr_matrix(url)
    if matrix is not None:
        # Keep modules at least ~0.45 mm: phone cameras read that from a printed page.
        size = min(SIDE_W - 4, max(34 * mm, (len(matrix) + 8) * 0.45 * mm))
        side.append(QRFlowable(matrix, size))
        side.append(Paragraph(w.t("handout_scan"), _STYLES["scan"]))
    if url:
        # Printed whole (MAX_FIELD would cut it): a cut URL opens the wrong view. A bound
        # still applies, since a caller's bug could pass anything.
        side.append(Paragraph(escape(printable(qr_url(url)[:MAX_URL])), _STYLES["url"]))
    legend = _legend(result, w.lang, SIDE_W - 6)
    if legend is not None:
        side.append(Spacer(0, 6))
        side.append(legend)
    return side


def _page_templates(doc: BaseDocTemplate, header_height: float, lang: str,
                    day: datetime.date) -> list[PageTemplate]:
    """Page 1: the header across the page, then two columns; later pages: two columns."""
    gap = 8 * mm
    col = (doc.width - gap) / 2

    def columns(height: float, prefix: str) -> list[Frame]:
        """Two frames side by side, `height` tall, from the bottom margin up."""
        return [Frame(doc.leftMargin + i * (col + gap), doc.bottomMargin, col, height,
                      id=f"{prefix}{i}", leftPadding=0, rightPadding=0, topPadding=0,
                      bottomPadding=0) for i in range(2)]

    below = doc.height - header_height
    top = Frame(doc.leftMargin, doc.bottomMargin + below, doc.width, header_height, id="header",
                leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    footer = _footer(lang, day)
    return [PageTemplate("first", [top, *columns(below, "first")], onPage=footer),
            PageTemplate("later", columns(doc.height, "later"), onPage=footer)]


def _height(flowables: list[Flowable], width: float) -> float:
    """The height a list of flowables takes in a frame of `width`, spacing included."""
    total = 0.0
    for flowable in flowables:
        _, h = flowable.wrap(width, PAGE_H)
        total += h + flowable.getSpaceBefore() + flowable.getSpaceAfter()
    return total


def handout_pdf(sites: pd.DataFrame, lang: str, *, url: str, near: str = "",
                radius_km: float | None = None, today: datetime.date | None = None) -> bytes:
    """An A4 PDF of the view: header, map, QR code to the view, and the sites by service."""
    lang = normalise_lang(lang)
    day = today or datetime.date.today()
    w = _Writer(lang)
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
        bottomMargin=MARGIN + 4 * mm, title=printable(t("title", lang)), author="Lien",
        subject=printable(t("handout_subtitle", lang)), lang=lang, creator="Lien")

    listed = sites.head(MAX_SITES)
    more = len(sites) - len(listed)
    # The entries first: whether a character had to be replaced is then known for the header.
    entries = directory_flowables(listed, w, bool(near))
    header = _header(sites, w, near, radius_km, day)
    result = site_map(sites, lang)
    top = Table([[result.drawing, _side(url, result, w)]], colWidths=[MAP_W, SIDE_W])
    top.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                             ("LEFTPADDING", (0, 0), (-1, -1), 0),
                             ("RIGHTPADDING", (0, 0), (0, 0), 6),
                             ("RIGHTPADDING", (1, 0), (1, 0), 0),
                             ("TOPPADDING", (0, 0), (-1, -1), 0),
                             ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
    header.append(top)

    if result.drawn_sample:
        header.append(Paragraph(w.t("handout_map_sample", shown=result.drawn_sample,
                                    total=result.located), _STYLES["note"]))
    unlocated = ~_located_mask(sites)
    if unlocated.any():
        column = "org_id" if "org_id" in sites else "organisation"
        count = sites.loc[unlocated, column].nunique() if column in sites else int(unlocated.sum())
        header.append(Paragraph(w.t("national_count", count=count), _STYLES["note"]))
    if more:
        header.append(Paragraph(w.t("handout_more", count=more), _STYLES["note"]))
    if w.replaced:
        header.append(Paragraph(w.t("handout_replaced"), _STYLES["note"]))
    if sites.empty:
        header.append(Paragraph(w.t("no_match"), _STYLES["empty"]))
    header.append(Spacer(0, 6))

    # The header's height is known only once its text is laid out; it sets page 1's frames.
    limit = doc.height - 120
    height = min(_height(header, doc.width) + 2, limit)
    doc.addPageTemplates(_page_templates(doc, height, lang, day))
    # Shrinking, never overflowing: an extreme header still leaves room for the columns.
    story: list[Flowable] = [KeepInFrame(doc.width, height, header, mode="shrink"),
                             NextPageTemplate("later"), FrameBreak()]
    story += entries
    if more:
        story.append(Paragraph(w.t("handout_more", count=more), _STYLES["note"]))
    doc.build(story)
    return buffer.getvalue()
