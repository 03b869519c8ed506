"""The Nominatim path, against a fake Nominatim on 127.0.0.1 driven through geopy's real class."""

from __future__ import annotations

import csv
import os
import threading
import time
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest

from lien.geo.gazetteer import Place
from lien.geocoding import (
    GeocodeCache,
    NominatimSettings,
    OfflineGeocoder,
    OnlineGeocoder,
    get_geocoder,
)
from tests.support.fake_nominatim import FRAGNEE, USER_AGENT, FakeNominatim

STREET = "Rue de Fragnée 2"  # no postcode or place name: offline knows nothing of it
BRUSSELS = "Rue de la Loi 16, 1000 Bruxelles"  # offline: the postcode's centroid
LIEGE = "Grand-Place 1, Liège"  # offline: the locality
DEFAULT_TIMEOUT = 1.0  # OnlineGeocoder's own default: the fallback bound is checked as shipped


class FakeClock:
    """A monotonic clock the test moves by hand, for the cooldown."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        """Let `seconds` pass."""
        self.now += seconds


@pytest.fixture
def cache_path(tmp_path: Path) -> Path:
    """A cache file in a temporary directory, never data/geocode_cache.csv."""
    return tmp_path / "geocode_cache.csv"


@pytest.fixture
def clock() -> FakeClock:
    """The cooldown's clock."""
    return FakeClock()


@pytest.fixture
def make(
    fake: FakeNominatim, cache_path: Path, offline: OfflineGeocoder, clock: FakeClock
) -> Callable[..., OnlineGeocoder]:
    """Build OnlineGeocoders on the fake; no rate-limit wait unless a test asks for one."""

    def build(**kwargs: Any) -> OnlineGeocoder:
        options: dict[str, Any] = {
            "user_agent": USER_AGENT,
            "url": fake.url,
            "cache_path": cache_path,
            "offline": offline,
            "min_delay_seconds": 0.0,
            "cooldown_seconds": 30.0,
            "clock": clock,
            "timeout": DEFAULT_TIMEOUT,
        }
        options.update(kwargs)
        named = {f.name for f in fields(NominatimSettings)}
        settings = NominatimSettings(**{k: v for k, v in options.items() if k in named})
        return OnlineGeocoder(settings, **{k: v for k, v in options.items() if k not in named})

    return build


@pytest.fixture(autouse=True)
def _no_proxy(no_proxy: None) -> None:
    """Every test here talks to 127.0.0.1: no proxy in between."""


def _cache_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert tuple(reader.fieldnames or ()) == GeocodeCache.FIELDS
        return list(reader)


def _timed(geo: OnlineGeocoder, query: str) -> tuple[Place | None, float]:
    started = time.monotonic()
    place = geo.locate(query)
    return place, time.monotonic() - started


# --- the street-level answer ----------------------------------------------------------------


def test_street_answer_has_nominatim_point_and_lien_admin_units(
    fake: FakeNominatim, make: Callable[..., OnlineGeocoder], offline: OfflineGeocoder
) -> None:
    geo = make()
    assert offline.locate(STREET) is None  # so the admin units can only come from the postcode
    place = geo.locate(STREET)
    assert place is not None
    assert place.precision == "address"
    assert (place.latitude, place.longitude) == (50.6269157, 5.5630064)
    assert (place.postcode, place.municipality, place.municipality_code) == (
        "4000",
        "Liège",
        "62063",
    )
    assert (place.province_code, place.region_code) == ("60000", "03000")

    [request] = fake.requests
    assert request.path == "/search"
    assert request.headers["User-Agent"] == USER_AGENT
    assert request.query["q"] == [STREET]
    assert request.query["countrycodes"] == ["be"]
    assert request.query["addressdetails"] == ["1"]
    assert request.query["format"][0] in ("json", "jsonv2")


def test_geocode_returns_a_geopy_location_with_the_same_raw_keys(
    make: Callable[..., OnlineGeocoder],
) -> None:
    location = make().geocode(STREET)
    assert location is not None
    assert (location.latitude, location.longitude) == (50.6269157, 5.5630064)
    assert location.raw["precision"] == "address"
    assert location.raw["province_code"] == "60000"


