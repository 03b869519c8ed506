"""The results as cards (a phone's list): what a card holds, in which order, and that nothing in
it can become markup or a link the data didn't give."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pandas as pd

from lien import filters
from lien.filters import Filters
from lien.geo.search import search
from lien.ingest import directory
from lien.ingest.directory import load_directory
from lien.render.cards import FIRST_CARDS, card, cards_html

SITE = {
    "organisation": "Maison <b>& Co</b>",
    "site": "Accueil",
    "address": "Rue Haute 1",
    "postcode": "1000",
    "city": "Bruxelles",
    "latitude": 50.84,
    "longitude": 4.35,
    "coord_precision": "locality",
    "services": "housing;legal_aid;employment",
    "hours": "lundi 9h-12h",
    "phone": "02 123 45 67",
    "email": "info@maison.example",
    "website": "javascript:alert(1)",
    "distance_km": 4.6,
}


def test_a_card_holds_what_a_visitor_acts_on() -> None:
    c = card(SITE, "fr")
    assert c.title == "Maison <b>& Co</b>"  # plain text here; escaped in HTML below
    assert c.subtitle == "Accueil"
    assert c.distance == "≈ 5 km, centre de la commune"
    assert c.where == "Rue Haute 1, 1000 Bruxelles"
    assert c.services == ("Logement", "Aide juridique", "Emploi et formation")
    assert c.hours.text == "lundi 9h-12h"
    kinds = [kind for kind, _, _ in c.links]
    assert kinds == ["call", "email", "directions"]  # no website: javascript: is not one
    call, email, directions = c.links
    assert call[1:] == ("Appeler le 02 123 45 67", "tel:021234567")
    assert email[2] == "mailto:info@maison.example"
    assert directions[1] == "Itinéraire (jusqu’au centre de la commune)"
    assert directions[2].startswith("https://www.openstreetmap.org/directions?")


def test_a_card_lists_only_the_services_of_the_view() -> None:
    c = card(SITE, "nl", services=("employment",))
    assert c.services == ("Werk en opleiding",)


def test_empty_fields_are_left_out_never_none() -> None:
    bare = {"organisation": "Solo", "latitude": None, "longitude": None, "precision": "national"}
    c = card(bare, "en")
    assert (c.distance, c.hours.text, c.links) == ("", "", ())
    # A site without a service is still a place to go: its card says so rather than nothing.
    assert c.services == ("Service not stated",)
    assert c.where == "National"
    html = cards_html(pd.DataFrame([bare]), "en")
    assert "None" not in html
    assert "nan" not in html


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.hrefs += [v or "" for k, v in attrs if k == "href"]


def test_cards_html_escapes_every_text_and_links_only_safe_schemes() -> None:
    hostile = {
        **SITE,
        "organisation": '<img src=x onerror="alert(1)">',
        "hours": "<script>alert(1)</script>",
        "email": '"><a href="javascript:x">',
    }
    parsed = _Links()
    parsed.feed(cards_html(pd.DataFrame([hostile]), "fr"))
    assert {"img", "script"}.isdisjoint(parsed.tags)
    assert all(re.match(r"^(tel:|mailto:|https://)", href) for href in parsed.hrefs), parsed.hrefs


def test_cards_follow_the_view_nearest_first_and_stop_at_the_limit() -> None:
    frame = directory.prepare(load_directory())
    place = search("Charlerois").place
    assert place is not None
    view = Filters(near="Charlerois", radius_km=200.0)
    sites = filters.apply(frame, view, (place.latitude, place.longitude))
    html = cards_html(sites, "fr", limit=FIRST_CARDS)
    assert html.count('<li class="lien-card">') == FIRST_CARDS
    titles = re.findall(r"<h3>(.*?)</h3>", html)
    expected = [card(s, "fr").title for s in sites.head(FIRST_CARDS).to_dict("records")]
    assert [t.replace("&#x27;", "'").replace("&amp;", "&") for t in titles] == expected
    distances = sites["distance_km"].head(FIRST_CARDS).tolist()
    assert distances == sorted(distances)


def test_a_distance_from_a_towns_centre_says_so() -> None:
    exact = {**SITE, "coord_precision": "address"}
    assert card(exact, "fr").distance == "4,6 km"
    assert card(exact, "fr", centre="Namur").distance == "≈ 5 km du centre de Namur"
    assert "≈ 5 km van het centrum van Namen" in cards_html(
        pd.DataFrame([exact]), "nl", centre="Namen"
    )


def test_a_card_names_a_town_in_the_visitors_language() -> None:
    anvers = {**SITE, "address": "", "postcode": "", "city": "Anvers", "municipality_code": "11002"}
    assert card(anvers, "nl").where == "Antwerpen"
    assert card(anvers, "fr").where == "Anvers"
