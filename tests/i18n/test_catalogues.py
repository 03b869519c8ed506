"""The gettext catalogues (lien/i18n/locale): complete in every language, consistent, and holding
exactly the keys the code names, as Babel's extraction finds them."""

from __future__ import annotations

import ast
import os
import shutil
import string
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir, extract_from_file
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

import lien.i18n
from lien.config import ROOT  # noqa: E402
from lien.i18n import LANGS, compile_catalogues, po_path, reviewed_share, t, tn, translations
from lien.i18n.__main__ import main
from lien.problems import MESSAGES, message_key

SOURCES = ("lien", "app.py", "pages")  # every file that names a key
KEYWORDS = ("t", "tn", "N_")  # the key is each one's first argument
# The languages a fluent speaker has reviewed in full; the others are machine translations,
# every entry marked fuzzy until someone reviews it.
REVIEWED = ("fr", "nl", "en")
# CLDR's plural categories and a count of each, in gettext's order of forms: Arabic has six.
PLURAL_EXAMPLES: dict[str, list[int]] = {
    "fr": [1, 2],
    "nl": [1, 2],
    "en": [1, 2],
    "de": [1, 2],
    "ar": [0, 1, 2, 3, 11, 100],
    "fa": [1, 2],
    "ps": [1, 2],
    "ti": [1, 2],
    "uk": [1, 2, 5],
    "ru": [1, 2, 5],
    "tr": [1, 2],
    "so": [1, 2],
}


@cache
def catalogue(lang: str) -> Catalog:
    with po_path(lang).open("rb") as source:
        return read_po(source, locale=lang, domain="lien", abort_invalid=True)


def entries(lang: str) -> dict[str, Message]:
    """The catalogue's messages by key (a plural entry's key is its msgid), header left out."""
    return {m.id if isinstance(m.id, str) else m.id[0]: m for m in catalogue(lang) if m.id}


def forms(message: Message) -> list[str]:
    """A single text, or each plural form."""
    string = message.string
    return [string] if isinstance(string, str) else list(string or ())


def fields(text: str) -> set[str]:
    """The str.format fields of a text; a stray brace fails here, not in front of a visitor."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


@cache
def extracted(*keywords: str) -> frozenset[tuple[str, int, str]]:
    """(file, line, key) of every call Babel's extraction finds with `keywords`."""
    spec = {keyword: None for keyword in keywords}  # None: the first argument
    found = set()
    for source in SOURCES:
        path = ROOT / source
        if path.is_dir():
            for name, line, key, _, _ in extract_from_dir(
                path, [("**.py", "python")], keywords=spec
            ):
                found.add((f"{source}/{name}", line, str(key)))
        else:
            for line, key, _, _ in extract_from_file("python", path, keywords=spec):
                found.add((source, line, str(key)))
    return frozenset(found)


def used(*keywords: str) -> set[str]:
    return {key for _, _, key in extracted(*keywords)}


def python_files() -> Iterator[Path]:
    for source in SOURCES:
        path = ROOT / source
        yield from sorted(path.rglob("*.py")) if path.is_dir() else [path]


# --- the catalogues themselves --------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_header_names_the_language_cldr_s_plural_rule_and_utf8(lang: str) -> None:
    header = dict(catalogue(lang).mime_headers)
    assert header["Language"] == lang
    if lang == "fr":
        # CLDR's French has a third form for millions ("1 million de sites"), which no text of
        # Lien's counts: gettext's two forms.
        assert header["Plural-Forms"] == "nplurals=2; plural=(n > 1);"
    else:
        rule = get_plural(lang)
        assert header["Plural-Forms"] == f"nplurals={rule.num_plurals}; plural={rule.plural_expr};"
    assert header["Content-Type"] == "text/plain; charset=utf-8"
    assert catalogue(lang).num_plurals == len(PLURAL_EXAMPLES[lang])


@pytest.mark.parametrize("lang", LANGS)
def test_each_plural_form_is_the_one_of_its_cldr_category(lang: str) -> None:
    """0, 1, 2, 3, 11 and 100 each take their own of Arabic's six forms; 1, 2 and 5 Ukrainian's
    and Russian's three."""
    rule = translations(lang).plural
    assert [rule(n) for n in PLURAL_EXAMPLES[lang]] == list(range(len(PLURAL_EXAMPLES[lang])))
    # CLDR's own rule, as Babel has it, names the same categories.
    categories = [Locale.parse(lang).plural_form(n) for n in PLURAL_EXAMPLES[lang]]
    assert len(set(categories)) == len(categories)
    assert [rule(n) for n in (101, 111, 121)] == [rule(n) for n in (1101, 1111, 1121)]


