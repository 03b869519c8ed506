"""Write the current view as an Open Referral HSDS 3.0 tabular data package (a zip).

The mapping is lien.openreferral's; data/README.md explains it for users.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from lien import store, taxonomy
from lien.display import safe_url
from lien.freshness import ACTIVE, STATUSES, parse
from lien.geo.gazetteer import default_gazetteer
from lien.ingest.directory import locate, site_numbers
from lien.openreferral import (
    FOREIGN_KEYS,
    HSDS_VERSION,
    LIEN_FIELDS,
    LINK_TYPES,
    PLACE_FIELDS,
    TABLES,
    TAXONOMIES,
    coordinate,
    field_schema,
    formula_safe,
    hsds_id,
    term_id,
    vocabulary_of,
)
from lien.outputs import hsds_metadata
from lien.outputs.export import export_columns
from lien.schema import FRESHNESS_COLUMNS, SCHEMA_COLUMNS, records, split_codes, text
from lien.store.history import changes
from lien.text import strip_controls

__all__ = ["datapackage", "export_zip", "store_files"]


class _Package:
    """The tables of one export being filled, with the taxonomy terms the view uses."""

    def __init__(self) -> None:
        self.rows: dict[str, list[dict[str, str]]] = {name: [] for name in TABLES}
        self.used_terms: dict[str, set[str]] = defaultdict(set)

    def add(self, table: str, **values: str) -> None:
        """Append a row to a table; fields not given stay empty."""
        self.rows[table].append(values)

    def attribute(
        self,
        key: tuple[str, ...],
        link_id: str,
        entity: str,
        vocabulary: str,
        code: str,
        value: str = "",
    ) -> None:
        """Attach a term to an entity; `key` makes the attribute's id."""
        self.used_terms[vocabulary].add(code)
        self.add(
            "attribute",
            id=hsds_id("attribute", *key),
            link_id=link_id,
            taxonomy_term_id=term_id(vocabulary, code),
            link_type=LINK_TYPES[vocabulary],
            link_entity=entity,
            value=value,
        )

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
            for code, term, labels in self._terms(name, used):
                self.add(
                    "taxonomy_term",
                    id=term_id(name, code),
                    taxonomy_id=taxonomy_id,
                    taxonomy=title,
                    language="en",
                    **term,
                )
                # A term has one name (English here): the other languages are attributes. The
                # "Lien fields" taxonomy comes last, so the terms these use are still written.
                for lang in ("fr", "nl"):
                    if labels.get(lang):
                        field = f"label_{lang}"
                        self.attribute(
                            ("taxonomy_term", name, code, field),
                            term_id(name, code),
                            LIEN_FIELDS[field][0],
                            "lien_fields",
                            field,
                            labels[lang],
                        )

    @staticmethod
    def _terms(name: str, used: set[str]) -> Iterable[tuple[str, dict[str, str], dict[str, str]]]:
        """(code, term row, labels by language) of the used terms of one taxonomy, in order."""
        if name == "lien_fields":
            for field, (_, description) in LIEN_FIELDS.items():
                if field in used:
                    # Prefixed: taxonomy_term.code is unique across the whole package.
                    yield (
                        field,
                        {
                            "code": f"lien:{field}",
                            "name": f"Lien {field}",
                            "description": description,
                        },
                        {},
                    )
            return
        vocabulary = vocabulary_of(name)
        known = [c for c in vocabulary.codes if c in used]
        # A code outside the taxonomy only comes from an unvalidated frame; it is kept as is.
        for code in known + sorted(used - set(known)):
            term = vocabulary.terms.get(code)
            labels = term.labels if term else {}
            name = labels.get("en", code)
            yield (
                code,
                {
                    "code": code,
                    "name": name,
                    "description": (term.description if term else "") or name,
                },
                labels,
            )


