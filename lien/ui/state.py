"""What a session shows and remembers: the shared directory (the store's current version, read
once per version by the server; or, in a kiosk with LIEN_STORE=off, the directory file, loaded
once per server in a bounded worker), the session's own upload, and the filters copied between
the URL and the widgets."""

from __future__ import annotations

import logging
import reprlib
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd
import streamlit as st
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from lien import config, memory, store
from lien.filters import (
    BY_PARAM,
    CODES,
    LANGUAGE,
    PAGE_PARAMS,
    RADIUS,
    SPECS,
    URL_PARAMS,
    Notice,
    Spec,
    bounded_radius,
    from_query,
)
from lien.geo.search import commune_query
from lien.i18n import DEFAULT_LANG, from_locale, normalise_lang
from lien.ingest import directory, worker
from lien.problems import ProblemList, problem
from lien.store.engine import make_engine
from lien.store.versions import for_pages
from lien.store.watch import UNREACHABLE
from lien.ui import live
from lien.ui.geolocate import read_answer

UPLOAD_KEY = "lien_upload"  # the session's own directory, chosen on the Data page
# The filters the map page's near-me bar shows too, at the top of the page; "m_" + parameter keys
# its widgets, kept in step with the sidebar's ("f_" + parameter) both ways.
MIRRORED: tuple[str, ...] = ("near", "radius_km", "service", "lang")
GEO_KEY = "geo"  # the "use my location" component's value
LOCATED_KEY = "_geo_near"  # the commune "use my location" last put in the near-me boxes
log = logging.getLogger("lien")


def _refused(name: str, code: str) -> directory.Shared:
    problems = ProblemList([problem(None, "file", code)])
    return directory.Shared(name, pd.DataFrame(), problems, refused=True)


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
        shared = _refused(name, f"worker_{exc.reason}")
    (log.warning if shared.refused or shared.problems.total else log.info)(
        "%s", directory.report(shared)
    )
    return shared


def _stamp(path: Path) -> str:
    try:
        stat = path.stat()
    except OSError:
        return "unreadable"  # the worker says why, in the log and on the page
    return f"{stat.st_mtime_ns}-{stat.st_size}"


def shared_directory(path: Path) -> directory.Shared:
    """The directory file (LIEN_DATA or data/organisations.csv), loaded once per server: what a
    kiosk (LIEN_STORE=off) shows."""
    with st.spinner(f"{path.name}…"):
        return _load(str(path), _stamp(path), config.strict())


@st.cache_resource(show_spinner=False, max_entries=4)
def _started(url: str, path: str, stamp: str, strict: bool) -> directory.Shared | None:
    """The store at `url` migrated, and filled from `path` on its first start, once per server
    (and again if the file changes while it is refused), in a bounded worker: the fill's report,
    or None when the store was already filled. The report goes to the server log."""
    name = Path(path).name or path
    try:
        return worker.run(store.start, url, path, strict, limits=worker.DIRECTORY_LIMITS)
    except worker.WorkerError as exc:
        log.warning("%s: the store could not be opened (%s)", name, exc.reason)
        return _refused(name, f"worker_{exc.reason}")


@st.cache_resource(show_spinner=False, max_entries=4)
def _engine(url: str) -> Engine:
    """One engine (its pool of connections) per database, for every session of the server."""
    return make_engine(url)


def engine() -> Engine:
    """The store's engine (LIEN_DATABASE_URL, else the SQLite file), shared by every session."""
    return _engine(config.database_url())


def _reader(url: str) -> Callable[[], int]:
    return lambda: store.current_version(_engine(url))


def watch(version: int) -> None:
    """Run the page again when a publish makes the store's version other than `version` (or the
    store can't be read, or can again: UNREACHABLE)."""
    url = config.database_url()
    live.show(url, version, _reader(url))


@st.cache_resource(show_spinner=False, max_entries=2)
def _at_version(url: str, version: int, name: str) -> directory.Shared:
    """Version `version` of the store's directory, read once per server. A resource, shared
    read-only by every session. Two kept: the current one and the one sessions still drawing
    when a publish came may hold."""
    frame = for_pages(store.records(_engine(url), version))
    return directory.Shared(name, frame, rows_read=len(frame))


