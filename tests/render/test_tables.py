"""lien.render.tables: the tables the pages show, built without Streamlit."""

from __future__ import annotations

import pandas as pd
import pytest

from lien import coverage
from lien.ingest import directory
from lien.problems import problem
from lien.render import tables


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return directory.prepare(directory.read_directory().frame)


def test_sites_table_has_links_and_no_unsafe_website(frame: pd.DataFrame) -> None:
    table = tables.sites_table(frame, "en")
    assert list(table.columns) == [
        "Organisation",
        "Site",
        "Services",
        "Town",
        "Phone",
        "E-mail",
        "Website",
        "Checked",
    ]
    assert len(table) == len(frame)
    assert table["E-mail"].dropna().str.startswith("mailto:").all()
    assert table["Website"].dropna().str.startswith(("https://", "http://")).all()


def test_sites_table_shows_distances_when_near(frame: pd.DataFrame) -> None:
    near = frame.assign(distance_km=3.14159)
    assert tables.sites_table(near, "fr")["Distance (km)"].iloc[0] == 3.1


def test_problems_table_in_dutch() -> None:
    table = tables.problems_table([problem(3, "postcode", "postcode", value="'1'")], "nl")
    assert table.columns.tolist() == ["Rij", "Veld", "Probleem"]
    assert table.iloc[0].tolist() == [3, "postcode", "'1' is geen Belgische postcode"]


def test_matrix_and_gaps_tables(frame: pd.DataFrame) -> None:
    matrix = coverage.matrix(frame, "province", ["housing"])
    table = tables.matrix_table(matrix, "en")
    assert table.columns[:3].tolist() == ["code", "Service", "Brussels-Capital Region"]
    assert table.iloc[0]["Service"] == "Housing"
    gaps = tables.gaps_table(coverage.gaps(matrix), "en")
    assert gaps.iloc[0, 0] == "Housing"
    assert gaps.iloc[0, 1] == len(coverage.gaps(matrix))


def test_html_table_is_a_named_focusable_region_with_escaped_text() -> None:
    table = pd.DataFrame({"Service": ["<b>Aide</b>"], "Bruxelles": [2], "Note": [None]})
    markup = tables.html_table(table, 'Sites "par" service')
    assert (
        '<div class="lien-table" role="region" tabindex="0" aria-label="Sites &quot;par&quot; '
        'service">' in markup
    )
    assert '<th scope="col">Bruxelles</th>' in markup
    assert '<th scope="row">&lt;b&gt;Aide&lt;/b&gt;</th>' in markup  # the first column heads rows
    assert '<td class="lien-number">2</td><td></td>' in markup
    assert "<b>" not in markup