def _records(sites: pd.DataFrame) -> list[dict[str, str]]:
    """The view's rows as text, with Lien's optional columns and site ids filled in."""
    frame = sites.copy()
    for name in (*SCHEMA_COLUMNS, *FRESHNESS_COLUMNS):
        if name not in frame:
            frame[name] = ""
    if "site_id" not in sites.columns:
        frame["site_id"] = site_numbers(frame["org_id"].map(text))
    out = []
    for record in records(frame):
        row = {
            k: text(record.get(k))
            for k in (
                *SCHEMA_COLUMNS,
                *FRESHNESS_COLUMNS,
                "province",
                "region",
                "coord_source",
                "coord_precision",
            )
        }
        row["latitude"] = coordinate(record.get("latitude"))
        row["longitude"] = coordinate(record.get("longitude"))
        if row["latitude"] and row["longitude"] and "coord_source" not in frame:
            # An unlocated frame: coordinates written in it are the manual override.
            row["coord_source"] = "manual"
        if not row["province"] and (row["postcode"] or row["city"]):
            # An HSDS address needs its province: an unlocated frame's comes from the gazetteer.
            place = default_gazetteer().lookup_parts(row["postcode"], row["city"])
            if place is not None:
                row["province"], row["region"] = place.province, place.region
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


def _is_address(row: dict[str, str]) -> bool:
    """Whether a site's place is a full HSDS address: street, postcode, town and province."""
    return all(row[k] for k in ("address", "postcode", "city", "province"))


def _place_text(row: dict[str, str]) -> str:
    """A place as printed: "85 Rue Léon Théodor, Jette", "1000 Bruxelles", "Liège"."""
    town = " ".join(p for p in (row["postcode"], row["city"]) if p)
    return ", ".join(p for p in (row["address"], town) if p)


def _add_site(package: _Package, row: dict[str, str], org_uuid: str) -> None:
    """One Lien row as a service, its location, address, contacts, schedule and attributes."""
    service_id = _add_service(package, row, org_uuid)
    placed = any(row[k] for k in ("address", "postcode", "city", "latitude"))
    if placed or row["precision"] not in ("national", ""):
        _add_location(package, row, org_uuid, virtual=row["precision"] == "online" and not placed)
    _add_contacts(package, row, service_id)


# Lien's freshness values HSDS has no field for as they are: the check's date at its own
# precision and who made it.
LIEN_FRESHNESS: tuple[str, ...] = ("checked_on", "checked_by")


def _full_date(value: str) -> str:
    """A YYYY, YYYY-MM or YYYY-MM-DD date as HSDS's date: its first day, "" for none."""
    checked = parse(value)
    return checked.day.isoformat() if checked else ""


def _timestamp(value: str) -> str:
    """A date as HSDS's datetime: its first day's start, in UTC; "" for none."""
    day = _full_date(value)
    return f"{day}T00:00:00Z" if day else ""


def _add_service(package: _Package, row: dict[str, str], org_uuid: str) -> str:
    """The site's service with its attributes and Lien's own fields; its id."""
    site_id = row["site_id"]
    service_id = hsds_id("service", site_id)
    websites = split_codes(row["website"])
    emails = split_codes(row["email"])
    package.add(
        "service",
        id=service_id,
        organization_id=org_uuid,
        name=row["site"],
        description=row["description"],
        url=(safe_url(websites[0]) or "") if websites else "",
        email=emails[0] if emails else "",
        # HSDS's freshness fields: a status from its own list, the day a person last checked
        # the record (a month's or a year's first day: assured_date is a full date, and the
        # checked_on attribute keeps the precision), the day it last changed.
        status=row["status"] if row["status"] in STATUSES else ACTIVE,
        assured_date=_full_date(row["checked_on"] or row["source_date"]),
        last_modified=_timestamp(row["changed_on"]),
    )
    # Attributes in cell order: the first service code is the site's main one.
    for vocabulary in ("services", "audiences"):
        for i, code in enumerate(split_codes(row[vocabulary])):
            package.attribute(
                (site_id, vocabulary, str(i)), service_id, "service", vocabulary, code
            )
    for field in ("site_id", "precision", "source", "source_date", "notes", *LIEN_FRESHNESS):
        package.lien((site_id, field), service_id, field, row[field])
    for i, website in enumerate(websites):
        package.lien((site_id, "website", str(i)), service_id, "website", website)
    return service_id


