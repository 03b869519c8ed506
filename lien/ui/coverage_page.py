"""The coverage page's widgets: headline figures, and the printable summary for funders."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from lien import coverage, display, filters, taxonomy
from lien.filters import FOCUS, Filters
from lien.geo.areas import area_label
from lien.i18n import listed, percent, t, tn
from lien.outputs import export, summary
from lien.outputs.builds import Build, Download
from lien.render import charts, tables
from lien.render.heatmap import heatmap_html
from lien.text import markdown_escape
from lien.ui.common import base_url, download, md, table_downloads, view_about
from lien.ui.navigation import COVERAGE_PATH
from lien.ui.reached import reached_button

# Printing the page gives the funder's summary on A4: the figures, the gaps of the chosen service
# and its farthest municipalities, the matrix (the heatmap, in its print sizes) and the services
# with the most gaps; no sidebar, widgets, charts (their hidden boxes would leave blank areas),
# region matrix or hint; tables fit the width; a section starts a page only when it has to.
_PRINT_CSS = """
<style>
@media print {
  @page { size: A4; margin: 10mm; }
  [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"],
  [data-testid="stDecoration"], [data-testid="stStatusWidget"],
  [data-testid="stElementContainer"]:has([data-testid="stFullScreenFrame"]),
  [data-testid="stElementContainer"]:has([data-testid="stDownloadButton"]),
  [data-testid="stElementContainer"]:has([data-testid="stSelectbox"]),
  [data-testid="stElementContainer"]:has([data-testid="stCheckbox"]),
  [data-testid="stHorizontalBlock"]:has([data-testid="stDownloadButton"]),
  .st-key-chips, .st-key-print_hint, .st-key-lower_trigger,
  .st-key-matrix_region { display: none !important; }
  .block-container, [data-testid="stMainBlockContainer"] {
    padding: 0 !important; max-width: 100% !important;
  }
  [data-testid="stAppViewContainer"], [data-testid="stMain"], .stApp {
    overflow: visible !important; height: auto !important; position: static !important;
  }
  .lien-table table { font-size: 7.5pt; width: 100%; }
  .lien-table th, .lien-table td { padding: 1px 3px !important; }
  h1 { font-size: 16pt !important; } h2, h3 { font-size: 12pt !important; }
  tr { break-inside: avoid; }
}
</style>
"""


# A chart of the same figures is the same chart: built once for every session (a few tenths of
# a second a run otherwise, before the first chart can leave). `_build` is left out of the hash;
# its name stands for it.
@st.cache_data(show_spinner=False, max_entries=256)
def _spec(
    _build: Callable[[Any, str, str], dict[str, Any]], name: str, data: Any, lang: str, label: str
) -> dict[str, Any]:
    return _build(data, lang, label)


def chart(
    build: Callable[[Any, str, str], dict[str, Any]], data: Any, lang: str, label: str, key: str
) -> None:
    """`build(data, lang, label)`, a Vega-Lite chart of lien.render.charts, named for screen
    readers by its description."""
    spec = _spec(build, build.__name__, data, lang, label)
    # The description becomes `alt` (Streamlit names the chart with it); left in the spec too,
    # Streamlit would log a warning with a stack on every run.
    shown = {name: value for name, value in spec.items() if name != "description"}
    st.vega_lite_chart(spec=shown, key=key, alt=charts.description(spec))


def heatmap(table: pd.DataFrame, lang: str, title: str, key: str) -> None:
    """Sites per service and area as a heatmap table (lien.render.heatmap), in a box named `key`
    (the print leaves out the region's: the funder's summary is by province)."""
    with st.container(key=key):
        st.html(heatmap_html(table, lang, title))


# Once the visitor has reached the charts below the first one, this session draws them at once.
LOWER_CHARTS = "coverage_lower_charts"
_LOWER_TRIGGER = "coverage_lower_reached"


def _reached(lang: str) -> bool:
    """Whether to draw the charts below the first one: yes once the visitor has reached the place
    they go (lien.ui.reached), which stands there until then."""
    reached = (
        bool(st.session_state.get(LOWER_CHARTS)) or st.session_state.get(_LOWER_TRIGGER) is True
    )
    if not reached:
        with st.container(key="lower_trigger"):
            reached = reached_button(t("lower_charts", lang), lang, key=_LOWER_TRIGGER)
    if reached:
        st.session_state[LOWER_CHARTS] = True
    return reached


# A fragment: reaching the charts reruns this part alone. A whole-page rerun would give every
# download button of the page a new file id and drop the old ones, so a tap on a download the
# visitor had just scrolled to fetched nothing ("Deferred file … not found" in the server log).
@st.fragment
def lower_charts(report: coverage.CoverageReport, lang: str) -> None:
    """The region's matrix and the two maps of the chosen service, once the visitor reaches them."""
    if not _reached(lang):
        return
    heatmap(report.by_region, lang, t("matrix_region", lang), "matrix_region")
    chart(charts.choropleth, report.service_counts(), lang, report.service, "choropleth")
    if report.has_provider:
        chart(charts.distance_map, report.distances, lang, report.service, "distance_map")


def print_style() -> None:
    """CSS so that the browser's print gives the A4 funder summary, without sidebar or widgets."""
    st.html(_PRINT_CSS)


def headline_metrics(figures: coverage.Headline, lang: str) -> None:
    """The headline figures as metrics, three to a row so that no label is cut."""
    items = [(t(key, lang), value) for key, value in figures.items(lang)]
    for start in (0, 3):
        for col, (label, value) in zip(st.columns(3), items[start : start + 3], strict=True):
            col.metric(label, value)
    dates = listed(figures.source_dates, lang) or t("undated", lang)
    st.caption(t("m_dates", lang) + ": " + dates)
    st.caption(t("m_checked", lang, share=percent(figures.checked_share, lang)))
    if figures.unstated:
        st.caption(tn("m_unstated", figures.unstated, lang))


def near_here(chosen: Filters, lang: str) -> Filters:
    """Near-me, set on the map page, applies here only if the visitor keeps it (a checkbox, off
    by default); the page says which. The filters that apply on this page."""
    if not chosen.near:
        return chosen
    radius = f"{chosen.radius_km:g}"
    keep = st.checkbox(
        t("keep_near", lang, place=md(chosen.near), radius=radius), key="cov_keep_near"
    )
    if keep:
        st.info(t("near_applied", lang, place=md(chosen.near), radius=radius))
        return chosen
    st.caption(t("near_not_applied", lang, place=md(chosen.near)))
    return dataclasses.replace(chosen, near="")


# The select box of the service to map, and where the session keeps the visitor's own choice
# (the box's, or the URL's): apart from the box, whose value Streamlit drops when another page
# is shown and which the page sets to its default when the visitor has chosen nothing.
_SERVICE_BOX = "cov_service"


def _remember_service() -> None:
    st.session_state[FOCUS.key] = st.session_state[_SERVICE_BOX]


def asked_service(chosen: Filters) -> str | None:
    """The service the visitor asked for, in the box or in the URL, when it is one of the
    filtered services (any when none is); else None, and the report picks one."""
    options = list(chosen.services) or taxonomy.services().codes
    asked = st.session_state.get(FOCUS.key)
    return asked if asked in options else None


def service_choice(chosen: Filters, service: str, lang: str) -> None:
    """The box of the service the gap answer, the maps, the farthest municipalities and the
    funder summary are about, one of the filtered services (any when none is), showing
    `service` (the report's). Kept in the URL, whose links reopen it."""
    options = list(chosen.services) or taxonomy.services().codes
    st.session_state[_SERVICE_BOX] = service
    st.selectbox(
        t("chosen_service", lang),
        options,
        key=_SERVICE_BOX,
        format_func=lambda c: taxonomy.services().label(c, lang),
        on_change=_remember_service,
    )
    st.query_params[FOCUS.param] = service  # after the sidebar, which writes the filters


def focus(service: str) -> dict[str, str]:
    """The page's own URL parameters: the service it maps."""
    return {FOCUS.param: service}


def service_label(service: str, lang: str) -> str:
    """A service's name, as a Markdown-safe text (taxonomy labels come from data/)."""
    return markdown_escape(taxonomy.services().label(service, lang))


def summary_download(report: coverage.CoverageReport, lang: str) -> None:
    """The funder summary (PDF, from the page's own report), built on click; its link reopens
    this service."""
    url = filters.share_url(base_url() + COVERAGE_PATH, report.filters, focus(report.service))
    build = Build.of(summary.summary_pdf, report, url=url, lang=lang)
    file = Download(export.filename("lien-summary", "pdf"), lang, build)
    download(st, t("download_summary", lang), file, key="summary_pdf")


def service_answer(report: coverage.CoverageReport, sites: pd.DataFrame, lang: str) -> None:
    """The planner's answer for the report's service: where it has no provider, the
    municipalities farthest from one with their downloads (of the view `sites`), and the funder
    summary's download."""
    service, chosen = report.service, report.filters
    gap_answer(report, lang)
    if not report.has_provider:
        st.info(t("no_provider", lang, service=service_label(service, lang)))
    else:
        title = t("deserts_title", lang, service=service_label(service, lang))
        st.subheader(title)
        # Fifteen rows as HTML: an st.dataframe would fetch Streamlit's Arrow and data-grid
        # bundles (about 1.3 MB) ahead of the charts.
        deserts = tables.distance_table(report.farthest, lang)
        st.html(tables.html_table(deserts, title))
        about = t("about_distances", lang)
        table_downloads(
            tables.distance_table(report.distances, lang),
            view_about(about, sites, chosen, COVERAGE_PATH, service, focus(service)),
            "lien-distances",
            "distances",
            (t("download_distance_csv", lang), t("download_distance_xlsx", lang)),
            t("sheet_distances", lang),
        )
    summary_download(report, lang)


def gap_answer(report: coverage.CoverageReport, lang: str) -> None:
    """The planner's answer: where the report's service has no provider, as a sentence and as
    a list."""
    holes = report.missing
    st.subheader(t("gap_heading", lang))
    st.markdown(markdown_escape(display.gap_sentence(report.service, holes, lang)))
    if holes:
        st.markdown("".join(f"- {markdown_escape(area_label(a, lang))}\n" for a in holes))


@st.cache_data(show_spinner=False)
def municipalities() -> pd.DataFrame:
    """Belgium's municipalities with a point each, loaded once."""
    return coverage.municipality_points()


def funder_summary(holes: list[tuple[str, str]], lang: str, top: int = 10) -> None:
    """The funder's section: how to print the page as their summary, and the services with the
    most gaps. The figures, the matrix and the farthest municipalities stand above, once: the
    print gives them with this."""
    st.header(t("funder_summary", lang))
    with st.container(key="print_hint"):
        st.caption(t("print_hint", lang))
    st.subheader(t("top_gaps", lang))
    if not holes:
        st.write(t("no_gap", lang))
    st.html(tables.html_table(tables.gaps_table(holes, lang, top), t("top_gaps", lang)))
