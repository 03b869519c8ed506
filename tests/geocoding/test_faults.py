"""Issue #6: Nominatim faults leave the app working, and a killed batch run resumes cleanly.

Everything runs against the fake Nominatim on 127.0.0.1 (tests/fake_nominatim.py), reached
through geopy's real Nominatim class.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from email.utils import formatdate
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from lien import geocoding
from lien.config import ROOT  # noqa: E402
from lien.display import place_label
from lien.geocoding import GeocodeCache, NominatimSettings, OfflineGeocoder, OnlineGeocoder
from tests.support.fake_nominatim import FRAGNEE, PROXY_VARIABLES, USER_AGENT, FakeNominatim

APP = str(ROOT / "app.py")
BRUSSELS = "Rue de la Loi 16, 1000 Bruxelles"  # offline: the postcode's centroid
LIEGE = "Grand-Place 1, Liège"  # offline: the locality


@pytest.fixture(autouse=True)
def _no_proxy(no_proxy: None) -> None:
    """Every test here talks to 127.0.0.1: no proxy in between."""


def _cache_rows(path: Path) -> list[dict[str, str]]:
    """The cache file's rows, after checking it is a CSV with the cache's header."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert tuple(reader.fieldnames or ()) == GeocodeCache.FIELDS
        rows = list(reader)
    # A torn row would come back short (None values) or with spill-over under the None key.
    assert all(None not in row and None not in row.values() for row in rows), rows
    return rows


# --- 429: the Retry-After forms test_geocode_online.py does not send ---------------------------


@pytest.mark.parametrize(
    ("retry_after", "inside", "beyond"),
    [
        ("http-date", 100.0, 130.0),  # RFC 9110's other form: an HTTP-date 120 s ahead
        (None, 4.0, 6.0),  # no header: the geocoder's own cooldown (5 s here)
    ],
    ids=["http-date", "absent"],
)
def test_429_falls_back_within_two_seconds_and_honours_its_wait(
    retry_after: str | None,
    inside: float,
    beyond: float,
    fake: FakeNominatim,
    offline: OfflineGeocoder,
    tmp_path: Path,
) -> None:
    """A 429 with a dated or no Retry-After: offline within 2 s, then no request until due."""
    now = [1000.0]
    geo = OnlineGeocoder(
        NominatimSettings(
            user_agent=USER_AGENT, url=fake.url, min_delay_seconds=0.0, cooldown_seconds=5.0
        ),
        cache_path=tmp_path / "c.csv",
        offline=offline,
        clock=lambda: now[0],
    )
    fake.mode = "429"
    fake.retry_after = (
        formatdate(time.time() + 120, usegmt=True) if retry_after == "http-date" else retry_after
    )

    started = time.monotonic()
    place = geo.locate(BRUSSELS)
    assert time.monotonic() - started < 2.0
    assert place == offline.locate(BRUSSELS)
    assert geo.last_error
    assert "RateLimited" in geo.last_error

    fake.mode = "ok"
    now[0] += inside
    assert geo.locate(LIEGE) == offline.locate(LIEGE)
    assert len(fake.requests) == 1  # still waiting: no request
    now[0] += beyond - inside
    assert geo.locate(LIEGE).precision == "address"
    assert len(fake.requests) == 2


# --- the app keeps working -------------------------------------------------------------------

APP_FAULTS = ("slow", "429", "500", "malformed", "refused")  # "slow": a read timeout


@pytest.fixture
def fresh_streamlit_caches() -> Iterator[None]:
    """The app caches its geocoder and answers per process: each test starts and ends clean."""
    st.cache_resource.clear()
    st.cache_data.clear()
    yield
    st.cache_resource.clear()
    st.cache_data.clear()


def _map_args(at: AppTest) -> dict[str, Any]:
    """The st_folium component's arguments; fails when the page has no map."""
    for element in at.get("component_instance"):
        if element.proto.component_name == "streamlit_folium.st_folium":
            return json.loads(element.proto.json_args)
    raise AssertionError("no st_folium component on the page")


