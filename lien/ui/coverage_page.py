"""The coverage page's widgets: headline figures, and the printable summary for funders."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lien import coverage
from lien.i18n import percent, t
from lien.render import tables

_PRINT_CSS = """
<style>
@media print {
  @page { size: A4; margin: 12mm; }
  [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"],
  [data-testid="stDownloadButton"], [data-testid="stSelectbox"],
  .stPlotlyChart { display: none !important; }
  .lien-print-only { display: block !important; }
  section.main > div { padding: 0 !important; }
}
</style>
"""


def print_style() -> None:
    """CSS so that the browser's print gives the A4 funder summary, without sidebar or widgets."""
    st.markdown(_PRINT_CSS, unsafe_allow_html=True)


def headline_metrics(figures: coverage.Headline, lang: str) -> None:
    """The headline figures as metrics."""
    cols = st.columns(6)
    cols[0].metric(t("m_organisations", lang), figures.organisations)
    cols[1].metric(t("m_sites", lang), figures.sites)
    cols[2].metric(t("m_services", lang), figures.services_offered)
    cols[3].metric(
        t("m_provinces", lang), f"{figures.provinces_covered} / {figures.provinces_total}"
    )
    cols[4].metric(t("m_approximate", lang), percent(figures.approximate_share, lang))
    cols[5].metric(t("m_national", lang), figures.national_organisations)
    dates = ", ".join(figures.source_dates) or t("undated", lang)
    st.caption(t("m_dates", lang) + ": " + dates)


@st.cache_data(show_spinner=False)
def municipalities() -> pd.DataFrame:
    """Belgium's municipalities with a point each, loaded once."""
    return coverage.municipality_points()


def funder_summary(
    figures: coverage.Headline,
    table: pd.DataFrame,
    holes: list[tuple[str, str]],
    lang: str,
    top: int = 10,
) -> None:
    """A printable section: headline figures, the matrix and the services with the most gaps."""
    st.header(t("funder_summary", lang))
    st.caption(t("print_hint", lang))
    rows = [
        (t("m_organisations", lang), figures.organisations),
        (t("m_sites", lang), figures.sites),
        (t("m_services", lang), figures.services_offered),
        (t("m_provinces", lang), f"{figures.provinces_covered} / {figures.provinces_total}"),
        (t("m_approximate", lang), percent(figures.approximate_share, lang)),
        (t("m_national", lang), figures.national_organisations),
    ]
    st.markdown(
        "".join(f"- {label}: **{value}**\n" for label, value in rows) + "- " + t("old_source", lang)
    )
    st.html(
        tables.html_table(
            tables.matrix_table(table, lang).drop(columns=["code"]), t("matrix_province", lang)
        )
    )
    st.subheader(t("top_gaps", lang))
    if not holes:
        st.write(t("no_gap", lang))
    st.html(tables.html_table(tables.gaps_table(holes, lang, top), t("top_gaps", lang)))
