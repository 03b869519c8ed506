"""Read an Open Referral HSDS 3.0 package (a zip) as rows of Lien's schema, bounded.

A package Lien exported gives back the rows it was made from; another publisher's is mapped like an
uploaded table (lien.ingest.mapping). The model is lien.openreferral's.
"""

from __future__ import annotations

import csv
import io
import json
import posixpath
import re
import zipfile
import zlib
from collections import defaultdict
from collections.abc import Iterable

import pandas as pd

from lien.config import MiB
from lien.ingest import decoding, mapping
from lien.ingest.hsds_fields import language_code, place_in, schedule_text
from lien.ingest.tabular import error_name
from lien.openreferral import (
    LIEN_FIELDS,
    METADATA_ATTR,
    TABLES,
    term_id,
    unformula,
    vocabulary_of,
)
from lien.problems import DirectoryError, problem
from lien.schema import FRESHNESS_COLUMNS, SCHEMA_COLUMNS

__all__ = ["MAX_UNPACKED_MB", "import_zip", "is_hsds_zip"]

# A zip of a few kilobytes can unpack to gigabytes: the unpacked total is bounded.
MAX_UNPACKED_MB = 50
# Records read per table: as many services as an uploaded table may have rows, and room for the
# phones, attributes and other details they hang on to. More is refused before it is built.
MAX_SERVICES = 50_000
MAX_TABLE_ROWS = 250_000
MAX_DESCRIPTOR_BYTES = MiB
DEFAULT_NAME = "HSDS package"
# What reading a member of a broken or crafted zip may raise.
READ_ERRORS = (zipfile.BadZipFile, RuntimeError, NotImplementedError, EOFError, OSError, zlib.error)

Record = dict[str, str]


def _refuse(name: str, code: str, **params: object) -> DirectoryError:
    """The error refusing the whole package, with one file-level problem."""
    return DirectoryError(name, [problem(None, "file", code, **params)])


def _unsafe(path: str) -> bool:
    """Whether a member's path could land outside the folder it is unpacked in."""
    path = path.replace("\\", "/")
    return (
        path.startswith("/")
        or bool(re.match(r"^[A-Za-z]:", path))
        or "\x00" in path
        or ".." in path.split("/")
    )


def _unpack(data: bytes, name: str) -> dict[str, bytes]:
    """The CSV and JSON members of a zip by path, refusing unsafe paths and oversized content."""
    limit = MAX_UNPACKED_MB * MiB
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
        except READ_ERRORS as exc:
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
    descriptors = sorted(
        (p for p in files if posixpath.basename(p) == "datapackage.json"),
        key=_depth,
    )
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
            if (
                isinstance(resource, dict)
                and isinstance(resource.get("name"), str)
                and isinstance(resource.get("path"), str)
            ):
                declared[resource["name"]] = posixpath.normpath(
                    posixpath.join(base, resource["path"])
                )
    paths: dict[str, str] = {}
    for table, (filename, _) in TABLES.items():
        # A package zipped with its folder has its files one level down: found by name.
        candidates = [
            declared.get(table),
            posixpath.normpath(posixpath.join(base, filename)),
            *sorted(
                (p for p in files if posixpath.basename(p) == filename),
                key=_depth,
            ),
        ]
        found = next((p for p in candidates if p and p in files), None)
        if found:
            paths[table] = found
    return paths


def _read_csv(
    content: bytes, path: str, name: str, limit: int = MAX_TABLE_ROWS
) -> tuple[list[str], list[Record]]:
    """A member's header and records, cells trimmed (import neutralisation undone); raises
    DirectoryError if it is not CSV or has more than `limit` records."""
    # Decoded as the table reader decodes a file, without the characters no text needs; what it
    # guessed is not said for a package's members.
    text = decoding.decode(content, [])
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
            records.append(
                {
                    key: unformula(cell.strip())
                    for key, cell in zip(header, cells, strict=False)
                    if key
                }
            )
    except csv.Error as exc:
        raise _refuse(name, "hsds_bad_csv", file=path, reason=str(exc)) from None
    return header, records


