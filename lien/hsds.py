"""Open Referral HSDS 3.0: a view as a tabular data package (zip), and such a package back as rows.

How Lien maps onto HSDS (the README of data/ explains it for users):

- an organisation (`org_id`) is an HSDS organization;
- a Lien row (a site: one organisation's activity at one place) is an HSDS **service**: it has its
  own name, description, hours, contacts and service codes, which is what HSDS puts on a service.
  Its place is a **location** (with an **address**) joined by one **service_at_location**; a
  national site has no location, an online one a virtual location.
- service and audience codes are taxonomy terms, attached with attributes;
- hours are a schedule's description; contact persons and extra e-mails are contacts; phone and fax
  numbers are phones; languages are languages;
- what HSDS has no field for (Lien's ids, precision, source, source date, notes, websites as
  printed, where the coordinates come from) is an attribute whose term belongs to the "Lien fields"
  taxonomy and whose `value` holds the text: HSDS's own extension mechanism, which any HSDS tool
  keeps, so a package can go through other tools and still rebuild the same Lien rows.

Ids are uuid5 over Lien's own ids, so the same site has the same HSDS ids in every export.
"""

from __future__ import annotations

import csv
import io
import json
import math
import posixpath
import re
import uuid
import zipfile
import zlib
from collections import defaultdict
from functools import lru_cache
from typing import Any, Iterable

import numpy as np
import pandas as pd

from lien import mapview, taxonomy, upload
from lien.directory import site_numbers
from lien.export import SCHEMA_COLUMNS, export_columns
from lien.problems import DirectoryError, problem
from lien.tabular import error_name

__all__ = ["LIEN_NAMESPACE", "MAX_UNPACKED_MB", "TABLES", "datapackage",
           "export_zip", "hsds_id", "import_zip", "is_hsds_zip"]

# Never change: every HSDS id Lien has published derives from it.
LIEN_NAMESPACE = uuid.UUID("7f68a115-0600-5007-bed1-75e776520745")
HSDS_VERSION = "3.0"
MB = 1024 * 1024
# A zip of a few kilobytes can unpack to gigabytes: the unpacked total is bounded.
MAX_UNPACKED_MB = 50
# Records read per table: as many services as an uploaded table may have rows, and room for the
# phones, attributes and other details they hang on to. More is refused before it is built.
MAX_SERVICES = 50_000
MAX_TABLE_ROWS = 250_000
MAX_DESCRIPTOR_BYTES = 1024 * 1024
DEFAULT_NAME = "HSDS package"

# The HSDS 3.0 tables Lien writes, in package order: (file, fields). Every scalar field of the
# standard is written, empty when Lien has nothing for it, so the files match HSDS templates.
TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "organization": ("organizations.csv", (
        "id", "name", "alternate_name", "description", "email", "website", "tax_status",
        "tax_id", "year_incorporated", "legal_status", "logo", "uri", "parent_organization_id")),
    "service": ("services.csv", (
        "id", "organization_id", "program_id", "name", "alternate_name", "description", "url",
        "email", "status", "interpretation_services", "application_process", "fees_description",
        "wait_time", "fees", "accreditations", "eligibility_description", "minimum_age",
        "maximum_age", "assured_date", "assurer_email", "licenses", "alert", "last_modified")),
    "location": ("locations.csv", (
        "id", "location_type", "url", "organization_id", "name", "alternate_name", "description",
        "transportation", "latitude", "longitude", "external_identifier",
        "external_identifier_type")),
    "service_at_location": ("service_at_location.csv", (
        "id", "service_id", "location_id", "description")),
    "address": ("addresses.csv", (
        "id", "location_id", "attention", "address_1", "address_2", "city", "region",
        "state_province", "postal_code", "country", "address_type")),
    "phone": ("phones.csv", (
        "id", "location_id", "service_id", "organization_id", "contact_id",
        "service_at_location_id", "number", "extension", "type", "description")),
    "contact": ("contacts.csv", (
        "id", "organization_id", "service_id", "service_at_location_id", "location_id", "name",
        "title", "department", "email")),
    "schedule": ("schedules.csv", (
        "id", "service_id", "location_id", "service_at_location_id", "valid_from", "valid_to",
        "dtstart", "timezone", "until", "count", "wkst", "freq", "interval", "byday", "byweekno",
        "bymonthday", "byyearday", "description", "opens_at", "closes_at", "schedule_link",
        "attending_type", "notes")),
    "language": ("languages.csv", (
        "id", "service_id", "location_id", "phone_id", "name", "code", "note")),
    "taxonomy": ("taxonomies.csv", ("id", "name", "description", "uri", "version")),
    # lien_label_fr/nl are extension columns: HSDS terms have one name, Lien's have three.
    "taxonomy_term": ("taxonomy_terms.csv", (
        "id", "code", "name", "description", "parent_id", "taxonomy", "language", "taxonomy_id",
        "term_uri", "lien_label_fr", "lien_label_nl")),
    "attribute": ("attributes.csv", (
        "id", "link_id", "taxonomy_term_id", "link_type", "link_entity", "value")),
}
# HSDS 3.0 "required" and "tabular_required" fields, per table.
HSDS_REQUIRED: dict[str, tuple[str, ...]] = {
    "organization": ("id", "name", "description"),
    "service": ("id", "organization_id", "name", "status"),
    "location": ("id", "location_type"),
    "service_at_location": ("id", "service_id", "location_id"),
    "address": ("id", "address_1", "city", "state_province", "postal_code", "country",
                "address_type"),
    "phone": ("id", "number"),
    "contact": ("id",),
    "schedule": ("id",),
    "language": ("id",),
    "taxonomy": ("id", "name", "description"),
    "taxonomy_term": ("id", "name", "description"),
    "attribute": ("id", "link_id", "taxonomy_term_id", "link_entity"),
}
# Required by HSDS but left empty when the source does not say: Lien does not invent a street,
# a postcode or a province. The package descriptor says so (required: false).
NOT_ALWAYS_KNOWN: dict[str, frozenset[str]] = {
    "address": frozenset({"address_1", "city", "state_province", "postal_code"}),
}
NUMBER_FIELDS = frozenset({"latitude", "longitude", "year_incorporated", "minimum_age",
                           "maximum_age", "extension", "timezone", "count", "interval"})
