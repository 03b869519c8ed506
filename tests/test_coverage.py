"""Coverage statistics on a small fixture directory whose figures were worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from geopy.distance import geodesic

from lien import coverage
from lien.filters import prepare
from lien.ingest.directory import load_directory

# Seven sites of six organisations. Header = line 1, so the sites are on lines 2-8.
#
#  site_id                 org           precision  place                          services
#  caritas-liege           caritas       address    manual 50.6400, 5.5700 (Liège)  housing;legal_aid
#  caritas-namur           caritas       address    manual 50.4650, 4.8650 (Namur)  housing
#  apd-caricole            apd           locality   Steenokkerzeel (town only)      detention_visits
#  medimmigrant-bruxelles  medimmigrant  locality   Bruxelles (town only)           health
#  vwv-antwerpen           vwv           address    Meir 1, 2000, no coordinates    housing;information
#  welcome-national        welcome       national   no place                        housing;mentoring
#  legal-online            legalonline   online     no place                        legal_aid
#
# Where the loader puts them (offline gazetteer):
#  caritas-liege   -> 50.6400, 5.5700, coord_precision address (manual), province 60000, 03000
#  caritas-namur   -> 50.4650, 4.8650, coord_precision address (manual), province 90000, 03000
#  apd-caricole    -> 50.91851, 4.50989 (Steenokkerzeel centre), locality, 20001, 02000
#  medimmigrant-.. -> 50.85045, 4.34878 (Bruxelles centre), locality, 04000, 04000
#  vwv-antwerpen   -> 51.22111, 4.399708 (centroid of 2000: offline, a street address is only
#                     placed at its postcode), coord_precision postcode, 10000, 02000
#  welcome-national, legal-online -> no coordinates, no province.
FIXTURE_CSV = """\
site_id,org_id,organisation,site,address,postcode,city,latitude,longitude,precision,services,audiences,languages,hours,phone,email,website,description,source,source_date
caritas-liege,caritas,Caritas,Café logement Liège,Rue des Prémontrés 12,4000,Liège,50.6400,5.5700,address,housing;legal_aid,,,,,,,,fixture § Caritas,2016-06
caritas-namur,caritas,Caritas,Café logement Namur,Rue de Fer 1,5000,Namur,50.4650,4.8650,address,housing,,,,,,,,fixture § Caritas,2016-06
apd-caricole,apd,Aide aux personnes déplacées,Visites au centre fermé Caricole,,,Steenokkerzeel,,,locality,detention_visits,,,,,,,,fixture § APD,2016-06
medimmigrant-bruxelles,medimmigrant,Medimmigrant,Consultations Bruxelles,,,Bruxelles,,,locality,health,,,,,,,,fixture § Medimmigrant,
vwv-antwerpen,vwv,Vluchtelingenwerk,Onthaal Antwerpen,Meir 1,2000,Antwerpen,,,address,housing;information,,,,,,,,fixture § VWV,2016
welcome-national,welcome,Refugees Welcome,Réseau d'hébergement,,,,,,national,housing;mentoring,,,,,,,,fixture § Welcome,2016-06
legal-online,legalonline,Legal Online,Permanence juridique en ligne,,,,,,online,legal_aid,,,,,,,,fixture § Legal,2017-03
"""

PROVINCES = [
    "04000",
    "10000",
    "20001",
    "20002",
    "30000",
    "40000",
    "50000",
    "60000",
    "70000",
    "80000",
    "90000",
]
BBOX = {"lat": (49.49, 51.51), "lon": (2.54, 6.41)}  # Belgium's extent, with a little slack


@pytest.fixture(scope="module")
def sites() -> pd.DataFrame:
    """The fixture directory, loaded and prepared as the app does."""
    return prepare(load_directory(FIXTURE_CSV.encode("utf-8")))


@pytest.fixture(scope="module")
def points() -> pd.DataFrame:
    """The municipality points of the installed gazetteer."""
    return coverage.municipality_points()


def _municipality(points: pd.DataFrame, nis: str) -> pd.DataFrame:
    """The one-row frame of a municipality, by NIS code."""
    row = points[points["municipality_code"] == nis]
    assert len(row) == 1
    return row


def _site(sites: pd.DataFrame, site_id: str) -> tuple[float, float]:
    """A fixture site's coordinates."""
    row = sites.set_index("site_id").loc[site_id]
    return float(row["latitude"]), float(row["longitude"])


