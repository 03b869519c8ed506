"""A verification round's mail-merge CSV, on SQLite and PostgreSQL: a row per live record with
its contacts and a link that opens that record, every cell neutralised against formulas."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from urllib.parse import parse_qs, urlparse

from sqlalchemy import Engine

from lien import store
from lien.links import PARAM, open_link
from lien.outputs.export import neutralise
from lien.outputs.verification import COLUMNS, verification_round

SECRET = "s" * 40
T0 = datetime(2026, 3, 2, 9, 0, 0)


def _rows(engine: Engine) -> list[dict[str, str]]:
    data = verification_round(engine, "https://lien.example", SECRET, T0)
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_each_live_record_has_a_row_whose_link_opens_it(engine: Engine) -> None:
    raw = store.records(engine, 1)
    rows = _rows(engine)
    assert list(rows[0]) == list(COLUMNS)
    assert [r["site_id"] for r in rows] == list(raw.sort_values("position")["site_id"])
    for row in rows:
        token = parse_qs(urlparse(row["link"]).query)[PARAM][0]
        assert open_link(token, SECRET, T0) == row["site_id"]
        record = raw[raw["site_id"] == row["site_id"]].iloc[0]
        # As every download: a phone's leading "+" gets the formula guard's apostrophe.
        assert (row["email"], row["phone"]) == (
            neutralise(record["email"]),
            neutralise(record["phone"]),
        )


def test_a_defunct_record_gets_no_link_and_a_formula_is_neutralised(engine: Engine) -> None:
    first, second = list(store.records(engine, 1).sort_values("position")["site_id"])[:2]
    changes = {
        first: {"status": "defunct"},
        second: {"site": '=HYPERLINK("http://evil","x")', "phone": "+32 81 00 00 00"},
    }
    store.publish(engine, changes, "ana", "test", against=1)
    rows = {r["site_id"]: r for r in _rows(engine)}
    assert first not in rows
    assert rows[second]["site"] == '\'=HYPERLINK("http://evil","x")'
    assert rows[second]["phone"] == "'+32 81 00 00 00"
