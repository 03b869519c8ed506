"""Nominatim (OpenStreetMap) through geopy: street-level answers, cached, rate-limited, and the
offline answer whenever the network fails."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geopy.adapters import URLLibAdapter
from geopy.exc import GeocoderRateLimited, GeocoderTimedOut
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import Nominatim
from geopy.location import Location

from lien import config
from lien.geo.gazetteer import Place
from lien.geo.search import Found
from lien.geocoding.base import LienGeocoder, query_text
from lien.geocoding.cache import GeocodeCache
from lien.geocoding.offline import MAX_QUERY_CHARS, OfflineGeocoder

log = logging.getLogger("lien.geocode")

DEFAULT_USER_AGENT = "lien-belgium/0.1 (map of services for refugees; set LIEN_USER_AGENT)"
DEFAULT_NOMINATIM_URL = "https://nominatim.openstreetmap.org"
# The issue allows 2 s from a query to its offline fallback; the rest is margin for the
# offline lookup and the thread hand-over.
FALLBACK_SECONDS = 1.8
# A request never gets less than this, even after a long rate-limit wait.
MIN_REQUEST_SECONDS = 0.5


@dataclass(frozen=True)
class NominatimSettings:
    """How Lien talks to a Nominatim server: who it says it is, where the server is, and how
    long it waits for it (a request, between requests, after a failure, before falling back)."""

    user_agent: str = DEFAULT_USER_AGENT
    url: str = DEFAULT_NOMINATIM_URL  # or a bare "host:port", spoken to over https
    timeout: float = 1.0  # seconds a request may take
    min_delay_seconds: float = 1.0  # between two requests (Nominatim's usage policy)
    cooldown_seconds: float = 30.0  # offline only, after a failure without a Retry-After
    fallback_seconds: float = FALLBACK_SECONDS  # from a query to its offline answer, at most


class OnlineGeocoder(LienGeocoder):
    """Nominatim for street-level answers, cached and rate-limited, falling back to offline."""

    def __init__(
        self,
        settings: NominatimSettings | None = None,
        *,
        cache_path: Path | str | None = None,
        offline: OfflineGeocoder | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        settings = settings or NominatimSettings()
        user_agent, timeout = settings.user_agent or DEFAULT_USER_AGENT, settings.timeout
        super().__init__(timeout=timeout, user_agent=user_agent, adapter_factory=URLLibAdapter)
        url = settings.url or DEFAULT_NOMINATIM_URL
        scheme, sep, domain = url.partition("://")
        if not sep:  # a bare "host:port": public Nominatim servers speak https
            scheme, domain = "https", url
        # URLLibAdapter, not geopy's default RequestsAdapter: that one lets urllib3 retry a
        # timed-out request twice and sleep through a 429's Retry-After (minutes), far past the
        # 2 s fallback; urllib also honours no_proxy, which requests does not here.
        self.nominatim = Nominatim(
            user_agent=user_agent,
            domain=domain.rstrip("/"),
            scheme=scheme,
            timeout=timeout,
            adapter_factory=URLLibAdapter,
        )
        # max_retries=0: a failing request falls back offline at once instead of retrying
        # (geopy's default retries would take ~10 s with no network).
        self._request = RateLimiter(
            self._send,
            min_delay_seconds=settings.min_delay_seconds,
            max_retries=0,
            swallow_exceptions=False,
        )
        self.fallback_seconds = settings.fallback_seconds
        self.offline = offline or OfflineGeocoder()
        self.cache = GeocodeCache(Path(cache_path) if cache_path else config.GEOCODE_CACHE_CSV)
        self.cooldown_seconds = settings.cooldown_seconds
        self._clock = clock
        self._down_until = 0.0
        self.last_error: str | None = None

    def locate(self, query: Any) -> Place | None:
        """The best Place: cached or fresh Nominatim answer, else the offline one."""
        text = query_text(query).strip()[:MAX_QUERY_CHARS]
        if not text:
            return None
        cached = self.cache.get(text)
        if cached is None and self._clock() >= self._down_until:
            cached = self._fetch(text)
        if cached is None or cached.get("status") != "ok":
            return self.offline.locate(text)
        return self._merge(text, cached)

    def search(self, query: str) -> Found:
        """Nominatim's answer when it has one (a whole address), else the offline search."""
        text = query_text(query).strip()[:MAX_QUERY_CHARS]
        if not text:
            return Found(None)
        cached = self.cache.get(text)
        if cached is None and self._clock() >= self._down_until:
            cached = self._fetch(text)
        if cached is not None and cached.get("status") == "ok":
            place = self._merge(text, cached)
            if place is not None:
                # The gazetteer's name of the place, not Nominatim's free text: the page shows it.
                return Found(place, matched=place.municipality)
        return self.offline.search(text)

    def _fetch(self, text: str) -> dict[str, str] | None:
        """Ask Nominatim and cache the answer (found or not); None after a failure."""
        started = time.monotonic()
        try:
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
                    text, exactly_one=True, country_codes="be", addressdetails=True, timeout=budget
                )
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
        precision = (
            "address"
            if address.get("house_number") or address.get("road")
            else "postcode"
            if address.get("postcode")
            else "locality"
        )
        return {
            "status": "ok",
            "latitude": found.latitude,
            "longitude": found.longitude,
            "precision": precision,
            "postcode": address.get("postcode", ""),
            "display_name": found.address,
        }

    def _fail(self, exc: Exception, wait: float) -> None:
        self.last_error = f"{type(exc).__name__}: {exc}"
        self._down_until = self._clock() + float(wait)
        log.warning(
            "Nominatim unavailable (%s); using the offline geocoder for %.0f s",
            self.last_error,
            wait,
        )

    def _merge(self, text: str, row: dict[str, str]) -> Place | None:
        """Nominatim's point with Lien's administrative units (from its postcode, else offline)."""
        lat, lon = float(row["latitude"]), float(row["longitude"])
        gaz = self.offline.gazetteer
        base = (
            gaz.by_postcode(row.get("postcode", ""))
            or self.offline.locate(text)
            or gaz.nearest(lat, lon)
        )
        if base is None:
            return None
        return Place(
            **{
                **base.as_dict(),
                "latitude": lat,
                "longitude": lon,
                "precision": row.get("precision") or base.precision,
            }
        )