def stored_directory(path: Path) -> tuple[directory.Shared, int | None]:
    """The store's current directory, and its version's number (None: none to show; UNREACHABLE
    when the store can't be read). One query per rerun when nothing was published: the
    version's number, the key of the cache."""
    url = config.database_url()
    with st.spinner(f"{path.name}…"):
        filled = _started(url, str(path), _stamp(path), config.strict())
        if filled is not None and filled.refused:
            return filled, None
        try:
            version = store.current_version(_engine(url))
            return _at_version(url, version, path.name), version
        except SQLAlchemyError:
            log.exception("the store at %s can't be read", _engine(url).url)
            return _refused(path.name, "store_unavailable"), UNREACHABLE


def current_directory() -> tuple[pd.DataFrame, directory.Shared | None, str]:
    """What this session shows: its own upload if it chose one, else the shared directory: the
    store's current version (watched: a publish reruns the page), or a kiosk's file."""
    # Every page starts here: the moment to give back what closed sessions left (throttled).
    memory.release()
    mine = st.session_state.get(UPLOAD_KEY)
    if mine is not None:
        if config.store_enabled():
            url = config.database_url()
            live.forget(url, _reader(url))
        return mine["frame"], None, mine["name"]
    path = config.directory_path()
    if not config.store_enabled():
        shared = shared_directory(path)
    else:
        shared, version = stored_directory(path)
        if version is not None:
            # Also while the store can't be read: the page comes back by itself once it can.
            watch(version)
    return shared.frame, shared, shared.name


def shown_store() -> str | None:
    """The URL of the store whose directory this session shows (None: its own upload, or a
    kiosk's file): an HSDS export reads the records' history there."""
    if using_upload() or not config.store_enabled():
        return None
    return config.database_url()


def use_upload(frame: pd.DataFrame, name: str) -> None:
    """Show a prepared `frame` on every page of this session only; other sessions are unchanged."""
    st.session_state[UPLOAD_KEY] = {"frame": frame, "name": name}


def using_upload() -> bool:
    """Whether this session shows its own upload."""
    return st.session_state.get(UPLOAD_KEY) is not None


def stop_using_upload() -> None:
    """Back to the shared directory."""
    st.session_state.pop(UPLOAD_KEY, None)


def spoken_languages(frame: pd.DataFrame) -> list[str]:
    """The language codes the directory uses, for the language filter."""
    return list(frame.attrs.get("spoken", []))


def first_lang() -> str:
    """The language of a session's first page: the URL's ?lang= (a shared link, a QR code), else
    the browser's preferred language when Lien has it, else French."""
    if st.query_params.get_all("lang"):
        return from_query({"lang": st.query_params.get_all("lang")}).filters.lang
    return from_locale(st.context.locale) or DEFAULT_LANG


def load_url_once(language_codes: Sequence[str]) -> list[Notice]:
    """Copy the URL's filters into the widgets, and the pages' own parameters into the session,
    on a session's first run only."""
    if st.session_state.get("_url_loaded"):
        # Streamlit drops a widget's value when another page is shown; setting it again by
        # hand makes it the session's, so the filters and language follow from page to page.
        for spec in SPECS:
            if spec.key in st.session_state:
                st.session_state[spec.key] = st.session_state[spec.key]
        return []
    st.session_state["_url_loaded"] = True
    parsed = from_query(
        {name: st.query_params.get_all(name) for name in URL_PARAMS}, language_codes
    )
    for spec in SPECS:
        value = getattr(parsed.filters, spec.field)
        st.session_state[spec.key] = list(value) if spec.kind == CODES else value
    st.session_state[BY_PARAM["lang"].key] = first_lang()
    for page in PAGE_PARAMS:  # a page's own choice (the coverage page's service), for that page
        if page.param in parsed.pages:
            st.session_state[page.key] = parsed.pages[page.param]
    return parsed.notices


def bar_key(param: str) -> str:
    """The near-me bar's widget key for a mirrored filter."""
    return f"m_{param}"


def refused_key(key: str) -> str:
    """Where a radius box under `key` keeps the value it refused, for its message."""
    return f"_refused_{key}"


