"""A tapped download's file stays on the server until its visitor's next action.

Streamlit builds a deferred download's file when the button is tapped and stores it referenced
by no session; the end of any script run, in any session, marks such a file, and the next one
deletes it. With a crowd that is a tenth of a second: the browser's fetch of the file that follows
came too late and got 404 "not found" (11 to 13 handouts in 100 in `make loadtest`, issue 31).
So once the file is built, this session references it, as Streamlit does for a file a page draws:
the reference goes at the start of the session's next run, and the file with the next cleanup.

Streamlit has no public call for it: this reaches into its media file manager (pinned in
requirements.txt; tests/test_live.py checks the names used still exist)."""

from __future__ import annotations

from collections.abc import Callable

from streamlit.runtime import Runtime
from streamlit.runtime.memory_media_file_storage import _calculate_file_id
from streamlit.runtime.scriptrunner import get_script_run_ctx

PREFIX = "lien-download:"  # the reference's "coordinates", apart from every element's


def kept(build: Callable[[], bytes], key: str, mime: str, filename: str) -> Callable[[], bytes]:
    """`build`, which also keeps the file it built referenced by the session drawing it now."""
    ctx = get_script_run_ctx()
    session_id = ctx.session_id if ctx is not None else None

    def run() -> bytes:
        data = build()
        if session_id is not None and Runtime.exists():
            manager = Runtime.instance().media_file_mgr
            # The id Streamlit's storage gives these bytes (a hash of data, type and name).
            file_id = _calculate_file_id(data, mime, filename)
            with manager._lock:
                references = manager._files_by_session_and_coord.get(session_id)
                if references is not None:  # else the session closed meanwhile
                    references[PREFIX + key] = file_id
        return data

    return run
