"""The funder summary (PDF): at most two A4 pages a funder can read and pass on.

Page 1: the title, the date, the filters applied and the link to the view, the sources with
their dates and the warning that the brochure dates from June 2016; the headline figures; the
whole service × area matrix (11 areas and the national/online column, gaps marked). Then the
services with the most gaps and the municipalities farthest from the chosen service, on page 1
when they fit, else on page 2.

The figures are the coverage page's own: the PDF renders the report the page computed
(lien.coverage.report), with the tables of lien.render.tables; the shared PDF pieces (printable
text, styles, the sources line, the footer) come from lien.outputs.pdf, the colours from
lien.outputs.palette. MAX_PAGES pages at most whatever the data: lists are cut ("and 3 more"),
names are clipped, and a page whose content would still overflow is shrunk to fit.
"""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

import pandas as pd
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    Flowable,
    Frame,
    KeepInFrame,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from lien import coverage, i18n, taxonomy
from lien.geo.areas import NATIONAL
from lien.i18n import normalise_lang, number, percent, t
from lien.outputs.about import filters_text
from lien.outputs.palette import (
    BLACK,
    GAP_FILL,
    GAP_INK,
    GREY,
    HEAD_FILL,
    NATIONAL_FILL,
    RULE,
    STRIPE,
    WARNING_FILL,
    WARNING_RULE,
)
from lien.outputs.pdf import (
    MAX_FIELD,
    MAX_URL,
    STYLES,
    Writer,
    a4_document,
    cell,
    flowables_height,
    label_sep,
    page_footer,
    printable,
    sources_line,
)
from lien.render import tables

__all__ = ["summary_pdf"]

MAX_PAGES = 2  # what a funder reads and passes on; _pages() never lays out more
MAX_GAPS = 10  # services listed with their gaps; the rest are counted
_DISTANCE_SHARES = (0.2, 0.16, 0.1, 0.27, 0.27)  # of the width, per column of the deserts
MAX_NAME = 90  # characters of a name in a table cell: a row stays a row or two
MAX_FILTERS = 800  # characters of the filters in words (all 20 services fit)

GAP = "✕"  # the coverage page's gap mark; printable() draws it as "×", which Helvetica has
HEADER_SIZE = 6.5  # the matrix's area names: the smallest text of the summary
CELL_PAD = 2.0  # points of padding left and right of a table cell
MIN_AREA_W = 18.0  # an area column holds at least "×" or "123"
MIN_SERVICE_W = 80.0  # the service names' column: "Accompagnement social" on two lines

_STYLES = {
    **STYLES,
    "h2": ParagraphStyle(
        "h2",
        fontName="Helvetica-Bold",
        fontSize=10.5,
        leading=13,
        spaceBefore=8,
        spaceAfter=3,
        textColor=BLACK,
    ),
    "warning": ParagraphStyle(
        "warning",
        fontName="Helvetica-Bold",
        fontSize=8.5,
        leading=10.5,
        textColor=BLACK,
        backColor=WARNING_FILL,
        borderColor=WARNING_RULE,
        borderWidth=0.6,
        borderPadding=(3, 4, 3, 4),
        spaceBefore=5,
        spaceAfter=6,
    ),
    "value": ParagraphStyle(
        "value", fontName="Helvetica-Bold", fontSize=13, leading=15, alignment=TA_CENTER
    ),
    "label": ParagraphStyle(
        "label",
        fontName="Helvetica",
        fontSize=7,
        leading=8.4,
        alignment=TA_CENTER,
        textColor=GREY,
    ),
    "th": ParagraphStyle(
        "th", fontName="Helvetica-Bold", fontSize=HEADER_SIZE, leading=7.8, textColor=BLACK
    ),
    "th_center": ParagraphStyle(
        "th_center",
        fontName="Helvetica-Bold",
        fontSize=HEADER_SIZE,
        leading=7.8,
        alignment=TA_CENTER,
        textColor=BLACK,
    ),
    "td": ParagraphStyle("td", fontName="Helvetica", fontSize=7, leading=8.4, textColor=BLACK),
    "td_center": ParagraphStyle(
        "td_center",
        fontName="Helvetica",
        fontSize=7,
        leading=8.4,
        alignment=TA_CENTER,
        textColor=BLACK,
    ),
    "td_right": ParagraphStyle(
        "td_right",
        fontName="Helvetica",
        fontSize=7,
        leading=8.4,
        alignment=TA_RIGHT,
        textColor=BLACK,
    ),
    "gap": ParagraphStyle(
        "gap",
        fontName="Helvetica-Bold",
        fontSize=7,
        leading=8.4,
        alignment=TA_CENTER,
        textColor=GAP_INK,
    ),
}


