"""The reviewers' sign-in form, the session check at the top of the Review page, and sign-out.

The session's token (lien.store.signin) lives in this Streamlit session's state only, never in
the URL: a link copied or a page shared carries no session. The page checks it at every run to
decide what to draw, and lien.store.review checks it again, on the server, at every write.
"""

from __future__ import annotations

import math

import streamlit as st
from sqlalchemy import Engine

from lien import config
from lien.i18n import N_, t
from lien.store import limits, signin
from lien.store.accounts import MAX_NAME, MAX_PASSWORD, utcnow
from lien.text import markdown_literal
from lien.ui import oidc

TOKEN_KEY = "_review_token"
# Why a session ended, said once on the sign-in form that follows.
_ENDED_KEY = "_review_ended"
# Set when a session the identity provider's word opened ended (a timeout, a disabled account):
# this Streamlit session doesn't open another from the same login by itself, the person asks.
_SPENT_KEY = "_review_provider_spent"
_VIA_KEY = "_review_via_provider"
# Every refusal code's message, named literally for the catalogues' extraction.
MESSAGES: dict[str, str] = {
    signin.BAD_CREDENTIALS: N_("signin_bad_credentials"),
    signin.LOCKED: N_("signin_locked"),
    signin.DISABLED: N_("signin_disabled"),
    signin.NO_SESSION: N_("signin_no_session"),
    signin.SIGNED_OUT: N_("signin_signed_out"),
    signin.IDLE: N_("signin_idle"),
    signin.EXPIRED: N_("signin_expired"),
    signin.WRONG_ROLE: N_("signin_wrong_role"),
    signin.NOT_REVIEWER: N_("signin_not_reviewer"),
}


def token() -> str | None:
    """This session's reviewer token, if it signed in."""
    value = st.session_state.get(TOKEN_KEY)
    return value if isinstance(value, str) else None


def refusal_text(refusal: signin.Refusal, lang: str) -> str:
    """A refusal in the visitor's language; a lock says how many minutes it has left."""
    key = MESSAGES.get(refusal.code, MESSAGES[signin.NO_SESSION])
    if refusal.code == signin.LOCKED:
        left = (refusal.until - utcnow()).total_seconds() / 60 if refusal.until else 15
        return t(key, lang, minutes=max(1, math.ceil(left)))
    return t(key, lang)


def ended(code: str) -> None:
    """Forget the token, and say why on the next run (a write refused, a timeout)."""
    st.session_state.pop(TOKEN_KEY, None)
    st.session_state[_ENDED_KEY] = code
    if st.session_state.pop(_VIA_KEY, False):
        st.session_state[_SPENT_KEY] = True


def signed_in(engine: Engine) -> signin.Session | None:
    """The reviewer this session is signed in as, checked now; None (the token forgotten, the
    reason kept for the form) when it has none or it ended."""
    held = token()
    if held is None:
        return None
    checked = signin.check(engine, held)
    if isinstance(checked, signin.Refusal):
        ended(checked.code)
        return None
    return checked


def _client() -> str:
    """The visitor's address, as the proposals' limit reads it (X-Forwarded-For only from a
    trusted proxy): the lockout per client counts it."""
    peer = st.context.ip_address
    peer = peer if isinstance(peer, str) else ""  # none without a connection (a test's run)
    headers = {str(k): str(v) for k, v in (st.context.headers or {}).items()}
    return limits.client_address(peer, headers, config.trusted_proxies())


def _provider_sign_in(engine: Engine, chosen: oidc.Provider, lang: str) -> bool:
    """The provider's part of the form; True when it is all the form shows: someone the
    provider knows came back, and the store either opened their session (the page reruns) or
    said why not ("you are not a reviewer" and nothing else)."""
    email = oidc.person()
    if email is None or st.session_state.get(_SPENT_KEY):
        if st.button(t("signin_with", lang, provider=markdown_literal(chosen.label)), key="oidc"):
            st.session_state.pop(_SPENT_KEY, None)
            oidc.log_in(chosen)
        return False
    outcome = signin.sign_in_verified(engine, email, _client())
    if isinstance(outcome, signin.Session):
        st.session_state[TOKEN_KEY] = outcome.token
        st.session_state[_VIA_KEY] = True
        st.rerun()
    st.error(refusal_text(outcome, lang))
    # Plain text: the address is the provider's claim, not ours to render as Markdown.
    st.text(t("signin_provider_as", lang, email=email))
    st.button(t("signin_out", lang), key="oidc_out", on_click=oidc.log_out)
    return True


def form(engine: Engine, lang: str) -> None:
    """The sign-in form, and what became of the last try or of the last session. With an
    identity provider configured, its button comes first and the password form stays below it:
    accounts made with a password keep working beside the provider's people."""
    st.header(t("signin_heading", lang))
    code = st.session_state.pop(_ENDED_KEY, None)
    if isinstance(code, str):
        st.warning(refusal_text(signin.Refusal(code), lang))
    chosen = oidc.provider()
    if chosen is not None and _provider_sign_in(engine, chosen, lang):
        return
    with st.form("signin", clear_on_submit=False):
        name = st.text_input(t("signin_name", lang), max_chars=MAX_NAME, key="signin_name")
        password = st.text_input(
            t("signin_password", lang), type="password", max_chars=MAX_PASSWORD, key="signin_pw"
        )
        sent = st.form_submit_button(t("signin_submit", lang), type="primary")
    if not sent:
        return
    outcome = signin.sign_in(engine, (name or "").strip(), password or "", _client())
    if isinstance(outcome, signin.Refusal):
        st.error(refusal_text(outcome, lang))
        return
    st.session_state[TOKEN_KEY] = outcome.token
    st.session_state.pop("signin_pw", None)
    st.rerun()


def sign_out_button(engine: Engine, who: signin.Session, lang: str) -> None:
    """Who is signed in, and the button that ends the session (here and in the store)."""
    st.sidebar.caption(t("signin_as", lang, name=markdown_literal(who.name)))

    def out() -> None:
        signin.sign_out(engine, who.token)
        ended(signin.SIGNED_OUT)
        st.session_state.pop(_SPENT_KEY, None)
        # Signed in through the provider: its identity cookie goes too, or the next visit to
        # the page would open a new session from it.
        if oidc.person() is not None:
            oidc.log_out()

    st.sidebar.button(t("signin_out", lang), key="signin_out", on_click=out)
