"""The interface's texts in twelve languages (FR default), and its numbers and dates, in the
visitor's language; which of them write right to left, and which texts no fluent speaker has
reviewed yet.

The texts are gettext catalogues, locale/<lang>/LC_MESSAGES/lien.po: each msgid is a key the code
names literally (`t("title")`, `tn("refused", n)`, or `N_("…")` where a key is kept for later, so
that Babel's extraction finds every one), each msgstr its text, with str.format fields such as
{count}. `python -m lien.i18n` (make catalogues) compiles each .po to the .mo beside it; a missing
or stale .mo is replaced by reading the .po with Babel, once per process, so a fresh checkout and
the tests need no build step. Taxonomy labels live in data/.

A translation no fluent speaker has reviewed is a `fuzzy` entry (as Weblate marks it): it is
compiled and shown all the same, and the page says so (`reviewed_share`). Babel leaves fuzzy
entries out of a .mo by default, so every compilation here asks for them.
"""

from __future__ import annotations

import datetime
import gettext
import io
import operator
import os
import tempfile
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import SupportsIndex

from babel.dates import format_date, format_skeleton
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent

# The interface's languages, French first: Belgium's three official languages, English, and the
# languages Fedasil informs asylum seekers in (Persian is read by Dari speakers too).
LANGS: tuple[str, ...] = ("fr", "nl", "en", "de", "ar", "fa", "ps", "ti", "uk", "ru", "tr", "so")
DEFAULT_LANG = "fr"
# Each language in its own name, as the picker shows it.
LANGUAGE_NAMES: dict[str, str] = {
    "fr": "Français",
    "nl": "Nederlands",
    "en": "English",
    "de": "Deutsch",
    "ar": "العربية",
    "fa": "فارسی",
    "ps": "پښتو",
    "ti": "ትግርኛ",
    "uk": "Українська",
    "ru": "Русский",
    "tr": "Türkçe",
    "so": "Soomaali",
}
RIGHT_TO_LEFT: frozenset[str] = frozenset({"ar", "fa", "ps"})

DOMAIN = "lien"
LOCALE_DIR = Path(__file__).resolve().with_name("locale")
# Babel's locale for each language's numbers and dates. English is en_GB, not en_BE: CLDR's
# Belgian English writes "4,9" and "1.234", which English readers take for other numbers; its
# dates are en_GB's.
# Babel formats every number with Latin digits, as phone numbers and postcodes are written.
LOCALES: dict[str, str] = {
    "fr": "fr_BE",
    "nl": "nl_BE",
    "en": "en_GB",
    "de": "de_BE",
    "ar": "ar",
    "fa": "fa",
    "ps": "ps",
    "ti": "ti_ER",
    "uk": "uk_UA",
    "ru": "ru",
    "tr": "tr",
    "so": "so",
}
# "23 novembre 2026" rather than "23/11/26": a printed page is read later, and by people used to
# other orders of day and month.
DATE_FORMAT = "long"


def N_(key: str) -> str:  # noqa: N802 - gettext's conventional name, known to extractors
    """Marks a key for extraction where it is kept for later (gettext's noop); returns it as is."""
    return key


def normalise_lang(lang: str | None) -> str:
    """A supported language code, French when unknown."""
    return lang if lang in LANGS else DEFAULT_LANG


# A browser's language tags that name one of Lien's languages by another code: Dari (prs) reads
# the Persian interface, Southern and Northern Pashto (pbu, pst) the Pashto one.
_SAME_AS: dict[str, str] = {"prs": "fa", "pbu": "ps", "pst": "ps"}


def from_locale(tag: str | None) -> str | None:
    """The language of Lien's for a browser's language tag ("ar-EG" -> "ar", "prs-AF" -> "fa"),
    None when Lien does not have it or there is no tag."""
    if not tag:
        return None
    primary = tag.replace("_", "-").split("-", 1)[0].strip().lower()
    primary = _SAME_AS.get(primary, primary)
    return primary if primary in LANGS else None


def direction(lang: str) -> str:
    """ "rtl" for a language written right to left, else "ltr": HTML's `dir` values."""
    return "rtl" if normalise_lang(lang) in RIGHT_TO_LEFT else "ltr"


# Unicode's isolates (LRI … PDI): a phone number, postcode, e-mail or web address inside
# right-to-left text keeps its own left-to-right order ("02 533 39 84", never "84 39 533 02")
# and does not reorder the words around it.
_LRI, _PDI = "\u2066", "\u2069"


# Arabic script separates the items of a list with the Arabic comma (U+060C).
_LIST_SEPARATORS = {"ar": "، ", "fa": "، ", "ps": "، "}


def listed(items: Iterable[str], lang: str) -> str:
    """`items` as `lang` separates a list: "a, b", or "a، b" in Arabic, Persian and Pashto."""
    return _LIST_SEPARATORS.get(normalise_lang(lang), ", ").join(items)


def left_to_right(text: str, lang: str) -> str:
    """`text` isolated as left to right when `lang` writes right to left; as is otherwise, so that
    left-to-right pages and their files carry no invisible characters."""
    return f"{_LRI}{text}{_PDI}" if text and direction(lang) == "rtl" else text


# --- catalogues ----------------------------------------------------------------------------------


