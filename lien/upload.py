"""Bring your own directory: map an uploaded table's columns onto Lien's schema, check and place it.

Nothing here writes a file: an upload lives in the memory of the session that sent it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Mapping

import pandas as pd

from lien import directory, filters, tabular, taxonomy
from lien.directory import LoadResult, Progress
from lien.export import SCHEMA_COLUMNS
from lien.gazetteer import Gazetteer
from lien.problems import DirectoryError, Problem, ProblemList, collect, problem
from lien.tabular import MAX_UPLOAD_MB, MB, Table
from lien.text import fold

FIELDS: tuple[str, ...] = SCHEMA_COLUMNS
# Nothing sensible can stand in for these when a file lacks them.
MUST_MAP: tuple[str, ...] = ("organisation", "services")
# Column titles seen in Belgian directories, in FR/NL/EN, compared without case or accents.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "site_id": ("site id", "id site", "location id"),
    "org_id": ("org id", "organisation id", "organization id", "id organisation", "id"),
    "organisation": ("organisation", "organization", "nom", "naam", "name", "organisme",
                     "association", "asbl", "vzw", "organisatie", "nom de l organisation",
                     "naam organisatie", "structure"),
    "site": ("site", "lieu", "locatie", "vestiging", "antenne", "location", "implantation",
             "nom du site", "naam locatie"),
    "address": ("address", "adresse", "adres", "rue", "straat", "street", "street address",
                "adresse postale", "straat en nummer"),
    "postcode": ("postcode", "code postal", "cp", "postal code", "zip", "zip code", "post code",
                 "postnummer", "code"),
    "city": ("city", "ville", "commune", "localite", "gemeente", "stad", "plaats", "town",
             "municipality", "woonplaats", "locality"),
    "latitude": ("latitude", "lat", "breedtegraad", "y"),
    "longitude": ("longitude", "lon", "lng", "long", "lengtegraad", "x"),
    "precision": ("precision", "precisie"),
    "services": ("services", "service", "diensten", "dienst", "type de service",
                 "types de services", "aide", "aides", "offre", "aanbod", "categorie",
                 "categories", "category"),
    "audiences": ("audiences", "audience", "public", "publics", "public cible", "doelgroep",
                  "doelgroepen", "target group", "beneficiaires"),
    "languages": ("languages", "language", "langues", "langue", "talen", "taal",
                  "langues parlees", "gesproken talen"),
    "hours": ("hours", "horaires", "horaire", "heures d ouverture", "openingsuren",
              "openingstijden", "opening hours", "permanences"),
    "phone": ("phone", "telephone", "tel", "telefoon", "gsm", "phone number",
              "numero de telephone", "telefoonnummer"),
    "fax": ("fax",),
    "email": ("email", "e mail", "courriel", "mail", "e mailadres", "adresse e mail",
              "emailadres"),
    "website": ("website", "site web", "site internet", "url", "web", "webpagina", "internet",
                "webadres"),
    "contact_person": ("contact person", "personne de contact", "contactpersoon", "contact"),
    "description": ("description", "beschrijving", "omschrijving", "activites", "activiteiten",
                    "about"),
    "notes": ("notes", "remarques", "opmerkingen", "remarks", "commentaire"),
    "source": ("source", "bron"),
    "source_date": ("source date", "date", "datum", "date de la source", "brondatum",
                    "mise a jour", "updated"),
}
_POSTCODE_TOKEN = re.compile(r"\d{4}")
_DIGIT = re.compile(r"\d")
_SLUG_PART = re.compile(r"[^a-z0-9]+")
# Items are split at the separator and trimmed afterwards: a pattern with "\s*" on both sides
# of the separator backtracks quadratically over a long run of spaces.
_LIST_SEPARATORS = re.compile(r"[;,|/\n]")


def read_file(data: bytes, name: str, *, sheet: str | None = None,
              max_mb: float = MAX_UPLOAD_MB) -> Table:
    """An uploaded table (CSV, XLSX) or Open Referral HSDS zip; raises DirectoryError if unreadable."""
    # Imported here: lien.hsds builds its import on this module.
    from lien import hsds

    if len(data) <= max_mb * MB and hsds.is_hsds_zip(data):
        return Table(hsds.import_zip(data, name))
    return tabular.read_bytes(data, name, sheet=sheet, max_mb=max_mb)


def guess_mapping(columns: Iterable[str]) -> dict[str, str]:
    """Lien field -> uploaded column, for the columns whose title obviously names a field."""
    by_fold: dict[str, str] = {}
    for column in columns:
        by_fold.setdefault(fold(column).replace("_", " "), column)
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    # Exact field names first, so a file already in Lien's schema maps onto itself.
    for name in FIELDS:
        column = by_fold.get(name.replace("_", " "))
        if column is not None:
            mapping[name], _ = column, taken.add(column)
    for name in FIELDS:
        if name in mapping:
            continue
        for synonym in SYNONYMS.get(name, ()):
            column = by_fold.get(synonym)
            if column is not None and column not in taken:
                mapping[name] = column
                taken.add(column)
                break
    return mapping


def _slug(text: str) -> str:
    return _SLUG_PART.sub("-", fold(text)).strip("-")[:60]


def _items(value: str) -> list[str]:
    return [item for item in (part.strip() for part in _LIST_SEPARATORS.split(value)) if item]


def _codes(value: str, vocabulary: taxonomy.Vocabulary) -> str:
    """'Logement, Legal aid' -> 'housing;legal_aid'; unknown items are kept for the report."""
    return ";".join(vocabulary.code_for(item) or item for item in _items(value))


def trailing_place(address: str) -> tuple[str, str] | None:
    """('1000', 'Bruxelles') from 'Rue Haute 1, 1000 Bruxelles': a postcode and a town that end
    a one-cell address. Linear in the address: its last part is split into words once."""
    last = address.replace(";", ",").rsplit(",", 1)[-1]
    words = last.split()
    for i in range(len(words) - 1, -1, -1):
        if _POSTCODE_TOKEN.fullmatch(words[i]):
            town = words[i + 1:]
            return (words[i], " ".join(town)) if town else None
        if _DIGIT.search(words[i]):
            return None
    return None


def _languages(value: str) -> str:
    items = _items(value)
    return ";".join(item.lower() if taxonomy.is_language(item.lower()) else item
                    for item in items)


def _precision(address: str, postcode: str, city: str) -> str:
    if address and (postcode or city):
        return "address"
    if postcode:
        return "postcode"
    return "locality" if city else "national"


def to_schema(raw: pd.DataFrame, mapping: Mapping[str, str], source_name: str
              ) -> tuple[pd.DataFrame, list[Problem], list[Problem]]:
    """The uploaded rows in Lien's schema, with file-level problems and notes on what was filled."""
    problems = [problem(None, name, "missing_column") for name in MUST_MAP if not mapping.get(name)]
    notes: list[Problem] = []
    used = {c for c in mapping.values() if c}
    extra = [c for c in raw.columns if c != "row" and c not in used]
    if extra:
        notes.append(problem(None, "file", "extra_columns_note",
                             columns=", ".join(repr(c) for c in extra)))
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
    numbered = {name: f"org-{i}" for i, name in
                enumerate(dict.fromkeys(out["organisation"][slugs == ""]), start=1)}
    slugs = slugs.where(slugs != "", out["organisation"].map(numbered.get))
    out["org_id"] = out["org_id"].where(out["org_id"] != "", slugs.fillna(""))
    out["site_id"] = out["site_id"].where(out["site_id"] != "",
                                          directory.site_numbers(out["org_id"]))
    out["site"] = out["site"].where(out["site"] != "", out["city"].where(out["city"] != "",
                                                                         out["organisation"]))
    inferred = [_precision(a, p, c) for a, p, c in zip(out["address"], out["postcode"],
                                                      out["city"])]
    out["precision"] = out["precision"].where(out["precision"] != "", pd.Series(inferred))
    out["source"] = out["source"].where(out["source"] != "", source_name)
    return out, problems, notes


