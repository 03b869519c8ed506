"""The benches' own check, run by `make test` (pytest's testpaths): `make bench`'s first-screen rows
and `make proxy`'s table, each figure against the reference page of the same size, network and
run."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bench import first_screen, living, proxy
from bench.common import lien_data
from bench.first_screen import ARABIC_MAP, FILE_MAP, SIZES, Figure, _rows
from lien import config
from lien_dev import harness


def _found(**pages: tuple[float, float]) -> dict[tuple[str, str], Figure]:
    return {(page, size): Figure(*value) for page, value in pages.items() for size in SIZES}


def test_ratios_and_extra_bytes_are_against_the_empty_page() -> None:
    rows = {
        r.figure.split(".")[0]: r
        for r in _rows(
            _found(
                empty=(2.0, 1.0),
                folium=(2.6, 1.1),
                map=(2.8, 1.4),
                coverage=(5.0, 2.5),
                **{"map 100k": (2.9, 3.0), FILE_MAP: (2.7, 1.4), ARABIC_MAP: (2.9, 1.45)},
            )
        )
    }
    assert rows["10"].cells["phone"] == "1.40× (2.80 s), +0.40 MB"
    assert rows["10"].ok is True
    assert rows["11"].ok is True  # 2.9 s < 3 s
    assert rows["12"].cells["desktop"] == "2.50× (5.00 s), +1.50 MB"
    assert rows["12"].ok is False  # 2.5× > 2×
    assert rows["9"].ok is None
    assert rows["9b"].ok is None
    assert rows["10k"].cells["phone"] == "1.35× (2.70 s), +0.40 MB"
    assert rows["10k"].ok is None
    # Arabic against French, the same page: +0.05 MB is within +0.1 MB.
    assert rows["10a"].cells["phone"] == "+0.050 MB, 1.04×"
    assert rows["10a"].ok is True


def test_a_goal_is_missed_when_the_bytes_are_over_it() -> None:
    rows = _rows(
        _found(
            empty=(2.0, 1.0),
            folium=(2.6, 1.1),
            map=(2.8, 1.6),
            coverage=(3.0, 2.0),
            **{"map 100k": (3.5, 3.0), FILE_MAP: (2.7, 1.6), ARABIC_MAP: (2.8, 1.8)},
        )
    )
    by_number = {r.figure.split(".")[0]: r.ok for r in rows}
    assert by_number["10"] is False  # +0.6 MB over the empty page
    assert by_number["11"] is False  # 3.5 s
    assert by_number["12"] is True
    assert by_number["10a"] is False  # +0.2 MB over the French page


def test_make_proxy_compares_each_page_with_the_empty_page_of_its_size_and_network() -> None:
    """Over the emulated mobile network too, a page's ratio is against the empty page loaded the
    same way; chromium gets its throughputs in bytes per second."""
    assert proxy.MOBILE.conditions() == {
        "offline": False,
        "latency": 150,
        "downloadThroughput": 200_000.0,
        "uploadThroughput": 93_750.0,
    }
    way = f"Caddy, {proxy.MOBILE.name}"
    results = {
        ("empty page (phone)", "Caddy"): proxy.Figures([1.0], [1_000_000], [0.5], [0]),
        ("empty page (phone)", way): proxy.Figures([4.0], [1_000_000], [2.0], [0]),
        ("map page (phone)", "Caddy"): proxy.Figures([1.5], [1_300_000], [1.0], [50_000]),
        ("map page (phone)", way): proxy.Figures([6.0], [1_300_000], [3.0], [50_000]),
    }
    lines = proxy.table(results).splitlines()
    assert "| map page (phone) | Caddy | 1.50 | 1.50 | 1.30 | +0.30 | 1.00 | 0.05 |" in lines
    assert f"| map page (phone) | {way} | 6.00 | 1.50 | 1.30 | +0.30 | 3.00 | 0.05 |" in lines


def test_the_reference_pages_are_served_without_lien_s_map_preload(tmp_path: Path) -> None:
    """The empty page and the usual folium map sit at / too: behind the deployed file they would
    fetch Lien's frame scripts (Link: preload) and the ratios would flatter Lien."""
    deployed = harness.CADDYFILE.read_text(encoding="utf-8")
    reference = proxy.reference_caddyfile(tmp_path).read_text(encoding="utf-8")
    assert "rel=preload" in deployed
    assert "rel=preload" not in reference
    assert [line for line in deployed.splitlines() if "@map_page" not in line] == (
        reference.splitlines()
    )


