"""The printable handout: A4, three languages, sources, distances, QR code, hostile text, caps."""

from __future__ import annotations

import datetime
import io
import re
from dataclasses import replace
from urllib.parse import unquote

import numpy as np
import pandas as pd
import pypdfium2
import pytest
import zxingcpp
from pypdf import PdfReader

from lien import filters, taxonomy
from lien.display import Near, view_lines
from lien.geo.gazetteer import default_gazetteer
from lien.i18n import number, t, tn
from lien.ingest import directory, upload
from lien.ingest.directory import read_directory
from lien.outputs.builds import Build, Download
from lien.outputs.handout import MAX_PAGES, MAX_SITES, handout_pdf
from lien.outputs.pdf import printable
from lien.outputs.pdf_map import MAX_DOTS, _outlines, site_map
from lien.outputs.qr import qr_matrix
from lien.schema import split_codes
from lien_dev import hostile

DAY = datetime.date(2026, 11, 23)
URL = "https://lien.example.be/?service=legal_aid%2Chealth&near=Li%C3%A8ge&radius_km=30&lang=nl"


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return directory.prepare(read_directory().frame)


@pytest.fixture(scope="module")
def near_view(frame: pd.DataFrame) -> pd.DataFrame:
    place = default_gazetteer().lookup("Liège")
    assert place is not None
    return filters.apply(
        frame, filters.Filters(near="Liège", radius_km=30), (place.latitude, place.longitude)
    )


def _reader(pdf: bytes) -> PdfReader:
    assert pdf.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(pdf))


def _text(pdf: bytes) -> str:
    """All pages' text with runs of white space made single spaces (lines wrap anywhere)."""
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in _reader(pdf).pages))


def _pdf(view: pd.DataFrame, lang: str, **kw) -> bytes:
    """The handout of `view`; a `radius_km` goes with the `near` place (display.Near)."""
    kw.setdefault("url", URL)
    if "radius_km" in kw:
        near = kw.get("near", "")
        near = near if isinstance(near, Near) else Near(near)
        kw["near"] = replace(near, radius_km=kw.pop("radius_km"))
    return handout_pdf(view, lang, today=DAY, **kw)


# --- content in each language ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "labels", "printed"),
    [
        (
            "fr",
            ["Aide juridique", "Soins de santé", "Accueil des demandeurs d'asile"],
            "Imprimé le 23 novembre 2026",
        ),
        (
            "nl",
            ["Juridische hulp", "Gezondheidszorg", "Opvang van asielzoekers"],
            "Afgedrukt op 23 november 2026",
        ),
        (
            "en",
            ["Legal aid", "Health care", "Reception of asylum seekers"],
            "Printed on 23 November 2026",
        ),
    ],
)
def test_title_date_sources_services_and_accents(
    frame: pd.DataFrame, lang: str, labels: list[str], printed: str
) -> None:
    text = _text(_pdf(filters.apply(frame, filters.Filters()), lang))
    assert t("title", lang) in text
    assert printed in text
    # The brochure by name and date, not its file name; the distinct source dates.
    brochure = t("handout_src_brochure", lang)
    assert brochure in text
    assert "000_233dd5a4b08aac1c.txt" not in text
    assert "§" not in text
    assert "2016-06" in text
    assert t("undated", lang) in text
    for label in labels:
        assert label == taxonomy.services().label(taxonomy.services().code_for(label), lang)
        assert label in text
    for name in (
        "Aide aux Personnes Déplacées",
        "Médecins du Monde",
        "Caritas International",
        "CIRÉ",
    ):
        assert name in text
    assert t("handout_national", lang) in text
    assert t("handout_scan", lang) in text
    assert "Distance" not in text
    assert "Afstand" not in text


def _headings(pdf: bytes) -> list[str]:
    """The service headings, in reading order: the only text set in 10-point bold."""
    found: list[str] = []

    def visit(text, cm, tm, font, size) -> None:
        if size == 10 and font and "Bold" in str(font.get("/BaseFont")) and text.strip():
            found.append(text.strip())

    for page in _reader(pdf).pages:
        page.extract_text(visitor_text=visit)
    return found


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_service_headings_follow_the_taxonomy_order(frame: pd.DataFrame, lang: str) -> None:
    headings = _headings(_pdf(filters.apply(frame, filters.Filters()), lang))
    offered = {c for cell in frame["services"] for c in split_codes(cell)}
    assert headings == [
        taxonomy.services().label(code, lang)
        for code in taxonomy.services().codes
        if code in offered
    ]