def test_arabic_says_each_count_in_its_own_form() -> None:
    """0, 1, 2, 3, 11 and 100: each takes the form of its place in the catalogue's entry (some
    forms may read alike: Arabic says "11 منظمة" and "100 منظمة" with the same noun)."""
    written = forms(entries("ar")["n_organisations"])
    assert len(written) == 6
    for form, n in enumerate((0, 1, 2, 3, 11, 100)):
        assert tn("n_organisations", n, "ar") == written[form].format(count=n)
    assert tn("n_organisations", 2, "ar") != tn("n_organisations", 3, "ar")


def test_every_catalogue_has_the_same_keys_and_the_same_plural_entries() -> None:
    keys = {lang: set(entries(lang)) for lang in LANGS}
    plural = {lang: {k for k, m in entries(lang).items() if m.pluralizable} for lang in LANGS}
    for lang in LANGS:
        assert keys[lang] == keys["fr"], lang
        assert plural[lang] == plural["fr"], lang
    assert len(keys["fr"]) > 200


@pytest.mark.parametrize("lang", LANGS)
def test_every_entry_is_translated(lang: str) -> None:
    for key, message in entries(lang).items():
        assert all(text.strip() for text in forms(message)), (lang, key)


@pytest.mark.parametrize("lang", REVIEWED)
def test_the_reviewed_languages_have_no_fuzzy_entry(lang: str) -> None:
    assert not [key for key, message in entries(lang).items() if message.fuzzy]
    assert reviewed_share(lang) == 1.0


@pytest.mark.parametrize("lang", sorted(set(LANGS) - set(REVIEWED)))
def test_a_machine_translation_is_marked_fuzzy_and_still_shown(lang: str) -> None:
    """Babel leaves fuzzy entries out of a .mo by default: they would vanish, and a key error
    follow. Lien compiles them, and says the share a person has reviewed."""
    fuzzy = [key for key, message in entries(lang).items() if message.fuzzy]
    assert fuzzy
    assert reviewed_share(lang) == 1 - len(fuzzy) / len(entries(lang))
    message = entries(lang)["title"]
    assert t("title", lang) == forms(message)[0]


@pytest.mark.parametrize("lang", LANGS)
def test_plural_entries_have_as_many_forms_as_the_catalogue_says(lang: str) -> None:
    plural = [m for m in entries(lang).values() if m.pluralizable]
    assert plural
    for message in plural:
        assert len(forms(message)) == catalogue(lang).num_plurals, message.id
        # A key's msgid_plural is the key again: the code names one key, ngettext wants two.
        assert message.id[0] == message.id[1]


def test_placeholders_match_across_languages_and_plural_forms() -> None:
    for key, message in entries("fr").items():
        expected = fields(forms(message)[0])
        for lang in LANGS:
            for text in forms(entries(lang)[key]):
                assert fields(text) == expected, (lang, key, text)
        if message.pluralizable:
            assert "count" in expected, key


def test_the_english_catalogue_holds_english_texts() -> None:
    assert t("title", "en") == "Lien — services for refugees and migrants"
    assert t("title", "fr") == "Lien — services pour réfugiés et migrants"


# --- the keys the code uses -------------------------------------------------------------------


def test_every_key_the_code_uses_is_in_the_catalogues() -> None:
    missing = used(*KEYWORDS) - set(entries("fr"))
    assert not missing, f"keys used in the code but in no catalogue: {sorted(missing)}"


def test_no_catalogue_key_is_unused() -> None:
    unused = set(entries("fr")) - used(*KEYWORDS)
    assert not unused, f"catalogue keys no code uses: {sorted(unused)}"


def test_t_takes_single_texts_and_tn_plural_ones() -> None:
    plural = {k for k, m in entries("fr").items() if m.pluralizable}
    assert used("t", "N_") & plural == set()
    assert used("tn") <= plural
    assert used("tn")


def keyword_calls() -> Iterator[tuple[str, str, ast.Call]]:
    """("file:line", name, call) of every call of t, tn or N_ in the code (w.t of a PDF's writer
    too), as the parser sees them."""
    for path in python_files():
        source = str(path.relative_to(ROOT))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name in KEYWORDS:
                yield f"{source}:{node.lineno}", str(name), node


def test_extraction_sees_every_call_and_no_key_is_built() -> None:
    """Every t/tn/N_ call with a literal key is one Babel found: not one inside an f-string
    (Python 3.11's tokenizer hides those from extractors). No key is built from pieces: a key kept
    for later is a value marked with N_ (a dict of problem codes, of filter labels…)."""
    found = set()
    for where, _, node in keyword_calls():
        key = node.args[0]
        assert not isinstance(key, (ast.JoinedStr, ast.BinOp)), f"{where}: a built key"
        assert not (
            isinstance(key, ast.Call)
            and isinstance(key.func, ast.Attribute)
            and key.func.attr in ("format", "join")
        ), f"{where}: a built key"
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            found.add((where.rpartition(":")[0], key.lineno, key.value))
    missing = found - extracted(*KEYWORDS)
    assert not missing, f"calls Babel's extraction misses (in an f-string?): {sorted(missing)}"
    assert extracted(*KEYWORDS) - found == set()


