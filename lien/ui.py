"""The one place for shared Streamlit pieces: the sidebar of filters, URL sync, language, tables."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import pandas as pd
import streamlit as st

import geocode
from lien import directory, export, filters, taxonomy
from lien.gazetteer import Place
from lien.filters import (DEFAULT_RADIUS_KM, PARAMS, RADIUS_RANGE, Filters, Notice, from_query,
                          to_query)
from lien.i18n import LANGUAGE_NAMES, t
from lien.mapview import safe_url
from lien.provinces import PROVINCE_CODES, province_names

REGION_CODES: tuple[str, ...] = ("02000", "03000")  # Brussels (04000) is among the provinces
_KEYS = {"service": "f_service", "audience": "f_audience", "province": "f_province",
         "language": "f_language", "q": "f_q", "near": "f_near", "radius_km": "f_radius",
         "national": "f_national", "lang": "f_lang"}


@st.cache_data(show_spinner=False)
def _load(path: str, mtime: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The prepared directory and its problems; `mtime` makes an edited file reload."""
    try:
        result = directory.read_directory(Path(path))
    except directory.DirectoryError as exc:
        return pd.DataFrame(), directory.problems_frame(exc.problems)
    return filters.prepare(result.frame), directory.problems_frame(result.problems)


def load_directory(path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The directory every page shows, loaded once per file version."""
    return _load(str(path), path.stat().st_mtime)


def spoken_languages(frame: pd.DataFrame) -> list[str]:
    """The language codes the directory uses, for the language filter."""
    return sorted({c for cell in frame.get("languages", []) for c in taxonomy.split_codes(cell)})


@st.cache_resource
def _geocoder() -> geocode.LienGeocoder:
    """One geocoder per server, so Nominatim's 1 request/s limit holds across sessions."""
    return geocode.get_geocoder()


@st.cache_data(show_spinner=False, max_entries=1000)
def locate(query: str) -> Place | None:
    """The near-me place, looked up once per distinct text."""
    return _geocoder().locate(query)


def refused(problems: pd.DataFrame, name: str, lang: str) -> None:
    """Show why the directory was refused and stop the page."""
    st.error(t("refused", lang, name=name, count=len(problems)))
    st.dataframe(problems, hide_index=True, key="problems")
    st.stop()


def near_origin(near: str, lang: str) -> tuple[float, float] | None:
    """Geocode the near-me text and say what was found, or that nothing was."""
    if not near:
        return None
    place = locate(near)
    if place is None:
        st.warning(t("near_not_found", lang, query=near))
        return None
    st.info(t("near_found", lang, place=place.label))
    return place.latitude, place.longitude


def area_options() -> list[str]:
    """Regions first, then the provinces and Brussels, as REFNIS codes."""
    return [*REGION_CODES, *PROVINCE_CODES]


def area_label(code: str, lang: str) -> str:
    """The name of a region or province in `lang`."""
    if code in REGION_CODES:
        return t(f"region_{code}", lang)
    return province_names(lang).get(code, code)


def _load_url_once(language_codes: Sequence[str]) -> list[Notice]:
    """Copy the URL's filters into the widgets, on a session's first run only."""
    if st.session_state.get("_url_loaded"):
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
        bar.warning(t("ignored_param", lang, name=notice.name, value=notice.value))
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


def downloads(sites: pd.DataFrame, lang: str, stem: str, key: str) -> None:
    """Buttons to download exactly the given rows as CSV, Excel and GeoJSON."""
    about = t("source_warning", lang)
    columns = st.columns(3)
    columns[0].download_button(t("download_csv", lang), export.to_csv(sites),
                               export.filename(stem, "csv"), "text/csv", key=f"{key}_csv")
    columns[1].download_button(
        t("download_xlsx", lang), export.to_xlsx(sites, about=about),
        export.filename(stem, "xlsx"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key=f"{key}_xlsx")
    columns[2].download_button(t("download_geojson", lang), export.to_geojson(sites),
                               export.filename(stem, "geojson"), "application/geo+json",
                               key=f"{key}_geojson")