def test_french_and_dutch_characters_survive(frame: pd.DataFrame) -> None:
    view = frame.head(3).copy()
    view["org_id"] = ["a", "b", "c"]
    view["organisation"] = [
        "Œuvre « Hébergement » – l’été",
        "Vluchtelingenwerk — naïef ë ü",
        "Ça ô ê è à ï",
    ]
    text = _text(_pdf(view, "fr"))
    for name in view["organisation"]:
        assert name in text


# --- near me -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "header", "label"),
    [
        ("fr", "Près de Liège, dans un rayon de 30 km", r"Distance : (\d+,\d km|≈ )"),
        ("nl", "In de buurt van Liège, binnen 30 km", r"Afstand: (\d+,\d km|≈ )"),
        ("en", "Near Liège, within 30 km", r"Distance: (\d+\.\d km|≈ )"),
    ],
)
def test_distances_shown_near_a_place(
    near_view: pd.DataFrame, lang: str, header: str, label: str
) -> None:
    assert near_view["distance_km"].notna().any()
    text = _text(_pdf(near_view, lang, near="Liège", radius_km=30))
    assert header in text
    located = near_view.loc[near_view["distance_km"].notna(), "services"]
    # A distance each time a located site is listed, once under each of its services.
    assert len(re.findall(label, text)) == sum(len(set(split_codes(c))) for c in located)
    assert "Aide aux Personnes Déplacées" in text


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_a_place_not_found_is_said_not_measured(frame: pd.DataFrame, lang: str) -> None:
    view = filters.apply(frame, filters.Filters(near="Atlantis"))  # no origin: no distances
    text = _text(_pdf(view, lang, near="Atlantis", radius_km=None))
    assert t("near_not_found", lang, query="Atlantis") in text
    assert not re.search(r"(Distance|Afstand) ?: \d", text)


@pytest.mark.parametrize(
    ("lang", "header", "distance"),
    [
        ("fr", "Près de Liège, dans un rayon de 30 km", "Distance : ≈ "),
        ("nl", "In de buurt van Luik, binnen 30 km", "Afstand: ≈ "),
    ],
)
def test_the_place_understood_is_printed_and_distances_start_at_its_centre(
    near_view: pd.DataFrame, lang: str, header: str, distance: str
) -> None:
    place = "Luik" if lang == "nl" else "Liège"
    text = _text(_pdf(near_view, lang, near=Near(place, centre=True), radius_km=30))
    assert header in text
    centre = t("distance_from_centre", lang, km="", place=place).split(" km ", 1)[1]
    # "Afstand: ~ minder dan 1 km van het centrum van Luik", on each listed site.
    measured = re.findall(re.escape(distance) + r"[^:]{0,30}? km " + re.escape(centre), text)
    assert len(measured) == len(re.findall(re.escape(distance), text)) > 0
    # French elides before a vowel: "du centre d’Anvers" (printed with a plain apostrophe or
    # the curly one, as the font has it).
    anvers = _text(_pdf(near_view, "fr", near=Near("Anvers", centre=True), radius_km=30))
    assert "Près d’Anvers" in anvers or "Près d'Anvers" in anvers


def test_distance_values_match_the_view(near_view: pd.DataFrame) -> None:
    view = near_view.copy()
    located = view["distance_km"].notna()
    view.loc[located, "distance_km"] = 12.345
    view.loc[located, "coord_precision"] = "address"
    text = _text(_pdf(view, "en", near="Liège", radius_km=30))
    assert "Distance: 12.3 km" in text


def test_approximate_distances_are_marked_not_printed_as_exact(near_view: pd.DataFrame) -> None:
    view = near_view.copy()
    located = view["distance_km"].notna()
    view.loc[located, "coord_precision"] = "locality"
    view.loc[located, "distance_km"] = 0.0  # the search point is the town's own centre
    text = _text(_pdf(view, "fr", near="Liège", radius_km=30))
    assert "0,0 km" not in text
    assert "Distance : ≈ moins de 1 km, centre de la commune" in text


