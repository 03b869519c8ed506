"""The one place for shared Streamlit pieces: the sidebar of filters, URL sync, language, tables."""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path
from typing import Sequence

import pandas as pd
import streamlit as st

from streamlit_folium import st_folium

import geocode
from lien import (check, coverage, directory, export, filters, handout, hsds, mapview, memory,
                  offline, taxonomy, upload, worker)
from lien.gazetteer import Place
from lien.paths import directory_path
from lien.problems import Problem, ProblemList, problem
from lien.text import clean_query, markdown_literal as _md  # every user-given text via Markdown
from lien.filters import (DEFAULT_RADIUS_KM, PARAMS, RADIUS_RANGE, Filters, Notice, from_query,
                          to_query)
from lien.i18n import LANGUAGE_NAMES, t
from lien.charts import area_label
from lien.mapview import safe_url
from lien.provinces import PROVINCE_CODES, province_names

REGION_CODES: tuple[str, ...] = ("02000", "03000")  # Brussels (04000) is among the provinces
_KEYS = {"service": "f_service", "audience": "f_audience", "province": "f_province",
         "language": "f_language", "q": "f_q", "near": "f_near", "radius_km": "f_radius",
         "national": "f_national", "lang": "f_lang"}


@st.cache_resource(show_spinner=False, max_entries=4)
def _load(path: str, stamp: str, strict: bool) -> directory.Shared:
    """The prepared directory and its report, once per file version, read in a bounded worker.

    A resource, not cache_data: a 100,000-site frame is shared read-only by every session
    instead of being unpickled on every rerun. The operator's report goes to the server log.
    """
    name = Path(path).name or path
    try:
        shared = worker.run(directory.load_shared, path, strict, limits=worker.DIRECTORY_LIMITS)
    except worker.WorkerError as exc:
        shared = directory.Shared(name, pd.DataFrame(), ProblemList(
            [problem(None, "file", f"worker_{exc.reason}")]), refused=True)
    log = logging.getLogger("lien")
    (log.warning if shared.refused or shared.problems.total else log.info)(
        "%s", check.report(shared))
    return shared


def load_directory(path: Path) -> directory.Shared:
    """The shared directory (LIEN_DATA or data/organisations.csv), loaded once per server."""
    try:
        stat = path.stat()
        stamp = f"{stat.st_mtime_ns}-{stat.st_size}"
    except OSError:
        stamp = "unreadable"  # the worker says why, in the log and on the page
    with st.spinner(f"{path.name}…"):
        return _load(str(path), stamp, os.environ.get("LIEN_STRICT", "").strip() == "1")


UPLOAD_KEY = "lien_upload"  # the session's own directory, chosen on the Data page


def current_directory() -> tuple[pd.DataFrame, directory.Shared | None, str]:
    """What this session shows: its own upload if it chose one, else the shared directory."""
    # Every page starts here: the moment to give back what closed sessions left (throttled).
    memory.release()
    mine = st.session_state.get(UPLOAD_KEY)
    if mine is not None:
        return mine["frame"], None, mine["name"]
    shared = load_directory(directory_path())
    return shared.frame, shared, shared.name


def use_upload(frame: pd.DataFrame, name: str) -> None:
    """Show a prepared `frame` on every page of this session only; other sessions are unchanged."""
    st.session_state[UPLOAD_KEY] = {"frame": frame, "name": name}


def directory_notice(shared: directory.Shared | None, name: str, lang: str) -> None:
    """Say which directory is shown and how many of its records are hidden; stop the page if
    nothing can be shown. Visitors never see the operator's report (it is in the server log),
    unless LIEN_STRICT=1 asks for today's refuse-and-list behaviour."""
    if shared is not None and shared.refused:
        if os.environ.get("LIEN_STRICT", "").strip() == "1" and shared.problems:
            refused(shared.problems, name, lang)
        st.error(t("directory_unavailable", lang, name=_md(name)))
        st.stop()
    if shared is not None and shared.hidden:
        st.caption(t("directory_hidden", lang, count=shared.hidden))
    if st.session_state.get(UPLOAD_KEY) is not None:
        left, right = st.columns([4, 1])
        left.info(t("using_upload", lang, name=_md(name)))
        if right.button(t("use_shared", lang), key="use_shared"):
            del st.session_state[UPLOAD_KEY]
            st.rerun()


