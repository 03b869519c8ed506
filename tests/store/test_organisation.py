"""What an organisation does from its signed link, on SQLite and PostgreSQL: "Still right" is one
audited publish of today's checked_on by the organisation, the token is opened again at each
write (an expired or forged one writes nothing), and a correction is for the token's record,
marked as the organisation's."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import Engine, select

from lien import store
from lien.links import LINK_AGE, LinkRefusedError, link_for
from lien.store import organisation, proposals
from lien.store.limits import Client
from lien.store.models import Audit

SECRET = "o" * 40
SITE = "apd-namur"
NOW = datetime(2026, 12, 7, 10, 0, 0)
CLIENT = Client("session-org", "198.51.100.9")


def test_still_right_is_one_audited_publish_by_the_organisation(engine: Engine) -> None:
    version = store.current_version(engine)
    token = link_for(SITE, SECRET, NOW)
    number = organisation.confirm(engine, token, SECRET, NOW, against=version)
    assert number == version + 1
    _, record = organisation.current_record(engine, SITE)
    assert record is not None
    assert (record["checked_on"], record["checked_by"]) == ("2026-12-07", "organisation")
    with engine.connect() as connection:
        rows = connection.execute(select(Audit).where(Audit.version == number)).all()
    assert {(r.by, r.site_id, r.field) for r in rows} == {
        ("organisation", SITE, "checked_on"),
        ("organisation", SITE, "checked_by"),
    }
    # The same day again: nothing more to write, and no error either.
    assert organisation.confirm(engine, token, SECRET, NOW, against=number) == number


def test_the_token_is_opened_again_at_the_moment_of_the_write(engine: Engine) -> None:
    version = store.current_version(engine)
    token = link_for(SITE, SECRET, NOW)
    # The page opened in time; the confirmation comes after the link's 60 days.
    later = NOW + LINK_AGE + timedelta(minutes=1)
    with pytest.raises(LinkRefusedError) as refused:
        organisation.confirm(engine, token, SECRET, later, against=version)
    assert refused.value.code == "expired"
    with pytest.raises(LinkRefusedError):
        organisation.confirm(engine, token, "another" * 6, NOW, against=version)
    assert store.current_version(engine) == version


def test_a_correction_is_for_the_tokens_record_and_from_the_organisation(engine: Engine) -> None:
    token = link_for(SITE, SECRET, datetime.now())
    named_elsewhere = proposals.Submission("apd-liege", {"phone": "081 22 33 44"})
    result = organisation.propose(engine, token, SECRET, named_elsewhere, CLIENT)
    assert isinstance(result, proposals.Receipt), result
    [waiting] = proposals.pending(engine)
    assert (waiting.site_id, waiting.origin) == (SITE, "organisation")
    with pytest.raises(LinkRefusedError):
        organisation.propose(engine, "forged.token.x", SECRET, named_elsewhere, CLIENT)
    assert len(proposals.pending(engine)) == 1
