"""Proposals, on SQLite and on PostgreSQL: received pending with a reference and nothing
published, bounded before any work, limited per session and address, checked by the uploads'
validator, then accepted (a publish) or rejected by a reviewer, each decision in the audit log."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from lien import store
from lien.freshness import freshness
from lien.outputs.export import to_csv
from lien.store import proposals
from lien.store.limits import PER_HOUR, Client
from lien.store.models import Audit, Proposal, Submission
from lien.store.proposals import Receipt, Refusal, decide, pending, propose

SITE = "apd-namur"
VISITOR = Client("session-1", "198.51.100.7")
REFERENCE = re.compile(r"^L-[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{2}$")
NEW = {
    "organisation": "Maison de l'Accueil",
    "site": "Permanence — Namur",
    "city": "Namur",
    "services": "legal_aid",
    "phone": "081 22 33 44",
}


def _count(engine: Engine, model: Any) -> int:
    with engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(model)) or 0)


def _record(engine: Engine, site_id: str) -> dict[str, Any]:
    _, frame = store.current(engine)
    return dict(frame.set_index("site_id").loc[site_id])


def _correct(engine: Engine, client: Client = VISITOR, **fields: str) -> Receipt | Refusal:
    return propose(engine, proposals.Submission(SITE, fields, reason="called them"), client)


def _receipt(result: Receipt | Refusal) -> str:
    assert isinstance(result, Receipt), result
    return result.reference


def _codes(result: Receipt | Refusal) -> list[tuple[str, str]]:
    assert isinstance(result, Refusal), result
    return [(p.field, p.code) for p in result.problems]


def test_a_correction_is_pending_with_a_reference_and_nothing_published(engine: Engine) -> None:
    before = _record(engine, SITE)
    reference = _receipt(_correct(engine, phone="081 22 33 44", site=before["site"]))
    assert REFERENCE.match(reference)
    [waiting] = pending(engine)
    assert (waiting.reference, waiting.site_id, waiting.origin) == (reference, SITE, "visitor")
    # Only what differs from the record is kept: the unchanged name would undo a later edit.
    assert waiting.fields == {"phone": "081 22 33 44"}
    assert waiting.reason == "called them"
    assert store.current_version(engine) == 1
    assert _record(engine, SITE)["phone"] == before["phone"]


def test_accepting_publishes_and_logs_the_decision_in_one_version(engine: Engine) -> None:
    reference = _receipt(_correct(engine, phone="081 22 33 44"))
    number = decide(engine, reference, "accept", "ana", "checked with them", against=1)
    assert number == store.current_version(engine) == 2
    assert _record(engine, SITE)["phone"] == "081 22 33 44"
    assert pending(engine) == []
    with engine.connect() as connection:
        row = connection.execute(select(Proposal)).one()
        audit = connection.execute(select(Audit.version, Audit.field, Audit.new)).all()
    assert (row.status, row.decided_by) == ("accepted", "ana")
    assert (2, "phone", "081 22 33 44") in audit
    assert (2, "proposal", "accepted") in audit


def test_a_new_organisation_is_published_with_ids_the_store_gives(engine: Engine) -> None:
    submission = proposals.Submission(None, NEW, email="ana@example.org")
    reference = _receipt(propose(engine, submission, VISITOR))
    assert store.current_version(engine) == 1
    decide(engine, reference, "accept", "ana", "", against=1)
    record = _record(engine, "maison-de-l-accueil-1")
    assert record["org_id"] == "maison-de-l-accueil"
    assert record["organisation"] == "Maison de l'Accueil"
    assert record["precision"] == "locality"
    assert record["source"] == f"Lien {reference}"
    # A reviewer looked at it when accepting it: checked that day, by them, and fresh.
    today = proposals.now().date().isoformat()
    assert (record["checked_on"], record["checked_by"]) == (today, "ana")
    assert freshness(record, "en").stale is False


def test_rejecting_records_the_reason_and_publishes_nothing(engine: Engine) -> None:
    reference = _receipt(_correct(engine, phone="081 22 33 44"))
    assert decide(engine, reference, "reject", "ana", "the number is the fax", against=1) is None
    assert store.current_version(engine) == 1
    with engine.connect() as connection:
        entry = connection.execute(select(Audit)).one()
    assert (entry.version, entry.site_id, entry.new) == (None, SITE, "rejected")
    assert (entry.by, entry.reason) == ("ana", "the number is the fax")
    with pytest.raises(store.StoreError, match="already rejected"):
        decide(engine, reference, "accept", "bob", "", against=1)


def test_accepting_against_a_version_no_longer_current_is_a_conflict(engine: Engine) -> None:
    reference = _receipt(_correct(engine, phone="081 22 33 44"))
    store.publish(engine, {SITE: {"phone": "081 99 99 99"}}, "bob", "called too", against=1)
    with pytest.raises(store.ConflictError):
        decide(engine, reference, "accept", "ana", "", against=1)
    assert _record(engine, SITE)["phone"] == "081 99 99 99"
    assert [waiting.reference for waiting in pending(engine)] == [reference]


def test_a_failed_decision_publishes_nothing(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    reference = _receipt(_correct(engine, phone="081 22 33 44"))

    def meanwhile(*_args: Any) -> None:
        raise store.StoreError("decided meanwhile")

    monkeypatch.setattr(proposals.Decision, "write", meanwhile)
    with pytest.raises(store.StoreError, match="meanwhile"):
        decide(engine, reference, "accept", "ana", "", against=1)
    assert store.current_version(engine) == 1
    assert _count(engine, Audit) == 0


def test_a_filled_honeypot_gets_a_receipt_and_is_stored_nowhere(engine: Engine) -> None:
    submission = proposals.Submission(SITE, {"phone": "081 22 33 44"}, honeypot="http://spam")
    assert REFERENCE.match(_receipt(propose(engine, submission, VISITOR)))
    assert _count(engine, Proposal) == _count(engine, Submission) == 0


def test_a_session_and_an_address_send_a_handful_an_hour(engine: Engine) -> None:
    for number in range(PER_HOUR):
        _receipt(_correct(engine, hours=f"lundi {number}"))
    assert _correct(engine, hours="mardi") == Refusal(limited=True)
    # A new session from the same address is still that address.
    assert _correct(engine, Client("session-2", VISITOR.address), hours="mardi").limited
    # The same session from another address is still that session.
    assert _correct(engine, Client(VISITOR.session, "192.0.2.1"), hours="mardi").limited
    _receipt(_correct(engine, Client("session-3", "192.0.2.1"), hours="mardi"))
    assert _count(engine, Proposal) == PER_HOUR + 1


def test_an_hour_later_the_limit_is_free_and_old_counts_are_gone(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    for number in range(PER_HOUR):
        _receipt(_correct(engine, hours=f"lundi {number}"))
    later = proposals.now() + proposals.limits.WINDOW
    monkeypatch.setattr(proposals, "now", lambda: later)
    _receipt(_correct(engine, hours="mardi"))
    # The hashes of the hour before were forgotten: only this proposal's two are left.
    assert _count(engine, Submission) == 2


def test_the_limit_holds_across_replicas(url: str, engine: Engine) -> None:
    for number in range(PER_HOUR):
        _receipt(_correct(engine, hours=f"lundi {number}"))
    # Another process of the app: its own engine, the same database.
    replica = store.open(url, filled=False)
    try:
        assert _correct(replica, hours="mardi").limited
    finally:
        replica.dispose()


def test_a_100_kb_field_is_refused_before_any_parsing(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    def never(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("a refused field was parsed")

    monkeypatch.setattr(proposals, "without_controls", never)
    monkeypatch.setattr(proposals, "validate", never)
    result = _correct(engine, description="x" * 100_000)
    assert _codes(result) == [("proposal", "too_long")]
    assert _codes(_correct(engine, phone="1" * 600)) == [("phone", "too_long")]
    assert _count(engine, Proposal) == 0


def test_only_the_editable_fields_are_taken(engine: Engine) -> None:
    result = _correct(engine, site_id="other", source="me", status="defunct", phone="081 22 33 44")
    assert sorted(_codes(result)) == [
        ("site_id", "not_editable"),
        ("source", "not_editable"),
        ("status", "not_editable"),
    ]


def test_the_reason_and_the_email_are_capped_and_the_email_checked(engine: Engine) -> None:
    long = proposals.Submission(SITE, {"hours": "lundi"}, reason="r" * 3_000, email="a" * 300)
    assert _codes(propose(engine, long, VISITOR)) == [
        ("reason", "too_long"),
        ("contact_email", "too_long"),
    ]
    bad = proposals.Submission(SITE, {"hours": "lundi"}, email="not an address")
    assert _codes(propose(engine, bad, VISITOR)) == [("contact_email", "email")]


def test_the_uploads_validator_names_each_problem_by_field(engine: Engine) -> None:
    result = _correct(engine, phone="call us!", website="not a site", postcode="99999")
    assert {field for field, _ in _codes(result)} == {"phone", "website", "postcode"}
    assert all(p.text("fr") and p.text("nl") for p in result.problems)  # type: ignore[union-attr]
    empty = propose(engine, proposals.Submission(None, {"site": "x"}), VISITOR)
    assert ("organisation", "required") in _codes(empty)


def test_a_correction_of_a_record_not_there_is_refused(engine: Engine) -> None:
    submission = proposals.Submission("no-such-site", {"phone": "081 22 33 44"})
    assert _codes(propose(engine, submission, VISITOR)) == [("site_id", "no_such_record")]


def test_control_characters_are_removed_as_an_upload_s_are(engine: Engine) -> None:
    reference = _receipt(_correct(engine, hours="lundi\x00 9h\x07–12h", site="Permanence\n— Namur"))
    [waiting] = pending(engine)
    assert waiting.reference == reference
    assert waiting.fields == {"hours": "lundi 9h–12h", "site": "Permanence — Namur"}


HOSTILE = {
    "description": '=HYPERLINK("http://evil.example","click")',
    "hours": "<script>alert(1)</script> [call](javascript:alert(1))",
    "notes": "+cmd|' /C calc'!A0",
}


def test_hostile_text_is_stored_inert_and_exported_neutralised(engine: Engine) -> None:
    reference = _receipt(_correct(engine, **HOSTILE))
    [waiting] = pending(engine)
    # Stored as typed: plain text, which every page escapes where it shows it.
    assert waiting.fields == HOSTILE
    decide(engine, reference, "accept", "ana", "", against=1)
    _, frame = store.current(engine)
    exported = to_csv(frame[frame["site_id"] == SITE]).decode("utf-8-sig")
    assert "'=HYPERLINK" in exported
    assert "'+cmd" in exported
    assert ",=HYPERLINK" not in exported
    assert '"=HYPERLINK' not in exported


def test_references_are_unique_even_when_one_is_drawn_twice(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _receipt(_correct(engine, hours="lundi"))
    drawn = iter([first, first, "L-2345-67"])
    monkeypatch.setattr(proposals, "new_reference", lambda: next(drawn))
    assert _receipt(_correct(engine, hours="mardi")) == "L-2345-67"
    assert _count(engine, Proposal) == 2


def test_references_are_short_and_unambiguous() -> None:
    references = {proposals.new_reference() for _ in range(2_000)}
    assert len(references) == 2_000
    assert all(REFERENCE.match(r) for r in references)