def spoken_languages(frame: pd.DataFrame) -> list[str]:
    """The language codes the directory uses, for the language filter."""
    return list(frame.attrs.get("spoken", []))


@st.cache_resource
def _geocoder() -> geocode.LienGeocoder:
    """One geocoder per server, so Nominatim's 1 request/s limit holds across sessions."""
    return geocode.get_geocoder()


@st.cache_data(show_spinner=False, max_entries=1000)
def locate(query: str) -> Place | None:
    """The near-me place, looked up once per distinct text."""
    return _geocoder().locate(query)


def problems_table(problems: Sequence[Problem], lang: str) -> pd.DataFrame:
    """Problems with translated headers and messages, for display and download."""
    table = directory.problems_frame(problems, lang)
    table["row"] = table["row"].astype("Int64")
    return table.rename(columns={"row": t("col_row", lang), "field": t("col_field", lang),
                                 "message": t("col_message", lang)})


def refused(problems: Sequence[Problem], name: str, lang: str) -> None:
    """Show why the directory was refused and stop the page."""
    total = problems.total if isinstance(problems, ProblemList) else len(problems)
    st.error(t("refused", lang, name=_md(name), count=total))
    st.dataframe(problems_table(problems, lang), hide_index=True, key="problems")
    more_problems(problems, lang)
    st.stop()


def more_problems(problems: Sequence[Problem], lang: str) -> None:
    """Say how many problems of each kind were counted but not listed."""
    if not isinstance(problems, ProblemList):
        return
    examples = {p.code: p for p in reversed(problems)}
    for code, count in problems.dropped().items():
        example = examples.get(code)
        text = example.text(lang, _md) if example else code
        st.caption(t("problems_more", lang, count=count, example=text))


def site_map(sites: pd.DataFrame, lang: str, origin: tuple[float, float] | None,
             radius_km: float | None, key: str) -> None:
    """The map of located sites, centred on them or on the near-me circle."""
    # No center or zoom: the layer fits its own bounds in the browser, at the map's real size.
    layer = mapview.sites_layer(sites, lang, origin, radius_km if origin else None)
    st_folium(mapview.base_map(lang), feature_group_to_add=layer, returned_objects=[], key=key,
              height=520, use_container_width=True)


def near_origin(near: str, lang: str) -> tuple[float, float] | None:
    """Geocode the near-me text and say what was found, or that nothing was."""
    near = clean_query(near)
    if not near:
        return None
    place = locate(near)
    if place is None:
        st.warning(t("near_not_found", lang, query=_md(near)))
        return None
    st.info(t("near_found", lang, place=place.label))
    return place.latitude, place.longitude


def area_options() -> list[str]:
    """Regions first, then the provinces and Brussels, as REFNIS codes."""
    return [*REGION_CODES, *PROVINCE_CODES]


def _load_url_once(language_codes: Sequence[str]) -> list[Notice]:
    """Copy the URL's filters into the widgets, on a session's first run only."""
    if st.session_state.get("_url_loaded"):
        # Streamlit drops a widget's value when another page is shown; setting it again by
        # hand makes it the session's, so the filters and language follow from page to page.
        for key in _KEYS.values():
            if key in st.session_state:
                st.session_state[key] = st.session_state[key]
        return []
    st.session_state["_url_loaded"] = True
    params = {name: st.query_params.get_all(name) for name in PARAMS}
    parsed = from_query(params, area_options(), language_codes)
    f = parsed.filters
    st.session_state.update({
        _KEYS["service"]: list(f.services), _KEYS["audience"]: list(f.audiences),
        _KEYS["province"]: list(f.provinces), _KEYS["language"]: list(f.languages),
        _KEYS["q"]: f.q, _KEYS["near"]: f.near, _KEYS["radius_km"]: f.radius_km,
        _KEYS["national"]: f.national, _KEYS["lang"]: f.lang,
    })
    return parsed.notices


