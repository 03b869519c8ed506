"""Everything the store holds in one zip, and back: the sites of every version, the versions,
the proposals and the audit log, one JSON Lines file per table (JSON keeps a NULL apart from an
empty text, which CSV can't).

The bytes depend only on what the store holds: rows in key order, keys sorted, every entry
dated 1980-01-01, so dump → restore → dump gives an identical file.

The command line (lien.store.__main__) puts the current version as an HSDS package at the top
of the same zip (lien.outputs.hsds.store_files: its metadata table the audit log, as the pages'
export writes it), so the dump is an HSDS zip plus Lien's extras; restore reads the extras only.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, DateTime, Engine, Table, func, insert, select, text

from lien.store.engine import head, revision
from lien.store.models import TABLES
from lien.store.versions import StoreError

FORMAT = "lien-store"
MANIFEST = "lien-store.json"
# A zip's earliest date: no clock in the bytes.
EPOCH = (1980, 1, 1, 0, 0, 0)
CHUNK = 1_000


def _tables() -> list[Table]:
    # Parents before children: versions, then what refers to them.
    return [model.__table__ for model in TABLES]  # type: ignore[misc]


def _encode(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _lines(connection: Connection, table: Table) -> Iterator[str]:
    query = select(table).order_by(*table.primary_key.columns)
    for row in connection.execute(query).mappings():
        record = {k: _encode(v) for k, v in row.items()}
        yield json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=EPOCH)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def dump(
    engine: Engine, path: Path, first: Callable[[Engine], Mapping[str, bytes]] | None = None
) -> None:
    """Write everything the store holds to the zip `path`, in one read transaction, after the
    files `first(engine)` makes (an HSDS package of the current version)."""
    tables = _tables()
    manifest = {"format": FORMAT, "schema": revision(engine), "tables": [t.name for t in tables]}
    files = first(engine) if first is not None else {}
    with engine.connect() as connection, zipfile.ZipFile(path, "w") as archive:
        for name, content in files.items():
            archive.writestr(_entry(name), content)
        for table in tables:
            body = "".join(line + "\n" for line in _lines(connection, table))
            archive.writestr(_entry(f"{table.name}.jsonl"), body.encode("utf-8"))
        text_ = json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=1) + "\n"
        archive.writestr(_entry(MANIFEST), text_.encode("utf-8"))


def _decode(table: Table, record: dict[str, Any]) -> dict[str, Any]:
    out = dict(record)
    for column in table.columns:
        if isinstance(column.type, DateTime) and out.get(column.name) is not None:
            out[column.name] = datetime.fromisoformat(out[column.name])
    return out


def _read_manifest(archive: zipfile.ZipFile) -> dict[str, Any]:
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except (KeyError, ValueError):
        raise StoreError(f"not a dump of Lien's store (no readable {MANIFEST})") from None
    if manifest.get("format") != FORMAT:
        raise StoreError("not a dump of Lien's store")
    if manifest.get("schema") != head():
        raise StoreError(
            f"dumped with schema {manifest.get('schema')}; this Lien's is {head()}: "
            "restore with the Lien that dumped it, then upgrade"
        )
    return dict(manifest)


def _empty(connection: Connection) -> bool:
    for table in _tables():
        if connection.scalar(select(func.count()).select_from(table)):
            return False
    return True


def _reset_sequences(connection: Connection) -> None:
    # PostgreSQL numbers new rows from a sequence that explicit ids don't advance.
    if connection.dialect.name != "postgresql":
        return
    for table in _tables():
        key = next(iter(table.primary_key.columns))
        if key.autoincrement is False:
            continue
        connection.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', '{key.name}'), "
                f"COALESCE((SELECT MAX({key.name}) FROM {table.name}), 0) + 1, false)"
            )
        )


def restore(engine: Engine, path: Path) -> None:
    """Bring back everything the zip `path` holds into an empty store (its schema migrated
    already), in one transaction."""
    with zipfile.ZipFile(path) as archive, engine.begin() as connection:
        _read_manifest(archive)
        if not _empty(connection):
            raise StoreError("restore needs an empty store (a new database or file)")
        for table in _tables():
            batch: list[dict[str, Any]] = []
            for line in archive.read(f"{table.name}.jsonl").decode("utf-8").splitlines():
                batch.append(_decode(table, json.loads(line)))
                if len(batch) >= CHUNK:
                    connection.execute(insert(table), batch)
                    batch = []
            if batch:
                connection.execute(insert(table), batch)
        _reset_sequences(connection)