def test_the_listing_holds_the_services_of_the_view_only(frame: pd.DataFrame) -> None:
    place = default_gazetteer().lookup("Charleroi")
    assert place is not None
    chosen = filters.Filters(services=("employment",), near="Charleroi", radius_km=25)
    view = filters.apply(frame, chosen, (place.latitude, place.longitude))
    text = _text(_pdf(view, "en", near="Charleroi", radius_km=25, services=chosen.services))
    headings = [taxonomy.services().label(code, "en") for code in taxonomy.services().codes]
    assert [h for h in headings if h in text] == ["Work and training"]
    # Each site of the view once, under the one service asked for: a distance for each located
    # site, "national or online" for each other one.
    placed = int(view["distance_km"].notna().sum())
    assert len(re.findall(r"Distance: ≈ |Distance: \d", text)) == placed
    assert text.count(t("handout_national", "en")) == len(view) - placed


def test_the_handout_counts_as_the_page_does(frame: pd.DataFrame) -> None:
    place = default_gazetteer().lookup("Charleroi")
    assert place is not None
    chosen = filters.Filters(services=("employment",), near="Charleroi", radius_km=25)
    view = filters.apply(frame, chosen, (place.latitude, place.longitude))
    text = _text(_pdf(view, "fr", near="Charleroi", radius_km=25, services=chosen.services))
    shown, national = view_lines(filters.counts(view), "fr")
    assert shown in text
    assert national in text
    assert "1 sites" not in text
    assert "1 organisations" not in text


# --- page, QR code -------------------------------------------------------------------------------


def test_every_page_is_a4(frame: pd.DataFrame) -> None:
    reader = _reader(_pdf(filters.apply(frame, filters.Filters()), "fr"))
    assert len(reader.pages) >= 1
    for page in reader.pages:
        box = page.mediabox
        assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    assert reader.metadata.title == t("title", "fr")


def _qr_image(pdf: bytes) -> np.ndarray:
    """Page 1 as a camera sees it: rendered (PDFium, Chromium's PDF engine) in greys."""
    page = pypdfium2.PdfDocument(pdf)[0]
    return np.asarray(page.render(scale=4).to_pil().convert("L"))


@pytest.mark.parametrize(
    "url",
    [
        URL,
        "http://localhost:8501/?q=%C3%A9cole&national=0",
        "https://lien.example.be/?" + "&".join(f"service={c}" for c in taxonomy.services().codes),
    ],
)
def test_qr_code_in_the_pdf_decodes_to_the_url(frame: pd.DataFrame, url: str) -> None:
    pdf = _pdf(filters.apply(frame, filters.Filters()), "nl", url=url)
    found = zxingcpp.read_barcodes(_qr_image(pdf))
    assert [r.text for r in found] == [url]
    assert url in _text(pdf).replace(" ", "")  # printed too, for those who cannot scan


def test_qr_code_of_a_raw_accented_url_is_percent_encoded(frame: pd.DataFrame) -> None:
    raw = "https://lien.example.be/?near=Liège&q=école"
    pdf = _pdf(frame.head(2), "fr", url=raw)
    (found,) = zxingcpp.read_barcodes(_qr_image(pdf))
    # ASCII only: readers that assume ISO-8859-1 for QR bytes still get the right URL.
    assert found.text.isascii()
    assert unquote(found.text) == raw


def test_no_qr_code_without_a_url_or_for_an_unprintable_one(frame: pd.DataFrame) -> None:
    assert qr_matrix("") is None
    assert qr_matrix("https://x.be/?q=" + "a" * 5_000) is None  # over any QR code's capacity
    pdf = _pdf(frame.head(2), "en", url="")
    assert zxingcpp.read_barcodes(_qr_image(pdf)) == []
    assert t("handout_scan", "en") not in _text(pdf)


# --- hostile and foreign text --------------------------------------------------------------------


