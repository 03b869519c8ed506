"""A QR code for a printed page: the URL made ASCII, its modules (segno), and their drawing as
vector rectangles (lien.outputs.handout prints one beside its map)."""

from __future__ import annotations

from urllib.parse import quote

import segno

from lien.outputs.palette import rgb
from lien.outputs.pdf import Document

QR_LEVEL = "m"  # 15% of the code can be dirty or folded and it still scans
QR_MAX_VERSION = 25  # 117 modules: denser prints are hard to scan, so fall back to level L
BORDER = 4  # the quiet zone the standard asks for, in modules


def qr_url(url: str) -> str:
    """The URL in ASCII: some readers misread UTF-8 bytes in a QR code without an ECI."""
    return quote(url.strip(), safe=":/?#[]@!$&'()*+,;=%~")


def qr_matrix(url: str) -> list[list[bool]] | None:
    """The QR code of `url` (rows of dark modules), or None when too long to print and scan."""
    data = qr_url(url)
    if not data:
        return None
    for level in (QR_LEVEL, "l"):
        try:
            code = segno.make_qr(data, error=level, boost_error=False)
        except segno.DataOverflowError:
            return None
        if int(code.version) <= QR_MAX_VERSION or level == "l":  # a QR code's version is a number
            return [[bool(v) for v in row] for row in code.matrix]
    return None


def draw_qr(doc: Document, matrix: list[list[bool]], x: float, y: float, size: float) -> None:
    """The code at (x, y), `size` points wide quiet zone included: each row's dark runs as one
    rectangle each."""
    count = len(matrix)
    unit = size / (count + 2 * BORDER)
    doc.set_fill_color(*rgb("#000000"))  # full contrast for cameras
    for r, row in enumerate(matrix):
        c = 0
        while c < count:
            if not row[c]:
                c += 1
                continue
            start = c
            while c < count and row[c]:
                c += 1
            doc.rect(
                x + (start + BORDER) * unit,
                y + (r + BORDER) * unit,
                (c - start) * unit,
                unit,
                style="F",
            )
