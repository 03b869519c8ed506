"""The Review page (issue 28, items 5 and 6): a visitor sees the sign-in and nothing else; wrong
passwords lock the name; a forged token in the session writes nothing; a signed-in reviewer's
accept, edit then accept, reject, "still right" and undo publish and write the audit; a conflict
is shown with both values, nothing overwritten."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, update
from streamlit.testing.v1 import AppTest

from lien import store
from lien.config import ROOT
from lien.store import accounts, proposals, review, signin
from lien.store.limits import Client
from lien.store.models import Audit, ReviewerSession
from lien.ui import signin_form
from tests.support.reviewers import use_cheap_hashes

PAGE = str(ROOT / "pages" / "4_Relecture_Beoordeling_Review.py")
SITE = "apd-namur"
NEW_PHONE = "081 99 99 99"
PASSWORD = "a long enough password"


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    use_cheap_hashes(monkeypatch)


@pytest.fixture
def engine(new_store: Path) -> Iterator[Engine]:
    """The page's own store, filled from the seed, with the reviewer ana."""
    opened = store.open(f"sqlite:///{new_store}")
    accounts.add(opened, "ana", PASSWORD)
    yield opened
    opened.dispose()


def _propose(engine: Engine, fields: dict[str, str], site: str | None = SITE) -> str:
    submission = proposals.Submission(site, fields, reason="called them")
    receipt = proposals.propose(engine, submission, Client("test-session", "192.0.2.1"))
    assert isinstance(receipt, proposals.Receipt), receipt
    return receipt.reference


def _texts(at: AppTest) -> str:
    """Everything the page wrote, as the visitor would read it."""
    parts = [
        e.value
        for kind in ("markdown", "text", "header", "subheader", "title")
        for e in getattr(at, kind)
    ]
    parts += [str(e.proto) for e in at.get("html")]
    parts += [
        e.value for kind in ("error", "warning", "info", "success") for e in getattr(at, kind)
    ]
    return "\n".join(str(p) for p in parts)


def _signed_in(engine: Engine) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    at.text_input(key="signin_name").input("ana")
    at.text_input(key="signin_pw").input(PASSWORD)
    at.button[0].click()  # the form's submit: the page's only button before sign-in
    return at.run()


def test_a_visitor_sees_the_sign_in_and_no_proposal(engine: Engine) -> None:
    reference = _propose(engine, {"phone": NEW_PHONE})
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    assert not at.exception
    labels = [w.label for w in at.text_input]
    assert labels == ["Nom", "Mot de passe"]
    shown = _texts(at)
    assert reference not in shown
    assert NEW_PHONE not in shown
    assert "attente" not in shown  # no queue, not even its count
    assert not at.dataframe
    assert not at.multiselect


def test_repeated_wrong_passwords_lock_the_name(engine: Engine) -> None:
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    for _ in range(5):
        at.text_input(key="signin_name").input("ana")
        at.text_input(key="signin_pw").input("not the password")
        at.button[0].click()
        at.run()
        assert at.error[0].value == "Nom ou mot de passe incorrect."
    # The right password now: still refused, and the message says the lock.
    at.text_input(key="signin_name").input("ana")
    at.text_input(key="signin_pw").input(PASSWORD)
    at.button[0].click()
    at.run()
    assert "Trop d'essais manqués" in at.error[0].value
    assert signin_form.TOKEN_KEY not in at.session_state


def test_a_signed_in_reviewer_sees_the_diff_and_accepts(engine: Engine) -> None:
    reference = _propose(engine, {"phone": NEW_PHONE})
    at = _signed_in(engine)
    assert not at.exception
    shown = _texts(at)
    assert reference in shown
    assert "085 21 34 81" in shown
    assert NEW_PHONE in shown
    assert "lien-changed" in shown
    at.button(key=f"accept_{reference}").click().run()
    assert not at.exception
    assert at.success[0].value == f"Proposition {reference} acceptée et publiée."
    version, frame = store.current(engine)
    assert version == 2
    assert frame.set_index("site_id").loc[SITE, "phone"] == NEW_PHONE
    with engine.connect() as connection:
        rows = connection.execute(select(Audit).where(Audit.version == 2)).all()
    assert {(r.by, r.field, r.new) for r in rows} >= {("ana", "phone", NEW_PHONE)}
    assert reference not in [h.value for h in at.subheader]  # decided: out of the queue


def test_a_forged_token_in_the_session_writes_nothing(engine: Engine) -> None:
    reference = _propose(engine, {"phone": NEW_PHONE})
    at = _signed_in(engine)
    # The session's token replaced by one never issued, after the page drew the buttons.
    at.session_state[signin_form.TOKEN_KEY] = "forged-" + "x" * 36
    at.button(key=f"accept_{reference}").click().run()
    assert not at.exception
    assert store.current_version(engine) == 1
    assert [p.reference for p in proposals.pending(engine)] == [reference]
    assert [w.label for w in at.text_input] == ["Nom", "Mot de passe"]  # back to the sign-in
    # The store's own functions refuse it too, whatever page calls them.
    with pytest.raises(review.NotSignedInError):
        review.accept(engine, "forged", reference, against=1)


