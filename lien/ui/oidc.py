"""Reviewers signing in through the operator's identity provider: Streamlit's own st.login
(OpenID Connect, through Authlib), offered when the operator's secrets have an [auth] section.

The provider says who the person is (st.user's e-mail); the store says whether that person is a
reviewer (an enabled account named by that address, lien.store.signin.sign_in_verified), and
opens the same session as a password would, which every write checks again on the server.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

import streamlit as st

from lien.schema import MAX_EMAIL

# The provider's settings Streamlit reads; a sub-table of [auth] with client_id is a named
# provider ([auth.google]), those at the top the unnamed default one.
_CLIENT_ID = "client_id"


@dataclass(frozen=True)
class Provider:
    """The provider st.login is called with (None: [auth]'s unnamed default) and the name the
    button shows."""

    name: str | None
    label: str


def _auth() -> dict[str, Any] | None:
    # No secrets file (the default: password sign-in only) must not raise nor show Streamlit's
    # "no secrets found" error: load_if_toml_exists says whether there is one, quietly.
    try:
        if not st.secrets.load_if_toml_exists():
            return None
        section: Any = st.secrets.get("auth")
    except Exception:  # a malformed secrets file: the operator's log says why; no provider
        return None
    if section is None or not hasattr(section, "to_dict"):
        return None
    return dict(section.to_dict())


def provider() -> Provider | None:
    """The identity provider the operator configured, if any."""
    section = _auth()
    if not section or not section.get("redirect_uri") or not section.get("cookie_secret"):
        return None
    # [auth]'s `label` (a key of Lien's, which Streamlit ignores) names it on the button; else
    # the provider's name or its host. Bounded: the operator's, but shown to every visitor.
    label = section.get("label")
    if section.get(_CLIENT_ID):
        host = urlparse(str(section.get("server_metadata_url", ""))).hostname
        return Provider(None, str(label or host or "OpenID Connect")[:80])
    for name, value in section.items():
        if isinstance(value, dict) and value.get(_CLIENT_ID):
            return Provider(name, str(label or name)[:80])
    return None


def person() -> str | None:
    """The e-mail address the provider vouched for in this session, if someone logged in; an
    address the provider itself says is unverified names no one. Bounded: st.user's claims are
    the provider's, not ours, and reach the store."""
    try:
        if not st.user.is_logged_in:
            return None
        email = st.user.get("email")
        verified = st.user.get("email_verified")
    except Exception:  # no [auth]: st.user has nothing to say
        return None
    if not isinstance(email, str) or not email or len(email) > MAX_EMAIL or verified is False:
        return None
    return email


def log_in(chosen: Provider) -> None:
    """Off to the provider; Streamlit brings the person back to the app's home page."""
    st.login(chosen.name)


def log_out() -> None:
    """Forget the provider's identity cookie (and end the provider's session when it offers)."""
    if provider() is not None:
        st.logout()
