"""The one service and audience taxonomy (codes with FR/NL/EN labels), and language codes."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from lien.paths import AUDIENCES_CSV, SERVICES_CSV
from lien.text import fold

LANGS: tuple[str, ...] = ("fr", "nl", "en")


@dataclass(frozen=True)
class Term:
    """One code of a vocabulary with its labels and a one-line description."""

    code: str
    labels: dict[str, str]
    description: str
    category: str = ""

    def label(self, lang: str = "fr") -> str:
        """The label in `lang`, falling back to French."""
        return self.labels.get(lang) or self.labels["fr"]


class Vocabulary:
    """An ordered set of codes read from a CSV with code, label_fr, label_nl, label_en, description."""

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
            terms.append(Term(row["code"], {lang: row[f"label_{lang}"] for lang in LANGS},
                              row.get("description", ""), row.get("category", "")))
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


# Service categories colour the map: Okabe-Ito colours, distinguishable with colour-blindness.
CATEGORY_COLOURS: dict[str, str] = {
    "shelter": "#E69F00", "rights": "#0072B2", "health": "#D55E00", "learning": "#009E73",
    "community": "#CC79A7", "protection": "#000000", "material": "#56B4E9",
}


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
    """A language code's name in `lang` ('nl' in French is 'néerlandais'), from pycountry's ISO 639."""
    import gettext

    import pycountry

    record = (pycountry.languages.get(alpha_2=code) if len(code) == 2
              else pycountry.languages.get(alpha_3=code))
    if record is None:
        return code
    if lang == "en":
        return record.name
    translation = gettext.translation("iso639-3", pycountry.LOCALES_DIR, languages=[lang],
                                      fallback=True)
    return translation.gettext(record.name)


def split_codes(value: str) -> list[str]:
    """'a; b;;c ' -> ['a', 'b', 'c']: the list syntax of every multi-valued column."""
    return [part.strip() for part in str(value or "").split(";") if part.strip()]
