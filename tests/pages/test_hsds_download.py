"""The map page's HSDS download carries the store's history: its metadata table holds the change a
reviewer published, read from the store the page shows; a kiosk's file (LIEN_STORE=off) has no
history to give, and its download still goes out."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from lien import store
from lien.config import ROOT
from lien.openreferral import hsds_id
from lien.outputs.builds import Download
from lien.ui import map_page

APP = str(ROOT / "app.py")
NEW_PHONE = "081 99 99 99"


@pytest.fixture
def offered(monkeypatch: pytest.MonkeyPatch) -> list[Download]:
    """The files the page's download buttons offer, as the page hands them to the button."""
    seen: list[Download] = []
    real = map_page.download

    def keep(column: Any, label: str, file: Download, **kwargs: Any) -> None:
        seen.append(file)
        real(column, label, file, **kwargs)

    monkeypatch.setattr(map_page, "download", keep)
    return seen


def _metadata(files: list[Download]) -> list[dict[str, str]]:
    """The metadata table of the HSDS file the page offers, built as a tap builds it."""
    (hsds,) = [f for f in files if "hsds" in f.filename]
    with zipfile.ZipFile(io.BytesIO(hsds.build())) as archive:
        text = archive.read("metadata.csv").decode("utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_the_download_s_metadata_is_the_store_s_history(
    new_store: Path, offered: list[Download]
) -> None:
    AppTest.from_file(APP, default_timeout=60).run()  # the first start fills the store
    engine = store.make_engine(f"sqlite:///{new_store}")
    try:
        store.publish(engine, {"apd-namur": {"phone": NEW_PHONE}}, "ana", "called", against=1)
    finally:
        engine.dispose()
    offered.clear()
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    rows = _metadata(offered)
    phone = [r for r in rows if r["field_name"] == "phone"]
    assert [(r["resource_id"], r["replacement_value"], r["updated_by"]) for r in phone] == [
        (hsds_id("service", "apd-namur"), NEW_PHONE, "ana")
    ]
    # The publish stamped the day it changed: that is history too.
    assert {r["field_name"] for r in rows} == {"phone", "changed_on"}


def test_a_kiosk_s_download_has_no_history_and_still_goes_out(
    new_store: Path, offered: list[Download], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LIEN_STORE", "off")
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert _metadata(offered) == []
    assert not new_store.exists()  # no database opened, by the page or by the download
