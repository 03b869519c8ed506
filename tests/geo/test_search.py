"""The forgiving place search: misspellings, short forms, partial matches, "did you mean", the
threshold, coordinates from "use my location", and honest answers for stations and streets."""

from __future__ import annotations

import pytest
from rapidfuzz import fuzz

from lien.geo.gazetteer import Gazetteer, default_gazetteer
from lien.geo.gazetteer_index import TIER_MUNICIPALITY
from lien.geo.search import (
    CLOSE_POINTS,
    FUZZY_CUTOFF,
    FUZZY_MAX_CHARS,
    SOUND_MIN_RATIO,
    commune_query,
    search,
    sound_key,
)


@pytest.mark.parametrize(
    ("query", "municipality"),
    [
        ("Bruxelle", "Bruxelles"),  # a letter missing
        ("Charlerois", "Charleroi"),  # a letter too many
        ("charleroi", "Charleroi"),  # case
        ("Liege", "Liège"),  # no accent
        ("St-Gilles", "Saint-Gilles"),  # abbreviation
        ("Sint Gillis", "Saint-Gilles"),  # Dutch name, no hyphen
        ("Luik", "Liège"),  # Dutch name of a French-speaking town
        ("Antwerpen", "Anvers"),
    ],
)
def test_misspelt_and_abbreviated_names_find_the_town(query: str, municipality: str) -> None:
    found = search(query)
    assert found.place is not None, query
    assert found.place.municipality == municipality
    assert found.complete
    assert found.place.precision == "locality"  # a town centre, and the page says so


def test_a_close_spelling_says_what_it_understood() -> None:
    found = search("Charlerois")
    assert found.fuzzy
    assert found.matched == "Charleroi"
    # An exact name is not "understood as" anything.
    assert not search("Charleroi").fuzzy


def test_an_unrelated_word_below_the_threshold_finds_nothing() -> None:
    # Zuidstation looks like Zuidschote (a village) to a fuzzy matcher: below the threshold.
    assert fuzz.ratio("zuidstation", "zuidschote") < FUZZY_CUTOFF
    found = search("Zuidstation")
    assert found.place is None
    assert found.suggestions == ()
    assert found.landmark  # the page then suggests typing a postcode or the commune


def test_a_station_is_reported_honestly_not_placed_at_the_town_centre_silently() -> None:
    found = search("Gare du Midi")
    assert found.place is None
    assert found.landmark
    partial = search("Bruxelles-Midi")
    assert partial.place is not None
    assert partial.place.municipality == "Bruxelles"
    assert not partial.complete  # "only Bruxelles was recognised"
    assert partial.matched == "Bruxelles"
    assert partial.landmark


def test_only_part_of_the_query_recognised_is_said() -> None:
    found = search("Namur centre-ville")
    assert found.place is not None
    assert found.place.municipality == "Namur"
    assert not found.complete


def test_postcodes_and_postcode_with_its_town_are_complete() -> None:
    for query in ("1060", "1060 Saint-Gilles", "B-1060"):
        found = search(query)
        assert found.place is not None, query
        assert found.place.postcode == "1060", query
        assert found.complete, query
        assert found.place.precision == "postcode"


def test_several_close_places_become_a_choice() -> None:
    found = search("Berlaae")  # Berlaar (Antwerp) or Berlare (East Flanders)?
    assert found.place is None
    assert set(found.suggestions) == {"Berlaar", "Berlare"}


def _tiny(names: dict[str, tuple[float, float, str]]) -> Gazetteer:
    """A gazetteer of a few made-up municipalities, to set the scores exactly."""
    codes = [f"8{i:04d}" for i in range(len(names))]
    municipalities = {
        nis: {
            "fr": key.title(),
            "nl": key.title(),
            "province": "80000",
            "region": "03000",
            "postcode": postcode,
        }
        for (key, (_, _, postcode)), nis in zip(names.items(), codes, strict=True)
    }
    index = {
        "regions": {"03000": {"fr": "Région wallonne", "nl": "Waals Gewest"}},
        "provinces": {
            "80000": {"fr": "Province de Luxembourg", "nl": "Luxemburg", "region": "03000"}
        },
        "municipalities": municipalities,
        "postcodes": {},
        "names": {
            key: [lat, lon, nis, code, TIER_MUNICIPALITY, 1000, key.title()]
            for (key, (lat, lon, code)), nis in zip(names.items(), codes, strict=True)
        },
        "belgium": default_gazetteer()._belgium_wkt,
    }
    return Gazetteer(index)


def test_ambiguity_is_decided_by_the_score_gap() -> None:
    # "bertrik" scores the same against both: the visitor chooses.
    gaz = _tiny({"bertrix": (49.85, 5.25, "6880"), "bertrim": (49.9, 5.3, "6881")})
    assert fuzz.ratio("bertrik", "bertrix") == fuzz.ratio("bertrik", "bertrim")
    found = search("Bertrik", gaz)
    assert found.place is None
    assert found.suggestions == ("Bertrix", "Bertrim")
    # More than CLOSE_POINTS apart, the best one is used.
    gaz = _tiny({"bertrix": (49.85, 5.25, "6880"), "bertrixville": (49.9, 5.3, "6881")})
    gap = fuzz.ratio("bertrik", "bertrix") - fuzz.ratio("bertrik", "bertrixville")
    assert gap > CLOSE_POINTS
    found = search("Bertrik", gaz)
    assert found.place is not None
    assert found.place.municipality == "Bertrix"
    assert found.fuzzy


def test_coordinates_from_use_my_location() -> None:
    found = search("50.83550, 4.34450")
    assert found.coordinates
    assert found.place is not None
    # The visitor's own point, not the centre of their commune.
    assert (found.place.latitude, found.place.longitude) == (50.8355, 4.3445)
    assert found.place.precision == "address"
    assert found.matched == "Saint-Gilles"