def test_road_without_number_and_postcode_only_answers(
    fake: FakeNominatim, make: Callable[..., OnlineGeocoder]
) -> None:
    geo = make()
    fake.answer = {
        **FRAGNEE,
        "address": {k: v for k, v in FRAGNEE["address"].items() if k != "house_number"},
    }
    assert geo.locate("Rue de Fragnée").precision == "address"
    fake.answer = {**FRAGNEE, "address": {"postcode": "4000", "country_code": "be"}}
    assert geo.locate("4000 Fragnée").precision == "postcode"


# --- the cache --------------------------------------------------------------------------------


def test_repeat_queries_are_answered_from_the_cache(
    fake: FakeNominatim, make: Callable[..., OnlineGeocoder], cache_path: Path
) -> None:
    geo = make()
    first = geo.locate(STREET)
    assert len(fake.requests) == 1
    rows = _cache_rows(cache_path)
    assert [(r["query"], r["status"], r["precision"], r["postcode"]) for r in rows] == [
        (STREET, "ok", "address", "4000")
    ]
    # The display name holds commas and quotes: the CSV must quote it, and give it back whole.
    assert rows[0]["display_name"] == FRAGNEE["display_name"]

    fake.mode = "500"  # a request now would fail: a cache hit must not make one
    for variant in (STREET, "  rue de fragnee 2 ", "RUE DE FRAGNÉE, 2"):
        assert geo.locate(variant) == first
    assert len(fake.requests) == 1


def test_a_new_run_on_the_same_cache_makes_no_request(
    fake: FakeNominatim, make: Callable[..., OnlineGeocoder], cache_path: Path
) -> None:
    first = make().locate(STREET)
    fake.mode = "empty"
    assert make().locate("rue de fragnée 2") == first
    assert len(fake.requests) == 1
    assert len(_cache_rows(cache_path)) == 1


def test_not_found_is_cached_and_answered_offline(
    fake: FakeNominatim,
    make: Callable[..., OnlineGeocoder],
    cache_path: Path,
    offline: OfflineGeocoder,
) -> None:
    fake.mode = "empty"
    geo = make()
    assert geo.locate(LIEGE) == offline.locate(LIEGE)
    assert geo.locate(STREET) is None
    assert [(r["query"], r["status"]) for r in _cache_rows(cache_path)] == [
        (LIEGE, "none"),
        (STREET, "none"),
    ]

    fake.mode = "ok"
    assert make().locate(LIEGE) == offline.locate(LIEGE)
    assert len(fake.requests) == 2


def test_cache_file_is_valid_csv_after_each_write(
    fake: FakeNominatim, make: Callable[..., OnlineGeocoder], cache_path: Path
) -> None:
    geo = make()
    queries = [STREET, 'Quai "Godefroid" Kurth, 4020', "Rue\nsur deux lignes, 4000", LIEGE]
    for n, query in enumerate(queries, start=1):
        fake.mode = "empty" if n % 2 else "ok"
        geo.locate(query)
        rows = _cache_rows(cache_path)
        assert [r["query"] for r in rows] == queries[:n]
    assert GeocodeCache(cache_path).rows == geo.cache.rows


# --- the rate limit ---------------------------------------------------------------------------


def test_never_more_than_one_request_per_second(
    fake: FakeNominatim, make: Callable[..., OnlineGeocoder]
) -> None:
    geo = make(min_delay_seconds=1.0)
    for query in ("Rue A 1, 4000 Liège", "Rue B 2, 4000 Liège", "Rue C 3, 4000 Liège"):
        geo.locate(query)
    arrivals = [r.arrived for r in fake.requests]
    assert len(arrivals) == 3
    gaps = [later - earlier for earlier, later in zip(arrivals, arrivals[1:], strict=False)]
    assert all(gap >= 0.95 for gap in gaps), gaps

    # Cache hits are not requests, so they wait for nothing.
    _, elapsed = _timed(geo, "Rue A 1, 4000 Liège")
    assert elapsed < 0.2
    assert len(fake.requests) == 3


