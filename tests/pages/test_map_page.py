"""AppTest of the map page: URL parameters, near-me, languages, bad input."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import lien.config
from lien import schema
from lien.config import ORGANISATIONS_CSV, ROOT
from lien.ui.geolocate import Answer, read_answer
from tests.support.markdown import shown

APP = str(ROOT / "app.py")


def _run(**params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for name, value in params.items():
        at.query_params[name] = value
    return at.run()


def _table(at: AppTest, index: int = 0):  # type: ignore[no-untyped-def]
    return at.dataframe[index].value


def _map_args(at: AppTest) -> dict:
    for element in at.get("component_instance"):
        if element.proto.component_name == "streamlit_folium.st_folium":
            return json.loads(element.proto.json_args)
    raise AssertionError("no st_folium component on the page")


def test_default_view_shows_every_located_site() -> None:
    at = _run()
    assert not at.exception
    assert any("21 sites de 12 organisations affichés" in m.value for m in at.markdown)
    assert len(_table(at, 0)) == 21  # the sites on the map
    assert len(_table(at, 1)) == 11  # national and online organisations
    args = _map_args(at)
    assert args["returned_objects"] == []
    assert all(link.startswith("/app/static/") for link in args["js_links"] + args["css_links"])
    assert args["feature_group"].count("CPAS de Thuin") >= 1


def test_service_parameter_shows_only_housing_sites() -> None:
    at = _run(service="housing")
    assert not at.exception
    table = _table(at, 0)
    assert len(table) > 0
    assert table["Services"].str.contains("Logement").all()
    assert at.multiselect(key="f_service").value == ["housing"]


def test_near_thuin_puts_the_cpas_first() -> None:
    at = _run(near="Thuin")
    assert not at.exception
    table = _table(at, 0)
    assert table.iloc[0]["Organisation"] == "CPAS de Thuin — Le Parrainage en couleur"
    assert table["Distance (km)"].is_monotonic_increasing
    assert any("Thuin" in i.value for i in at.info)


def test_near_zeebrugge_puts_medecins_du_monde_first() -> None:
    at = _run(near="Zeebrugge", radius_km="250")
    assert not at.exception
    assert _table(at, 0).iloc[0]["Site"] == "Consultations médicales et sociales — Zeebrugge"


def test_unknown_place_gets_a_clear_message() -> None:
    at = _run(near="Atlantis")
    assert not at.exception
    assert "Aucun lieu belge trouvé pour « Atlantis »" in shown(at.warning[0].value)


def test_dutch_labels() -> None:
    at = _run(lang="nl", service="housing")
    assert not at.exception
    assert "diensten voor vluchtelingen" in at.title[0].value
    assert at.multiselect(key="f_service").label == "Dienst"
    assert _table(at, 0)["Diensten"].str.contains("Huisvesting").all()
    assert any("locaties van" in m.value for m in at.markdown)


def test_english_labels() -> None:
    at = _run(lang="en")
    assert at.sidebar.header[0].value == "Filters"
    assert any("sites of" in m.value and "organisations shown" in m.value for m in at.markdown)


@pytest.mark.parametrize(
    "params",
    [
        {"service": "nope", "lang": "xx", "radius_km": "far", "national": "maybe"},
        {"province": "99999,<script>", "q": "x" * 10000, "near": "y" * 10000},
        {"service": "housing,housing,housing", "audience": ",,,"},
    ],
)
def test_bad_parameters_do_not_raise(params: dict[str, str]) -> None:
    at = _run(**params)
    assert not at.exception
    assert at.sidebar.warning or params.get("service") == "housing,housing,housing"


def test_bad_parameter_is_named_in_a_notice() -> None:
    at = _run(service="teleportation")
    assert "service=teleportation" in shown(at.sidebar.warning[0].value)


def test_widget_change_updates_the_url() -> None:
    at = _run()
    at.multiselect(key="f_service").select("health").run()
    assert at.query_params["service"] == "health"
    at.selectbox(key="f_lang").select("en").run()
    assert at.query_params["lang"] == "en"
    assert not at.exception


def test_national_toggle_hides_the_national_list() -> None:
    at = _run(national="0")
    assert not at.exception
    assert len(at.dataframe) == 1


def _broken_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cell: str, broken_cell: str
) -> None:
    """The seed directory with its first `cell` (a run of cells, commas included) replaced by
    `broken_cell`, in place of data/organisations.csv, and a new store to fill from it."""
    monkeypatch.setenv("LIEN_DATABASE_PATH", str(tmp_path / "lien.sqlite3"))
    broken = tmp_path / "organisations.csv"
    text = ORGANISATIONS_CSV.read_text(encoding="utf-8")
    assert cell in text
    text = text.replace(cell, broken_cell, 1)
    broken.write_text(text, encoding="utf-8")
    monkeypatch.setattr(lien.config, "ORGANISATIONS_CSV", broken)


def test_a_bad_row_is_hidden_and_the_rest_is_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A town Lien can't place: the site has nowhere to be shown. A kiosk's file (LIEN_STORE=off):
    # the store keeps no row the loader set aside (tests/pages/test_live.py).
    _broken_directory(
        tmp_path, monkeypatch, ",Steenokkerzeel,,,locality,", ",Atlantide,,,locality,"
    )
    monkeypatch.setenv("LIEN_STORE", "off")
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert not at.error
    assert "1 fiche masquée : elle est en cours de correction." in [c.value for c in at.caption]
    # Visitors never see the operator's problem table; the good rows are on the map.
    assert all(d.key != "problems" for d in at.dataframe)
    assert any("20 sites de" in m.value for m in at.markdown)  # of 21 located


def test_strict_mode_refuses_the_whole_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An unknown service code: the site would be shown (its service not stated), but a strict
    # operator refuses any problem.
    _broken_directory(tmp_path, monkeypatch, ",detention_visits,", ",detention_visit,")
    monkeypatch.setenv("LIEN_STRICT", "1")
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert "a été refusé : 1 problème" in at.error[0].value
    problems = _table(at, 0)
    assert problems.iloc[0]["Champ"] == "services"
    assert problems.iloc[0]["Problème"] == (
        "code de service inconnu 'detention_visit'"
        " — vouliez-vous dire Visites en centre fermé (detention_visits) ?"
        " ; valeur laissée de côté, ligne gardée"
    )


def _span(at: AppTest) -> float:
    """The latitude span of the bounds the map is fitted to."""
    found = re.search(
        r"fitBounds\(\[\[([\d.]+), [\d.]+\], \[([\d.]+), [\d.]+\]\]", _map_args(at)["feature_group"]
    )
    assert found, "no fitBounds in the sites layer"
    return float(found.group(2)) - float(found.group(1))


def test_base_map_stays_the_same_when_filters_change() -> None:
    """The component is keyed by its script: only the site layer may change with the filters."""
    everything, housing = _run(), _run(service="housing", near="Luik")
    assert _map_args(everything)["script"] == _map_args(housing)["script"]
    assert _map_args(everything)["feature_group"] != _map_args(housing)["feature_group"]
    # The view is fitted in the browser, to bounds that close in on the search point.
    assert _map_args(housing)["zoom"] is None
    assert "fitBounds(" in _map_args(housing)["feature_group"]
    assert _span(housing) < _span(everything)


def test_filters_and_language_follow_the_visitor_from_page_to_page() -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = "nl"
    at.query_params["service"] = "housing"
    at.run()
    at.switch_page("pages/1_Couverture_Dekking_Coverage.py").run()
    assert not at.exception
    assert at.title[0].value == "Dekking van de diensten"
    assert at.sidebar.multiselect(key="f_service").value == ["housing"]
    assert at.query_params["service"] == "housing"
    assert at.query_params["lang"] == "nl"


def test_every_view_can_be_taken_away() -> None:
    at = _run(service="housing", near="Luik")
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == [
        "Télécharger (CSV)",
        "Télécharger (Excel)",
        "Télécharger (GeoJSON)",
        "Open Referral HSDS (ZIP)",
        "Dépliant A4 (PDF)",
        "Carte hors ligne (HTML)",
    ]


# --- near me first: the bar at the top of the page -----------------------------------------------


def _messages(at: AppTest) -> list[str]:
    return [e.value for e in (*at.info, *at.warning)]


def test_the_near_me_bar_and_the_sidebar_are_one_filter() -> None:
    at = _run()
    at.text_input(key="m_near").input("Charlerois").run()
    assert not at.exception
    assert at.text_input(key="f_near").value == "Charlerois"  # the sidebar follows
    assert at.query_params["near"] == "Charlerois"
    at.multiselect(key="m_service").select("employment").run()
    assert at.multiselect(key="f_service").value == ["employment"]
    at.text_input(key="f_near").input("Gent").run()  # and the other way round
    assert at.text_input(key="m_near").value == "Gent"


@pytest.mark.parametrize(
    ("key", "other"), [("m_radius_km", "f_radius_km"), ("f_radius_km", "m_radius_km")]
)
def test_a_radius_beyond_the_range_is_brought_back_and_said_in_the_page_language(
    key: str, other: str
) -> None:
    at = _run(near="Namur", lang="nl")
    at.number_input(key=key).set_value(99999).run()
    assert not at.exception
    assert at.number_input(key=key).value == 250
    assert at.number_input(key=other).value == 250  # the bar and the sidebar stay one filter
    assert at.query_params["radius_km"] == "250"
    said = [m for m in _messages(at) if "99999" in m]
    assert said == ["De straal gaat van 1 tot 250 km: 99999 km wordt 250 km."]
    at.number_input(key=key).set_value(0).run()
    assert at.number_input(key=key).value == 1
    assert at.query_params["radius_km"] == "1"
    at.number_input(key=key).set_value(30).run()  # within the range: taken as typed, nothing said
    assert at.query_params["radius_km"] == "30"
    assert not [m for m in _messages(at) if "km wordt" in m]


def test_a_misspelt_town_is_read_as_the_town_and_said_so() -> None:
    at = _run(near="Charlerois", lang="en")
    assert not at.exception
    (message,) = [m for m in _messages(at) if "read as" in m]
    assert "Charleroi (6000)" in message
    assert "(commune centre)" in message
    assert "Charlerois" in message  # what the visitor typed, quoted as text


def test_several_close_towns_offer_a_choice_that_fills_the_box() -> None:
    at = _run(near="Berlaae")
    assert not at.exception
    choices = {b.label: b for b in at.button if b.key and b.key.startswith("suggest_")}
    assert set(choices) == {"Berlaar", "Berlare"}
    choices["Berlare"].click().run()
    assert at.text_input(key="f_near").value == "Berlare"
    assert at.text_input(key="m_near").value == "Berlare"
    assert any("Berlare" in m.value for m in at.info)


def test_a_station_gets_a_hint_not_a_silent_town_centre() -> None:
    at = _run(near="Gare du Midi", lang="fr")
    (warning,) = at.warning
    assert "1060" in warning.value  # type the postcode, for example 1060
    partial = _run(near="Bruxelles-Midi", lang="fr")
    (info,) = [m for m in partial.info if "Seul" in m.value]
    assert "Bruxelles" in info.value
    assert "1060" in info.value


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ({"latitude": 50.8355, "longitude": 4.3445, "accuracy": 20, "at": 1}, "arrondie"),
        ({"error": "denied", "at": 2}, "n’a pas partagé votre position"),
        ({"error": "insecure", "at": 3}, "HTTPS"),
        ({"error": "timeout", "at": 4}, "à temps"),
    ],
)
def test_use_my_location_fills_the_box_or_says_why_not(answer: dict, expected: str) -> None:
    at = _run()
    at.session_state["geo"] = answer
    at.run()
    assert not at.exception
    assert any(expected in m for m in _messages(at)), _messages(at)
    if "latitude" in answer:
        # Rounded to the commune, named: the position itself goes nowhere.
        assert at.text_input(key="f_near").value == "Saint-Gilles"
        assert at.text_input(key="m_near").value == "Saint-Gilles"
        assert at.query_params["near"] == "Saint-Gilles"


def test_use_my_location_says_the_commune_in_the_visitors_language() -> None:
    at = _run(lang="nl")
    at.session_state["geo"] = {"latitude": 50.4512, "longitude": 4.8580, "accuracy": 30, "at": 1}
    at.run()
    assert not at.exception
    assert at.text_input(key="f_near").value == "Namen"
    (said,) = [m for m in _messages(at) if "afgerond" in m]
    assert "centrum van Namen" in said
    assert "50.46" not in said
    everything = json.dumps(_map_args(at))
    assert "50.4512" not in everything
    assert "4.858" not in everything


def test_a_position_outside_belgium_keeps_its_message() -> None:
    at = _run()
    at.session_state["geo"] = {"latitude": 48.8566, "longitude": 2.3522, "at": 1}  # Paris
    at.run()
    assert not at.exception
    assert any("hors de Belgique" in m for m in _messages(at)), _messages(at)
    assert at.text_input(key="f_near").value == ""


# What a tampered frame (or a broken browser) could send instead of a position.
MALFORMED = [
    {"latitude": "abc", "longitude": 4.35, "at": 1},
    {"latitude": "50.8", "longitude": "4.3", "at": 2},
    {"latitude": float("nan"), "longitude": 4.35, "at": 3},
    {"latitude": float("inf"), "longitude": float("-inf"), "at": 4},
    {"latitude": 50.8, "at": 5},
    {"longitude": 4.35, "at": 6},
    {"at": 7},
    {"latitude": 1e308, "longitude": -1e308, "at": 8},
    {"latitude": 10**400, "longitude": 4.35, "at": 9},
    {"latitude": True, "longitude": False, "at": 10},
    {"latitude": [50.8], "longitude": {"x": 1}, "at": 11},
    {"latitude": None, "longitude": None, "at": 12},
    {"error": "<script>alert(1)</script>", "at": 13},
    {"error": 42, "at": 14},
    {"error": {"code": 1}},
    "abc",
    [50.8, 4.35],
    12345,
    {"latitude": 50.8, "longitude": 4.35, "at": {"deep": ["x"] * 10_000}},
]


def test_read_answer_keeps_only_positions_in_degrees_and_known_errors() -> None:
    assert read_answer({"latitude": 50.8, "longitude": 4.35, "at": 1}) == Answer(50.8, 4.35)
    assert read_answer({"latitude": 51, "longitude": -3}) == Answer(51.0, -3.0)
    assert read_answer({"error": "denied"}) == Answer(error="denied")
    assert read_answer({"latitude": 91.0, "longitude": 4.0}).error == "unavailable"
    assert read_answer({"latitude": 50.0, "longitude": 180.5}).error == "unavailable"
    for answer in MALFORMED[:-1]:
        assert read_answer(answer) == Answer(error="unavailable"), answer


@pytest.mark.parametrize("answer", MALFORMED, ids=range(len(MALFORMED)))
def test_a_malformed_location_answer_reads_as_unavailable(answer: object) -> None:
    at = _run()
    at.session_state["geo"] = answer
    at.run()
    assert not at.exception
    if isinstance(answer, dict) and answer.get("latitude") == 50.8:  # only its stamp is odd
        assert not re.search(r"\d\.\d", at.text_input(key="f_near").value)  # a commune's name
        return
    assert any("n’est pas disponible" in m for m in _messages(at)), _messages(at)
    assert at.text_input(key="f_near").value == ""
    assert "near" not in at.query_params


def test_one_rerun_locates_the_sites_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    original = schema.located

    def counted(sites: pd.DataFrame) -> pd.Series:
        calls.append(len(sites))
        return original(sites)

    at = _run(near="Namur", radius_km="25")
    assert not at.exception
    # Every lien module the page has imported that took `located` by name, and schema itself.
    for name, module in list(sys.modules.items()):
        if name.startswith("lien") and getattr(module, "located", None) is original:
            monkeypatch.setattr(module, "located", counted)
    at.run()  # a rerun, the directory already read
    assert not at.exception
    assert calls == [len(_table(at, 0)) + len(_table(at, 1))]
