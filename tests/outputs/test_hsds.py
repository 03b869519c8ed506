"""Open Referral HSDS 3.0 export and import: exact round trip, stable ids, a valid package, foreign
packages mapped onto Lien's schema, and bad zips refused with a clear message."""

from __future__ import annotations

import csv
import io
import json
import uuid
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lien import openreferral
from lien.config import ORGANISATIONS_CSV, MiB
from lien.ingest import hsds as hsds_in
from lien.ingest.directory import check, complete, read_directory
from lien.outputs import hsds as hsds_out
from lien.problems import DirectoryError
from lien.schema import FRESHNESS_COLUMNS, SCHEMA_COLUMNS
from tests.conftest import require_hsds_datapackage

COLUMNS = list(SCHEMA_COLUMNS)
# HSDS 3.0 required and tabular_required fields (schema/compiled/tabular.json of the 3.0 spec),
# written out here rather than taken from lien.openreferral, so the test checks the module.
HSDS_30_REQUIRED: dict[str, tuple[str, ...]] = {
    "organizations.csv": ("id", "name", "description"),
    "programs.csv": ("id", "organization_id", "name", "description"),
    "services.csv": ("id", "organization_id", "name", "status"),
    "locations.csv": ("id", "location_type"),
    "service_at_location.csv": ("id", "service_id", "location_id"),
    "addresses.csv": (
        "id",
        "address_1",
        "city",
        "state_province",
        "postal_code",
        "country",
        "address_type",
    ),
    "phones.csv": ("id", "number"),
    "contacts.csv": ("id",),
    "schedules.csv": ("id",),
    "languages.csv": ("id",),
    "taxonomies.csv": ("id", "name", "description"),
    "taxonomy_terms.csv": ("id", "name", "description"),
    "attributes.csv": ("id", "link_id", "taxonomy_term_id", "link_entity"),
}
V1 = Path(__file__).parent / "hsds_v1"


@pytest.fixture(scope="module")
def real() -> pd.DataFrame:
    result = read_directory()
    assert not result.problems
    return result.frame


@pytest.fixture(scope="module")
def tricky() -> pd.DataFrame:
    """The real directory with values that test the edges: manual coordinates, '+32' phones,
    formula-like text, several websites, e-mails and contact persons, a fax, a postcode."""
    raw = pd.read_csv(ORGANISATIONS_CSV, dtype=str, keep_default_na=False)
    thuin = raw["site_id"] == "cpas-thuin"
    raw.loc[thuin, ["latitude", "longitude"]] = ["50.3395123456789", "4.28641"]
    apd = raw["site_id"] == "apd-namur"
    raw.loc[apd, "latitude"], raw.loc[apd, "longitude"] = "50,4669", "4.8675"
    first = raw.index[0]
    raw.loc[first, "phone"] = "+32 2 537 82 08;02 537 82 09"
    raw.loc[first, "fax"] = "+32 2 537 82 10"
    raw.loc[first, "description"] = '=1+1, -2 and @SUM(A1) are text here; "quoted"\nsecond line'
    raw.loc[first, "contact_person"] = "-Jean Dupont;Marie (coordinatrice)"
    raw.loc[first, "website"] = "www.example.be;https://example.org/a?b=c"
    raw.loc[first, "email"] = "a@example.be;b@example.org"
    raw.loc[first, "hours"] = "+ le mardi ; le jeudi"
    raw.loc[first, "languages"] = "fr;prs;nl"
    raw.loc[first, "postcode"] = "4000"
    result = read_directory(raw.to_csv(index=False).encode("utf-8"))
    assert not result.problems, result.problems
    return result.frame


def _round_trip(frame: pd.DataFrame) -> pd.DataFrame:
    """Export, import and check again; the located frame that comes back."""
    imported = hsds_in.import_zip(hsds_out.export_zip(frame))
    assert list(imported["row"]) == list(range(2, len(frame) + 2))
    assert all(imported[c].map(type).eq(str).all() for c in COLUMNS)
    result = check(complete(imported))
    assert not result.problems, result.problems
    return result.frame


