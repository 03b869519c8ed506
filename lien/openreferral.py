"""Open Referral HSDS 3.0 as Lien uses it: the tables and fields, Lien's own values as attributes,
stable ids, and the formula defence of the CSV cells. Lien writes packages (lien.outputs.hsds)
and reads them (lien.ingest.hsds); both follow this model.

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
  printed, where the coordinates come from, the French and Dutch labels of a term, a place known
  only by its town) is an attribute whose term belongs to the "Lien fields" taxonomy and whose
  `value` holds the text: HSDS's own extension mechanism, which any HSDS tool keeps, so a package
  can go through other tools and still rebuild the same Lien rows;
- an HSDS address needs a street and a postcode: a place the source gives without them is no
  address row; its location's description says the place as printed, and Lien's place fields are
  attributes of the location.

The package validates against the standard's own tabular description (tests check it with
Frictionless): the same tables, fields, types, constraints and keys.

Ids are uuid5 over Lien's own ids, so the same site has the same HSDS ids in every export.
"""

from __future__ import annotations

import json
import math
import re
import uuid
from functools import lru_cache
from typing import Any

import numpy as np

from lien import taxonomy
from lien.schema import text

# Never change: every HSDS id Lien has published derives from it.
LIEN_NAMESPACE = uuid.UUID("7f68a115-0600-5007-bed1-75e776520745")
HSDS_VERSION = "3.0.0"
# The HSDS 3.0 tables Lien writes, in package order: (file, fields). Every scalar field of the
# standard is written, empty when Lien has nothing for it, so the files match HSDS templates.
TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "organization": (
        "organizations.csv",
        (
            "id",
            "name",
            "alternate_name",
            "description",
            "email",
            "website",
            "tax_status",
            "tax_id",
            "year_incorporated",
            "legal_status",
            "logo",
            "uri",
            "parent_organization_id",
        ),
    ),
    # Written empty: services.program_id refers to it, and Lien has no programs.
    "program": (
        "programs.csv",
        ("id", "organization_id", "name", "alternate_name", "description"),
    ),
    "service": (
        "services.csv",
        (
            "id",
            "organization_id",
            "program_id",
            "name",
            "alternate_name",
            "description",
            "url",
            "email",
            "status",
            "interpretation_services",
            "application_process",
            "fees_description",
            "wait_time",
            "fees",
            "accreditations",
            "eligibility_description",
            "minimum_age",
            "maximum_age",
            "assured_date",
            "assurer_email",
            "licenses",
            "alert",
            "last_modified",
        ),
    ),
    "location": (
        "locations.csv",
        (
            "id",
            "location_type",
            "url",
            "organization_id",
            "name",
            "alternate_name",
            "description",
            "transportation",
            "latitude",
            "longitude",
            "external_identifier",
            "external_identifier_type",
        ),
    ),
    "service_at_location": (
        "service_at_location.csv",
        ("id", "service_id", "location_id", "description"),
    ),
    "address": (
        "addresses.csv",
        (
            "id",
            "location_id",
            "attention",
            "address_1",
            "address_2",
            "city",
            "region",
            "state_province",
            "postal_code",
            "country",
            "address_type",
        ),
    ),
    "phone": (
        "phones.csv",
        (
            "id",
            "location_id",
            "service_id",
            "organization_id",
            "contact_id",
            "service_at_location_id",
            "number",
            "extension",
            "type",
            "description",
        ),
    ),
    "contact": (
        "contacts.csv",
        (
            "id",
            "organization_id",
            "service_id",
            "service_at_location_id",
            "location_id",
            "name",
            "title",
            "department",
            "email",
        ),
    ),
    "schedule": (
        "schedules.csv",
        (
            "id",
            "service_id",
            "location_id",
            "service_at_location_id",
            "valid_from",
            "valid_to",
            "dtstart",
            "timezone",
            "until",
            "count",
            "wkst",
            "freq",
            "interval",
            "byday",
            "byweekno",
            "bymonthday",
            "byyearday",
            "description",
            "opens_at",
            "closes_at",
            "schedule_link",
            "attending_type",
            "notes",
        ),
    ),
    "language": (
        "languages.csv",
        ("id", "service_id", "location_id", "phone_id", "name", "code", "note"),
    ),
    "taxonomy": ("taxonomies.csv", ("id", "name", "description", "uri", "version")),
    "taxonomy_term": (
        "taxonomy_terms.csv",
        (
            "id",
            "code",
            "name",
            "description",
            "parent_id",
            "taxonomy",
            "language",
            "taxonomy_id",
            "term_uri",
        ),
    ),
    "attribute": (
        "attributes.csv",
        ("id", "link_id", "taxonomy_term_id", "link_type", "link_entity", "value"),
    ),
    # The store's audit log, one row per changed field (lien.outputs.hsds_metadata).
    "metadata": (
        "metadata.csv",
        (
            "id",
            "resource_id",
            "resource_type",
            "last_action_date",
            "last_action_type",
            "field_name",
            "previous_value",
            "replacement_value",
            "updated_by",
        ),
    ),
}
# Where a frame read from an HSDS package keeps the package's metadata rows (its history).
METADATA_ATTR = "hsds_metadata"
# HSDS 3.0 "required" and "tabular_required" fields, per table.
HSDS_REQUIRED: dict[str, tuple[str, ...]] = {
    "organization": ("id", "name", "description"),
    "program": ("id", "organization_id", "name", "description"),
    "service": ("id", "organization_id", "name", "status"),
    "location": ("id", "location_type"),
    "service_at_location": ("id", "service_id", "location_id"),
    "address": (
        "id",
        "address_1",
        "city",
        "state_province",
        "postal_code",
        "country",
        "address_type",
    ),
    "phone": ("id", "number"),
    "contact": ("id",),
    "schedule": ("id",),
    "language": ("id",),
    "taxonomy": ("id", "name", "description"),
    "taxonomy_term": ("id", "name", "description"),
    "attribute": ("id", "link_id", "taxonomy_term_id", "link_entity"),
    "metadata": TABLES["metadata"][1],
}
# Field types other than string, as the standard gives them.
FIELD_TYPES: dict[str, str] = {
    **dict.fromkeys(
        (
            "latitude",
            "longitude",
            "year_incorporated",
            "minimum_age",
            "maximum_age",
            "extension",
            "timezone",
            "count",
            "interval",
        ),
        "number",
    ),
    **dict.fromkeys(
        ("assured_date", "valid_from", "valid_to", "dtstart", "until", "last_action_date"), "date"
    ),
    "last_modified": "datetime",
    "opens_at": "time",
    "closes_at": "time",
}
EMAIL_FIELDS = frozenset({"email", "assurer_email"})
URI_FIELDS = frozenset({"website", "url", "uri", "term_uri", "schedule_link"})
# Besides every id: values the standard wants unique in their table.
UNIQUE: frozenset[tuple[str, str]] = frozenset(
    {("program", "organization_id"), ("taxonomy_term", "code")}
)
_PLACE_TYPES = ("physical", "postal", "virtual")
ENUMS: dict[tuple[str, str], tuple[str, ...]] = {
    ("service", "status"): ("active", "inactive", "defunct", "temporarily closed"),
    ("location", "location_type"): _PLACE_TYPES,
    ("address", "address_type"): _PLACE_TYPES,
    ("schedule", "wkst"): ("MO", "TU", "WE", "TH", "FR", "SA", "SU"),
    ("schedule", "freq"): ("WEEKLY", "MONTHLY"),
}
# The standard's foreign keys, in its order; a package ships every table they point to.
FOREIGN_KEYS: dict[str, tuple[tuple[str, str], ...]] = {
    "program": (("organization_id", "organization"),),
    "service": (("organization_id", "organization"), ("program_id", "program")),
    "attribute": (("taxonomy_term_id", "taxonomy_term"),),
    "service_at_location": (("service_id", "service"), ("location_id", "location")),
    "location": (("organization_id", "organization"),),
    "phone": (
        ("contact_id", "contact"),
        ("location_id", "location"),
        ("organization_id", "organization"),
        ("service_id", "service"),
        ("service_at_location_id", "service_at_location"),
    ),
    "contact": (
        ("location_id", "location"),
        ("organization_id", "organization"),
        ("service_id", "service"),
        ("service_at_location_id", "service_at_location"),
    ),
    "address": (("location_id", "location"),),
    "schedule": (
        ("location_id", "location"),
        ("service_id", "service"),
        ("service_at_location_id", "service_at_location"),
    ),
    "language": (("location_id", "location"), ("phone_id", "phone"), ("service_id", "service")),
    "taxonomy_term": (("taxonomy_id", "taxonomy"),),
}


