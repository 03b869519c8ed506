"""AppTest of the coverage page: each language, ?service=…, matrix shape and gaps."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from lien import taxonomy
from lien.config import ROOT
from lien.geo.areas import PROVINCE_CODES

PAGE = str(ROOT / "pages" / "1_Couverture_Dekking_Coverage.py")


def _run(**params: str) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    for name, value in params.items():
        at.query_params[name] = value
    return at.run()


def _figures(at: AppTest) -> dict[str, dict]:
    return {chart.proto.id: json.loads(chart.proto.spec) for chart in at.get("plotly_chart")}


def _heatmap(at: AppTest, index: int = 0) -> dict:
    heatmaps = [
        fig["data"][0]
        for fig in _figures(at).values()
        if fig["data"] and fig["data"][0]["type"] == "heatmap"
    ]
    return heatmaps[index]


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_page_runs_in_each_language(lang: str) -> None:
    at = _run(lang=lang)
    assert not at.exception
    assert len(at.get("plotly_chart")) == 4
    assert (
        at.metric[0].label
        == {"fr": "Organisations", "nl": "Organisaties", "en": "Organisations"}[lang]
    )
    heat = _heatmap(at)
    assert heat["y"][0] == taxonomy.services().label(taxonomy.services().codes[0], lang)


def test_headline_figures_of_the_seed_directory() -> None:
    at = _run()
    values = {m.label: m.value for m in at.metric}
    assert values["Organisations"] == "23" and values["Sites"] == "32"
    assert (
        values["Provinces couvertes"] == "8 / 11"
    )  # no site in Limburg, East Flanders, Luxembourg
    assert values["Organisations nationales ou en ligne"] == "11"
    assert any("juin 2016" in w.value for w in at.warning)


def test_matrix_has_every_service_and_province() -> None:
    heat = _heatmap(_run())
    assert len(heat["y"]) == len(taxonomy.services().codes)
    assert len(heat["x"]) == len(PROVINCE_CODES) + 1  # + national/online column


def test_service_parameter_restricts_the_matrix() -> None:
    at = _run(service="housing")
    assert not at.exception
    heat = _heatmap(at)
    assert heat["y"] == ["Logement"]


def test_detention_visits_are_gaps_everywhere_but_flemish_brabant() -> None:
    at = _run(service="detention_visits")
    heat = _heatmap(at)
    row = dict(zip(heat["x"], heat["text"][0], strict=True))
    assert row.pop("Brabant flamand") == "3"
    assert row.pop("National / en ligne") == "0"
    assert set(row.values()) == {"✕"} and len(row) == 10
    assert any("10 lacunes" in c.value for c in at.caption)


def test_deserts_table_and_downloads() -> None:
    at = _run(service="housing")
    deserts = at.dataframe[0].value
    assert len(deserts) == 15
    assert deserts["Distance (km)"].is_monotonic_decreasing
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["Matrice (CSV)", "Matrice (Excel)", "Distances (CSV)", "Distances (Excel)"]


def test_empty_filter_shows_a_message_not_a_chart() -> None:
    at = _run(q="nothing-matches-this")
    assert not at.exception
    assert len(at.get("plotly_chart")) == 0
    assert "Aucun site ne correspond" in at.info[0].value


def test_service_without_provider_gives_a_message() -> None:
    at = _run(service="voluntary_return", national="0", province="60000")
    assert not at.exception
    assert any("Aucun site" in i.value for i in at.info)


def test_bad_parameters_do_not_raise() -> None:
    at = _run(service="nope", province="x", lang="zz", radius_km="-1")
    assert not at.exception
    assert len(at.sidebar.warning) == 4
