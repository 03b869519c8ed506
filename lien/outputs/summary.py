"""The funder summary (PDF): at most two A4 pages a funder can read and pass on, in any of the
twelve languages (right to left in Arabic, Persian and Pashto).

Page 1: the title, the date, the filters applied and the link to the view, the sources with
their dates and the warning that the brochure dates from June 2016; the headline figures; the
whole service × area matrix (11 areas and the national/online column, gaps marked). Then the
services with the most gaps and the municipalities farthest from the chosen service, on page 1
when they fit, else on page 2.

The figures are the coverage page's own: the PDF renders the report the page computed
(lien.coverage.report), with the tables of lien.render.tables; the shared PDF pieces (fonts,
text, styles, the sources line, the footer, tables) come from lien.outputs.pdf, the colours from
lien.outputs.palette. MAX_PAGES pages at most whatever the data: lists are cut ("and 3 more"),
names are clipped, and when the content would still overflow every size shrinks together.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

import pandas as pd

from lien import coverage, i18n, taxonomy
from lien.geo.areas import NATIONAL
from lien.i18n import normalise_lang, number, percent, t
from lien.outputs.about import filters_text
from lien.outputs.palette import (
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
    MARGIN,
    MAX_FIELD,
    MAX_URL,
    STYLES,
    Document,
    Style,
    Writer,
    bold,
    cell,
    label_sep,
    printable,
    sources_line,
)
from lien.outputs.pdf_table import CELL_PAD, Cell, Rules, row_heights, table
from lien.render import tables

__all__ = ["summary_pdf"]

MAX_PAGES = 2  # what a funder reads and passes on; the layout never lays out more
MAX_GAPS = 10  # services listed with their gaps; the rest are counted
_DISTANCE_SHARES = (0.2, 0.16, 0.1, 0.27, 0.27)  # of the width, per column of the deserts
MAX_NAME = 90  # characters of a name in a table cell: a row stays a row or two
MAX_FILTERS = 800  # characters of the filters in words (all 20 services fit)
MIN_SCALE = 0.4  # the smallest the sizes shrink to before the last page simply runs on

GAP = "✕"  # the coverage page's gap mark; printable() draws it as "×", which the fonts have
HEADER_SIZE = 6.5  # the matrix's area names: the smallest text of the summary
MIN_AREA_W = 18.0  # an area column holds at least "×" or "123"
MIN_SERVICE_W = 70.0  # the service names' column: "Accompagnement social" on two lines

_STYLES = {
    **STYLES,
    "h2": Style(10.5, 13, bold=True, before=8, after=3),
    "warning": Style(
        8.5, 10.5, bold=True, fill=WARNING_FILL, border=WARNING_RULE, pad=3.5, before=5, after=6
    ),
    "value": Style(13, 15, bold=True, align="center"),
    "label": Style(7, 8.4, align="center", colour=GREY),
    "th": Style(HEADER_SIZE, 7.8, bold=True),
    "th_center": Style(HEADER_SIZE, 7.8, bold=True, align="center"),
    "td": Style(7, 8.4),
    "td_center": Style(7, 8.4, align="center"),
    "td_end": Style(7, 8.4, align="end"),
    "gap": Style(7, 8.4, bold=True, align="center", colour=GAP_INK),
}


@dataclass(frozen=True)
class Grid:
    """A table to lay out: rows of cells (the first the header), column widths, its lines."""

    rows: list[list[Cell]]
    widths: list[float]
    rules: Rules


Item = tuple[str, Style] | Grid


# --- pieces ------------------------------------------------------------------------------------


def _labelled(label: str, value: str, lang: str) -> str:
    """'Label : value' with the label in bold; `value` is already printable."""
    return bold(printable(label)) + printable(label_sep(lang)) + value


def _header(report: coverage.CoverageReport, url: str, w: Writer, day: datetime.date) -> list[Item]:
    """Title, date, the filters in words, the link to the view, the sources, the 2016 warning."""
    lang = w.lang
    filters_ = w.plain(filters_text(report.filters, lang), MAX_FILTERS)
    items: list[Item] = [
        (w.t("title"), _STYLES["title"]),
        (
            w.t("funder_summary")
            + printable(" — ")
            + w.t("handout_printed", date=i18n.date(day, lang)),
            _STYLES["subtitle"],
        ),
        (_labelled(t("about_filters", lang), filters_, lang), _STYLES["meta"]),
    ]
    if url:
        # Printed whole up to a bound (a cut URL opens another view; a caller's bug could pass
        # anything).
        link = i18n.left_to_right(printable(url[:MAX_URL]), lang)
        items.append((_labelled(t("about_view", lang), link, lang), _STYLES["meta"]))
    items.append((sources_line(report.sources, w), _STYLES["meta"]))
    items += [(text, _STYLES["note"]) for text in w.machine_note()]
    items.append((w.t("old_source"), _STYLES["warning"]))
    return items


def _figures(figures: coverage.Headline, w: Writer, width: float) -> list[Item]:
    """The six headline figures side by side, each value over its label."""
    lang = w.lang
    pairs = [
        (key, number(value, lang) if isinstance(value, int) else value)
        for key, value in figures.items(lang)
    ]
    row = [
        Cell(((printable(str(value)), _STYLES["value"]), (w.t(key), _STYLES["label"])))
        for key, value in pairs
    ]
    rules = Rules(RULE, head=0, rows=0, columns=0.5, box=0.5)
    items: list[Item] = [Grid([row], [width / len(row)] * len(row), rules)]
    # How fresh the figures are: a funder reads a count of records nobody checked as a count.
    items.append((w.t("m_checked", share=percent(figures.checked_share, lang)), _STYLES["note"]))
    if figures.unstated:
        # The sites counted above include them, and no row of the matrix does.
        items.append((w.tn("m_unstated", figures.unstated), _STYLES["note"]))
    return items


def _pieces(label: str) -> list[tuple[str, bool]]:
    """A label's breakable pieces: words, and hyphenated words after each hyphen
    ('West-Vlaanderen' -> 'West-', 'Vlaanderen'); True where a space follows the piece."""
    out: list[tuple[str, bool]] = []
    for word in label.split():
        parts = re.findall(r"[^-]+-*|-+", word)
        out += [(part, i == len(parts) - 1) for i, part in enumerate(parts)]
    return out


def _width_of(doc: Document, text: str, style: Style) -> float:
    doc.use(style)
    return doc.get_string_width(text)


def _wrapped(doc: Document, label: str, width: float, style: Style) -> str:
    """`label` broken into lines of at most `width` at spaces and after hyphens (fpdf2 breaks
    only at spaces; a word wider than `width` is left to it)."""
    lines: list[str] = []
    line, spaced = "", False
    for piece, space_after in _pieces(label):
        candidate = line + (" " if spaced else "") + piece
        if line and _width_of(doc, candidate, style) > width:
            lines.append(line)
            candidate = piece
        line, spaced = candidate, space_after
    if line:
        lines.append(line)
    return "\n".join(lines)


def _area_widths(
    doc: Document, labels: Sequence[str], width: float
) -> tuple[float, list[float], Style]:
    """The service column's width, each area column's (as wide as its widest piece, the rest to
    the service names) and the style of the area names: smaller when at their size the service
    names would get less than MIN_SERVICE_W (German's long names), so that no name is split
    inside a word."""
    style = _STYLES["th_center"]

    def natural(style_: Style) -> list[float]:
        return [
            max(
                [MIN_AREA_W]
                + [_width_of(doc, p, style_) + 2 * CELL_PAD + 0.5 for p, _ in _pieces(x)]
            )
            for x in labels
        ]

    areas = natural(style)
    if width - sum(areas) < MIN_SERVICE_W:
        factor = (width - MIN_SERVICE_W) / sum(areas)
        style = replace(style, size=style.size * factor, leading=style.leading * factor)
        areas = natural(style)
    return width - sum(areas), areas, style


def _matrix(
    doc: Document, table_: pd.DataFrame, holes: list[tuple[str, str]], w: Writer
) -> list[Item]:
    """The whole service × area matrix as the page shows it, a gap cell marked and shaded."""
    lang = w.lang
    shown = tables.matrix_table(table_, lang)
    codes, areas = list(table_.index), list(table_.columns)
    area_columns = list(shown.columns[-len(areas) :])
    service_column = t("axis_service", lang)
    labels = [printable(cell(c, MAX_NAME)) for c in area_columns]
    service_w, area_w, area_style = _area_widths(doc, labels, doc.width)
    head = [Cell.of(printable(service_column), _STYLES["th"], HEAD_FILL)] + [
        Cell.of(_wrapped(doc, x, w_ - 2 * CELL_PAD, area_style), area_style, HEAD_FILL)
        for x, w_ in zip(labels, area_w, strict=True)
    ]
    national = 1 + areas.index(NATIONAL) if NATIONAL in areas else None
    gap_set = set(holes)
    rows: list[list[Cell]] = [head]
    for r, (code, record) in enumerate(zip(codes, shown.to_dict("records"), strict=True), 1):
        row = [
            Cell.of(
                w.plain(record[service_column], MAX_NAME),
                _STYLES["td"],
                STRIPE if r % 2 == 0 else None,
            )
        ]
        for c, (area, column) in enumerate(zip(areas, area_columns, strict=True), 1):
            if (code, area) in gap_set:
                row.append(Cell.of(printable(GAP), _STYLES["gap"], GAP_FILL))
            else:
                fill = NATIONAL_FILL if c == national else None
                row.append(Cell.of(number(int(record[column]), lang), _STYLES["td_center"], fill))
        rows.append(row)
    rules = Rules(RULE, head=0.8, rows=0.3, columns=0.3, box=0.3, before_column=national)
    legend = " · ".join(
        [bold(w.t("gap_note")), w.tn("gap_count", len(holes)), w.t("summary_national_note")]
    )
    return [
        (w.t("matrix_province"), _STYLES["h2"]),
        Grid(rows, [service_w, *area_w], rules),
        (legend, _STYLES["note"]),
    ]


def _grid(
    frame: pd.DataFrame,
    shares: Sequence[float],
    styles: Sequence[str],
    w: Writer,
    width: float,
    limits: Sequence[int] = (),
) -> Grid:
    """A frame as a striped table with wrapped cells; `shares` of `width` per column, and at most
    `limits` characters a cell (MAX_NAME by default)."""
    bounds = list(limits) or [MAX_NAME] * len(frame.columns)
    head = [
        Cell.of(w.plain(c, MAX_NAME), _STYLES["th_center" if s != "td" else "th"], HEAD_FILL)
        for c, s in zip(frame.columns, styles, strict=True)
    ]
    body = [
        [
            Cell.of(w.plain(value, limit), _STYLES[s], STRIPE if r % 2 == 0 else None)
            for value, s, limit in zip(record, styles, bounds, strict=True)
        ]
        for r, record in enumerate(frame.itertuples(index=False), 1)
    ]
    return Grid([head, *body], [width * s for s in shares], Rules(RULE))


def _gaps(holes: list[tuple[str, str]], w: Writer, width: float) -> list[Item]:
    """The services with the most areas without a provider, the others counted."""
    lang = w.lang
    items: list[Item] = [(w.t("top_gaps"), _STYLES["h2"])]
    if not holes:
        return [*items, (w.t("no_gap"), _STYLES["meta"])]
    shown = tables.gaps_table(holes, lang, MAX_GAPS)
    # The areas are a list that must not be cut: 11 names fit in MAX_FIELD.
    columns = ("td", "td_center", "td")
    items.append(_grid(shown, (0.3, 0.14, 0.56), columns, w, width, (MAX_NAME, 20, MAX_FIELD)))
    more = len({service for service, _ in holes}) - len(shown)
    if more > 0:
        items.append((w.tn("summary_more_gaps", more), _STYLES["note"]))
    return items


def _service_label(service: str, lang: str) -> str:
    vocabulary = taxonomy.services()
    return vocabulary.label(service, lang) if service in vocabulary else service


def _deserts(report: coverage.CoverageReport, w: Writer, width: float) -> list[Item]:
    """The municipalities farthest from a site of the report's service, distances to the km."""
    lang = w.lang
    label = _service_label(report.service, lang)
    items: list[Item] = [(w.t("deserts_title", service=w.plain(label, MAX_NAME)), _STYLES["h2"])]
    if not report.has_provider:
        return [*items, (w.t("no_provider", service=label), _STYLES["meta"])]
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
            styles[i] = "td_end"
    # Municipality, province, distance, nearest site, organisation; equal shares if that changes.
    shares = _DISTANCE_SHARES if len(shown.columns) == len(_DISTANCE_SHARES) else ()
    items.append(_grid(shown, shares or [1 / len(styles)] * len(styles), styles, w, width))
    items.append((w.t("summary_distance_note"), _STYLES["note"]))
    return items


# --- pages -------------------------------------------------------------------------------------


def _height(doc: Document, item: Item) -> float:
    if isinstance(item, Grid):
        return sum(row_heights(doc, item.rows, item.widths))
    text, style = item
    return doc.height_of(text, style, doc.width)


def _pages(
    doc: Document, blocks: list[list[Item]], first: int, strict: bool = True
) -> list[list[Item]] | None:
    """The blocks on at most MAX_PAGES pages at the document's scale: the `first` blocks on page
    1, each later block on the current page while it fits, else on the next. None when some
    page would overflow and `strict`."""
    room = doc.bottom - MARGIN
    pages: list[list[Item]] = [[item for block in blocks[:first] for item in block]]
    lefts = [room - sum(_height(doc, item) for item in pages[0])]
    for block in blocks[first:]:
        needed = sum(_height(doc, item) for item in block)
        if needed > lefts[-1] and len(pages) < MAX_PAGES:
            pages.append([])
            lefts.append(room)
        pages[-1] += block
        lefts[-1] -= needed
    return None if strict and min(lefts) < 0 else pages


def _draw(doc: Document, item: Item) -> None:
    if isinstance(item, Grid):
        table(doc, item.rows, item.widths, item.rules)
    else:
        doc.block(*item)


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
    doc = Document(lang, t("funder_summary", lang), t("title", lang), day)

    # The lists first: whether a character had to be replaced is then known for the header.
    matrix = _matrix(doc, report.by_province, report.gaps, w)
    gaps = _gaps(report.gaps, w, doc.width)
    deserts = _deserts(report, w, doc.width)
    header = _header(report, url, w, day)
    if report.empty:
        header.append((w.t("no_match"), _STYLES["empty"]))
    if w.replaced:
        header.append((w.t("handout_replaced"), _STYLES["note"]))
    figures = _figures(report.headline, w, doc.width)
    blocks = [header, figures, matrix, gaps, deserts]

    # Shrinking, never overflowing: when the content is too long, every size shrinks together.
    pages = _pages(doc, blocks, 3)
    while pages is None and doc.scale > MIN_SCALE:
        doc.scale *= 0.9
        pages = _pages(doc, blocks, 3)
    if pages is None:  # even the smallest sizes overflow: what passes a page's foot is left out
        pages = _pages(doc, blocks, 3, strict=False) or []
    for i, page in enumerate(pages):
        if i:
            doc.add_page()
        for item in page:
            if doc.get_y() > doc.bottom:
                break
            _draw(doc, item)
    return bytes(doc.output())