def test_markup_in_the_data_prints_literally(frame: pd.DataFrame) -> None:
    view = frame.head(4).copy()
    view["org_id"] = ["a", "b", "c", "d"]
    view["organisation"] = [
        "<b>&</b>",
        "<script>alert(1)</script>",
        "A & B <c> \"d\" 'e'",
        "&amp; &lt;br/&gt; <para>",
    ]
    view["site"] = ["<font size=90>big</font>", "]]>", "<!--", "<br/>"]
    view["hours"] = ["9h <i>&</i> 17h", "x\x00y\x07z", "", "<a href='javascript:1'>x</a>"]
    view["phone"] = ["<img src=x>; 02 000 00 00", "", "", ""]
    pdf = _pdf(view, "fr", near="<i>Liège & co</i>", radius_km=5)
    text = _text(pdf)
    for value in (
        "<b>&</b>",
        "<script>alert(1)</script>",
        "A & B <c> \"d\" 'e'",
        "&amp; &lt;br/&gt; <para>",
        "<font size=90>big</font>",
        "]]>",
        "<!--",
        "9h <i>&</i> 17h",
        "<a href='javascript:1'>x</a>",
        "<img src=x>",
        "<i>Liège & co</i>",
        "xyz",
    ):
        assert value in text, value


def test_other_scripts_print_and_what_no_font_has_is_replaced(frame: pd.DataFrame) -> None:
    view = frame.head(3).copy()
    view["org_id"] = ["a", "b", "c"]
    view["organisation"] = ["جمعية اللاجئين", "Łódź Ősszefogás ትግርኛ 🙂", "Київ\u202fпомощь 你好"]
    pdf = _pdf(view, "en")
    text = _text(pdf)
    assert "Łódź Ősszefogás ትግርኛ ?" in text  # Latin, Ethiopic; no font has the emoji
    assert "Київ помощь ?" in text
    # The Arabic name as real letters in reading order (PDFium, as a browser copies it).
    assert "جمعية اللاجئين" in _logical(pdf)
    assert t("handout_replaced", "en") in text


def _logical(pdf: bytes) -> str:
    """The text as PDFium reads it (Chromium's PDF viewer: what a visitor copies)."""
    document = pypdfium2.PdfDocument(pdf)
    return " ".join(
        " ".join(document[i].get_textpage().get_text_range().split()) for i in range(len(document))
    )


def test_printable_keeps_what_the_fonts_draw_and_replaces_the_rest() -> None:
    kept = "é è ê ë à ç ô ï ü œ Œ « » ’ – — € … ő ł Ω Київ ትግርኛ مرحبا ≈"
    assert printable(kept) == kept
    assert printable("e\u0301") == "é"  # decomposed accents are recomposed
    assert printable("a\u202fb\u200bc") == "a bc"  # narrow space kept as space, ZWSP dropped
    assert printable("㎞ 🙂🙂 你好") == "km ? ?"  # folded; one '?' per run
    # A bidirectional override from the data would reverse the rest of a printed line: dropped.
    assert printable("a\u202eb\u2066c\u2069") == "abc"
    assert printable("می\u200cخواهم") == "می\u200cخواهم"  # Persian's zero-width non-joiner stays
    assert printable("أيّ معروضًا") == "أي معروضا"  # printed unvocalised (lien.outputs.pdf)


# --- empty and long views ------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_an_empty_view_says_no_site_matches(frame: pd.DataFrame, lang: str) -> None:
    view = filters.apply(frame, filters.Filters(q="zzzqqq"))
    assert view.empty
    pdf = _pdf(view, lang)
    reader = _reader(pdf)
    assert len(reader.pages) == 1
    text = _text(pdf)
    assert t("no_match", lang) in text
    assert t("title", lang) in text


def test_a_huge_view_is_capped(frame: pd.DataFrame) -> None:
    n = 100_000
    rng = np.random.default_rng(0)
    big = frame.iloc[np.arange(n) % len(frame)].reset_index(drop=True)
    located = big["latitude"].notna()
    big.loc[located, "latitude"] += rng.normal(0, 0.05, located.sum())
    big.loc[located, "longitude"] += rng.normal(0, 0.05, located.sum())
    pdf = _pdf(big, "en")
    reader = _reader(pdf)
    assert len(reader.pages) <= 40
    text = _text(pdf)
    more = tn("handout_more", n - MAX_SITES, "en")
    assert more in text
    sample = t("handout_map_sample", "en", shown=MAX_DOTS, total=int(located.sum()))
    assert sample in text