EMAIL_FIELDS = frozenset({"email", "assurer_email"})
URI_FIELDS = frozenset({"website", "url", "logo", "uri", "term_uri", "schedule_link"})
FOREIGN_KEYS: dict[str, tuple[tuple[str, str], ...]] = {
    "service": (("organization_id", "organization"),),
    "location": (("organization_id", "organization"),),
    "service_at_location": (("service_id", "service"), ("location_id", "location")),
    "address": (("location_id", "location"),),
    "phone": (("service_id", "service"),),
    "contact": (("service_id", "service"),),
    "schedule": (("service_id", "service"),),
    "language": (("service_id", "service"),),
    "taxonomy_term": (("taxonomy_id", "taxonomy"),),
    "attribute": (("taxonomy_term_id", "taxonomy_term"),),
}

# Lien's values with no HSDS field: (entity the attribute is on, what the value means).
LIEN_FIELDS: dict[str, tuple[str, str]] = {
    "org_id": ("organization", "Lien's identifier of the organisation."),
    "site_id": ("service", "Lien's identifier of the site this service stands for."),
    "precision": ("service", "How precisely the source places the site: address, postcode, "
                             "locality, national or online."),
    "source": ("service", "Where the facts come from: file and section, several separated by ';'."),
    "source_date": ("service", "Date of the source: YYYY, YYYY-MM or YYYY-MM-DD."),
    "notes": ("service", "Caveats about the source."),
    "website": ("service", "A web address as printed in the source; one attribute per address, "
                           "in order (services.url holds the first as a full URL)."),
    "coord_source": ("location", "manual: the coordinates were given in the directory; geocoded: "
                                 "placed by Lien's offline geocoder."),
    "coord_precision": ("location", "How precise the coordinates are: address, postcode "
                                    "(postcode centroid) or locality (town centre)."),
}
TAXONOMIES: dict[str, tuple[str, str]] = {
    "services": ("Lien services", "What a site offers: Lien's service codes (data/services.csv)."),
    "audiences": ("Lien audiences", "Who a site is for: Lien's audience codes "
                                    "(data/audiences.csv)."),
    "lien_fields": ("Lien fields", "Lien's values that HSDS has no field for; the attribute's "
                                   "value holds the text."),
}
LINK_TYPES = {"services": "category", "audiences": "audience", "lien_fields": "lien_field"}


# JSON keeps the parts apart: ("a/b", "c") and ("a", "b/c") must not collide. One encoder object
# skips json.dumps's per-call setup, which dominated the export of large directories.
_NAME = json.JSONEncoder(ensure_ascii=False).encode


def hsds_id(kind: str, *parts: object) -> str:
    """The HSDS id of a Lien thing: uuid5 of the JSON list [kind, *Lien ids], stable forever."""
    return str(uuid.uuid5(LIEN_NAMESPACE, _NAME([kind, *map(str, parts)])))


@lru_cache(maxsize=4096)
def _term_id(vocabulary: str, code: str) -> str:
    """The id of a term of one of Lien's taxonomies."""
    return hsds_id("taxonomy_term", vocabulary, code)


