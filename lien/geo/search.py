"""A visitor's place query, forgiven: misspellings, missing hyphens or accents, abbreviations,
old and foreign names, spellings by sound, coordinates, and an honest answer when only part of
it, or nothing, is known.

Exact matches come from the gazetteer (postcodes, then names, GeoNames' alternate names among
them: "Lüttich", "Bergen", "Doornik"); a name that is a city's other spelling and a smaller
place's own name ("Vorst": Forest, or the village in Laakdal) is a choice the visitor makes.
Otherwise rapidfuzz compares the query with every municipality and place name and keeps the close
ones; failing that, names that sound the same (sound_key: "Brukselle" is Bruxelles, "Lieje"
Liège). One clear winner is used, several close ones become a "did you mean" choice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

import jellyfish
from rapidfuzz import fuzz, process

from lien.geo.gazetteer import PRECISIONS_OFFLINE, Gazetteer, Place, default_gazetteer
from lien.geo.gazetteer_index import TIER_ALTERNATE
from lien.text import clean_query, fold

# A misspelt name scores above this (Bruxelle 94, Charlerois 95, Luik → Luick 89); an unrelated
# one well below (Zuidstation → Zuidschote 67).
FUZZY_CUTOFF = 85.0
# Candidates within this many points of the best are equally likely: the visitor chooses.
CLOSE_POINTS = 3.0
MAX_SUGGESTIONS = 4
MAX_CANDIDATES = 12  # close names compared, by spelling or by sound
# Longer queries are addresses or sentences, not a misspelt name: no fuzzy matching.
FUZZY_MAX_CHARS = 60
# Words that name a station, an airport, a hospital…: places the offline gazetteer doesn't hold.
LANDMARK_WORDS = frozenset(
    [
        "gare",
        "station",
        "statie",
        "zuidstation",
        "noordstation",
        "centraal",
        "centrale",
        "midi",
        "aeroport",
        "airport",
        "luchthaven",
        "hopital",
        "ziekenhuis",
        "hospital",
        "universite",
        "universiteit",
        "university",
        "campus",
        "musee",
        "museum",
        "stade",
        "stadion",
        "parc",
        "park",
        "metro",
        "place",
        "plein",
        "square",
        "rue",
        "straat",
        "avenue",
        "laan",
        "chaussee",
        "steenweg",
        "boulevard",
    ]
)
# A name found only by its sound must still share this much of its spelling (rapidfuzz's ratio):
# a short sound key ("LJ" for Liège) is shared by names that look nothing alike. Brukselle scores
# 78 against Bruxelles, Lieje 80 against Liège; Rijsel (Lille, in France) 67 against Ruiselede.
SOUND_MIN_RATIO = 70.0
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
    several: bool = False  # the suggestions are places the query names, each by its postcode
    landmark: bool = False  # the query names a station, a square, a street…


def _landmark(query: str) -> bool:
    return any(word in LANDMARK_WORDS for word in fold(query).split())


@lru_cache(maxsize=4)
def _fuzzy_keys(gazetteer: Gazetteer) -> tuple[tuple[str, ...], tuple[list[Any], ...]]:
    """The names fuzzy matching looks at: municipalities and places, not alternate spellings."""
    items = [(key, entry) for key, entry in gazetteer.names.items() if entry[4] < TIER_ALTERNATE]
    return tuple(k for k, _ in items), tuple(e for _, e in items)


# How French and Dutch spell sounds that English metaphone reads otherwise, applied in order to
# each folded word before it: "sch" as the Flemish say it to a French ear, "ij" and "y" as "i",
# doubled letters and vowels as one, "gn" as "n", "x" as "ks", "qu", "ph", "eau"/"au", then the
# silent endings of French ("-e", and "-s", "-x", "-t", "-d", "-z" after a sounded letter), "-ge"
# and "-ce" keeping their soft sound.
_SPELLING = tuple(
    (re.compile(pattern), sound)
    for pattern, sound in (
        (r"sch", "sk"),
        (r"ij|y", "i"),
        (r"gn", "n"),
        (r"([bcdfgklmnprstvz])\1", r"\1"),
        (r"([aeou])\1", r"\1"),
        (r"ae", "a"),
        (r"gh", "g"),
        (r"x", "ks"),
        (r"qu", "k"),
        (r"ph", "f"),
        (r"e?au", "o"),
        (r"ge$", "je"),
        (r"ce$", "se"),
        (r"e$", ""),
        (r"(?<=.[^aeiou])[sxtdz]$|(?<=..)[sxtdz]$", ""),
    )
)


def sound_key(text: str) -> str:
    """How a place name sounds, roughly, to a French or Dutch speaker: each word respelt
    (_SPELLING) then reduced by jellyfish's metaphone. "Brukselle" and "Bruxelles" both give
    BRKSL, "Lieje" and "Liège" LJ. Linear in the text."""
    words = []
    for word in fold(text).split():
        for pattern, sound in _SPELLING:
            word = pattern.sub(sound, word)
        words.append(jellyfish.metaphone(word) if word else "")
    return " ".join(words)


@lru_cache(maxsize=4)
def _sound_index(gazetteer: Gazetteer) -> dict[str, tuple[int, ...]]:
    """The fuzzy keys (by their index in _fuzzy_keys) that share each sound key."""
    keys, _ = _fuzzy_keys(gazetteer)
    index: dict[str, list[int]] = {}
    for i, key in enumerate(keys):
        index.setdefault(sound_key(key), []).append(i)
    return {sound: tuple(found) for sound, found in index.items()}


def _sounding(folded: str, gaz: Gazetteer) -> list[tuple[str, float, int]]:
    """Names that sound like `folded`, as rapidfuzz's extract gives them (key, score, index):
    scored by spelling, the closest first, those below SOUND_MIN_RATIO left out."""
    keys, _ = _fuzzy_keys(gaz)
    ranked = [
        (keys[i], score, i)
        for i in _sound_index(gaz).get(sound_key(folded), ())
        if (score := fuzz.ratio(folded, keys[i])) >= SOUND_MIN_RATIO
    ]
    return sorted(ranked, key=lambda r: -r[1])[:MAX_CANDIDATES]


def _choices(gaz: Gazetteer, entries: list[list[Any]]) -> tuple[str, ...]:
    """Queries that each find one of `entries` again, told apart by postcode ("1190 Vorst",
    "2430 Vorst")."""
    return tuple(dict.fromkeys(f"{e[3]} {_shown(gaz, e)}" for e in entries))[:MAX_SUGGESTIONS]


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
        return _at_coordinates(gaz, float(point.group(1)), float(point.group(2)))
    code = gaz.find_postcode(text)
    if code:
        return _by_postcode(gaz, text, code)
    return _by_name(gaz, text) or _by_spelling(gaz, text) or Found(None, landmark=_landmark(text))


def _at_coordinates(gaz: Gazetteer, lat: float, lon: float) -> Found:
    """Typed coordinates: the point itself, named after the municipality it lies in."""
    nearest = gaz.nearest(lat, lon)
    if nearest is None:
        return Found(None, coordinates=True)
    return Found(
        replace(nearest, latitude=lat, longitude=lon, precision="address"),
        matched=nearest.municipality,
        coordinates=True,
    )


def _by_postcode(gaz: Gazetteer, text: str, code: str) -> Found:
    """A query holding a postcode: that postcode's place, complete when the rest of the query
    only names it again."""
    place = gaz.by_postcode(code, text)
    # What is left once the postcode (and a "B-" before it) is taken out.
    rest = fold(re.sub(rf"(?<!\d)(?:[Bb][\s-]?)?{code}(?!\d)", " ", text, count=1)).split()
    own_name = {fold(place.municipality)} if place else set()
    spoken = gaz.name_hit(" ".join(rest)) if rest else None
    nis = place.municipality_code if place else ""
    complete = not rest or (
        spoken is not None and spoken[2] == spoken[3] and spoken[0].municipality_code == nis
    )
    # "2430 Vorst": the village of that name in that postcode's municipality, not Forest.
    complete = complete or any(e[2] == nis for e in gaz.homonyms.get(" ".join(rest), ()))
    return Found(
        place,
        matched=f"{code} {place.municipality}" if place else code,
        complete=complete or bool(own_name & {" ".join(rest)}),
        landmark=_landmark(text),
    )


def _by_name(gaz: Gazetteer, text: str) -> Found | None:
    """A query naming a place as the gazetteer spells it; None when no name is found."""
    hit = gaz.name_hit(text)
    if not hit:
        return None
    place, name, used, total = hit
    homonyms = gaz.homonyms.get(fold(text))
    if homonyms and used == total:
        return Found(None, suggestions=_choices(gaz, homonyms), several=True)
    # A short form the gazetteer derived ("st gilles") reads better as the municipality.
    shown = name if name and name != name.lower() else place.municipality
    return Found(place, matched=shown, complete=used == total, landmark=_landmark(text))


def _by_spelling(gaz: Gazetteer, text: str) -> Found | None:
    """A short query misspelt: the one name it is close to, or the close ones to choose from;
    None when nothing is close enough."""
    folded = fold(text)
    if len(folded) > FUZZY_MAX_CHARS:
        return None
    keys, entries = _fuzzy_keys(gaz)
    ranked = process.extract(
        folded, keys, scorer=fuzz.ratio, limit=MAX_CANDIDATES, score_cutoff=FUZZY_CUTOFF
    ) or _sounding(folded, gaz)
    seen: dict[str, tuple[float, list[Any], str]] = {}
    for key, score, index in ranked:
        entry = entries[index]
        # One candidate per municipality: "Bruxelle" is Bruxelles, whichever key says so.
        if entry[2] not in seen:
            seen[entry[2]] = (score, entry, key)
    if not seen:
        return None
    best = max(score for score, _, _ in seen.values())
    close = [(e, key) for score, e, key in seen.values() if score >= best - CLOSE_POINTS]
    if len(close) > 1:
        names = tuple(dict.fromkeys(_shown(gaz, e) for e, _ in close))[:MAX_SUGGESTIONS]
        return Found(None, suggestions=names, landmark=_landmark(text))
    entry, key = close[0]
    if key in gaz.homonyms:  # "Tourney": Tournai, or the village of Tournay?
        return Found(None, suggestions=_choices(gaz, gaz.homonyms[key]), several=True)
    place = gaz.place(entry[0], entry[1], "locality", entry[3], entry[2])
    return Found(place, matched=_shown(gaz, entry), fuzzy=True)


def understood(found: Found, query: str, lang: str) -> str:
    """The place a near-me query was understood as, to print and to share (a handout, its QR
    code, a download's link): the query itself when all of it was recognised as written, else
    the name recognised ("Charleroi" for "Charlerois", "Bruxelles" for "Bruxelles-Midi", the
    commune of typed coordinates); a municipality named as a reader of `lang` names it ("Liège"
    for "Luick" or "Luik" on a French page, "Brussel" for "Bruxelles" on a Dutch one). The query
    when nothing was placed."""
    place = found.place
    if place is None:
        return query
    exact = not (found.coordinates or found.fuzzy or not found.complete)
    gaz = default_gazetteer()
    own = gaz.municipalities.get(place.municipality_code)
    name = query if exact else found.matched or place.municipality
    if found.coordinates or (own and fold(name) in (fold(own["fr"]), fold(own["nl"]))):
        town = gaz.municipality_name(place.municipality_code, lang)
        return f"{place.postcode} {town}" if place.precision == "postcode" else town
    return name


def centre_of(found: Found | None, query: str, lang: str) -> str:
    """The place whose centre a view's distances are measured from ("Namur", "1060
    Saint-Gilles"), for distance_text; "" when the point is exact (an address) or unknown."""
    if found is None or found.place is None or found.place.precision not in PRECISIONS_OFFLINE:
        return ""
    place = found.place
    if place.precision == "postcode" and place.postcode:
        town = default_gazetteer().municipality_name(place.municipality_code, lang)
        return f"{place.postcode} {town}"
    return understood(found, query, lang)


def commune_query(
    lat: float, lon: float, lang: str, gazetteer: Gazetteer | None = None
) -> str | None:
    """A visitor's position rounded to its commune, as the near-me text that finds that commune
    again: its name for a reader of `lang` ("Namur", "Namen"), or with its postcode where the name
    alone would find another place ("1190 Vorst"). None outside Belgium. The position itself is
    never kept: only the commune travels on (the box, the URL, a handout's QR code)."""
    gaz = gazetteer or default_gazetteer()
    nearest = gaz.nearest(lat, lon)
    if nearest is None:
        return None
    nis = nearest.municipality_code
    name = gaz.municipality_name(nis, lang)
    found = search(name, gaz)
    if found.place is not None and found.place.municipality_code == nis and found.complete:
        return name
    return f"{gaz.municipalities[nis]['postcode']} {name}"
