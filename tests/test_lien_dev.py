"""lien_dev, the tooling tests/ and bench/ share: what the benches read on the app's pages."""

from __future__ import annotations

from lien_dev.harness import SHOWN


def test_the_map_page_s_counts_are_found_in_the_singular_too() -> None:
    """`make hostile` waited 120 s for a page that had answered "0 site de 0 organisation
    affiché" (a URL whose keyword matches nothing), looking for the plural."""
    assert SHOWN.search("0 site de 0 organisation affiché")
    found = SHOWN.search("1\u202f000 sites de 12 organisations affichés")
    assert found
    assert found.group(1).strip() == "1\u202f000"
