"""lien.freshness: when a record was checked, in each language and to its precision; whether it
may be out of date (at the 12-month edge); defunct records never shown; the share checked."""

from __future__ import annotations

import datetime
from pathlib import Path

import pandas as pd
import pytest

from lien import coverage, freshness
from lien.config import ORGANISATIONS_CSV
from lien.display import site_fields
from lien.ingest import directory
from lien.render.cards import cards_html
from lien.render.sites_layer import popup

TODAY = datetime.date(2026, 12, 7)


@pytest.mark.parametrize(
    ("value", "lang", "said"),
    [
        ("2016-06", "fr", "vérifié en juin 2016"),
        ("2016-06", "nl", "gecontroleerd in juni 2016"),
        ("2016-06", "en", "checked in June 2016"),
        ("2026-12-03", "fr", "vérifié le 3 décembre 2026"),
        ("2026-12-03", "nl", "gecontroleerd op 3 december 2026"),
        ("2026-12-03", "en", "checked 3 December 2026"),
        ("2016", "fr", "vérifié en 2016"),
        ("2016", "en", "checked in 2016"),
        ("", "en", "date of last check unknown"),
        ("June", "en", "date of last check unknown"),
    ],
)
def test_the_date_is_said_to_its_precision_in_each_language(
    value: str, lang: str, said: str
) -> None:
    assert freshness.checked_text(value, lang) == said


def test_a_record_is_stale_from_twelve_months_to_the_day() -> None:
    assert not freshness.stale("2025-12-08", TODAY)
    assert freshness.stale("2025-12-07", TODAY)
    # A month counts from its first day: December 2025 may have been checked on the 1st.
    assert freshness.stale("2025-12", TODAY)
    assert not freshness.stale("2026-01", TODAY)
    assert freshness.stale("2016-06", TODAY)
    # Never checked, or a date that is none: better warned.
    assert freshness.stale("", TODAY)
    assert freshness.stale("2025-02-30", TODAY)


def test_twelve_months_before_the_last_day_of_a_longer_month() -> None:
    assert freshness.months_before(datetime.date(2025, 2, 28), 12) == datetime.date(2024, 2, 28)
    assert freshness.months_before(datetime.date(2024, 2, 29), 12) == datetime.date(2023, 2, 28)
    assert freshness.months_before(datetime.date(2026, 3, 31), 1) == datetime.date(2026, 2, 28)


def test_a_status_other_than_active_is_said_beside_the_date() -> None:
    site = {"status": "temporarily closed", "checked_on": "2026-11-20"}
    fresh = freshness.freshness(site, "fr", TODAY)
    assert fresh.line() == "temporairement fermé · vérifié le 20 novembre 2026"
    assert not fresh.stale
    old = freshness.freshness({"status": "inactive", "source_date": "2016-06"}, "nl", TODAY)
    assert old.line() == "inactief · gecontroleerd in juni 2016 · mogelijk verouderd"


def test_the_loader_defaults_the_check_to_the_source() -> None:
    frame = directory.read_directory().frame
    assert (frame["status"] == "active").all()
    assert (frame["checked_on"] == frame["source_date"]).all()
    assert (frame["checked_by"] == frame["source"]).all()


def test_a_file_s_own_freshness_columns_are_kept_and_checked() -> None:
    csv = directory.read_directory().frame.head(3)
    text = csv.drop(
        columns=[
            c
            for c in csv.columns
            if c.startswith(("coord_", "geo_", "municipality", "province", "region"))
            or c in ("row",)
        ]
    )
    text = text.assign(
        status=["Defunct", "temporarily closed", "gone"],
        checked_on=["2026-11-03", "2026-13", ""],
        checked_by=["a reviewer", "", ""],
    )
    result = directory.read_directory(text.to_csv(index=False).encode())
    kept = result.frame
    assert kept["status"].tolist() == ["defunct", "temporarily closed", "active"]
    assert kept["checked_on"].tolist()[0] == "2026-11-03"
    # A date that is none and a status that is none are left out, the record kept, and said.
    assert kept["checked_on"].tolist()[1:] == [kept["source_date"].iloc[1]] * 2
    assert {(p.field, p.code) for p in result.problems} >= {
        ("checked_on", "date"),
        ("status", "status"),
    }
    assert kept["checked_by"].tolist() == [
        "a reviewer",
        kept["source"].iloc[1],
        kept["source"].iloc[2],
    ]


def test_a_defunct_record_leaves_the_pages_counts_and_coverage() -> None:
    frame = directory.read_directory().frame
    gone = frame["site_id"].iloc[0]
    frame.loc[0, "status"] = "defunct"
    frame.loc[1, "status"] = "inactive"
    shown = directory.prepare(frame)
    assert gone not in set(shown["site_id"])
    assert len(shown) == len(frame) - 1
    assert frame["site_id"].iloc[1] in set(shown["site_id"])
    assert coverage.headline(shown).sites == len(frame) - 1


def test_load_shared_keeps_the_defunct_records_apart_for_the_store(tmp_path: Path) -> None:
    path = tmp_path / "dir.csv"
    source = pd.read_csv(ORGANISATIONS_CSV, dtype=str, keep_default_na=False)
    source["status"] = ["defunct"] + ["active"] * (len(source) - 1)
    source.to_csv(path, index=False)
    shared = directory.load_shared(str(path))
    assert shared.defunct["site_id"].tolist() == [source["site_id"].iloc[0]]
    assert source["site_id"].iloc[0] not in set(shared.frame["site_id"])


def test_the_share_checked_in_the_last_twelve_months() -> None:
    sites = pd.DataFrame({"checked_on": ["2026-11-03", "2016-06", "2026-06", ""]})
    assert freshness.checked_share(sites, TODAY) == 0.5
    assert freshness.checked_share(sites.iloc[0:0], TODAY) == 0.0
    seed = directory.prepare(directory.read_directory().frame)
    assert coverage.headline(seed).checked_share == 0.0


def test_cards_and_popups_say_when_the_record_was_checked() -> None:
    seed = directory.prepare(directory.read_directory().frame)
    site = seed.iloc[0].to_dict()
    card = cards_html(seed.head(1), "fr")
    assert "vérifié en juin 2016" in card
    assert "peut-être dépassé" in card
    shown = popup(site, "nl")
    assert shown["f"] == "gecontroleerd in juni 2016"
    assert shown["x"] == "mogelijk verouderd"
    assert site_fields(site, "en").fresh.checked == "checked in June 2016"