@dataclass
class Upload:
    """An uploaded directory after checking: the kept rows placed and prepared, what was said, and
    the rows set aside as they were uploaded. It is all a session keeps of an upload."""

    name: str
    frame: pd.DataFrame
    problems: ProblemList = field(default_factory=ProblemList)
    notes: list[Problem] = field(default_factory=list)
    rejected: pd.DataFrame = field(default_factory=pd.DataFrame)
    rows_read: int = 0
    # What the Data page needs to offer the column mapping again, without the file.
    columns: list[str] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)
    sheet: str = ""
    mapping: dict[str, str] = field(default_factory=dict)

    @property
    def refused(self) -> bool:
        """Whether the file as a whole was refused (a file-level problem)."""
        return self.problems.file_level or any(p.row is None for p in self.problems)


def process(table: Table, mapping: Mapping[str, str], name: str,
            gazetteer: Gazetteer | None = None, progress: Progress | None = None) -> Upload:
    """Map, validate and place an uploaded table; the rows with problems are set aside, not lost."""
    frame, problems, notes = to_schema(table.frame, mapping, name)
    if problems:
        found = collect([*problems, *table.problems])
        result = LoadResult(frame.iloc[0:0], found, list(frame["row"]))
    else:
        result = directory.check(directory.complete(frame), gazetteer, progress,
                                 extra=table.problems)
    checked = collect(result.problems)
    raw = table.frame[table.frame["row"].isin(checked.bad_rows)]
    if len(table.set_aside):
        raw = pd.concat([raw, table.set_aside], ignore_index=True).fillna("")
        raw = raw.sort_values("row", kind="stable")
    # Prepared once here, for the preview and then for every page of the session.
    return Upload(name, filters.prepare(result.frame), checked, [*table.notes, *notes],
                  raw.reset_index(drop=True), len(table.frame) + len(table.set_aside),
                  columns=[c for c in table.frame.columns if c != "row"], sheets=table.sheets,
                  sheet=table.sheet, mapping=dict(mapping))


