"""The records' texts in every language (data/translations.csv, lien.translations): complete for
the seed, faithful to its numbers, shown with the original one tap away, and never shown for an
original corrected since."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from lien import translations
from lien.config import ORGANISATIONS_CSV
from lien.i18n import LANGS, t
from lien.render import cards, sites_layer
from lien.render.originals import text_html
from lien.translations import FIELDS, ORIGINAL_LANG, Shown, fingerprint, read_table, shown

SEED = pd.read_csv(ORGANISATIONS_CSV, dtype=str, keep_default_na=False)
OTHERS = [lang for lang in LANGS if lang != ORIGINAL_LANG]


def _site(site_id: str) -> dict[str, str]:
    return SEED[SEED["site_id"] == site_id].iloc[0].to_dict()


def test_every_text_of_the_seed_is_there_in_every_other_language() -> None:
    table = translations.translations()
    missing = [
        (row.site_id, field, lang)
        for row in SEED.itertuples()
        for field in FIELDS
        if getattr(row, field).strip()
        for lang in OTHERS
        if (row.site_id, field, lang) not in table
    ]
    assert missing == []
    assert {key[0] for key in table} <= set(SEED["site_id"])


def test_each_translation_is_of_the_seed_s_text_as_it_is_now() -> None:
    for (site_id, field, _), row in translations.translations().items():
        assert row.original_sha256 == fingerprint(_site(site_id)[field]), (site_id, field)


def test_no_translation_is_said_reviewed_yet_and_each_keeps_the_numbers() -> None:
    """Machine translations, every one: phone numbers, postcodes and years come through."""
    for (site_id, field, lang), row in translations.translations().items():
        assert not row.reviewed
        numbers = re.findall(r"\d+", _site(site_id)[field])
        kept = re.findall(r"\d+", row.text)
        assert all(kept.count(n) >= numbers.count(n) for n in set(numbers)), (
            site_id,
            field,
            lang,
        )


def test_a_reader_sees_the_translation_with_the_original_beside_it() -> None:
    site = _site("apd-liege")
    french = shown(site, "description", "fr")
    assert french == Shown(site["description"], "", True)
    arabic = shown(site, "description", "ar")
    assert arabic.translated
    assert arabic.original == site["description"]
    assert not arabic.reviewed
    assert re.search(r"[\u0600-\u06ff]", arabic.text)


def test_an_original_corrected_since_is_shown_as_it_now_is() -> None:
    site = {**_site("apd-liege"), "description": "Nouvelle description relue."}
    assert shown(site, "description", "uk") == Shown("Nouvelle description relue.", "", True)
    assert shown({**site, "site_id": "unknown"}, "hours", "uk").text == site["hours"]


def test_the_html_says_machine_made_and_keeps_the_original_one_tap_away() -> None:
    page = text_html(Shown("<b>x</b>", "<i>y</i>", False), "ti")
    assert "&lt;b&gt;x&lt;/b&gt;" in page
    assert t("machine_text", "ti") in page
    assert f"<summary>{t('show_original', 'ti')}</summary>" in page
    assert '<span lang="fr" dir="ltr">&lt;i&gt;y&lt;/i&gt;</span>' in page
    reviewed = text_html(Shown("x", "y", True), "ti")
    assert t("machine_text", "ti") not in reviewed
    assert "<details" in reviewed
    assert text_html(Shown("x", "", True), "fr") == "x"


def test_cards_and_popups_show_the_translated_texts() -> None:
    site = _site("apd-liege")
    ukrainian = shown(site, "description", "uk")
    card = cards.cards_html(SEED[SEED["site_id"] == "apd-liege"], "uk")
    assert ukrainian.text.split(".")[0] in card
    assert t("about_site", "uk") in card
    assert t("show_original", "uk") in card
    more = dict(sites_layer.popup(site, "uk")["m"])
    assert t("machine_text", "uk") in more[t("about_site", "uk")]
    assert "Service social" in more[t("about_site", "uk")]  # the original, folded
    # In French, the record's own language, no marker and nothing folded.
    french = dict(sites_layer.popup(site, "fr")["m"])
    assert french[t("about_site", "fr")].startswith("Service social")
    assert "<details" not in french[t("about_site", "fr")]


def _write(path: Path, rows: list[str]) -> Path:
    path.write_text(",".join(translations.COLUMNS) + "\n" + "\n".join(rows) + "\n", "utf-8")
    return path


@pytest.mark.parametrize(
    ("row", "said"),
    [
        ("a,website,ar,x,no,abc", "no translation"),
        ("a,hours,it,x,no,abc", "no translation"),
        ("a,hours,ar,,no,abc", "no translation"),
        ("a,hours,ar,x,maybe,abc", "reviewed is 'maybe'"),
    ],
)
def test_a_malformed_row_is_named(tmp_path: Path, row: str, said: str) -> None:
    with pytest.raises(ValueError, match=f"row 2: .*{re.escape(said)}"):
        read_table(_write(tmp_path / "t.csv", [row]))


def test_a_row_given_twice_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="row 3: .* twice"):
        read_table(_write(tmp_path / "t.csv", ["a,hours,ar,x,no,abc", "a,hours,ar,y,no,abc"]))


def test_a_download_carries_the_original_and_its_translation() -> None:
    from lien.outputs.export import export_columns, with_labels

    seed = SEED.copy()
    arabic = with_labels(seed, "ar")
    columns = export_columns(arabic)
    assert columns.index("description_translated") == columns.index("description") + 1
    row = arabic[arabic["site_id"] == "apd-liege"].iloc[0]
    assert row["description"] == _site("apd-liege")["description"]
    assert row["description_translated"] == shown(_site("apd-liege"), "description", "ar").text
    # French is the records' own language: nothing beside them.
    assert "description_translated" not in with_labels(seed, "fr").columns
