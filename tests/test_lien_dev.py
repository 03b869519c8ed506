"""lien_dev, the tooling tests/ and bench/ share: what the benches read on the app's pages."""

from __future__ import annotations

import os
from pathlib import Path

from lien_dev.harness import SHOWN, offline_env, own_store


def test_the_map_page_s_counts_are_found_in_the_singular_too() -> None:
    """`make hostile` waited 120 s for a page that had answered "0 site de 0 organisation
    affiché" (a URL whose keyword matches nothing), looking for the plural."""
    assert SHOWN.search("0 site de 0 organisation affiché")
    found = SHOWN.search("1\u202f000 sites de 12 organisations affichés")
    assert found
    assert found.group(1).strip() == "1\u202f000"


def test_every_server_has_a_store_of_its_own_unless_told(tmp_path: Path) -> None:
    log = tmp_path / "server-2.log"
    mine = own_store(log, {"LIEN_DATABASE_URL": ""})
    assert mine["LIEN_DATABASE_PATH"] == str(tmp_path / "server-2.sqlite3")
    assert "LIEN_DATABASE_URL" not in mine
    assert own_store(log, None)["LIEN_DATABASE_PATH"] == str(tmp_path / "server-2.sqlite3")
    told = {"LIEN_DATABASE_PATH": "/elsewhere/lien.sqlite3"}
    assert own_store(log, told) == told


def test_an_offline_server_given_a_file_gets_a_store_of_its_own(tmp_path: Path) -> None:
    """The tests' session store (LIEN_DATABASE_PATH in this process, filled from the seed) once
    reached the servers started with `offline_env()` and a LIEN_DATA: they showed the seed's 21
    sites instead of the file's 2,711."""
    assert os.environ.get("LIEN_DATABASE_PATH"), "the session store names itself in the env"
    env = {**offline_env(), "LIEN_DATA": str(tmp_path / "large.csv")}
    assert "LIEN_DATABASE_PATH" not in env
    served = own_store(tmp_path / "server.log", env)
    assert served["LIEN_DATABASE_PATH"] == str(tmp_path / "server.sqlite3")
    assert served["LIEN_DATA"] == str(tmp_path / "large.csv")
