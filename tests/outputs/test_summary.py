"""The funder summary PDF: two A4 pages at most, the whole matrix readable, the figures of
lien.coverage as the page shows them, the farthest municipalities, the filters and sources, and
data printed as text, never as markup."""

from __future__ import annotations

import datetime
import io
import math
import re
from dataclasses import dataclass

import pandas as pd
import pytest
from pypdf import PdfReader

from lien import coverage, filters, i18n, taxonomy
from lien.geo.areas import NATIONAL, area_label, province_names
from lien.i18n import number, t, tn
from lien.ingest import directory
from lien.ingest.directory import read_directory
from lien.outputs.about import filters_text
from lien.outputs.pdf import printable
from lien.outputs.summary import HEADER_SIZE, MAX_GAPS, MAX_PAGES, summary_pdf
from lien.render import tables

DAY = datetime.date(2026, 11, 23)
URL = "https://lien.example.be/Couverture_Dekking_Coverage?service=housing&lang=fr"
ALL = tuple(taxonomy.services().codes)


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return directory.prepare(read_directory().frame)


@pytest.fixture(scope="module")
def municipalities() -> pd.DataFrame:
    return coverage.municipality_points()


def _pdf(
    frame: pd.DataFrame,
    municipalities: pd.DataFrame,
    chosen: filters.Filters,
    service: str = "housing",
    view: pd.DataFrame | None = None,
    url: str = URL,
) -> bytes:
    sites = filters.apply(frame, chosen) if view is None else view
    report = coverage.report(sites, chosen, service, municipalities)
    return summary_pdf(report, url=url, today=DAY)


def _reader(pdf: bytes) -> PdfReader:
    assert pdf.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(pdf))


def _text(pdf: bytes) -> str:
    """All pages' text with runs of white space made single spaces (lines wrap anywhere)."""
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in _reader(pdf).pages))


@dataclass(frozen=True)
class Run:
    """A piece of text as drawn: its page, where, and at what size on the page."""

    page: int
    x: float
    y: float
    size: float
    text: str


def _runs(pdf: bytes) -> list[Run]:
    """Every text run with its position and its size as printed (scaling included)."""
    runs: list[Run] = []
    for number_, page in enumerate(_reader(pdf).pages):

        def visit(text, cm, tm, font, size, page_number=number_) -> None:
            if not text.strip():
                return
            # The text matrix times the current transformation: where and how big on the page.
            a = tm[0] * cm[0] + tm[1] * cm[2]
            b = tm[0] * cm[1] + tm[1] * cm[3]
            c = tm[2] * cm[0] + tm[3] * cm[2]
            d = tm[2] * cm[1] + tm[3] * cm[3]
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            del a, b
            runs.append(Run(page_number, x, y, size * math.hypot(c, d), text.strip()))

        page.extract_text(visitor_text=visit)
    return runs


def _row(runs: list[Run], label: str) -> list[str]:
    """The texts drawn on the same line as `label`, left to right, after it."""
    [start] = [r for r in runs if r.text == label]
    same = [r for r in runs if r.page == start.page and abs(r.y - start.y) < 2 and r.x > start.x]
    return [r.text for r in sorted(same, key=lambda r: r.x)]


# --- two pages ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "chosen",
    [
        filters.Filters(),
        filters.Filters(lang="nl"),
        filters.Filters(lang="en"),
        filters.Filters(services=ALL),
        filters.Filters(services=ALL, lang="nl"),
    ],
    ids=["seed-fr", "seed-nl", "seed-en", "all-services-fr", "all-services-nl"],
)
def test_seed_views_fit_two_pages_without_shrinking(
    frame: pd.DataFrame, municipalities: pd.DataFrame, chosen: filters.Filters
) -> None:
    pdf = _pdf(frame, municipalities, chosen)
    assert 1 <= len(_reader(pdf).pages) <= MAX_PAGES
    # Nothing was scaled down: no text is smaller than the matrix's area names.
    smallest = min(r.size for r in _runs(pdf))
    assert smallest >= HEADER_SIZE - 0.01