def _add_location(package: _Package, row: dict[str, str], org_uuid: str, virtual: bool) -> None:
    """The site's location, linked to its service, with its address when it is a full one."""
    site_id = row["site_id"]
    websites = split_codes(row["website"])
    location_id = hsds_id("location", site_id)
    package.add(
        "location",
        id=location_id,
        location_type="virtual" if virtual else "physical",
        url=(safe_url(websites[0]) or "") if virtual and websites else "",
        organization_id=org_uuid,
        name=row["site"],
        # A place HSDS can't hold as an address, said for people (its fields are attributes).
        description="" if _is_address(row) else _place_text(row),
        latitude=row["latitude"],
        longitude=row["longitude"],
    )
    package.add(
        "service_at_location",
        id=hsds_id("service_at_location", site_id),
        service_id=hsds_id("service", site_id),
        location_id=location_id,
    )
    for field in ("coord_source", "coord_precision"):
        package.lien((site_id, field), location_id, field, row[field])
    if _is_address(row):
        package.add(
            "address",
            id=hsds_id("address", site_id),
            location_id=location_id,
            address_1=row["address"],
            city=row["city"],
            region=row["region"],
            state_province=row["province"],
            postal_code=row["postcode"],
            country="BE",
            address_type="physical",
        )
    else:
        for field in PLACE_FIELDS:
            package.lien((site_id, field), location_id, field, row[field])


def _add_contacts(package: _Package, row: dict[str, str], service_id: str) -> None:
    """The service's phones, contacts, schedule and languages."""
    site_id = row["site_id"]
    for kind, column in (("voice", "phone"), ("fax", "fax")):
        for i, number in enumerate(split_codes(row[column])):
            package.add(
                "phone",
                id=hsds_id("phone", site_id, kind, i),
                service_id=service_id,
                number=number,
                type=kind,
            )
    for i, name in enumerate(split_codes(row["contact_person"])):
        package.add(
            "contact", id=hsds_id("contact", site_id, "name", i), service_id=service_id, name=name
        )
    # services.email holds one address; the others are contacts with only an e-mail.
    for i, email in enumerate(split_codes(row["email"])[1:], start=1):
        package.add(
            "contact",
            id=hsds_id("contact", site_id, "email", i),
            service_id=service_id,
            email=email,
        )
    if row["hours"]:
        # Lien's hours are prose ("le mardi de 14 à 17 h"), not RRULEs: a schedule's description.
        package.add(
            "schedule",
            id=hsds_id("schedule", site_id),
            service_id=service_id,
            description=row["hours"],
        )
    for i, code in enumerate(split_codes(row["languages"])):
        package.add(
            "language",
            id=hsds_id("language", site_id, i),
            service_id=service_id,
            code=code,
            name=taxonomy.language_label(code, "en"),
        )


def _tables(
    sites: pd.DataFrame, metadata: list[dict[str, str]] | None
) -> dict[str, list[dict[str, str]]]:
    """The HSDS rows of a view, table by table; `metadata`: the store's history of its records
    (None: the view has no store; an imported package's own rows go out again)."""
    export_columns(sites)  # a frame without Lien's required columns is a bug upstream
    records = _records(sites)
    package = _Package()
    descriptions = _organisation_descriptions(records)
    orgs: dict[str, str] = {}
    for row in records:
        org_id = row["org_id"]
        if org_id not in orgs:
            orgs[org_id] = hsds_id("organization", org_id)
            package.add(
                "organization",
                id=orgs[org_id],
                name=row["organisation"],
                description=descriptions[org_id],
            )
            package.lien((org_id, "org_id"), orgs[org_id], "org_id", org_id)
        _add_site(package, row, orgs[org_id])
    package.taxonomies()
    if metadata is None:
        ids = {row["id"] for table in package.rows.values() for row in table}
        metadata = hsds_metadata.kept(sites.attrs.get(hsds_metadata.ATTR), ids)
    package.rows["metadata"] = metadata
    return package.rows


