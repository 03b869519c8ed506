"""lien.display: one site's fields, as the popup, the tables, the handout and the offline file
show them."""

from __future__ import annotations

import pytest

from lien.display import (
    Link,
    directions_label,
    directions_url,
    distance_text,
    near_message,
    safe_url,
    site_fields,
    tel_url,
    view_lines,
)
from lien.filters import Counts
from lien.geo.search import search

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
    assert f.approximate and f.precision == "postcode"
    assert f.precision_label == "Emplacement approximatif (code postal)"
    assert f.source == "p. 3 (2016-06)" and f.distance_km == 4.94
    assert f.located and f.scope == "" and f.directions == directions_url(50.84, 4.35)


def test_an_unplaced_site_says_where_it_works() -> None:
    f = site_fields({"organisation": "Réseau", "precision": "national", "latitude": None}, "nl")
    assert not f.located and f.scope == "nationaal" and f.directions == ""
    assert f.place == "" and f.phones == () and f.distance_km is None


def test_link_helpers() -> None:
    assert safe_url("www.cire.be") == "https://www.cire.be"
    assert safe_url("data:text/html,hi") is None and safe_url(" ") is None
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
    with pytest.raises(ValueError):
        near_message(search("Zuidstation"), "Zuidstation", "fr", _quote)