# --- pieces ------------------------------------------------------------------------------------


def _labelled(label: str, value: str, lang: str) -> str:
    """'<b>Label</b> : value' as markup; `value` is already escaped."""
    return f"<b>{escape(printable(label))}</b>{escape(label_sep(lang))}{value}"


def _header(
    report: coverage.CoverageReport, url: str, w: Writer, day: datetime.date
) -> list[Flowable]:
    """Title, date, the filters in words, the link to the view, the sources, the 2016 warning."""
    chosen = report.filters
    lang = w.lang
    story: list[Flowable] = [
        Paragraph(w.t("title"), _STYLES["title"]),
        Paragraph(
            w.t("funder_summary") + " — " + w.t("handout_printed", date=i18n.date(day, lang)),
            _STYLES["subtitle"],
        ),
        Paragraph(
            _labelled(
                t("about_filters", lang), w.text(filters_text(chosen, lang), MAX_FILTERS), lang
            ),
            _STYLES["meta"],
        ),
    ]
    if url:
        # Printed whole up to a bound (a cut URL opens another view; a caller's bug could pass
        # anything).
        link = escape(printable(url[:MAX_URL]))
        story.append(Paragraph(_labelled(t("about_view", lang), link, lang), _STYLES["meta"]))
    story.append(Paragraph(sources_line(report.sources, w), _STYLES["meta"]))
    story.append(Paragraph(w.t("old_source"), _STYLES["warning"]))
    return story


def _figures(figures: coverage.Headline, w: Writer, width: float) -> list[Flowable]:
    """The six headline figures side by side, each value over its label."""
    lang = w.lang
    pairs = [
        (key, number(value, lang) if isinstance(value, int) else value)
        for key, value in figures.items(lang)
    ]
    row = [
        [
            Paragraph(escape(printable(value)), _STYLES["value"]),
            Paragraph(w.t(key), _STYLES["label"]),
        ]
        for key, value in pairs
    ]
    table = Table([row], colWidths=[width / len(row)] * len(row))
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BOX", (0, 0), (-1, -1), 0.5, RULE),
                ("LINEBEFORE", (1, 0), (-1, -1), 0.5, RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    # How fresh the figures are: a funder reads a count of records nobody checked as a count.
    checked = w.t("m_checked", share=percent(figures.checked_share, lang))
    out: list[Flowable] = [table, Paragraph(checked, _STYLES["note"])]
    if figures.unstated:
        # The sites counted above include them, and no row of the matrix does.
        out.append(Paragraph(w.tn("m_unstated", figures.unstated), _STYLES["note"]))
    return out


def _pieces(label: str) -> list[tuple[str, bool]]:
    """A label's breakable pieces: words, and hyphenated words after each hyphen
    ('West-Vlaanderen' -> 'West-', 'Vlaanderen'); True where a space follows the piece."""
    out: list[tuple[str, bool]] = []
    for word in label.split():
        parts = re.findall(r"[^-]+-*|-+", word)
        out += [(part, i == len(parts) - 1) for i, part in enumerate(parts)]
    return out


def _piece_width(piece: str, style: ParagraphStyle) -> float:
    return stringWidth(piece, style.fontName, style.fontSize)


def _wrapped(label: str, width: float, style: ParagraphStyle) -> str:
    """`label` as escaped markup broken into lines of at most `width` at spaces and after hyphens
    (reportlab breaks only at spaces; a word wider than `width` is left to it)."""
    lines: list[str] = []
    line, spaced = "", False
    for piece, space_after in _pieces(label):
        candidate = line + (" " if spaced else "") + piece
        if line and _piece_width(candidate, style) > width:
            lines.append(line)
            candidate = piece
        line, spaced = candidate, space_after
    if line:
        lines.append(line)
    return "<br/>".join(escape(x) for x in lines)


def _area_widths(labels: Sequence[str], width: float) -> tuple[float, list[float]]:
    """The service column's width and each area column's: as wide as its widest piece, the rest
    to the service names; equal area columns when the names would get less than MIN_SERVICE_W
    (reportlab then splits the longest words)."""
    style = _STYLES["th_center"]
    areas = [
        max([MIN_AREA_W] + [_piece_width(p, style) + 2 * CELL_PAD + 0.5 for p, _ in _pieces(label)])
        for label in labels
    ]
    if width - sum(areas) < MIN_SERVICE_W:
        areas = [width * 0.75 / len(labels)] * len(labels)
    return width - sum(areas), areas


def _matrix(
    table: pd.DataFrame, holes: list[tuple[str, str]], w: Writer, width: float
) -> list[Flowable]:
    """The whole service × area matrix as the page shows it, a gap cell marked and shaded."""
    lang = w.lang
    shown = tables.matrix_table(table, lang)
    codes = list(table.index)
    areas = list(table.columns)
    area_columns = list(shown.columns[-len(areas) :])
    service_column = t("axis_service", lang)
    labels = [printable(cell(c, MAX_NAME)) for c in area_columns]
    service_w, area_w = _area_widths(labels, width)
    head = [Paragraph(escape(printable(service_column)), _STYLES["th"])] + [
        Paragraph(_wrapped(label, w_ - 2 * CELL_PAD, _STYLES["th_center"]), _STYLES["th_center"])
        for label, w_ in zip(labels, area_w, strict=True)
    ]
    gap_set = set(holes)
    rows: list[list[Any]] = [head]
    style: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ("BACKGROUND", (0, 0), (-1, 0), HEAD_FILL),
        ("GRID", (0, 0), (-1, -1), 0.3, RULE),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, BLACK),
    ]
    if NATIONAL in areas:
        col = 1 + areas.index(NATIONAL)
        style.append(("BACKGROUND", (col, 1), (col, -1), NATIONAL_FILL))
        style.append(("LINEBEFORE", (col, 0), (col, -1), 0.8, BLACK))
    for r, (code, record) in enumerate(zip(codes, shown.to_dict("records"), strict=True), 1):
        row: list[Any] = [Paragraph(w.text(record[service_column], MAX_NAME), _STYLES["td"])]
        if r % 2 == 0:
            style.append(("BACKGROUND", (0, r), (0, r), STRIPE))
        for c, (area, column) in enumerate(zip(areas, area_columns, strict=True), 1):
            count = int(record[column])
            if (code, area) in gap_set:
                row.append(Paragraph(escape(printable(GAP)), _STYLES["gap"]))
                style.append(("BACKGROUND", (c, r), (c, r), GAP_FILL))
            else:
                row.append(Paragraph(escape(number(count, lang)), _STYLES["td_center"]))
        rows.append(row)
    grid = Table(rows, colWidths=[service_w, *area_w], repeatRows=1)
    grid.setStyle(TableStyle(style))
    legend = " · ".join(
        [
            "<b>" + w.t("gap_note") + "</b>",
            w.tn("gap_count", len(holes)),
            w.t("summary_national_note"),
        ]
    )
    return [
        Paragraph(w.t("matrix_province"), _STYLES["h2"]),
        grid,
        Paragraph(legend, _STYLES["note"]),
    ]


