"""What a session shows and remembers: the shared directory (loaded once per server, in a bounded
worker), the session's own upload, and the filters copied between the URL and the widgets."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Sequence

import pandas as pd
import streamlit as st

from lien import config, memory
from lien.filters import CODES, PARAMS, SPECS, Notice, from_query
from lien.ingest import directory, worker
from lien.problems import ProblemList, problem

UPLOAD_KEY = "lien_upload"  # the session's own directory, chosen on the Data page
log = logging.getLogger("lien")


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
        shared = directory.Shared(
            name,
            pd.DataFrame(),
            ProblemList([problem(None, "file", f"worker_{exc.reason}")]),
            refused=True,
        )
    (log.warning if shared.refused or shared.problems.total else log.info)(
        "%s", directory.report(shared)
    )
    return shared


def shared_directory(path: Path) -> directory.Shared:
    """The shared directory (LIEN_DATA or data/organisations.csv), loaded once per server."""
    try:
        stat = path.stat()
        stamp = f"{stat.st_mtime_ns}-{stat.st_size}"
    except OSError:
        stamp = "unreadable"  # the worker says why, in the log and on the page
    with st.spinner(f"{path.name}…"):
        return _load(str(path), stamp, config.strict())


def current_directory() -> tuple[pd.DataFrame, directory.Shared | None, str]:
    """What this session shows: its own upload if it chose one, else the shared directory."""
    # Every page starts here: the moment to give back what closed sessions left (throttled).
    memory.release()
    mine = st.session_state.get(UPLOAD_KEY)
    if mine is not None:
        return mine["frame"], None, mine["name"]
    shared = shared_directory(config.directory_path())
    return shared.frame, shared, shared.name


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


def load_url_once(language_codes: Sequence[str]) -> list[Notice]:
    """Copy the URL's filters into the widgets, on a session's first run only."""
    if st.session_state.get("_url_loaded"):
        # Streamlit drops a widget's value when another page is shown; setting it again by
        # hand makes it the session's, so the filters and language follow from page to page.
        for spec in SPECS:
            if spec.key in st.session_state:
                st.session_state[spec.key] = st.session_state[spec.key]
        return []
    st.session_state["_url_loaded"] = True
    parsed = from_query({name: st.query_params.get_all(name) for name in PARAMS}, language_codes)
    for spec in SPECS:
        value = getattr(parsed.filters, spec.field)
        st.session_state[spec.key] = list(value) if spec.kind == CODES else value
    return parsed.notices
