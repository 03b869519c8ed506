"""Sessions the operator's identity provider opens (st.login): the provider's e-mail address is
a reviewer only when an enabled account is named by it; the session is a password's session,
checked at every write; a provider-only account opens with no password. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session as OrmSession

from lien import reviewers
from lien.store import accounts, signin
from lien.store.models import Reviewer, ReviewerSession
from lien.store.signin import Session, check, sign_in, sign_in_verified, sign_out
from tests.support.reviewers import refusal_of, session_of, use_cheap_hashes

T0 = datetime(2026, 3, 2, 9, 0, 0)
ANA = "ana@example.org"


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    use_cheap_hashes(monkeypatch)


@pytest.fixture
def ana(engine: Engine) -> Engine:
    accounts.add(engine, ANA, None)
    return engine


def test_the_providers_address_opens_the_session_of_the_account_it_names(ana: Engine) -> None:
    opened = session_of(sign_in_verified(ana, ANA, "10.0.0.1", now=T0))
    assert opened.name == ANA
    assert opened.role == "reviewer"
    # The same session as a password's: the check at each write accepts it, by its token only.
    assert session_of(check(ana, opened.token, now=T0 + timedelta(minutes=1))).name == ANA
    with OrmSession(ana) as db:
        kept = db.scalars(select(ReviewerSession.token_hash)).all()
    assert opened.token not in kept


def test_the_address_is_compared_without_regard_to_case(ana: Engine) -> None:
    # Providers hand back the address as the person typed it at sign-up.
    assert session_of(sign_in_verified(ana, " Ana@Example.ORG ", "c", now=T0)).name == ANA


@pytest.mark.parametrize(
    "email", ["bob@example.org", "", "ana", "ana@example.org.evil", "a" * 300 + "@example.org"]
)
def test_someone_no_account_names_is_not_a_reviewer(ana: Engine, email: str) -> None:
    assert refusal_of(sign_in_verified(ana, email, "c", now=T0)) == signin.NOT_REVIEWER
    with OrmSession(ana) as db:
        assert db.scalars(select(ReviewerSession)).all() == []


def test_a_disabled_account_opens_nothing_and_its_open_session_stops(ana: Engine) -> None:
    opened = session_of(sign_in_verified(ana, ANA, "c", now=T0))
    accounts.disable(ana, ANA)
    assert refusal_of(check(ana, opened.token, now=T0)) == signin.DISABLED
    assert refusal_of(sign_in_verified(ana, ANA, "c", now=T0)) == signin.DISABLED


def test_two_accounts_differing_only_in_case_are_refused_not_guessed(engine: Engine) -> None:
    accounts.add(engine, "ana@example.org", None)
    accounts.add(engine, "ANA@example.org", None)
    assert refusal_of(sign_in_verified(engine, ANA, "c", now=T0)) == signin.NOT_REVIEWER


def test_a_verified_session_times_out_and_signs_out_as_a_passwords_does(ana: Engine) -> None:
    idle = session_of(sign_in_verified(ana, ANA, "c", now=T0))
    assert refusal_of(check(ana, idle.token, now=T0 + signin.IDLE_TIMEOUT)) == signin.IDLE
    out = session_of(sign_in_verified(ana, ANA, "c", now=T0))
    sign_out(ana, out.token, now=T0)
    assert refusal_of(check(ana, out.token, now=T0)) == signin.SIGNED_OUT


def test_a_provider_only_account_opens_with_no_password(ana: Engine) -> None:
    with OrmSession(ana) as db:
        kept = db.scalar(select(Reviewer.password_hash).where(Reviewer.name == ANA))
    assert kept == accounts.NO_PASSWORD
    for guess in ["", accounts.NO_PASSWORD, "correct horse battery"]:
        assert refusal_of(sign_in(ana, ANA, guess, "c", now=T0)) == signin.BAD_CREDENTIALS


def test_a_password_account_named_by_its_address_opens_both_ways(engine: Engine) -> None:
    accounts.add(engine, ANA, "correct horse battery")
    assert isinstance(sign_in(engine, ANA, "correct horse battery", "c", now=T0), Session)
    assert isinstance(sign_in_verified(engine, ANA, "c", now=T0), Session)


def test_the_command_line_makes_a_provider_only_account(
    url: str, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LIEN_DATABASE_URL", url)
    # No password is read: stdin is never touched.
    monkeypatch.setattr(reviewers, "_password", lambda: pytest.fail("asked for a password"))
    assert reviewers.main(["add", ANA, "--provider-only"]) == 0
    assert session_of(sign_in_verified(engine, ANA, "c", now=T0)).name == ANA