def _table(
    frame: pd.DataFrame,
    shares: Sequence[float],
    styles: Sequence[str],
    w: Writer,
    width: float,
    limits: Sequence[int] = (),
) -> Table:
    """A frame as a striped table with wrapped cells; `shares` of `width` per column, and at most
    `limits` characters a cell (MAX_NAME by default)."""
    bounds = list(limits) or [MAX_NAME] * len(frame.columns)
    head = [
        Paragraph(w.text(c, MAX_NAME), _STYLES["th_center" if s != "td" else "th"])
        for c, s in zip(frame.columns, styles, strict=True)
    ]
    body = [
        [
            Paragraph(w.text(value, limit), _STYLES[s])
            for value, s, limit in zip(record, styles, bounds, strict=True)
        ]
        for record in frame.itertuples(index=False)
    ]
    table = Table([head, *body], colWidths=[width * s for s in shares], repeatRows=1)
    style: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ("BACKGROUND", (0, 0), (-1, 0), HEAD_FILL),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, BLACK),
        ("LINEBELOW", (0, 1), (-1, -1), 0.3, RULE),
    ]
    style += [("BACKGROUND", (0, r), (-1, r), STRIPE) for r in range(2, len(body) + 1, 2)]
    table.setStyle(TableStyle(style))
    return table


def _gaps(holes: list[tuple[str, str]], w: Writer, width: float) -> list[Flowable]:
    """The services with the most areas without a provider, the others counted."""
    lang = w.lang
    story: list[Flowable] = [Paragraph(w.t("top_gaps"), _STYLES["h2"])]
    if not holes:
        return [*story, Paragraph(w.t("no_gap"), _STYLES["meta"])]
    shown = tables.gaps_table(holes, lang, MAX_GAPS)
    # The areas are a list that must not be cut: 11 names fit in MAX_FIELD.
    columns = ("td", "td_center", "td")
    story.append(_table(shown, (0.3, 0.14, 0.56), columns, w, width, (MAX_NAME, 20, MAX_FIELD)))
    more = len({service for service, _ in holes}) - len(shown)
    if more > 0:
        story.append(Paragraph(w.tn("summary_more_gaps", more), _STYLES["note"]))
    return story