def _text(value: Any) -> str:
    """A cell as text: '' for None, NaN and NA."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def _coordinate(value: Any) -> str:
    """A coordinate as the shortest text that reads back as the same float; '' if there is none."""
    try:
        number = float(_text(value).replace(",", "."))
    except ValueError:
        return ""
    if not math.isfinite(number):
        return ""
    # Shortest round-trip digits, never an exponent: the import must give back the very float.
    return np.format_float_positional(number, unique=True, trim="-")


def _vocabulary(name: str) -> taxonomy.Vocabulary:
    """Lien's service or audience taxonomy by name."""
    return taxonomy.services() if name == "services" else taxonomy.audiences()


class _Package:
    """The tables of one export being filled, with the taxonomy terms the view uses."""

    def __init__(self) -> None:
        self.rows: dict[str, list[dict[str, str]]] = {name: [] for name in TABLES}
        self.used_terms: dict[str, set[str]] = defaultdict(set)

    def add(self, table: str, **values: str) -> None:
        """Append a row to a table; fields not given stay empty."""
        self.rows[table].append(values)

    def attribute(self, key: tuple[str, ...], link_id: str, entity: str, vocabulary: str,
                  code: str, value: str = "") -> None:
        """Attach a term to an entity; `key` makes the attribute's id."""
        self.used_terms[vocabulary].add(code)
        self.add("attribute", id=hsds_id("attribute", *key), link_id=link_id,
                 taxonomy_term_id=_term_id(vocabulary, code),
                 link_type=LINK_TYPES[vocabulary], link_entity=entity, value=value)

    def lien(self, key: tuple[str, ...], link_id: str, field: str, value: str) -> None:
        """Attach one of Lien's own values (skipped when empty) as a "Lien fields" attribute."""
        if value:
            self.attribute(key, link_id, LIEN_FIELDS[field][0], "lien_fields", field, value)

    def taxonomies(self) -> None:
        """Fill taxonomies and taxonomy_terms with what the view uses, in taxonomy order."""
        # HSDS asks packages not to ship unused terms.
        for name, (title, description) in TAXONOMIES.items():
            used = self.used_terms.get(name)
            if not used:
                continue
            taxonomy_id = hsds_id("taxonomy", name)
            self.add("taxonomy", id=taxonomy_id, name=title, description=description)
            for code, term in self._terms(name, used):
                self.add("taxonomy_term", id=_term_id(name, code), taxonomy_id=taxonomy_id,
                         taxonomy=title, language="en", **term)

    @staticmethod
    def _terms(name: str, used: set[str]) -> Iterable[tuple[str, dict[str, str]]]:
        """(code, term row) of the used terms of one taxonomy, in taxonomy order."""
        if name == "lien_fields":
            for field, (_, description) in LIEN_FIELDS.items():
                if field in used:
                    # Prefixed: taxonomy_term.code is unique across the whole package.
                    yield field, {"code": f"lien:{field}", "name": f"Lien {field}",
                                  "description": description}
            return
        vocabulary = _vocabulary(name)
        known = [c for c in vocabulary.codes if c in used]
        # A code outside the taxonomy only comes from an unvalidated frame; it is kept as is.
        for code in known + sorted(used - set(known)):
            term = vocabulary.terms.get(code)
            labels = term.labels if term else {}
            name = labels.get("en", code)
            yield code, {"code": code, "name": name,
                         "description": (term.description if term else "") or name,
                         "lien_label_fr": labels.get("fr", ""),
                         "lien_label_nl": labels.get("nl", "")}


def _records(sites: pd.DataFrame) -> list[dict[str, str]]:
    """The view's rows as text, with Lien's optional columns and site ids filled in."""
    frame = sites.copy()
    for name in SCHEMA_COLUMNS:
        if name not in frame:
            frame[name] = ""
    if "site_id" not in sites.columns:
        frame["site_id"] = site_numbers(frame["org_id"].map(_text))
    out = []
    for record in frame.to_dict("records"):
        row = {k: _text(record.get(k)) for k in (*SCHEMA_COLUMNS, "province", "region",
                                                   "coord_source", "coord_precision")}
        row["latitude"] = _coordinate(record.get("latitude"))
        row["longitude"] = _coordinate(record.get("longitude"))
        if row["latitude"] and row["longitude"] and "coord_source" not in frame:
            # An unlocated frame: coordinates written in it are the manual override.
            row["coord_source"] = "manual"
        out.append(row)
    return out


def _organisation_descriptions(records: list[dict[str, str]]) -> dict[str, str]:
    """HSDS requires an organization description; Lien has one per site: the first one given."""
    found: dict[str, str] = {}
    for row in records:
        if row["description"] and not found.get(row["org_id"]):
            found[row["org_id"]] = row["description"]
        found.setdefault(row["org_id"], "")
    names = {row["org_id"]: row["organisation"] for row in records}
    return {org: text or names[org] for org, text in found.items()}