# --- fallback on network errors ---------------------------------------------------------------

FAILURES = ("slow", "drip", "429", "500", "malformed", "incomplete", "no_coordinates", "refused")


@pytest.mark.parametrize("query", [BRUSSELS, LIEGE])
@pytest.mark.parametrize("mode", FAILURES)
def test_network_errors_fall_back_offline_within_two_seconds(
    mode: str,
    query: str,
    fake: FakeNominatim,
    make: Callable[..., OnlineGeocoder],
    offline: OfflineGeocoder,
    cache_path: Path,
    clock: FakeClock,
) -> None:
    geo = make()
    if mode == "refused":
        fake.stop()
    else:
        fake.mode = mode

    place, elapsed = _timed(geo, query)
    assert elapsed < 2.0
    assert place == offline.locate(query)
    assert place is not None
    assert place.precision in ("postcode", "locality")
    assert geo.last_error
    assert len(fake.requests) == (0 if mode == "refused" else 1)  # tried once, no retries
    # The failure is not an answer: nothing is cached, in memory or on disk.
    assert geo.cache.get(query) is None
    assert not cache_path.exists()

    # Once the cooldown (or Retry-After) is over and the server is healthy, it is asked again.
    if mode == "refused":
        fake.start()
    fake.mode = "ok"
    clock.advance(31)
    place = geo.locate(query)
    assert place is not None
    assert place.precision == "address"
    assert len(fake.requests) == (1 if mode == "refused" else 2)
    assert [r["query"] for r in _cache_rows(cache_path)] == [query]


def test_retry_after_sets_the_cooldown(
    fake: FakeNominatim, make: Callable[..., OnlineGeocoder], clock: FakeClock
) -> None:
    geo = make(cooldown_seconds=5.0)
    fake.mode, fake.retry_after = "429", "120"
    geo.locate(BRUSSELS)
    fake.mode = "ok"
    clock.advance(60)  # past cooldown_seconds, still inside the server's Retry-After
    geo.locate(LIEGE)
    assert len(fake.requests) == 1
    clock.advance(61)
    assert geo.locate(LIEGE).precision == "address"
    assert len(fake.requests) == 2


def test_calls_during_the_cooldown_go_straight_offline(
    fake: FakeNominatim, make: Callable[..., OnlineGeocoder], offline: OfflineGeocoder
) -> None:
    geo = make()
    fake.mode = "slow"
    queries = [
        f"Rue {n}, {code}"
        for n, code in enumerate(("1000", "4000", "9000", "2000", "5000", "6000", "8000", "3000"))
    ]
    started = time.monotonic()
    places = [geo.locate(q) for q in queries]
    elapsed = time.monotonic() - started
    # One timeout for the first query, then no waiting: not eight timeouts.
    assert elapsed < DEFAULT_TIMEOUT + 1.0
    assert len(fake.requests) == 1
    assert places == [offline.locate(q) for q in queries]


def test_a_failure_right_after_a_request_still_falls_back_within_two_seconds(
    fake: FakeNominatim, make: Callable[..., OnlineGeocoder], offline: OfflineGeocoder
) -> None:
    geo = make(min_delay_seconds=1.0)
    geo.locate(STREET)
    fake.mode = "slow"
    # The rate limiter makes this request wait for its slot; the wait counts in the 2 s.
    place, elapsed = _timed(geo, BRUSSELS)
    assert elapsed < 2.0
    assert place == offline.locate(BRUSSELS)
    first, second = (r.arrived for r in fake.requests)
    assert second - first >= 0.95


