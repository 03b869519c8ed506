"""The "suggest" page: a correction of a record (?site=), an organisation to add (no site), or an
organisation's own page from its signed link (?token=), in the visitor's language.

One st.form sends everything at once. What the visitor typed stays in the form's widgets (their
keys) whatever the answer: a refusal names each problem by its field and loses nothing. Every
text that came from a visitor or the directory is shown escaped (st.html of html.escape'd text),
never as Markdown. Every write goes through lien.store (proposals.propose, and for a signed link
lien.store.organisation, which opens the token again at the moment of the write).
"""

from __future__ import annotations

import html
import logging
from collections.abc import Mapping, Sequence
from dataclasses import replace

import pandas as pd
import streamlit as st
from sqlalchemy.exc import SQLAlchemyError
from streamlit.runtime.scriptrunner import get_script_run_ctx

from lien import config, store
from lien.freshness import checked_text
from lien.i18n import N_, t
from lien.links import (
    AT_PARAM,
    EXPIRED,
    FORGED,
    MALFORMED,
    ORG_PARAM,
    PARAM,
    SITE_PARAM,
    LinkRefusedError,
    named_sites,
    secret_key,
    suggest_url,
)
from lien.problems import Problem
from lien.schema import LONG_COLUMNS, LONG_TEXT, MAX_EMAIL, SHORT_TEXT
from lien.store import ConflictError, organisation, proposals
from lien.store.limits import Client, client_address
from lien.store.proposals import EDITABLE, MAX_REASON, Receipt, Refusal, Submission
from lien.store.versions import now
from lien.text import markdown_escape
from lien.ui import state

log = logging.getLogger("lien")
RECORD_KEY = "_suggest_record:"  # + site id: the record the form was drawn with

# Each editable field's label: the app's own column names where it has them.
LABELS: dict[str, str] = {
    "organisation": N_("col_organisation"),
    "site": N_("col_site"),
    "address": N_("field_address"),
    "postcode": N_("field_postcode"),
    "city": N_("field_city"),
    "latitude": N_("field_latitude"),
    "longitude": N_("field_longitude"),
    "precision": N_("precision"),
    "services": N_("col_services"),
    "audiences": N_("audiences"),
    "languages": N_("languages"),
    "hours": N_("hours"),
    "phone": N_("col_phone"),
    "fax": N_("field_fax"),
    "email": N_("col_email"),
    "website": N_("col_website"),
    "contact_person": N_("field_contact_person"),
    "description": N_("field_description"),
    "notes": N_("field_notes"),
    # What a problem may name besides the record's fields.
    "reason": N_("suggest_reason"),
    "contact_email": N_("suggest_email"),
    "proposal": N_("suggest_whole"),
    "site_id": N_("suggest_record"),
}
# Codes and coordinates: folded under an expander, below what a visitor usually corrects.
FOLDED: tuple[str, ...] = (
    "services",
    "audiences",
    "languages",
    "precision",
    "latitude",
    "longitude",
)
KEY = "sg_"  # the form's widgets: KEY + field name
EMAIL_KEY, REASON_KEY, TRAP_KEY = KEY + "contact_email", KEY + "reason", KEY + "hp"
FOR_KEY = "_sg_for"  # what the form's widgets were filled for (a record, "new", a token)
DONE_KEY = "_sg_receipt"  # the reference of the last proposal received, per target
CORRECTING_KEY = "_sg_correcting"  # the token whose "Correct it" was pressed
# The honeypot: off-screen (not display:none, which some bots skip), out of the tab order and of
# screen readers, so that a person never fills it; a filled one gets a receipt and is dropped.
TRAP_HTML = """<style>
.st-key-sg_trap { position: absolute !important; left: -10000px !important; width: 1px;
  height: 1px; overflow: hidden; }
</style>
<script>(() => {
  const hide = () => {
    const box = document.querySelector('.st-key-sg_trap');
    const input = box && box.querySelector('input');
    if (!input) { setTimeout(hide, 200); return; }
    box.setAttribute('aria-hidden', 'true');
    input.setAttribute('tabindex', '-1');
    input.setAttribute('autocomplete', 'off');
  };
  hide();
})();</script>"""
LIST_CSS = """<style>
.lien-record dt { font-weight: 600; margin-top: 6px; }
.lien-record dd { margin: 0; overflow-wrap: anywhere; white-space: pre-line; }
.lien-problems { border-left: 4px solid #b3261e; padding: 4px 12px; overflow-wrap: anywhere; }
.lien-problems ul { margin: 0; padding-left: 18px; }
</style>"""