def _add_site(package: _Package, row: dict[str, str], org_uuid: str) -> None:
    """One Lien row as a service, its location, address, contacts, schedule and attributes."""
    site_id = row["site_id"]
    service_id = hsds_id("service", site_id)
    websites = taxonomy.split_codes(row["website"])
    emails = taxonomy.split_codes(row["email"])
    package.add("service", id=service_id, organization_id=org_uuid, name=row["site"],
                description=row["description"], url=(mapview.safe_url(websites[0]) or "") if websites else "",
                email=emails[0] if emails else "", status="active")
    # Attributes in cell order: the first service code is the site's main one.
    for vocabulary in ("services", "audiences"):
        for i, code in enumerate(taxonomy.split_codes(row[vocabulary])):
            package.attribute((site_id, vocabulary, str(i)), service_id, "service", vocabulary,
                              code)
    for field in ("site_id", "precision", "source", "source_date", "notes"):
        package.lien((site_id, field), service_id, field, row[field])
    for i, website in enumerate(websites):
        package.lien((site_id, "website", str(i)), service_id, "website", website)

    placed = any(row[k] for k in ("address", "postcode", "city", "latitude"))
    if placed or row["precision"] not in ("national", ""):
        location_id = hsds_id("location", site_id)
        virtual = row["precision"] == "online" and not placed
        package.add("location", id=location_id, location_type="virtual" if virtual else "physical",
                    url=(mapview.safe_url(websites[0]) or "") if virtual and websites else "",
                    organization_id=org_uuid, name=row["site"], latitude=row["latitude"],
                    longitude=row["longitude"])
        package.add("service_at_location", id=hsds_id("service_at_location", site_id),
                    service_id=service_id, location_id=location_id)
        for field in ("coord_source", "coord_precision"):
            package.lien((site_id, field), location_id, field, row[field])
        if any(row[k] for k in ("address", "postcode", "city")):
            package.add("address", id=hsds_id("address", site_id), location_id=location_id,
                        address_1=row["address"], city=row["city"], region=row["region"],
                        state_province=row["province"], postal_code=row["postcode"],
                        country="BE", address_type="physical")
    for kind, column in (("voice", "phone"), ("fax", "fax")):
        for i, number in enumerate(taxonomy.split_codes(row[column])):
            package.add("phone", id=hsds_id("phone", site_id, kind, i), service_id=service_id,
                        number=number, type=kind)
    for i, name in enumerate(taxonomy.split_codes(row["contact_person"])):
        package.add("contact", id=hsds_id("contact", site_id, "name", i), service_id=service_id,
                    name=name)
    # services.email holds one address; the others are contacts with only an e-mail.
    for i, email in enumerate(emails[1:], start=1):
        package.add("contact", id=hsds_id("contact", site_id, "email", i), service_id=service_id,
                    email=email)
    if row["hours"]:
        # Lien's hours are prose ("le mardi de 14 à 17 h"), not RRULEs: a schedule's description.
        package.add("schedule", id=hsds_id("schedule", site_id), service_id=service_id,
                    description=row["hours"])
    for i, code in enumerate(taxonomy.split_codes(row["languages"])):
        package.add("language", id=hsds_id("language", site_id, i), service_id=service_id,
                    code=code, name=taxonomy.language_label(code, "en"))


def _tables(sites: pd.DataFrame) -> dict[str, list[dict[str, str]]]:
    """The HSDS rows of a view, table by table."""
    export_columns(sites)  # a frame without Lien's required columns is a bug upstream
    records = _records(sites)
    package = _Package()
    descriptions = _organisation_descriptions(records)
    orgs: dict[str, str] = {}
    for row in records:
        org_id = row["org_id"]
        if org_id not in orgs:
            orgs[org_id] = hsds_id("organization", org_id)
            package.add("organization", id=orgs[org_id], name=row["organisation"],
                        description=descriptions[org_id])
            package.lien((org_id, "org_id"), orgs[org_id], "org_id", org_id)
        _add_site(package, row, orgs[org_id])
    package.taxonomies()
    return package.rows


# A spreadsheet runs a cell starting with "=", "@", "+" or "-" (or a tab or CR) as a formula.
# HSDS files are data: a phone number "+32 2 …" or a negative longitude "-0.5" must stay intact for
# HSDS tools, so a "+" or "-" start is left alone only when the whole cell is a number or a phone
# number (digits, spaces and . / ( ) -); "=", "@", tab and CR are always defended.
_FORMULA = re.compile(r"^(?:[=@\t\r]|[+-](?!\d[\d\s./()-]*$))")


def formula_safe(cell: str) -> str:
    """A CSV cell that no spreadsheet runs as a formula: a leading apostrophe when needed."""
    return "'" + cell if _FORMULA.match(cell) else cell


def unformula(cell: str) -> str:
    """The value formula_safe() defended, as it was (an apostrophe before a formula start)."""
    return cell[1:] if cell.startswith("'") and _FORMULA.match(cell[1:]) else cell


