"""lien.files: a file is replaced whole or not at all."""

from __future__ import annotations

from pathlib import Path

import pytest

from lien.files import atomic_writer, write_atomic


def test_write_atomic_replaces_the_file(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "out.txt"
    write_atomic(target, "one")
    write_atomic(target, b"two")
    assert target.read_text() == "two"
    assert [p.name for p in target.parent.iterdir()] == ["out.txt"]


def test_a_failure_leaves_the_old_file_and_no_temporary_one(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old")

    def half_written() -> None:
        with atomic_writer(target) as handle:
            handle.write("half")
            raise RuntimeError("killed")

    with pytest.raises(RuntimeError, match="killed"):
        half_written()
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_permissions_can_be_opened_to_a_web_server(tmp_path: Path) -> None:
    target = tmp_path / "leaflet.js"
    write_atomic(target, b"x", permissions=0o644)
    assert target.stat().st_mode & 0o777 == 0o644
