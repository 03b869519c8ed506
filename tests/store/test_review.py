"""lien.store.review, the Review page's writes, on SQLite and PostgreSQL: each refuses a session
that is not a reviewer's at that moment and writes nothing; edit then accept publishes the
reviewer's value and the audit names what was proposed; a write against an old version is a
conflict; a new organisation's diff shows every field it gives."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine

from lien import store
from lien.store import accounts, proposals, review, signin
from lien.store.limits import Client
from tests.support.reviewers import use_cheap_hashes

SITE = "apd-namur"
PASSWORD = "a long enough password"


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    use_cheap_hashes(monkeypatch)


def _token(engine: Engine) -> str:
    accounts.add(engine, "ana", PASSWORD)
    session = signin.sign_in(engine, "ana", PASSWORD, "192.0.2.9")
    assert isinstance(session, signin.Session)
    return session.token


def _propose(engine: Engine, site: str | None, fields: dict[str, str]) -> str:
    receipt = proposals.propose(
        engine, proposals.Submission(site, fields), Client("s", "192.0.2.1")
    )
    assert isinstance(receipt, proposals.Receipt), receipt
    return receipt.reference


WRITES: dict[str, Callable[[Engine, str | None, str], Any]] = {
    "accept": lambda e, token, ref: review.accept(e, token, ref, against=1),
    "edit": lambda e, token, ref: review.accept(e, token, ref, against=1, edited={"phone": "1"}),
    "reject": lambda e, token, ref: review.reject(e, token, ref, "no"),
    "still_right": lambda e, token, _: review.still_right(e, token, [SITE], against=1),
    "undo": lambda e, token, _: review.undo_to(e, token, 1, "back", against=1),
}


@pytest.mark.parametrize("write", list(WRITES))
def test_every_write_refuses_a_token_that_is_not_a_reviewer_s_now(
    engine: Engine, write: str
) -> None:
    token = _token(engine)
    reference = _propose(engine, SITE, {"phone": "081 99 99 99"})
    signin.sign_out(engine, token)
    for refused in (None, "", "forged-token", token):  # none, forged, ended
        with pytest.raises(review.NotSignedInError):
            WRITES[write](engine, refused, reference)
    assert store.current_version(engine) == 1
    assert [p.reference for p in proposals.pending(engine)] == [reference]


def test_a_disabled_reviewer_s_open_session_writes_nothing(engine: Engine) -> None:
    token = _token(engine)
    reference = _propose(engine, SITE, {"phone": "081 99 99 99"})
    accounts.disable(engine, "ana")
    with pytest.raises(review.NotSignedInError) as refused:
        review.accept(engine, token, reference, against=1)
    assert refused.value.code == signin.DISABLED
    assert store.current_version(engine) == 1


def test_edit_then_accept_publishes_the_edit_and_the_audit_says_so(engine: Engine) -> None:
    token = _token(engine)
    reference = _propose(engine, SITE, {"phone": "081 99 99 99"})
    assert review.accept(engine, token, reference, against=1, edited={"phone": "081 11 11 11"}) == 2
    _, frame = store.current(engine)
    assert frame.set_index("site_id").loc[SITE, "phone"] == "081 11 11 11"
    entries = review.audit_of(engine, SITE)
    decision = next(e for e in entries if e.field == "proposal")
    assert (decision.by, decision.old, decision.new) == ("ana", reference, "accepted")
    assert "phone proposed '081 99 99 99'" in decision.reason
    # A field the proposal does not name can't be slipped in with the edit.
    other = _propose(engine, SITE, {"hours": "lundi 9-12"})
    with pytest.raises(store.StoreError):
        review.accept(engine, token, other, against=2, edited={"email": "x@example.org"})


def test_an_old_version_is_a_conflict_and_nothing_is_written(engine: Engine) -> None:
    token = _token(engine)
    reference = _propose(engine, SITE, {"phone": "081 99 99 99"})
    store.publish(engine, {SITE: {"phone": "081 55 55 55"}}, "bob", "called", against=1)
    with pytest.raises(store.ConflictError):
        review.accept(engine, token, reference, against=1)
    with pytest.raises(store.ConflictError):
        review.still_right(engine, token, [SITE], against=1)
    assert store.current_version(engine) == 2
    assert [p.reference for p in proposals.pending(engine)] == [reference]


def test_reject_needs_a_reason(engine: Engine) -> None:
    token = _token(engine)
    reference = _propose(engine, SITE, {"phone": "081 99 99 99"})
    with pytest.raises(review.ReasonRequiredError):
        review.reject(engine, token, reference, "  \n ")
    assert [p.reference for p in proposals.pending(engine)] == [reference]


def test_a_new_organisation_s_diff_shows_every_field_it_gives(engine: Engine) -> None:
    fields = {"organisation": "Nouvelle asbl", "site": "Accueil", "city": "Namur"}
    reference = _propose(engine, None, fields)
    (waiting,) = [p for p in proposals.pending(engine) if p.reference == reference]
    lines = review.diff(None, waiting)
    assert {(line.field, line.proposed) for line in lines} == set(fields.items())
    assert all(line.changed and line.current == "" for line in lines)