def test_a_failed_cache_write_loses_neither_the_answer_nor_the_file(
    fake: FakeNominatim,
    make: Callable[..., OnlineGeocoder],
    cache_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    geo = make()
    geo.locate(LIEGE)
    before = cache_path.read_bytes()

    def disk_full(src: Any, dst: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    place = geo.locate(STREET)
    assert place is not None
    assert place.precision == "address"
    assert cache_path.read_bytes() == before
    assert geo.locate(STREET) == place
    assert len(fake.requests) == 2


# --- atomic writes ----------------------------------------------------------------------------


def _interrupt_writerows(monkeypatch: pytest.MonkeyPatch, exc: BaseException) -> None:
    """Make DictWriter write one row, then fail as a full disk or a Ctrl-C would."""

    class Interrupted(csv.DictWriter):
        def writerows(self, rowdicts: Any) -> None:
            for row in rowdicts:
                self.writerow(row)
                raise exc

    monkeypatch.setattr(csv, "DictWriter", Interrupted)


def _interrupt_replace(monkeypatch: pytest.MonkeyPatch, exc: BaseException) -> None:
    """Make the final rename fail."""

    def fail(src: Any, dst: Any) -> None:
        raise exc

    monkeypatch.setattr(os, "replace", fail)


@pytest.mark.parametrize("interrupt", [_interrupt_writerows, _interrupt_replace])
@pytest.mark.parametrize("exc", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_an_interrupted_write_keeps_the_previous_cache(
    interrupt: Callable[[pytest.MonkeyPatch, BaseException], None],
    exc: BaseException,
    cache_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cache = GeocodeCache(cache_path)
    cache.put(LIEGE, {"status": "none"})
    cache.put(
        STREET,
        {
            "status": "ok",
            "latitude": 50.6269157,
            "longitude": 5.5630064,
            "precision": "address",
            "postcode": "4000",
            "display_name": FRAGNEE["display_name"],
        },
    )
    before = cache_path.read_bytes()

    interrupt(monkeypatch, exc)
    with pytest.raises(type(exc)):
        cache.put(BRUSSELS, {"status": "none"})
    monkeypatch.undo()

    assert cache_path.read_bytes() == before
    assert sorted(os.listdir(cache_path.parent)) == [cache_path.name]  # no stray temp file
    assert [r["query"] for r in _cache_rows(cache_path)] == [LIEGE, STREET]
    assert GeocodeCache(cache_path).get("rue de fragnee 2")["postcode"] == "4000"


def test_concurrent_writers_share_one_cache(cache_path: Path) -> None:
    cache = GeocodeCache(cache_path)
    errors: list[BaseException] = []

    def write(worker: int) -> None:
        try:
            for n in range(25):
                cache.put(f"Rue {worker}-{n}, 4000 Liège", {"status": "none"})
        except BaseException as exc:  # collected: a thread's exception would pass unnoticed
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(_cache_rows(cache_path)) == 200
    assert sorted(os.listdir(cache_path.parent)) == [cache_path.name]


# --- configuration ----------------------------------------------------------------------------


def test_get_geocoder_reads_the_environment(
    fake: FakeNominatim, cache_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LIEN_GEOCODER", "nominatim")
    monkeypatch.setenv("LIEN_USER_AGENT", USER_AGENT)
    monkeypatch.setenv("LIEN_NOMINATIM_URL", fake.url + "/")
    monkeypatch.setenv("LIEN_GEOCODE_CACHE", str(cache_path))
    geo = get_geocoder()
    assert isinstance(geo, OnlineGeocoder)
    assert geo.cache.path == cache_path
    assert geo.nominatim.api == f"{fake.url}/search"

    assert geo.locate(STREET).precision == "address"
    assert fake.requests[0].headers["User-Agent"] == USER_AGENT
    assert [r["query"] for r in _cache_rows(cache_path)] == [STREET]


def test_get_geocoder_accepts_a_url_without_scheme(
    monkeypatch: pytest.MonkeyPatch, cache_path: Path
) -> None:
    monkeypatch.setenv("LIEN_GEOCODER", "Nominatim")
    monkeypatch.setenv("LIEN_NOMINATIM_URL", "127.0.0.1:8080")
    monkeypatch.setenv("LIEN_GEOCODE_CACHE", str(cache_path))
    assert get_geocoder().nominatim.api == "https://127.0.0.1:8080/search"


def test_get_geocoder_defaults_to_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LIEN_GEOCODER", raising=False)
    assert isinstance(get_geocoder(), OfflineGeocoder)


def test_unknown_geocoder_name_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIEN_GEOCODER", "Google Maps")
    with pytest.raises(ValueError, match="'Google Maps'"):
        get_geocoder()
