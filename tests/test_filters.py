"""Filters alone and combined, distance ordering, and the URL round trip."""

from __future__ import annotations

import math
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest
from geopy.distance import geodesic

from lien import filters
from lien.filters import Filters, from_query, to_query
from lien.geo import distance
from lien.geo.gazetteer import default_gazetteer
from lien.ingest import directory
from lien.ingest.directory import load_directory


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return directory.prepare(load_directory())


def _ids(result: pd.DataFrame) -> set[str]:
    return set(result["site_id"])


def test_no_filter_keeps_everything(frame: pd.DataFrame) -> None:
    assert len(filters.apply(frame, Filters())) == len(frame)


def test_service_filter(frame: pd.DataFrame) -> None:
    result = filters.apply(frame, Filters(services=("housing",)))
    assert result["services"].str.split(";").map(lambda s: "housing" in s).all()
    assert {"caritas-housing-cafe-liege", "seso-siege", "cire"} <= _ids(result)
    # 'housing' must not match inside another code
    assert "collectif-des-femmes-tremplin" not in _ids(result)


def test_a_service_is_a_whole_code_of_the_cell_whatever_its_spacing_or_blanks() -> None:
    cells = ["housing", " legal_aid ; housing ", "housing_support", None, "", "health;;housing"]
    frame = directory.prepare(load_directory()).head(len(cells)).copy()
    frame["services"] = pd.Series(cells, index=frame.index, dtype="str")
    kept = filters.apply(frame, Filters(services=("housing",)))
    assert kept.index.tolist() == [frame.index[i] for i in (0, 1, 5)]


def test_several_services_are_alternatives(frame: pd.DataFrame) -> None:
    one = _ids(filters.apply(frame, Filters(services=("detention_visits",))))
    two = _ids(filters.apply(frame, Filters(services=("detention_visits", "health"))))
    assert one == {"apd-caricole", "seso-127-bis", "seso-holsbeek"}
    assert one < two
    assert "medecins-du-monde-zeebrugge" in two


def test_audience_filter(frame: pd.DataFrame) -> None:
    result = filters.apply(frame, Filters(audiences=("unaccompanied_minors",)))
    # The Point Info « Bordet » is open to everyone, so it lists every audience.
    assert _ids(result) == {"exil", "seso-siege", "seso-point-info-bordet"}


def test_language_filter(frame: pd.DataFrame) -> None:
    # ToGather.one presents itself in three languages but states none it serves people in.
    assert _ids(filters.apply(frame, Filters(languages=("nl",)))) == {"csp-bruxelles"}


def test_province_filter_keeps_national_sites(frame: pd.DataFrame) -> None:
    result = filters.apply(frame, Filters(provinces=("50000",)))
    located = result[result["_located"]]
    assert set(located["province_code"]) == {"50000"}
    assert {"cpas-thuin", "cric-charleroi", "apd-mons"} <= _ids(located)
    assert "cire" in _ids(result)  # national: serves every province


def test_region_code_selects_its_provinces(frame: pd.DataFrame) -> None:
    result = filters.apply(frame, Filters(provinces=("02000",), national=False))
    assert set(result["region_code"]) == {"02000"}
    assert "medecins-du-monde-zeebrugge" in _ids(result)


def test_national_toggle(frame: pd.DataFrame) -> None:
    result = filters.apply(frame, Filters(national=False))
    assert result["_located"].all()
    assert len(result) == frame["_located"].sum()


def test_keyword_ignores_accents_and_case(frame: pd.DataFrame) -> None:
    plain = _ids(filters.apply(frame, Filters(q="medecins du monde")))
    accented = _ids(filters.apply(frame, Filters(q="MÉDECINS")))
    assert plain == accented == {"medecins-du-monde-zeebrugge"}
    assert "exil" in _ids(filters.apply(frame, Filters(q="tortures")))  # description


def test_filters_combine_with_and(frame: pd.DataFrame) -> None:
    result = filters.apply(
        frame, Filters(services=("legal_aid",), provinces=("04000",), national=False, q="seso")
    )
    assert _ids(result) == {"seso-siege", "seso-point-info-bordet"}


