"""The one taxonomy: service categories, services and audiences (codes with FR/NL/EN labels, all in
data/), and language codes (ISO 639, named by pycountry)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from lien.config import AUDIENCES_CSV, CATEGORIES_CSV, SERVICES_CSV
from lien.i18n import LANGS
from lien.schema import split_codes
from lien.text import fold


@dataclass(frozen=True)
class Term:
    """One code of a vocabulary with its labels and a one-line description."""

    code: str
    labels: dict[str, str]
    description: str
    category: str = ""  # of a service: the category that colours it on the map
    colour: str = ""  # of a category: its colour (Okabe-Ito, safe for colour-blindness)

    def label(self, lang: str = "fr") -> str:
        """The label in `lang`, falling back to French."""
        return self.labels.get(lang) or self.labels["fr"]


class Vocabulary:
    """An ordered set of codes from a CSV: code, label_fr, label_nl, label_en, description."""

    def __init__(self, name: str, terms: list[Term]) -> None:
        self.name = name
        self.terms: dict[str, Term] = {t.code: t for t in terms}
        self._by_name = {fold(name): t.code for t in terms for name in (t.code, *t.labels.values())}

    @classmethod
    def from_csv(cls, name: str, path: Path) -> "Vocabulary":
        """Read a vocabulary file; a malformed file is an error in the repository, so it raises."""
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        terms = []
        for number, row in enumerate(rows, start=2):
            missing = [k for k in ("code", *(f"label_{lang}" for lang in LANGS)) if not row.get(k)]
            if missing:
                raise ValueError(f"{path.name} row {number}: empty {', '.join(missing)}")
            terms.append(
                Term(
                    row["code"],
                    {lang: row[f"label_{lang}"] for lang in LANGS},
                    row.get("description", ""),
                    row.get("category", ""),
                    row.get("colour", ""),
                )
            )
        return cls(name, terms)

    @property
    def codes(self) -> list[str]:
        """The codes in file order."""
        return list(self.terms)

    def __contains__(self, code: object) -> bool:
        return code in self.terms

    def label(self, code: str, lang: str = "fr") -> str:
        """The label of a code in `lang` (the code itself if unknown)."""
        term = self.terms.get(code)
        return term.label(lang) if term else code

    def code_for(self, text: str) -> str | None:
        """The code a code or a FR/NL/EN label stands for, ignoring case and accents."""
        return text if text in self.terms else self._by_name.get(fold(text))


@lru_cache(maxsize=1)
def categories() -> Vocabulary:
    """The service categories from data/categories.csv: each with its colour on the map."""
    return Vocabulary.from_csv("categories", CATEGORIES_CSV)


def category_colours() -> dict[str, str]:
    """Category code -> colour, in file order."""
    return {code: term.colour for code, term in categories().terms.items()}


@lru_cache(maxsize=1)
def services() -> Vocabulary:
    """The service taxonomy from data/services.csv."""
    return Vocabulary.from_csv("services", SERVICES_CSV)


@lru_cache(maxsize=1)
def audiences() -> Vocabulary:
    """The audience taxonomy from data/audiences.csv."""
    return Vocabulary.from_csv("audiences", AUDIENCES_CSV)


@lru_cache(maxsize=512)
def is_language(code: str) -> bool:
    """Whether `code` is an ISO 639-1 (two-letter) or ISO 639-3 (three-letter) language code."""
    import pycountry

    if len(code) == 2:
        return pycountry.languages.get(alpha_2=code) is not None
    if len(code) == 3:
        return pycountry.languages.get(alpha_3=code) is not None
    return False


def category_of(services_cell: str) -> str:
    """The category of a site: that of its first service (services are listed main one first)."""
    codes = split_codes(services_cell)
    term = services().terms.get(codes[0]) if codes else None
    return term.category if term else ""


@lru_cache(maxsize=512)
def language_label(code: str, lang: str = "fr") -> str:
    """A language code's name in `lang` ('nl' in French is 'Néerlandais'), from ISO 639."""
    import gettext

    import pycountry

    record = (
        pycountry.languages.get(alpha_2=code)
        if len(code) == 2
        else pycountry.languages.get(alpha_3=code)
    )
    if record is None:
        return code
    if lang == "en":
        return record.name
    translation = gettext.translation(
        "iso639-3", pycountry.LOCALES_DIR, languages=[lang], fallback=True
    )
    return translation.gettext(record.name)