# Why a signed link opens nothing (lien.links' refusal codes).
LINK_REFUSALS: dict[str, str] = {
    MALFORMED: N_("link_malformed"),
    FORGED: N_("link_forged"),
    EXPIRED: N_("link_expired"),
}


def label(field: str, lang: str) -> str:
    """A field's name in `lang` (a field no form offers: its name as sent, cut)."""
    return t(LABELS[field], lang) if field in LABELS else field[:40]


def target(sites: pd.DataFrame) -> tuple[str, str]:
    """What the page was opened for, from its address: ("token", token), ("site", site_id),
    what at_point() finds in `sites`, or ("new", ""). Read before the sidebar rewrites the
    address to its filters; keep() puts it back so that a rerun (the form's submit) finds it."""
    token = st.query_params.get(PARAM)
    if token:
        return "token", token
    site = st.query_params.get(SITE_PARAM)
    if site:
        return "site", site
    return at_point(sites) or ("new", "")


def at_point(sites: pd.DataFrame) -> tuple[str, str] | None:
    """A large map's popup names its site by organisation and point: ("site", its id), or
    ("choose", the ids, space-separated) when the organisation has several there, or
    ("missing", "") when the directory (`sites`, as the pages show it) no longer has it there;
    None without those parameters."""
    name, at = st.query_params.get(ORG_PARAM), st.query_params.get(AT_PARAM)
    if not name or not at:
        return None
    found = named_sites(sites, name, at)
    if len(found) == 1:
        return "site", found[0]
    return ("choose", " ".join(found)) if found else ("missing", "")


def keep(opened: tuple[str, str]) -> None:
    """Put the page's own parameter back into the address after the sidebar's rewrite."""
    kind, value = opened
    if kind in ("token", "site"):
        st.query_params[PARAM if kind == "token" else SITE_PARAM] = value


def choose(site_ids: list[str], lang: str) -> None:
    """The organisation has several sites at the point a popup named: one link to each."""
    records = [organisation.current_record(state.engine(), s)[1] for s in site_ids]
    st.caption(t("suggest_choose", lang))
    for site_id, record in zip(site_ids, records, strict=True):
        if record is not None:
            name = " — ".join(x for x in (record["organisation"], record["site"]) if x)
            link = suggest_url("", site_id, lang)
            st.markdown(f"- [{markdown_escape(name)}]({link})")


def client() -> Client:
    """Who is proposing: this session, and the client's address (X-Forwarded-For believed only
    from a trusted proxy, LIEN_TRUSTED_PROXY)."""
    context = get_script_run_ctx()
    session = context.session_id if context is not None else ""
    headers = dict(st.context.headers or {})
    peer = st.context.ip_address or ""
    return Client(session, client_address(peer, headers, config.trusted_proxies()))


def prefill(record: Mapping[str, str] | None, name: str) -> None:
    """Fill the form's widgets with `record`'s values (empty for a new organisation), once per
    record opened: later runs keep what the visitor typed."""
    if st.session_state.get(FOR_KEY) == name:
        return
    st.session_state[FOR_KEY] = name
    for field in EDITABLE:
        st.session_state[KEY + field] = (record or {}).get(field, "")
    for key in (EMAIL_KEY, REASON_KEY, TRAP_KEY):
        st.session_state[key] = ""


def _widget(field: str, lang: str) -> None:
    if field in LONG_COLUMNS:
        st.text_area(label(field, lang), key=KEY + field, max_chars=LONG_TEXT, height=80)
    else:
        st.text_input(label(field, lang), key=KEY + field, max_chars=SHORT_TEXT)


def _fields(lang: str) -> dict[str, str]:
    return {field: str(st.session_state.get(KEY + field) or "") for field in EDITABLE}