def _csv(fields: tuple[str, ...], rows: list[dict[str, str]]) -> bytes:
    """Rows as UTF-8 CSV, formula starts defended (formula_safe); numbers and phones intact."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([formula_safe(f) for f in fields])
    for row in rows:
        # Without the characters no text needs: the package must read back whatever it holds.
        writer.writerow([formula_safe(strip_controls(row.get(field, ""))) for field in fields])
    return out.getvalue().encode("utf-8")


def datapackage() -> dict[str, Any]:
    """The Frictionless descriptor of Lien's HSDS package: every file with its fields."""
    resources = []
    for table, (path, fields) in TABLES.items():
        schema: dict[str, Any] = {
            "fields": [field_schema(table, f) for f in fields],
            "primaryKey": "id",
        }
        if table in FOREIGN_KEYS:
            schema["foreignKeys"] = [
                {"fields": field, "reference": {"resource": other, "fields": "id"}}
                for field, other in FOREIGN_KEYS[table]
            ]
        resources.append(
            {
                "name": table,
                "path": path,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": schema,
            }
        )
    return {
        "name": "lien-hsds",
        "title": "Lien: services for refugees and migrants in Belgium",
        "description": "Open Referral HSDS 3.0 tabular data package exported by Lien. One service "
        "per Lien site; Lien's own values (and the French and Dutch labels of its "
        "terms) are attributes of the 'Lien fields' taxonomy. A place without a "
        "known street or postcode is no address: its location's description says "
        "it, and its parts are attributes. A cell that a spreadsheet would run as "
        "a formula (starting with '=', '@', a tab, a carriage return, or with "
        "'+'/'-' unless the whole cell is a number or a phone number) is written "
        "with a leading apostrophe; numbers and phone numbers are written as "
        "they are. The metadata table is each record's history from Lien's store: one "
        "row per changed field (field_name is Lien's column), '(none)' for a value that "
        "was not there.",
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


def _files(
    sites: pd.DataFrame, note: str, metadata: list[dict[str, str]] | None
) -> dict[str, bytes]:
    tables = _tables(sites, metadata)
    descriptor = datapackage()
    if note:
        descriptor["description"] += " " + note
    files = {
        "datapackage.json": json.dumps(descriptor, ensure_ascii=False, indent=2).encode("utf-8")
    }
    for table, (path, fields) in TABLES.items():
        files[path] = _csv(fields, tables[table])
    return files


def export_zip(sites: pd.DataFrame, note: str = "", store: str | None = None) -> bytes:
    """The view as an HSDS 3.0 tabular data package: datapackage.json and one CSV per table;
    `note` (where the download was cut, say) is added to the package's description. `store`:
    the URL of the store the view is a version of, whose audit log becomes the metadata table
    (read here, in the download's worker)."""
    metadata = None
    if store is not None and "site_id" in sites:
        metadata = hsds_metadata.from_store(store, set(sites["site_id"].map(text)))
    return _zip(_files(sites, note, metadata))


def store_files(engine: Engine) -> dict[str, bytes]:
    """The store's current version as the files of an HSDS package, every record (a defunct one
    too, with its status) and the history of each: the part of a dump any HSDS tool reads."""
    raw = store.records(engine, store.current_version(engine)).rename(columns={"position": "row"})
    raw[["checked_on", "changed_on"]] = raw[["checked_on", "changed_on"]].fillna("")
    # Placed as the pages place it, but every record: a defunct one leaves the map, not the data.
    frame = locate(raw)
    log = changes(engine, set(frame["site_id"]))
    return _files(frame, "", hsds_metadata.rows(log))