def _csv(fields: tuple[str, ...], rows: list[dict[str, str]]) -> bytes:
    """Rows as UTF-8 CSV, formula starts defended (formula_safe); numbers and phones intact."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([formula_safe(f) for f in fields])
    for row in rows:
        writer.writerow([formula_safe(row.get(field, "")) for field in fields])
    return out.getvalue().encode("utf-8")


def _field_schema(table: str, field: str) -> dict[str, Any]:
    """A field of the package descriptor: type, format and whether Lien always fills it."""
    spec: dict[str, Any] = {"name": field, "type": "number" if field in NUMBER_FIELDS else "string"}
    if field == "id" or field.endswith("_id"):
        spec["format"] = "uuid"
    elif field in EMAIL_FIELDS:
        spec["format"] = "email"
    elif field in URI_FIELDS:
        spec["format"] = "uri"
    required = field in HSDS_REQUIRED[table] and field not in NOT_ALWAYS_KNOWN.get(table, ())
    spec["constraints"] = {"required": True, "unique": True} if field == "id" else {
        "required": required}
    return spec


def datapackage() -> dict[str, Any]:
    """The Frictionless descriptor of Lien's HSDS package: every file with its fields."""
    resources = []
    for table, (path, fields) in TABLES.items():
        schema: dict[str, Any] = {"fields": [_field_schema(table, f) for f in fields],
                                  "primaryKey": "id"}
        if table in FOREIGN_KEYS:
            schema["foreignKeys"] = [{"fields": field, "reference": {"resource": other,
                                                                     "fields": "id"}}
                                     for field, other in FOREIGN_KEYS[table]]
        resources.append({"name": table, "path": path, "profile": "tabular-data-resource",
                          "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
                          "schema": schema})
    return {
        "name": "lien-hsds",
        "title": "Lien: services for refugees and migrants in Belgium",
        "description": "Open Referral HSDS 3.0 tabular data package exported by Lien. One service "
                       "per Lien site; Lien's own values are attributes of the 'Lien fields' "
                       "taxonomy. A cell that a spreadsheet would run as a formula (starting "
                       "with '=', '@', a tab, a carriage return, or with '+'/'-' unless the "
                       "whole cell is a number or a phone number) is written with a leading "
                       "apostrophe; numbers and phone numbers are written as they are.",
        "profile": "tabular-data-package",
        "hsds_version": HSDS_VERSION,
        "resources": resources,
    }


def _zip(files: dict[str, bytes]) -> bytes:
    """A zip whose bytes depend only on the files: fixed dates and permissions, fixed order."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, content)
    return out.getvalue()


def export_zip(sites: pd.DataFrame) -> bytes:
    """The view as an HSDS 3.0 tabular data package: datapackage.json and one CSV per table."""
    tables = _tables(sites)
    files = {"datapackage.json": json.dumps(datapackage(), ensure_ascii=False,
                                            indent=2).encode("utf-8")}
    for table, (path, fields) in TABLES.items():
        files[path] = _csv(fields, tables[table])
    return _zip(files)


# --- import ------------------------------------------------------------------------------------

Record = dict[str, str]


def _refuse(name: str, code: str, **params: object) -> DirectoryError:
    """The error refusing the whole package, with one file-level problem."""
    return DirectoryError(name, [problem(None, "file", code, **params)])


def _unsafe(path: str) -> bool:
    """Whether a member's path could land outside the folder it is unpacked in."""
    path = path.replace("\\", "/")
    return (path.startswith("/") or bool(re.match(r"^[A-Za-z]:", path)) or "\x00" in path
            or ".." in path.split("/"))


def _unpack(data: bytes, name: str) -> dict[str, bytes]:
    """The CSV and JSON members of a zip by path, refusing unsafe paths and oversized content."""
    limit = MAX_UNPACKED_MB * MB
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise _refuse(name, "hsds_not_zip", reason=error_name(exc)) from None
    for info in infos:
        if _unsafe(info.filename):
            raise _refuse(name, "hsds_unsafe_path", path=repr(info.filename))
    if sum(info.file_size for info in infos) > limit:
        raise _refuse(name, "hsds_too_large", limit=MAX_UNPACKED_MB)
    files: dict[str, bytes] = {}
    budget = limit
    for info in infos:
        if info.is_dir() or not info.filename.lower().endswith((".csv", ".json")):
            continue
        try:
            with archive.open(info) as handle:
                # Sizes in the headers may lie: never read more than the budget left.
                content = handle.read(budget + 1)
        except (zipfile.BadZipFile, RuntimeError, NotImplementedError, EOFError, OSError,
                zlib.error) as exc:
            raise _refuse(name, "hsds_not_zip", reason=error_name(exc)) from None
        if len(content) > budget:
            raise _refuse(name, "hsds_too_large", limit=MAX_UNPACKED_MB)
        budget -= len(content)
        files[posixpath.normpath(info.filename.replace("\\", "/"))] = content
    return files