def test_coordinates_outside_belgium_are_not_placed() -> None:
    found = search("48.85660, 2.35220")  # Paris
    assert found.place is None
    assert found.coordinates


def test_long_text_is_not_fuzzy_matched() -> None:
    # One letter off a town, but longer than a name: a sentence, not a misspelling.
    text = "Charlerois " + "x" * FUZZY_MAX_CHARS
    assert search(text).fuzzy is False
    assert search("a" * 10_000).place is None  # cut to 200 characters first


def test_empty_and_blank_queries() -> None:
    assert search("").place is None
    assert search("   ").place is None


# --- old and foreign names, names by their sound, one name for several places ---------------


@pytest.mark.parametrize(
    ("query", "municipality"),
    [
        ("Lüttich", "Liège"),  # German
        ("Brussel", "Bruxelles"),  # Dutch
        ("Brüssel", "Bruxelles"),  # German
        ("Antwerp", "Anvers"),  # English
        ("Bergen", "Mons"),  # Dutch
        ("Doornik", "Tournai"),  # Dutch
        ("Namen", "Namur"),  # Dutch and German
        ("Löwen", "Louvain"),  # German
        ("Ypern", "Ypres"),  # German
    ],
)
def test_old_and_foreign_names_find_the_town(query: str, municipality: str) -> None:
    found = search(query)
    assert found.place is not None, query
    assert found.place.municipality == municipality, query
    assert found.complete
    assert not found.suggestions


@pytest.mark.parametrize(
    ("query", "municipality"),
    [
        ("Brukselle", "Bruxelles"),
        ("Lieje", "Liège"),
        ("Sharleroi", "Charleroi"),
        ("Namure", "Namur"),
        ("Anverse", "Anvers"),
        ("Skarbeek", "Schaerbeek"),
        ("Muskron", "Mouscron"),
    ],
)
def test_names_spelt_by_their_sound_find_the_town(query: str, municipality: str) -> None:
    found = search(query)
    assert found.place is not None, query
    assert found.place.municipality == municipality, query
    assert found.matched  # the page says what it understood


def test_the_sound_key_hears_french_and_dutch_spellings() -> None:
    assert sound_key("Brukselle") == sound_key("Bruxelles")
    assert sound_key("Lieje") == sound_key("Liège")
    assert sound_key("Kortrik") == sound_key("Kortrijk")
    assert sound_key("Skarbeek") == sound_key("Schaerbeek")
    assert sound_key("Namur") != sound_key("Mons")
    assert sound_key("") == ""


def test_a_foreign_town_is_not_read_as_a_belgian_one_by_its_sound() -> None:
    # Rijsel is Lille in Dutch, in France: its sound key is Ruiselede's, its spelling is not.
    assert sound_key("Rijsel") == sound_key("Ruiselede")
    assert fuzz.ratio("rijsel", "ruiselede") < SOUND_MIN_RATIO
    found = search("Rijsel")
    assert found.place is None
    assert not found.suggestions


def test_a_long_or_repeated_query_is_matched_in_bounded_work() -> None:
    # A sound key is computed word by word; a long query is cut and not fuzzy matched at all.
    assert sound_key("bruxelles " * 20_000).count(" ") == 19_999
    assert search("Brukselle " * 100).place is None  # 900 characters: not a misspelt name


@pytest.mark.parametrize(
    ("query", "choices"),
    [
        ("Vorst", {"1190 Vorst", "2430 Vorst"}),  # Forest in Dutch, and a village of Laakdal
        ("Tournay", {"7500 Tournay", "6840 Tournay"}),  # Tournai's old name, and a village
        ("Tourney", {"7500 Tournay", "6840 Tournay"}),  # the same, misspelt
        ("Saint-Nicolas", {"9100 Saint-Nicolas", "4420 Saint-Nicolas"}),
    ],
)
def test_a_city_s_other_name_that_a_village_bears_too_is_a_choice(
    query: str, choices: set[str]
) -> None:
    found = search(query)
    assert found.place is None
    assert found.several
    assert set(found.suggestions) == choices
    # Each choice finds its own place again, all of it recognised.
    places = {search(choice).place.municipality_code for choice in found.suggestions}  # type: ignore[union-attr]
    assert len(places) == len(choices)
    assert all(search(choice).complete for choice in found.suggestions)


def test_a_village_of_a_city_s_name_is_not_that_city() -> None:
    # GeoNames' village of Vorst lies in Laakdal, 50 km from Forest (Vorst in Dutch).
    laakdal = search("2430 Vorst").place
    assert laakdal is not None
    assert laakdal.municipality == "Laakdal"
    forest = search("1190 Vorst").place
    assert forest is not None
    assert forest.municipality == "Forest"


def test_a_name_two_places_own_alike_is_not_a_choice() -> None:
    # Aalst the city and Aalst the hamlet of Sint-Truiden: the same own name, no other
    # spelling of a city; the city, as before.
    found = search("Aalst")
    assert found.place is not None
    assert found.place.municipality == "Alost"
    assert not found.suggestions


def test_a_position_is_rounded_to_its_commune_named_for_the_reader() -> None:
    assert commune_query(50.4512, 4.858, "fr") == "Namur"
    assert commune_query(50.4512, 4.858, "nl") == "Namen"
    assert commune_query(48.8566, 2.3522, "fr") is None  # Paris
    # Where the name alone would be a choice, the postcode says which.
    forest = commune_query(50.8110, 4.3200, "nl")
    assert forest == "1190 Vorst"
    again = search(forest)
    assert again.place is not None
    assert again.place.municipality == "Forest"
    assert again.complete
