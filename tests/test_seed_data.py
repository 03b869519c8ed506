"""Every fact in data/organisations.csv is in the seeds; every organisation in the seeds is too."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from lien.config import ORGANISATIONS_CSV
from lien.schema import split_codes
from lien.text import fold
from tests.conftest import require_seeds

BROCHURE = "000_233dd5a4b08aac1c.txt"
SESO = "002_9cdaa3ef5d91d647.txt"
# Without ../shared/seeds the module is skipped (outside CI) or fails (CI=true).
SEEDS = require_seeds()


def _seed(name: str) -> str:
    return (SEEDS / name).read_text(encoding="utf-8")


def _rows() -> list[dict[str, str]]:
    with ORGANISATIONS_CSV.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


ALL_SEEDS = _seed(BROCHURE) + "\n" + _seed(SESO)
# Line breaks in the PDF text split e-mails and URLs ("clara.jacquet@student. uclouvain.be").
SQUEEZED = re.sub(r"\s+", "", ALL_SEEDS).casefold()
FOLDED = fold(ALL_SEEDS)


def _table_of_contents() -> list[str]:
    # Entries are "TITLE<tab>page" lines.
    return re.findall(r"^(.+?)\t\d+$", _seed(BROCHURE), flags=re.MULTILINE)


def test_table_of_contents_has_23_organisations() -> None:
    assert len(_table_of_contents()) == 23


@pytest.mark.parametrize("title", _table_of_contents())
def test_every_organisation_of_the_brochure_is_listed(title: str) -> None:
    cited = [
        r
        for r in _rows()
        if any(fold(title) == fold(s.split("§", 1)[1]) for s in r["source"].split(";") if "§" in s)
    ]
    assert cited, f"no site cites the section {title!r}"


@pytest.mark.parametrize("row", _rows(), ids=lambda r: r["site_id"])
def test_contacts_are_quoted_from_the_seeds(row: dict[str, str]) -> None:
    for field in ("phone", "fax", "email", "website", "contact_person"):
        for item in split_codes(row[field]):
            assert re.sub(r"\s+", "", item).casefold() in SQUEEZED, f"{field} {item!r} not in seeds"


@pytest.mark.parametrize("row", _rows(), ids=lambda r: r["site_id"])
def test_places_are_quoted_from_the_seeds(row: dict[str, str]) -> None:
    for field in ("address", "postcode", "city"):
        if row[field]:
            assert fold(row[field]) in FOLDED, f"{field} {row[field]!r} not in the seeds"
    if row["precision"] == "locality":
        assert not row["address"] and not row["postcode"], "a town-only site has no street"


@pytest.mark.parametrize("row", _rows(), ids=lambda r: r["site_id"])
def test_sources_name_a_seed_file_and_section(row: dict[str, str]) -> None:
    for source in row["source"].split(";"):
        name, _, section = source.partition(" § ")
        assert (SEEDS / name).exists(), f"unknown seed file {name!r}"
        first = fold(section.split("–")[0])
        assert first and first in fold(_seed(name)), f"section {section!r} not in {name}"
    if BROCHURE in row["source"]:
        assert row["source_date"] == "2016-06"  # "juin 2016" on the brochure's last page


def test_seso_projects_with_a_place_are_sites() -> None:
    by_id = {r["site_id"]: r for r in _rows()}
    assert by_id["seso-point-info-bordet"]["address"] == "rue Héger-Bordet 3"
    assert by_id["seso-127-bis"]["city"] == "Steenokkerzeel"
    assert by_id["seso-holsbeek"]["city"] == "Holsbeek"


def test_every_named_place_of_the_issue_is_a_site() -> None:
    sites = {(r["org_id"], r["city"]) for r in _rows()}
    for town in ("Liège", "Namur", "Mons", "Braine-le-Comte", "Steenokkerzeel"):
        assert ("apd", town) in sites
    for town in ("Liège", "Bruxelles", "Anvers"):
        assert ("caritas-international", town) in sites


def test_organisations_without_a_place_are_national_or_online() -> None:
    for row in _rows():
        if not row["city"] and not row["postcode"]:
            assert row["precision"] in ("national", "online"), row["site_id"]
            assert not row["latitude"] and not row["longitude"]


def test_seed_files_are_where_the_sources_say() -> None:
    assert Path(SEEDS / SESO).exists()
