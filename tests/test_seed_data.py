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
        assert not row["address"], "a town-only site has no street"
        assert not row["postcode"], "a town-only site has no street"


@pytest.mark.parametrize("row", _rows(), ids=lambda r: r["site_id"])
def test_sources_name_a_seed_file_and_section(row: dict[str, str]) -> None:
    for source in row["source"].split(";"):
        name, _, section = source.partition(" § ")
        assert (SEEDS / name).exists(), f"unknown seed file {name!r}"
        first = fold(section.split("–")[0])
        assert first, f"section {section!r} not in {name}"
        assert first in fold(_seed(name)), f"section {section!r} not in {name}"
    files = {source.partition(" § ")[0] for source in row["source"].split(";")}
    if files == {BROCHURE}:
        assert row["source_date"] == "2016-06"  # "juin 2016" on the brochure's last page
    if SESO in files:
        # SESO's projects carry no date: a row drawing on them can't claim the brochure's.
        assert row["source_date"] == ""


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
            assert not row["latitude"]
            assert not row["longitude"]


def test_seed_files_are_where_the_sources_say() -> None:
    assert Path(SEEDS / SESO).exists()


# --- Corrections of issue 14: each reads the seed passage it relies on ---------------------------


def _by_id() -> dict[str, dict[str, str]]:
    return {r["site_id"]: r for r in _rows()}


def _passage(name: str, phrase: str) -> str:
    """The line of seed `name` holding `phrase` (compared folded), folded; fails without it.

    Both seeds are extracted text with one paragraph a line."""
    for paragraph in _seed(name).splitlines():
        if fold(phrase) in fold(paragraph):
            return fold(paragraph)
    raise AssertionError(f"{phrase!r} is not in {name}")


def _section(name: str, start: str, end: str) -> str:
    """The folded text of seed `name` from `start` up to `end`."""
    text = fold(_seed(name))
    begin = text.index(fold(start))
    return text[begin : text.index(fold(end), begin)]


def _codes(row: dict[str, str], field: str) -> list[str]:
    return split_codes(row[field])


def test_singa_duos_are_a_language_exchange_not_mentoring_and_jobs_an_aim() -> None:
    _passage(BROCHURE, "Ces duos ne se forment pas d'un tuteur et d'un apprenant")
    aim = _passage(BROCHURE, "SINGA a pour but de favoriser")
    assert fold("la création d'emplois") in aim
    exchange = _passage(BROCHURE, "veulent faire un échange de langue")
    assert fold("la rencontre de deux personnes") in exchange
    singa = _by_id()["singa"]
    assert "mentoring" not in _codes(singa, "services")
    assert "employment" not in _codes(singa, "services")
    assert _codes(singa, "services") == ["language_classes", "culture"]
    assert fold("ne sont pas formés d'un tuteur et d'un apprenant") in fold(singa["description"])


def test_seso_visits_each_detention_centre_weekly_not_in_turn() -> None:
    visits = _section(SESO, "Visite des centres fermés", "Point 32")
    assert fold("Deux travailleurs sociaux visitent séparément chaque semaine") in visits
    assert "alternance" not in visits  # it is said of Point 32, not of the detention visits
    rows = _by_id()
    for site_id in ("seso-127-bis", "seso-holsbeek"):
        row = rows[site_id]
        assert "alternance" not in fold(row["hours"] + " " + row["description"]), site_id
        assert fold(row["hours"]) == "chaque semaine", site_id
        assert fold("visitent séparément chaque semaine") in fold(row["description"]), site_id


def test_point_info_bordet_is_for_everyone_and_answers_on_family_reunification() -> None:
    bordet = _passage(SESO, "point d'information est accessible à toutes et tous, sans condition")
    assert fold("rue Héger-Bordet 3") in bordet
    answers = _passage(SESO, "Nous répondons aux questions relatives aux procédures de séjour")
    assert fold("au regroupement familial") in answers
    row = _by_id()["seso-point-info-bordet"]
    with (ORGANISATIONS_CSV.parent / "audiences.csv").open(encoding="utf-8", newline="") as f:
        every = [r["code"] for r in csv.DictReader(f)]
    assert _codes(row, "audiences") == every
    assert "family_reunification" in _codes(row, "services")


