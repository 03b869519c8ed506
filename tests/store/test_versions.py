"""The store's schema, first start, current version, publish, conflict and undo, on SQLite and on
PostgreSQL."""

from __future__ import annotations

import threading
from typing import Any

import pandas as pd
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import DBAPIError

from lien import store
from lien.config import ORGANISATIONS_CSV
from lien.ingest.directory import load_shared
from lien.store import versions
from lien.store.engine import head, make_engine, revision, upgrade
from lien.store.models import Audit, Base, Version

SITE = "apd-namur"


def _count(engine: Engine, model: Any) -> int:
    with engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(model)) or 0)


def _audit(engine: Engine) -> list[tuple[Any, ...]]:
    query = select(Audit.version, Audit.by, Audit.site_id, Audit.field, Audit.old, Audit.new)
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(query.order_by(Audit.id))]


def _record(engine: Engine, site_id: str, version: int | None = None) -> dict[str, Any]:
    frame = store.records(engine, version or store.current_version(engine))
    return dict(frame.set_index("site_id").loc[site_id])


def test_migrations_build_the_models_schema_from_an_empty_database(url: str) -> None:
    engine = make_engine(url)
    assert revision(engine) is None
    upgrade(engine)
    assert revision(engine) == head()
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []
    engine.dispose()


def test_first_start_fills_version_1_from_the_directory_file(engine: Engine) -> None:
    loaded = load_shared(str(ORGANISATIONS_CSV)).frame
    version = store.records(engine, 1).set_index("site_id")
    assert store.current_version(engine) == 1
    assert sorted(version.index) == sorted(loaded["site_id"])
    seed = version.loc[SITE]
    assert (seed["status"], seed["checked_on"], seed["changed_on"]) == ("active",) + (
        "2016-06",
    ) * 2
    assert seed["checked_by"] == "000_233dd5a4b08aac1c.txt § AIDE AUX PERSONNES DÉPLACÉES"
    # An undated source (SESO's projects) was never checked on a known date.
    undated = version[version["source_date"] == ""]
    assert len(undated) == (loaded["source_date"] == "").sum() > 0
    assert undated["checked_on"].isna().all()
    with engine.connect() as connection:
        first = connection.execute(select(Version.number, Version.note)).one()
    assert tuple(first) == (1, "filled from organisations.csv")


def test_a_second_start_keeps_the_store_as_it_is(url: str, engine: Engine) -> None:
    store.publish(engine, {SITE: {"phone": "081 22 33 44"}}, "ana", "called them", against=1)
    again = store.open(url, source=ORGANISATIONS_CSV)
    assert store.current_version(again) == 2
    assert _record(again, SITE)["phone"] == "081 22 33 44"
    again.dispose()


def test_current_is_the_frame_the_pages_read_today(engine: Engine) -> None:
    loaded = load_shared(str(ORGANISATIONS_CSV)).frame
    version, frame = store.current(engine)
    assert version == 1
    pd.testing.assert_frame_equal(frame[list(loaded.columns)], loaded, check_dtype=False)
    assert frame.attrs["spoken"] == loaded.attrs["spoken"]
    assert {"status", "checked_on", "checked_by", "changed_on"} <= set(frame.columns)


def test_publish_makes_a_version_and_audits_each_changed_field(engine: Engine) -> None:
    before = _record(engine, SITE)
    number = store.publish(engine, {SITE: {"phone": "081 22 33 44"}}, "ana", "called", against=1)
    assert number == store.current_version(engine) == 2
    after = _record(engine, SITE)
    assert after["phone"] == "081 22 33 44"
    assert after["changed_on"] == versions.now().date().isoformat()
    # Version 1 is still readable as it was.
    assert _record(engine, SITE, 1) == before
    assert _audit(engine) == [
        (2, "ana", SITE, "phone", "085 21 34 81", "081 22 33 44"),
        (2, "ana", SITE, "changed_on", "2016-06", after["changed_on"]),
    ]
    _, frame = store.current(engine)
    assert frame.set_index("site_id").loc[SITE, "phone"] == "081 22 33 44"


