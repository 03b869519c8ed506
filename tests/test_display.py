"""lien.display: one site's fields, as the popup, the tables, the handout and the offline file
show them."""

from __future__ import annotations

from lien.display import Link, directions_url, safe_url, site_fields, tel_url

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
