"""lien.taxonomy: categories, services and audiences read from data/, and language codes."""

from __future__ import annotations

from lien import taxonomy


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
    assert taxonomy.is_language("nl") and taxonomy.is_language("ara")
    assert not taxonomy.is_language("xx") and not taxonomy.is_language("dutch")
    assert taxonomy.language_label("nl", "fr") == "Néerlandais"
    assert taxonomy.language_label("ar", "en") == "Arabic"