def test_edit_then_accept_publishes_the_edited_value_and_says_so(engine: Engine) -> None:
    reference = _propose(engine, {"phone": NEW_PHONE})
    at = _signed_in(engine)
    at.text_input(key=f"edit_{reference}_phone").input("081 11 11 11")
    at.button(key=f"FormSubmitter:edit_{reference}-Accepter avec ces valeurs").click().run()
    assert not at.exception
    _, frame = store.current(engine)
    assert frame.set_index("site_id").loc[SITE, "phone"] == "081 11 11 11"
    entries = review.audit_of(engine, SITE)
    phone = next(e for e in entries if e.field == "phone")
    assert phone.new == "081 11 11 11"
    assert "edited by ana" in phone.reason
    assert NEW_PHONE in phone.reason


def test_reject_needs_a_reason_and_writes_the_audit(engine: Engine) -> None:
    reference = _propose(engine, {"phone": NEW_PHONE})
    at = _signed_in(engine)
    submit = f"FormSubmitter:rejecting_{reference}-Refuser"
    at.button(key=submit).click().run()
    assert at.error[0].value == "Un refus demande une raison."
    assert [p.reference for p in proposals.pending(engine)] == [reference]
    at.text_area(key=f"reject_{reference}").input("number unknown to the operator")
    at.button(key=submit).click().run()
    assert at.success[0].value == f"Proposition {reference} refusée."
    assert proposals.pending(engine) == []
    decision = review.audit_of(engine, SITE)[0]
    assert (decision.by, decision.new, decision.reason) == (
        "ana",
        "rejected",
        "number unknown to the operator",
    )


def test_still_right_for_several_records_is_one_publish(engine: Engine) -> None:
    at = _signed_in(engine)
    at.multiselect(key="still_right_sites").set_value([SITE, "apd-liege"]).run()
    at.button(key="still_right_go").click().run()
    assert not at.exception
    version, frame = store.current(engine)
    assert version == 2
    records = frame.set_index("site_id")
    today = store.versions.now().date().isoformat()
    for site in (SITE, "apd-liege"):
        assert records.loc[site, "checked_on"] == today
        assert records.loc[site, "checked_by"] == "ana"


def test_undo_restores_an_earlier_version(engine: Engine) -> None:
    store.publish(engine, {SITE: {"phone": NEW_PHONE}}, "bob", "called them", against=1)
    at = _signed_in(engine)
    at.selectbox(key="undo_to").set_value(1).run()
    at.text_input(key="undo_reason").input("wrong number")
    at.button(key="undo_go").click().run()
    assert not at.exception
    version, frame = store.current(engine)
    assert version == 3
    assert frame.set_index("site_id").loc[SITE, "phone"] == "085 21 34 81"
    assert review.history(engine)[0].restores == 1
    assert review.audit_of(engine, SITE)[0].reason == "wrong number"


def test_a_conflict_is_shown_with_both_values_and_nothing_overwritten(engine: Engine) -> None:
    reference = _propose(engine, {"phone": NEW_PHONE})
    at = _signed_in(engine)
    # Another reviewer publishes after this page drew the proposal, before its accept.
    store.publish(engine, {SITE: {"phone": "081 55 55 55"}}, "bob", "called too", against=1)
    at.button(key=f"accept_{reference}").click().run()
    assert not at.exception
    assert "Conflit" in at.error[0].value
    shown = _texts(at)
    assert "085 21 34 81" in shown
    assert "081 55 55 55" in shown
    _, frame = store.current(engine)
    assert frame.set_index("site_id").loc[SITE, "phone"] == "081 55 55 55"
    assert [p.reference for p in proposals.pending(engine)] == [reference]


def test_a_session_left_alone_ends_and_the_form_says_why(engine: Engine) -> None:
    at = _signed_in(engine)
    assert signin_form.TOKEN_KEY in at.session_state
    # The reviewer walked away: the session's last use is now 31 minutes ago.
    with engine.begin() as connection:
        connection.execute(
            update(ReviewerSession).values(last_seen=store.versions.now() - timedelta(minutes=31))
        )
    at.run()
    assert not at.exception
    assert at.warning[0].value == (
        "Session fermée après 30 minutes d'inactivité : reconnectez-vous."
    )
    assert [w.label for w in at.text_input] == ["Nom", "Mot de passe"]


def test_sign_out_ends_the_session_in_the_store(engine: Engine) -> None:
    at = _signed_in(engine)
    token = at.session_state[signin_form.TOKEN_KEY]
    at.button(key="signin_out").click().run()
    assert at.warning[0].value == "Vous êtes déconnecté·e."
    assert isinstance(signin.check(engine, token), signin.Refusal)