def test_distance_ordering_and_radius(frame: pd.DataFrame) -> None:
    thuin = default_gazetteer().lookup("Thuin")
    result = filters.apply(frame, Filters(radius_km=60), (thuin.latitude, thuin.longitude))
    located = result[result["_located"]]
    assert located.iloc[0]["site_id"] == "cpas-thuin"
    assert located["distance_km"].is_monotonic_increasing
    assert (located["distance_km"] <= 60).all()
    assert {"cric-charleroi", "apd-mons"} <= _ids(located)
    assert "apd-liege" not in _ids(located)
    # national rows have no distance and come last
    assert result["distance_km"].isna().sum() == (~result["_located"]).sum()
    assert not result["_located"].iloc[-1]


def test_haversine_matches_geodesic_within_half_percent() -> None:
    import numpy as np

    d = distance.haversine_km(50.8467, 4.3525, np.array([50.6337]), np.array([5.5675]))[0]
    assert math.isclose(d, geodesic((50.8467, 4.3525), (50.6337, 5.5675)).km, rel_tol=0.005)


def test_query_round_trip() -> None:
    f = Filters(
        services=("housing", "legal_aid"),
        audiences=("refugees",),
        provinces=("04000", "60000"),
        languages=("fr",),
        q="café",
        near="Luik",
        radius_km=12.0,
        national=False,
        lang="nl",
    )
    query = to_query(f)
    assert query == {
        "service": "housing,legal_aid",
        "audience": "refugees",
        "province": "04000,60000",
        "language": "fr",
        "q": "café",
        "near": "Luik",
        "radius_km": "12",
        "national": "0",
        "lang": "nl",
    }
    parsed = from_query(query)
    assert parsed.filters == f
    assert parsed.notices == []


def test_defaults_give_a_query_with_the_language_only() -> None:
    # The language is always said: a link without it opens in its follower's browser language.
    assert to_query(Filters()) == {"lang": "fr"}
    assert from_query({}).filters == Filters()


def test_repeated_parameters_are_values() -> None:
    parsed = from_query({"service": ["housing", "health"], "lang": ["nl", "en"]})
    assert parsed.filters.services == ("housing", "health")
    assert parsed.filters.lang == "en"


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"service": "teleportation"}, "service"),
        ({"audience": "<script>"}, "audience"),
        ({"province": "99999"}, "province"),
        ({"language": "xx"}, "language"),
        ({"radius_km": "far"}, "radius_km"),
        ({"radius_km": "-5"}, "radius_km"),
        ({"radius_km": "nan"}, "radius_km"),
        ({"national": "yes"}, "national"),
        ({"lang": "it"}, "lang"),
        ({"q": "x" * 5000}, "q"),
    ],
)
def test_bad_values_are_ignored_with_a_notice(params: dict[str, str], name: str) -> None:
    parsed = from_query(params)
    assert [n.name for n in parsed.notices] == [name]
    assert len(parsed.notices[0].value) <= 41
    assert len(parsed.filters.q) <= filters.MAX_TEXT


def test_good_values_survive_next_to_bad_ones() -> None:
    parsed = from_query({"service": "housing,nope"})
    assert parsed.filters.services == ("housing",)
    assert [(n.name, n.value) for n in parsed.notices] == [("service", "nope")]


def test_share_url_opens_the_same_view() -> None:
    chosen = Filters(services=("housing", "legal_aid"), near="Liège", radius_km=10.0, lang="nl")
    url = filters.share_url("https://lien.example/app?old=1#top", chosen)
    assert url == (
        "https://lien.example/app?service=housing%2Clegal_aid&near=Li%C3%A8ge&radius_km=10&lang=nl"
    )
    parsed = filters.from_query(parse_qs(urlsplit(url).query), [])
    assert parsed.filters == chosen
    assert parsed.notices == []
    assert (
        filters.share_url("http://localhost:8501/", Filters()) == "http://localhost:8501/?lang=fr"
    )


