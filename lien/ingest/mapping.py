"""An uploaded table's columns onto Lien's schema: titles guessed in FR/NL/EN, labels made codes,
what the file leaves out derived from what it has. No checking here (lien.ingest.directory)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import pandas as pd

from lien import taxonomy
from lien.ingest.directory import site_numbers
from lien.problems import Problem, problem
from lien.schema import SCHEMA_COLUMNS
from lien.text import fold

__all__ = [
    "FIELDS",
    "MUST_MAP",
    "SYNONYMS",
    "guess_mapping",
    "header_score",
    "to_schema",
    "trailing_place",
]

FIELDS: tuple[str, ...] = SCHEMA_COLUMNS
# Nothing sensible can stand in for these when a file lacks them.
MUST_MAP: tuple[str, ...] = ("organisation", "services")
# Column titles seen in Belgian directories, in FR/NL/EN, compared without case or accents.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "site_id": ("site id", "id site", "location id"),
    "org_id": ("org id", "organisation id", "organization id", "id organisation", "id"),
    "organisation": (
        "organisation",
        "organization",
        "nom",
        "naam",
        "name",
        "organisme",
        "association",
        "asbl",
        "vzw",
        "organisatie",
        "nom de l organisation",
        "naam organisatie",
        "structure",
    ),
    "site": (
        "site",
        "lieu",
        "locatie",
        "vestiging",
        "antenne",
        "location",
        "implantation",
        "nom du site",
        "naam locatie",
    ),
    "address": (
        "address",
        "adresse",
        "adres",
        "rue",
        "straat",
        "street",
        "street address",
        "adresse postale",
        "straat en nummer",
    ),
    "postcode": (
        "postcode",
        "code postal",
        "cp",
        "postal code",
        "zip",
        "zip code",
        "post code",
        "postnummer",
        "code",
    ),
    "city": (
        "city",
        "ville",
        "commune",
        "localite",
        "gemeente",
        "stad",
        "plaats",
        "town",
        "municipality",
        "woonplaats",
        "locality",
    ),
    "latitude": ("latitude", "lat", "breedtegraad", "y"),
    "longitude": ("longitude", "lon", "lng", "long", "lengtegraad", "x"),
    "precision": ("precision", "precisie"),
    "services": (
        "services",
        "service",
        "diensten",
        "dienst",
        "type de service",
        "types de services",
        "aide",
        "aides",
        "offre",
        "aanbod",
        "categorie",
        "categories",
        "category",
    ),
    "audiences": (
        "audiences",
        "audience",
        "public",
        "publics",
        "public cible",
        "doelgroep",
        "doelgroepen",
        "target group",
        "beneficiaires",
    ),
    "languages": (
        "languages",
        "language",
        "langues",
        "langue",
        "talen",
        "taal",
        "langues parlees",
        "gesproken talen",
    ),
    "hours": (
        "hours",
        "horaires",
        "horaire",
        "heures d ouverture",
        "openingsuren",
        "openingstijden",
        "opening hours",
        "permanences",
    ),
    "phone": (
        "phone",
        "telephone",
        "tel",
        "telefoon",
        "gsm",
        "phone number",
        "numero de telephone",
        "telefoonnummer",
    ),
    "fax": ("fax",),
    "email": ("email", "e mail", "courriel", "mail", "e mailadres", "adresse e mail", "emailadres"),
    "website": (
        "website",
        "site web",
        "site internet",
        "url",
        "web",
        "webpagina",
        "internet",
        "webadres",
    ),
    "contact_person": ("contact person", "personne de contact", "contactpersoon", "contact"),
    "description": (
        "description",
        "beschrijving",
        "omschrijving",
        "activites",
        "activiteiten",
        "about",
    ),
    "notes": ("notes", "remarques", "opmerkingen", "remarks", "commentaire"),
    "source": ("source", "bron"),
    "source_date": (
        "source date",
        "date",
        "datum",
        "date de la source",
        "brondatum",
        "mise a jour",
        "updated",
    ),
}
_POSTCODE_TOKEN = re.compile(r"\d{4}")
_DIGIT = re.compile(r"\d")
_SLUG_PART = re.compile(r"[^a-z0-9]+")
# Items are split at the separator and trimmed afterwards: a pattern with "\s*" on both sides
# of the separator backtracks quadratically over a long run of spaces.
_LIST_SEPARATORS = re.compile(r"[;,|/\n]")


def guess_mapping(columns: Iterable[str]) -> dict[str, str]:
    """Lien field -> uploaded column, for the columns whose title obviously names a field."""
    by_fold: dict[str, str] = {}
    for column in columns:
        by_fold.setdefault(fold(column).replace("_", " "), column)
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    # Exact field names first, so a file already in Lien's schema maps onto itself.
    for name in FIELDS:
        exact = by_fold.get(name.replace("_", " "))
        if exact is not None:
            mapping[name] = exact
            taken.add(exact)
    for name in FIELDS:
        if name in mapping:
            continue
        for synonym in SYNONYMS.get(name, ()):
            match = by_fold.get(synonym)
            if match is not None and match not in taken:
                mapping[name] = match
                taken.add(match)
                break
    return mapping


def header_score(cells: list[str]) -> int:
    """How many of Lien's fields a row's cells name: the row of a file's column names scores
    best, a title above it or a row of data hardly at all."""
    return len(guess_mapping(cells))


def _slug(text: str) -> str:
    return _SLUG_PART.sub("-", fold(text)).strip("-")[:60]


def _items(value: str) -> list[str]:
    return [item for item in (part.strip() for part in _LIST_SEPARATORS.split(value)) if item]


def _codes(value: str, vocabulary: taxonomy.Vocabulary) -> str:
    """'Logement, Legal aid, Tout public' -> 'housing;legal_aid;…': the codes free text names in
    FR/NL/EN (lien.taxonomy, Vocabulary.read); the parts that name none are kept, as written,
    for the report."""
    codes, unknown = vocabulary.read(value)
    return ";".join((*codes, *unknown))


def trailing_place(address: str) -> tuple[str, str] | None:
    """('1000', 'Bruxelles') from 'Rue Haute 1, 1000 Bruxelles': a postcode and a town that end
    a one-cell address. Linear in the address: its last part is split into words once."""
    last = address.replace(";", ",").rsplit(",", 1)[-1]
    words = last.split()
    for i in range(len(words) - 1, -1, -1):
        if _POSTCODE_TOKEN.fullmatch(words[i]):
            town = words[i + 1 :]
            return (words[i], " ".join(town)) if town else None
        if _DIGIT.search(words[i]):
            return None
    return None


def _languages(value: str) -> str:
    items = _items(value)
    return ";".join(item.lower() if taxonomy.is_language(item.lower()) else item for item in items)


def _precision(address: str, postcode: str, city: str) -> str:
    if address and (postcode or city):
        return "address"
    if postcode:
        return "postcode"
    return "locality" if city else "national"


def to_schema(
    raw: pd.DataFrame, mapping: Mapping[str, str], source_name: str
) -> tuple[pd.DataFrame, list[Problem], list[Problem]]:
    """The uploaded rows in Lien's schema, with file-level problems and notes on what was filled."""
    problems = [
        problem(None, name, "unmapped_column") for name in MUST_MAP if not mapping.get(name)
    ]
    notes: list[Problem] = []
    used = {c for c in mapping.values() if c}
    extra = [c for c in raw.columns if c != "row" and c not in used]
    if extra:
        notes.append(
            problem(None, "file", "extra_columns_note", columns=", ".join(repr(c) for c in extra))
        )
    out = pd.DataFrame({"row": raw["row"].to_numpy()})
    for name in FIELDS:
        column = mapping.get(name)
        out[name] = raw[column].to_numpy() if column in raw else ""
    out = out.astype({name: object for name in FIELDS})

    # A one-cell address often ends with "1000 Bruxelles": keep the parts the file actually has.
    missing_place = (out["postcode"] == "") & (out["city"] == "") & (out["address"] != "")
    for idx in out.index[missing_place]:
        found = trailing_place(out.at[idx, "address"])
        if found:
            out.at[idx, "postcode"], out.at[idx, "city"] = found

    out["services"] = out["services"].map(lambda v: _codes(v, taxonomy.services()))
    out["audiences"] = out["audiences"].map(lambda v: _codes(v, taxonomy.audiences()))
    out["languages"] = out["languages"].map(_languages)
    slugs = out["organisation"].map(_slug)
    # Names without Latin letters get a numbered id, one per distinct name.
    numbered = {
        name: f"org-{i}"
        for i, name in enumerate(dict.fromkeys(out["organisation"][slugs == ""]), start=1)
    }
    slugs = slugs.where(slugs != "", out["organisation"].map(numbered.get))
    out["org_id"] = out["org_id"].where(out["org_id"] != "", slugs.fillna(""))
    out["site_id"] = out["site_id"].where(out["site_id"] != "", site_numbers(out["org_id"]))
    out["site"] = out["site"].where(
        out["site"] != "", out["city"].where(out["city"] != "", out["organisation"])
    )
    inferred = [
        _precision(a, p, c)
        for a, p, c in zip(out["address"], out["postcode"], out["city"], strict=True)
    ]
    out["precision"] = out["precision"].where(out["precision"] != "", pd.Series(inferred))
    out["source"] = out["source"].where(out["source"] != "", source_name)
    return out, problems, notes