def _hostile(frame: pd.DataFrame) -> pd.DataFrame:
    """The seeds with names, sites and sources as long and strange as a file can make them."""
    view = frame.copy()
    long = "Organisation " + "très longue " * 600
    # 你好: no font of the PDFs draws Chinese, so it prints as "?" (the Arabic beside it prints).
    view["organisation"] = [f"{i} 你好 مرحبا <b>{long}</b>" for i in range(len(view))]
    view["org_id"] = [f"org{i}" for i in range(len(view))]
    view["site"] = ["Site " + "Ω" * 4000 for _ in range(len(view))]
    view["source"] = [f"document-{i}-{'x' * 400}.pdf § 1" for i in range(len(view))]
    view["source_date"] = [f"20{10 + i % 10}-0{1 + i % 9}" for i in range(len(view))]
    return view


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_a_hostile_view_still_fits_two_pages(
    frame: pd.DataFrame, municipalities: pd.DataFrame, lang: str
) -> None:
    chosen = filters.Filters(services=ALL, q="q" * 3000, lang=lang)
    view = _hostile(frame)
    pdf = _pdf(frame, municipalities, chosen, view=view, url=URL + "&q=" + "q" * 6000)
    assert len(_reader(pdf).pages) <= MAX_PAGES
    text = _text(pdf)
    assert t("old_source", lang) in text
    # The sources beyond the first five are counted, not listed.
    documents = len(coverage.source_documents(view))
    assert tn("handout_more_sources", documents - 5, lang) in text
    assert t("handout_replaced", lang) in text  # the Chinese printed as "?"


def test_an_empty_view_says_so(frame: pd.DataFrame, municipalities: pd.DataFrame) -> None:
    chosen = filters.Filters(q="no organisation is called this")
    pdf = _pdf(frame, municipalities, chosen)
    assert len(_reader(pdf).pages) <= MAX_PAGES
    text = _text(pdf)
    assert t("no_match", "fr") in text
    label = taxonomy.services().label("housing", "fr")
    assert t("no_provider", "fr", service=label) in text


# --- the matrix --------------------------------------------------------------------------------


def _matrix_header(pdf: bytes, lang: str) -> str:
    """The matrix's header row as read: from its heading's "Service" to the first service's
    label, lines joined with a space, or with nothing after a hyphen ("West-" / "Vlaanderen")."""
    for page in _reader(pdf).pages:
        text = page.extract_text()
        heading = text.find(t("matrix_province", lang))
        if heading < 0:
            continue
        start = text.index(t("axis_service", lang), heading) + len(t("axis_service", lang))
        first = taxonomy.services().label(taxonomy.services().codes[0], lang)
        # The first label may wrap in its column ("Opvang van" / "asielzoekers").
        found = re.compile(r"\s+".join(map(re.escape, first.split()))).search(text, start)
        assert found is not None, first
        header = text[start : found.start()]
        return re.sub(r"\s+", " ", re.sub(r"-\s*\n\s*", "-", header)).strip()
    raise AssertionError("no matrix")


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
@pytest.mark.parametrize("services", [(), ALL], ids=["seed", "all-services"])
def test_every_area_and_the_national_column_head_the_matrix(
    frame: pd.DataFrame, municipalities: pd.DataFrame, lang: str, services: tuple[str, ...]
) -> None:
    pdf = _pdf(frame, municipalities, filters.Filters(lang=lang, services=services))
    header = _matrix_header(pdf, lang)
    names = list(province_names(lang).values())
    assert len(names) == 11
    # Whole names in the matrix's order: a header cell breaks between words, never inside one.
    assert header == " ".join([*names, area_label(NATIONAL, lang)])


@pytest.mark.parametrize(
    ("lang", "services"), [("fr", ["housing", "legal_aid", "health"]), ("en", ["social_support"])]
)
def test_matrix_rows_are_the_coverage_counts(
    frame: pd.DataFrame, municipalities: pd.DataFrame, lang: str, services: list[str]
) -> None:
    chosen = filters.Filters(lang=lang)
    view = filters.apply(frame, chosen)
    table = coverage.matrix(view, "province")
    holes = set(coverage.gaps(table))
    runs = _runs(_pdf(frame, municipalities, chosen))
    for service in services:
        expected = [
            "×" if (service, area) in holes else number(int(table.at[service, area]), lang)
            for area in table.columns
        ]
        assert len(expected) == 12
        assert _row(runs, taxonomy.services().label(service, lang)) == expected
        # A row with sites has numbers, and gaps are marked, not printed as 0.
        assert any(v not in ("×", "0") for v in expected)
    assert printable("✕") == "×"


def test_the_matrix_of_a_chosen_service_set_has_those_rows_only(
    frame: pd.DataFrame, municipalities: pd.DataFrame
) -> None:
    chosen = filters.Filters(services=("housing", "legal_aid"), lang="en")
    runs = _runs(_pdf(frame, municipalities, chosen))
    labels = {r.text for r in runs}
    assert "Housing" in labels
    assert "Legal aid" in labels
    assert taxonomy.services().label("mental_health", "en") not in labels