REQUIRED_FILES: dict[str, tuple[str, ...]] = {
    "organization": ("id", "name"),
    "service": ("id", "name"),
}


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
        limit = MAX_SERVICES if table in ("service", "organization", "location") else MAX_TABLE_ROWS
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
        self.lien_terms = {term_id("lien_fields", f): f for f in LIEN_FIELDS}
        self.code_terms = {
            term_id(v, c): (v, c) for v in ("services", "audiences") for c in vocabulary_of(v).codes
        }
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
            vocabulary, codes = self._match(texts)
            found[vocabulary].extend(codes)
        return found["services"], found["audiences"]

    @staticmethod
    def _match(texts: list[str]) -> tuple[str, tuple[str, ...]]:
        """(taxonomy, Lien codes) a foreign term's code or name stands for, else its name."""
        for vocabulary in ("services", "audiences"):
            for text in texts:
                codes = vocabulary_of(vocabulary).codes_for(text)
                if codes:
                    return vocabulary, codes
        # Unknown: kept by name so that validation names it.
        return "services", (texts[-1],)

    def rows(self) -> list[tuple[bool, Record]]:
        """(made by Lien, Lien row) for every service at every one of its locations."""
        out = []
        for service in self.tables["service"]:
            links = self.at_location.get(service.get("id", ""), [])
            pairs = [(link, self.locations.get(link.get("location_id", ""), {})) for link in links]
            for link, location in pairs or [({}, {})]:
                out.append(self.row(service, link, location, len(pairs) > 1))
        return out

    def row(
        self, service: Record, link: Record, location: Record, several: bool
    ) -> tuple[bool, Record]:
        """One Lien row: a service at one location (or at none)."""
        service_id, location_id = service.get("id", ""), location.get("id", "")
        link_id = link.get("id", "")
        lien = self.lien(service_id)
        own = bool(lien.get("site_id"))  # made by Lien: its values come back as they were
        org = self.orgs.get(service.get("organization_id", "")) or self.orgs.get(
            location.get("organization_id", ""), {}
        )
        addresses = self.addresses.get(location_id, [])
        address = next(
            (a for a in addresses if a.get("address_type") != "postal"),
            addresses[0] if addresses else {},
        )
        services, audiences = self.codes(service_id)

        def related(table: str) -> list[Record]:
            records = self.linked(table, "service_id", service_id)
            if own:
                return records
            # A foreign package may hang details on the place or the organisation instead.
            return (
                records
                + self.linked(table, "service_at_location_id", link_id)
                + self.linked(table, "location_id", location_id)
            ) or (
                self.linked(table, "organization_id", org.get("id", ""))
                if table in ("phone", "contact")
                else []
            )

        phones, contacts = related("phone"), related("contact")
        emails = [service.get("email", "")] + [c.get("email", "") for c in contacts]
        location_lien = self.lien(location_id)
        if not address:
            # A place HSDS can't hold as an address (no street or no postcode) comes back from
            # Lien's attributes; earlier exports wrote an address row with those fields empty.
            address = {
                "address_1": location_lien.get("address", [""])[0],
                "postal_code": location_lien.get("postcode", [""])[0],
                "city": location_lien.get("city", [""])[0],
            }
        lat, lon = location.get("latitude", ""), location.get("longitude", "")
        if own and location_lien.get("coord_source", [""])[0] != "manual":
            lat = lon = ""  # geocoded: Lien places it again, the same way
        row = {
            "site_id": lien.get("site_id", [""])[0] if not several else "",
            "org_id": self.lien(org.get("id", "")).get("org_id", [""])[0],
            "organisation": org.get("name", ""),
            "site": service.get("name", ""),
            "address": address.get("address_1", ""),
            "postcode": address.get("postal_code", ""),
            "city": address.get("city", ""),
            "latitude": lat,
            "longitude": lon,
            "precision": lien.get("precision", [""])[0],
            "services": ";".join(services),
            "audiences": ";".join(audiences),
            # Lien's own codes come back as written; a foreign package's are normalised.
            "languages": ";".join(
                _unique(
                    (r.get("code", "") if own else language_code(r)) for r in related("language")
                )
            ),
            "hours": " ; ".join(_unique(schedule_text(r) for r in related("schedule"))),
            "phone": ";".join(
                _unique(p.get("number", "") for p in phones if p.get("type", "").lower() != "fax")
            ),
            "fax": ";".join(
                _unique(p.get("number", "") for p in phones if p.get("type", "").lower() == "fax")
            ),
            "email": ";".join(_unique(emails)),
            "website": ";".join(lien.get("website", [])),
            "contact_person": ";".join(_unique(c.get("name", "") for c in contacts)),
            "description": service.get("description", ""),
            "notes": lien.get("notes", [""])[0],
            "source": lien.get("source", [""])[0],
            "source_date": lien.get("source_date", [""])[0],
            # Freshness: Lien's own check date keeps its precision (a month stays a month);
            # a foreign package's assured_date is a day.
            "status": service.get("status", ""),
            "checked_on": lien.get("checked_on", [""])[0] or service.get("assured_date", ""),
            "checked_by": lien.get("checked_by", [""])[0],
            "changed_on": service.get("last_modified", "")[:10],
        }
        if not own:
            self._foreign(row, service, link, location, address, org)
        if several and not own:
            place = location.get("name") or row["city"]  # as _foreign found it
            row["site"] = f"{row['site']} — {place}" if place else row["site"]
        return own, row

    @staticmethod
    def _foreign(
        row: Record,
        service: Record,
        link: Record,
        location: Record,
        address: Record,
        org: Record,
    ) -> None:
        """Fill a foreign service's row from what HSDS fields it has."""
        if address.get("address_2"):
            row["address"] = ", ".join(p for p in (row["address"], address["address_2"]) if p)
        place_described = None
        if not (row["address"] or row["postcode"] or row["city"]):
            place_described = place_in(location.get("description", ""))
            if location.get("location_type", "physical") == "virtual":
                place_described = None
            if place_described:
                row["address"], row["postcode"], row["city"] = place_described
        row["description"] = (
            row["description"]
            or link.get("description", "")
            # A description that only names the place is not what the service does.
            or ("" if place_described else location.get("description", ""))
            or org.get("description", "")
        )
        row["website"] = service.get("url", "") or location.get("url", "") or org.get("website", "")
        row["email"] = row["email"] or org.get("email", "")
        if location.get("location_type") == "virtual" and not (
            row["address"] or row["postcode"] or row["city"]
        ):
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
        names & {"datapackage.json", "services.csv", "organizations.csv"}
    )