def po_path(lang: str) -> Path:
    """The catalogue of `lang`, as edited: locale/<lang>/LC_MESSAGES/lien.po."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalogue(po: Path) -> Catalog:
    """A .po file as Babel reads it; a malformed entry is an error."""
    with po.open("rb") as source:
        return read_po(source, locale=po.parent.parent.name, domain=DOMAIN, abort_invalid=True)


def compile_po(po: Path) -> bytes:
    """The .mo form of a .po file, read and written by Babel; a malformed entry is an error."""
    catalog = read_catalogue(po)
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=True)  # unreviewed, shown and said so (the module's doc)
    return out.getvalue()


def compile_catalogues(root: Path | None = None) -> list[Path]:
    """Compile every locale/*/LC_MESSAGES/*.po (under `root`, LOCALE_DIR by default) to the .mo
    beside it; returns the .mo files written.

    Each .mo is written to a temporary file and renamed, so a running server never reads half a
    file."""
    written = []
    for po in sorted((root or LOCALE_DIR).glob("*/LC_MESSAGES/*.po")):
        data = compile_po(po)
        mo = po.with_suffix(".mo")
        fd, tmp = tempfile.mkstemp(dir=mo.parent, prefix=".", suffix=".mo")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(tmp, mo)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        written.append(mo)
    return written


def reviewed(catalog: Catalog) -> tuple[int, int]:
    """(reviewed, all): how many of the catalogue's texts a fluent speaker has reviewed (those not
    marked fuzzy), header left out."""
    texts = [message for message in catalog if message.id]
    return sum(not message.fuzzy for message in texts), len(texts)


@cache
def reviewed_share(lang: str) -> float:
    """The share of `lang`'s interface texts a fluent speaker has reviewed, from 0 to 1."""
    done, total = reviewed(read_catalogue(po_path(normalise_lang(lang))))
    return done / total if total else 1.0


class _Catalogue(gettext.GNUTranslations):
    """A compiled catalogue that is strict where gettext is lenient: a key it lacks is a KeyError
    (gettext would show the key itself) and a plural entry is no single text (gettext would give
    its singular form)."""

    # GNUTranslations' parsed entries (as babel.support.Translations uses them): text by key,
    # and by (key, form) for plural entries.
    _catalog: dict[str | tuple[str, int], str]
    plural: Callable[[int], int]  # the header's Plural-Forms rule: count -> form

    def gettext(self, message: str) -> str:
        text = self._catalog.get(message) if message else None  # "" is the header
        if isinstance(text, str):
            return text
        if (message, 0) in self._catalog:
            raise KeyError(f"{message!r} is a plural text: use tn({message!r}, count)")
        raise KeyError(message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        text = self._catalog.get((msgid1, self.plural(n)))
        if isinstance(text, str):
            return text
        if msgid1 in self._catalog:
            raise KeyError(f"{msgid1!r} is a single text: use t({msgid1!r})")
        raise KeyError(msgid1)


@cache
def translations(lang: str) -> _Catalogue:
    """The catalogue of `lang`: its .mo, or its .po when the .mo is missing or older."""
    po = po_path(lang)
    mo = po.with_suffix(".mo")
    try:
        fresh = not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime
    except FileNotFoundError:
        fresh = False
    return _Catalogue(io.BytesIO(mo.read_bytes() if fresh else compile_po(po)))


def _filled(key: str, text: str, values: dict[str, object]) -> str:
    """`text` with its {fields} filled from `values`. A field left without a value is an error,
    never a "{service}" printed raw in front of a visitor or on a PDF."""
    try:
        return text.format(**values)
    except KeyError as missing:
        raise KeyError(f"{key!r} needs a value for {{{missing.args[0]}}}") from None


def t(key: str, lang: str = DEFAULT_LANG, **values: object) -> str:
    """The text for `key` in `lang`, formatted with `values`; a missing key, or a {field} of the
    text without a value, raises KeyError."""
    return _filled(key, translations(normalise_lang(lang)).gettext(key), values)


def tn(key: str, count: SupportsIndex, /, lang: str = DEFAULT_LANG, **values: object) -> str:
    """The form of `key` for `count` in `lang` (gettext's ngettext: French says "1 site" and
    "0 site", Dutch and English "0 sites"), formatted with `values` and with `count` as {count}
    unless `values` gives another one ("1 200"); a {field} without a value raises KeyError."""
    n = operator.index(count)  # an int (a numpy count too), never a float
    text = translations(normalise_lang(lang)).ngettext(key, key, n)
    values.setdefault("count", count)
    return _filled(key, text, values)


# --- numbers and dates ---------------------------------------------------------------------------


def number(value: float, lang: str, decimals: int | None = None) -> str:
    """`value` as `lang` writes it ("4,9" in French and Dutch, "4.9" in English): with exactly
    `decimals` decimals, or with at most three and no useless zeros when None."""
    pattern = None if decimals is None else "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=LOCALES[normalise_lang(lang)])


def percent(value: float, lang: str) -> str:
    """A share (0.25) as a whole percentage in `lang`: "25 %" in French, "25%" otherwise."""
    return format_percent(value, locale=LOCALES[normalise_lang(lang)])


def date(day: datetime.date, lang: str) -> str:
    """A day as `lang` writes it in full: "23 novembre 2026", "23 november 2026"."""
    return format_date(day, format=DATE_FORMAT, locale=LOCALES[normalise_lang(lang)])


def month(day: datetime.date, lang: str) -> str:
    """The month of `day` as `lang` writes it: "juin 2016", "juni 2016", "June 2016"; CLDR's
    skeleton, so Ukrainian and Russian name the month itself ("червень 2016"), not "of June"."""
    return format_skeleton("yMMMM", day, locale=LOCALES[normalise_lang(lang)])