def field_schema(table: str, field: str) -> dict[str, Any]:
    """A field as the standard's tabular description declares it: type, format, constraints."""
    spec: dict[str, Any] = {"name": field, "type": FIELD_TYPES.get(field, "string")}
    if field == "id" or (field.endswith("_id") and field != "tax_id"):  # a tax id is no uuid
        spec["format"] = "uuid"
    elif field in EMAIL_FIELDS:
        spec["format"] = "email"
    elif field in URI_FIELDS:
        spec["format"] = "uri"
    constraints: dict[str, Any] = {
        "required": field in HSDS_REQUIRED[table],
        "unique": field == "id" or (table, field) in UNIQUE,
    }
    if (table, field) in ENUMS:
        constraints["enum"] = list(ENUMS[(table, field)])
    spec["constraints"] = constraints
    return spec


# Lien's values with no HSDS field: (entity the attribute is on, what the value means).
LIEN_FIELDS: dict[str, tuple[str, str]] = {
    "org_id": ("organization", "Lien's identifier of the organisation."),
    "site_id": ("service", "Lien's identifier of the site this service stands for."),
    "precision": (
        "service",
        "How precisely the source places the site: address, postcode, "
        "locality, national or online.",
    ),
    "source": ("service", "Where the facts come from: file and section, several separated by ';'."),
    "source_date": ("service", "Date of the source: YYYY, YYYY-MM or YYYY-MM-DD."),
    "notes": ("service", "Caveats about the source."),
    "checked_on": (
        "service",
        "When a person last confirmed the record: YYYY, YYYY-MM or YYYY-MM-DD "
        "(assured_date holds its first day).",
    ),
    "checked_by": ("service", "Who last confirmed the record: a reviewer, or the source."),
    "website": (
        "service",
        "A web address as printed in the source; one attribute per address, "
        "in order (services.url holds the first as a full URL).",
    ),
    "coord_source": (
        "location",
        "manual: the coordinates were given in the directory; geocoded: "
        "placed by Lien's offline geocoder.",
    ),
    "coord_precision": (
        "location",
        "How precise the coordinates are: address, postcode "
        "(postcode centroid) or locality (town centre).",
    ),
    # A place without street or postcode can't be an HSDS address (both are required there).
    "address": (
        "location",
        "The street and number as printed, when the source gives no postcode "
        "(so the place is no HSDS address).",
    ),
    "postcode": (
        "location",
        "The Belgian postcode, when the source gives no street (so the place is no HSDS address).",
    ),
    "city": (
        "location",
        "The town as printed, when the source gives no street or no postcode "
        "(so the place is no HSDS address).",
    ),
    "label_fr": ("taxonomy_term", "The term's label in French (its name is in English)."),
    "label_nl": ("taxonomy_term", "The term's label in Dutch (its name is in English)."),
}
# Lien's place fields, as attributes of a location that has no address row.
PLACE_FIELDS: tuple[str, ...] = ("address", "postcode", "city")
TAXONOMIES: dict[str, tuple[str, str]] = {
    "services": ("Lien services", "What a site offers: Lien's service codes (data/services.csv)."),
    "audiences": (
        "Lien audiences",
        "Who a site is for: Lien's audience codes (data/audiences.csv).",
    ),
    "lien_fields": (
        "Lien fields",
        "Lien's values that HSDS has no field for; the attribute's value holds the text.",
    ),
}
LINK_TYPES = {"services": "category", "audiences": "audience", "lien_fields": "lien_field"}


