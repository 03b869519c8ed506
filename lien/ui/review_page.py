"""The Review page's widgets, for a signed-in reviewer: the queue of pending proposals, each
beside the record it changes; accept, edit then accept, reject; "still right" for several
records; undo to an earlier version; a record's audit entries.

Every write is a callback bound, when the button was drawn, to the version the reviewer saw
(`against`), and goes through lien.store.review, which checks the session on the server first.
Every text of a proposal or a record is shown as plain text: escaped HTML, st.text or a data
grid, never Markdown. Long values are clipped, the whole a click away, in plain text.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from lien.filters import LANGUAGE, SPECS
from lien.i18n import DEFAULT_LANG, LANGUAGE_NAMES, N_, date, t, tn
from lien.schema import LONG_COLUMNS
from lien.store import review
from lien.store.proposals import Pending, pending
from lien.store.versions import (
    ConflictError,
    InvalidError,
    NothingChangedError,
    StoreError,
)
from lien.ui import signin_form, state

NOTE_KEY = "_review_note"
CONFLICT_KEY = "_review_conflict"
# A value longer than this is clipped in the diff; the whole is under it, in plain text.
CLIP = 300
# The proposals drawn at once (the oldest first): the rest wait for these to be decided.
QUEUE_SHOWN = 30

_STYLE = """<style>
table.lien-diff { border-collapse: collapse; width: 100%; table-layout: fixed; }
table.lien-diff th, table.lien-diff td { border: 1px solid rgba(128,128,128,.4);
  padding: .25rem .5rem; text-align: left; vertical-align: top;
  white-space: pre-wrap; overflow-wrap: anywhere; }
table.lien-diff tr.lien-changed td, table.lien-diff tr.lien-changed th {
  background: rgba(255, 200, 0, .25); font-weight: 600; }
</style>"""


def language() -> str:
    """The visitor's language, chosen in the sidebar as on every page (the same key, so it
    follows from page to page); no filters here."""
    state.load_url_once([])
    spec = next(spec for spec in SPECS if spec.kind == LANGUAGE)
    chosen = st.sidebar.selectbox(
        "Langue · Taal · Language",
        list(LANGUAGE_NAMES),
        format_func=lambda code: LANGUAGE_NAMES[code],
        key=spec.key,
    )
    return str(chosen or DEFAULT_LANG)


def _say(kind: str, text: str, detail: str = "") -> None:
    st.session_state[NOTE_KEY] = (kind, text, detail)


def _act(lang: str, write: Callable[[], Any], done: str, conflict: Any = None) -> bool:
    """Run one write (already bound to its arguments) and say what became of it on the next
    run: done, a conflict (`conflict` is what to show beside it), refused, or why not. Whether
    it was done."""
    try:
        write()
    except review.NotSignedInError as refused:
        signin_form.ended(refused.code)
    except ConflictError:
        st.session_state[CONFLICT_KEY] = conflict or []
    except InvalidError as invalid:
        problems = "\n".join(f"{p.field}: {p.text(lang)}" for p in invalid.problems)
        _say("error", t("review_invalid", lang), problems)
    except review.ReasonRequiredError:
        _say("error", t("review_reason_required", lang))
    except NothingChangedError:
        _say("info", t("review_nothing_changed", lang))
    except StoreError as failed:
        _say("error", t("review_failed", lang), str(failed))
    else:
        st.session_state.pop(CONFLICT_KEY, None)
        _say("success", done)
        return True
    return False


def _conflict_rows(
    eng: Engine, waiting: Pending, seen: Mapping[str, str]
) -> list[tuple[str, str, str, str]]:
    """For each field the proposal names: what the reviewer saw, what is published now, what
    was proposed."""
    now = review.current_values(eng, waiting.site_id) if waiting.site_id else None
    return [
        (name, seen.get(name, ""), (now or {}).get(name, ""), value)
        for name, value in waiting.fields.items()
    ]


def notes(lang: str) -> None:
    """What the last action became, and a conflict with both values."""
    note = st.session_state.pop(NOTE_KEY, None)
    if note:
        kind, text, detail = note
        getattr(st, kind)(text)
        if detail:
            st.text(detail[:5_000])
    rows = st.session_state.get(CONFLICT_KEY)
    if rows is None:
        return
    st.error(t("review_conflict", lang))
    if rows:
        heads = (
            t("review_field", lang),
            t("review_seen", lang),
            t("review_now", lang),
            t("review_proposed", lang),
        )
        st.html(_STYLE + _table(heads, _cells(rows)))
    st.button(t("review_reload", lang), key="review_reload", on_click=_forget_conflict)


def _forget_conflict() -> None:
    st.session_state.pop(CONFLICT_KEY, None)


def _cells(rows: Sequence[Sequence[str]]) -> str:
    """Table rows of plain texts: every cell escaped and clipped."""
    return "".join("<tr>" + "".join(f"<td>{_clip(v)}</td>" for v in row) + "</tr>" for row in rows)


def _table(heads: Sequence[str], body: str) -> str:
    head = "".join(f'<th scope="col">{html.escape(h)}</th>' for h in heads)
    return f'<table class="lien-diff"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _clip(value: str) -> str:
    """A value as escaped HTML text, clipped at CLIP characters."""
    return html.escape(value[:CLIP] + ("…" if len(value) > CLIP else ""))


def diff_html(lines: Sequence[review.Line], lang: str) -> str:
    """The proposal beside the record, every value escaped; changed fields highlighted (and
    marked "changed" for a screen reader and without colour)."""
    body = []
    said = t("review_changed", lang)
    mark = " <em>(" + html.escape(said) + ")</em>"
    for line in lines:
        changed = mark if line.changed else ""
        css = ' class="lien-changed"' if line.changed else ""
        body.append(
            f'<tr{css}><th scope="row">{html.escape(line.field)}{changed}</th>'
            f"<td>{_clip(line.current)}</td><td>{_clip(line.proposed)}</td></tr>"
        )
    heads = (t("review_field", lang), t("review_current", lang), t("review_proposed", lang))
    return _STYLE + _table(heads, "".join(body))


def _whole(lines: Sequence[review.Line], lang: str) -> None:
    """The whole of each clipped value, in plain text."""
    for line in lines:
        sides = (
            (t("review_current", lang), line.current),
            (t("review_proposed", lang), line.proposed),
        )
        for which, value in sides:
            if len(value) > CLIP:
                label = t("review_whole", lang, field=line.field, which=which)
                with st.expander(label):
                    st.text(value)


ORIGINS = {"visitor": N_("review_origin_visitor"), "organisation": N_("review_origin_organisation")}


def _heading(waiting: Pending, current: Mapping[str, str] | None, lang: str) -> None:
    """The proposal's reference, who sent it and when, and the record it changes (plain text)."""
    st.subheader(waiting.reference, anchor=False)
    origin = t(ORIGINS[waiting.origin], lang) if waiting.origin in ORIGINS else waiting.origin
    when = f"{date(waiting.created_at.date(), lang)} {waiting.created_at:%H:%M} UTC"
    st.text(f"{origin} · {when}")
    if waiting.site_id is None:
        st.text(t("review_new_organisation", lang))
    else:
        st.text(f"{(current or {}).get('organisation', '')} ({waiting.site_id})")
    for label, value in (
        (t("review_reason", lang), waiting.reason),
        (t("review_email", lang), waiting.email),
    ):
        if value:
            st.text(f"{label} {value}")