def rejected_rows(upload: Upload, lang: str = "en") -> pd.DataFrame:
    """The uploaded rows that were set aside, as uploaded, with their problems in a last column."""
    by_row = upload.problems.of_row()
    out = upload.rejected.copy()
    out["problems"] = [" | ".join(f"{p.field}: {p.text(lang)}" for p in by_row.get(r, []))
                       for r in out["row"]]
    return out


@dataclass
class Refusal:
    """The upload could not be read at all: why, as file-level problems."""

    name: str
    problems: list[Problem]


def check_upload(data: bytes, name: str, sheet: str | None = None,
                 mapping: Mapping[str, str] | None = None, *,
                 progress: Progress | None = None) -> Upload | Refusal:
    """Read, map (the given mapping, else the guessed one), check and place an upload.

    The whole of an upload's handling, run in a bounded worker (lien.worker): nothing here is
    shared with the server but what it returns.
    """
    try:
        table = read_file(data, name, sheet=sheet)
    except DirectoryError as exc:
        return Refusal(name, list(exc.problems))
    columns = [c for c in table.frame.columns if c != "row"]
    chosen = dict(mapping) if mapping is not None else guess_mapping(columns)
    chosen = {k: v for k, v in chosen.items() if v in columns}
    return process(table, chosen, name, progress=progress)


def cleaned(frame: pd.DataFrame) -> pd.DataFrame:
    """The kept rows in Lien's schema, with the coordinates found: a file Lien loads as it is."""
    out = frame[[c for c in FIELDS if c in frame]].copy()
    for name in ("latitude", "longitude"):
        out[name] = pd.to_numeric(frame[name], errors="coerce").round(6)
    # A street address placed offline sits at its postcode: the file must not claim more.
    geocoded = frame.get("coord_source", pd.Series("", index=frame.index)) == "geocoded"
    out.loc[geocoded, "precision"] = frame.loc[geocoded, "coord_precision"]
    return out


__all__ = ["FIELDS", "MAX_UPLOAD_MB", "MUST_MAP", "SYNONYMS", "Refusal", "Upload",
           "check_upload", "cleaned", "guess_mapping", "process", "read_file", "rejected_rows",
           "to_schema", "trailing_place"]