def _depth(path: str) -> tuple[int, str]:
    """Sort key: shallower paths first, then by name."""
    return path.count("/"), path


def _paths(files: dict[str, bytes], name: str) -> dict[str, str]:
    """Table -> member path: from datapackage.json if there is one, else HSDS's file names."""
    descriptors = sorted((p for p in files if posixpath.basename(p) == "datapackage.json"),
                         key=_depth)
    declared: dict[str, str] = {}
    base = ""
    if descriptors:
        base = posixpath.dirname(descriptors[0])
        content = files[descriptors[0]]
        if len(content) > MAX_DESCRIPTOR_BYTES:
            raise _refuse(name, "hsds_bad_datapackage", reason="too large")
        try:
            descriptor = json.loads(content.decode("utf-8-sig"))
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            # RecursionError: a descriptor nested thousands of levels deep.
            raise _refuse(name, "hsds_bad_datapackage", reason=error_name(exc)) from None
        resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
        for resource in resources if isinstance(resources, list) else []:
            if (isinstance(resource, dict) and isinstance(resource.get("name"), str)
                    and isinstance(resource.get("path"), str)):
                declared[resource["name"]] = posixpath.normpath(
                    posixpath.join(base, resource["path"]))
    paths: dict[str, str] = {}
    for table, (filename, _) in TABLES.items():
        # A package zipped with its folder has its files one level down: found by name.
        candidates = [declared.get(table), posixpath.normpath(posixpath.join(base, filename)),
                      *sorted((p for p in files if posixpath.basename(p) == filename), key=_depth)]
        found = next((p for p in candidates if p and p in files), None)
        if found:
            paths[table] = found
    return paths


def _decode(content: bytes) -> str:
    """A member's text: UTF-8 (with or without BOM), else Windows-1252."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Spreadsheets on Windows save Windows-1252; latin-1 never fails.
        try:
            return content.decode("cp1252")
        except UnicodeDecodeError:
            return content.decode("latin-1")


def _read_csv(content: bytes, path: str, name: str,
              limit: int = MAX_TABLE_ROWS) -> tuple[list[str], list[Record]]:
    """A member's header and records, cells trimmed (import neutralisation undone); raises
    DirectoryError if it is not CSV or has more than `limit` records."""
    text = _decode(content)
    # A cell is never longer than its file; long cells are reported by the directory's checks.
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] = []
    records: list[Record] = []
    try:
        for cells in reader:
            if not header:
                header = [cell.strip().lstrip("\ufeff").lower()[:100] for cell in cells]
                continue
            if not any(cell.strip() for cell in cells):
                continue
            if len(records) >= limit:
                raise _refuse(name, "hsds_too_many_rows", file=path, limit=limit)
            records.append({key: unformula(cell.strip()) for key, cell in zip(header, cells)
                            if key})
    except csv.Error as exc:
        raise _refuse(name, "hsds_bad_csv", file=path, reason=str(exc)) from None
    return header, records


REQUIRED_FILES: dict[str, tuple[str, ...]] = {"organization": ("id", "name"),
                                              "service": ("id", "name")}


def _read_tables(files: dict[str, bytes], name: str) -> dict[str, list[Record]]:
    """Every HSDS table Lien reads (empty when absent); refuses a package without its core."""
    paths = _paths(files, name)
    tables: dict[str, list[Record]] = {}
    for table in TABLES:
        if table not in paths:
            if table in REQUIRED_FILES:
                raise _refuse(name, "hsds_missing_file", file=TABLES[table][0])
            tables[table] = []
            continue
        limit = MAX_SERVICES if table in ("service", "organization", "location") else \
            MAX_TABLE_ROWS
        header, records = _read_csv(files[paths[table]], paths[table], name, limit)
        for column in REQUIRED_FILES.get(table, ()):
            if column not in header:
                raise _refuse(name, "hsds_missing_field", file=paths[table], column=column)
        tables[table] = records
    if not tables["service"]:
        raise _refuse(name, "hsds_no_services")
    return tables


def _group(records: list[Record], key: str) -> dict[str, list[Record]]:
    """Records by the value of one column, in file order; records without it are left out."""
    grouped: dict[str, list[Record]] = defaultdict(list)
    for record in records:
        if record.get(key):
            grouped[record[key]].append(record)
    return grouped


def _unique(values: Iterable[str]) -> list[str]:
    """The non-empty values, first occurrence kept, in order."""
    return list(dict.fromkeys(v for v in values if v))


def _language_code(record: Record) -> str:
    """A language's ISO 639 code, looked up by name when the package gives only the name."""
    code = record.get("code", "")
    if code or not record.get("name"):
        return code.lower() if taxonomy.is_language(code.lower()) else code
    import pycountry

    try:
        found = pycountry.languages.lookup(record["name"])
    except LookupError:
        return record["name"]
    return getattr(found, "alpha_2", "") or found.alpha_3


