"""lien.taxonomy: categories, services and audiences read from data/, and language codes."""

from __future__ import annotations

import csv
import time

import pytest

from lien import taxonomy
from lien.config import AUDIENCES_CSV, LABEL_GROUPS_CSV, SERVICES_CSV
from lien.i18n import LANGS


def test_every_service_has_a_known_category_with_a_colour() -> None:
    categories = taxonomy.categories()
    assert categories.codes == list(taxonomy.category_colours())
    assert all(
        colour.startswith("#") and len(colour) == 7
        for colour in taxonomy.category_colours().values()
    )
    assert all(term.category in categories for term in taxonomy.services().terms.values())


def test_labels_in_three_languages_and_their_codes() -> None:
    services = taxonomy.services()
    assert services.label("housing", "nl") == "Huisvesting"
    assert services.code_for("LOGEMENT") == "housing"
    assert services.code_for("juridische hulp") == "legal_aid"
    assert services.code_for("teleportation") is None
    assert taxonomy.categories().label("shelter", "en") == "Reception and housing"


def test_a_site_takes_the_category_of_its_first_service() -> None:
    assert taxonomy.category_of("legal_aid;housing") == "rights"
    assert taxonomy.category_of("") == ""


def test_language_codes_and_names() -> None:
    assert taxonomy.is_language("nl")
    assert taxonomy.is_language("ara")
    assert not taxonomy.is_language("xx")
    assert not taxonomy.is_language("dutch")
    assert taxonomy.language_label("nl", "fr") == "Néerlandais"
    assert taxonomy.language_label("ar", "en") == "Arabic"


@pytest.mark.parametrize(
    ("vocabulary", "label", "codes"),
    [
        # Everyday labels of a coordinator's file, in FR/NL/EN, singular or plural.
        ("audiences", "Réfugiés", ("refugees",)),
        ("audiences", "réfugié", ("refugees",)),
        ("audiences", "Réfugiés reconnus", ("refugees",)),
        ("audiences", "Vluchtelingen", ("refugees",)),
        ("audiences", "vluchteling", ("refugees",)),
        ("audiences", "Refugees", ("refugees",)),
        ("audiences", "Mineurs non accompagnés", ("unaccompanied_minors",)),
        ("audiences", "MENA", ("unaccompanied_minors",)),
        ("audiences", "Sans papiers", ("undocumented",)),
        ("audiences", "Sans-papiers", ("undocumented",)),
        ("audiences", "Asielzoekers", ("asylum_seekers",)),
        ("audiences", "Demandeurs d'asile et réfugiés", ("asylum_seekers", "refugees")),
        ("services", "Parrainage", ("mentoring",)),
        ("services", "Activités culturelles", ("culture",)),
        ("services", "Activité culturelle", ("culture",)),
        ("services", "Tutelle des mineurs", ("minors",)),
        ("services", "Cours de français", ("language_classes",)),
        ("services", "Gezinshereniging", ("family_reunification",)),
        ("services", "legal_aid", ("legal_aid",)),
        # A close spelling, above the threshold.
        ("services", "Logment", ("housing",)),
        ("services", "Parainage", ("mentoring",)),
        ("services", "Aide juridque", ("legal_aid",)),
        # A name found whole in a longer label.
        ("services", "Logement social", ("housing",)),
        ("audiences", "Réfugiés politiques", ("refugees",)),
        ("audiences", "jongeren (18-25)", ("young_people",)),
        # Free text of a Flemish partner list (issue 27): word by word, longest name first.
        ("services", "taallessen NT2", ("language_classes",)),
        ("services", "taalessen", ("language_classes",)),  # a typo in the word
        ("services", "psychologische ondersteuning", ("mental_health",)),
        ("services", "begeleiding niet-begeleide minderjarigen", ("minors",)),
        ("services", "werk en opleiding", ("employment",)),  # a label, not two
        ("services", "voedselhulp en kleding", ("material_aid",)),
    ],
)
def test_everyday_labels_become_codes(vocabulary: str, label: str, codes: tuple[str, ...]) -> None:
    found = (taxonomy.services() if vocabulary == "services" else taxonomy.audiences()).codes_for(
        label
    )
    assert found == codes


@pytest.mark.parametrize("label", ["Tout public", "tous publics", "Iedereen", "Everyone"])
def test_everyone_stands_for_every_audience(label: str) -> None:
    assert taxonomy.audiences().codes_for(label) == tuple(taxonomy.audiences().codes)
    assert taxonomy.audiences().code_for(label) is None  # not one code