def _accept(
    eng: Engine, lang: str, waiting: Pending, seen: dict[str, str] | None, against: int
) -> None:
    """Accept (a callback): the edit form's values, when it was sent, are what is published."""
    edited = (
        {
            name: st.session_state[_edit_key(waiting, name)]
            for name in waiting.fields
            if isinstance(st.session_state.get(_edit_key(waiting, name)), str)
        }
        if st.session_state.pop(f"_editing_{waiting.reference}", False)
        else None
    )
    token = signin_form.token()
    _act(
        lang,
        lambda: review.accept(eng, token, waiting.reference, against=against, edited=edited),
        t("review_accepted", lang, reference=waiting.reference),
        _conflict_rows(eng, waiting, seen or {}),
    )


def _edit_key(waiting: Pending, name: str) -> str:
    return f"edit_{waiting.reference}_{name}"


def _reject(eng: Engine, lang: str, waiting: Pending) -> None:
    reason = str(st.session_state.get(f"reject_{waiting.reference}") or "")
    token = signin_form.token()
    _act(
        lang,
        lambda: review.reject(eng, token, waiting.reference, reason),
        t("review_rejected", lang, reference=waiting.reference),
    )


def _audit(eng: Engine, site_id: str, lang: str) -> None:
    """A record's last audit entries, as a data grid (its cells are never Markdown)."""
    entries = review.audit_of(eng, site_id)
    if not entries:
        st.caption(t("review_audit_none", lang))
        return
    columns = [
        t("review_when", lang),
        t("review_who", lang),
        t("review_field", lang),
        t("review_old", lang),
        t("review_new", lang),
        t("review_why", lang),
    ]
    rows = [(f"{e.at:%Y-%m-%d %H:%M}", e.by, e.field, e.old, e.new, e.reason) for e in entries]
    st.dataframe(pd.DataFrame(rows, columns=columns), hide_index=True, key=f"audit_{site_id}")