@pytest.mark.parametrize("fault", APP_FAULTS)
def test_app_keeps_working_on_the_offline_answer(
    fault: str,
    fake: FakeNominatim,
    offline: OfflineGeocoder,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fresh_streamlit_caches: None,
) -> None:
    """Each fault: the page renders its map, near-me shows the offline place, and so on after."""
    cache = tmp_path / "geocode_cache.csv"
    monkeypatch.setenv("LIEN_GEOCODER", "nominatim")
    monkeypatch.setenv("LIEN_NOMINATIM_URL", fake.url)
    monkeypatch.setenv("LIEN_USER_AGENT", USER_AGENT)
    monkeypatch.setenv("LIEN_GEOCODE_CACHE", str(cache))
    # Record the geocoder the app builds, to check it is the online one and that it failed.
    built: list[Any] = []
    real_get_geocoder = geocoding.get_geocoder

    def recording_get_geocoder(*args: Any, **kwargs: Any) -> Any:
        built.append(real_get_geocoder(*args, **kwargs))
        return built[-1]

    monkeypatch.setattr(geocoding, "get_geocoder", recording_get_geocoder)
    if fault == "refused":
        fake.stop()
    else:
        fake.mode = fault
    # Long enough that the second search below falls inside the wait on any machine.
    fake.retry_after = "600"

    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["near"] = "Liège"
    at.run()
    assert not at.exception
    assert _map_args(at)["feature_group"]
    assert any(place_label(offline.locate("Liège"), "fr") in info.value for info in at.info), [
        info.value for info in at.info
    ]
    [geo] = built
    assert isinstance(geo, OnlineGeocoder)
    assert geo.last_error
    assert len(fake.requests) == (0 if fault == "refused" else 1)
    assert not cache.exists()  # a failure is not an answer

    # The next search, during the cooldown, goes straight to the offline answer.
    at.text_input(key="f_near").input("Thuin").run()
    assert not at.exception
    assert _map_args(at)["feature_group"]
    assert any(place_label(offline.locate("Thuin"), "fr") in info.value for info in at.info), [
        info.value for info in at.info
    ]
    assert len(fake.requests) == (0 if fault == "refused" else 1)
    assert len(built) == 1


# --- a batch run killed halfway ----------------------------------------------------------------

ADDRESSES = [f"Rue de Fragnée {n}, 4000 Liège" for n in range(1, 9)]
KILL_AT = 4  # the answer the first run is killed around: half of them
# Earlier answers that make each cache rewrite take a few tenths of a second, a window the test
# can hit reliably; fewer would leave it a few milliseconds.
SEED_ROWS = 100_000


def _street_answer(number: int) -> dict[str, Any]:
    """Nominatim's answer for house `number`, with its own point: each row shows its source."""
    return {
        **FRAGNEE,
        "place_id": 1000 + number,
        "osm_id": 2000 + number,
        "lat": f"{50.6200 + number / 1000:.7f}",
        "lon": f"{5.5600 + number / 1000:.7f}",
        "display_name": f"{number}, Rue de Fragnée, Liège, 4000, België / Belgique / Belgien",
        "address": {**FRAGNEE["address"], "house_number": str(number)},
    }


ANSWERS = {address: _street_answer(n) for n, address in enumerate(ADDRESSES, start=1)}