def test_synonyms_and_groups_are_data() -> None:
    for path in (SERVICES_CSV, AUDIENCES_CSV):
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        assert all(row["synonyms"] for row in rows), path.name
        vocabulary = taxonomy.Vocabulary.from_csv("x", path)
        for row in rows:
            for synonym in row["synonyms"].split("|"):
                assert vocabulary.codes_for(synonym) == (row["code"],), synonym
    with LABEL_GROUPS_CSV.open(encoding="utf-8", newline="") as handle:
        assert any(
            r["codes"] == "*" and "tout public" in r["labels"] for r in csv.DictReader(handle)
        )


def test_a_name_for_two_codes_is_refused(tmp_path) -> None:
    path = tmp_path / "v.csv"
    others = LANGS[1:]
    path.write_text(
        f"code,label_fr,{','.join(f'label_{lang}' for lang in others)},description,synonyms\n"
        f"a,A,{','.join(f'A-{lang}' for lang in others)},,aide\n"
        f"b,B,{','.join(f'B-{lang}' for lang in others)},,aides\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="names both"):
        taxonomy.Vocabulary.from_csv("v", path)


@pytest.mark.parametrize(
    ("vocabulary", "label", "suggested"),
    [
        # Only a word of a name: unsure.
        ("services", "Hébergement", ("hosting",)),
        ("services", "psychologische", ("mental_health",)),
        ("audiences", "Reconnus", ("refugees",)),
        # A word of several names: none is chosen, the first three are offered.
        ("services", "Aide", ("housing", "legal_aid", "social_support")),
        # Two names as long as each other: which one is meant is not said.
        ("services", "informatie over huisvesting", ("information", "housing")),
        # Near nothing: no guess ("tolken en vertalen" was once offered information, minors and
        # awareness for its "en").
        ("services", "Téléportation", ()),
        ("services", "tolken en vertalen", ()),
    ],
)
def test_near_labels_are_only_suggested(
    vocabulary: str, label: str, suggested: tuple[str, ...]
) -> None:
    words = taxonomy.services() if vocabulary == "services" else taxonomy.audiences()
    assert words.codes_for(label) == ()
    assert words.suggest(label) == suggested


@pytest.mark.parametrize(
    ("cell", "codes", "unknown"),
    [
        ("juridisch advies, huisvesting", ("legal_aid", "housing"), ()),
        ("gezinshereniging + sociale begeleiding", ("family_reunification", "social_support"), ()),
        ("inburgering / doorverwijzing", ("integration", "information"), ()),
        ("Logement et aide juridique", ("housing", "legal_aid"), ()),
        ("housing and legal advice", ("housing", "legal_aid"), ()),
        ("taallessen en tolken", ("language_classes",), ("tolken",)),
        ("tolken en vertalen", (), ("tolken en vertalen",)),
        # A group label holds its conjunction: it is not split.
        ("Demandeurs d'asile et réfugiés", (), ()),
    ],
)
def test_a_cell_of_free_text_gives_every_code_it_names(
    cell: str, codes: tuple[str, ...], unknown: tuple[str, ...]
) -> None:
    vocabulary = taxonomy.audiences() if "asile" in cell else taxonomy.services()
    found, left = vocabulary.read(cell)
    if "asile" in cell:
        assert found == ("asylum_seekers", "refugees")
        assert left == ()
    else:
        assert (found, left) == (codes, unknown)


def test_reading_free_text_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each distinct word is compared with the names' words once, whatever the cell repeats; a
    part longer than a label is not read word by word; the work is linear in the cell."""
    services = taxonomy.Vocabulary.from_csv("services", SERVICES_CSV)
    compared: list[str] = []
    extract = taxonomy.process.extract

    def counted(query: str, *args: object, **kwargs: object) -> object:
        compared.append(query)
        return extract(query, *args, **kwargs)

    monkeypatch.setattr(taxonomy.process, "extract", counted)
    parts = [f"begeleiding taalessen huisvestng {i}" for i in range(500)]
    codes, unknown = services.read(", ".join(parts) + ", " + "logement " * 5_000)
    # Three one-word names of three services: unsure, each part is left for the report.
    assert codes == ()
    assert len(unknown) == 501
    words = [q for q in compared if " " not in q]
    assert sorted(set(words)) == sorted(words)  # never the same word twice
    assert len(words) <= 4  # "begeleiding", "taalessen", "huisvestng", "logement"


def test_matching_is_bounded_for_long_labels() -> None:
    services = taxonomy.services()
    label = "Logement " * 12_000  # about 100 KB
    started = time.process_time()
    for _ in range(20):
        assert services.codes_for(label + str(_)) == ()
        assert services.suggest(label) == ()
    assert time.process_time() - started < 2