# --- the fixture itself -------------------------------------------------------------------------


def test_fixture_is_located_as_worked_out(sites: pd.DataFrame) -> None:
    """The loader places each fixture site where the hand computation assumes."""
    by_id = sites.set_index("site_id")
    assert list(by_id.index) == [
        "caritas-liege",
        "caritas-namur",
        "apd-caricole",
        "medimmigrant-bruxelles",
        "vwv-antwerpen",
        "welcome-national",
        "legal-online",
    ]
    assert list(by_id["coord_precision"]) == [
        "address",
        "address",
        "locality",
        "locality",
        "postcode",
        "",
        "",
    ]
    assert list(by_id["province_code"]) == ["60000", "90000", "20001", "04000", "10000", "", ""]
    assert list(by_id["region_code"]) == ["03000", "03000", "02000", "04000", "02000", "", ""]
    assert _site(sites, "caritas-liege") == (50.64, 5.57)
    assert _site(sites, "caritas-namur") == (50.465, 4.865)
    assert _site(sites, "apd-caricole") == pytest.approx((50.91851, 4.50989), abs=1e-6)
    assert _site(sites, "medimmigrant-bruxelles") == pytest.approx((50.85045, 4.34878), abs=1e-6)
    assert _site(sites, "vwv-antwerpen") == pytest.approx((51.22111, 4.399708), abs=1e-6)
    assert by_id.loc[["welcome-national", "legal-online"], "latitude"].isna().all()


# --- headline -----------------------------------------------------------------------------------


def test_headline_counts(sites: pd.DataFrame) -> None:
    """Organisations, sites, services, provinces, approximate share, national orgs and dates."""
    figures = coverage.headline(sites)
    # org_id: caritas (2 sites), apd, medimmigrant, vwv, welcome, legalonline -> 6
    assert figures.organisations == 6
    assert figures.sites == 7
    # housing, legal_aid, detention_visits, health, information, mentoring -> 6
    assert figures.services_offered == 6
    # 60000 (Liège), 90000 (Namur), 20001 (Steenokkerzeel), 04000 (Bruxelles), 10000 (Antwerpen)
    assert figures.provinces_covered == 5
    assert figures.provinces_total == 11
    # Located: 5 sites. Approximate: Steenokkerzeel (locality), Bruxelles (locality) and
    # Antwerpen (address in the source but geocoded at its postcode) = 3. The two manual
    # positions are not approximate. 3 / 5 = 0.6 (the 2 unplaced sites are not in the ratio).
    assert figures.approximate_share == pytest.approx(0.6)
    # welcome (national) and legalonline (online)
    assert figures.national_organisations == 2
    # distinct non-empty dates, sorted; the undated Medimmigrant row adds nothing
    assert figures.source_dates == ("2016", "2016-06", "2017-03")


def test_headline_of_no_sites(sites: pd.DataFrame) -> None:
    """A filter that matches nothing gives zero figures, not an exception."""
    figures = coverage.headline(sites.iloc[0:0])
    assert (
        figures.organisations,
        figures.sites,
        figures.services_offered,
        figures.provinces_covered,
        figures.national_organisations,
    ) == (0, 0, 0, 0, 0)
    assert figures.provinces_total == 11
    assert figures.approximate_share == 0.0
    assert figures.source_dates == ()


# --- matrix -------------------------------------------------------------------------------------


def test_matrix_by_province_counts_every_cell(sites: pd.DataFrame) -> None:
    """Every non-zero cell of the province matrix, and zero everywhere else."""
    table = coverage.matrix(sites, "province")
    # Rows: all 20 taxonomy services; columns: the 11 provinces in REFNIS order + national.
    assert table.shape == (20, 12)
    assert list(table.columns) == [*PROVINCES, "national"]
    # (site, service) pairs: Liège housing+legal_aid, Namur housing, Caricole detention_visits,
    # Bruxelles health, Antwerpen housing+information, national housing+mentoring,
    # online legal_aid -> 10 pairs, each in exactly one cell.
    expected = {
        ("housing", "60000"): 1,
        ("housing", "90000"): 1,
        ("housing", "10000"): 1,
        ("housing", "national"): 1,
        ("legal_aid", "60000"): 1,
        ("legal_aid", "national"): 1,
        ("detention_visits", "20001"): 1,
        ("health", "04000"): 1,
        ("information", "10000"): 1,
        ("mentoring", "national"): 1,
    }
    for service in table.index:
        for area in table.columns:
            assert table.at[service, area] == expected.get((service, area), 0), (service, area)
    assert int(table.to_numpy().sum()) == 10
    # Liège's two services count once each; the housing row totals 4 sites (3 placed + national).
    assert table.loc["housing"].sum() == 4
    assert table.loc["legal_aid"].sum() == 2


