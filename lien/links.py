"""Signed links for verification rounds: each opens one record, for LINK_DAYS, and can't be
forged (an HMAC over the record's id and the time it was made, with the server's secret).

    token = link_for("apd-namur", secret_key(), now)
    open_link(token, secret_key(), now) -> "apd-namur"   # or LinkRefusedError(code)

The token carries the record's id itself: the page opens the record open_link returns, never one
the address names beside it, so a link opens no other record.

Never imports Streamlit.
"""

from __future__ import annotations

import contextlib
import math
import os
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pandas as pd
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from lien import config

LINK_DAYS = 60
LINK_AGE = timedelta(days=LINK_DAYS)
# Separates these signatures from any other use of the same secret: a token signed for another
# purpose never opens a record.
SALT = "lien.verification-link.v1"
# A link's token is about 80 characters; a longer one is refused before any work.
MAX_TOKEN = 1000
# The page a link opens (lien.ui.navigation registers it at this address under the app's root),
# and the address's parameter that carries the token; the same page corrects any record with
# SITE_PARAM, or adds an organisation without it.
PAGE = "Proposer_Voorstellen_Suggest"
PARAM = "token"
SITE_PARAM = "site"
# A large map's popup names its site by organisation and point (it carries no record id).
ORG_PARAM = "org"
AT_PARAM = "at"
# A point "lat,lon" and an organisation's name, as such a link sends them, at most.
MAX_POINT = 60
MAX_ORGANISATION = 500
# The map sends coordinates rounded to 5 decimals (about a metre), through a float division.
POINT_TOLERANCE = 2e-5
# A secret shorter than this is guessable offline from one link: refused.
MIN_SECRET = 32

# Why open_link refused a token; the page shows t("link_" + code).
MALFORMED = "malformed"  # not a token at all (cut by a mail client, or made up)
FORGED = "forged"  # a token, but not signed with this server's secret
EXPIRED = "expired"  # older than LINK_DAYS (or dated in the future)


class LinkRefusedError(ValueError):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class _SignerAt(TimestampSigner):
    """itsdangerous's signer with the clock given, so that a link's age is tested, not waited."""

    def __init__(self, *args: Any, now: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._now = now

    def get_timestamp(self) -> int:
        return self._now


def _serializer(secret: str, now: datetime) -> URLSafeTimedSerializer:
    stamp = int((now if now.tzinfo else now.replace(tzinfo=UTC)).timestamp())
    return URLSafeTimedSerializer(secret, salt=SALT, signer=_SignerAt, signer_kwargs={"now": stamp})


def link_for(site_id: str, secret: str, now: datetime) -> str:
    """The token of a link to record `site_id`, made at `now`."""
    if not site_id:
        raise ValueError("a link names a record")
    return str(_serializer(secret, now).dumps({"site": site_id}))


def open_link(token: str, secret: str, now: datetime) -> str:
    """The record `token` opens at `now`, or LinkRefusedError with its code."""
    if not token or len(token) > MAX_TOKEN or not token.isascii():
        raise LinkRefusedError(MALFORMED)
    try:
        payload = _serializer(secret, now).loads(token, max_age=int(LINK_AGE.total_seconds()))
    except SignatureExpired as error:
        raise LinkRefusedError(EXPIRED) from error
    except BadSignature as error:
        raise LinkRefusedError(FORGED) from error
    site = payload.get("site") if isinstance(payload, dict) else None
    if not isinstance(site, str) or not site:
        raise LinkRefusedError(FORGED)
    return site


def url_for(base_url: str, token: str) -> str:
    """The link itself: the page PAGE under the app's address, with the token as PARAM."""
    if not base_url.startswith(("https://", "http://")):
        raise ValueError("a link's base is an http(s) address")
    return f"{base_url.rstrip('/')}/{PAGE}?{urlencode({PARAM: token})}"


def suggest_url(root: str, site_id: str | None, lang: str) -> str:
    """Where "suggest a correction" of `site_id` (None: "add an organisation") leads, in
    `lang`: PAGE under `root`, the app's root address ("" for a link relative to the root)."""
    params = {"lang": lang} | ({SITE_PARAM: site_id} if site_id else {})
    return f"{root.rstrip('/') + '/' if root else ''}{PAGE}?{urlencode(params)}"


def suggest_template(root: str, lang: str) -> str:
    """suggest_url for a large map's popup, with {org}, {lat} and {lon} for the browser to fill
    (the organisation URL-encoded)."""
    return suggest_url(root, None, lang) + f"&{ORG_PARAM}={{org}}&{AT_PARAM}={{lat}},{{lon}}"


def named_sites(sites: pd.DataFrame, organisation: str, at: str) -> list[str]:
    """The ids of `organisation`'s sites at point `at` ("lat,lon", rounded as the map sends it)
    in `sites` (the directory as the pages show it, geocoded: the store keeps no coordinates for
    a record the pages place themselves); bounded before any work, [] for what names no point."""
    try:
        lat, lon = (float(x) for x in at[:MAX_POINT].split(","))
    except ValueError:
        return []
    if not (math.isfinite(lat) and math.isfinite(lon)) or sites.empty:
        return []
    here = (
        (sites["organisation"] == organisation[:MAX_ORGANISATION])
        & ((sites["latitude"] - lat).abs() <= POINT_TOLERANCE)
        & ((sites["longitude"] - lon).abs() <= POINT_TOLERANCE)
    )
    return sorted(sites.loc[here, "site_id"].astype(str))


def key_file() -> Path:
    """Where the secret made on first use is kept (beside the default SQLite store, in var/,
    which `make clean` keeps)."""
    return config.ROOT / "var" / "secret_key"


def secret_key() -> str:
    """LIEN_SECRET_KEY, else a random key made once and kept in key_file().

    Why kept rather than made at each start: a link lives 60 days, across restarts, and every
    server process must accept the links of the others. Why a file of mode 0600: whoever reads
    it can sign links for any record, so only the app's user may. Why not in the repository:
    anyone could then forge links. An operator with several machines sets LIEN_SECRET_KEY to the
    same value on each; changing it revokes every link sent."""
    given = os.environ.get("LIEN_SECRET_KEY", "").strip()
    if given:
        if len(given) < MIN_SECRET:
            raise ValueError(f"LIEN_SECRET_KEY has {MIN_SECRET} characters at least")
        return given
    path = key_file()
    if not path.exists():
        _make_key(path)
    return path.read_text(encoding="ascii").strip()


def _make_key(path: Path) -> None:
    """Write a new key to `path`, unless another process got there first: written whole to a
    file of its own (mode 0600 from its creation), then linked into place, which fails if `path`
    exists, so two processes starting at once use the same key and none reads half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as file:
            file.write(secrets.token_urlsafe(48))
            file.flush()
            os.fsync(file.fileno())
        with contextlib.suppress(FileExistsError):
            os.link(draft, path)
    finally:
        draft.unlink(missing_ok=True)
