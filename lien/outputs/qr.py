"""A QR code for a printed page: the URL made ASCII, its modules, and a flowable that draws them
as vector rectangles (lien.outputs.handout prints one beside its map)."""

from __future__ import annotations

from urllib.parse import quote

from reportlab.graphics.barcode import qrencoder
from reportlab.lib import colors
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

QR_LEVEL = "M"  # 15% of the code can be dirty or folded and it still scans
QR_MAX_VERSION = 25  # 117 modules: denser prints are hard to scan, so fall back to level L


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
        except Exception:  # reportlab raises a bare Exception past version 39's capacity
            continue
        if code.getModuleCount() <= 17 + 4 * QR_MAX_VERSION or level == "L":
            return [[bool(v) for v in row] for row in code.modules]
    return None


class QRFlowable(Flowable):
    """A QR code drawn as vector rectangles in a form XObject named 'lienqr'."""

    BORDER = 4  # the quiet zone the standard asks for, in modules

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
                canv.rect(
                    (start + self.BORDER) * unit, y, (c - start) * unit, unit, stroke=0, fill=1
                )
        canv.endForm()
        canv.doForm("lienqr")