def test_matrix_national_sites_never_in_a_province(sites: pd.DataFrame) -> None:
    """Mentoring, offered only by the national row, is counted in the national column alone."""
    table = coverage.matrix(sites, "province")
    assert table.loc["mentoring", PROVINCES].sum() == 0
    assert table.at["mentoring", "national"] == 1


def test_matrix_restricted_services(sites: pd.DataFrame) -> None:
    """With a service list, the index is exactly that list, in that order."""
    table = coverage.matrix(sites, "province", ["housing", "detention_visits"])
    assert list(table.index) == ["housing", "detention_visits"]
    assert table.shape == (2, 12)
    assert table.loc["housing"].to_dict() == {
        "04000": 0,
        "10000": 1,
        "20001": 0,
        "20002": 0,
        "30000": 0,
        "40000": 0,
        "50000": 0,
        "60000": 1,
        "70000": 0,
        "80000": 0,
        "90000": 1,
        "national": 1,
    }
    assert table.loc["detention_visits"].to_dict() == {
        "04000": 0,
        "10000": 0,
        "20001": 1,
        "20002": 0,
        "30000": 0,
        "40000": 0,
        "50000": 0,
        "60000": 0,
        "70000": 0,
        "80000": 0,
        "90000": 0,
        "national": 0,
    }


def test_matrix_unoffered_service_is_a_zero_row(sites: pd.DataFrame) -> None:
    """A requested service that no site offers is a row of zeros, not a missing row."""
    table = coverage.matrix(sites, "province", ["voluntary_return"])
    assert list(table.index) == ["voluntary_return"]
    assert table.to_numpy().tolist() == [[0] * 12]


def test_matrix_by_region(sites: pd.DataFrame) -> None:
    """Region columns: Flanders 02000, Wallonia 03000, Brussels 04000, then national."""
    table = coverage.matrix(
        sites,
        "region",
        ["housing", "legal_aid", "detention_visits", "health", "information", "mentoring"],
    )
    assert list(table.columns) == ["02000", "03000", "04000", "national"]
    # housing: Antwerpen (02000); Liège, Namur (03000); national row
    # legal_aid: Liège (03000); online row
    # detention_visits: Steenokkerzeel (02000); health: Bruxelles (04000)
    # information: Antwerpen (02000); mentoring: national row
    assert table.to_numpy().tolist() == [
        [1, 2, 0, 1],
        [0, 1, 0, 1],
        [1, 0, 0, 0],
        [0, 0, 1, 0],
        [1, 0, 0, 0],
        [0, 0, 0, 1],
    ]
    assert coverage.matrix(sites, "region").shape == (20, 4)


# --- gaps ---------------------------------------------------------------------------------------


def test_gaps_of_restricted_services(sites: pd.DataFrame) -> None:
    """Exactly the empty (service, province) cells, in row then REFNIS order."""
    table = coverage.matrix(sites, "province", ["housing", "detention_visits"])
    # housing is present in 10000, 60000, 90000 -> 8 gaps; detention_visits only in 20001
    # (Steenokkerzeel, Brabant flamand) -> 10 gaps. Its national cell is 0 but is no gap.
    assert coverage.gaps(table) == [
        ("housing", "04000"),
        ("housing", "20001"),
        ("housing", "20002"),
        ("housing", "30000"),
        ("housing", "40000"),
        ("housing", "50000"),
        ("housing", "70000"),
        ("housing", "80000"),
        ("detention_visits", "04000"),
        ("detention_visits", "10000"),
        ("detention_visits", "20002"),
        ("detention_visits", "30000"),
        ("detention_visits", "40000"),
        ("detention_visits", "50000"),
        ("detention_visits", "60000"),
        ("detention_visits", "70000"),
        ("detention_visits", "80000"),
        ("detention_visits", "90000"),
    ]


