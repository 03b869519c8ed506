"""The map page's widgets: the map, the list of sites, and the downloads of the view."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from lien import filters
from lien.filters import Filters
from lien.i18n import t
from lien.outputs import export, handout, hsds, offline
from lien.render import mapview, sites_layer, tables
from lien.ui.common import XLSX_MIME, base_url, view_about


def site_map(
    sites: pd.DataFrame,
    lang: str,
    origin: tuple[float, float] | None,
    radius_km: float | None,
    key: str,
) -> None:
    """The map of located sites, fitted to them or to the near-me circle."""
    # No center or zoom: the layer fits its own bounds in the browser, at the map's real size.
    layer = sites_layer.sites_layer(sites, lang, origin, radius_km if origin else None)
    st_folium(
        mapview.base_map(lang),
        feature_group_to_add=layer,
        returned_objects=[],
        key=key,
        height=520,
        use_container_width=True,
    )


def sites_table(sites: pd.DataFrame, lang: str, key: str) -> None:
    """The accessible list of sites: names, services, town, distance, and contact links."""
    if len(sites) > tables.TABLE_ROWS:
        st.caption(t("table_capped", lang, shown=tables.TABLE_ROWS, total=len(sites)))
        sites = sites.head(tables.TABLE_ROWS)
    email, website = t("col_email", lang), t("col_website", lang)
    st.dataframe(
        tables.sites_table(sites, lang),
        hide_index=True,
        width="stretch",
        key=key,
        column_config={
            email: st.column_config.LinkColumn(email, display_text=r"mailto:(.*)"),
            website: st.column_config.LinkColumn(website),
        },
    )


def downloads(sites: pd.DataFrame, chosen: Filters, lang: str, stem: str, key: str) -> None:
    """Buttons to download exactly these rows as CSV, Excel, GeoJSON and HSDS, built on click;
    each says what it holds (filters, link, date, sources) and labels the codes in `lang`."""
    about = view_about(t("about_sites", lang, count=len(sites)), sites, chosen)
    columns = st.columns(4)
    columns[0].download_button(
        t("download_csv", lang),
        lambda: export.to_csv(sites, about, lang),
        export.filename(stem, "csv"),
        "text/csv",
        key=f"{key}_csv",
    )
    columns[1].download_button(
        t("download_xlsx", lang),
        lambda: export.to_xlsx(sites, about, lang),
        export.filename(stem, "xlsx"),
        XLSX_MIME,
        key=f"{key}_xlsx",
    )
    columns[2].download_button(
        t("download_geojson", lang),
        lambda: export.to_geojson(sites, about, lang),
        export.filename(stem, "geojson"),
        "application/geo+json",
        key=f"{key}_geojson",
    )
    columns[3].download_button(
        t("download_hsds", lang),
        lambda: hsds.export_zip(sites),
        export.filename(f"{stem}-hsds", "zip"),
        "application/zip",
        key=f"{key}_hsds",
        help=t("download_hsds_help", lang),
    )


def take_away(
    sites: pd.DataFrame, chosen: Filters, origin: tuple[float, float] | None, lang: str, key: str
) -> None:
    """The view to take along: an A4 handout (PDF) and a map file that works with no network."""
    url = filters.share_url(base_url(), chosen)
    left, right = st.columns(2)
    left.download_button(
        t("download_handout", lang),
        lambda: handout.handout_pdf(
            sites, lang, url=url, near=chosen.near, radius_km=chosen.radius_km if origin else None
        ),
        export.filename("lien-handout", "pdf"),
        "application/pdf",
        key=f"{key}_pdf",
        help=t("download_handout_help", lang),
    )
    right.download_button(
        t("download_offline", lang),
        lambda: offline.offline_html(sites, lang, origin, title=t("title", lang)),
        export.filename("lien-map", "html"),
        "text/html",
        key=f"{key}_html",
        help=t("download_offline_help", lang),
    )
