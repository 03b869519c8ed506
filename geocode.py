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
import math
import os
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from geopy.adapters import URLLibAdapter
from geopy.exc import GeocoderRateLimited, GeocoderTimedOut
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import Nominatim
from geopy.geocoders.base import DEFAULT_SENTINEL, Geocoder
from geopy.location import Location

from lien import tabular
from lien.gazetteer import Gazetteer, Place, default_gazetteer
from lien.paths import GEOCODE_CACHE_CSV
from lien.problems import DirectoryError
from lien.text import fold

log = logging.getLogger("lien.geocode")

RESULT_KEYS: tuple[str, ...] = (
    "latitude", "longitude", "precision", "postcode", "municipality", "municipality_code",
    "province", "province_code", "region", "region_code",
)
DEFAULT_USER_AGENT = "lien-belgium/0.1 (map of services for refugees; set LIEN_USER_AGENT)"
DEFAULT_NOMINATIM_URL = "https://nominatim.openstreetmap.org"
# The issue allows 2 s from a query to its offline fallback; the rest is margin for the
# offline lookup and the thread hand-over.
FALLBACK_SECONDS = 1.8
# A request never gets less than this, even after a long rate-limit wait.
MIN_REQUEST_SECONDS = 0.5
# No address or place name is longer; a longer query is cut before any lookup.
MAX_QUERY_CHARS = 1_000


def _to_location(place: Place, raw_extra: dict[str, Any] | None = None) -> Location:
    raw = place.as_dict()
    if raw_extra:
        raw.update(raw_extra)
    return Location(place.label, (place.latitude, place.longitude), raw)


def _query_text(query: Any) -> str:
    if isinstance(query, dict):
        return ", ".join(str(v) for v in query.values() if v)
    return str(query or "")


class LienGeocoder(Geocoder):
    """A geopy geocoder whose answers are Lien Places; subclasses implement `locate()`."""

    def locate(self, query: Any) -> Place | None:
        """The Place for a query, or None when nothing Belgian matches."""
        raise NotImplementedError

    def geocode(self, query: Any, *, exactly_one: bool = True,
                timeout: Any = DEFAULT_SENTINEL) -> Location | list[Location] | None:
        """geopy's geocode(): a Location whose `raw` holds the precision and administrative units."""
        place = self.locate(query)
        if place is None:
            return None
        location = _to_location(place)
        return location if exactly_one else [location]


