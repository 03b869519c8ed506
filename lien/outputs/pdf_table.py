"""The tables of Lien's PDFs (the funder summary's figures, matrix and lists): cells of one or
more blocks of text, filled or not, in columns that run from the reading side (from the right in
Arabic), with their rules. Drawn on a lien.outputs.pdf Document."""

from __future__ import annotations

from dataclasses import dataclass

from lien.outputs.palette import rgb
from lien.outputs.pdf import Document, Style

CELL_PAD = 2.0  # points of padding left and right of a table cell
CELL_VPAD = 1.5


@dataclass(frozen=True)
class Cell:
    """A table cell: one or more blocks of text stacked (a value over its label), a fill."""

    parts: tuple[tuple[str, Style], ...]
    fill: str | None = None

    @classmethod
    def of(cls, text: str, style: Style, fill: str | None = None) -> Cell:
        return cls(((text, style),), fill)


@dataclass(frozen=True)
class Rules:
    """A table's lines: under the header, between rows, between columns, around it; a thicker
    line before one column (the matrix's national column)."""

    colour: str
    head: float = 0.8
    rows: float = 0.3
    columns: float = 0.0
    box: float = 0.0
    before_column: int | None = None


def _cell_height(doc: Document, cell_: Cell, width: float) -> float:
    inner = width - 2 * CELL_PAD
    return sum(doc.height_of(text, style, inner) for text, style in cell_.parts) + 2 * CELL_VPAD


def row_heights(doc: Document, rows: list[list[Cell]], widths: list[float]) -> list[float]:
    return [max(_cell_height(doc, c, w) for c, w in zip(row, widths, strict=True)) for row in rows]


def table(doc: Document, rows: list[list[Cell]], widths: list[float], rules: Rules) -> float:
    """Draw `rows` (the first is the header) from the current y; columns run from the reading
    side. Returns the height used."""
    heights = row_heights(doc, rows, widths)
    x0, y0 = doc.l_margin, doc.get_y()
    lefts = []
    x = x0 + doc.width if doc.rtl else x0
    for w in widths:
        lefts.append(x - w if doc.rtl else x)
        x = x - w if doc.rtl else x + w
    y = y0
    for row, h in zip(rows, heights, strict=True):
        for c, left, w in zip(row, lefts, widths, strict=True):
            if c.fill:
                doc.set_fill_color(*rgb(c.fill))
                doc.rect(left, y, w, h, style="F")
            doc.set_y(y + CELL_VPAD)
            for text, style in c.parts:
                doc.block(text, style, left + CELL_PAD, w - 2 * CELL_PAD)
        y += h
    total = sum(w for w in widths)
    left_edge = min(lefts)
    doc.set_draw_color(*rgb(rules.colour))
    y = y0
    for i, h in enumerate(heights):
        y += h
        width = rules.head if i == 0 else rules.rows
        if width:
            doc.set_line_width(width)
            doc.line(left_edge, y, left_edge + total, y)
    for i, left in enumerate(lefts):
        edge = left + widths[i] if doc.rtl else left
        width = rules.columns if i else 0
        if i and i == rules.before_column:
            width = rules.head
        if width:
            doc.set_line_width(width)
            doc.line(edge, y0, edge, y)
    if rules.box:
        doc.set_line_width(rules.box)
        doc.rect(left_edge, y0, total, y - y0, style="D")
    doc.set_xy(x0, y)
    return y - y0