def test_services_with_the_most_gaps(frame: pd.DataFrame, municipalities: pd.DataFrame) -> None:
    chosen = filters.Filters()
    view = filters.apply(frame, chosen)
    holes = coverage.gaps(coverage.matrix(view, "province"))
    text = _text(_pdf(frame, municipalities, chosen))
    assert t("top_gaps", "fr") in text
    top = tables.gaps_table(holes, "fr", MAX_GAPS)
    first = top.iloc[0]
    # The service with the most gaps, with every area it lacks, and the others counted.
    assert f"{first.iloc[0]} {first.iloc[1]} {first.iloc[2]}" in text
    with_gaps = len({service for service, _ in holes})
    assert with_gaps > MAX_GAPS
    assert tn("summary_more_gaps", with_gaps - MAX_GAPS, "fr") in text
    assert tn("gap_count", len(holes), "fr") in text


# --- the farthest municipalities ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "service"), [("fr", "housing"), ("nl", "legal_aid"), ("en", "health")]
)
def test_the_farthest_municipality_to_the_km(
    frame: pd.DataFrame, municipalities: pd.DataFrame, lang: str, service: str
) -> None:
    chosen = filters.Filters(lang=lang)
    view = filters.apply(frame, chosen)
    distances = coverage.nearest_provider(view, service, municipalities)
    farthest = tables.distance_table(coverage.deserts(distances, 1), lang)
    name = farthest[t("col_municipality", lang)].iloc[0]
    km = float(coverage.deserts(distances, 1)["distance_km"].iloc[0])
    pdf = _pdf(frame, municipalities, chosen, service=service)
    text = _text(pdf)
    label = taxonomy.services().label(service, lang)
    assert t("deserts_title", lang, service=label) in text  # the heading names the service
    assert "{" not in text
    assert "}" not in text
    assert number(round(km), lang) in _row(_runs(pdf), name)
    assert t("summary_distance_note", lang) in text


# --- what the view is --------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_filters_link_sources_and_the_2016_warning(
    frame: pd.DataFrame, municipalities: pd.DataFrame, lang: str
) -> None:
    chosen = filters.Filters(services=("housing", "legal_aid"), q="caritas", lang=lang)
    text = _text(_pdf(frame, municipalities, chosen))
    assert t("funder_summary", lang) in text
    assert t("handout_printed", lang, date=i18n.date(DAY, lang)) in text
    assert filters_text(chosen, lang) in text
    assert URL in text
    assert t("handout_src_brochure", lang) in text
    assert "2016-06" in text
    assert t("old_source", lang) in text


def test_names_are_printed_not_interpreted(
    frame: pd.DataFrame, municipalities: pd.DataFrame
) -> None:
    view = frame.copy()
    # Every provider of housing is now called by markup; the farthest municipality's nearest
    # organisation is then one of them.
    housing = view["services"].str.contains("housing", na=False)
    view.loc[housing, "organisation"] = "<b>x</b> & <font size=40>Co</font>"
    view.loc[housing, "site"] = "<i>site</i>"
    chosen = filters.Filters(q="<b>y</b>")
    pdf = _pdf(frame, municipalities, chosen, view=view, url=URL + "&q=<br/>")
    text = _text(pdf)
    assert "<b>x</b> & <font size=40>Co</font>" in text
    assert "<i>site</i>" in text
    assert "<b>y</b>" in text
    assert URL + "&q=<br/>" in text
    assert max(r.size for r in _runs(pdf)) < 20  # no 40-point text


def test_the_language_argument_overrides_the_view_s(
    frame: pd.DataFrame, municipalities: pd.DataFrame
) -> None:
    chosen = filters.Filters(lang="fr")
    report = coverage.report(filters.apply(frame, chosen), chosen, "housing", municipalities)
    pdf = summary_pdf(report, lang="nl")
    text = _text(pdf)
    assert t("funder_summary", "nl") in text
    assert t("funder_summary", "fr") not in text


def test_the_pdf_prints_the_figures_of_the_report_it_is_given(
    frame: pd.DataFrame, municipalities: pd.DataFrame
) -> None:
    chosen = filters.Filters(lang="fr", services=("housing", "legal_aid"))
    report = coverage.report(filters.apply(frame, chosen), chosen, "legal_aid", municipalities)
    text = _text(summary_pdf(report, today=DAY))
    for key, value in report.headline.items("fr"):
        shown = number(value, "fr") if isinstance(value, int) else value
        # Each value over its label, white space as _text leaves it.
        assert re.sub(r"\s+", " ", f"{printable(shown)} {printable(t(key, 'fr'))}") in text
    assert tn("gap_count", len(report.gaps), "fr") in text
    farthest = tables.distance_table(report.farthest, "fr")[t("col_municipality", "fr")]
    assert printable(farthest.iloc[0]) in text
