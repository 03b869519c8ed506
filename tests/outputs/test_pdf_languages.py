"""The handout and the funder summary in all twelve languages: every text printed in its own
script (no "?"), Arabic letters joined and copied back as real letters in reading order, the
page laid out from the right in Arabic, Persian and Pashto, phone numbers intact, fonts subset
into each file, and the QR code leading back to the same view in the same language.

Text is read back as tests.support.pdfs says: PDFium for the reading order, pypdf for the order
on the page, poppler for a phone number copied whole."""

from __future__ import annotations

import datetime
import io
import re
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pypdfium2
import pytest
import zxingcpp
from pypdf import PdfReader

from lien import coverage, filters, i18n, taxonomy
from lien.i18n import LANGS, t
from lien.ingest import directory
from lien.ingest.directory import read_directory
from lien.outputs.handout import handout_pdf
from lien.outputs.pdf import MARGIN, PAGE_W
from lien.outputs.summary import MAX_PAGES, summary_pdf
from lien.schema import split_codes
from tests.support.pdfs import assert_reads, on_page, poppler, read

DAY = datetime.date(2026, 6, 20)
RTL = ("ar", "fa", "ps")
SESO_PHONE = "02 533 39 84"  # in the brochure, and so in data/organisations.csv
MAX_HANDOUT_BYTES = 300_000  # the figure: the handout stays under 300 KB in every language


@cache
def _frame() -> pd.DataFrame:
    return directory.prepare(read_directory().frame)


def _url(lang: str) -> str:
    return f"https://lien.example.be/?service=housing&lang={lang}"


@cache
def _handout(lang: str) -> bytes:
    return handout_pdf(filters.apply(_frame(), filters.Filters()), lang, url=_url(lang), today=DAY)


@cache
def _summary(lang: str) -> bytes:
    chosen = filters.Filters(lang=lang)
    report = coverage.report(
        filters.apply(_frame(), chosen), chosen, "housing", coverage.municipality_points()
    )
    return summary_pdf(report, url=_url(lang), today=DAY)


def _said(key: str, lang: str, **values: object) -> str:
    return t(key, lang, **values)


def _offered() -> list[str]:
    codes = {c for cell in _frame()["services"] for c in split_codes(cell)}
    return [c for c in taxonomy.services().codes if c in codes]


@pytest.mark.parametrize("lang", LANGS)
def test_the_handout_prints_every_text_in_its_language(lang: str) -> None:
    pdf = _handout(lang)
    assert len(pdf) < MAX_HANDOUT_BYTES
    text = read(pdf)
    for key in ("title", "handout_scan", "handout_national", "legend"):
        assert_reads(_said(key, lang), text)
    assert_reads(_said("handout_printed", lang, date=i18n.date(DAY, lang)), text)
    for code in _offered():  # every service's heading, in reading order
        assert_reads(taxonomy.services().label(code, lang), text)
    # Nothing left unprinted, no placeholder left raw, no presentation forms for letters.
    assert _said("handout_replaced", lang) not in text
    assert not re.search(r"\{\w*\}", text)
    assert not any("\ufb50" <= ch <= "\ufeff" for ch in text)
    # The phone number left to right on the page in every direction, and copied whole by
    # poppler. (PDFium copies the groups of a number isolated in a right-to-left line in the
    # opposite order: "84 39 533 02"; the page itself is right.)
    assert SESO_PHONE in on_page(pdf)
    assert SESO_PHONE in poppler(pdf)
    # Honest about translation, in its own words, as every page is.
    if i18n.reviewed_share(lang) < 1:
        assert_reads(_said("machine_translated", lang), text)
    else:
        assert _said("machine_translated", lang) not in text


@pytest.mark.parametrize("lang", LANGS)
def test_the_funder_summary_prints_every_text_in_its_language(lang: str) -> None:
    pdf = _summary(lang)
    assert len(PdfReader(io.BytesIO(pdf)).pages) <= MAX_PAGES
    text = read(pdf)
    for key in ("title", "funder_summary", "old_source", "matrix_province", "top_gaps"):
        assert_reads(_said(key, lang), text)
    assert _said("handout_replaced", lang) not in text
    assert not re.search(r"\{\w*\}", text)
    if i18n.reviewed_share(lang) < 1:
        assert_reads(_said("machine_translated", lang), text)
    else:
        assert _said("machine_translated", lang) not in text


def _fonts(pdf: bytes) -> list[dict]:
    reader = PdfReader(io.BytesIO(pdf))
    found = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            found[font["/BaseFont"]] = font
    return list(found.values())


@pytest.mark.parametrize("lang", ["ar", "ti", "uk"])
def test_the_fonts_are_subset_into_the_file(lang: str) -> None:
    fonts = _fonts(_handout(lang))
    assert fonts
    for font in fonts:
        # "ABCDEF+NotoSans…": a subset of the font, embedded, with a map back to letters.
        assert re.match(r"^/[A-Z]{6}\+Noto", font["/BaseFont"]), font["/BaseFont"]
        descendant = font["/DescendantFonts"][0].get_object()
        assert "/FontFile2" in descendant["/FontDescriptor"].get_object()
        assert "/ToUnicode" in font