def _assert_same(result: pd.DataFrame, original: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(
        result[COLUMNS].reset_index(drop=True), original[COLUMNS].reset_index(drop=True)
    )
    # Coordinates equal as floats, not just close: the located frame keeps them as floats.
    assert np.array_equal(
        result["latitude"].to_numpy(), original["latitude"].to_numpy(), equal_nan=True
    )
    for column in ("coord_source", "coord_precision"):
        assert list(result[column]) == list(original[column])


def _files(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _table(data: bytes, name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(_files(data)[name].decode("utf-8"), newline="")))


def _zip(files: dict[str, str | bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(zipfile.ZipInfo(name), content)
    return out.getvalue()


# --- (1) round trip ----------------------------------------------------------------------------


def test_round_trip_of_the_real_directory(real: pd.DataFrame) -> None:
    _assert_same(_round_trip(real), real)


VIEWS: dict[str, Callable[[pd.DataFrame], pd.DataFrame]] = {
    "some-orgs": lambda f: f[f["org_id"].isin(["seso", "apd", "we-can-help", "cire"])],
    "reversed-localities": lambda f: f[f["precision"] == "locality"].iloc[::-1],
    "one-national-site": lambda f: f[f["precision"] == "national"].iloc[[0]],
}


@pytest.mark.parametrize("pick", list(VIEWS.values()), ids=list(VIEWS))
def test_round_trip_of_a_filtered_view(real: pd.DataFrame, pick) -> None:
    view = pick(real)
    _assert_same(_round_trip(view), view)


def test_round_trip_keeps_edge_values_exactly(tricky: pd.DataFrame) -> None:
    result = _round_trip(tricky)
    _assert_same(result, tricky)
    thuin = result[result["site_id"] == "cpas-thuin"].iloc[0]
    assert thuin["coord_source"] == "manual"
    assert thuin["latitude"] == 50.3395123456789
    assert result.iloc[0]["phone"] == "+32 2 537 82 08;02 537 82 09"


def test_round_trip_of_an_unlocated_frame(tricky: pd.DataFrame) -> None:
    """A frame as read (coordinates still text, no located columns) exports the same rows."""
    raw = tricky[COLUMNS].copy()
    for name in ("latitude", "longitude"):
        manual = tricky["coord_source"] == "manual"
        raw[name] = tricky[name].where(manual).map(lambda v: "" if pd.isna(v) else repr(v))
    _assert_same(_round_trip(raw), tricky)


def test_no_spreadsheet_apostrophe_in_hsds_files(tricky: pd.DataFrame) -> None:
    """HSDS files are data for programs: '+32' stays '+32' (the CSV/XLSX downloads are the
    spreadsheet-safe ones)."""
    data = hsds_out.export_zip(tricky)
    numbers = [p["number"] for p in _table(data, "phones.csv")]
    assert "+32 2 537 82 08" in numbers
    assert not any(n.startswith("'") for n in numbers)


# --- (2) stable ids ----------------------------------------------------------------------------


def test_two_exports_are_byte_identical(real: pd.DataFrame) -> None:
    first, second = hsds_out.export_zip(real), hsds_out.export_zip(real.copy())
    assert first == second
    assert _files(first) == _files(second)


def test_a_sub_view_shares_the_ids_of_the_full_export(real: pd.DataFrame) -> None:
    full = hsds_out.export_zip(real)
    view = real[real["org_id"].isin(["seso", "caritas", "cire"]) | (real.index % 5 == 0)]
    sub = hsds_out.export_zip(view)
    for name in (
        "services.csv",
        "locations.csv",
        "service_at_location.csv",
        "addresses.csv",
        "phones.csv",
        "contacts.csv",
        "schedules.csv",
        "languages.csv",
        "attributes.csv",
        "taxonomy_terms.csv",
        "taxonomies.csv",
    ):
        full_rows = {r["id"]: r for r in _table(full, name)}
        for row in _table(sub, name):
            assert full_rows.get(row["id"]) == row, (name, row)
    full_orgs = {r["id"]: r["name"] for r in _table(full, "organizations.csv")}
    sub_orgs = _table(sub, "organizations.csv")
    assert {r["id"]: r["name"] for r in sub_orgs}.items() <= full_orgs.items()
    assert len(sub_orgs) == view["org_id"].nunique()
    # The ids are Lien's ids through uuid5: anyone can recompute them.
    seso = next(r for r in _table(sub, "services.csv") if r["name"].startswith("Point Info"))
    assert seso["id"] == str(
        uuid.uuid5(openreferral.LIEN_NAMESPACE, json.dumps(["service", "seso-point-info-bordet"]))
    )


# --- (3) datapackage.json ----------------------------------------------------------------------


def test_datapackage_lists_every_file_with_its_fields(real: pd.DataFrame) -> None:
    files = _files(hsds_out.export_zip(real))
    package = json.loads(files["datapackage.json"])
    assert package["profile"] == "tabular-data-package"
    assert package["name"]
    paths = [r["path"] for r in package["resources"]]
    assert sorted(paths) == sorted(n for n in files if n != "datapackage.json")
    for needed in (
        "organizations.csv",
        "programs.csv",
        "services.csv",
        "locations.csv",
        "addresses.csv",
        "phones.csv",
        "service_at_location.csv",
        "languages.csv",
        "taxonomy_terms.csv",
        "taxonomies.csv",
        "attributes.csv",
    ):
        assert needed in paths
    names = {r["name"] for r in package["resources"]}
    for resource in package["resources"]:
        assert resource["profile"] == "tabular-data-resource"
        fields = resource["schema"]["fields"]
        header = next(csv.reader(io.StringIO(files[resource["path"]].decode("utf-8"))))
        assert header == [f["name"] for f in fields], resource["path"]
        assert all(f["type"] in ("string", "number", "date", "datetime", "time") for f in fields)
        assert resource["schema"]["primaryKey"] == "id"
        for key in resource["schema"].get("foreignKeys", []):
            assert key["reference"]["resource"] in names
            assert key["fields"] in header


def test_foreign_keys_resolve_and_ids_are_unique_uuids(real: pd.DataFrame) -> None:
    data = hsds_out.export_zip(real)
    package = json.loads(_files(data)["datapackage.json"])
    ids = {r["name"]: {row["id"] for row in _table(data, r["path"])} for r in package["resources"]}
    for resource in package["resources"]:
        rows = _table(data, resource["path"])
        assert len({row["id"] for row in rows}) == len(rows), resource["path"]
        for row in rows:
            uuid.UUID(row["id"])
        for key in resource["schema"].get("foreignKeys", []):
            target = ids[key["reference"]["resource"]]
            assert all(row[key["fields"]] in target for row in rows if row[key["fields"]])
    every_id = set().union(*ids.values())
    assert all(a["link_id"] in every_id for a in _table(data, "attributes.csv"))


# --- (4) HSDS 3.0 required fields ---------------------------------------------------------------


def test_hsds_required_fields_are_there_and_filled(tricky: pd.DataFrame) -> None:
    data = hsds_out.export_zip(tricky)
    files = _files(data)
    for name, required in HSDS_30_REQUIRED.items():
        header = next(csv.reader(io.StringIO(files[name].decode("utf-8"))))
        rows = _table(data, name)
        for field in required:
            assert field in header, (name, field)
            assert all(row[field] for row in rows), (name, field)
    assert {r["status"] for r in _table(data, "services.csv")} == {"active"}
    locations = _table(data, "locations.csv")
    assert {r["location_type"] for r in locations} == {"physical", "virtual"}
    addresses = _table(data, "addresses.csv")
    assert {(r["country"], r["address_type"]) for r in addresses} == {("BE", "physical")}
    assert {r["type"] for r in _table(data, "phones.csv")} == {"voice", "fax"}
    codes = [r["code"] for r in _table(data, "taxonomy_terms.csv")]
    assert len(codes) == len(set(codes))  # taxonomy_term.code is unique in HSDS
    for row in _table(data, "attributes.csv"):
        assert row["link_entity"] in ("service", "organization", "location", "taxonomy_term")


def test_only_full_places_are_addresses(tricky: pd.DataFrame) -> None:
    """HSDS needs a street and a postcode: a town-only place is said by its location instead."""
    data = hsds_out.export_zip(tricky)
    by_location = {r["location_id"]: r for r in _table(data, "addresses.csv")}
    locations = {r["id"]: r for r in _table(data, "locations.csv")}
    terms = {r["id"]: r["code"] for r in _table(data, "taxonomy_terms.csv")}
    values = {
        (a["link_id"], terms[a["taxonomy_term_id"]]): a["value"]
        for a in _table(data, "attributes.csv")
    }
    placed = tricky[tricky["precision"].isin(["address", "postcode", "locality"])]
    full = placed[(placed["address"] != "") & (placed["postcode"] != "")]
    assert 0 < len(full) < len(placed)
    assert len(by_location) == len(full)
    for _, site in placed.iterrows():
        location_id = openreferral.hsds_id("location", site["site_id"])
        if site["site_id"] in set(full["site_id"]):
            address = by_location[location_id]
            assert address["address_1"] == site["address"]
            assert address["postal_code"] == site["postcode"]
            assert address["city"] == site["city"]
            assert address["state_province"] == site["province"] != ""
            assert locations[location_id]["description"] == ""
            continue
        assert location_id not in by_location
        # People read the place in the description; Lien reads its parts in the attributes.
        assert site["city"] in locations[location_id]["description"]
        for field in ("address", "postcode", "city"):
            assert values.get((location_id, f"lien:{field}"), "") == site[field], field


def test_term_labels_are_attributes_in_french_and_dutch(real: pd.DataFrame) -> None:
    data = hsds_out.export_zip(real)
    header = next(csv.reader(io.StringIO(_files(data)["taxonomy_terms.csv"].decode("utf-8"))))
    assert header == list(openreferral.TABLES["taxonomy_term"][1])
    assert not any(name.startswith("lien_") for name in header)
    terms = {r["id"]: r for r in _table(data, "taxonomy_terms.csv")}
    housing = terms[openreferral.term_id("services", "housing")]
    assert (housing["name"], housing["language"]) == ("Housing", "en")
    labels = {
        terms[a["taxonomy_term_id"]]["code"]: a["value"]
        for a in _table(data, "attributes.csv")
        if a["link_id"] == housing["id"]
    }
    assert labels == {"lien:label_fr": "Logement", "lien:label_nl": "Huisvesting"}
    linked = [a for a in _table(data, "attributes.csv") if a["link_id"] == housing["id"]]
    assert {a["link_entity"] for a in linked} == {"taxonomy_term"}


def test_programs_table_is_shipped_empty_for_the_foreign_key(real: pd.DataFrame) -> None:
    data = hsds_out.export_zip(real)
    assert _table(data, "programs.csv") == []
    header = next(csv.reader(io.StringIO(_files(data)["programs.csv"].decode("utf-8"))))
    assert header == ["id", "organization_id", "name", "alternate_name", "description"]
    assert {r["program_id"] for r in _table(data, "services.csv")} == {""}


# --- (4b) against the standard's own tabular description ---------------------------------------


def _official() -> dict:
    return json.loads(require_hsds_datapackage().read_text(encoding="utf-8"))


def _frictionless_errors(data: bytes, folder: Path) -> list[str]:
    """Frictionless's errors for an export checked against the official HSDS 3.0 description,
    cut to the tables the export ships (their files side by side, as in the zip)."""
    import frictionless

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        archive.extractall(folder)
    descriptor = _official()
    descriptor["resources"] = [r for r in descriptor["resources"] if (folder / r["path"]).exists()]
    path = folder / "official-datapackage.json"
    path.write_text(json.dumps(descriptor), encoding="utf-8")
    report = frictionless.validate(str(path))
    errors = [f"package: {e.message}" for e in report.errors]
    errors += [f"{task.name}: {e.message}" for task in report.tasks for e in task.errors]
    assert report.valid == (not errors)
    return errors


@pytest.mark.parametrize("pick", [lambda f: f, *VIEWS.values()], ids=["seeds", *VIEWS])
def test_exports_validate_against_the_official_hsds_description(
    real: pd.DataFrame, pick, tmp_path: Path
) -> None:
    data = hsds_out.export_zip(pick(real))
    assert _frictionless_errors(data, tmp_path) == []


def test_edge_values_validate_against_the_official_hsds_description(
    tricky: pd.DataFrame, tmp_path: Path
) -> None:
    raw = tricky[COLUMNS].copy()  # and as read, before the loader placed it
    assert _frictionless_errors(hsds_out.export_zip(tricky), tmp_path / "located") == []
    assert _frictionless_errors(hsds_out.export_zip(raw), tmp_path / "as-read") == []


def test_frictionless_sees_what_was_wrong_before(tmp_path: Path) -> None:
    """The check finds the problems the earlier export had, so its silence means something."""
    errors = _frictionless_errors(_zip_folder(V1 / "package"), tmp_path)
    assert any("address_1" in e and "required" in e for e in errors)
    assert any("lien_label_fr" in e for e in errors)
    assert any('"program" does not exist' in e for e in errors)


def test_datapackage_matches_the_official_description(real: pd.DataFrame) -> None:
    ours = json.loads(_files(hsds_out.export_zip(real))["datapackage.json"])
    official = {r["name"]: r for r in _official()["resources"]}
    assert ours["profile"] == "tabular-data-package"
    assert ours["hsds_version"] == _official()["version"]
    shipped = {r["name"] for r in ours["resources"]}
    for resource in ours["resources"]:
        theirs = official[resource["name"]]
        assert resource["path"] == theirs["path"]
        assert resource["profile"] == theirs["profile"]
        keep = ("name", "type", "format", "constraints")
        assert [{k: f[k] for k in keep if k in f} for f in resource["schema"]["fields"]] == [
            {k: f[k] for k in keep if k in f} for f in theirs["schema"]["fields"]
        ], resource["name"]
        assert resource["schema"]["primaryKey"] == theirs["schema"]["primaryKey"]
        assert resource["schema"].get("foreignKeys", []) == theirs["schema"].get(
            "foreignKeys", []
        ), resource["name"]
        # Every table a foreign key points to is in the package.
        for key in theirs["schema"].get("foreignKeys", []):
            assert key["reference"]["resource"] in shipped, (resource["name"], key)


# --- (4c) packages Lien exported before ---------------------------------------------------------


def _zip_folder(folder: Path) -> bytes:
    return _zip({p.name: p.read_bytes() for p in sorted(folder.iterdir())})


def test_an_earlier_lien_export_still_imports_to_its_rows() -> None:
    """Made by Lien before issue 14: label columns in taxonomy_terms.csv, address rows with an
    empty street and postcode, no programs.csv (tests/outputs/hsds_v1/README.md)."""
    package = V1 / "package"
    terms = next(csv.reader(io.StringIO((package / "taxonomy_terms.csv").read_text("utf-8"))))
    assert terms[-2:] == ["lien_label_fr", "lien_label_nl"]
    addresses = list(csv.DictReader(io.StringIO((package / "addresses.csv").read_text("utf-8"))))
    assert any(a["address_1"] == "" and a["city"] for a in addresses)
    assert not (package / "programs.csv").exists()
    expected = read_directory(V1 / "lien-rows.csv")
    assert not expected.problems
    assert len(expected.frame) == 7
    result = check(complete(hsds_in.import_zip(_zip_folder(package))))
    assert not result.problems, result.problems
    _assert_same(result.frame, expected.frame)


def test_geocoded_points_are_exported_and_flagged(real: pd.DataFrame) -> None:
    data = hsds_out.export_zip(real)
    locations = {r["id"]: r for r in _table(data, "locations.csv")}
    terms = {r["id"]: r["code"] for r in _table(data, "taxonomy_terms.csv")}
    flags = {
        (a["link_id"], terms[a["taxonomy_term_id"]]): a["value"]
        for a in _table(data, "attributes.csv")
    }
    liege = locations[openreferral.hsds_id("location", "apd-liege")]
    assert float(liege["latitude"]) == pytest.approx(50.63373)
    assert flags[(liege["id"], "lien:coord_source")] == "geocoded"
    assert flags[(liege["id"], "lien:coord_precision")] == "locality"


# --- (5) foreign packages ----------------------------------------------------------------------

FOREIGN = {
    "organizations.csv": "id,name,description\n"
    "o1,Maison Solidaire,Une association bruxelloise.\n"
    "o2,Food Bank Gent,\n",
    "services.csv": "id,organization_id,name,status,description,email,url,assured_date\n"
    "s1,o1,Housing help,active,Aide au logement.,info@maison.example.be,"
    "https://maison.example.be,2024-05-01\n"
    "s2,o2,Basket weaving,active,,,,\n"
    "s3,o1,Helpline,active,,,,\n",
    "locations.csv": "id,location_type,name,latitude,longitude\n"
    "l1,physical,Maison Solidaire Ixelles,,\n",
    "addresses.csv": "id,location_id,address_1,city,postal_code,state_province,country,"
    "address_type\n"
    "a1,l1,Rue Haute 12,Bruxelles,1000,,BE,physical\n",
    "service_at_location.csv": "id,service_id,location_id\nx1,s1,l1\n",
    "taxonomy_terms.csv": "id,code,name,description\n"
    "t1,,Housing,Help finding a home\n"
    "t2,BW,Underwater basket weaving,Not one of Lien's services\n"
    "t3,,Asylum seekers,People seeking asylum\n"
    "t4,information,Info,Referral\n",
    "attributes.csv": "id,link_id,taxonomy_term_id,link_type,link_entity,value\n"
    "b1,s1,t1,,service,\nb2,s1,t3,,service,\nb3,s2,t2,,service,\n"
    "b4,s3,t4,,service,\n",
    "phones.csv": "id,service_id,number,type\n"
    "p1,s1,+32 2 123 45 67,voice\np2,s1,02 123 45 68,fax\n",
    "languages.csv": "id,service_id,name,code\nn1,s1,French,\nn2,s1,,NL\n",
}


def test_a_foreign_package_imports_into_valid_lien_rows() -> None:
    frame = hsds_in.import_zip(_zip(FOREIGN))
    assert list(frame.columns) == ["row", *COLUMNS, *FRESHNESS_COLUMNS]
    assert list(frame["row"]) == [2, 3, 4]
    result = check(complete(frame))
    housing = result.frame[result.frame["site"] == "Housing help"].iloc[0]
    assert housing["org_id"] == "maison-solidaire"
    assert housing["site_id"] == "maison-solidaire-1"
    assert housing["organisation"] == "Maison Solidaire"
    assert housing["services"] == "housing"
    assert housing["audiences"] == "asylum_seekers"
    assert (housing["address"], housing["postcode"], housing["city"]) == (
        "Rue Haute 12",
        "1000",
        "Bruxelles",
    )
    assert housing["precision"] == "address"
    assert housing["coord_source"] == "geocoded"
    assert housing["phone"] == "+32 2 123 45 67"
    assert housing["fax"] == "02 123 45 68"
    assert housing["languages"] == "fr;nl"
    assert housing["email"] == "info@maison.example.be"
    assert housing["website"] == "https://maison.example.be"
    assert housing["source"] == hsds_in.DEFAULT_NAME
    assert housing["source_date"] == "2024-05-01"
    helpline = result.frame[result.frame["site"] == "Helpline"].iloc[0]
    assert helpline["precision"] == "national"
    assert helpline["services"] == "information"
    assert helpline["site_id"] == "maison-solidaire-2"
    # The term Lien does not know is kept by name, so validation says which one it is.
    assert [(p.row, p.field, p.code) for p in result.problems] == [
        (3, "services", "unknown_service")
    ]
    assert "Underwater basket weaving" in result.problems[0].text("en")


@pytest.mark.parametrize(
    ("description", "place"),
    [
        ("Liège", ("", "", "Liège")),
        ("1000 Bruxelles", ("", "1000", "Bruxelles")),
        ("85 Rue Léon Théodor, Jette", ("85 Rue Léon Théodor", "", "Jette")),
        ("Ground floor, ring twice", ("", "", "")),
        ("Near Namur station", ("", "", "")),
    ],
)
def test_a_location_without_address_is_placed_only_by_a_description_that_is_a_place(
    description: str, place: tuple[str, str, str]
) -> None:
    files = {
        **FOREIGN,
        "locations.csv": f'id,location_type,name,description\nl1,physical,Here,"{description}"\n',
        "addresses.csv": "id,location_id,address_1,city,postal_code,country,address_type\n",
    }
    frame = hsds_in.import_zip(_zip(files))
    housing = frame[frame["site"] == "Housing help"].iloc[0]
    assert (housing["address"], housing["postcode"], housing["city"]) == place
    assert housing["description"] == "Aide au logement."


def test_a_package_in_a_folder_and_with_a_datapackage_is_found(real: pd.DataFrame) -> None:
    files = {
        f"lien-hsds/{name}": content for name, content in _files(hsds_out.export_zip(real)).items()
    }
    _assert_same(check(complete(hsds_in.import_zip(_zip(files)))).frame, real)


def test_a_lien_package_stripped_of_lien_fields_still_imports(real: pd.DataFrame) -> None:
    """Another tool may drop Lien's attributes: the standard fields still make valid rows."""
    files = _files(hsds_out.export_zip(real))
    terms = {
        r["id"]
        for r in csv.DictReader(io.StringIO(files["taxonomy_terms.csv"].decode()))
        if r["code"].startswith("lien:")
    }
    out = io.StringIO(newline="")
    reader = csv.DictReader(io.StringIO(files["attributes.csv"].decode(), newline=""))
    writer = csv.DictWriter(out, reader.fieldnames, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(r for r in reader if r["taxonomy_term_id"] not in terms)
    files["attributes.csv"] = out.getvalue().encode()
    del files["datapackage.json"]
    result = check(complete(hsds_in.import_zip(_zip(files))))
    assert not result.problems, result.problems
    frame = result.frame
    assert len(frame) == len(real)
    for column in (
        "organisation",
        "site",
        "services",
        "audiences",
        "address",
        "postcode",
        "city",
        "phone",
        "description",
    ):
        assert list(frame[column]) == list(real[column]), column
    assert set(frame["precision"]) == set(real["precision"])
    assert frame["org_id"].str.match(r"^[a-z0-9][a-z0-9_-]*$").all()


# --- (6) bad zips ------------------------------------------------------------------------------


def _refused(data: bytes) -> tuple[str, str]:
    with pytest.raises(DirectoryError) as caught:
        hsds_in.import_zip(data)
    [found] = caught.value.problems
    assert found.row is None
    assert found.field == "file"
    for lang in ("fr", "nl", "en"):
        assert found.text(lang)
        assert "{" not in found.text(lang)
    assert found.text("en") in str(caught.value)
    return found.code, found.text("en")


def test_not_a_zip_is_refused() -> None:
    code, text = _refused(b"id,name\n1,not a zip\n")
    assert code == "hsds_not_zip"
    assert "not a readable ZIP" in text


def test_missing_organizations_is_refused() -> None:
    files = {k: v for k, v in FOREIGN.items() if k != "organizations.csv"}
    code, text = _refused(_zip(files))
    assert code == "hsds_missing_file"
    assert "organizations.csv" in text


def test_a_file_without_a_required_column_is_refused() -> None:
    code, text = _refused(_zip({**FOREIGN, "organizations.csv": "id,title\no1,Maison\n"}))
    assert code == "hsds_missing_field"
    assert "organizations.csv" in text
    assert "name" in text


def test_a_package_without_services_is_refused() -> None:
    code, _ = _refused(_zip({**FOREIGN, "services.csv": "id,organization_id,name\n"}))
    assert code == "hsds_no_services"


def test_a_broken_datapackage_is_refused() -> None:
    code, text = _refused(_zip({**FOREIGN, "datapackage.json": "{not json"}))
    assert code == "hsds_bad_datapackage"
    assert "datapackage.json" in text


@pytest.mark.parametrize(
    "name",
    [
        "../evil.csv",
        "pkg/../../evil.csv",
        "/etc/organizations.csv",
        "C:\\organizations.csv",
        "..\\evil.csv",
    ],
)
def test_path_traversal_is_refused(name: str) -> None:
    code, text = _refused(_zip({**FOREIGN, name: "id,name\n"}))
    assert code == "hsds_unsafe_path"
    assert repr(name) in text


def test_an_oversized_archive_is_refused() -> None:
    # 51 MB of zeros deflate to about 50 KB: the size that counts is the unpacked one.
    code, text = _refused(_zip({**FOREIGN, "notes.csv": b"0" * (51 * MiB)}))
    assert code == "hsds_too_large"
    assert "50 MB" in text


def test_a_corrupt_member_is_refused() -> None:
    data = bytearray(_zip({**FOREIGN, "services.csv": FOREIGN["services.csv"] * 50}))
    start = data.find(b"services.csv") + len(b"services.csv")
    data[start + 40 : start + 60] = b"\x00" * 20  # inside the compressed services.csv
    code, _ = _refused(bytes(data))
    assert code == "hsds_not_zip"


def test_an_hsds_zip_is_told_from_a_workbook(real: pd.DataFrame) -> None:
    from openpyxl import Workbook

    book = io.BytesIO()
    Workbook().save(book)
    assert hsds_in.is_hsds_zip(hsds_out.export_zip(real))
    assert hsds_in.is_hsds_zip(_zip(FOREIGN))
    assert not hsds_in.is_hsds_zip(book.getvalue())
    assert not hsds_in.is_hsds_zip(b"site_id,org_id\n")
    assert not hsds_in.is_hsds_zip(b"PK\x03\x04junk")


def test_messages_exist_in_three_languages() -> None:
    from lien.i18n import translations
    from lien.problems import MESSAGES

    keys = [key for code, key in MESSAGES.items() if code.startswith("hsds_")]
    assert len(keys) == 9
    for key in keys:
        # A catalogue raises KeyError for a key it lacks (t would also want the text's fields).
        assert len({translations(lang).gettext(key) for lang in ("fr", "nl", "en")}) == 3


def test_freshness_goes_out_in_hsds_fields_and_comes_back_at_its_precision(
    real: pd.DataFrame,
) -> None:
    view = real.head(2).copy()
    view["status"] = ["temporarily closed", "active"]
    view["checked_on"] = ["2026-12-03", "2016-06"]
    view["changed_on"] = ["2026-11-30", "2016-06"]
    data = hsds_out.export_zip(view)
    services = _table(data, "services.csv")
    assert [s["status"] for s in services] == ["temporarily closed", "active"]
    # assured_date is a day: a month's check goes out as its first day ...
    assert [s["assured_date"] for s in services] == ["2026-12-03", "2016-06-01"]
    assert [s["last_modified"] for s in services] == [
        "2026-11-30T00:00:00Z",
        "2016-06-01T00:00:00Z",
    ]
    # ... and comes back a month, from Lien's own attribute.
    back = hsds_in.import_zip(data)
    assert back["checked_on"].tolist() == ["2026-12-03", "2016-06"]
    assert back["status"].tolist() == ["temporarily closed", "active"]
    assert back["changed_on"].tolist() == ["2026-11-30", "2016-06-01"]


def test_an_uploaded_package_s_history_goes_out_again_with_the_records_a_view_holds(
    real: pd.DataFrame,
) -> None:
    """A package with metadata rows, uploaded on the Data page (no store: its own history), then
    a view of one of its records downloaded: that record's rows, through the worker's pickle."""
    import pickle

    from lien import filters
    from lien.ingest.upload import Upload, check_upload

    view = real.head(2).copy()
    ids = [openreferral.hsds_id("service", s) for s in view["site_id"]]
    view.attrs[openreferral.METADATA_ATTR] = [
        {
            "id": openreferral.hsds_id("metadata", i),
            "resource_id": ids[i],
            "resource_type": "service",
            "last_action_date": "2026-12-01",
            "last_action_type": "update",
            "field_name": "phone",
            "previous_value": "=1+1",
            "replacement_value": f"081 00 00 0{i}",
            "updated_by": "ana",
        }
        for i in range(2)
    ]
    upload = check_upload(hsds_out.export_zip(view), "lien-hsds.zip")
    assert isinstance(upload, Upload)
    one = filters.apply(upload.frame, filters.Filters(q=view["site"].iloc[1]))
    assert list(one["site_id"]) == [view["site_id"].iloc[1]]
    rows = _table(hsds_out.export_zip(pickle.loads(pickle.dumps(one))), "metadata.csv")
    assert [(r["resource_id"], r["replacement_value"]) for r in rows] == [(ids[1], "081 00 00 01")]
    assert rows[0]["previous_value"] == "'=1+1"  # read back as text, written defended again