def _seed_cache(path: Path, count: int) -> None:
    """A cache already holding `count` not-found answers for other queries."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=GeocodeCache.FIELDS)
        writer.writeheader()
        for n in range(count):
            query = f"Rue d'ailleurs {n}, 1000 Bruxelles"
            writer.writerow(
                {
                    "key": GeocodeCache.key(query),
                    "query": query,
                    "status": "none",
                    "fetched_at": "2024-01-01T00:00:00+00:00",
                }
            )


def _batch(src: Path, out: Path) -> list[str]:
    """`python geocode.py --csv … --column adresse --out …`, as a user runs it."""
    return [
        sys.executable,
        "geocode.py",
        "--csv",
        str(src),
        "--column",
        "adresse",
        "--out",
        str(out),
    ]


def _batch_env(fake: FakeNominatim, cache: Path) -> dict[str, str]:
    """The environment that points the batch at the fake Nominatim and a test cache."""
    env = {k: v for k, v in os.environ.items() if k not in PROXY_VARIABLES}
    env.update(
        LIEN_GEOCODER="nominatim",
        LIEN_NOMINATIM_URL=fake.url,
        LIEN_USER_AGENT=USER_AGENT,
        LIEN_GEOCODE_CACHE=str(cache),
        PYTHONUTF8="1",
    )
    return env


def _wait_until(condition: Callable[[], bool], proc: subprocess.Popen[bytes], log: Path) -> None:
    """Poll `condition` while the batch runs; fail if the batch ends or takes a minute."""
    deadline = time.monotonic() + 60
    while not condition():
        if proc.poll() is not None:
            raise AssertionError(f"the batch ended before the kill:\n{log.read_text()}")
        if time.monotonic() > deadline:
            proc.kill()
            raise AssertionError(f"the batch never got there:\n{log.read_text()}")
        time.sleep(0.002)


def _row_count(path: Path) -> int:
    """Rows in the cache file so far (0 before it exists); each write replaces it whole."""
    try:
        return len(_cache_rows(path))
    except FileNotFoundError:
        return 0


def _strays(cache: Path) -> set[str]:
    """Files beside the cache: the temporary files of its rewrites."""
    return {p.name for p in cache.parent.iterdir()} - {cache.name}


@pytest.mark.parametrize("kill", ["between_requests", "during_a_cache_write"])
def test_a_killed_batch_leaves_a_valid_cache_and_resumes_without_asking_again(
    kill: str, fake: FakeNominatim, tmp_path: Path
) -> None:
    """SIGKILL halfway: the cache stays whole, and the rerun asks only what it lacks."""
    src, out, log = tmp_path / "adresses.csv", tmp_path / "resultat.csv", tmp_path / "batch.log"
    cache = tmp_path / "cache" / "geocode_cache.csv"
    with src.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "adresse"])
        writer.writerows(enumerate(ADDRESSES, start=1))
    seed = SEED_ROWS if kill == "during_a_cache_write" else 0
    if seed:
        _seed_cache(cache, seed)
    fake.answer_for = ANSWERS.__getitem__
    # A safety net for a slow test machine: a request after the KILL_AT-th is never answered,
    # so the first run gets exactly KILL_AT answers wherever the kill lands.
    fake.answer_limit = KILL_AT

    with log.open("wb") as handle:
        proc = subprocess.Popen(
            _batch(src, out),
            cwd=ROOT,
            env=_batch_env(fake, cache),
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
    if kill == "between_requests":
        # Once the answer is on disk: in the 1 s rate-limit pause before the next request.
        _wait_until(lambda: _row_count(cache) >= KILL_AT, proc, log)
    else:
        # Once the rewrite that adds the KILL_AT-th answer has made its temporary file:
        # the rewrites before it have all been renamed, since each precedes the next request.
        _wait_until(lambda: len(fake.answered) >= KILL_AT and bool(_strays(cache)), proc, log)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL, log.read_text()
    fake.answer_limit = None
    first_requests = [r.q for r in fake.requests]
    assert fake.answered == ADDRESSES[:KILL_AT]
    assert first_requests[:KILL_AT] == ADDRESSES[:KILL_AT]
    assert len(first_requests) <= KILL_AT + 1
    assert not out.exists()  # the output is written at the end only; the cache is the progress

    # The cache is whole: its header, complete rows, the seed intact, and each new row the
    # server's answer to its query.
    every_row = _cache_rows(cache)
    assert sum(row["status"] == "none" for row in every_row) == seed
    rows = [row for row in every_row if row["status"] != "none"]
    cached = [row["query"] for row in rows]
    for row in every_row:
        assert row["key"]
        assert row["key"] == GeocodeCache.key(row["query"])
    for row in rows:
        answer = ANSWERS[row["query"]]
        assert (row["status"], row["precision"], row["postcode"]) == ("ok", "address", "4000")
        assert (float(row["latitude"]), float(row["longitude"])) == (
            float(answer["lat"]),
            float(answer["lon"]),
        )
        assert row["display_name"] == answer["display_name"]
        assert row["fetched_at"]
    # The batch asks one query at a time and renames each rewrite into place before asking the
    # next, so the cache holds every answer but the one whose rewrite the kill interrupted.
    if kill == "between_requests":
        assert cached == fake.answered
        assert not _strays(cache)
    else:
        assert cached == fake.answered[:-1]
        # The interrupted rewrite leaves its temporary file, beside a cache it never touched.
        [stray] = _strays(cache)
        assert stray.startswith(cache.name)
        assert stray.endswith(".tmp")

    # The rerun asks only what the cache lacks, in order, and completes the output.
    rerun = subprocess.run(
        _batch(src, out),
        cwd=ROOT,
        env=_batch_env(fake, cache),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert rerun.returncode == 0, rerun.stderr
    assert "geocoded 8 of 8 rows" in rerun.stderr
    second_requests = [r.q for r in fake.requests[len(first_requests) :]]
    assert second_requests == [a for a in ADDRESSES if a not in cached]
    # Over both runs every query is asked once, except one whose answer never reached the
    # cache (lost in the interrupted rewrite, or held unanswered): that one is asked again.
    lost = [q for q in first_requests if q not in cached]
    assert lost == (
        [] if kill == "between_requests" and len(first_requests) == KILL_AT else first_requests[-1:]
    )
    assert Counter(r.q for r in fake.requests) == Counter(ADDRESSES) + Counter(lost)

    with out.open(encoding="utf-8", newline="") as handle:
        result = list(csv.DictReader(handle))
    assert [row["adresse"] for row in result] == ADDRESSES
    for row in result:
        answer = ANSWERS[row["adresse"]]
        assert (float(row["latitude"]), float(row["longitude"])) == (
            float(answer["lat"]),
            float(answer["lon"]),
        )
        assert (row["precision"], row["municipality_code"], row["geocode_error"]) == (
            "address",
            "62063",
            "",
        )
    final = _cache_rows(cache)
    assert len(final) == seed + len(ADDRESSES)
    assert [row["query"] for row in final if row["status"] == "ok"] == ADDRESSES
