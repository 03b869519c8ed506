"""Lien's geocoders (geopy-compatible) and their command line.

- `OfflineGeocoder`, the default: Belgian postcodes and place names (FR/NL/DE/EN) from installed
  packages; precise to the postcode or the locality, and it says which.
- `OnlineGeocoder` (LIEN_GEOCODER=nominatim): geopy's Nominatim for street-level precision,
  rate-limited to 1 request/s, cached in data/geocode_cache.csv, and falling back to the offline
  answer on any network error.

Command line:
    python geocode.py "QUERY"
    python geocode.py --csv IN.csv --column COL --out OUT.csv
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import os
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from geopy.exc import GeocoderRateLimited, GeopyError
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import Nominatim
from geopy.geocoders.base import DEFAULT_SENTINEL, Geocoder
from geopy.location import Location

from lien.gazetteer import Gazetteer, Place, default_gazetteer
from lien.paths import GEOCODE_CACHE_CSV
from lien.text import fold

log = logging.getLogger("lien.geocode")

RESULT_KEYS: tuple[str, ...] = (
    "latitude", "longitude", "precision", "postcode", "municipality", "municipality_code",
    "province", "province_code", "region", "region_code",
)
DEFAULT_USER_AGENT = "lien-belgium/0.1 (map of services for refugees; set LIEN_USER_AGENT)"
DEFAULT_NOMINATIM_URL = "https://nominatim.openstreetmap.org"


def _to_location(place: Place, raw_extra: dict[str, Any] | None = None) -> Location:
    raw = place.as_dict()
    if raw_extra:
        raw.update(raw_extra)
    return Location(place.label, (place.latitude, place.longitude), raw)


def _query_text(query: Any) -> str:
    if isinstance(query, dict):
        return ", ".join(str(v) for v in query.values() if v)
    return str(query or "")


class OfflineGeocoder(Geocoder):
    """Geocodes Belgian postcodes and place names with no network, to postcode or locality."""

    def __init__(self, gazetteer: Gazetteer | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.gazetteer = gazetteer or default_gazetteer()

    def locate(self, query: Any) -> Place | None:
        """The Place for a query, or None when nothing Belgian matches."""
        return self.gazetteer.lookup(_query_text(query).strip())

    def geocode(self, query: Any, *, exactly_one: bool = True,
                timeout: Any = DEFAULT_SENTINEL) -> Location | list[Location] | None:
        """geopy's geocode(): a Location whose `raw` holds the precision and administrative units."""
        place = self.locate(query)
        if place is None:
            return None
        location = _to_location(place)
        return location if exactly_one else [location]

    def locate_many(self, queries: Iterable[str]) -> list[Place | None]:
        """Batch geocoding; repeated queries are answered from memory."""
        lookup = self.gazetteer.lookup
        return [lookup(q.strip()) if q else None for q in queries]