def _actions(
    eng: Engine, lang: str, waiting: Pending, seen: dict[str, str] | None, against: int
) -> None:
    ref = waiting.reference
    st.button(
        t("review_accept", lang),
        key=f"accept_{ref}",
        type="primary",
        on_click=_accept,
        args=(eng, lang, waiting, seen, against),
    )
    with st.expander(t("review_edit", lang)), st.form(f"edit_{ref}"):
        for name in waiting.fields:
            box = st.text_area if name in LONG_COLUMNS else st.text_input
            box(name, value=waiting.fields[name], key=_edit_key(waiting, name))
        st.form_submit_button(
            t("review_edit_accept", lang),
            on_click=_edit_accept,
            args=(eng, lang, waiting, seen, against),
        )
    with st.expander(t("review_reject", lang)), st.form(f"rejecting_{ref}"):
        st.text_area(
            t("review_reject_reason", lang), key=f"reject_{ref}", max_chars=review.MAX_REASON
        )
        st.form_submit_button(t("review_reject", lang), on_click=_reject, args=(eng, lang, waiting))


def _edit_accept(
    eng: Engine, lang: str, waiting: Pending, seen: dict[str, str] | None, against: int
) -> None:
    st.session_state[f"_editing_{waiting.reference}"] = True
    _accept(eng, lang, waiting, seen, against)


def proposal(eng: Engine, waiting: Pending, against: int, lang: str) -> None:
    """One pending proposal: who and when, the diff, the whole of long values, the actions, and
    the record's audit entries."""
    current = review.current_values(eng, waiting.site_id) if waiting.site_id else None
    lines = review.diff(current, waiting)
    with st.container(border=True):
        _heading(waiting, current, lang)
        if waiting.site_id is not None and current is None:
            st.warning(t("review_record_gone", lang))
        st.html(diff_html(lines, lang))
        _whole(lines, lang)
        _actions(eng, lang, waiting, current, against)
        if waiting.site_id is not None:
            with st.expander(t("review_audit", lang)):
                _audit(eng, waiting.site_id, lang)


def queue(eng: Engine, against: int, lang: str) -> None:
    """The pending proposals, the oldest first."""
    waiting = pending(eng)
    st.header(tn("review_queue", len(waiting), lang), anchor=False)
    if not waiting:
        st.info(t("review_queue_empty", lang))
    for one in waiting[:QUEUE_SHOWN]:
        proposal(eng, one, against, lang)


def _still_right(eng: Engine, lang: str, against: int) -> None:
    chosen = list(st.session_state.get("still_right_sites") or [])
    token = signin_form.token()
    if _act(
        lang,
        lambda: review.still_right(eng, token, chosen, against=against),
        tn("review_still_right_done", len(chosen), lang),
    ):
        st.session_state["still_right_sites"] = []


def still_right(eng: Engine, frame: pd.DataFrame, against: int, lang: str) -> None:
    """Several records confirmed at once: one publish, checked today by this reviewer."""
    st.header(t("review_still_right_heading", lang), anchor=False)
    labels = {
        str(row.site_id): f"{row.organisation} — {row.site} ({row.city})"
        for row in frame[["site_id", "organisation", "site", "city"]].itertuples()
    }
    st.multiselect(
        t("review_still_right_label", lang),
        list(labels),
        format_func=lambda site: labels.get(site, site),
        key="still_right_sites",
        max_selections=review.MAX_CHECKED,
    )
    st.button(
        t("review_still_right_button", lang),
        key="still_right_go",
        on_click=_still_right,
        args=(eng, lang, against),
    )


def _undo(eng: Engine, lang: str, against: int) -> None:
    to = st.session_state.get("undo_to")
    reason = str(st.session_state.get("undo_reason") or "")
    token = signin_form.token()
    if not isinstance(to, int):
        return
    _act(
        lang,
        lambda: review.undo_to(eng, token, to, reason, against=against),
        t("review_undone", lang, version=to),
    )


def history(eng: Engine, against: int, lang: str) -> None:
    """The versions, who published each, when and why; undo to an earlier one."""
    st.header(t("review_history", lang), anchor=False)
    published = review.history(eng)
    columns = [
        t("review_version", lang),
        t("review_when", lang),
        t("review_who", lang),
        t("review_why", lang),
    ]
    rows = [(p.number, f"{p.at:%Y-%m-%d %H:%M}", p.by, p.note) for p in published]
    st.dataframe(pd.DataFrame(rows, columns=columns), hide_index=True, key="review_versions")
    notes_by = {p.number: p for p in published}
    earlier = [p.number for p in published if p.number < against]
    if not earlier:
        return
    st.selectbox(
        t("review_undo_label", lang),
        earlier,
        format_func=lambda n: f"{n} · {notes_by[n].at:%Y-%m-%d %H:%M} · {notes_by[n].by}",
        key="undo_to",
    )
    st.text_input(t("review_undo_reason", lang), key="undo_reason", max_chars=review.MAX_REASON)
    st.button(t("review_undo", lang), key="undo_go", on_click=_undo, args=(eng, lang, against))
