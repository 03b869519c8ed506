"""Reviewers' accounts and sign-in, on SQLite and PostgreSQL: argon2id hashes rehashed when the
parameters change, a lockout per name and per client, sessions with an idle timeout and a
lifetime, and a check that reads the account at every write."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from argon2 import PasswordHasher, Type
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session as OrmSession

from lien import store
from lien.config import ORGANISATIONS_CSV
from lien.store import accounts, signin
from lien.store.engine import make_engine, revision, upgrade
from lien.store.models import Base, Reviewer, ReviewerSession
from lien.store.signin import Refusal, check, sign_in, sign_out
from tests.support.reviewers import CHEAP, refusal_of, session_of, use_cheap_hashes

PASSWORD = "correct horse battery"
T0 = datetime(2026, 3, 2, 9, 0, 0)


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    use_cheap_hashes(monkeypatch)


@pytest.fixture
def ana(engine: Engine) -> Engine:
    accounts.add(engine, "ana", PASSWORD)
    return engine


def test_the_reviewers_migration_upgrades_the_previous_schema_keeping_its_data(url: str) -> None:
    engine = make_engine(url)
    upgrade(engine, "0002")
    from lien.store.fill import fill

    fill(engine, ORGANISATIONS_CSV)
    before = store.records(engine, 1)
    upgrade(engine)
    assert revision(engine) == "0003"
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    assert store.records(engine, 1).equals(before)
    accounts.add(engine, "ana", PASSWORD)
    assert [a.name for a in accounts.accounts(engine)] == ["ana"]
    engine.dispose()


def test_the_production_hasher_is_argon2id() -> None:
    assert PasswordHasher().type is Type.ID


def test_a_password_is_kept_as_an_argon2id_hash_never_in_clear(ana: Engine) -> None:
    with ana.connect() as connection:
        stored = connection.execute(text("SELECT password_hash FROM reviewers")).scalar_one()
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored


@pytest.mark.parametrize(
    ("name", "password", "code"),
    [
        ("bob", "short", "short_password"),
        ("bob", "x" * (accounts.MAX_PASSWORD + 1), "long_password"),
        (" bob", PASSWORD, "bad_name"),
        ("", PASSWORD, "bad_name"),
        ("b\nob", PASSWORD, "bad_name"),
        ("b" * 201, PASSWORD, "bad_name"),
        ("ana", PASSWORD, "name_taken"),
    ],
)
def test_an_account_is_refused_a_bad_name_or_password(
    ana: Engine, name: str, password: str, code: str
) -> None:
    with pytest.raises(accounts.AccountError) as refused:
        accounts.add(ana, name, password)
    assert refused.value.code == code


def test_a_hash_is_remade_at_sign_in_when_the_parameters_change(
    ana: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    stronger = PasswordHasher(time_cost=2, memory_cost=16, parallelism=1, type=Type.ID)
    monkeypatch.setattr(accounts, "HASHER", stronger)
    session_of(sign_in(ana, "ana", PASSWORD, "10.0.0.1", T0))
    with OrmSession(ana) as db:
        stored = db.scalars(select(Reviewer.password_hash)).one()
    assert "m=16,t=2,p=1" in stored
    assert not stronger.check_needs_rehash(stored)
    # And the new hash still opens the account.
    session_of(sign_in(ana, "ana", PASSWORD, "10.0.0.1", T0))


def test_a_right_password_opens_a_session_the_check_accepts(ana: Engine) -> None:
    session = session_of(sign_in(ana, "ana", PASSWORD, "10.0.0.1", T0))
    assert (session.name, session.role) == ("ana", "reviewer")
    assert session.idle_until == T0 + signin.IDLE_TIMEOUT
    assert session.ends_at == T0 + signin.LIFETIME
    assert session_of(check(ana, session.token, now=T0 + timedelta(minutes=1))).name == "ana"


def test_the_database_keeps_no_session_token(ana: Engine) -> None:
    session = session_of(sign_in(ana, "ana", PASSWORD, "10.0.0.1", T0))
    with OrmSession(ana) as db:
        kept = db.scalars(select(ReviewerSession.token_hash)).one()
    assert session.token not in kept
    assert len(kept) == 64


def test_a_wrong_password_and_an_unknown_name_get_the_same_refusal(
    ana: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    verified: list[str] = []

    class Spy(PasswordHasher):
        def verify(self, hash: str | bytes, password: str | bytes) -> bool:
            verified.append(str(hash))
            return super().verify(hash, password)

    monkeypatch.setattr(accounts, "HASHER", Spy(**CHEAP, type=Type.ID))
    assert refusal_of(sign_in(ana, "ana", "wrong password!", "10.0.0.1", T0)) == "bad_credentials"
    assert refusal_of(sign_in(ana, "nobody", PASSWORD, "10.0.0.1", T0)) == "bad_credentials"
    # The unknown name still cost one argon2 verification (of a dummy hash): timing alike.
    assert len(verified) == 2
    assert all(v.startswith("$argon2id$") for v in verified)


def test_five_refusals_lock_the_name_even_against_the_right_password(ana: Engine) -> None:
    for minute in range(signin.LOCK_AFTER_NAME):
        at = T0 + timedelta(minutes=minute)
        assert refusal_of(sign_in(ana, "ana", "guess number x", f"10.0.0.{minute}", at)) == (
            "bad_credentials"
        )
    later = T0 + timedelta(minutes=5)
    locked = sign_in(ana, "ana", PASSWORD, "10.9.9.9", later)
    assert refusal_of(locked) == "locked"
    assert isinstance(locked, Refusal)
    assert locked.until == T0 + signin.LOCK_WINDOW
    # Once the window has passed, the right password opens it again.
    session_of(sign_in(ana, "ana", PASSWORD, "10.9.9.9", T0 + signin.LOCK_WINDOW))


def test_one_client_guessing_across_many_names_is_locked(ana: Engine) -> None:
    for n in range(signin.LOCK_AFTER_CLIENT):
        sign_in(ana, f"name{n}", "guess number x", "10.6.6.6", T0)
    assert refusal_of(sign_in(ana, "ana", PASSWORD, "10.6.6.6", T0)) == "locked"
    # Another client, the same account: not locked (the name had no refusal).
    session_of(sign_in(ana, "ana", PASSWORD, "10.0.0.1", T0))


def test_a_session_ends_when_idle_and_at_its_lifetime(ana: Engine) -> None:
    idle = session_of(sign_in(ana, "ana", PASSWORD, "10.0.0.1", T0))
    late = T0 + signin.IDLE_TIMEOUT + timedelta(seconds=1)
    assert refusal_of(check(ana, idle.token, now=late)) == "idle"

    busy = session_of(sign_in(ana, "ana", PASSWORD, "10.0.0.1", T0))
    at = T0
    while at + timedelta(minutes=20) < T0 + signin.LIFETIME:
        at += timedelta(minutes=20)
        session_of(check(ana, busy.token, now=at))  # activity keeps it from going idle ...
    # ... but not beyond its lifetime.
    assert refusal_of(check(ana, busy.token, now=T0 + signin.LIFETIME)) == "expired"


def test_disabling_an_account_stops_its_open_session_at_once(ana: Engine) -> None:
    session = session_of(sign_in(ana, "ana", PASSWORD, "10.0.0.1", T0))
    accounts.disable(ana, "ana")
    assert refusal_of(check(ana, session.token, now=T0)) == "disabled"
    assert refusal_of(sign_in(ana, "ana", PASSWORD, "10.0.0.1", T0)) == "disabled"
    assert not accounts.accounts(ana)[0].active


def test_a_signed_out_forged_or_oversized_token_opens_nothing(ana: Engine) -> None:
    session = session_of(sign_in(ana, "ana", PASSWORD, "10.0.0.1", T0))
    other = "B" if session.token.endswith("A") else "A"
    assert refusal_of(check(ana, session.token[:-1] + other, now=T0)) == "no_session"
    assert refusal_of(check(ana, "x" * 10_000, now=T0)) == "no_session"
    assert refusal_of(check(ana, "", now=T0)) == "no_session"
    assert refusal_of(check(ana, session.token, role="admin", now=T0)) == "wrong_role"
    sign_out(ana, session.token, now=T0)
    assert refusal_of(check(ana, session.token, now=T0)) == "signed_out"


def test_an_oversized_sign_in_is_refused_before_any_hashing(
    ana: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Never(PasswordHasher):
        def verify(self, hash: str | bytes, password: str | bytes) -> bool:
            raise AssertionError("hashed an oversized input")

    monkeypatch.setattr(accounts, "HASHER", Never(**CHEAP, type=Type.ID))
    huge = "p" * 100_000
    assert refusal_of(sign_in(ana, "ana", huge, "10.0.0.1", T0)) == "bad_credentials"
    assert refusal_of(sign_in(ana, "a" * 100_000, PASSWORD, "10.0.0.1", T0)) == "bad_credentials"
