"""lien.geo.distance: great-circle and flat distances agree where both apply."""

from __future__ import annotations

import numpy as np
import pytest

from lien.geo import distance


def test_brussels_to_liege() -> None:
    km = distance.haversine_km(50.8467, 4.3525, np.array([50.6337]), np.array([5.5675]))[0]
    assert km == pytest.approx(89.0, abs=1.0)
    assert distance.flat_km(50.8467, 4.3525, 50.6337, 5.5675) == pytest.approx(km, rel=0.01)


def test_chords_of_unit_vectors_give_the_same_distance() -> None:
    a, b = distance.unit_vectors(np.array([50.8467, 50.6337]), np.array([4.3525, 5.5675]))
    chord = np.linalg.norm(a - b)
    assert distance.chord_to_km(np.array([chord]))[0] == pytest.approx(
        distance.haversine_km(50.8467, 4.3525, np.array([50.6337]), np.array([5.5675]))[0]
    )
