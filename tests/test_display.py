"""lien.display: one site's fields, as the popup, the tables, the handout and the offline file
show them."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from lien.display import (
    Link,
    chips,
    directions_label,
    directions_url,
    distance_text,
    near_message,
    of_place,
    safe_url,
    site_fields,
    tel_url,
    towns,
    view_lines,
)
from lien.filters import Counts, Filters
from lien.geo.gazetteer import default_gazetteer
from lien.geo.search import centre_of, search, understood

SITE = {
    "organisation": "Maison",
    "site": "Accueil",
    "address": "Rue Haute 1",
    "postcode": "1000",
    "city": "Bruxelles",
    "municipality": "Bruxelles",
    "latitude": 50.84,
    "longitude": 4.35,
    "precision": "address",
    "coord_precision": "postcode",
    "services": "housing;legal_aid",
    "audiences": "asylum_seekers",
    "languages": "fr;nl",
    "hours": "lundi",
    "phone": "02 123 45 67;+32 470 12 34 56",
    "email": "a@b.be",
    "website": "javascript:alert(1);www.maison.be",
    "source": "brochure § p. 3",
    "source_date": "2016-06",
    "distance_km": 4.94,
}


def test_site_fields_in_french() -> None:
    f = site_fields(SITE, "fr")
    assert (f.organisation, f.site, f.town) == ("Maison", "Accueil", "Bruxelles")
    assert f.place == "Rue Haute 1, 1000 Bruxelles"
    assert f.services == ("Logement", "Aide juridique")
    assert f.languages == ("Français", "Néerlandais")
    assert f.phones == (
        Link("02 123 45 67", "tel:021234567"),
        Link("+32 470 12 34 56", "tel:+32470123456"),
    )
    assert f.emails == (Link("a@b.be", "mailto:a@b.be"),)
    # A javascript: address is left out; a bare domain becomes https.
    assert f.websites == (Link("www.maison.be", "https://www.maison.be"),)
    assert f.approximate
    assert f.precision == "postcode"
    assert f.precision_label == "Emplacement approximatif (code postal)"
    assert f.source == "p. 3 (2016-06)"
    assert f.distance_km == 4.94
    assert f.located
    assert f.scope == ""
    assert f.directions == directions_url(50.84, 4.35)


def test_an_unplaced_site_says_where_it_works() -> None:
    f = site_fields({"organisation": "Réseau", "precision": "national", "latitude": None}, "nl")
    assert not f.located
    assert f.scope == "nationaal"
    assert f.directions == ""
    assert f.place == ""
    assert f.phones == ()
    assert f.distance_km is None


def test_link_helpers() -> None:
    assert safe_url("www.cire.be") == "https://www.cire.be"
    assert safe_url("data:text/html,hi") is None
    assert safe_url(" ") is None
    assert tel_url("+32 (0) 2 225 43 00") == "tel:+3222254300"
    assert directions_url(50.5, 4.25) == (
        "https://www.openstreetmap.org/directions?route=%3B50.50000%2C4.25000"
    )


def _with(**changes: object) -> dict[str, object]:
    return {**SITE, **changes}


def test_distance_of_an_exact_site_in_each_language() -> None:
    exact = site_fields(_with(coord_precision="address"), "fr")
    assert distance_text(exact, "fr") == "4,9 km"
    assert distance_text(site_fields(_with(coord_precision="address"), "en"), "en") == "4.9 km"


def test_distance_of_an_approximate_site_says_from_where() -> None:
    # SITE is placed at its postcode's centre: not "4,9 km" as if it were its door.
    assert distance_text(site_fields(SITE, "fr"), "fr") == "≈ 5 km, centre du code postal"
    town = site_fields(_with(coord_precision="locality", distance_km=0.0), "nl")
    # Never "0,0 km" for a site known only by its town.
    assert distance_text(town, "nl") == "≈ minder dan 1 km, centrum van de gemeente"
    assert distance_text(site_fields(_with(distance_km=None), "fr"), "fr") == ""


def test_directions_to_an_approximate_site_say_they_end_at_a_centre() -> None:
    assert (
        directions_label(site_fields(_with(coord_precision="address"), "fr"), "fr") == "Itinéraire"
    )
    town = site_fields(_with(coord_precision="locality"), "en")
    assert directions_label(town, "en") == "Directions (to the commune centre)"


def test_view_lines_count_sites_on_the_map_and_national_organisations() -> None:
    shown, national = view_lines(Counts(sites=1, organisations=1, national=4), "fr")
    assert shown == "1 site de 1 organisation affiché"
    assert national.startswith("4 organisations nationales ou en ligne")
    assert view_lines(Counts(3, 2, 0), "en") == ("3 sites of 2 organisations shown", "")


def _quote(text: str) -> str:
    return f"<{text}>"


@pytest.mark.parametrize(
    ("query", "lang", "expected"),
    [
        (
            "Charleroi",
            "en",
            "Distances from Charleroi (6000), Hainaut (commune centre)",
        ),
        (
            "Charlerois",
            "en",
            "“<Charlerois>” read as Charleroi: distances from Charleroi (6000), Hainaut"
            " (commune centre).",
        ),
        (
            "Bruxelles-Midi",
            "en",
            "Only “Bruxelles” was recognised in “<Bruxelles-Midi>”: distances from Bruxelles "
            "/ Brussel (1000), Brussels-Capital Region (commune centre). Stations, streets and "
            "landmarks are not in the offline list of places: type the postcode (for example "
            "1060) or the commune.",
        ),
        (
            "1060",
            "fr",
            "Distances depuis Saint-Gilles (1060), Bruxelles-Capitale (centre du code postal)",
        ),
        ("50.8355, 4.3445", "nl", "Afstanden vanaf uw locatie, bij Saint-Gilles."),
    ],
)
def test_near_message_says_how_the_place_was_found(query: str, lang: str, expected: str) -> None:
    assert near_message(search(query), query, lang, _quote) == expected


def test_near_message_needs_a_place() -> None:
    with pytest.raises(ValueError, match="needs a placed query"):
        near_message(search("Zuidstation"), "Zuidstation", "fr", _quote)


# --- where distances start, and the place as it is printed and shared --------------------------


def test_distances_from_a_town_say_they_start_at_its_centre() -> None:
    exact = site_fields(_with(coord_precision="address"), "fr")
    assert distance_text(exact, "fr", "Namur") == "≈ 5 km du centre de Namur"
    assert distance_text(exact, "nl", "Namen") == "≈ 5 km van het centrum van Namen"
    assert distance_text(exact, "en", "Namur") == "≈ 5 km from the centre of Namur"
    near = site_fields(_with(distance_km=0.4), "en")
    assert distance_text(near, "en", "Namur") == "≈ under 1 km from the centre of Namur"
    # French elides "de" before a vowel: "du centre d’Anvers", not "de Anvers".
    assert distance_text(exact, "fr", "Anvers") == "≈ 5 km du centre d’Anvers"
    assert (
        of_place("Près de Ixelles, dans un rayon de 5 km", "fr")
        == "Près d’Ixelles, dans un rayon de 5 km"
    )
    assert of_place("near de Anvers", "en") == "near de Anvers"  # French only


@pytest.mark.parametrize(
    ("query", "lang", "printed", "centre"),
    [
        ("Charlerois", "fr", "Charleroi", "Charleroi"),  # the typo is not printed
        ("Bruxelle", "nl", "Brussel", "Brussel"),  # understood, in the reader's language
        ("Luick", "fr", "Liège", "Liège"),
        ("Luik", "fr", "Liège", "Liège"),  # a municipality, as the reader's language names it
        ("Bruxelles", "nl", "Brussel", "Brussel"),
        ("Zeebrugge", "fr", "Zeebrugge", "Zeebrugge"),  # a place of a municipality: as typed
        ("Bruxelles-Midi", "fr", "Bruxelles", "Bruxelles"),  # only part recognised
        ("1060", "fr", "1060", "1060 Saint-Gilles"),  # a postcode's centre
        ("50.4512, 4.858", "fr", "Namur", ""),  # typed coordinates: an exact point, never shared
        ("Atlantis", "fr", "Atlantis", ""),  # nothing placed: said as typed
    ],
)
def test_the_place_understood_is_what_is_printed_and_shared(
    query: str, lang: str, printed: str, centre: str
) -> None:
    found = search(query)
    assert understood(found, query, lang) == printed
    assert centre_of(found, query, lang) == centre


def test_a_town_named_as_its_municipality_reads_in_the_visitors_language() -> None:
    town_name = default_gazetteer().town_name
    assert town_name("Anvers", "11002", "nl") == "Antwerpen"
    assert town_name("Antwerpen", "11002", "fr") == "Anvers"
    assert town_name("Bruxelles", "21004", "nl") == "Brussel"
    assert town_name("Bruxelles", "21004", "en") == "Bruxelles / Brussel"
    # A city that is not its municipality's name (a postal town) stays as written.
    assert town_name("Bruxelles", "21013", "nl") == "Bruxelles"
    assert town_name("Anvers", "", "nl") == "Anvers"  # no municipality found
    fields = site_fields(_with(city="Anvers", municipality_code="11002", address=""), "nl")
    assert fields.town == "Antwerpen"
    assert fields.place == "1000 Antwerpen"


def test_towns_of_a_frame_are_read_once_per_distinct_town() -> None:
    frame = pd.DataFrame(
        {
            "city": ["Anvers", "", "Anvers", "Lille"],
            "municipality": ["Anvers", "Liège", "Anvers", ""],
            "municipality_code": ["11002", "62063", "11002", ""],
        }
    )
    assert towns(frame, "nl").tolist() == ["Antwerpen", "Luik", "Antwerpen", "Lille"]
    assert towns(frame.iloc[:0], "nl").tolist() == []


def test_the_near_chip_is_one_left_to_right_unit_in_a_right_to_left_language() -> None:
    chosen = Filters(near="Namur", radius_km=25)
    (arabic,) = [c for c in chips(chosen, "ar") if c.param == "near"]
    isolated = re.search("\u2066(.*)\u2069", arabic.text)
    assert isolated is not None, arabic.text
    assert "Namur" in isolated.group(1)
    assert isolated.group(1).endswith(", 25 km")
    (french,) = [c for c in chips(chosen, "fr") if c.param == "near"]
    assert "\u2066" not in french.text  # left-to-right pages carry no invisible characters
    assert "Namur" in french.text
