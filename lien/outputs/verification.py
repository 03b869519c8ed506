"""A verification round: the CSV a reviewer feeds to a mail merge, one row per record with its
organisation's name, e-mail and phone and the signed link that opens that record (lien.links).

A row per record, not per organisation: a link opens one record, and an organisation with two
sites confirms each (the mail merge can group rows by organisation). Defunct records are left
out: there is no one left to ask.

Never imports Streamlit.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd
from sqlalchemy import Engine

from lien import store
from lien.links import link_for, url_for
from lien.outputs.export import table_csv
from lien.store.accounts import utcnow

COLUMNS: tuple[str, ...] = ("site_id", "organisation", "site", "city", "email", "phone", "link")


def verification_round(
    engine: Engine, base_url: str, secret: str, now: datetime | None = None
) -> bytes:
    """The current records' mail-merge CSV, links made at `now` (UTF-8 with a BOM, every cell
    neutralised against formulas, as every download: a hostile organisation name must not run
    in the reviewer's spreadsheet)."""
    now = now or utcnow()
    raw = store.records(engine, store.current_version(engine))
    live = raw[raw["status"] != "defunct"].sort_values("position")
    frame = pd.DataFrame(
        {
            **{column: live[column].astype(str) for column in COLUMNS[:-1]},
            "link": [url_for(base_url, link_for(s, secret, now)) for s in live["site_id"]],
        },
        columns=list(COLUMNS),
    )
    return table_csv(frame)
