"""`make bench`'s first-screen rows: each figure against the empty page of the same size and run."""

from __future__ import annotations

from bench.first_screen import SIZES, Figure, _rows


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
                **{"map 100k": (2.9, 3.0)},
            )
        )
    }
    assert rows["10"].cells["phone"] == "1.40× (2.80 s), +0.40 MB"
    assert rows["10"].ok is True
    assert rows["11"].ok is True  # 2.9 s < 3 s
    assert rows["12"].cells["desktop"] == "2.50× (5.00 s), +1.50 MB"
    assert rows["12"].ok is False  # 2.5× > 2×
    assert rows["9"].ok is None and rows["9b"].ok is None  # references


def test_a_goal_is_missed_when_the_bytes_are_over_it() -> None:
    rows = _rows(
        _found(
            empty=(2.0, 1.0),
            folium=(2.6, 1.1),
            map=(2.8, 1.6),
            coverage=(3.0, 2.0),
            **{"map 100k": (3.5, 3.0)},
        )
    )
    by_number = {r.figure.split(".")[0]: r.ok for r in rows}
    assert by_number["10"] is False  # +0.6 MB over the empty page
    assert by_number["11"] is False  # 3.5 s
    assert by_number["12"] is True
