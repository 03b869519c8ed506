"""dump → restore → dump gives identical bytes, on each backend and from one to the other."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from lien import store
from lien.store.__main__ import main
from lien.store.archive import dump, restore
from lien.store.models import Proposal
from tests.store.conftest import new_url


def _history(engine: Engine) -> None:
    """Versions, an undo, a proposal of each origin: what a dump must carry."""
    store.publish(engine, {"apd-namur": {"phone": "081 22 33 44"}}, "ana", "called", against=1)
    store.publish(engine, {"apd-mons": {"status": "defunct"}}, "bob", "closed", against=2)
    store.undo(engine, 2, "ana", "still open", against=3)
    with Session(engine) as session, session.begin():
        session.add_all(
            [
                Proposal(
                    reference="L-0001",
                    origin="visitor",
                    site_id="apd-namur",
                    fields=json.dumps({"phone": "081 00 00 00"}),
                    reason="the number is dead",
                    email="",
                    created_at=datetime(2026, 12, 3, 10, 4, 5, 123456),
                ),
                Proposal(
                    reference="L-0002",
                    status="rejected",
                    origin="organisation",
                    fields=json.dumps({"organisation": "Nouvelle", "site": "<script>"}),
                    created_at=datetime(2026, 12, 3, 11, 0),
                    decided_at=datetime(2026, 12, 4, 9, 30),
                    decided_by="ana",
                ),
            ]
        )


@pytest.mark.parametrize("target", ["sqlite", "postgresql"])
def test_dump_restore_dump_gives_identical_bytes(
    engine: Engine, target: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    _history(engine)
    first, second = tmp_path / "first.zip", tmp_path / "second.zip"
    dump(engine, first)
    restored = store.open(new_url(request, target, tmp_path), filled=False)
    restore(restored, first)
    dump(restored, second)
    assert first.read_bytes() == second.read_bytes()
    assert store.current(restored)[0] == store.current(engine)[0] == 4
    # The restored store goes on numbering where the dumped one stopped.
    store.publish(restored, {"apd-namur": {"hours": "lundi"}}, "ana", "", against=4)
    with Session(restored) as session, session.begin():
        session.add(
            Proposal(
                reference="L-0003", origin="visitor", fields="{}", created_at=datetime(2026, 12, 5)
            )
        )
    restored.dispose()


def test_restore_refuses_a_store_that_holds_something(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "dump.zip"
    dump(engine, path)
    with pytest.raises(store.StoreError, match="empty"):
        restore(engine, path)


def test_restore_refuses_a_file_that_is_no_dump(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "other.zip"
    path.write_bytes(b"PK\x05\x06" + bytes(18))
    with pytest.raises(store.StoreError, match="not a dump"):
        restore(store.open(f"sqlite:///{tmp_path / 'new.sqlite3'}", filled=False), path)


def test_the_command_line_dumps_and_restores(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LIEN_DATABASE_URL", raising=False)
    monkeypatch.setenv("LIEN_DATABASE_PATH", str(tmp_path / "default.sqlite3"))
    first, second = tmp_path / "first.zip", tmp_path / "second.zip"
    assert main(["dump", str(first), "--url", url]) == 0
    assert main(["restore", str(first)]) == 0
    assert main(["dump", str(second)]) == 0
    assert first.read_bytes() == second.read_bytes()
    assert main(["restore", str(first)]) == 1