def form(lang: str, submit_label: str) -> Submission | None:
    """The form: the editable fields, the codes and coordinates folded, an optional e-mail, a
    reason and the honeypot. What it sends when submitted (its site and origin to be set by the
    caller), else None."""
    with st.form("suggest_form", enter_to_submit=False):
        for field in EDITABLE:
            if field not in FOLDED:
                _widget(field, lang)
        with st.expander(t("suggest_codes", lang)):
            st.caption(t("suggest_codes_help", lang))
            for field in FOLDED:
                _widget(field, lang)
        st.text_input(
            t("suggest_email", lang),
            key=EMAIL_KEY,
            max_chars=MAX_EMAIL,
            help=t("suggest_email_help", lang),
        )
        st.text_area(t("suggest_reason", lang), key=REASON_KEY, max_chars=MAX_REASON, height=80)
        with st.container(key="sg_trap"):
            st.text_input(t("suggest_trap", lang), key=TRAP_KEY, autocomplete="off")
        sent = st.form_submit_button(submit_label, type="primary")
    st.html(TRAP_HTML, unsafe_allow_javascript=True)
    if not sent:
        return None
    return Submission(
        None,
        _fields(lang),
        reason=str(st.session_state.get(REASON_KEY) or ""),
        email=str(st.session_state.get(EMAIL_KEY) or ""),
        honeypot=str(st.session_state.get(TRAP_KEY) or ""),
    )


def problems_html(problems: Sequence[Problem], lang: str) -> str:
    """Each problem with its field's name, escaped (a problem quotes what the visitor typed)."""
    items = "".join(
        f"<li><b>{html.escape(label(p.field, lang))}</b> · {html.escape(p.text(lang))}</li>"
        for p in problems
    )
    intro = html.escape(t("suggest_refused", lang))
    return f'{LIST_CSS}<div class="lien-problems" role="alert"><p>{intro}</p><ul>{items}</ul></div>'


def answer(result: Receipt | Refusal, name: str, lang: str) -> None:
    """Say what became of a proposal: its reference (kept for the next run, which shows it
    instead of the form), the limit, or each problem by field (the form keeps the input)."""
    if isinstance(result, Receipt):
        st.session_state[DONE_KEY] = {"for": name, "reference": result.reference}
        st.rerun()
    if result.limited:
        limited = html.escape(t("suggest_limited", lang))
        st.html(f'{LIST_CSS}<div class="lien-problems" role="alert">{limited}</div>')
    else:
        st.html(problems_html(result.problems, lang))


def receipt(name: str, lang: str) -> bool:
    """Show the reference of the proposal just received for `name`; whether there was one."""
    done = st.session_state.get(DONE_KEY)
    # "Still right" leaves a confirmation for the same link, and no reference.
    if not done or done.get("for") != name or "reference" not in done:
        return False
    # A reference is made of the app's own alphabet (proposals.ALPHABET): safe as Markdown.
    st.success(t("suggest_received", lang, reference=done["reference"]), icon=":material/check:")
    st.info(t("suggest_pending_note", lang))
    if st.button(t("suggest_again", lang), key="sg_again"):
        st.session_state.pop(DONE_KEY, None)
        st.session_state.pop(FOR_KEY, None)
        st.rerun()
    return True


def record_html(record: Mapping[str, str], lang: str) -> str:
    """A record, read-only, as plain text (every value escaped), its empty fields left out."""
    rows = "".join(
        f"<dt>{html.escape(label(f, lang))}</dt><dd>{html.escape(record[f])}</dd>"
        for f in EDITABLE
        if record.get(f)
    )
    return f'{LIST_CSS}<dl class="lien-record">{rows}</dl>'


def shown_record(site_id: str, intro: str, lang: str) -> dict[str, str] | None:
    """Record `site_id` as published now, headed by its organisation and the `intro` key's
    text; None, said to the visitor, when the directory no longer has it."""
    try:
        _, record = organisation.current_record(state.engine(), site_id)
        st.session_state[f"{RECORD_KEY}{site_id}"] = record
    except SQLAlchemyError:
        # The database restarting between the form's drawing and its sending: the record as
        # last read, so that the form and what was typed in it stay (the sending says it failed).
        log.warning("record %s read from the session: the store can't be read", site_id)
        record = st.session_state.get(f"{RECORD_KEY}{site_id}")
    if record is None:
        st.warning(t("suggest_no_record", lang))
        return None
    st.subheader(record["organisation"], anchor=False)
    st.caption(t(intro, lang))
    return record