def test_cire_sponsorship_was_only_being_set_up() -> None:
    project = _passage(BROCHURE, "un projet de m/parrainage de demandeurs d'asile")
    assert fold("est en train de voir le jour") in project
    cire = _by_id()["cire"]
    assert "mentoring" not in _codes(cire, "services")
    assert "parrainage" not in fold(cire["description"])
    assert fold("En projet en juin 2016") in fold(cire["notes"])
    assert "parrainage" in fold(cire["notes"])


def test_duo_for_a_job_advocacy_was_a_wish_for_2016() -> None:
    wish = _passage(BROCHURE, "DUO for a JOB souhaite également développer un volet plaidoyer")
    assert fold("En 2016") in wish
    duo = _by_id()["duo-for-a-job-bruxelles"]
    assert "awareness" not in _codes(duo, "services")
    assert "plaidoyer" not in fold(duo["description"])
    assert fold("En projet en 2016") in fold(duo["notes"])
    assert "plaidoyer" in fold(duo["notes"])


def test_togather_one_states_no_language_of_service() -> None:
    section = _section(BROCHURE, "ToGather.one vise à rassembler", "UP TOGETHER")
    # The same text three times, in French, English and Dutch: a presentation, not a service.
    assert fold("ToGather.one is aiming to gather") in section
    assert fold("ToGather.one heeft als streefdoel") in section
    row = _by_id()["togather-one"]
    assert row["languages"] == ""
    assert fold("sa présentation est en français, anglais et néerlandais") in fold(row["notes"])


def test_apd_hosts_asylum_seekers_in_the_liege_region_as_reception() -> None:
    from lien.geo.gazetteer import default_gazetteer

    hosting = _passage(BROCHURE, "Elle en héberge également dans des logements privés")
    assert fold("en région liégeoise") in hosting
    assert fold("demandeurs d'asile") in hosting
    row = _by_id()["apd-liege"]
    assert "reception" in _codes(row, "services")
    assert "housing" not in _codes(row, "services")
    assert fold("en région liégeoise") in fold(row["description"])
    assert fold("dans la province de Liège") in fold(row["notes"])
    place = default_gazetteer().lookup_parts(row["postcode"], row["city"])
    assert place is not None
    assert place.province_code == "60000"


def test_caritas_housing_cafes_are_also_meetings() -> None:
    meeting = _passage(BROCHURE, "Ce sont aussi des rencontres entre Belges et réfugiés")
    assert fold("dans un cadre convivial") in meeting
    for town in ("liege", "bruxelles", "anvers"):
        row = _by_id()[f"caritas-housing-cafe-{town}"]
        assert "culture" in _codes(row, "services"), town
        assert "general_public" in _codes(row, "audiences"), town


def test_maison_des_migrants_supports_and_accompanies() -> None:
    aims = _passage(BROCHURE, "l'information, le soutien, l'accompagnement des migrants")
    assert fold("Le reste de l'espace") in aims
    row = _by_id()["maison-des-migrants"]
    assert "social_support" in _codes(row, "services")


def test_cric_works_with_professionals_as_a_second_line_actor() -> None:
    second = _passage(BROCHURE, "Comme acteur de deuxième ligne, le CRIC")
    assert fold("partenariats avec le secteur associatif et public") in second
    row = _by_id()["cric-charleroi"]
    assert "professionals" in _codes(row, "audiences")
    assert fold("En deuxième ligne") in fold(row["description"])


def test_seso_seat_is_not_dated_june_2016() -> None:
    # The brochure is dated on its last page; SESO's projects nowhere.
    assert fold("juin 2016") in _passage(BROCHURE, "Éditeur responsable")
    assert not re.search(r"\b(19|20)\d\d\b", _seed(SESO))
    seat = _by_id()["seso-siege"]
    assert SESO in seat["source"]
    assert seat["source_date"] == ""
