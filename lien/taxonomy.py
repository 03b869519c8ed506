"""The one taxonomy: service categories, services and audiences (codes with FR/NL/EN labels and
synonyms, all in data/), and language codes (ISO 639, named by pycountry).

A cell of free text from a file becomes codes (Vocabulary.read): it is split into parts at
"," ";" "/" "+" and line breaks, and each part is read as a code, label or synonym compared
without case, accents, punctuation or a plural "s"; else as a close enough spelling of one
(rapidfuzz), unless two codes are as close; else as parts joined by "en", "et", "and" or "&";
else word by word, as the longest name it holds ("taallessen NT2" holds "taallessen" and "NT2",
both language classes; "begeleiding niet-begeleide minderjarigen" holds the name of the minors'
service, longer than the bare "begeleiding"). A part that holds a word of some names but no
whole one, or two names of as many words, is honestly unsure: it gets a suggestion
(Vocabulary.suggest) for the report, never a code.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rapidfuzz import fuzz, process

from lien.config import AUDIENCES_CSV, CATEGORIES_CSV, LABEL_GROUPS_CSV, SERVICES_CSV
from lien.i18n import LANGS
from lien.schema import split_codes
from lien.text import fold

# Scores (0-100) between a label and a known name, both as name_key()s, by rapidfuzz's ratio
# (edit distance). A label is the name it scores ACCEPT or more with: "Logment" scores 93 against
# "logement". A name it scores SUGGEST or more with is only offered as "did you mean".
ACCEPT = 90.0
SUGGEST = 85.0
# A second code this close to the best one makes a label ambiguous: suggested, never accepted.
AMBIGUOUS = 3.0
# At most this many codes are suggested for one label.
MAX_SUGGESTED = 3
# Labels matched per vocabulary are remembered (files repeat them); longer texts are not.
_MEMO_SIZE = 10_000
_MEMO_CHARS = 200
# A word of a label stands for a word of a name it scores WORD_ACCEPT or more with (ratio):
# "taalessen" for "taallessen", "psychologisch" for "psychologische". Shorter words than
# _FUZZY_WORD must be exact ("NT2", "werk"), and a word is compared with at most _WORD_LIMIT.
WORD_ACCEPT = 90.0
_FUZZY_WORD = 5
_WORD_LIMIT = 5
# A part with more words than this is a sentence, not a label: it is not read word by word.
_MAX_WORDS = 30
# Words that join or place a name and never name a service or an audience: they suggest nothing.
_MINOR_WORDS = frozenset(
    [
        "a",
        "à",
        "au",
        "aux",
        "d",
        "de",
        "des",
        "du",
        "en",
        "et",
        "and",
        "&",
        "for",
        "het",
        "in",
        "l",
        "la",
        "le",
        "les",
        "met",
        "of",
        "op",
        "pour",
        "the",
        "van",
        "voor",
    ]
)
# Several labels in one cell, and two labels joined by a conjunction in one part.
_PARTS = re.compile(r"[;,|/+\n]")
_CONJUNCTION = re.compile(r"\s(?:en|et|and|&)\s", re.IGNORECASE)


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
        self._memo: dict[tuple[str, bool], tuple[tuple[str, ...], tuple[str, ...]]] = {}
        # Names by their first word, and the code sets of the names holding each word.
        self._by_first: dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]] = {}
        self._by_word: dict[str, list[tuple[str, ...]]] = {}
        for key, codes in by_key.items():
            words = tuple(key.split())
            self._by_first.setdefault(words[0], []).append((words, codes))
            for word in set(words) - _MINOR_WORDS:
                self._by_word.setdefault(word, []).append(codes)
        self._words = list(self._by_word)
        self._same: dict[str, frozenset[str]] = {}

    @classmethod
    def from_csv(cls, name: str, path: Path, groups_path: Path | None = None) -> Vocabulary:
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
        """The codes a code, label, synonym or group label stands for, a close spelling of one
        ("Logment" -> housing), or what a cell of free text names (see read); () when nothing is
        close enough or two codes are as close."""
        if text in self.terms:
            return (text,)
        return self.read(text)[0]

    def code_for(self, text: str) -> str | None:
        """The one code `text` stands for; None if unknown or if it stands for several."""
        codes = self.codes_for(text)
        return codes[0] if len(codes) == 1 else None

    def read(self, text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(the codes a cell of free text names, its parts that name none, as written):
        "juridisch advies, huisvesting" -> legal_aid and housing; "taallessen en tolken" ->
        language classes, and "tolken" not understood."""
        if text in self.terms:
            return (text,), ()
        codes: list[str] = []
        unknown: list[str] = []
        for part in (p.strip() for p in _PARTS.split(text)):
            if not part:
                continue
            found = self._match(part, False)[0]
            pieces = [] if found else [p.strip() for p in _CONJUNCTION.split(part) if p.strip()]
            if len(pieces) > 1:
                read = [(piece, self._match(piece, True)[0]) for piece in pieces]
                if any(piece_codes for _, piece_codes in read):
                    for piece, piece_codes in read:
                        codes.extend(piece_codes) if piece_codes else unknown.append(piece)
                    continue
            found = found or self._match(part, True)[0]
            codes.extend(found) if found else unknown.append(part)
        return tuple(dict.fromkeys(codes)), tuple(dict.fromkeys(unknown))

    def suggest(self, text: str) -> tuple[str, ...]:
        """The codes of the names nearest to a part no name was found in, for a "did you mean":
        () when nothing is near enough to be worth asking."""
        return self._match(text, True)[1]

    def _match(self, text: str, words: bool) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(accepted codes, suggested codes) for one part, word by word if `words`; remembered
        for short labels."""
        found = self._memo.get((text, words))
        if found is None:
            found = self._lookup(name_key(text), words)
            if len(text) <= _MEMO_CHARS and len(self._memo) < _MEMO_SIZE:
                self._memo[(text, words)] = found
        return found

    def _lookup(self, key: str, words: bool) -> tuple[tuple[str, ...], tuple[str, ...]]:
        if not key:
            return (), ()
        if key in self._by_key:
            return self._by_key[key], self._by_key[key]
        if len(key) > 2 * self._longest and not words:
            return (), ()
        # Bounded: a few hundred names of at most a few dozen characters, and a label no longer
        # than twice the longest (bit-parallel Levenshtein, linear in the label per name).
        close = self._nearest(key, ACCEPT) if len(key) <= 2 * self._longest else []
        if len(close) == 1:
            return close[0], close[0]
        if not words:
            return (), ()
        accepted, suggested = self._by_words(key.split())
        if accepted or suggested:
            return accepted, suggested
        near = close or (self._nearest(key, SUGGEST) if len(key) <= 2 * self._longest else [])
        return (), self._few(near)

    def _few(self, near: list[tuple[str, ...]]) -> tuple[str, ...]:
        """At most MAX_SUGGESTED codes of the code sets `near`, best first; a group label ("Tout
        public") whole."""
        suggested = tuple(dict.fromkeys(c for codes in near for c in codes))
        if len(suggested) > MAX_SUGGESTED:
            return near[0] if len(near[0]) > 1 else suggested[:MAX_SUGGESTED]
        return suggested

    def _same_words(self, word: str) -> frozenset[str]:
        """The words of names that `word` stands for: itself, and close spellings of long ones."""
        found = self._same.get(word)
        if found is None:
            close = []
            if len(word) >= _FUZZY_WORD:
                close = process.extract(
                    word,
                    self._words,
                    scorer=fuzz.ratio,
                    score_cutoff=WORD_ACCEPT,
                    limit=_WORD_LIMIT,
                )
            found = frozenset([word, *(name for name, _, _ in close)])
            if len(self._same) < _MEMO_SIZE:
                self._same[word] = found
        return found

    def _by_words(self, words: list[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(accepted, suggested) from the names a part holds word by word: the codes of its
        longest names when they agree; else, unsure, the codes of the names holding one of its
        words. Linear in the words: each is compared once with the names' words."""
        if len(words) > _MAX_WORDS:
            return (), ()
        same = [self._same_words(word) for word in words]
        found: list[tuple[int, int, tuple[str, ...]]] = []
        for start, firsts in enumerate(same):
            for first in firsts:
                for name, codes in self._by_first.get(first, ()):
                    end = start + len(name)
                    if end <= len(words) and all(
                        name[k] in same[start + k] for k in range(1, len(name))
                    ):
                        found.append((start, len(name), codes))
        if found:
            # The longest names first, each taking its words; a shorter one inside or across a
            # longer one is part of it ("begeleiding" of "begeleiding niet-begeleide …").
            taken: set[int] = set()
            chosen: list[tuple[int, tuple[str, ...]]] = []
            for start, length, codes in sorted(found, key=lambda f: (-f[1], f[0])):
                span = set(range(start, start + length))
                if taken.isdisjoint(span):
                    taken |= span
                    chosen.append((length, codes))
            longest = [codes for length, codes in chosen if length == chosen[0][0]]
            tops = list(dict.fromkeys(longest))
            if len(tops) == 1:
                return tops[0], tops[0]
            return (), self._few(tops)
        # Unsure: the codes of the names holding a word of the part (a group label's aside), in
        # the vocabulary's order.
        holding = {
            codes[0]
            for word_set in same
            for word in word_set
            if word not in _MINOR_WORDS and len(word) > 3
            for codes in self._by_word.get(word, ())
            if len(codes) == 1
        }
        return (), tuple(code for code in self.terms if code in holding)[:MAX_SUGGESTED]

    def _nearest(self, key: str, cutoff: float) -> list[tuple[str, ...]]:
        """The code sets of the names scoring `cutoff` or more by rapidfuzz's ratio and within
        AMBIGUOUS of the best, best first, each once."""
        found = process.extract(key, self._keys, scorer=fuzz.ratio, score_cutoff=cutoff, limit=10)
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


# A site whose service is not stated (its category is ""): a neutral grey, none of the
# categories' colours, on the map, the PDFs' maps and their legends.
UNSTATED_COLOUR = "#999999"


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
