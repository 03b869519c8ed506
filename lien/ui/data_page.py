"""The Data page's widgets: an upload read and checked in a bounded worker (lien.ingest.worker),
its column mapping, its report, and what can be done with it.

An upload lives in this session's state only: never in a server-wide cache, never on disk; the
session keeps the checked result, not the file.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import streamlit as st

from lien import taxonomy
from lien.i18n import LANGS, t
from lien.ingest import upload, worker
from lien.ingest.mapping import FIELDS, MUST_MAP
from lien.outputs import builds, export
from lien.outputs.about import describe
from lien.outputs.builds import Build, Download
from lien.problems import problem
from lien.render.tables import problems_table
from lien.ui import state
from lien.ui.common import download, md, more_problems


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
    return {name: st.session_state.get(f"map_{name}", "") for name in FIELDS}


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
            bar.progress(
                count / total if total else 1.0,
                text=t("geocoding_progress", lang, done=count, total=total),
            )

        try:
            result = worker.run(
                upload.check_upload,
                data,
                name,
                sheet,
                mapping,
                limits=worker.UPLOAD_LIMITS,
                progress=progress,
            )
        except worker.WorkerError as exc:
            bar.empty()
            st.error(t("upload_refused", lang, name=md(name)))
            st.markdown(f"- {problem(None, 'file', f'worker_{exc.reason}').text(lang)}")
            st.stop()
        bar.empty()
        if isinstance(result, upload.Refusal):
            st.error(t("upload_refused", lang, name=md(name)))
            for found in result.problems:
                st.markdown(f"- {found.text(lang, md)}")
            st.stop()
        # Keyed by what was used, so that the widgets set from it below don't check it again.
        st.session_state["_upload_checked"] = (_key(digest, result.sheet, result.mapping), result)
        st.session_state["upload_sheet"] = result.sheet
        for field_name in FIELDS:
            st.session_state[f"map_{field_name}"] = result.mapping.get(field_name, "")
    if len(result.sheets) > 1:
        st.selectbox(t("sheet", lang), result.sheets, key="upload_sheet")
    return result


def column_mapping(result: upload.Upload, lang: str) -> None:
    """One selectbox per Lien field, set to the column the check used; a change checks again."""
    columns = ["", *result.columns]
    for name in FIELDS:
        if st.session_state.get(f"map_{name}") not in columns:
            st.session_state[f"map_{name}"] = ""
    unmapped = [n for n in MUST_MAP if not st.session_state.get(f"map_{n}")]
    with st.expander(t("mapping_heading", lang), expanded=bool(unmapped)):
        st.caption(t("mapping_help", lang))
        grid = st.columns(4)
        for i, name in enumerate(FIELDS):
            label = f"{name} *" if name in MUST_MAP else name
            grid[i % 4].selectbox(
                label, columns, key=f"map_{name}", format_func=lambda c: c or t("not_in_file", lang)
            )


def upload_report(result: upload.Upload, lang: str) -> None:
    """What was read, kept and set aside, the notes, and every problem with its row and field."""
    for note in result.notes:
        (st.warning if note.code == "too_many_rows" else st.info)(note.text(lang, md))
    cols = st.columns(5)
    cols[0].metric(t("m_rows_read", lang), result.rows_read)
    cols[1].metric(t("m_kept", lang), len(result.frame))
    # Kept, but without a value the report names: said apart, so "kept" is not read as "clean".
    cols[2].metric(t("m_kept_warned", lang), result.warned)
    cols[3].metric(t("m_set_aside", lang), len(result.rejected))
    cols[4].metric(t("m_problems", lang), result.problems.total)
    if result.refused:
        st.error(t("upload_refused", lang, name=md(result.name)))
    if result.problems:
        st.subheader(t("problems_heading", lang))
        st.dataframe(
            problems_table(result.problems, lang),
            hide_index=True,
            width="stretch",
            key="upload_problems",
        )
        more_problems(result.problems, lang)
    else:
        st.success(t("no_problems", lang))


def upload_actions(result: upload.Upload, lang: str) -> None:
    """Use the upload in this session, or download it cleaned, and what was set aside."""
    if len(result.frame) and st.button(t("use_upload", lang), key="upload_use", type="primary"):
        state.use_upload(result.frame, result.name)
        st.success(t("upload_in_use", lang, name=md(result.name)))
    stem = Path(result.name).stem or "upload"
    cols = st.columns(4)
    if len(result.frame):
        # In Lien's schema, without label columns, so the file loads back as a directory (Lien's
        # reader skips the lines that say what it is).
        what = t("about_cleaned", lang, name=result.name, count=len(result.frame))
        about = describe(lang, what, result.frame)
        cleaned = upload.cleaned(result.frame)
        for column, kind, writer, label in (
            (cols[0], "csv", export.to_csv, t("download_cleaned_csv", lang)),
            (cols[1], "xlsx", export.to_xlsx, t("download_cleaned_xlsx", lang)),
        ):
            rows, left = builds.capped(cleaned, kind)
            said = about.cut(len(rows), len(cleaned)) if left else about
            build = Build.of(writer, rows, said)
            file = Download(export.filename(f"{stem}-lien", kind), lang, build)
            download(column, label, file, key=f"upload_clean_{kind}")
    if len(result.rejected):
        build = Build.of(export.table_csv, upload.rejected_rows(result, lang))
        file = Download(export.filename(f"{stem}-set-aside", "csv"), lang, build)
        download(cols[2], t("download_rejected", lang), file, key="upload_rejected")
    if result.problems:
        build = Build.of(export.table_csv, problems_table(result.problems, lang))
        file = Download(export.filename(f"{stem}-problems", "csv"), lang, build)
        download(cols[3], t("download_report", lang), file, key="upload_report")


def _vocabulary_table(vocabulary: taxonomy.Vocabulary, lang: str) -> pd.DataFrame:
    """Codes with their labels in the three languages and the other names they are known by."""
    terms = [vocabulary.terms[code] for code in vocabulary.codes]
    return pd.DataFrame(
        {
            "code": [term.code for term in terms],
            **{other.upper(): [term.label(other) for term in terms] for other in LANGS},
            t("col_synonyms", lang): [" · ".join(term.synonyms) for term in terms],
        }
    )


def schema_help(lang: str) -> None:
    """The fields Lien reads, and the service and audience labels in FR/NL/EN with their
    synonyms, for someone preparing a file."""
    st.subheader(t("schema_heading", lang))
    st.markdown(t("schema_help", lang))
    st.markdown(t("schema_rule", lang))
    for label, vocabulary, key in (
        ("service", taxonomy.services(), "schema_services"),
        ("audience", taxonomy.audiences(), "schema_audiences"),
    ):
        st.caption(t(label, lang))
        st.dataframe(_vocabulary_table(vocabulary, lang), hide_index=True, width="stretch", key=key)