# JSON keeps the parts apart: ("a/b", "c") and ("a", "b/c") must not collide. One encoder object
# skips json.dumps's per-call setup, which dominated the export of large directories.
_NAME = json.JSONEncoder(ensure_ascii=False).encode


def hsds_id(kind: str, *parts: object) -> str:
    """The HSDS id of a Lien thing: uuid5 of the JSON list [kind, *Lien ids], stable forever."""
    return str(uuid.uuid5(LIEN_NAMESPACE, _NAME([kind, *map(str, parts)])))


@lru_cache(maxsize=4096)
def term_id(vocabulary: str, code: str) -> str:
    """The id of a term of one of Lien's taxonomies."""
    return hsds_id("taxonomy_term", vocabulary, code)


def coordinate(value: Any) -> str:
    """A coordinate as the shortest text that reads back as the same float; '' if there is none."""
    try:
        number = float(text(value).replace(",", "."))
    except ValueError:
        return ""
    if not math.isfinite(number):
        return ""
    # Shortest round-trip digits, never an exponent: the import must give back the very float.
    return np.format_float_positional(number, unique=True, trim="-")


def vocabulary_of(name: str) -> taxonomy.Vocabulary:
    """Lien's service or audience taxonomy by name."""
    return taxonomy.services() if name == "services" else taxonomy.audiences()


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