def test_a_publish_is_one_transaction(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    real = versions.insert

    def failing(table: Any) -> Any:
        if table is Audit:
            raise RuntimeError("the disk is gone")
        return real(table)

    monkeypatch.setattr(versions, "insert", failing)
    changes = {SITE: {"phone": "081 22 33 44"}, "apd-mons": {"hours": "lundi"}}
    with pytest.raises(RuntimeError, match="disk"):
        store.publish(engine, changes, "ana", "called", against=1)
    assert store.current_version(engine) == 1
    assert _record(engine, SITE)["phone"] == "085 21 34 81"
    assert _record(engine, "apd-mons")["hours"] == ""
    assert _count(engine, Audit) == 0


def test_a_publish_against_an_old_version_is_a_conflict(engine: Engine) -> None:
    store.publish(engine, {SITE: {"phone": "081 22 33 44"}}, "ana", "called", against=1)
    with pytest.raises(store.ConflictError):
        store.publish(engine, {SITE: {"phone": "081 99 99 99"}}, "bob", "too", against=1)
    with pytest.raises(store.ConflictError):
        store.publish(engine, {SITE: {"phone": "081 99 99 99"}}, "bob", "ahead", against=5)
    assert store.current_version(engine) == 2
    assert _record(engine, SITE)["phone"] == "081 22 33 44"
    assert [row[1] for row in _audit(engine)] == ["ana", "ana"]


def test_two_reviewers_at_once_one_wins_the_other_sees_a_conflict(engine: Engine) -> None:
    start = threading.Barrier(2)
    outcome: dict[str, str] = {}

    def review(name: str, phone: str) -> None:
        start.wait()
        try:
            store.publish(engine, {SITE: {"phone": phone}}, name, "called", against=1)
            outcome[name] = "published"
        except store.ConflictError:
            outcome[name] = "conflict"

    threads = [
        threading.Thread(target=review, args=(name, phone))
        for name, phone in (("ana", "081 11 11 11"), ("bob", "081 22 22 22"))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(outcome.values()) == ["conflict", "published"]
    winner = next(name for name, what in outcome.items() if what == "published")
    expected = {"ana": "081 11 11 11", "bob": "081 22 22 22"}[winner]
    assert store.current_version(engine) == 2
    assert _record(engine, SITE)["phone"] == expected


def test_undo_is_a_new_version_with_the_earlier_records(engine: Engine) -> None:
    new = {
        "org_id": "nouvelle",
        "organisation": "Nouvelle asbl",
        "site": "Accueil",
        "city": "Namur",
        "precision": "locality",
        "services": "information",
        "source": "proposition 1",
    }
    store.publish(engine, {SITE: {"phone": "081 22 33 44"}}, "ana", "called", against=1)
    store.publish(
        engine, {"nouvelle-1": new, "apd-mons": {"status": "defunct"}}, "bob", "", against=2
    )
    added = _record(engine, "nouvelle-1")
    assert (added["position"], added["status"]) == (
        store.records(engine, 1)["position"].max() + 1,
        "active",
    )
    assert _record(engine, "apd-mons")["status"] == "defunct"
    number = store.undo(engine, 1, "ana", "wrong number", against=3)
    assert number == 4
    pd.testing.assert_frame_equal(store.records(engine, 4), store.records(engine, 1))
    with engine.connect() as connection:
        assert connection.scalar(select(Version.restores).where(Version.number == 4)) == 1
    undone = [row for row in _audit(engine) if row[0] == 4]
    assert (4, "ana", SITE, "phone", "081 22 33 44", "085 21 34 81") in undone
    assert (4, "ana", "nouvelle-1", "organisation", "Nouvelle asbl", None) in undone
    # Undo is a version like any other: undone in turn.
    store.undo(engine, 3, "ana", "it was right", against=4)
    pd.testing.assert_frame_equal(store.records(engine, 5), store.records(engine, 3))


def test_a_record_the_loader_would_refuse_is_not_published(engine: Engine) -> None:
    with pytest.raises(store.InvalidError) as refused:
        store.publish(engine, {SITE: {"postcode": "99999", "email": "x@"}}, "ana", "", against=1)
    assert {p.field for p in refused.value.problems} == {"postcode", "email"}
    assert str(refused.value).startswith(SITE)
    assert store.current_version(engine) == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"colour": "red"}, "unknown field"),
        ({"status": "closed"}, "status"),
        ({"checked_on": "3 December"}, "checked_on"),
        ({"checked_on": "2026-02-30"}, "checked_on"),
    ],
)
def test_a_field_the_store_does_not_have_is_refused(
    engine: Engine, fields: dict[str, str], message: str
) -> None:
    with pytest.raises(store.StoreError, match=message):
        store.publish(engine, {SITE: fields}, "ana", "", against=1)
    assert store.current_version(engine) == 1


def test_a_publish_that_changes_nothing_is_refused(engine: Engine) -> None:
    with pytest.raises(store.NothingChangedError):
        store.publish(engine, {SITE: {"phone": "085 21 34 81"}}, "ana", "", against=1)
    assert store.current_version(engine) == 1


def test_still_right_is_a_version_that_changes_only_the_check(engine: Engine) -> None:
    today = versions.now().date().isoformat()
    store.publish(engine, {SITE: {"checked_on": today, "checked_by": "apd"}}, "apd", "", against=1)
    record = _record(engine, SITE)
    assert (record["checked_on"], record["checked_by"], record["changed_on"]) == (
        today,
        "apd",
        "2016-06",
    )


@pytest.mark.parametrize("statement", ["UPDATE audit SET new = 'x'", "DELETE FROM audit"])
def test_the_audit_log_is_append_only(engine: Engine, statement: str) -> None:
    store.publish(engine, {SITE: {"phone": "081 22 33 44"}}, "ana", "called", against=1)
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
        connection.execute(text(statement))
    assert len(_audit(engine)) == 2
