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
from lien.ingest.tabular import HEADER_SCAN, UPLOAD_CAPS
from lien.outputs import builds, export
from lien.outputs.about import describe
from lien.outputs.builds import Build, Download
from lien.problems import Problem, problem
from lien.render import tables
from lien.ui import state
from lien.ui.common import download, grid, md, more_problems

# The problems the page lists (the report download has them all): a long table is not read.
PAGE_PROBLEMS = 500


def forget_checked_upload() -> None:
    """Drop the last checked upload (its rows and report) once the uploader is emptied: a session
    holds only what it shows or uses."""
    for state_key in ("_upload_checked", "_upload_digest", "upload_sheet", "upload_header"):
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


def _key(
    digest: str, sheet: str | None, header: int | None, mapping: dict[str, str] | None
) -> tuple[object, ...]:
    chosen = tuple(sorted((k, v) for k, v in (mapping or {}).items() if v))
    return digest, sheet or "", header or 0, chosen if mapping is not None else None


# Refusals a different row of column names may cure: the widget to choose it stays on the page.
_HEADER_REFUSALS = frozenset({"no_header_row", "header_only"})


def _header_row(lang: str) -> None:
    """The row of the file's column names, found by the reader; a change checks the file again."""
    st.number_input(
        t("header_row", lang),
        min_value=1,
        max_value=UPLOAD_CAPS.rows,
        step=1,
        key="upload_header",
        help=t("header_row_help", lang, scan=HEADER_SCAN),
    )


def _refused(name: str, problems: list[Problem], lang: str) -> None:
    """Why the file can't be used, each reason saying what to do, in one red box."""
    heading = t("upload_refused", lang, name=md(name))
    reasons = "\n".join(
        f"- {found.field}: {found.text(lang, md)}"
        if found.field in FIELDS
        else f"- {found.text(lang, md)}"
        for found in problems
    )
    st.error(f"{heading}\n\n{reasons}")


def checked_upload(name: str, data: bytes, lang: str) -> upload.Upload:
    """Read, map, check and place the upload in a bounded worker, with a progress bar; done again
    only when the file, the sheet, the row of the column names or the mapping changes. Stops the
    page if it can't be read."""
    digest = hashlib.blake2b(data, digest_size=16).hexdigest()
    if st.session_state.get("_upload_digest") != digest:
        _forget_choices(digest)
    done = st.session_state.get("_upload_checked")
    sheet = st.session_state.get("upload_sheet")
    header = st.session_state.get("upload_header")
    if done is not None and sheet != done[1].sheet:
        header = None  # another sheet: its column names are looked for anew
    # A different sheet or header row has different columns: guess their mapping anew.
    same_columns = done is not None and (sheet, header) == (done[1].sheet, done[1].header_row)
    mapping = _mapping_keys() if done is None or same_columns else None
    if done is not None and done[0] == _key(digest, sheet, header, mapping):
        result = done[1]
    else:
        result = _check(name, data, lang, sheet, mapping, header)
        _remember(digest, result)
    if len(result.sheets) > 1:
        st.selectbox(t("sheet", lang), result.sheets, key="upload_sheet")
    if result.header_row:
        _header_row(lang)
    return result


def _forget_choices(digest: str) -> None:
    """A new file: forget the previous file's result, sheet, header row and column choices."""
    for state_key in [k for k in st.session_state if str(k).startswith("map_")]:
        del st.session_state[state_key]
    for state_key in ("upload_sheet", "upload_header", "_upload_checked"):
        st.session_state.pop(state_key, None)
    st.session_state["_upload_digest"] = digest


def _check(
    name: str,
    data: bytes,
    lang: str,
    sheet: str | None,
    mapping: dict[str, str] | None,
    header: int | None,
) -> upload.Upload:
    """The upload checked in the bounded worker behind a progress bar; a refusal is shown (with
    the header row's widget when another row may cure it) and stops the page."""
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
            header,
            limits=worker.UPLOAD_LIMITS,
            progress=progress,
        )
    except worker.WorkerError as exc:
        bar.empty()
        _refused(name, [problem(None, "file", f"worker_{exc.reason}")], lang)
        st.stop()
    bar.empty()
    if isinstance(result, upload.Refusal):
        _refused(name, result.problems, lang)
        if header is not None and any(p.code in _HEADER_REFUSALS for p in result.problems):
            _header_row(lang)
        st.stop()
    return result


def _remember(digest: str, result: upload.Upload) -> None:
    """Keep the checked upload, keyed by what was used, and set the widgets from it (so that
    they don't check it again)."""
    st.session_state["_upload_checked"] = (
        _key(digest, result.sheet, result.header_row, result.mapping),
        result,
    )
    st.session_state["upload_sheet"] = result.sheet
    st.session_state["upload_header"] = result.header_row or None
    for field_name in FIELDS:
        st.session_state[f"map_{field_name}"] = result.mapping.get(field_name, "")


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
        _refused(result.name, [p for p in result.problems if p.row is None], lang)
    rows = [p for p in result.problems if p.row is not None]
    if rows:
        st.subheader(t("problems_heading", lang))
        # HTML, so that each message wraps and is read whole (a grid cuts long text).
        shown = tables.problems_table(rows[:PAGE_PROBLEMS], lang)
        st.html(tables.html_table(shown, t("problems_heading", lang), "lien-tall"))
        if len(rows) > PAGE_PROBLEMS:
            st.caption(t("problems_in_report", lang, shown=PAGE_PROBLEMS))
        more_problems(result.problems, lang)
    elif not result.problems:
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
        build = Build.of(export.table_csv, tables.problems_table(result.problems, lang))
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


def schema_help(lang: str, heading: bool = True) -> None:
    """The fields Lien reads, where the column names go, and the service and audience labels in
    FR/NL/EN with their synonyms, for someone preparing a file (under its heading if
    `heading`)."""
    if heading:
        st.subheader(t("schema_heading", lang))
    st.markdown(t("schema_help", lang))
    st.markdown(t("schema_header", lang, scan=HEADER_SCAN))
    st.markdown(t("schema_rule", lang))
    for label, vocabulary, key in (
        ("service", taxonomy.services(), "schema_services"),
        ("audience", taxonomy.audiences(), "schema_audiences"),
    ):
        st.caption(t(label, lang))
        table = _vocabulary_table(vocabulary, lang)
        grid(table, t(label, lang), key, hide_index=True, width="stretch")