def test_map_draws_located_sites_in_category_colours(frame: pd.DataFrame) -> None:
    result = site_map(frame)
    assert result.located == int(frame["latitude"].notna().sum())
    assert result.drawn_sample == 0
    assert 0 < len(result.dots) <= result.located  # sites at one spot share a dot
    assert all(0 <= x <= result.width and 0 <= y <= result.height for x, y, _, _ in result.dots)
    drawn = {taxonomy.category_colours()[cat] for _, _, cat, _ in result.dots}
    expected = {
        taxonomy.category_colours()[taxonomy.category_of(cell)]
        for cell in frame.loc[frame["latitude"].notna(), "services"]
    }
    assert drawn == expected
    assert result.categories == [
        c for c in taxonomy.category_colours() if taxonomy.category_colours()[c] in expected
    ]
    # Province outlines: one path per province and Brussels.
    assert len(_outlines()) == 11


def test_the_map_is_drawn_in_the_pdf_in_category_colours(frame: pd.DataFrame) -> None:
    pdf = _pdf(filters.apply(frame, filters.Filters()), "fr")
    image = np.asarray(pypdfium2.PdfDocument(pdf)[0].render(scale=2).to_pil().convert("RGB"))
    colours = {tuple(int(c[i : i + 2], 16) for i in (1, 3, 5)) for c in _colours(frame)}
    pixels = {tuple(int(v) for v in p) for p in image.reshape(-1, 3)[::3]}
    for colour in colours:  # each category's colour is on the page (its dots, its legend)
        assert any(max(abs(a - b) for a, b in zip(colour, p, strict=True)) < 12 for p in pixels)


def _colours(frame: pd.DataFrame) -> set[str]:
    return {
        taxonomy.category_colours()[taxonomy.category_of(cell)]
        for cell in frame.loc[frame["latitude"].notna(), "services"]
    }


def test_handout_texts_have_the_same_placeholders_in_every_language() -> None:
    from babel.messages.pofile import read_po

    from lien.i18n import po_path

    entries = {}
    for lang in ("fr", "nl", "en"):
        with po_path(lang).open("rb") as source:
            entries[lang] = {
                m.id if isinstance(m.id, str) else m.id[0]: [m.string]
                if isinstance(m.string, str)
                else list(m.string)
                for m in read_po(source)
                if m.id
            }
    keys = [key for key in entries["fr"] if key.startswith("handout_")]
    assert keys
    for key in keys:
        assert all(key in entries[lang] and all(entries[lang][key]) for lang in entries)
        for lang in ("fr", "nl", "en"):
            # Same placeholders in every language, or format() would fail in one of them.
            for text in entries[lang][key]:
                assert set(re.findall(r"{(\w+)}", text)) == set(
                    re.findall(r"{(\w+)}", entries["fr"][key][0])
                )


def test_a_view_naming_every_service_prints_its_pages_cap_and_says_so() -> None:
    # 300 sites under each of 20 services were 6,000 listings: 1,501 pages and 40 s of a server.
    name, data = hostile.xlsx_every_service()
    sites = upload.check_upload(data, name, None, None).frame
    assert len(sites) == 300
    file = Download("h.pdf", "fr", Build.of(handout_pdf, sites, "fr", url="http://x/"))
    pdf = file.bounded()  # in the download worker, within its limits
    reader = _reader(pdf)
    assert len(reader.pages) <= MAX_PAGES + 2  # the header's page, and the last one begun
    text = _text(pdf)
    assert "Organisation 000" in text
    cut = 300 * len(taxonomy.services().codes) - text.count("Adresse :")
    note = tn("handout_cut", cut, "fr", count=number(cut, "fr"), pages=MAX_PAGES)
    assert " ".join(printable(note).split())[:40] in " ".join(text.split())


def test_each_entry_says_when_it_was_checked_and_that_it_may_be_out_of_date(
    frame: pd.DataFrame,
) -> None:
    # The seed directory was checked in June 2016, more than 12 months ago.
    for lang, checked, stale in (
        ("fr", "vérifié en juin 2016", "peut-être dépassé"),
        ("nl", "gecontroleerd in juni 2016", "mogelijk verouderd"),
        ("en", "checked in June 2016", "may be out of date"),
    ):
        text = _text(_pdf(frame.head(3), lang))
        assert checked in text
        assert stale in text
