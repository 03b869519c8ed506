"""A visitor's place query, forgiven: misspellings, missing hyphens or accents, abbreviations,
coordinates from "use my location", and an honest answer when only part of it, or nothing, is
known.

Exact matches come from the gazetteer (postcodes, then names); otherwise rapidfuzz compares the
query with every municipality and place name and keeps the close ones: one clear winner is used,
several close ones become a "did you mean" choice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz, process

from lien.geo.gazetteer import Gazetteer, Place, default_gazetteer
from lien.geo.gazetteer_index import TIER_ALTERNATE
from lien.text import clean_query, fold

# A misspelt name scores above this (Bruxelle 94, Charlerois 95, Luik → Luick 89); an unrelated
# one well below (Zuidstation → Zuidschote 67).
FUZZY_CUTOFF = 85.0
# Candidates within this many points of the best are equally likely: the visitor chooses.
CLOSE_POINTS = 3.0
MAX_SUGGESTIONS = 4
# Longer queries are addresses or sentences, not a misspelt name: no fuzzy matching.
FUZZY_MAX_CHARS = 60
# Words that name a station, an airport, a hospital…: places the offline gazetteer doesn't hold.
LANDMARK_WORDS = frozenset(
    """gare station statie zuidstation noordstation centraal centrale midi aeroport airport
    luchthaven hopital ziekenhuis hospital universite universiteit university campus musee museum
    stade stadion parc park metro place plein square rue straat avenue laan chaussee steenweg
    boulevard""".split()
)
_COORDINATES = re.compile(r"^\s*(-?\d{1,2}(?:\.\d+)?)\s*[,;]\s*(-?\d{1,3}(?:\.\d+)?)\s*$")


@dataclass(frozen=True)
class Found:
    """What a place query matched, and how."""

    place: Place | None
    matched: str = ""  # the place's name as recognised
    complete: bool = True  # False: only part of the query was used
    fuzzy: bool = False  # recognised through a close spelling
    coordinates: bool = False  # a point given as "lat, lon" (use my location)
    suggestions: tuple[str, ...] = ()  # close names to choose from ("did you mean")
    landmark: bool = False  # the query names a station, a square, a street…


def _landmark(query: str) -> bool:
    return any(word in LANDMARK_WORDS for word in fold(query).split())


@lru_cache(maxsize=4)
def _fuzzy_keys(gazetteer: Gazetteer) -> tuple[tuple[str, ...], tuple[list[Any], ...]]:
    """The names fuzzy matching looks at: municipalities and places, not alternate spellings."""
    items = [(key, entry) for key, entry in gazetteer.names.items() if entry[4] < TIER_ALTERNATE]
    return tuple(k for k, _ in items), tuple(e for _, e in items)


def _shown(gaz: Gazetteer, entry: list[Any]) -> str:
    """A name entry as a visitor reads it: its own spelling, or its municipality's name for a
    short form the gazetteer derived in lower case ("st gilles", "stad")."""
    name = gaz.display_name(entry)
    return name if name and name != name.lower() else gaz.municipalities[entry[2]]["fr"]


def search(query: str, gazetteer: Gazetteer | None = None) -> Found:
    """The place a visitor means by `query` (bounded to 200 characters first)."""
    gaz = gazetteer or default_gazetteer()
    text = clean_query(query)
    if not text:
        return Found(None)
    point = _COORDINATES.match(text)
    if point:
        lat, lon = float(point.group(1)), float(point.group(2))
        nearest = gaz.nearest(lat, lon)
        if nearest is None:
            return Found(None, coordinates=True)
        return Found(
            replace(nearest, latitude=lat, longitude=lon, precision="address"),
            matched=nearest.municipality,
            coordinates=True,
        )
    code = gaz.find_postcode(text)
    if code:
        place = gaz.by_postcode(code, text)
        # What is left once the postcode (and a "B-" before it) is taken out.
        rest = fold(re.sub(rf"(?<!\d)(?:[Bb][\s-]?)?{code}(?!\d)", " ", text, count=1)).split()
        own_name = {fold(place.municipality)} if place else set()
        spoken = gaz.name_hit(" ".join(rest)) if rest else None
        complete = not rest or (
            spoken is not None
            and spoken[2] == spoken[3]
            and spoken[0].municipality_code == (place.municipality_code if place else "")
        )
        return Found(
            place,
            matched=f"{code} {place.municipality}" if place else code,
            complete=complete or bool(own_name & {" ".join(rest)}),
            landmark=_landmark(text),
        )
    hit = gaz.name_hit(text)
    if hit:
        place, name, used, total = hit
        # A short form the gazetteer derived ("st gilles") reads better as the municipality.
        shown = name if name and name != name.lower() else place.municipality
        return Found(place, matched=shown, complete=used == total, landmark=_landmark(text))
    folded = fold(text)
    if len(folded) <= FUZZY_MAX_CHARS:
        keys, entries = _fuzzy_keys(gaz)
        ranked = process.extract(
            folded, keys, scorer=fuzz.ratio, limit=12, score_cutoff=FUZZY_CUTOFF
        )
        seen: dict[str, tuple[float, list[Any]]] = {}
        for _, score, index in ranked:
            entry = entries[index]
            # One candidate per municipality: "Bruxelle" is Bruxelles, whichever key says so.
            if entry[2] not in seen:
                seen[entry[2]] = (score, entry)
        if seen:
            best = max(score for score, _ in seen.values())
            close = [e for score, e in seen.values() if score >= best - CLOSE_POINTS]
            if len(close) > 1:
                names = tuple(dict.fromkeys(_shown(gaz, e) for e in close))[:MAX_SUGGESTIONS]
                return Found(None, suggestions=names, landmark=_landmark(text))
            entry = close[0]
            place = gaz.place(entry[0], entry[1], "locality", entry[3], entry[2])
            return Found(place, matched=_shown(gaz, entry), fuzzy=True)
    return Found(None, landmark=_landmark(text))