def _service_label(service: str, lang: str) -> str:
    vocabulary = taxonomy.services()
    return vocabulary.label(service, lang) if service in vocabulary else service


def _deserts(report: coverage.CoverageReport, w: Writer, width: float) -> list[Flowable]:
    """The municipalities farthest from a site of the report's service, distances to the km."""
    lang = w.lang
    label = _service_label(report.service, lang)
    story: list[Flowable] = [
        Paragraph(w.t("deserts_title", service=w.plain(label, MAX_NAME)), _STYLES["h2"])
    ]
    if not report.has_provider:
        return [*story, Paragraph(w.t("no_provider", service=label), _STYLES["meta"])]
    shown = tables.distance_table(report.farthest, lang)
    # Codes are for programs; people read the names beside them.
    shown = shown.drop(columns=[c for c in shown.columns if c == "municipality_code"])
    styles = ["td"] * len(shown.columns)
    for i, column in enumerate(shown.columns):
        if pd.api.types.is_numeric_dtype(shown[column]):
            # The distance, to the km as the note says: a decimal would claim a precision that
            # distances between commune centres don't have.
            shown[column] = [
                "" if pd.isna(v) else number(round(float(v)), lang) for v in shown[column]
            ]
            styles[i] = "td_right"
    # Municipality, province, distance, nearest site, organisation; equal shares if that changes.
    shares = _DISTANCE_SHARES if len(shown.columns) == len(_DISTANCE_SHARES) else ()
    story.append(_table(shown, shares or [1 / len(styles)] * len(styles), styles, w, width))
    story.append(Paragraph(w.t("summary_distance_note"), _STYLES["note"]))
    return story


# --- pages -------------------------------------------------------------------------------------


def _pages(
    blocks: list[list[Flowable]], first: int, width: float, room: float
) -> list[list[Flowable]]:
    """The blocks on at most MAX_PAGES pages: the `first` blocks on page 1, each later block on
    the current page while it fits, else on the next; the last page takes whatever is left."""
    pages: list[list[Flowable]] = [[f for block in blocks[:first] for f in block]]
    left = room - flowables_height(pages[0], width)
    for block in blocks[first:]:
        needed = flowables_height(block, width)
        if needed > left and len(pages) < MAX_PAGES:
            pages.append([])
            left = room
        pages[-1] += block
        left -= needed
    return pages


def summary_pdf(
    report: coverage.CoverageReport,
    *,
    url: str = "",
    lang: str | None = None,
    today: datetime.date | None = None,
) -> bytes:
    """The funder summary of a coverage report (at most MAX_PAGES A4 pages): headline figures,
    the service × province matrix, the services with the most gaps, the municipalities farthest
    from the report's service, its filters, the link `url` to the view, and the sources with
    their dates. In `lang`, else the view's."""
    lang = normalise_lang(lang or report.filters.lang)
    day = today or datetime.date.today()
    w = Writer(lang)
    buffer = io.BytesIO()
    doc = a4_document(buffer, lang, t("funder_summary", lang), t("title", lang))
    frame = Frame(
        doc.leftMargin,
        doc.bottomMargin,
        doc.width,
        doc.height,
        id="page",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    doc.addPageTemplates([PageTemplate("page", [frame], onPage=page_footer(lang, day))])

    # The lists first: whether a character had to be replaced is then known for the header.
    matrix = _matrix(report.by_province, report.gaps, w, doc.width)
    gaps = _gaps(report.gaps, w, doc.width)
    deserts = _deserts(report, w, doc.width)
    header = _header(report, url, w, day)
    if report.empty:
        header.append(Paragraph(w.t("no_match"), _STYLES["empty"]))
    if w.replaced:
        header.append(Paragraph(w.t("handout_replaced"), _STYLES["note"]))
    header.append(Spacer(0, 2))
    figures = _figures(report.headline, w, doc.width)

    room = doc.height - 1  # a point of slack: KeepInFrame and the frame round differently
    story: list[Flowable] = []
    for i, page in enumerate(_pages([header, figures, matrix, gaps, deserts], 3, doc.width, room)):
        if i:
            story.append(PageBreak())
        # Shrinking, never overflowing: a page whose content is still too long is scaled down.
        story.append(KeepInFrame(doc.width, room, page, mode="shrink"))
    doc.build(story)
    return buffer.getvalue()