def test_gaps_never_name_the_national_column(sites: pd.DataFrame) -> None:
    """The national column is not an area: it is never a gap, even when it is zero."""
    table = coverage.matrix(sites, "province")
    holes = coverage.gaps(table)
    assert all(area != "national" for _, area in holes)
    # 20 services x 11 provinces = 220 cells. The 10 (site, service) pairs minus the 3 in the
    # national column leave 7 non-zero province cells (housing 3, legal_aid 1,
    # detention_visits 1, health 1, information 1) -> 220 - 7 = 213 gaps.
    assert len(holes) == 213
    mentoring = [area for service, area in holes if service == "mentoring"]
    assert mentoring == PROVINCES


def test_gaps_at_region_level(sites: pd.DataFrame) -> None:
    """Region gaps for housing and detention_visits."""
    table = coverage.matrix(sites, "region", ["housing", "detention_visits"])
    assert coverage.gaps(table) == [
        ("housing", "04000"),
        ("detention_visits", "03000"),
        ("detention_visits", "04000"),
    ]


# --- the service a page opens on -----------------------------------------------------------------


def test_the_service_most_sites_in_an_area_offer(sites: pd.DataFrame) -> None:
    # housing: Liège, Namur and Antwerp (3 sites in an area); every other service at most 1.
    assert coverage.most_offered(coverage.matrix(sites, "province")) == "housing"
    # A tie (1 each) goes to the first in the table's order.
    assert coverage.most_offered(coverage.matrix(sites, "province", ["health", "legal_aid"])) == (
        "health"
    )


def test_never_a_service_of_the_view_has_none_when_another_is_offered(
    sites: pd.DataFrame,
) -> None:
    # reception: no site at all; mentoring: only a national one; legal_aid: one in Liège.
    table = coverage.matrix(sites, "province", ["reception", "mentoring", "legal_aid"])
    assert coverage.most_offered(table) == "legal_aid"
    # Without any site in an area, the national and online ones count.
    assert coverage.most_offered(
        coverage.matrix(sites, "province", ["reception", "mentoring"])
    ) == ("mentoring")
    # Nothing offered at all: the first.
    assert coverage.most_offered(coverage.matrix(sites, "province", ["reception", "culture"])) == (
        "reception"
    )


# --- municipality points ------------------------------------------------------------------------


def test_municipality_points_cover_belgium(points: pd.DataFrame) -> None:
    """565 municipalities (all have a main-postcode centroid), in provinces, inside Belgium."""
    assert len(points) == 565
    assert points["municipality_code"].is_unique
    assert set(points["province_code"]) == set(PROVINCES)
    assert set(points["region_code"]) == {"02000", "03000", "04000"}
    lat = points["latitude"].to_numpy(float)
    lon = points["longitude"].to_numpy(float)
    assert np.isfinite(lat).all()
    assert np.isfinite(lon).all()
    assert ((lat > BBOX["lat"][0]) & (lat < BBOX["lat"][1])).all()
    assert ((lon > BBOX["lon"][0]) & (lon < BBOX["lon"][1])).all()
    # Brussels-Capital has 19 municipalities.
    assert (points["province_code"] == "04000").sum() == 19


def test_municipality_point_is_main_postcode_centroid(points: pd.DataFrame) -> None:
    """Liège (62063) sits at the centroid of its main postcode 4000."""
    liege = _municipality(points, "62063").iloc[0]
    assert (liege["municipality"], liege["municipality_nl"]) == ("Liège", "Luik")
    assert (liege["province_code"], liege["region_code"]) == ("60000", "03000")
    assert (liege["latitude"], liege["longitude"]) == pytest.approx((50.648205, 5.541864))