def test_a_page_s_own_parameter_is_read_checked_and_shared() -> None:
    parsed = from_query({"service": "housing,legal_aid", "focus": "legal_aid"})
    assert parsed.pages == {"focus": "legal_aid"}
    assert parsed.notices == []
    # It is no filter: the view's sites are the same with or without it.
    assert parsed.filters == Filters(services=("housing", "legal_aid"))
    assert "focus" not in to_query(parsed.filters)
    url = filters.share_url("https://lien.example/Couverture", parsed.filters, parsed.pages)
    assert url.endswith("?service=housing%2Clegal_aid&lang=fr&focus=legal_aid")
    assert from_query(parse_qs(urlsplit(url).query)).pages == parsed.pages
    assert filters.FOCUS.param in filters.URL_PARAMS
    assert filters.FOCUS.key == "page_focus"


@pytest.mark.parametrize("value", ["teleportation", "<b>x</b>", "x" * 5000])
def test_an_unknown_page_parameter_is_ignored_with_a_notice(value: str) -> None:
    parsed = from_query({"focus": value, "lang": "nl"})
    assert parsed.pages == {}
    assert parsed.filters == Filters(lang="nl")
    assert [n.name for n in parsed.notices] == ["focus"]
    assert len(parsed.notices[0].value) <= 41


def test_counts_are_those_the_page_and_the_handout_print(frame: pd.DataFrame) -> None:
    # A located site and a national one of the same organisation, another located organisation.
    view = pd.DataFrame(
        {
            "org_id": ["a", "a", "b", "c"],
            "latitude": [50.8, float("nan"), 50.4, float("nan")],
            "longitude": [4.3, float("nan"), 4.4, float("nan")],
        }
    )
    assert filters.counts(view) == filters.Counts(sites=2, organisations=2, national=2)
    assert filters.counts(view.iloc[0:0]) == filters.Counts(0, 0, 0)
    seeds = filters.counts(filters.apply(frame, Filters()))
    assert seeds.sites == int(frame["_located"].sum())
    assert seeds.national == frame.loc[~frame["_located"], "org_id"].nunique()


@pytest.mark.parametrize(
    ("address", "root"),
    [
        # The browser's address at the root has no trailing "/": it must not become "http://".
        ("http://localhost:8501", "http://localhost:8501/"),
        ("http://localhost:8501/", "http://localhost:8501/"),
        ("http://localhost:8501/?service=legal_aid&near=Gent#top", "http://localhost:8501/"),
        ("https://lien.example.be/app", "https://lien.example.be/app/"),
        (
            "https://lien.example.be/app/Couverture_Dekking_Coverage?x=1",
            "https://lien.example.be/app/",
        ),
        ("http://10.0.0.5:8501/Donnees_Gegevens_Data", "http://10.0.0.5:8501/"),
        # A host that happens to bear a page's name is a host.
        ("http://Donnees_Gegevens_Data", "http://Donnees_Gegevens_Data/"),
    ],
)
def test_app_root_from_the_browser_address(address: str, root: str) -> None:
    subpages = ("Couverture_Dekking_Coverage", "Donnees_Gegevens_Data")
    assert filters.app_root(address, subpages) == root
    # and the share URL built on it keeps its host
    url = filters.share_url(filters.app_root(address, subpages), Filters(near="Gent"))
    assert urlsplit(url).netloc == urlsplit(root).netloc
    assert url == root + "?near=Gent&lang=fr"


@pytest.mark.parametrize(
    ("typed", "kept"),
    [(0.0, 1.0), (-5.0, 1.0), (1.0, 1.0), (42.0, 42.0), (250.0, 250.0), (99999.0, 250.0)],
)
def test_a_radius_beyond_the_range_becomes_its_nearest_end(typed: float, kept: float) -> None:
    assert filters.bounded_radius(typed) == kept
    assert filters.RADIUS_RANGE == (1.0, 250.0)