def literal_calls() -> Iterator[tuple[str, str, str, set[str] | None]]:
    """("file:line", "t" or "tn", key, the keyword names it passes) of every t/tn call whose key
    is a literal; None for the names of a call that passes **values, which only running it can
    check."""
    for where, name, node in keyword_calls():
        key = node.args[0]
        if name == "N_" or not isinstance(key, ast.Constant):
            continue
        names = {k.arg for k in node.keywords if k.arg is not None}
        spread = any(k.arg is None for k in node.keywords)
        yield where, name, str(key.value), None if spread else names


def test_every_call_passes_exactly_the_fields_its_text_has() -> None:
    """A call that leaves a field of its text without a value would print "{service}" (t raises
    since); one that passes a value its text has no field for means the text lost its field."""
    texts = entries("fr")
    wrong = []
    for where, name, key, names in literal_calls():
        if names is None:
            continue
        expected = fields(forms(texts[key])[0])
        passed = names | ({"count"} if name == "tn" else set())  # tn gives {count} itself
        if passed != expected:
            wrong.append(
                f"{where}: {name}({key!r}) passes {sorted(names)}, needs {sorted(expected)}"
            )
    assert not wrong, "\n".join(wrong)
    assert len([c for c in literal_calls() if c[3] is not None]) > 200  # the walk saw the calls


def test_a_field_without_a_value_is_an_error_not_a_placeholder_printed() -> None:
    for lang in LANGS:
        with pytest.raises(KeyError, match=r"deserts_title.*\{service\}"):
            t("deserts_title", lang)
        with pytest.raises(KeyError, match=r"shown.*\{orgs\}"):
            tn("shown", 2, lang)
        assert "Logement" in t("deserts_title", "fr", service="Logement")
        assert "2" in tn("shown", 2, lang, orgs="x")
        assert t("title", lang)  # a text without fields needs no value


def test_every_problem_code_has_a_message_and_an_unknown_code_is_named() -> None:
    problems = {k for k in entries("fr") if k.startswith("p_")} - {"p_row", "p_file"}
    assert set(MESSAGES.values()) == problems
    assert all(value == f"p_{code}" for code, value in MESSAGES.items())
    with pytest.raises(KeyError, match="no_such_code"):
        message_key("no_such_code")


# --- compiling and loading --------------------------------------------------------------------


@pytest.fixture
def locale_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the catalogues, without .mo files, that lien.i18n reads instead of its own."""
    root = tmp_path / "locale"
    shutil.copytree(lien.i18n.LOCALE_DIR, root, ignore=shutil.ignore_patterns("*.mo"))
    monkeypatch.setattr(lien.i18n, "LOCALE_DIR", root)
    translations.cache_clear()
    yield root
    monkeypatch.undo()
    translations.cache_clear()


def test_python_m_lien_i18n_compiles_every_catalogue(
    locale_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main()
    said = capsys.readouterr().out.splitlines()
    written = sorted(locale_copy.glob("*/LC_MESSAGES/lien.mo"))
    wrote = [line for line in said if line.startswith("wrote ")]
    assert len(written) == len(LANGS) == len(wrote)
    assert all(line.endswith("lien.mo") for line in wrote)
    # Then the share of each language a fluent speaker has reviewed.
    shares = said[said.index("reviewed by a fluent speaker:") + 1 :]
    assert len(shares) == len(LANGS)
    assert "  fr: 495/495 (100%)" in shares or any(s.startswith("  fr: ") for s in shares)
    assert any(s.startswith("  ar: ") and s.endswith("(0%)") for s in shares)
    assert t("title", "nl") == "Lien — diensten voor vluchtelingen en migranten"


def test_a_missing_or_stale_mo_is_replaced_by_the_po(locale_copy: Path) -> None:
    po = locale_copy / "fr" / "LC_MESSAGES" / "lien.po"
    mo = po.with_suffix(".mo")
    assert not mo.exists()
    assert t("title", "fr") == "Lien — services pour réfugiés et migrants"  # from the .po
    assert translations("fr") is translations("fr")  # read once

    assert compile_catalogues(locale_copy)
    assert mo.exists()
    po.write_text(
        po.read_text(encoding="utf-8").replace(
            'msgstr "Lien — services pour réfugiés et migrants"', 'msgstr "Nouveau titre"'
        ),
        encoding="utf-8",
    )
    os.utime(po, (mo.stat().st_mtime + 10,) * 2)  # the .po edited after the build
    translations.cache_clear()
    assert t("title", "fr") == "Nouveau titre"

    os.utime(po, (mo.stat().st_mtime - 10,) * 2)  # the .mo is the newer: it is read
    translations.cache_clear()
    assert t("title", "fr") == "Lien — services pour réfugiés et migrants"
