"""lien.text: folding for matching, bounding a visitor's query, and quoting it in Markdown."""

from __future__ import annotations

import pytest

from lien.text import clean_query, fold, markdown_literal, strip_invisible, without_controls
from tests.support.markdown import links, shown


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Liège", "liege"),
        ("  Sint-Jans-Molenbeek ", "sint jans molenbeek"),
        ("L'Ecluse—Nord", "l ecluse nord"),
        ("Lie\u200bge", "liege"),  # a zero-width space inside a word
        ("Antw\x07erpen", "antwerpen"),  # a control character
        ("ŒUVRE", "œuvre"),
    ],
)
def test_fold(raw: str, folded: str) -> None:
    assert fold(raw) == folded


def test_fold_is_the_same_for_long_texts_that_are_not_memoised() -> None:
    long = "Liège " * 100
    assert fold(long) == ("liege " * 100).strip()


def test_strip_invisible_keeps_words_apart() -> None:
    assert strip_invisible("a\tb\nc\u200bd\x00e") == "a b cde"


@pytest.mark.parametrize(
    ("raw", "kept", "removed"),
    [
        # NUL, DEL, C1 controls, lone surrogates and noncharacters (XML forbids U+FFFE/U+FFFF).
        ("a\x00b\x7fc\x9fd", "abcd", 3),
        ("x\ufffey\uffffz\ufdd0", "xyz", 3),
        ("\U0001fffe\U0010ffff!", "!", 2),
        ("a\ud800b", "ab", 1),
        # Line-separating controls become a space, so words stay apart.
        ("Rue Haute 1\x0b1000", "Rue Haute 1 1000", 1),
        ("un\x85deux\x1ctrois", "un deux trois", 2),
        # What text needs stays: tab, line breaks, and the joiners Persian and Arabic use.
        ("a\tb\nc\r\nd", "a\tb\nc\r\nd", 0),
        ("می\u200cخواهم", "می\u200cخواهم", 0),
        ("Liège — 1000 €", "Liège — 1000 €", 0),
    ],
)
def test_without_controls_removes_what_no_text_needs(raw: str, kept: str, removed: int) -> None:
    assert without_controls(raw) == (kept, removed)


def test_clean_query_bounds_and_tidies() -> None:
    assert clean_query("  Namur\u200b   5000 ") == "Namur 5000"
    assert len(clean_query("x" * 10_000)) == 200
    assert len(clean_query("x" * 10_000, limit=20)) == 20


@pytest.mark.parametrize(
    "value",
    [
        "www.evil.example",
        "help@evil.example",
        "https://evil.example/a?b",
        "![img](http://evil.example/p.png)",
        "[link](javascript:alert(1))",
        "<b>bold</b>",
        "*emphasis* _and_ `code`",
        "``double``",
        "`",
        " padded ",
        "# heading",
        "$x^2$",
    ],
)
def test_markdown_literal_shows_the_text_and_forms_no_link(value: str) -> None:
    quoted = markdown_literal(value)
    assert shown(f"before {quoted} after") == f"before {value} after"
    assert links(f"before {quoted} after") == []


def test_markdown_literal_of_nothing_is_nothing() -> None:
    assert markdown_literal("") == ""