class OfflineGeocoder(LienGeocoder):
    """Geocodes Belgian postcodes and place names with no network, to postcode or locality."""

    def __init__(self, gazetteer: Gazetteer | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.gazetteer = gazetteer or default_gazetteer()

    def locate(self, query: Any) -> Place | None:
        """The Place for a query, or None when nothing Belgian matches."""
        return self.gazetteer.lookup(_query_text(query).strip()[:MAX_QUERY_CHARS])

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
            log.warning("geocode cache %s: stopped reading at an unreadable line (%s)",
                        self.path, exc)
            self.skipped += 1
        if self.skipped:
            log.warning("geocode cache %s: %d bad row(s) skipped; they will be asked again",
                        self.path, self.skipped)

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
        """Record an answer and rewrite the file (temp file + rename, so a kill never corrupts it)."""
        full = {f: "" for f in self.FIELDS}
        full.update({k: "" if v is None else str(v) for k, v in row.items() if k in self.FIELDS})
        full["key"], full["query"] = self.key(query), query
        full["fetched_at"] = full["fetched_at"] or datetime.now(timezone.utc).isoformat(timespec="seconds")
        with self._lock:
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


class OnlineGeocoder(LienGeocoder):
    """Nominatim for street-level answers, cached and rate-limited, falling back to offline."""

    def __init__(self, *, user_agent: str | None = None, url: str | None = None,
                 cache_path: Path | str | None = None, min_delay_seconds: float = 1.0,
                 timeout: float = 1.0, offline: OfflineGeocoder | None = None,
                 cooldown_seconds: float = 30.0, clock: Callable[[], float] = time.monotonic,
                 fallback_seconds: float = FALLBACK_SECONDS) -> None:
        super().__init__(timeout=timeout, user_agent=user_agent or DEFAULT_USER_AGENT,
                         adapter_factory=URLLibAdapter)
        url = url or DEFAULT_NOMINATIM_URL
        scheme, sep, domain = url.partition("://")
        if not sep:  # a bare "host:port": public Nominatim servers speak https
            scheme, domain = "https", url
        # URLLibAdapter, not geopy's default RequestsAdapter: that one lets urllib3 retry a
        # timed-out request twice and sleep through a 429's Retry-After (minutes), far past the
        # 2 s fallback; urllib also honours no_proxy, which requests does not here.
        self.nominatim = Nominatim(user_agent=user_agent or DEFAULT_USER_AGENT,
                                   domain=domain.rstrip("/"), scheme=scheme, timeout=timeout,
                                   adapter_factory=URLLibAdapter)
        # max_retries=0: a failing request falls back offline at once instead of retrying
        # (geopy's default retries would take ~10 s with no network).
        self._request = RateLimiter(self._send, min_delay_seconds=min_delay_seconds,
                                    max_retries=0, swallow_exceptions=False)
        self.fallback_seconds = fallback_seconds
        self.offline = offline or OfflineGeocoder()
        self.cache = GeocodeCache(Path(cache_path) if cache_path else GEOCODE_CACHE_CSV)
        self.cooldown_seconds = cooldown_seconds
        self._clock = clock
        self._down_until = 0.0
        self.network_calls = 0
        self.last_error: str | None = None

    def locate(self, query: Any) -> Place | None:
        """The best Place: cached or fresh Nominatim answer, else the offline one."""
        text = _query_text(query).strip()[:MAX_QUERY_CHARS]
        if not text:
            return None
        cached = self.cache.get(text)
        if cached is None and self._clock() >= self._down_until:
            cached = self._fetch(text)
        if cached is None or cached.get("status") != "ok":
            return self.offline.locate(text)
        return self._merge(text, cached)


    def _fetch(self, text: str) -> dict[str, str] | None:
        """Ask Nominatim and cache the answer (found or not); None after a failure."""
        started = time.monotonic()
        try:
            self.network_calls += 1
            row = self._row(self._request(text, started))
        except GeocoderRateLimited as exc:
            self._fail(exc, exc.retry_after or self.cooldown_seconds)
            return None
        except Exception as exc:
            # Whatever went wrong (timeout, refused connection, 5xx, a body geopy cannot read),
            # the offline answer stands in for it; nothing is cached, so it is asked again later.
            self._fail(exc, self.cooldown_seconds)
            return None
        try:
            self.cache.put(text, row)
        except OSError as exc:
            # A full or read-only disk costs the persistence, not the answer: it stays in memory.
            log.warning("could not write the geocode cache %s: %s", self.cache.path, exc)
        return self.cache.get(text)

    def _send(self, text: str, started: float) -> Location | None:
        """One Nominatim request, abandoned when the 2 s fallback bound would be passed."""
        left = self.fallback_seconds - (time.monotonic() - started)  # after the rate-limit wait
        budget = max(min(float(self.timeout), left), min(float(self.timeout), MIN_REQUEST_SECONDS))
        outcome: dict[str, Any] = {}

        def run() -> None:
            try:
                outcome["found"] = self.nominatim.geocode(
                    text, exactly_one=True, country_codes="be", addressdetails=True,
                    timeout=budget)
            except BaseException as exc:  # re-raised in the caller's thread below
                outcome["error"] = exc

        # Socket timeouts bound each read, not the request: a server that drips bytes or a
        # resolver that hangs would outlast them. The worker is left to finish on its own.
        worker = threading.Thread(target=run, name="lien-nominatim", daemon=True)
        worker.start()
        worker.join(budget)
        if worker.is_alive():
            raise GeocoderTimedOut(f"no complete answer within {budget:.1f} s")
        if "error" in outcome:
            raise outcome["error"]
        return outcome.get("found")

    @staticmethod
    def _row(found: Location | None) -> dict[str, Any]:
        """The cache row for Nominatim's answer; raises ValueError on an answer with no point."""
        if found is None:
            return {"status": "none"}
        raw = found.raw or {}
        # geopy turns a missing lat/lon into (0, 0), a real point in the Gulf of Guinea.
        if raw.get("lat") in (None, "") or raw.get("lon") in (None, ""):
            raise ValueError(f"Nominatim answer without coordinates: {raw!r:.200}")
        address = raw.get("address") or {}
        precision = ("address" if address.get("house_number") or address.get("road")
                     else "postcode" if address.get("postcode") else "locality")
        return {"status": "ok", "latitude": found.latitude, "longitude": found.longitude,
                "precision": precision, "postcode": address.get("postcode", ""),
                "display_name": found.address}

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
    raw = name or os.environ.get("LIEN_GEOCODER") or ""
    choice = raw.strip().lower() or "offline"
    if choice == "offline":
        return OfflineGeocoder()
    if choice == "nominatim":
        return OnlineGeocoder(user_agent=os.environ.get("LIEN_USER_AGENT"),
                              url=os.environ.get("LIEN_NOMINATIM_URL"),
                              cache_path=os.environ.get("LIEN_GEOCODE_CACHE"))
    # The value as the user wrote it, so they can find it in their environment.
    raise ValueError(f"LIEN_GEOCODER must be 'offline' or 'nominatim', not {raw!r}")


# --- command line -------------------------------------------------------------------------

def _read_table(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    table = tabular.read(path, strip=False)
    return [c for c in table.frame.columns if c != "row"], list(tabular.records(table))


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
    # Re-geocoding an earlier output overwrites its result columns where they stand.
    _write_table(out, [*fields, *[f for f in added if f not in fields]], rows)
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
        except DirectoryError as exc:
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