def sidebar(language_codes: Sequence[str]) -> Filters:
    """Render the filters, keep them in the URL, and return them; the same on every page."""
    notices = _load_url_once(language_codes)
    bar = st.sidebar
    lang = bar.selectbox("Langue · Taal · Language", list(LANGUAGE_NAMES),
                         format_func=LANGUAGE_NAMES.get, key=_KEYS["lang"])
    for notice in notices:
        bar.warning(t("ignored_param", lang, name=notice.name, value=_md(notice.value)))
    bar.header(t("filters", lang))
    services = bar.multiselect(t("service", lang), taxonomy.services().codes,
                               format_func=lambda c: taxonomy.services().label(c, lang),
                               placeholder=t("choose", lang), key=_KEYS["service"])
    audiences = bar.multiselect(t("audience", lang), taxonomy.audiences().codes,
                                format_func=lambda c: taxonomy.audiences().label(c, lang),
                                placeholder=t("choose", lang), key=_KEYS["audience"])
    areas = bar.multiselect(t("province", lang), area_options(),
                            format_func=lambda c: area_label(c, lang),
                            placeholder=t("choose", lang), key=_KEYS["province"])
    languages = bar.multiselect(t("language_spoken", lang), list(language_codes),
                                format_func=lambda c: taxonomy.language_label(c, lang),
                                placeholder=t("choose", lang), key=_KEYS["language"])
    q = bar.text_input(t("keyword", lang), help=t("keyword_help", lang), key=_KEYS["q"],
                       max_chars=200)
    national = bar.checkbox(t("include_national", lang), key=_KEYS["national"])
    bar.subheader(t("near_me", lang))
    near = bar.text_input(t("near_me", lang), placeholder=t("near_placeholder", lang),
                          key=_KEYS["near"], max_chars=200, label_visibility="collapsed")
    radius = bar.slider(t("radius", lang), min_value=RADIUS_RANGE[0], max_value=RADIUS_RANGE[1],
                        step=1.0, key=_KEYS["radius_km"], disabled=not near.strip())
    filters = Filters(services=tuple(services), audiences=tuple(audiences),
                      provinces=tuple(areas), languages=tuple(languages), q=q.strip(),
                      near=near.strip(), radius_km=float(radius or DEFAULT_RADIUS_KM),
                      national=bool(national), lang=lang)
    st.query_params.from_dict(to_query(filters))
    return filters


def sites_table(sites: pd.DataFrame, lang: str, key: str) -> None:
    """The accessible list of sites: names, services, town, distance, and contact links."""
    if len(sites) > TABLE_ROWS:
        st.caption(t("table_capped", lang, shown=TABLE_ROWS, total=len(sites)))
        sites = sites.head(TABLE_ROWS)
    services = taxonomy.services()
    table = pd.DataFrame({
        t("col_organisation", lang): sites["organisation"],
        t("col_site", lang): sites["site"],
        t("col_services", lang): [", ".join(services.label(c, lang)
                                            for c in taxonomy.split_codes(v))
                                  for v in sites["services"]],
        t("col_town", lang): sites["city"].where(sites["city"] != "", sites.get("municipality")),
    })
    if "distance_km" in sites:
        table[t("col_distance", lang)] = sites["distance_km"].round(1)
    table[t("col_phone", lang)] = [(taxonomy.split_codes(p) or [""])[0] for p in sites["phone"]]
    table[t("col_email", lang)] = [("mailto:" + m) if m else None for m in
                                   ((taxonomy.split_codes(v) or [""])[0] for v in sites["email"])]
    table[t("col_website", lang)] = [safe_url((taxonomy.split_codes(v) or [""])[0])
                                     for v in sites["website"]]
    st.dataframe(
        table, hide_index=True, width="stretch", key=key,
        column_config={
            t("col_email", lang): st.column_config.LinkColumn(
                t("col_email", lang), display_text=r"mailto:(.*)"),
            t("col_website", lang): st.column_config.LinkColumn(t("col_website", lang)),
        })


TABLE_ROWS = 1_000  # more rows than anyone reads on screen; the downloads hold them all


