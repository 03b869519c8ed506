"""OfflineGeocoder: place names in every language, addresses, honest precision, geopy's contract."""

from __future__ import annotations

import pytest
from geopy.geocoders.base import Geocoder
from geopy.location import Location

from lien.geo.gazetteer import PRECISIONS_OFFLINE, Gazetteer
from lien.geocoding import RESULT_KEYS, OfflineGeocoder, get_geocoder

REGION_CODES = {"02000", "03000", "04000"}


@pytest.fixture(scope="module")
def geocoder() -> OfflineGeocoder:
    """A geocoder over its own gazetteer, so memo state never leaks between modules."""
    return OfflineGeocoder(Gazetteer.load())


def _raw(geocoder: OfflineGeocoder, query: str) -> dict:
    location = geocoder.geocode(query)
    assert location is not None, f"no answer for {query!r}"
    return location.raw


# Every name of the issue, in each language, with its province's REFNIS code.
PROVINCES = [
    ("Anvers", "10000"),
    ("Antwerpen", "10000"),
    ("Antwerp", "10000"),
    ("Luik", "60000"),
    ("Liège", "60000"),
    ("Liege", "60000"),
    ("Lüttich", "60000"),
    ("Bergen", "50000"),
    ("Mons", "50000"),
    ("Namen", "90000"),
    ("Namur", "90000"),
    ("Gand", "40000"),
    ("Gent", "40000"),
    ("Ghent", "40000"),
    ("Louvain", "20001"),
    ("Leuven", "20001"),
    ("Löwen", "20001"),
    ("Zeebrugge", "30000"),
    ("Jette", "04000"),
    ("Louvain-la-Neuve", "20002"),
    ("Bruxelles", "04000"),
    ("Brussel", "04000"),
    ("Brussels", "04000"),
    ("Sankt Vith", "60000"),
    ("Sankt-Vith", "60000"),
    ("Kelmis", "60000"),
]


@pytest.mark.parametrize(("query", "province_code"), PROVINCES)
def test_place_names_resolve_to_their_province(
    geocoder: OfflineGeocoder, query: str, province_code: str
) -> None:
    """FR, NL, DE and EN names all land in the right province, at locality precision."""
    raw = _raw(geocoder, query)
    assert raw["province_code"] == province_code
    assert raw["precision"] == "locality"


@pytest.mark.parametrize(
    ("query", "municipality_code"),
    [
        ("Anvers", "11002"),
        ("Antwerp", "11002"),
        ("Luik", "62063"),
        ("Lüttich", "62063"),
        ("Bergen", "53053"),
        ("Namen", "92094"),
        ("Ghent", "44021"),
        ("Löwen", "24062"),
        ("Zeebrugge", "31005"),  # a section of Brugge, though nearer to Blankenberge
        ("Jette", "21010"),
        ("Louvain-la-Neuve", "25121"),  # a section of Ottignies-Louvain-la-Neuve
        ("Brussels", "21004"),
        ("Sankt Vith", "63067"),
        ("Kelmis", "63040"),
    ],
)
def test_place_names_resolve_to_their_municipality(
    geocoder: OfflineGeocoder, query: str, municipality_code: str
) -> None:
    """Sections and exonyms find the municipality they belong to."""
    assert _raw(geocoder, query)["municipality_code"] == municipality_code


@pytest.mark.parametrize("variant", ["LIEGE", "liege", "LiÈgE", "Liège", "  Liège  ", "LÜTTICH"])
def test_case_and_accents_do_not_matter(geocoder: OfflineGeocoder, variant: str) -> None:
    """Upper case, lower case, missing or odd accents and stray spaces give one answer."""
    assert _raw(geocoder, variant) == _raw(geocoder, "Liège")


@pytest.mark.parametrize(
    ("query", "municipality", "nis", "postcode"),
    [
        ("Rue de Parme 26, 1060 Bruxelles", "Saint-Gilles", "21013", "1060"),
        ("Drève des Alliés 3, 6530 Thuin", "Thuin", "56078", "6530"),
        ("Drève des Alliés, 3 B-6530 Thuin", "Thuin", "56078", "6530"),
        ("rue Héger-Bordet 3 à 1000 Bruxelles", "Bruxelles", "21004", "1000"),
        ("6530", "Thuin", "56078", "6530"),
    ],
)
def test_addresses_with_postcode(
    geocoder: OfflineGeocoder, query: str, municipality: str, nis: str, postcode: str
) -> None:
    """The postcode decides, even when the town written after it is the region's capital."""
    raw = _raw(geocoder, query)
    assert (raw["municipality"], raw["municipality_code"]) == (municipality, nis)
    assert raw["postcode"] == postcode
    assert raw["precision"] == "postcode"