def _copier(spec: Spec, source: str, target: str) -> Callable[[], None]:
    def copy() -> None:
        value = st.session_state.get(source)
        # The radius box has no bounds of its own: Streamlit would refuse a value beyond them in
        # English only. Lien brings it within the range and says so in the visitor's language.
        if spec.kind == RADIUS and value is not None and bounded_radius(value) != value:
            st.session_state[refused_key(source)] = value
            value = st.session_state[source] = bounded_radius(value)
        st.session_state[target] = value

    return copy


def to_bar(spec: Spec) -> Callable[[], None]:
    """A sidebar widget's on_change: the near-me bar shows the same value."""
    return _copier(spec, spec.key, bar_key(spec.param))


def to_sidebar(spec: Spec) -> Callable[[], None]:
    """A near-me bar widget's on_change: the sidebar (the filters' source) takes its value."""
    return _copier(spec, bar_key(spec.param), spec.key)


def prepare_bar() -> None:
    """Give the near-me bar's widgets the sidebar's values when they have none yet (first run,
    or back from another page: Streamlit forgets a widget that was not drawn)."""
    for param in MIRRORED:
        spec = BY_PARAM[param]
        if bar_key(param) not in st.session_state:
            value = st.session_state.get(spec.key, spec.default)
            st.session_state[bar_key(param)] = list(value) if spec.kind == CODES else value


def set_near(text: str) -> None:
    """Put `text` in both near-me boxes (a callback: before the widgets are drawn)."""
    st.session_state[BY_PARAM["near"].key] = text
    st.session_state[bar_key("near")] = text


def take_location() -> str:
    """Act on a new answer of "use my location", before any widget is drawn: a position in
    Belgium becomes its commune's name in both near-me boxes (search.commune_query: the position
    itself goes no further); otherwise why not ("denied", "outside"…) is returned and remembered
    until the next answer. Any malformed answer reads as "unavailable". "" when there is nothing
    to say."""
    value = st.session_state.get(GEO_KEY)
    # A new answer is one not seen before (the button stamps each with its time); reprlib bounds
    # the work whatever a crafted answer holds.
    seen = reprlib.repr(value)
    if value is not None and seen != st.session_state.get("_geo_seen"):
        st.session_state["_geo_seen"] = seen
        answer = read_answer(value)
        error = answer.error
        if answer.latitude is not None and answer.longitude is not None:
            lang = normalise_lang(st.session_state.get(BY_PARAM["lang"].key))
            commune = commune_query(answer.latitude, answer.longitude, lang)
            if commune is None:
                error = "outside"
            else:
                set_near(commune)
                st.session_state[LOCATED_KEY] = commune
        st.session_state["_geo_error"] = error
    return str(st.session_state.get("_geo_error") or "")


def located_near(near: str) -> bool:
    """Whether the near-me text is the commune "use my location" rounded a position to."""
    return bool(near) and st.session_state.get(LOCATED_KEY) == near


def _set_filter(spec: Spec, value: object) -> None:
    """Give a filter's widget (and its near-me bar twin) a value, before they are drawn."""
    st.session_state[spec.key] = value
    if spec.param in MIRRORED:
        st.session_state[bar_key(spec.param)] = value


def choose_language(lang: str) -> None:
    """A button's on_click: show the pages in `lang` (the sidebar's and the phone's pickers too)."""
    _set_filter(BY_PARAM["lang"], lang)


def remove_filter(param: str, value: str | None) -> None:
    """A chip's on_click: drop one code of a codes filter, or put any other filter back to its
    default (near-me and its radius together)."""
    spec = BY_PARAM[param]
    if spec.kind == CODES and value is not None:
        _set_filter(spec, [c for c in st.session_state.get(spec.key, []) if c != value])
    elif spec.param == "near":
        _set_filter(spec, "")
        radius = BY_PARAM["radius_km"]
        _set_filter(radius, radius.default)
    else:
        _set_filter(spec, list(spec.default) if spec.kind == CODES else spec.default)


def clear_filters() -> None:
    """ "Clear all": every filter but the language back to its default."""
    for spec in SPECS:
        if spec.kind != LANGUAGE:
            _set_filter(spec, list(spec.default) if spec.kind == CODES else spec.default)