class GeocodeCache:
    """A persistent query -> online answer table, rewritten atomically after each new answer."""

    FIELDS = ("key", "query", "status", "latitude", "longitude", "precision", "postcode",
              "display_name", "fetched_at")

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.rows: dict[str, dict[str, str]] = {}
        if self.path.exists():
            with self.path.open(encoding="utf-8", newline="") as handle:
                for row in csv.DictReader(handle):
                    if row.get("key"):
                        self.rows[row["key"]] = row

    @staticmethod
    def key(query: str) -> str:
        """Queries that differ only in case, accents or punctuation share an entry."""
        return fold(query)

    def get(self, query: str) -> dict[str, str] | None:
        """The cached row for a query, if any."""
        return self.rows.get(self.key(query))

    def put(self, query: str, row: dict[str, Any]) -> None:
        """Record an answer and rewrite the file (temp file + rename, so a kill never corrupts it)."""
        full = {f: "" for f in self.FIELDS}
        full.update({k: "" if v is None else str(v) for k, v in row.items() if k in self.FIELDS})
        full["key"], full["query"] = self.key(query), query
        full["fetched_at"] = full["fetched_at"] or datetime.now(timezone.utc).isoformat(timespec="seconds")
        self.rows[full["key"]] = full
        self._flush()

    def _flush(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=self.path.name, suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                writer = csv.DictWriter(handle, fieldnames=self.FIELDS)
                writer.writeheader()
                writer.writerows(self.rows.values())
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


class OnlineGeocoder(Geocoder):
    """Nominatim for street-level answers, cached and rate-limited, falling back to offline."""

    def __init__(self, *, user_agent: str | None = None, url: str | None = None,
                 cache_path: Path | str | None = None, min_delay_seconds: float = 1.0,
                 timeout: float = 1.0, offline: OfflineGeocoder | None = None,
                 cooldown_seconds: float = 30.0, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(timeout=timeout, user_agent=user_agent or DEFAULT_USER_AGENT)
        url = url or DEFAULT_NOMINATIM_URL
        scheme, _, domain = url.partition("://")
        self.nominatim = Nominatim(user_agent=user_agent or DEFAULT_USER_AGENT,
                                   domain=domain.rstrip("/"), scheme=scheme, timeout=timeout)
        # max_retries=0: a failing request falls back offline at once instead of retrying
        # (geopy's default retries would take ~10 s with no network).
        self._request = RateLimiter(self.nominatim.geocode, min_delay_seconds=min_delay_seconds,
                                    max_retries=0, swallow_exceptions=False)
        self.offline = offline or OfflineGeocoder()
        self.cache = GeocodeCache(Path(cache_path) if cache_path else GEOCODE_CACHE_CSV)
        self.cooldown_seconds = cooldown_seconds
        self._clock = clock
        self._down_until = 0.0
        self.network_calls = 0
        self.last_error: str | None = None

    def locate(self, query: Any) -> Place | None:
        """The best Place: cached or fresh Nominatim answer, else the offline one."""
        text = _query_text(query).strip()
        if not text:
            return None
        cached = self.cache.get(text)
        if cached is None and self._clock() >= self._down_until:
            cached = self._fetch(text)
        if cached is None or cached.get("status") != "ok":
            return self.offline.locate(text)
        return self._merge(text, cached)

    def geocode(self, query: Any, *, exactly_one: bool = True,
                timeout: Any = DEFAULT_SENTINEL) -> Location | list[Location] | None:
        """geopy's geocode(), with the same `raw` keys as the offline geocoder."""
        place = self.locate(query)
        if place is None:
            return None
        location = _to_location(place)
        return location if exactly_one else [location]

    def _fetch(self, text: str) -> dict[str, str] | None:
        try:
            self.network_calls += 1
            found = self._request(text, exactly_one=True, country_codes="be", addressdetails=True)
        except GeocoderRateLimited as exc:
            self._fail(exc, exc.retry_after or self.cooldown_seconds)
            return None
        except (GeopyError, OSError, ValueError) as exc:
            # ValueError covers malformed JSON bodies; OSError covers refused connections.
            self._fail(exc, self.cooldown_seconds)
            return None
        if found is None:
            row: dict[str, Any] = {"status": "none"}
        else:
            address = (found.raw or {}).get("address", {})
            precision = ("address" if address.get("house_number") or address.get("road")
                         else "postcode" if address.get("postcode") else "locality")
            row = {"status": "ok", "latitude": found.latitude, "longitude": found.longitude,
                   "precision": precision, "postcode": address.get("postcode", ""),
                   "display_name": found.address}
        self.cache.put(text, row)
        return self.cache.get(text)

    def _fail(self, exc: Exception, wait: float) -> None:
        self.last_error = f"{type(exc).__name__}: {exc}"
        self._down_until = self._clock() + float(wait)
        log.warning("Nominatim unavailable (%s); using the offline geocoder for %.0f s",
                    self.last_error, wait)

    def _merge(self, text: str, row: dict[str, str]) -> Place | None:
        """Nominatim's point with Lien's administrative units (from its postcode, else offline)."""
        lat, lon = float(row["latitude"]), float(row["longitude"])
        gaz = self.offline.gazetteer
        base = gaz.by_postcode(row.get("postcode", "")) or self.offline.locate(text) \
            or gaz.nearest(lat, lon)
        if base is None:
            return None
        return Place(**{**base.as_dict(), "latitude": lat, "longitude": lon,
                        "precision": row.get("precision") or base.precision})


def get_geocoder(name: str | None = None) -> OfflineGeocoder | OnlineGeocoder:
    """The configured geocoder: offline unless LIEN_GEOCODER=nominatim."""
    name = (name or os.environ.get("LIEN_GEOCODER") or "offline").strip().lower()
    if name == "offline":
        return OfflineGeocoder()
    if name == "nominatim":
        return OnlineGeocoder(user_agent=os.environ.get("LIEN_USER_AGENT"),
                              url=os.environ.get("LIEN_NOMINATIM_URL"),
                              cache_path=os.environ.get("LIEN_GEOCODE_CACHE"))
    raise ValueError(f"LIEN_GEOCODER must be 'offline' or 'nominatim', not {name!r}")


# --- command line -------------------------------------------------------------------------

def _read_table(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    try:
        dialect: Any = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(text.splitlines(), dialect=dialect)
    return list(reader.fieldnames or []), list(reader)


def _write_table(path: Path, fields: Sequence[str], rows: Iterable[dict[str, Any]]) -> None:
    path = path.resolve()
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(fields), extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def geocode_csv(src: Path, column: str, out: Path, geocoder: Any) -> tuple[int, int]:
    """Geocode every row of `src` from `column` into `out`; returns (rows, failures)."""
    from tqdm import tqdm

    fields, rows = _read_table(src)
    if column not in fields:
        raise KeyError(f"column {column!r} not found in {src}; columns are: {', '.join(fields)}")
    added = [*RESULT_KEYS, "geocode_error"]
    failures = 0
    for row in tqdm(rows, desc="geocoding", unit="row", file=sys.stderr, mininterval=0.5):
        query = (row.get(column) or "").strip()
        place = geocoder.locate(query) if query else None
        row.update(dict.fromkeys(added, ""))
        if place is None:
            failures += 1
            row["geocode_error"] = ("empty value" if not query
                                    else "no Belgian postcode or place name found")
        else:
            row.update(place.as_dict())
    _write_table(out, [*[f for f in fields if f not in added], *added], rows)
    return len(rows), failures


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(description="Geocode Belgian addresses, postcodes and places.")
    parser.add_argument("query", nargs="?", help="an address, postcode or place name")
    parser.add_argument("--csv", type=Path, help="input CSV file (batch mode)")
    parser.add_argument("--column", help="column of the input CSV holding the addresses")
    parser.add_argument("--out", type=Path, help="output CSV file (batch mode)")
    parser.add_argument("--geocoder", choices=("offline", "nominatim"),
                        help="override LIEN_GEOCODER")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    geocoder = get_geocoder(args.geocoder)

    if args.csv:
        if args.query or not (args.column and args.out):
            parser.error("batch mode takes --csv IN.csv --column COL --out OUT.csv and no QUERY")
        try:
            total, failed = geocode_csv(args.csv, args.column, args.out, geocoder)
        except (OSError, KeyError, csv.Error) as exc:
            print(f"geocode.py: {exc}", file=sys.stderr)
            return 2
        print(f"geocoded {total - failed} of {total} rows into {args.out}"
              + (f"; {failed} without a place (see geocode_error)" if failed else ""),
              file=sys.stderr)
        return 0

    if not args.query:
        parser.error("give a QUERY, or --csv IN.csv --column COL --out OUT.csv")
    place = geocoder.locate(args.query)
    if place is None:
        print(f"geocode.py: no Belgian postcode or place name found in {args.query!r}",
              file=sys.stderr)
        return 1
    print(json.dumps({k: place.as_dict()[k] for k in RESULT_KEYS}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
