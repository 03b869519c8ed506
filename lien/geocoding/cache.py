"""The cache of online answers (data/geocode_cache.csv): bad rows skipped, every write atomic."""

from __future__ import annotations

import csv
import logging
import math
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lien.files import atomic_writer
from lien.text import fold

log = logging.getLogger("lien.geocode")


class GeocodeCache:
    """A persistent query -> online answer table, rewritten atomically after each new answer."""

    FIELDS = (
        "key",
        "query",
        "status",
        "latitude",
        "longitude",
        "precision",
        "postcode",
        "display_name",
        "fetched_at",
    )

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.rows: dict[str, dict[str, str]] = {}
        # Streamlit sessions run in threads and may share one geocoder: writers take turns, so
        # no flush iterates the table while another thread adds to it.
        self._lock = threading.Lock()
        self.skipped = 0
        if self.path.is_file():
            self._read()

    def _read(self) -> None:
        """Load the file; a row that can't be an answer is skipped and counted, never fatal."""
        try:
            with self.path.open(encoding="utf-8", errors="replace", newline="") as handle:
                for row in csv.DictReader(handle):
                    if self._valid(row):
                        self.rows[row["key"]] = row
                    else:
                        self.skipped += 1
        except (csv.Error, OSError) as exc:
            log.warning(
                "geocode cache %s: stopped reading at an unreadable line (%s)", self.path, exc
            )
            self.skipped += 1
        if self.skipped:
            log.warning(
                "geocode cache %s: %d bad row(s) skipped; they will be asked again",
                self.path,
                self.skipped,
            )

    @staticmethod
    def _valid(row: dict[str, Any]) -> bool:
        """A row with a key, a known status and, for an answer, a finite point on Earth."""
        if not row.get("key") or None in row.values() or row.get("status") not in ("ok", "none"):
            return False
        if row["status"] == "none":
            return True
        try:
            lat, lon = float(row.get("latitude") or "nan"), float(row.get("longitude") or "nan")
        except ValueError:
            return False
        return math.isfinite(lat) and math.isfinite(lon) and abs(lat) <= 90 and abs(lon) <= 180

    @staticmethod
    def key(query: str) -> str:
        """Queries that differ only in case, accents or punctuation share an entry."""
        return fold(query)

    def get(self, query: str) -> dict[str, str] | None:
        """The cached row for a query, if any."""
        return self.rows.get(self.key(query))

    def put(self, query: str, row: dict[str, Any]) -> None:
        """Record an answer and rewrite the file atomically (a kill never corrupts it)."""
        full = {f: "" for f in self.FIELDS}
        full.update({k: "" if v is None else str(v) for k, v in row.items() if k in self.FIELDS})
        full["key"], full["query"] = self.key(query), query
        full["fetched_at"] = full["fetched_at"] or datetime.now(UTC).isoformat(timespec="seconds")
        with self._lock:
            self.rows[full["key"]] = full
            self._flush()

    def _flush(self) -> None:
        # fsync before the rename: the cache stands for requests that must not be made again.
        with atomic_writer(self.path, newline="", fsync=True) as handle:
            writer = csv.DictWriter(handle, fieldnames=self.FIELDS)
            writer.writeheader()
            writer.writerows(self.rows.values())