def downloads(sites: pd.DataFrame, lang: str, stem: str, key: str) -> None:
    """Buttons to download exactly the given rows as CSV, Excel and GeoJSON, built on click."""
    about = t("source_warning", lang)
    columns = st.columns(4)
    columns[0].download_button(t("download_csv", lang), lambda: export.to_csv(sites),
                               export.filename(stem, "csv"), "text/csv", key=f"{key}_csv")
    columns[1].download_button(
        t("download_xlsx", lang), lambda: export.to_xlsx(sites, about=about),
        export.filename(stem, "xlsx"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key=f"{key}_xlsx")
    columns[2].download_button(t("download_geojson", lang), lambda: export.to_geojson(sites),
                               export.filename(stem, "geojson"), "application/geo+json",
                               key=f"{key}_geojson")
    columns[3].download_button(t("download_hsds", lang), lambda: hsds.export_zip(sites),
                               export.filename(f"{stem}-hsds", "zip"), "application/zip",
                               key=f"{key}_hsds", help=t("download_hsds_help", lang))


def _base_url() -> str:
    """Where the app is reached: LIEN_BASE_URL, else the address in the visitor's browser."""
    configured = os.environ.get("LIEN_BASE_URL", "").strip()
    if configured:
        return configured
    seen = st.context.url
    # The map page is the app's root: drop a sub-page's path.
    return seen.split("?")[0].rsplit("/", 1)[0] + "/" if seen else "http://localhost:8501/"


def take_away(sites: pd.DataFrame, chosen: Filters, origin: tuple[float, float] | None,
              lang: str, key: str) -> None:
    """The view to take along: an A4 handout (PDF) and a map file that works with no network."""
    url = filters.share_url(_base_url(), chosen)
    left, right = st.columns(2)
    left.download_button(
        t("download_handout", lang),
        lambda: handout.handout_pdf(sites, lang, url=url, near=chosen.near,
                                    radius_km=chosen.radius_km if origin else None),
        export.filename("lien-handout", "pdf"), "application/pdf", key=f"{key}_pdf",
        help=t("download_handout_help", lang))
    right.download_button(
        t("download_offline", lang),
        lambda: offline.offline_html(sites, lang, origin, title=t("title", lang)),
        export.filename("lien-map", "html"), "text/html", key=f"{key}_html",
        help=t("download_offline_help", lang))


# --- coverage page ---------------------------------------------------------------------------

_PRINT_CSS = """
<style>
@media print {
  @page { size: A4; margin: 12mm; }
  [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"],
  [data-testid="stDownloadButton"], [data-testid="stSelectbox"], .stPlotlyChart { display: none !important; }
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
    cols[3].metric(t("m_provinces", lang), f"{figures.provinces_covered} / {figures.provinces_total}")
    cols[4].metric(t("m_approximate", lang), f"{figures.approximate_share:.0%}")
    cols[5].metric(t("m_national", lang), figures.national_organisations)
    dates = ", ".join(figures.source_dates) or t("undated", lang)
    st.caption(f"{t('m_dates', lang)}: {dates}")


def matrix_table(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A matrix with translated labels, for display and download (codes kept in the first column)."""
    out = table.copy()
    out.columns = [area_label(c, lang) for c in table.columns]
    out.insert(0, t("axis_service", lang), [taxonomy.services().label(c, lang) for c in table.index])
    out.insert(0, "code", list(table.index))
    return out.reset_index(drop=True)


@st.cache_data(show_spinner=False)
def municipalities() -> pd.DataFrame:
    """Belgium's municipalities with a point each, loaded once."""
    from lien.coverage import municipality_points

    return municipality_points()


def distance_table(distances: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Distances per municipality with translated headers, farthest first as given."""
    name = "municipality_nl" if lang == "nl" else "municipality"
    provinces = province_names(lang)
    return pd.DataFrame({
        "municipality_code": distances["municipality_code"],
        t("col_municipality", lang): distances[name],
        t("col_province", lang): [provinces.get(c, c) for c in distances["province_code"]],
        t("distance_km", lang): distances["distance_km"].round(1),
        t("col_nearest", lang): distances["nearest_site"],
        t("col_organisation", lang): distances["nearest_organisation"],
    })


def table_downloads(table: pd.DataFrame, lang: str, stem: str, key: str) -> None:
    """CSV and Excel buttons for a table (formulas neutralised)."""
    kind = "matrix" if stem.endswith("matrix") else "distance"
    about = t("source_warning", lang)
    left, right = st.columns(2)
    left.download_button(t(f"download_{kind}_csv", lang), lambda: export.table_csv(table),
                         export.filename(stem, "csv"), "text/csv", key=f"{key}_csv")
    right.download_button(
        t(f"download_{kind}_xlsx", lang), lambda: export.table_xlsx(table, kind, about),
        export.filename(stem, "xlsx"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key=f"{key}_xlsx")


def funder_summary(figures: coverage.Headline, table: pd.DataFrame,
                   holes: list[tuple[str, str]], lang: str, top: int = 10) -> None:
    """A printable section: headline figures, the matrix and the services with the most gaps."""
    st.header(t("funder_summary", lang))
    st.caption(t("print_hint", lang))
    st.markdown(
        f"- {t('m_organisations', lang)}: **{figures.organisations}**\n"
        f"- {t('m_sites', lang)}: **{figures.sites}**\n"
        f"- {t('m_services', lang)}: **{figures.services_offered}**\n"
        f"- {t('m_provinces', lang)}: **{figures.provinces_covered} / {figures.provinces_total}**\n"
        f"- {t('m_approximate', lang)}: **{figures.approximate_share:.0%}**\n"
        f"- {t('m_national', lang)}: **{figures.national_organisations}**\n"
        f"- {t('old_source', lang)}")
    st.table(matrix_table(table, lang).drop(columns=["code"]).set_index(t("axis_service", lang)))
    st.subheader(t("top_gaps", lang))
    by_service: dict[str, list[str]] = {}
    for service, area in holes:
        by_service.setdefault(service, []).append(area_label(area, lang))
    if not by_service:
        st.write(t("no_gap", lang))
    ranked = sorted(by_service.items(), key=lambda item: (-len(item[1]), item[0]))[:top]
    st.table(pd.DataFrame({t("axis_service", lang): [taxonomy.services().label(s, lang)
                                                     for s, _ in ranked],
                           t("gap_count", lang, count="").strip(): [len(a) for _, a in ranked],
                           t("axis_area", lang): [", ".join(a) for _, a in ranked]}))


# --- data page -------------------------------------------------------------------------------
# An upload lives in this session's state only: never in a server-wide cache, never on disk. It is
# read and checked in a bounded worker (lien.worker); the session keeps only the checked result.

def forget_checked_upload() -> None:
    """Drop the last checked upload (its rows and report) once the uploader is emptied: a session
    holds only what it shows or uses."""
    for state_key in ("_upload_checked", "_upload_digest", "upload_sheet"):
        st.session_state.pop(state_key, None)


def upload_lost() -> bool:
    """Whether the uploader still shows a file the server no longer has (after a restart)."""
    from streamlit.runtime.uploaded_file_manager import DeletedFile

    return isinstance(st.session_state.get("upload_file"), DeletedFile)


def _mapping_keys() -> dict[str, str] | None:
    """The column mapping the widgets hold, or None before the first check of a file."""
    if "map_organisation" not in st.session_state:
        return None
    return {name: st.session_state.get(f"map_{name}", "") for name in upload.FIELDS}


def _key(digest: str, sheet: str | None, mapping: dict[str, str] | None) -> tuple[object, ...]:
    chosen = tuple(sorted((k, v) for k, v in (mapping or {}).items() if v))
    return digest, sheet or "", chosen if mapping is not None else None


def checked_upload(name: str, data: bytes, lang: str) -> upload.Upload:
    """Read, map, check and place the upload in a bounded worker, with a progress bar; done again
    only when the file, the sheet or the mapping changes. Stops the page if it can't be read."""
    digest = hashlib.blake2b(data, digest_size=16).hexdigest()
    if st.session_state.get("_upload_digest") != digest:
        # A new file: forget the previous file's result, sheet and column choices.
        for state_key in [k for k in st.session_state if str(k).startswith("map_")]:
            del st.session_state[state_key]
        for state_key in ("upload_sheet", "_upload_checked"):
            st.session_state.pop(state_key, None)
        st.session_state["_upload_digest"] = digest
    done = st.session_state.get("_upload_checked")
    sheet = st.session_state.get("upload_sheet")
    # A different sheet has different columns: guess its mapping anew.
    mapping = _mapping_keys() if done is None or sheet == done[1].sheet else None
    if done is not None and done[0] == _key(digest, sheet, mapping):
        result = done[1]
    else:
        bar = st.progress(0.0, text=t("upload_checking", lang))

        def progress(count: int, total: int) -> None:
            bar.progress(count / total if total else 1.0,
                         text=t("geocoding_progress", lang, done=count, total=total))

        try:
            result = worker.run(upload.check_upload, data, name, sheet, mapping,
                                progress=progress)
        except worker.WorkerError as exc:
            bar.empty()
            st.error(t("upload_refused", lang, name=_md(name)))
            st.markdown(f"- {problem(None, 'file', f'worker_{exc.reason}').text(lang)}")
            st.stop()
        bar.empty()
        if isinstance(result, upload.Refusal):
            st.error(t("upload_refused", lang, name=_md(name)))
            for found in result.problems:
                st.markdown(f"- {found.text(lang, _md)}")
            st.stop()
        # Keyed by what was used, so that the widgets set from it below don't check it again.
        st.session_state["_upload_checked"] = (_key(digest, result.sheet, result.mapping), result)
        st.session_state["upload_sheet"] = result.sheet
        for field_name in upload.FIELDS:
            st.session_state[f"map_{field_name}"] = result.mapping.get(field_name, "")
    if len(result.sheets) > 1:
        st.selectbox(t("sheet", lang), result.sheets, key="upload_sheet")
    return result


def column_mapping(result: upload.Upload, lang: str) -> None:
    """One selectbox per Lien field, set to the column the check used; a change checks again."""
    columns = ["", *result.columns]
    for name in upload.FIELDS:
        if st.session_state.get(f"map_{name}") not in columns:
            st.session_state[f"map_{name}"] = ""
    unmapped = [n for n in upload.MUST_MAP if not st.session_state.get(f"map_{n}")]
    with st.expander(t("mapping_heading", lang), expanded=bool(unmapped)):
        st.caption(t("mapping_help", lang))
        grid = st.columns(4)
        for i, name in enumerate(upload.FIELDS):
            label = f"{name} *" if name in upload.MUST_MAP else name
            grid[i % 4].selectbox(label, columns, key=f"map_{name}",
                                  format_func=lambda c: c or t("not_in_file", lang))


def upload_report(result: upload.Upload, lang: str) -> None:
    """What was read, kept and set aside, the notes, and every problem with its row and field."""
    for note in result.notes:
        (st.warning if note.code == "too_many_rows" else st.info)(note.text(lang, _md))
    cols = st.columns(4)
    cols[0].metric(t("m_rows_read", lang), result.rows_read)
    cols[1].metric(t("m_kept", lang), len(result.frame))
    cols[2].metric(t("m_set_aside", lang), len(result.rejected))
    cols[3].metric(t("m_problems", lang), result.problems.total)
    if result.refused:
        st.error(t("upload_refused", lang, name=_md(result.name)))
    if result.problems:
        st.subheader(t("problems_heading", lang))
        st.dataframe(problems_table(result.problems, lang), hide_index=True, width="stretch",
                     key="upload_problems")
        more_problems(result.problems, lang)
    else:
        st.success(t("no_problems", lang))


def upload_actions(result: upload.Upload, lang: str) -> None:
    """Use the upload in this session, or download it cleaned, and what was set aside."""
    if len(result.frame) and st.button(t("use_upload", lang), key="upload_use", type="primary"):
        use_upload(result.frame, result.name)
        st.success(t("upload_in_use", lang, name=_md(result.name)))
    stem = Path(result.name).stem or "upload"
    cols = st.columns(4)
    if len(result.frame):
        cols[0].download_button(
            t("download_cleaned_csv", lang), lambda: export.to_csv(upload.cleaned(result.frame)),
            export.filename(f"{stem}-lien", "csv"), "text/csv", key="upload_clean_csv")
        cols[1].download_button(
            t("download_cleaned_xlsx", lang),
            lambda: export.to_xlsx(upload.cleaned(result.frame), about=result.name),
            export.filename(f"{stem}-lien", "xlsx"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key="upload_clean_xlsx")
    if len(result.rejected):
        cols[2].download_button(
            t("download_rejected", lang),
            lambda: export.table_csv(upload.rejected_rows(result, lang)),
            export.filename(f"{stem}-set-aside", "csv"), "text/csv", key="upload_rejected")
    if result.problems:
        cols[3].download_button(
            t("download_report", lang), lambda: export.table_csv(problems_table(result.problems,
                                                                                  lang)),
            export.filename(f"{stem}-problems", "csv"), "text/csv", key="upload_report")


def schema_help(lang: str) -> None:
    """The fields Lien reads and the service codes, for someone preparing a file."""
    st.subheader(t("schema_heading", lang))
    st.markdown(t("schema_help", lang))
    services = taxonomy.services()
    st.dataframe(pd.DataFrame({"code": services.codes,
                               t("col_services", lang): [services.label(c, lang)
                                                         for c in services.codes]}),
                 hide_index=True, key="schema_services")
