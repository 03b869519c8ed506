"""t, tn, number, percent and date in the three languages."""

from __future__ import annotations

import datetime

import numpy as np
import pytest

from lien.i18n import (
    DEFAULT_LANG,
    LANGS,
    date,
    left_to_right,
    listed,
    normalise_lang,
    number,
    percent,
    t,
    tn,
)

NNBSP, NBSP = "\u202f", "\u00a0"


def shown(sites: int, orgs: int, lang: str) -> str:
    return tn("shown", sites, lang, orgs=tn("n_organisations", orgs, lang))


@pytest.mark.parametrize(
    ("lang", "sites", "orgs", "expected"),
    [
        ("fr", 1, 1, "1 site de 1 organisation affiché"),
        ("fr", 2, 1, "2 sites de 1 organisation affichés"),
        ("fr", 21, 12, "21 sites de 12 organisations affichés"),
        ("fr", 0, 0, "0 site de 0 organisation affiché"),  # French: 0 is singular
        ("nl", 1, 1, "1 locatie van 1 organisatie getoond"),
        ("nl", 0, 0, "0 locaties van 0 organisaties getoond"),  # Dutch: only 1 is singular
        ("nl", 21, 12, "21 locaties van 12 organisaties getoond"),
        ("en", 1, 1, "1 site of 1 organisation shown"),
        ("en", 0, 0, "0 sites of 0 organisations shown"),
        ("en", 21, 12, "21 sites of 12 organisations shown"),
    ],
)
def test_shown_has_a_plural_for_each_count(lang: str, sites: int, orgs: int, expected: str) -> None:
    assert shown(sites, orgs, lang) == expected


@pytest.mark.parametrize(
    ("lang", "one", "two"),
    [
        (
            "fr",
            "1 fiche masquée : elle est en cours de correction.",
            "2 fiches masquées : elles sont en cours de correction.",
        ),
        (
            "nl",
            "1 fiche verborgen: ze wordt verbeterd.",
            "2 fiches verborgen: ze worden verbeterd.",
        ),
        (
            "en",
            "1 record hidden because it is being corrected.",
            "2 records hidden because they are being corrected.",
        ),
    ],
)
def test_singular_and_plural(lang: str, one: str, two: str) -> None:
    assert tn("directory_hidden", 1, lang) == one
    assert tn("directory_hidden", 2, lang) == two


def test_tn_passes_count_unless_given_and_takes_numpy_counts() -> None:
    assert tn("handout_more_sources", 1, "fr") == "et 1 autre"
    assert tn("handout_more_sources", 3, "fr") == "et 3 autres"
    assert tn("refused", 2, "en", name="x.csv") == "The file x.csv was refused: 2 problems."
    assert tn("n_organisations", 1200, "fr", count="1 200") == "1 200 organisations"
    assert tn("n_organisations", np.int64(1), "nl") == "1 organisatie"
    with pytest.raises(TypeError):
        tn("n_organisations", 1.5, "en")  # type: ignore[arg-type]


def test_unknown_keys_raise_key_error() -> None:
    with pytest.raises(KeyError, match="no_such_key"):
        t("no_such_key", "fr")
    with pytest.raises(KeyError, match="no_such_key"):
        tn("no_such_key", 2, "nl")
    with pytest.raises(KeyError, match="'title' is a single text"):
        tn("title", 2, "en")
    with pytest.raises(KeyError, match="'refused' is a plural text"):
        t("refused", "fr")  # gettext would give its singular


def test_an_unknown_language_is_french() -> None:
    assert normalise_lang("it") == normalise_lang(None) == DEFAULT_LANG == "fr"
    assert t("filters", "it") == t("filters", "fr") == "Filtres"
    assert t("near_found", "en", place="Liège") == "Distances from Liège"
    assert t("near_found", "nl", place="Luik") == "Afstanden vanaf Luik"


@pytest.mark.parametrize(("lang", "expected"), [("fr", "4,9"), ("nl", "4,9"), ("en", "4.9")])
def test_number_writes_the_language_s_decimal_mark(lang: str, expected: str) -> None:
    assert number(4.9, lang) == expected


def test_number_decimals() -> None:
    assert [number(12.345, lang, 1) for lang in LANGS[:3]] == ["12,3", "12,3", "12.3"]
    assert [number(4.0, lang, 1) for lang in LANGS[:3]] == ["4,0", "4,0", "4.0"]
    assert number(25.0, "fr") == "25"
    assert number(2.5, "nl") == "2,5"
    assert number(7.6, "en", 0) == "8"
    assert [number(1234.5, lang, 1) for lang in LANGS[:3]] == [
        f"1{NNBSP}234,5",
        "1.234,5",
        "1,234.5",
    ]


@pytest.mark.parametrize("lang", LANGS)
def test_every_language_writes_latin_digits(lang: str) -> None:
    # As phone numbers and postcodes are written beside them: Babel's Arabic, Persian and Pashto
    # locales would otherwise be free to use their own digits.
    assert number(1234.5, lang, 1).translate(str.maketrans("", "", ".,\u00a0\u202f")) == "12345"
    assert "25" in percent(0.254, lang)


def test_the_new_languages_write_numbers_their_way() -> None:
    assert number(1234.5, "de", 1) == "1.234,5"
    assert number(1234.5, "uk", 1) == f"1{NBSP}234,5"
    assert number(12.345, "ar", 1) == "12.3"
    assert percent(0.254, "tr") == "%25"


def test_percent() -> None:
    assert [percent(0.254, lang) for lang in LANGS[:3]] == [f"25{NBSP}%", "25%", "25%"]
    assert percent(0, "fr") == f"0{NBSP}%"
    assert percent(1, "en") == "100%"


def test_date_is_written_in_full() -> None:
    day = datetime.date(2026, 11, 23)
    assert [date(day, lang) for lang in LANGS] == [
        "23 novembre 2026",
        "23 november 2026",
        "23 November 2026",
        "23. November 2026",
        "23 نوفمبر 2026",
        "23 نوامبر 2026",
        "23 نومبر 2026",
        "ሕዳር 23, 2026",
        f"23 листопада 2026{NNBSP}р.",
        f"23 ноября 2026{NNBSP}г.",
        "23 Kasım 2026",
        "Noofeembar 23, 2026",
    ]
    assert date(datetime.date(2026, 3, 1), "fr") == "1 mars 2026"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("fr", "Namur, Liège"),
        ("uk", "Namur, Liège"),
        ("ar", "Namur، Liège"),
        ("fa", "Namur، Liège"),
    ],
)
def test_lists_are_separated_as_the_language_writes_them(lang: str, expected: str) -> None:
    assert listed(["Namur", "Liège"], lang) == expected
    assert listed([], lang) == ""


def test_left_to_right_isolates_only_in_a_right_to_left_language() -> None:
    assert left_to_right("02 533 39 84", "ar") == "\u206602 533 39 84\u2069"
    assert left_to_right("02 533 39 84", "fr") == "02 533 39 84"  # no invisible characters
    assert left_to_right("", "ar") == ""
