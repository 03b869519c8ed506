"""What an organisation does from its signed link (lien.links): confirm that its record is still
right, or propose a correction of it. The token is opened again here, at the moment of the write,
whatever the page showed when it opened: a link that expired while the page stayed open, or a
token swapped in the session, writes nothing.

    site_id = record_of(token, secret, at)                  # or LinkRefusedError(code)
    confirm(engine, token, secret, at, against=version)     # checked_on today, by the organisation
    propose(engine, token, secret, submission, client)      # origin "organisation", that record

Never imports Streamlit.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy import Engine

from lien.links import open_link
from lien.schema import FRESHNESS_COLUMNS, SCHEMA_COLUMNS
from lien.store import proposals, versions
from lien.store.limits import Client
from lien.store.versions import NothingChangedError

# Who a confirmation is by, in the version's row, the audit log and the record's checked_by.
BY = "organisation"
REASON = "still right (signed link)"
# A record id is never longer (the store's column): a longer one names no record.
MAX_SITE_ID = 500


def current_record(engine: Engine, site_id: str) -> tuple[int, dict[str, str] | None]:
    """The current version's number and record `site_id`'s fields as text (None: no such
    record in it): what a correction form is filled with and a confirmation is made against."""
    with engine.connect() as connection:
        version = versions._version(connection)
        found = versions._rows_at(connection, version, [site_id[:MAX_SITE_ID]])
    row = found.get(site_id)
    fields = (*SCHEMA_COLUMNS, *FRESHNESS_COLUMNS)
    return version, None if row is None else {c: str(row.get(c) or "") for c in fields}


def record_of(token: str, secret: str, at: datetime) -> str:
    """The record `token` opens at `at` (LinkRefusedError otherwise)."""
    return open_link(token, secret, at)


def confirm(engine: Engine, token: str, secret: str, at: datetime, *, against: int) -> int:
    """The organisation says its record is still right: one publish, against the version it saw,
    setting checked_on to `at`'s day and checked_by to the organisation (audited as every
    publish). The new version's number, or the current one when the record was already
    confirmed today. LinkRefusedError if the token no longer opens a record; the store's
    ConflictError if `against` is no longer current."""
    site_id = record_of(token, secret, at)
    fields = {"checked_on": at.date().isoformat(), "checked_by": BY}
    try:
        return versions.publish(engine, {site_id: fields}, BY, REASON, against=against)
    except NothingChangedError:
        # Confirmed twice the same day: nothing to write, and nothing wrong either.
        return against


def propose(
    engine: Engine, token: str, secret: str, submission: proposals.Submission, client: Client
) -> proposals.Receipt | proposals.Refusal:
    """The organisation's correction of the record its token opens (never the record the form
    names), marked as coming from the organisation."""
    site_id = record_of(token, secret, versions.now())
    return proposals.propose(
        engine, replace(submission, site_id=site_id, origin="organisation"), client
    )