def correction(site_id: str, lang: str) -> None:
    """A visitor's correction of record `site_id`, or a new organisation ("")."""
    name = f"site:{site_id}" if site_id else "new"
    if receipt(name, lang):
        return
    record = None
    if site_id:
        record = shown_record(site_id, N_("suggest_intro_site"), lang)
        if record is None:
            return
    else:
        st.caption(t("suggest_intro_new", lang))
    prefill(record, name)
    sent = form(lang, t("suggest_send", lang))
    if sent is not None:
        submission = replace(sent, site_id=site_id or None)
        try:
            result = proposals.propose(state.engine(), submission, client())
        except SQLAlchemyError:
            not_sent(lang)
            return
        answer(result, name, lang)


def not_sent(lang: str) -> None:
    """A proposal the store could not record (its database restarting): said, never dropped in
    silence; the form still holds what was typed."""
    log.exception("a proposal could not be recorded")
    st.error(t("suggest_not_sent", lang), icon=":material/cloud_off:")


def link_refused(error: LinkRefusedError, lang: str) -> None:
    """Why the link opens nothing, in the visitor's language; no record, no button."""
    st.error(t(LINK_REFUSALS[error.code], lang), icon=":material/link_off:")


def confirmed(token: str) -> bool:
    """ "Still right": one publish, the token opened again now (LinkRefusedError if it no
    longer opens its record). A publish that came meanwhile is no reason to refuse a
    confirmation: it is made again against it, once. Whether it was recorded."""
    engine = state.engine()
    for _ in range(2):
        version = store.current_version(engine)
        try:
            organisation.confirm(engine, token, secret_key(), now(), against=version)
        except ConflictError:
            continue
        st.session_state[DONE_KEY] = {"for": f"token:{token}", "confirmed": True}
        return True
    return False


def _buttons(token: str, lang: str) -> None:
    """ "Still right" acts at once; "Correct it" opens the form, pre-filled."""
    left, right = st.columns(2)
    if left.button(t("org_still_right", lang), key="org_confirm", type="primary"):
        try:
            done = confirmed(token)
        except LinkRefusedError as error:
            link_refused(error, lang)
            st.stop()
        if not done:
            st.warning(t("suggest_conflict", lang))
            st.stop()
        st.rerun()
    if right.button(t("org_correct", lang), key="org_correct"):
        st.session_state[CORRECTING_KEY] = token


def organisation_page(token: str, lang: str) -> None:
    """The page a signed link opens: its one record, "Still right" and "Correct it"."""
    name = f"token:{token}"
    try:
        site_id = organisation.record_of(token, secret_key(), now())
    except LinkRefusedError as error:
        link_refused(error, lang)
        return
    record = shown_record(site_id, N_("org_intro"), lang)
    if record is None:
        return
    done = st.session_state.get(DONE_KEY) or {}
    if done.get("for") == name and done.get("confirmed"):
        checked = checked_text(now().date().isoformat(), lang)
        st.success(t("org_confirmed", lang, checked=checked))
    if receipt(name, lang):
        return
    st.html(record_html(record, lang))
    _buttons(token, lang)
    if st.session_state.get(CORRECTING_KEY) != token:
        return
    prefill(record, name)
    sent = form(lang, t("suggest_send", lang))
    if sent is None:
        return
    try:
        result = organisation.propose(state.engine(), token, secret_key(), sent, client())
    except LinkRefusedError as error:
        link_refused(error, lang)
        return
    except SQLAlchemyError:
        not_sent(lang)
        return
    answer(result, name, lang)


def page(lang: str, opened: tuple[str, str]) -> None:
    """The page's body for what its address opened."""
    kind, value = opened
    if kind == "token":
        st.title(t("org_title", lang), anchor=False)
        organisation_page(value, lang)
        return
    st.title(t("add_title", lang) if kind == "new" else t("suggest_title", lang), anchor=False)
    if not config.store_enabled():
        st.info(t("suggest_no_store", lang))
    elif kind == "choose":
        choose(value.split(), lang)
    elif kind == "missing":
        st.warning(t("suggest_no_record", lang))
    else:
        correction(value, lang)
