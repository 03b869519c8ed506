"""The tables the pages show and let visitors download, as pandas frames with translated headers.

Pure functions of the data and the language (no Streamlit), so they are tested directly; the UI
only hands them to st.dataframe, a download button or, as HTML, to st.html (html_table).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd

from lien import taxonomy
from lien.display import Link, email_links, phone_links, service_labels, towns, website_links
from lien.freshness import freshness
from lien.geo.areas import area_label, local_name, province_names
from lien.i18n import listed, t
from lien.ingest.directory import problems_frame
from lien.links import suggest_url
from lien.problems import Problem
from lien.schema import per_distinct, text

TABLE_ROWS = 1_000  # more rows than anyone reads on screen; the downloads hold them all


def sites_table(sites: pd.DataFrame, lang: str, suggest: str | None = None) -> pd.DataFrame:
    """The accessible list of sites: names, services, town, distance, and contact links; with
    `suggest` (the app's root address), each row's "suggest a correction" address.

    E-mails are "mailto:" links and websites safe http(s) URLs, for link columns. Read as
    site_fields() reads a site, but once per distinct cell: reading each row as a whole cost a
    large view dearly (docs/performance.md).
    """
    town = towns(sites, lang)
    table = pd.DataFrame(
        {
            t("col_organisation", lang): _each(sites, "organisation", _stripped),
            t("col_site", lang): _each(sites, "site", _stripped),
            t("col_services", lang): _each(
                sites, "services", lambda cell: listed(service_labels(cell, lang), lang)
            ),
            t("col_town", lang): town.where(town != "", None),
        },
        index=sites.index,
    )
    if "distance_km" in sites:
        table[t("col_distance", lang)] = sites["distance_km"].round(1)
    table[t("col_phone", lang)] = _each(sites, "phone", lambda cell: _first(phone_links(cell), ""))
    table[t("col_email", lang)] = _each(sites, "email", lambda cell: _first(email_links(cell)))
    table[t("col_website", lang)] = _each(
        sites, "website", lambda cell: _first(website_links(cell))
    )
    table[t("col_checked", lang)] = checked_column(sites, lang)
    if suggest is not None and "site_id" in sites:
        table[t("col_suggest", lang)] = [
            suggest_url(suggest, str(site_id), lang) for site_id in sites["site_id"]
        ]
    return table.reset_index(drop=True)


def checked_column(sites: pd.DataFrame, lang: str) -> pd.Series:
    """When each site was checked, with its status and "may be out of date" (lien.freshness),
    read once per distinct (status, date)."""
    empty = pd.Series("", index=sites.index)
    checked = sites.get("checked_on", empty).fillna("").astype(str)
    dated = checked.where(checked != "", sites.get("source_date", empty).fillna("").astype(str))
    status = sites.get("status", empty).fillna("").astype(str)
    # One key per (status, date): a unit separator no date holds joins them.
    read = lambda key: _fresh_line(key, lang)  # noqa: E731
    return pd.Series(per_distinct(status + "\x1f" + dated, read).tolist(), index=sites.index)


def _fresh_line(key: str, lang: str) -> str:
    status, _, checked_on = key.partition("\x1f")
    return freshness({"status": status, "checked_on": checked_on}, lang).line()


def _stripped(cell: Any) -> str:
    return text(cell).strip()


def _first(links: tuple[Link, ...], empty: str | None = None) -> str | None:
    return (links[0].href if empty is None else links[0].text) if links else empty


def _each(sites: pd.DataFrame, column: str, read: Callable[[Any], Any]) -> pd.Series:
    """`read` of each cell of `column` (of "" where the column is missing), once per distinct
    value."""
    if column not in sites:
        return pd.Series([read("")] * len(sites), index=sites.index)
    return pd.Series(per_distinct(sites[column], read).tolist(), index=sites.index)


def problems_table(problems: Sequence[Problem], lang: str) -> pd.DataFrame:
    """Problems with translated headers and messages, for display and download."""
    table = problems_frame(problems, lang)
    table["row"] = table["row"].astype("Int64")
    return table.rename(
        columns={
            "row": t("col_row", lang),
            "field": t("col_field", lang),
            "message": t("col_message", lang),
        }
    )


def matrix_table(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A matrix with translated labels, for display and download (codes in the first column)."""
    out = table.copy()
    out.columns = [area_label(c, lang) for c in table.columns]
    out.insert(
        0, t("axis_service", lang), [taxonomy.services().label(c, lang) for c in table.index]
    )
    out.insert(0, "code", list(table.index))
    return out.reset_index(drop=True)


def distance_table(distances: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Distances per municipality, farthest first as given: names in the visitor's language,
    whole kilometres (measured from a commune's centre, often to a site known by its town)."""
    provinces = province_names(lang)
    names = [
        local_name(fr, nl, region, lang)
        for fr, nl, region in zip(
            distances["municipality"],
            distances["municipality_nl"],
            distances["region_code"],
            strict=True,
        )
    ]
    return pd.DataFrame(
        {
            t("col_municipality_code", lang): distances["municipality_code"],
            t("col_municipality", lang): names,
            t("col_province", lang): [provinces.get(c, c) for c in distances["province_code"]],
            t("distance_km", lang): distances["distance_km"].round(0).astype("Int64"),
            t("col_nearest", lang): distances["nearest_site"],
            t("col_organisation", lang): distances["nearest_organisation"],
        }
    )


def gaps_table(holes: list[tuple[str, str]], lang: str, top: int = 10) -> pd.DataFrame:
    """The services with the most areas without a provider, most first, with those areas."""
    by_service: dict[str, list[str]] = {}
    for service, area in holes:
        by_service.setdefault(service, []).append(area_label(area, lang))
    ranked = sorted(by_service.items(), key=lambda item: (-len(item[1]), item[0]))[:top]
    return pd.DataFrame(
        {
            t("axis_service", lang): [taxonomy.services().label(s, lang) for s, _ in ranked],
            t("col_gaps", lang): [len(a) for _, a in ranked],
            t("axis_area", lang): [listed(a, lang) for _, a in ranked],
        }
    )


# A table wider than a phone scrolls sideways in its box; a keyboard reaches the box (tabindex) and
# scrolls it with the arrows, and a screen reader names it (WCAG 2.1.1; axe's
# scrollable-region-focusable). Streamlit's st.table box can't be focused, so Lien draws its own.
HTML_TABLE_CSS = """
<style>
.lien-table { overflow-x: auto; max-width: 100%; margin: 0 0 1rem; }
.lien-table:focus-visible { outline: 3px solid #1c83e1; outline-offset: 2px; }
.lien-table table { border-collapse: collapse; font-size: .9rem; }
.lien-table th, .lien-table td { border: 1px solid rgba(49, 51, 63, .2); padding: 4px 8px;
  text-align: left; vertical-align: top; }
.lien-table td.lien-number { text-align: right; }
.lien-table.lien-tall { max-height: 32rem; overflow-y: auto; }
@media print { .lien-table { overflow: visible; } }
</style>
"""


def html_table(frame: pd.DataFrame, name: str, kind: str = "") -> str:
    """`frame` as an HTML table (headers as column headers, the first column as row headers), in a
    box named `name` that a keyboard can focus and scroll (of the further class `kind`); every
    text escaped, and wrapped rather than cut."""
    e = html.escape
    columns = [str(c) for c in frame.columns]
    head = "".join(f'<th scope="col">{e(c)}</th>' for c in columns)
    rows = []
    for values in frame.itertuples(index=False):
        cells = []
        for i, value in enumerate(values):
            text = "" if pd.isna(value) else str(value)
            if i == 0:
                cells.append(f'<th scope="row">{e(text)}</th>')
            else:
                number = ' class="lien-number"' if pd.api.types.is_number(value) else ""
                cells.append(f"<td{number}>{e(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return table_box(
        name, f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>", kind
    )


def table_box(name: str, table: str, kind: str = "") -> str:
    """`table` (HTML, escaped by the caller) in the box a keyboard can focus and scroll, named
    `name` for a screen reader; `kind`, a further class of the box (the heatmaps')."""
    classes = f"lien-table {kind}".strip()
    return (
        f'{HTML_TABLE_CSS}<div class="{classes}" role="region" tabindex="0" '
        f'aria-label="{html.escape(name, quote=True)}">{table}</div>'
    )