def _schedule_text(record: Record) -> str:
    """A schedule as Lien's hours: its description, else its days and times."""
    if record.get("description"):
        return record["description"]
    times = "–".join(t for t in (record.get("opens_at", ""), record.get("closes_at", "")) if t)
    return " ".join(p for p in (record.get("byday", "").replace(",", ", "), times) if p)


class _Reader:
    """A read package's tables, indexed for building Lien rows."""

    def __init__(self, tables: dict[str, list[Record]]) -> None:
        self.tables = tables
        self.orgs = {r["id"]: r for r in tables["organization"] if r.get("id")}
        self.locations = {r["id"]: r for r in tables["location"] if r.get("id")}
        self.terms = {r["id"]: r for r in tables["taxonomy_term"] if r.get("id")}
        self.at_location = _group(tables["service_at_location"], "service_id")
        self.addresses = _group(tables["address"], "location_id")
        self.attributes = _group(tables["attribute"], "link_id")
        # Lien's own terms are known by their ids, whatever the term rows say.
        self.lien_terms = {_term_id("lien_fields", f): f for f in LIEN_FIELDS}
        self.code_terms = {_term_id(v, c): (v, c) for v in ("services", "audiences")
                           for c in _vocabulary(v).codes}
        self.by: dict[tuple[str, str], dict[str, list[Record]]] = {}

    def linked(self, table: str, key: str, value: str) -> list[Record]:
        """The records of `table` whose `key` column is `value`, in file order."""
        if (table, key) not in self.by:
            self.by[(table, key)] = _group(self.tables[table], key)
        return self.by[(table, key)].get(value, []) if value else []

    def lien(self, link_id: str) -> dict[str, list[str]]:
        """Lien's values attached to an entity, by field, in file order."""
        values: dict[str, list[str]] = defaultdict(list)
        for attribute in self.attributes.get(link_id, []):
            field = self.lien_terms.get(attribute.get("taxonomy_term_id", ""))
            if field:
                values[field].append(attribute.get("value", ""))
        return values

    def codes(self, service_id: str) -> tuple[list[str], list[str]]:
        """A service's service and audience codes; a foreign term matched by code or label."""
        found: dict[str, list[str]] = {"services": [], "audiences": []}
        for attribute in self.attributes.get(service_id, []):
            if attribute.get("link_entity", "service") not in ("service", ""):
                continue
            term_id = attribute.get("taxonomy_term_id", "")
            if term_id in self.lien_terms:
                continue
            if term_id in self.code_terms:
                vocabulary, code = self.code_terms[term_id]
                found[vocabulary].append(code)
                continue
            if attribute.get("value"):
                continue  # a property with a value ("capacity: 30"), not a classification
            term = self.terms.get(term_id, {})
            texts = [t for t in (term.get("code", ""), term.get("name", "")) if t]
            if not texts:
                continue
            vocabulary, code = self._match(texts)
            found[vocabulary].append(code)
        return found["services"], found["audiences"]

    @staticmethod
    def _match(texts: list[str]) -> tuple[str, str]:
        """(taxonomy, Lien code) a foreign term's code or name stands for, else its name."""
        for vocabulary in ("services", "audiences"):
            for text in texts:
                code = _vocabulary(vocabulary).code_for(text)
                if code:
                    return vocabulary, code
        # Unknown: kept by name so that validation names it.
        return "services", texts[-1]

    def rows(self) -> list[tuple[bool, Record]]:
        """(made by Lien, Lien row) for every service at every one of its locations."""
        out = []
        for service in self.tables["service"]:
            links = self.at_location.get(service.get("id", ""), [])
            pairs = [(link, self.locations.get(link.get("location_id", ""), {})) for link in links]
            for link, location in pairs or [({}, {})]:
                out.append(self.row(service, link, location, len(pairs) > 1))
        return out

    def row(self, service: Record, link: Record, location: Record,
            several: bool) -> tuple[bool, Record]:
        """One Lien row: a service at one location (or at none)."""
        service_id, location_id = service.get("id", ""), location.get("id", "")
        link_id = link.get("id", "")
        lien = self.lien(service_id)
        own = bool(lien.get("site_id"))  # made by Lien: its values come back as they were
        org = self.orgs.get(service.get("organization_id", "")) or self.orgs.get(
            location.get("organization_id", ""), {})
        addresses = self.addresses.get(location_id, [])
        address = next((a for a in addresses if a.get("address_type") != "postal"),
                       addresses[0] if addresses else {})
        services, audiences = self.codes(service_id)

        def related(table: str) -> list[Record]:
            records = self.linked(table, "service_id", service_id)
            if own:
                return records
            # A foreign package may hang details on the place or the organisation instead.
            return (records + self.linked(table, "service_at_location_id", link_id)
                    + self.linked(table, "location_id", location_id)) or (
                self.linked(table, "organization_id", org.get("id", ""))
                if table in ("phone", "contact") else [])

        phones, contacts = related("phone"), related("contact")
        emails = [service.get("email", "")] + [c.get("email", "") for c in contacts]
        location_lien = self.lien(location_id)
        lat, lon = location.get("latitude", ""), location.get("longitude", "")
        if own and location_lien.get("coord_source", [""])[0] != "manual":
            lat = lon = ""  # geocoded: Lien places it again, the same way
        row = {
            "site_id": lien.get("site_id", [""])[0] if not several else "",
            "org_id": self.lien(org.get("id", "")).get("org_id", [""])[0],
            "organisation": org.get("name", ""),
            "site": service.get("name", ""),
            "address": address.get("address_1", ""), "postcode": address.get("postal_code", ""),
            "city": address.get("city", ""), "latitude": lat, "longitude": lon,
            "precision": lien.get("precision", [""])[0],
            "services": ";".join(services), "audiences": ";".join(audiences),
            # Lien's own codes come back as written; a foreign package's are normalised.
            "languages": ";".join(_unique((r.get("code", "") if own else _language_code(r))
                                          for r in related("language"))),
            "hours": " ; ".join(_unique(_schedule_text(r) for r in related("schedule"))),
            "phone": ";".join(_unique(p.get("number", "") for p in phones
                                      if p.get("type", "").lower() != "fax")),
            "fax": ";".join(_unique(p.get("number", "") for p in phones
                                    if p.get("type", "").lower() == "fax")),
            "email": ";".join(_unique(emails)),
            "website": ";".join(lien.get("website", [])),
            "contact_person": ";".join(_unique(c.get("name", "") for c in contacts)),
            "description": service.get("description", ""),
            "notes": lien.get("notes", [""])[0],
            "source": lien.get("source", [""])[0],
            "source_date": lien.get("source_date", [""])[0],
        }
        if not own:
            self._foreign(row, service, link, location, address, org, several)
        return own, row

    @staticmethod
    def _foreign(row: Record, service: Record, link: Record, location: Record,
                 address: Record, org: Record, several: bool) -> None:
        """Fill a foreign service's row from what HSDS fields it has."""
        if address.get("address_2"):
            row["address"] = ", ".join(p for p in (row["address"], address["address_2"]) if p)
        if several:
            place = location.get("name") or row["city"]
            row["site"] = f"{row['site']} — {place}" if place else row["site"]
        row["description"] = (row["description"] or link.get("description", "")
                              or location.get("description", "") or org.get("description", ""))
        row["website"] = service.get("url", "") or location.get("url", "") or org.get("website", "")
        row["email"] = row["email"] or org.get("email", "")
        if location.get("location_type") == "virtual" and not (
                row["address"] or row["postcode"] or row["city"]):
            row["precision"] = "online"
        if re.match(r"^\d{4}-\d{2}-\d{2}$", service.get("assured_date", "")):
            row["source_date"] = service["assured_date"]