# --- nearest provider ---------------------------------------------------------------------------
#
# Hand computation: flat-earth (equirectangular) distances, which differ from the great circle by
# far less than 0.1 km at these ranges. One degree of latitude = 6371.0088 * pi / 180 = 111.195 km;
# one degree of longitude = 111.195 * cos(mean latitude).
#
# Municipality points (main-postcode centroids):
#   Liège 62063 (4000)      50.648205, 5.541864
#   Arlon 81001 (6700)      49.682763, 5.811919
#   Ostende 35013 (8400)    51.230318, 2.920327
#   Bruxelles 21004 (1000)  50.846557, 4.351697
#
# housing providers: Caritas Liège 50.64, 5.57; Caritas Namur 50.465, 4.865;
#                    Onthaal Antwerpen 51.22111, 4.399708 (the national row has no place)
#   Liège -> Caritas Liège:  dlat -0.008205 -> -0.912 km; dlon 0.028136 x 0.6341 -> 1.984 km
#            sqrt(0.912² + 1.984²) = 2.184 km  (Namur: 51.98 km, Antwerpen: 102.3 km)
#   Arlon -> Caritas Liège:  dlat 0.957237 -> 106.440 km; dlon -0.241919 x 0.6406 -> -17.233 km
#            sqrt(106.440² + 17.233²) = 107.826 km
#         -> Caritas Namur:  dlat 0.782237 -> 86.981 km; dlon -0.946919 x 0.6418 -> -67.577 km
#            sqrt(86.981² + 67.577²) = 110.147 km  (farther, by 2.3 km; Antwerpen: 198.1 km)
#   Ostende -> Onthaal Antwerpen: dlat -0.009208 -> -1.024 km; dlon 1.479381 x 0.6263
#            -> 103.019 km; 103.024 km  (Namur: 160.9 km, Liège: 196.9 km)
#   Bruxelles -> Onthaal Antwerpen: dlat 0.374553 -> 41.648 km; dlon 0.048011 x 0.6289
#            -> 3.357 km; 41.784 km  (Namur: dlat -42.427, dlon 36.185 -> 55.763 km)
#
# detention_visits provider: only Caricole (Steenokkerzeel centre) 50.91851, 4.50989
#   Bruxelles -> Caricole: dlat 0.071953 -> 8.001 km; dlon 0.158193 x 0.6309 -> 11.098 km;
#            13.681 km
#   Arlon -> Caricole: dlat 1.235747 -> 137.409 km; dlon -1.302029 x 0.6388 -> -92.479 km;
#            165.631 km
#
# health provider: only Consultations Bruxelles (Bruxelles centre) 50.85045, 4.34878
#   Bruxelles -> it: dlat 0.003893 -> 0.433 km; dlon -0.002917 x 0.6314 -> -0.205 km; 0.479 km

HOUSING = [
    # (NIS, expected nearest site, its site_id, its organisation, expected km by hand)
    ("62063", "Café logement Liège", "caritas-liege", "Caritas", 2.184),
    ("81001", "Café logement Liège", "caritas-liege", "Caritas", 107.826),
    ("35013", "Onthaal Antwerpen", "vwv-antwerpen", "Vluchtelingenwerk", 103.024),
    ("21004", "Onthaal Antwerpen", "vwv-antwerpen", "Vluchtelingenwerk", 41.784),
]


@pytest.mark.parametrize(("nis", "name", "site_id", "organisation", "km"), HOUSING)
def test_nearest_housing(
    sites: pd.DataFrame,
    points: pd.DataFrame,
    nis: str,
    name: str,
    site_id: str,
    organisation: str,
    km: float,
) -> None:
    """The nearest housing site of four municipalities, and its distance."""
    row = coverage.nearest_provider(sites, "housing", _municipality(points, nis)).iloc[0]
    assert row["nearest_site"] == name
    assert row["nearest_organisation"] == organisation
    assert row["distance_km"] == pytest.approx(km, abs=0.05)
    ellipsoid = geodesic((row["latitude"], row["longitude"]), _site(sites, site_id)).km
    assert math.isclose(row["distance_km"], ellipsoid, rel_tol=0.01)


@pytest.mark.parametrize(
    ("service", "nis", "name", "site_id", "km"),
    [
        ("detention_visits", "21004", "Visites au centre fermé Caricole", "apd-caricole", 13.681),
        ("detention_visits", "81001", "Visites au centre fermé Caricole", "apd-caricole", 165.631),
        ("health", "21004", "Consultations Bruxelles", "medimmigrant-bruxelles", 0.479),
    ],
)
def test_nearest_single_provider(
    sites: pd.DataFrame,
    points: pd.DataFrame,
    service: str,
    nis: str,
    name: str,
    site_id: str,
    km: float,
) -> None:
    """A service with one located provider: that provider, at the hand-computed distance."""
    row = coverage.nearest_provider(sites, service, _municipality(points, nis)).iloc[0]
    assert row["nearest_site"] == name
    assert row["distance_km"] == pytest.approx(km, abs=0.05)
    ellipsoid = geodesic((row["latitude"], row["longitude"]), _site(sites, site_id)).km
    assert math.isclose(row["distance_km"], ellipsoid, rel_tol=0.01)


