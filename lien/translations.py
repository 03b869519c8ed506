"""The records' own texts (description, notes, opening hours) in the visitor's language.

The brochure's records are written in French. data/translations.csv gives each text in Lien's
other languages: one row per record, field and language, with whether a fluent speaker reviewed
it, and the fingerprint of the original it translates. A record corrected since (a reviewer
published a new description) no longer matches its fingerprint: its old translation is not
shown, and the visitor reads the new original until someone translates it again. The original
stays the reference: every translated text is shown with it one tap away (lien.render.originals).
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from lien.config import DATA_DIR
from lien.i18n import LANGS
from lien.schema import text

TRANSLATIONS_CSV: Path = DATA_DIR / "translations.csv"
COLUMNS = ("site_id", "field", "lang", "text", "reviewed", "original_sha256")
FIELDS = ("description", "notes", "hours")  # the records' texts in words, worth translating
ORIGINAL_LANG = "fr"  # the language the brochure's records are written in
REVIEWED = {"yes": True, "no": False}
FINGERPRINT_CHARS = 12  # of the SHA-256's hex digest: enough to tell one text from its edit


def fingerprint(original: str) -> str:
    """The short fingerprint of an original text, as data/translations.csv records it."""
    digest = hashlib.sha256(original.strip().encode("utf-8")).hexdigest()
    return digest[:FINGERPRINT_CHARS]


@dataclass(frozen=True)
class Translation:
    """One row of data/translations.csv."""

    text: str
    reviewed: bool
    original_sha256: str


@dataclass(frozen=True)
class Shown:
    """A record's text as a visitor of one language reads it."""

    text: str  # the translation, or the original when there is none
    original: str  # the original when `text` is a translation, else ""
    reviewed: bool  # whether a fluent speaker reviewed `text` (an original needs none)

    @property
    def translated(self) -> bool:
        return bool(self.original)


Table = dict[tuple[str, str, str], Translation]


def read_table(path: Path) -> Table:
    """The translations by (site_id, field, lang). A malformed file is an error in the
    repository, so it raises, naming the row."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise ValueError(f"{path.name}: columns {reader.fieldnames}, expected {list(COLUMNS)}")
        table: Table = {}
        for number, row in enumerate(reader, start=2):
            key = (row["site_id"], row["field"], row["lang"])
            if row["field"] not in FIELDS or row["lang"] not in LANGS or not row["text"].strip():
                raise ValueError(f"{path.name} row {number}: {key!r} is no translation Lien reads")
            if row["reviewed"] not in REVIEWED:
                raise ValueError(f"{path.name} row {number}: reviewed is {row['reviewed']!r}")
            if key in table:
                raise ValueError(f"{path.name} row {number}: {key!r} is there twice")
            table[key] = Translation(
                row["text"].strip(), REVIEWED[row["reviewed"]], row["original_sha256"]
            )
    return table


@cache
def translations() -> Table:
    """data/translations.csv, read once per process (an empty table when there is none)."""
    return read_table(TRANSLATIONS_CSV) if TRANSLATIONS_CSV.exists() else {}


def translated_sites(field: str, lang: str, table: Table | None = None) -> frozenset[str]:
    """The site ids with a translation of `field` into `lang`: the rows a 100,000-row download
    needs to look up, of the few hundred the table holds."""
    rows = translations() if table is None else table
    return frozenset(site for site, f, language in rows if f == field and language == lang)


def shown(site: Mapping[str, Any], field: str, lang: str, table: Table | None = None) -> Shown:
    """`field` of a directory row as a reader of `lang` reads it: its translation when the
    table has one of this very original, else the original itself."""
    original = text(site.get(field)).strip()
    if not original or lang == ORIGINAL_LANG:
        return Shown(original, "", True)
    row = (translations() if table is None else table).get((text(site.get("site_id")), field, lang))
    if row is None or row.original_sha256 != fingerprint(original):
        return Shown(original, "", True)
    return Shown(row.text, original, row.reviewed)