def is_hsds_zip(data: bytes) -> bool:
    """Whether an upload is a zip holding an HSDS package rather than a workbook (.xlsx)."""
    # Both start with "PK": the table reader would take an HSDS zip for a broken workbook.
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = {posixpath.basename(n) for n in archive.namelist()}
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return False
    return "[Content_Types].xml" not in names and bool(
        names & {"datapackage.json", "services.csv", "organizations.csv"})


def import_zip(data: bytes, name: str = DEFAULT_NAME) -> pd.DataFrame:
    """An HSDS package as text rows in Lien's schema (`row` from 2); raises DirectoryError."""
    # A package Lien exported gives back the rows it was made from. A foreign one is mapped like
    # an uploaded table: ids derived from names, terms matched to Lien's codes by code or label,
    # unknown terms kept by name for validation to report. `name` is the source of its rows and
    # names the file in messages.
    tables = _read_tables(_unpack(data, name), name)
    built = _Reader(tables).rows()
    columns = list(SCHEMA_COLUMNS)
    frame = pd.DataFrame([row for _, row in built], columns=columns, dtype=object).fillna("")
    frame.insert(0, "row", range(2, len(frame) + 2))
    foreign = [not own for own, _ in built]
    if any(foreign):
        mask = pd.Series(foreign, index=frame.index)
        # Foreign rows are an uploaded table already in Lien's columns: one mapping for both.
        mapped, _, _ = upload.to_schema(frame[mask].reset_index(drop=True),
                                        {c: c for c in columns}, name)
        mapped.index = frame.index[mask]
        frame.loc[mask, columns] = mapped[columns]
    # Text columns typed as the table reader types them, so frames compare and concatenate.
    return frame.astype({c: str for c in columns})