def test_nearest_keeps_every_municipality(sites: pd.DataFrame, points: pd.DataFrame) -> None:
    """One finite distance per municipality; the only detention provider is everyone's nearest."""
    distances = coverage.nearest_provider(sites, "detention_visits", points)
    assert len(distances) == 565
    assert list(distances["municipality_code"]) == list(points["municipality_code"])
    assert np.isfinite(distances["distance_km"]).all()
    assert set(distances["nearest_site"]) == {"Visites au centre fermé Caricole"}
    # Housing has three located providers and every one of them is someone's nearest.
    housing = coverage.nearest_provider(sites, "housing", points)
    assert set(housing["nearest_site"]) == {
        "Café logement Liège",
        "Café logement Namur",
        "Onthaal Antwerpen",
    }


def test_nearest_of_unoffered_service_is_nan(sites: pd.DataFrame, points: pd.DataFrame) -> None:
    """A service nobody offers gives NaN distances and empty names, without an exception."""
    distances = coverage.nearest_provider(sites, "voluntary_return", points)
    assert len(distances) == 565
    assert distances["distance_km"].isna().all()
    assert (distances["nearest_site"] == "").all()
    assert (distances["nearest_organisation"] == "").all()


def test_national_and_online_sites_are_not_providers(
    sites: pd.DataFrame, points: pd.DataFrame
) -> None:
    """National/online rows have no place, so they are never anyone's nearest provider."""
    # mentoring: offered only by the national row -> no provider at all.
    assert coverage.nearest_provider(sites, "mentoring", points)["distance_km"].isna().all()
    # legal_aid: Caritas Liège and the online row -> Caritas Liège is everyone's nearest.
    legal = coverage.nearest_provider(sites, "legal_aid", points)
    assert np.isfinite(legal["distance_km"]).all()
    assert set(legal["nearest_site"]) == {"Café logement Liège"}
    assert set(legal["nearest_organisation"]) == {"Caritas"}


def test_nearest_does_not_change_its_input(sites: pd.DataFrame, points: pd.DataFrame) -> None:
    """The municipalities frame passed in is left as it was."""
    before = points.copy()
    coverage.nearest_provider(sites, "housing", points)
    pd.testing.assert_frame_equal(points, before)


# --- deserts ------------------------------------------------------------------------------------


def test_deserts_farthest_first(sites: pd.DataFrame, points: pd.DataFrame) -> None:
    """`top` rows, distances non-increasing, the first one the global maximum."""
    distances = coverage.nearest_provider(sites, "housing", points)
    worst = coverage.deserts(distances, top=15)
    assert len(worst) == 15
    km = worst["distance_km"].to_numpy()
    assert (np.diff(km) <= 0).all()
    assert km[0] == distances["distance_km"].max()
    # Nothing left out is farther than the last one kept.
    rest = distances.drop(index=worst.index)
    assert (rest["distance_km"] <= km[-1]).all()
    assert len(coverage.deserts(distances, top=3)) == 3


def test_deserts_of_no_provider(sites: pd.DataFrame, points: pd.DataFrame) -> None:
    """With no provider, deserts still returns `top` rows (all NaN) without an exception."""
    distances = coverage.nearest_provider(sites, "voluntary_return", points)
    worst = coverage.deserts(distances, top=5)
    assert len(worst) == 5
    assert worst["distance_km"].isna().all()


def test_matrix_counts_a_repeated_code_once(sites: pd.DataFrame) -> None:
    """A site that lists a service twice ('housing;legal_aid;housing') is still one site."""
    # The loader accepts a repeated code, so the statistics must not double-count it.
    doubled = load_directory(
        FIXTURE_CSV.replace("housing;legal_aid,", "housing;legal_aid;housing,").encode("utf-8")
    )
    assert doubled.set_index("site_id").at["caritas-liege", "services"] == (
        "housing;legal_aid;housing"
    )
    table = coverage.matrix(prepare(doubled), "province", ["housing"])
    assert table.at["housing", "60000"] == 1
    assert table.loc["housing"].sum() == 4
