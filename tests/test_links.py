"""Signed links of verification rounds: each opens its one record for 60 days, can't be forged,
can't be used once expired, opens no other record; the secret is the operator's or one made once
and kept private."""

from __future__ import annotations

import base64
import json
import stat
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from itsdangerous import URLSafeTimedSerializer

from lien import config, links
from lien.links import LinkRefusedError, link_for, open_link

SECRET = "s" * 40
T0 = datetime(2026, 3, 2, 9, 0, 0)


def _refused(token: str, secret: str = SECRET, now: datetime = T0) -> str:
    with pytest.raises(LinkRefusedError) as refused:
        open_link(token, secret, now)
    return refused.value.code


def test_a_link_opens_its_record() -> None:
    assert open_link(link_for("apd-namur", SECRET, T0), SECRET, T0) == "apd-namur"


def test_a_link_works_for_60_days_and_not_a_second_longer() -> None:
    token = link_for("apd-namur", SECRET, T0)
    assert open_link(token, SECRET, T0 + timedelta(days=60)) == "apd-namur"
    assert _refused(token, now=T0 + timedelta(days=60, seconds=1)) == "expired"


def test_a_link_dated_in_the_future_is_refused() -> None:
    assert _refused(link_for("apd-namur", SECRET, T0 + timedelta(days=1))) == "expired"


def test_a_link_signed_with_another_secret_or_for_another_purpose_is_forged() -> None:
    assert _refused(link_for("apd-namur", "o" * 40, T0)) == "forged"
    other_use = URLSafeTimedSerializer(SECRET, salt="something else").dumps({"site": "apd-namur"})
    assert _refused(str(other_use)) == "forged"


def test_a_link_rewritten_to_name_another_record_is_forged() -> None:
    token = link_for("apd-namur", SECRET, T0)
    payload, stamp, signature = token.split(".")
    other = base64.urlsafe_b64encode(json.dumps({"site": "croix-rouge-liege"}).encode())
    forged = ".".join([other.decode().rstrip("="), stamp, signature])
    assert _refused(forged) == "forged"
    # Each record's link opens that record and no other.
    assert open_link(link_for("croix-rouge-liege", SECRET, T0), SECRET, T0) == "croix-rouge-liege"


@pytest.mark.parametrize("token", ["", "not a token", "é" * 10, "a.b.c", "x" * 5000])
def test_what_is_not_a_link_is_refused(token: str) -> None:
    assert _refused(token) in {"malformed", "forged"}


def test_the_link_carries_its_token_in_the_apps_address() -> None:
    url = links.url_for("https://lien.example/", "abc.def")
    assert url == "https://lien.example/Proposer_Voorstellen_Suggest?token=abc.def"
    with pytest.raises(ValueError, match="http"):
        links.url_for("javascript:alert(1)", "abc")


def test_the_operators_secret_comes_first_and_must_be_long(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LIEN_SECRET_KEY", "k" * 32)
    assert links.secret_key() == "k" * 32
    monkeypatch.setenv("LIEN_SECRET_KEY", "short")
    with pytest.raises(ValueError, match="LIEN_SECRET_KEY"):
        links.secret_key()


def test_without_one_a_key_is_made_once_readable_by_the_app_only(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("LIEN_SECRET_KEY", raising=False)
    monkeypatch.setattr(config, "ROOT", tmp_path)
    first = links.secret_key()
    path = tmp_path / "var" / "secret_key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(first) >= links.MIN_SECRET
    # Kept: the links sent before a restart still open.
    assert links.secret_key() == first
    assert [p.name for p in path.parent.iterdir()] == ["secret_key"]


def test_a_large_map_s_popup_names_its_sites_by_organisation_and_point() -> None:
    """The map sends coordinates rounded to 5 decimals through a float division; the
    organisation tells apart two at one point (APD and Caritas in Liège); the rest is []."""
    from lien.ingest import directory

    sites = directory.prepare(directory.read_directory().frame)
    apd = "Aide aux Personnes Déplacées"
    assert links.named_sites(sites, apd, "50.46690000000001,4.867459999999") == ["apd-namur"]
    assert links.named_sites(sites, apd, "50.63373,5.56749") == ["apd-liege"]
    caritas = links.named_sites(sites, "Caritas International", "50.63373,5.56749")
    assert caritas == ["caritas-housing-cafe-liege"]
    assert links.named_sites(sites, apd, "50.4670,4.86746") == []  # ten metres off
    for hostile in ("", "x", "50.4669", "nan,nan", "1e999,4", "50.4669,4.86746," * 5_000):
        assert links.named_sites(sites, apd, hostile) == []


def test_a_large_map_s_popup_link_is_the_suggest_page_s_with_its_blanks() -> None:
    template = links.suggest_template("http://lien.example/", "nl")
    assert template == (
        "http://lien.example/Proposer_Voorstellen_Suggest?lang=nl&org={org}&at={lat},{lon}"
    )
