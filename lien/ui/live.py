"""A publish reaches every open page: the server's watch (lien.store.watch) asks Streamlit's
runtime to run a page again, as Streamlit itself does when a source file changes ("run on save").

Streamlit has no public call for "run this other session again", so this module reaches into its
runtime (pinned in requirements.txt; tests/test_live.py checks the attributes used still exist).
A page is asked only when its script isn't running: the check and the request are made on the
server's event loop, where a visitor's own click is handled too, so a rerun never replaces a run
the visitor started (with the fragment of issue 28 it could, and a service chosen was lost)."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.runtime import Runtime
from streamlit.runtime.app_session import AppSession, AppSessionState
from streamlit.runtime.scriptrunner import get_script_run_ctx

from lien.store.watch import Watch


def _rerun_now(session: AppSession) -> None:
    """On the event loop: run `session`'s page again with what it last ran with, if idle."""
    if session._scriptrunner is not None or session._state != AppSessionState.APP_NOT_RUNNING:
        return  # running (perhaps the visitor's own click): that run reads the new version
    again = ClientState()
    again.CopyFrom(session._client_state)
    again.fragment_id = ""  # the whole page, not the last fragment run
    again.is_auto_rerun = False
    session.request_rerun(again)


def rerun(session_id: str) -> bool:
    """Ask the page of `session_id` to run again; False when no such page is open any more."""
    if not Runtime.exists():
        return False
    info = Runtime.instance()._session_mgr.get_active_session_info(session_id)
    if info is None:
        return False
    session = info.session
    session._event_loop.call_soon_threadsafe(_rerun_now, session)
    return True


@st.cache_resource(show_spinner=False, max_entries=4)
def _watch(url: str, _read: Callable[[], int]) -> Watch:
    """One watch per server and store, started with the first page that shows the store."""
    watch = Watch(_read, rerun)
    watch.start()
    return watch


def show(url: str, version: int, read: Callable[[], int]) -> None:
    """This page shows `version` of the store at `url` (read with `read`): it runs again when the
    store's version is another. Nothing under AppTest, which has no server to run pages."""
    ctx = get_script_run_ctx()
    if ctx is None or not Runtime.exists():
        return
    _watch(url, read).show(ctx.session_id, version)


def forget(url: str, read: Callable[[], int]) -> None:
    """This page no longer shows the store (its own upload): a publish leaves it as it is."""
    ctx = get_script_run_ctx()
    if ctx is None or not Runtime.exists():
        return
    _watch(url, read).forget(ctx.session_id)