def test_the_first_visits_take_turns_between_the_pages(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Rows 9-12: the pages are served at once; after one warm-up each, a round loads every page
    at every size once, and the next round goes the other way, so that a machine slowing down
    during the run moves the empty page with the others. The 100,000 sites come after them."""
    visits: list[tuple[str, str]] = []
    sizes = {str(device): size for size, device in SIZES.items()}

    @contextlib.contextmanager
    def served(
        script: Path, tmp: Path, name: str, *, reference: bool, data: Any, store: bool
    ) -> Iterator[tuple[str, None]]:
        yield f"http://{name}", None

    def first_visit(browser: Any, url: str, target: proxy.Target) -> tuple[float, int]:
        visits.append((target.name, sizes[str(target.device)]))
        return (2.0 if target.name == "empty" else 3.0), 1_000_000

    monkeypatch.setattr(first_screen.proxy, "served", served)
    monkeypatch.setattr(first_screen.proxy, "first_visit", first_visit)
    rows, notes = first_screen.measure(None, tmp_path / "big.csv", 3, lambda line: None)

    order = [
        (page, size)
        for page in ("empty", "map", "coverage", "folium", FILE_MAP, ARABIC_MAP)
        for size in SIZES
    ]
    big = [("map 100k", size) for size in SIZES]
    # Warm-ups, three rounds in turns; then the 100,000 sites on their own.
    assert visits == order + order + order[::-1] + order + big + big + big[::-1] + big
    assert {row.figure.split(".")[0]: row.cells["phone"] for row in rows}["10"].startswith("1.50×")
    assert "in turns" in notes[0]


def test_both_benches_serve_a_page_the_same_way(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """`make bench` (rows 9-12) and `make proxy` serve through proxy.served: LIEN_DATA only while
    that server starts (the servers of other pages run beside it), the reference Caddyfile for a
    reference page, and Streamlit alone when caddy is missing."""
    started: list[str | None] = []
    configs: list[Path | None] = []
    stores: list[str | None] = []

    def start_app(log: Path, *, script: Path, env: dict[str, str] | None = None) -> tuple[Any, str]:
        started.append(os.environ.get("LIEN_DATA"))
        stores.append((env or os.environ).get("LIEN_STORE"))
        return None, f"http://{script.stem}"

    @contextlib.contextmanager
    def caddy(url: str, log: Path, config: Path | None = None) -> Iterator[str]:
        configs.append(config)
        yield url + "-caddy"

    monkeypatch.setattr(proxy.harness, "start_app", start_app)
    monkeypatch.setattr(proxy.harness, "stop", lambda process: None)
    monkeypatch.setattr(proxy.harness, "caddy", caddy)
    monkeypatch.setenv("LIEN_DATA", "theirs.csv")
    monkeypatch.setattr(proxy.shutil, "which", lambda name: "/usr/bin/caddy")
    big = tmp_path / "big.csv"
    with proxy.served(proxy.ROOT / "app.py", tmp_path, "map-100k", data=big) as urls:
        assert urls == ("http://app", "http://app-caddy")
        assert os.environ["LIEN_DATA"] == "theirs.csv"
    with proxy.served(proxy.EMPTY, tmp_path, "empty", reference=True) as urls:
        pass
    with proxy.served(proxy.ROOT / "app.py", tmp_path, "map-file", store=False) as urls:
        pass
    assert started == [str(big), None, None]
    assert stores == [None, None, "off"]  # only the page "as before the store" has none
    assert configs[0] is None
    assert configs[1] == tmp_path / "Caddyfile.reference"

    monkeypatch.setattr(proxy.shutil, "which", lambda name: None)
    with proxy.served(proxy.EMPTY, tmp_path, "empty", reference=True) as urls:
        assert urls == ("http://empty_page", None)


def test_a_proposal_s_submit_is_timed_on_a_filled_store(tmp_path: Path) -> None:
    """Row 15 times proposals that the store accepts as pending (a refusal would time the
    refusal), each from a client of its own so that the hourly limit never answers."""
    times = living.submit_times(f"sqlite:///{tmp_path / 'lien.sqlite3'}", runs=7)
    assert len(times) == 7
    assert all(t > 0 for t in times)


def test_each_bench_run_of_the_pages_has_a_store_filled_from_its_own_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pages read the store; a bench on a synthetic file must not read var/lien.sqlite3."""
    monkeypatch.setenv("LIEN_DATABASE_PATH", str(tmp_path / "elsewhere.sqlite3"))
    with lien_data(tmp_path / "big.csv"):
        inside = config.database_url()
        assert os.environ["LIEN_DATA"] == str(tmp_path / "big.csv")
    assert "elsewhere" not in inside
    assert inside.startswith("sqlite:///")
    assert os.environ["LIEN_DATABASE_PATH"] == str(tmp_path / "elsewhere.sqlite3")
    assert "LIEN_DATA" not in os.environ
    with lien_data(None, "sqlite:///named.sqlite3"):
        assert config.database_url() == "sqlite:///named.sqlite3"