def test_postcode_alone_gives_its_centroid(geocoder: OfflineGeocoder) -> None:
    """'6530' is the postcode's point, not Thuin's town hall."""
    location = geocoder.geocode("6530")
    assert location.latitude == pytest.approx(50.304, abs=0.001)
    assert location.longitude == pytest.approx(4.245, abs=0.001)
    assert (location.latitude, location.longitude) == (
        location.raw["latitude"],
        location.raw["longitude"],
    )


def test_address_without_postcode_uses_the_town(geocoder: OfflineGeocoder) -> None:
    """No postcode: the town name decides, and the answer says it is only a locality."""
    raw = _raw(geocoder, "85 Rue Léon Théodor à Jette")
    assert (raw["municipality"], raw["municipality_code"]) == ("Jette", "21010")
    assert raw["precision"] == "locality"


@pytest.mark.parametrize(
    "query",
    [
        "Luik",
        "Zeebrugge",
        "Kelmis",
        "Rue de Parme 26, 1060 Bruxelles",
        "6530",
        "B-4000",
        "85 Rue Léon Théodor à Jette",
        "Kerkstraat 5, Gent",
        "9000 Gent",
    ],
)
def test_precision_is_honest(geocoder: OfflineGeocoder, query: str) -> None:
    """Offline answers are at best a postcode centroid; a house number never makes it 'address'."""
    raw = _raw(geocoder, query)
    has_postcode = geocoder.gazetteer.find_postcode(query) is not None
    assert raw["precision"] == ("postcode" if has_postcode else "locality")
    assert raw["precision"] in PRECISIONS_OFFLINE
    assert raw["precision"] != "address"


@pytest.mark.parametrize("query", ["xyzzy nowhere", "", "   ", "Paris", "12345", "0000", None])
def test_unknown_gives_none(geocoder: OfflineGeocoder, query: str | None) -> None:
    """geopy's convention: no match is None, with exactly_one either way."""
    assert geocoder.locate(query) is None
    assert geocoder.geocode(query) is None
    assert geocoder.geocode(query, exactly_one=False) is None


def test_exactly_one_false_returns_a_list(geocoder: OfflineGeocoder) -> None:
    """exactly_one=False gives a list of Locations, like every geopy geocoder."""
    found = geocoder.geocode("Namur", exactly_one=False)
    assert isinstance(found, list)
    assert len(found) == 1
    assert isinstance(found[0], Location)
    assert found[0].raw == geocoder.geocode("Namur").raw


def test_is_a_geopy_geocoder(geocoder: OfflineGeocoder) -> None:
    """Code written for geopy can take the offline geocoder as is."""
    assert isinstance(geocoder, Geocoder)
    location = geocoder.geocode("Namur", timeout=5)
    assert isinstance(location, Location)
    assert "Namur" in location.address


@pytest.mark.parametrize(
    "query",
    ["Luik", "Rue de Parme 26, 1060 Bruxelles", "Zeebrugge", "Kelmis", "Arlon", "9000", "Hasselt"],
)
def test_raw_carries_all_keys(geocoder: OfflineGeocoder, query: str) -> None:
    """Every answer has the 10 documented keys, filled, with a valid region."""
    raw = _raw(geocoder, query)
    assert tuple(raw) == RESULT_KEYS
    assert all(raw[k] not in ("", None) for k in RESULT_KEYS)
    assert raw["region_code"] in REGION_CODES
    assert raw["province_code"] in geocoder.gazetteer.provinces
    assert 49.4 < raw["latitude"] < 51.6
    assert 2.5 < raw["longitude"] < 6.5


def test_brussels_province_is_the_region(geocoder: OfflineGeocoder) -> None:
    """Brussels belongs to no province: its province code is the region's, 04000."""
    for query in ("Bruxelles", "Brussel", "Jette", "1060"):
        raw = _raw(geocoder, query)
        assert raw["province_code"] == raw["region_code"] == "04000"


def test_structured_query(geocoder: OfflineGeocoder) -> None:
    """geopy-style dict queries are joined into text."""
    raw = geocoder.geocode(
        {"street": "Drève des Alliés 3", "postalcode": "6530", "city": "Thuin"}
    ).raw
    assert raw["municipality_code"] == "56078"
    assert raw["precision"] == "postcode"


def test_locate_many(geocoder: OfflineGeocoder) -> None:
    """Batch answers come back in order, one per query, None for empty or unknown ones."""
    queries = ["Luik", "", "xyzzy", "6530", "Luik", "  Gent  "]
    found = geocoder.locate_many(queries)
    assert len(found) == len(queries)
    assert [p.municipality_code if p else None for p in found] == [
        "62063",
        None,
        None,
        "56078",
        "62063",
        "44021",
    ]


def test_default_geocoder_is_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without LIEN_GEOCODER the app never touches the network."""
    monkeypatch.delenv("LIEN_GEOCODER", raising=False)
    assert isinstance(get_geocoder(), OfflineGeocoder)
    monkeypatch.setenv("LIEN_GEOCODER", "bogus")
    with pytest.raises(ValueError, match="LIEN_GEOCODER"):
        get_geocoder()
