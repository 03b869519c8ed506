"""The planner's plain answers: which areas have no provider of a service, in a sentence, with
place names in the reader's language; and the active filters as chips."""

from __future__ import annotations

import pandas as pd
import pytest

from lien import coverage, display
from lien.display import gap_sentence, near_message, place_label
from lien.filters import Filters
from lien.geo.areas import FLANDERS, NATIONAL, PROVINCE_CODES, WALLONIA, local_name
from lien.geo.gazetteer import default_gazetteer
from lien.geo.search import search
from lien.ingest import directory
from lien.render import tables


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return directory.prepare(directory.read_directory().frame)


def test_missing_lists_the_areas_without_a_site(frame: pd.DataFrame) -> None:
    table = coverage.matrix(frame, "province", ["housing"])
    holes = coverage.missing(table, "housing")
    assert holes
    assert NATIONAL not in holes
    assert all(table.at["housing", area] == 0 for area in holes)
    assert all(table.at["housing", a] > 0 for a in PROVINCE_CODES if a not in holes)
    # A service absent from the table is missing everywhere.
    assert coverage.missing(table, "legal_aid") == list(PROVINCE_CODES)


def test_gap_sentence_names_the_service_and_the_areas_in_each_language() -> None:
    # A gap is a gap in this directory, not a proof that Belgium has no provider there.
    assert gap_sentence("housing", ["50000", "80000"], "fr") == (
        "Aucun prestataire de « Logement » dans cet annuaire pour : Hainaut, Luxembourg."
    )
    assert gap_sentence("housing", ["50000", "80000"], "nl") == (
        "Geen aanbieder van ‘Huisvesting’ in deze gids voor: Henegouwen, Luxemburg."
    )
    assert "every province" in gap_sentence("housing", [], "en")


def test_municipality_names_follow_the_reader() -> None:
    assert local_name("Liège", "Luik", WALLONIA, "nl") == "Luik"
    assert local_name("Anvers", "Antwerpen", FLANDERS, "fr") == "Anvers"
    assert local_name("Anvers", "Antwerpen", FLANDERS, "en") == "Antwerpen"
    assert local_name("Mons", "Bergen", WALLONIA, "en") == "Mons"
    assert local_name("Ixelles", "Elsene", "04000", "en") == "Ixelles / Elsene"


def test_a_placed_query_reads_in_dutch() -> None:
    found = search("Liège", default_gazetteer())
    assert found.place is not None
    assert place_label(found.place, "nl") == "Luik (4000), Luik"
    assert "Luik (4000)" in near_message(found, "Liège", "nl", quote=str)
    assert place_label(found.place, "fr").startswith("Liège (4000), Liège")


def test_distance_table_rounds_to_the_km_and_translates(frame: pd.DataFrame) -> None:
    distances = coverage.nearest_provider(frame, "housing", coverage.municipality_points())
    table = tables.distance_table(coverage.deserts(distances), "nl")
    assert "municipality_code" not in table.columns
    assert "NIS-code" in table.columns
    km = table["Afstand in vogelvlucht tussen gemeentecentra (km)"]
    assert str(km.dtype) == "Int64"
    assert km.notna().all()
    everything = tables.distance_table(distances, "nl")
    assert "Luik" in set(everything["Gemeente"])
    assert "Liège" not in set(everything["Gemeente"])


def test_chips_one_per_value_and_near_with_its_radius() -> None:
    chosen = Filters(services=("housing", "legal_aid"), near="Namur", radius_km=10.0, q="seso")
    chips = display.chips(chosen, "fr")
    assert [(c.param, c.value) for c in chips] == [
        ("service", "housing"),
        ("service", "legal_aid"),
        ("q", None),
        ("near", None),
    ]
    assert chips[0].text == "Service : Logement"
    assert chips[-1].text.endswith("« Namur », 10 km")
    assert display.chips(Filters(), "fr") == []
    # A visitor's words go through the page's literal (a code span), never as Markdown.
    shown = display.chips(Filters(q="www.evil.example"), "en", literal=lambda s: f"`{s}`")
    assert shown[0].text.endswith("`www.evil.example`")
