"""Reading a PDF back as its readers do, for the tests of the handout and the funder summary.

- read(): PDFium, Chromium's PDF engine (what a visitor copies from the browser's viewer). It
  puts a right-to-left line back in reading order.
- poppler(): poppler's pdftotext (Debian's poppler-utils: Evince, Okular). It copies a phone
  number inside a right-to-left line whole, where PDFium reverses its groups of digits.
- on_page(): pypdf, the text in the order it stands on the page, left to right: how a phone
  number must read in every language.
- qr_url(): page 1 rendered as a printer would (200 dpi) and scanned as a phone camera does.
"""

from __future__ import annotations

import io
import re
import subprocess
import unicodedata

import pypdfium2
import zxingcpp
from pypdf import PdfReader


def read(pdf: bytes) -> str:
    """Every page's text as PDFium reads it, white space made single spaces."""
    document = pypdfium2.PdfDocument(pdf)
    pages = [document[i].get_textpage().get_text_range() for i in range(len(document))]
    return " ".join(" ".join(pages).split())


def poppler(pdf: bytes) -> str:
    """The text as pdftotext reads it, without its invisible direction marks."""
    done = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"],
        input=pdf,
        capture_output=True,
        timeout=60,
        check=False,
    )
    if done.returncode != 0:
        raise AssertionError(f"pdftotext (apt install poppler-utils): {done.stderr!r}")
    text = "".join(ch for ch in done.stdout.decode("utf-8") if unicodedata.category(ch) != "Cf")
    return " ".join(text.split())


def on_page(pdf: bytes) -> str:
    """The text in the order it stands on the page, left to right (pypdf)."""
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(p.extract_text() for p in reader.pages).split())


def _letters(text: str) -> str:
    """Letters only: no spaces, no marks (an extractor places a vowel mark such as Arabic's
    tanwin beside its letter, not on it), no direction marks."""
    return "".join(
        ch for ch in text if not ch.isspace() and unicodedata.category(ch) not in ("Mn", "Cf")
    )


# What splits a text into the runs a reader reads in one direction: Latin words ("Lien"),
# digits and punctuation. Each run keeps its letters in order when read back.
_OTHER_DIRECTION = re.compile(r"[A-Za-z0-9—–·:;,.()«»\"'/%?!-]+")


def assert_reads(expected: str, text: str) -> None:
    """Each run of `expected` in one script is in `text` with its letters in reading order."""
    letters = _letters(text)
    runs = [run for run in _OTHER_DIRECTION.split(expected) if _letters(run)]
    for run in runs or [expected]:
        assert _letters(run) in letters, (run, expected)


def qr_url(pdf: bytes) -> str:
    """The link of page 1's QR code, scanned from the page printed at 200 dpi."""
    document = pypdfium2.PdfDocument(pdf)
    image = document[0].render(scale=200 / 72).to_pil().convert("L")
    found = zxingcpp.read_barcodes(image)
    assert [r.format for r in found] == [zxingcpp.BarcodeFormat.QRCode], found
    return found[0].text
