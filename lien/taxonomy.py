"""The one taxonomy: service categories, services and audiences (codes with FR/NL/EN labels and
synonyms, all in data/), and language codes (ISO 639, named by pycountry).

A label from a file becomes codes (Vocabulary.codes_for): by code, label or synonym compared
without case, accents, punctuation or a plural "s"; else by a close enough spelling (rapidfuzz),
unless two codes are as close. A label that is near one but not close enough gets a suggestion
(Vocabulary.suggest) for the report.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from lien.config import AUDIENCES_CSV, CATEGORIES_CSV, LABEL_GROUPS_CSV, SERVICES_CSV
from lien.i18n import LANGS
from lien.schema import split_codes
from lien.text import fold

# Scores (0-100) between a label and a known name, both as name_key()s. A label is the name it
# scores ACCEPT or more with by rapidfuzz's ratio (edit distance): "Logment" scores 93 against
# "logement". A name it scores SUGGEST or more with by WRatio (which also weighs a name found
# inside the label, "Réfugiés politiques" -> "réfugié") is only offered as "did you mean".
ACCEPT = 90.0
SUGGEST = 85.0
# A second code this close to the best one makes a label ambiguous: suggested, never accepted.
AMBIGUOUS = 3.0
# At most this many codes are suggested for one label.
MAX_SUGGESTED = 3
# Labels matched per vocabulary are remembered (files repeat them); longer texts are not.
_MEMO_SIZE = 10_000
_MEMO_CHARS = 200


def name_key(text: str) -> str:
    """How a label is compared: folded (case, accents, punctuation) and each word without a
    plural "s", so "Réfugiés" and "réfugié" meet. Linear in the length of `text`."""
    return " ".join(
        word[:-1] if len(word) > 3 and word.endswith("s") else word for word in fold(text).split()
    )


@dataclass(frozen=True)
class Term:
    """One code of a vocabulary with its labels, synonyms and a one-line description."""

    code: str
    labels: dict[str, str]
    description: str
    category: str = ""  # of a service: the category that colours it on the map
    colour: str = ""  # of a category: its colour (Okabe-Ito, safe for colour-blindness)
    synonyms: tuple[str, ...] = ()  # other names in FR/NL/EN, as people write them

    def label(self, lang: str = "fr") -> str:
        """The label in `lang`, falling back to French."""
        return self.labels.get(lang) or self.labels["fr"]


class Vocabulary:
    """An ordered set of codes from a CSV: code, label_fr, label_nl, label_en, description and
    optionally synonyms (`|`-separated); `groups` are labels standing for several codes."""

    def __init__(
        self,
        name: str,
        terms: list[Term],
        groups: dict[str, tuple[str, ...]] | None = None,
    ) -> None:
        self.name = name
        self.terms: dict[str, Term] = {t.code: t for t in terms}
        by_key: dict[str, tuple[str, ...]] = {}
        named = [
            (text, (t.code,)) for t in terms for text in (t.code, *t.labels.values(), *t.synonyms)
        ]
        for text, codes in [*named, *(groups or {}).items()]:
            key = name_key(text)
            if key in by_key and by_key[key] != codes:
                # A name for two things is a mistake in data/, not something to guess around.
                raise ValueError(f"{name}: {text!r} names both {by_key[key]} and {codes}")
            by_key[key] = codes
        self._by_key = by_key
        self._keys = list(by_key)
        # No name is longer: a longer label can't be close to one, and isn't compared.
        self._longest = max((len(k) for k in self._keys), default=0)
        self._memo: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}

    @classmethod
    def from_csv(cls, name: str, path: Path, groups_path: Path | None = None) -> "Vocabulary":
        """Read a vocabulary file (and the label groups of this vocabulary); a malformed file is
        an error in the repository, so it raises."""
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
                    tuple(s.strip() for s in (row.get("synonyms") or "").split("|") if s.strip()),
                )
            )
        return cls(name, terms, _groups(name, groups_path, [t.code for t in terms]))

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

    def codes_for(self, text: str) -> tuple[str, ...]:
        """The codes a code, label, synonym or group label stands for, or a close spelling of one
        ("Logment" -> housing); () when none is close enough or two are as close."""
        if text in self.terms:
            return (text,)
        return self._match(text)[0]

    def code_for(self, text: str) -> str | None:
        """The one code `text` stands for; None if unknown or if it stands for several."""
        codes = self.codes_for(text)
        return codes[0] if len(codes) == 1 else None

    def suggest(self, text: str) -> tuple[str, ...]:
        """The codes of the names nearest to an unknown label, for a "did you mean": () when
        nothing is near."""
        return self._match(text)[1]

    def _match(self, text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(accepted codes, suggested codes) for a label, remembered for short labels."""
        found = self._memo.get(text)
        if found is None:
            found = self._lookup(name_key(text))
            if len(text) <= _MEMO_CHARS and len(self._memo) < _MEMO_SIZE:
                self._memo[text] = found
        return found

    def _lookup(self, key: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        if not key:
            return (), ()
        if key in self._by_key:
            return self._by_key[key], self._by_key[key]
        if len(key) > 2 * self._longest:
            return (), ()
        # Bounded: a few hundred names of at most a few dozen characters, and a label no longer
        # than twice the longest (bit-parallel Levenshtein, linear in the label per name).
        close = self._nearest(key, fuzz.ratio, ACCEPT)
        if len(close) == 1:
            return close[0], close[0]
        near = self._nearest(key, fuzz.WRatio, SUGGEST) or close
        suggested = tuple(dict.fromkeys(c for codes in near for c in codes))
        if len(suggested) > MAX_SUGGESTED:
            # A group label ("Tout public") is suggested whole, else the nearest few codes.
            suggested = near[0] if len(near[0]) > 1 else suggested[:MAX_SUGGESTED]
        return (), suggested

    def _nearest(self, key: str, scorer: Any, cutoff: float) -> list[tuple[str, ...]]:
        """The code sets of the names scoring `cutoff` or more and within AMBIGUOUS of the best,
        best first, each once."""
        found = process.extract(key, self._keys, scorer=scorer, score_cutoff=cutoff, limit=10)
        if not found:
            return []
        best = found[0][1]
        ranked = [self._by_key[name] for name, score, _ in found if score >= best - AMBIGUOUS]
        return list(dict.fromkeys(ranked))


def _groups(vocabulary: str, path: Path | None, codes: list[str]) -> dict[str, tuple[str, ...]]:
    """Group label -> codes, from data/label_groups.csv: `*` is every code of the vocabulary."""
    if path is None or not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["vocabulary"] == vocabulary]
    groups: dict[str, tuple[str, ...]] = {}
    for row in rows:
        members = tuple(codes) if row["codes"].strip() == "*" else tuple(split_codes(row["codes"]))
        unknown = [c for c in members if c not in codes]
        if unknown:
            raise ValueError(f"{path.name}: unknown {vocabulary} code(s) {unknown}")
        for label in row["labels"].split("|"):
            if label.strip():
                groups[label.strip()] = members
    return groups


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
    return Vocabulary.from_csv("services", SERVICES_CSV, LABEL_GROUPS_CSV)


@lru_cache(maxsize=1)
def audiences() -> Vocabulary:
    """The audience taxonomy from data/audiences.csv."""
    return Vocabulary.from_csv("audiences", AUDIENCES_CSV, LABEL_GROUPS_CSV)


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