def _glyphs_per_letter(pdf: bytes) -> dict[str, int]:
    """How many glyphs of the file's fonts stand for each single letter."""
    counts: dict[str, int] = {}
    for font in _fonts(pdf):
        cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
        for code in re.findall(r"<[0-9A-F]{4}> <([0-9A-F]{4})>", cmap):
            letter = chr(int(code, 16))
            counts[letter] = counts.get(letter, 0) + 1
    return counts


@pytest.mark.parametrize("lang", RTL)
def test_arabic_letters_are_joined(lang: str) -> None:
    # A joining letter drawn in its initial, medial and final forms: several glyphs for one
    # letter. Without shaping, each letter would have one glyph, its isolated form.
    counts = _glyphs_per_letter(_handout(lang))
    joined = [ch for ch in "بتنيسلمه" if counts.get(ch, 0) >= 2]
    assert len(joined) >= 5, counts


def _title_edges(pdf: bytes, title: str) -> tuple[float, float]:
    """The left and right edges of the page's first line (the title) in points."""
    page = pypdfium2.PdfDocument(pdf)[0]
    textpage = page.get_textpage()
    boxes = [textpage.get_charbox(i) for i in range(min(textpage.count_chars(), len(title)))]
    top = max(b[3] for b in boxes)
    line = [b for b in boxes if abs(b[3] - top) < 6]
    return min(b[0] for b in line), max(b[2] for b in line)


@pytest.mark.parametrize("lang", ["ar", "fa", "ps", "fr", "uk"])
def test_the_page_starts_on_the_reading_side(lang: str) -> None:
    left, right = _title_edges(_handout(lang), t("title", lang))
    if lang in RTL:
        assert abs(right - (PAGE_W - MARGIN)) < 3
        assert left > MARGIN + 20
    else:
        assert abs(left - MARGIN) < 3
        assert right < PAGE_W - MARGIN - 20


@pytest.mark.parametrize("lang", ["ar", "ti", "uk", "fa"])
def test_the_qr_code_leads_to_the_same_view_in_the_same_language(lang: str) -> None:
    page = pypdfium2.PdfDocument(_handout(lang))[0]
    image = np.asarray(page.render(scale=4).to_pil().convert("L"))
    assert [r.text for r in zxingcpp.read_barcodes(image)] == [_url(lang)]


def test_without_the_noto_fonts_the_pdfs_print_latin_letters_and_say_so(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from lien.outputs import pdf

    monkeypatch.setattr(pdf, "FONT_DIRS", (str(tmp_path),))  # a machine without fonts-noto-core
    monkeypatch.delenv("LIEN_FONTS", raising=False)
    caches = (pdf.font_files, pdf.fonts_found, pdf._covered, pdf.printable)
    for cached in caches:
        cached.cache_clear()
    try:
        view = filters.apply(_frame(), filters.Filters())
        french = handout_pdf(view, "fr", url=_url("fr"), today=DAY)
        arabic = handout_pdf(view, "ar", url=_url("ar"), today=DAY)
    finally:
        for cached in caches:
            cached.cache_clear()
    # fpdf2's built-in Helvetica, nothing embedded.
    assert {f["/BaseFont"] for f in _core_fonts(french)} <= {
        "/Helvetica",
        "/Helvetica-Bold",
        "/Helvetica-Oblique",
        "/Helvetica-BoldOblique",
    }
    text = on_page(french)
    assert "Imprimé le 20 juin 2026" in text
    assert "Aide aux Personnes Déplacées" in text
    assert SESO_PHONE in text
    # Arabic has no letter in Helvetica: "?" for each run, the names and numbers still there.
    arabic_text = on_page(arabic)
    assert "?" in arabic_text
    assert SESO_PHONE in arabic_text
    assert "Aide aux Personnes Déplacées" in arabic_text


def _core_fonts(pdf_: bytes) -> list[dict]:
    reader = PdfReader(io.BytesIO(pdf_))
    return [f.get_object() for p in reader.pages for f in p["/Resources"]["/Font"].values()]


def test_a_site_with_hundreds_of_phone_numbers_prints_five_and_says_there_are_more() -> None:
    # 500 numbers isolated in an Arabic line passed Python's recursion limit in fpdf2's bidi.
    view = _frame().head(1).copy()
    view["phone"] = ["02 533 39 84; " * 500]
    view["services"] = ["housing"]  # listed once
    text = on_page(handout_pdf(view, "ar", url=_url("ar"), today=DAY))
    assert text.count("533") == 5  # five numbers (a line may wrap between their groups)
    assert "…" in text