def import_zip(data: bytes, name: str = DEFAULT_NAME) -> pd.DataFrame:
    """An HSDS package as text rows in Lien's schema (`row` from 2); raises DirectoryError."""
    # A package Lien exported gives back the rows it was made from. A foreign one is mapped like
    # an uploaded table: ids derived from names, terms matched to Lien's codes by code or label,
    # unknown terms kept by name for validation to report. `name` is the source of its rows and
    # names the file in messages.
    tables = _read_tables(_unpack(data, name), name)
    built = _Reader(tables).rows()
    schema_columns = list(SCHEMA_COLUMNS)
    columns = [*schema_columns, *FRESHNESS_COLUMNS]
    frame = pd.DataFrame([row for _, row in built], columns=columns, dtype=object).fillna("")
    frame.insert(0, "row", range(2, len(frame) + 2))
    foreign = [not own for own, _ in built]
    if any(foreign):
        mask = pd.Series(foreign, index=frame.index)
        # Foreign rows are an uploaded table already in Lien's columns: one mapping for both.
        mapped, _, _ = mapping.to_schema(
            frame[mask].reset_index(drop=True)[["row", *schema_columns]],
            {c: c for c in schema_columns},
            name,
        )
        mapped.index = frame.index[mask]
        frame.loc[mask, schema_columns] = mapped[schema_columns]
    # Text columns typed as the table reader types them, so frames compare and concatenate.
    frame = frame.astype({c: str for c in columns})
    frame.attrs[METADATA_ATTR] = tables["metadata"]  # its history, exported again with them
    return frame
