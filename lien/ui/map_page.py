"""The map page's widgets: the near-me bar, the results (cards on a phone, the map, the table),
and the downloads of the view."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from lien import filters
from lien.display import Near, view_lines
from lien.filters import BY_PARAM, Filters
from lien.geo.search import centre_of, understood
from lien.i18n import N_, t
from lien.outputs import builds, export, handout, hsds, offline
from lien.outputs.about import cut_text
from lien.outputs.builds import Build, Download
from lien.render import cards, mapview, sites_layer, tables
from lien.render.view import MapView
from lien.text import clean_query
from lien.ui import sidebar, state
from lien.ui.common import base_url, download, find, grid, suggest_root, view_about
from lien.ui.geolocate import geolocate_button

# The map fills the screen's height it can spare (not a fixed 520 px, ~60 % of a phone), and a
# phone's title doesn't push the near-me bar down. Only the app's own classes and keys are styled.
PAGE_CSS = """
<style>
.st-key-map_box iframe { height: min(55vh, 520px) !important; }
.st-key-page_scripts { display: none; }
@media (max-width: 640px) {
  h1 { font-size: 1.4rem !important; padding: .25rem 0 !important; }
  .block-container { padding-top: 4rem !important; }
}
</style>
"""


# What the browser said when it gave no position (lien.ui.geolocate), in the visitor's words.
LOCATION_ERRORS = {
    "denied": N_("geo_denied"),
    "insecure": N_("geo_insecure"),
    "timeout": N_("geo_timeout"),
    "unavailable": N_("geo_unavailable"),
    "outside": N_("geo_outside"),
}


# The files of the view's sites, by kind, with their buttons' texts.
SITE_FILES = {
    "csv": N_("download_csv"),
    "xlsx": N_("download_xlsx"),
    "geojson": N_("download_geojson"),
}
# A service picked in a multiselect (the near-me bar's, the sidebar's) closes its list: Streamlit
# 1.67 keeps it open (it closes on Escape or Tab only, and has no option for it), over the results
# the pick has just changed. After a pick by touch the box also lets go of the focus, so a phone's
# keyboard goes away too; after a click or Enter, Escape closes the list and the focus stays for
# the next key. Installed once per window (the page's script reruns with each filter change).
PICK_CLOSES_JS = """
<script>
(function () {
  if (window.lienPickCloses) { return; }
  window.lienPickCloses = true;
  var touch = false;
  function box() {
    var el = document.activeElement;
    return el && el.closest && el.closest('[data-testid="stMultiSelect"]') ? el : null;
  }
  function close(el, blur) {
    setTimeout(function () {
      if (blur) { el.blur(); return; }
      el.dispatchEvent(new KeyboardEvent('keydown',
        {key: 'Escape', code: 'Escape', keyCode: 27, bubbles: true}));
    }, 0);
  }
  document.addEventListener('pointerdown', function (e) {
    touch = e.pointerType === 'touch';
  }, true);
  document.addEventListener('click', function (e) {
    var el = box();
    if (el && e.target.closest && e.target.closest('[role="listbox"] [role="option"]')) {
      close(el, touch);
    }
  }, true);
  document.addEventListener('keydown', function (e) {
    var el = box();
    if (el && e.key === 'Enter' && !e.isComposing && document.querySelector('[role="listbox"]')) {
      close(el, false);
    }
  }, true);
})();
</script>
"""


def page_style() -> None:
    """The map page's few style rules (see PAGE_CSS), and a picked service closing its list
    (PICK_CLOSES_JS, in a box the style hides)."""
    st.html(PAGE_CSS)
    with st.container(key="page_scripts"):
        st.html(PICK_CLOSES_JS, unsafe_allow_javascript=True)


def near_bar(
    language_codes: Sequence[str], lang: str, location_error: str, *, phone: bool = False
) -> None:
    """Near me first: the place box, "use my location", the radius and the service, at the top
    of the page, in step with the same filters in the sidebar (which a phone folds away behind
    an unlabelled "»": the bar says where it is)."""
    state.prepare_bar()
    with st.container(key="near_bar"):
        place, locate = st.columns([3, 1], vertical_alignment="bottom")
        near = BY_PARAM["near"]
        typed = sidebar.widget(
            place,
            near,
            sidebar.Form(lang, language_codes, {}),
            key=state.bar_key("near"),
            on_change=state.to_sidebar(near),
            heading=False,
        )
        with locate:
            geolocate_button(t("locate_me", lang), t("locate_busy", lang), lang, key=state.GEO_KEY)
        if location_error:
            st.warning(t(LOCATION_ERRORS.get(location_error, LOCATION_ERRORS["unavailable"]), lang))
        radius, service = st.columns([1, 2])
        for column, param in ((radius, "radius_km"), (service, "service")):
            spec = BY_PARAM[param]
            sidebar.widget(
                column,
                spec,
                sidebar.Form(lang, language_codes, {"near": typed}),
                key=state.bar_key(param),
                on_change=state.to_sidebar(spec),
            )
        if phone:
            st.caption(t("more_filters", lang))


def near_place(chosen: Filters, lang: str) -> tuple[Filters, str]:
    """The view as it is printed and shared (the handout, its QR code, the downloads' link): its
    near-me place as understood ("Charleroi" for "Charlerois"); and the place whose centre the
    distances are measured from ("" for an exact point or none)."""
    near = clean_query(chosen.near)
    if not near:
        return chosen, ""
    found = find(near)
    return replace(chosen, near=understood(found, near, lang)), centre_of(found, near, lang)


def results(view: MapView, chosen: Filters, lang: str, *, phone: bool, centre: str = "") -> None:
    """What the view holds: the counts, then on a phone the nearest as cards before the map and
    the table behind a toggle; on a desktop the map, then the table. `centre`: the place whose
    centre the distances are measured from."""
    shown, national = view_lines(view.counts, lang)
    st.markdown(shown)
    if national:
        st.caption(national)
    if view.sites.empty:
        st.info(t("no_match", lang))
    root = suggest_root()
    if phone:
        site_cards(view.sites, chosen, lang, key="cards", centre=centre, suggest=root)
    site_map(view, lang, key="map", centre=centre, suggest=root)
    if phone and not st.toggle(t("show_table", lang), key="show_table"):
        return
    st.subheader(t("table_heading", lang))
    sites_table(view.on_map, lang, t("table_heading", lang), key="sites_table", suggest=root)
    if len(view.elsewhere):
        st.subheader(t("national_heading", lang))
        sites_table(
            view.elsewhere, lang, t("national_heading", lang), key="national_table", suggest=root
        )


def site_cards(
    sites: pd.DataFrame,
    chosen: Filters,
    lang: str,
    key: str,
    centre: str = "",
    suggest: str | None = None,
) -> None:
    """The first sites as cards, nearest first, with "show more"; back to the first few when
    the view changes. `suggest`: see common.suggest_root."""
    if sites.empty:
        return
    view = filters.share_url("", chosen)
    if st.session_state.get(f"{key}_view") != view:
        st.session_state[f"{key}_view"] = view
        st.session_state[f"{key}_count"] = cards.FIRST_CARDS
    count = int(st.session_state.get(f"{key}_count", cards.FIRST_CARDS))
    with st.container(key=key):
        st.html(
            cards.cards_html(
                sites, lang, chosen.services, limit=count, centre=centre, suggest=suggest
            )
        )
    if len(sites) > count:
        st.button(
            t("show_more", lang, count=min(cards.MORE_CARDS, len(sites) - count)),
            key=f"{key}_more",
            on_click=_more,
            args=(key,),
        )


def _more(key: str) -> None:
    st.session_state[f"{key}_count"] = (
        int(st.session_state.get(f"{key}_count", cards.FIRST_CARDS)) + cards.MORE_CARDS
    )


def site_map(
    view: MapView, lang: str, key: str, centre: str = "", suggest: str | None = None
) -> None:
    """The map of the view's located sites, fitted to them or to the near-me circle
    (`suggest`: see common.suggest_root)."""
    # No center or zoom: the layer fits its own bounds in the browser, at the map's real size.
    layer = sites_layer.view_layer(view, lang, centre, suggest)
    # In a keyed box: PAGE_CSS fits the map's height to the screen.
    with st.container(key=f"{key}_box"):
        st_folium(
            mapview.base_map(lang),
            feature_group_to_add=layer,
            returned_objects=[],
            key=key,
            height=520,
            use_container_width=True,
        )


def sites_table(
    sites: pd.DataFrame, lang: str, name: str, key: str, suggest: str | None = None
) -> None:
    """The accessible list of sites: names, services, town, distance, and contact links, in a
    grid named `name`; each row's "suggest a correction" with `suggest` (common.suggest_root)."""
    if len(sites) > tables.TABLE_ROWS:
        st.caption(t("table_capped", lang, shown=tables.TABLE_ROWS, total=len(sites)))
        sites = sites.head(tables.TABLE_ROWS)
    email, website, correct = t("col_email", lang), t("col_website", lang), t("col_suggest", lang)
    grid(
        tables.sites_table(sites, lang, suggest),
        name,
        key,
        hide_index=True,
        width="stretch",
        column_config={
            email: st.column_config.LinkColumn(email, display_text=r"mailto:(.*)"),
            website: st.column_config.LinkColumn(website),
            correct: st.column_config.LinkColumn(
                correct, display_text=t("suggest_correction", lang)
            ),
        },
    )


def downloads(sites: pd.DataFrame, chosen: Filters, lang: str, stem: str, key: str) -> None:
    """Buttons to download exactly these rows as CSV, Excel, GeoJSON and HSDS, built on click;
    each says what it holds (filters, link, date, sources, where it was cut) and labels the codes
    in `lang`."""
    about = view_about(t("about_sites", lang, count=len(sites)), sites, chosen)
    columns = st.columns(4)
    for column, (kind, label) in zip(columns, SITE_FILES.items(), strict=False):
        file = builds.sites_download(kind, sites, about, stem)
        download(column, t(label, lang), file, key=f"{key}_{kind}")
    rows, left = builds.capped(sites, "zip")
    note = cut_text(lang, len(rows), len(sites)) if left else ""
    hsds_file = Download(
        export.filename(f"{stem}-hsds", "zip"),
        lang,
        Build.of(hsds.export_zip, rows, note, state.shown_store()),
    )
    download(
        columns[3],
        t("download_hsds", lang),
        hsds_file,
        key=f"{key}_hsds",
        help=t("download_hsds_help", lang),
    )


def take_away(view: MapView, chosen: Filters, lang: str, key: str, centre: str = "") -> None:
    """The view to take along: an A4 handout (PDF) and a map file that works with no network.
    `chosen` as near_place() shares it, `centre` as it gives it."""
    sites = view.sites
    url = filters.share_url(base_url(), chosen)
    left, right = st.columns(2)
    near = Near(chosen.near, centre=bool(centre), radius_km=view.radius_km)
    handout_file = Download(
        export.filename("lien-handout", "pdf"),
        lang,
        Build.of(handout.handout_pdf, sites, lang, url=url, near=near, services=chosen.services),
    )
    download(
        left,
        t("download_handout", lang),
        handout_file,
        key=f"{key}_pdf",
        help=t("download_handout_help", lang),
    )
    rows, left_out = builds.capped(sites, "html")
    offline_file = Download(
        export.filename("lien-map", "html"),
        lang,
        Build.of(
            offline.offline_html,
            rows,
            lang,
            # The offline file words distances from the centre as the page does.
            Near(centre, centre=bool(centre), point=view.origin),
            title=t("title", lang),
            left_out=left_out,
        ),
    )
    download(
        right,
        t("download_offline", lang),
        offline_file,
        key=f"{key}_html",
        help=t("download_offline_help", lang),
    )
