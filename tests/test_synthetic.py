"""lien_dev/synthetic.py (and `python -m bench synthetic`) writes directories the loader accepts
whole, with the promised mix."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lien.config import ROOT  # noqa: E402
from lien.ingest.directory import load_directory, read_directory
from lien.schema import SCHEMA_COLUMNS
from lien_dev import synthetic

N = 2_000


def _run(n: int, out: Path, seed: int, cwd: Path) -> bytes:
    # From another directory: the command must find the repository's data on its own.
    subprocess.run(
        [sys.executable, "-m", "bench", "synthetic", str(n), str(out), "--seed", str(seed)],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=True,
        capture_output=True,
        timeout=120,
    )
    return out.read_bytes()


def _in_process(n: int, out: Path, seed: int) -> bytes:
    synthetic.write(synthetic.generate(n, seed=seed), out)
    return out.read_bytes()


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes, bytes, bytes]:
    """The command's file for seed 7, and this process's for seeds 7 and 8: the same seed must
    give the same bytes in two processes (their string hashes differ), as the command's twice
    would."""
    tmp = tmp_path_factory.mktemp("synthetic")
    first = _run(N, tmp / "a.csv", 7, tmp)
    again = _in_process(N, tmp / "b.csv", 7)
    other = _in_process(N, tmp / "c.csv", 8)
    return tmp / "a.csv", first, again, other


def test_cli_output_loads_whole(generated) -> None:
    path, *_ = generated
    result = read_directory(path)
    assert result.problems == []
    assert result.rejected_rows == []
    assert len(result.frame) == N
    assert result.frame["site_id"].is_unique


def test_precision_mix_and_coordinates(generated) -> None:
    path, *_ = generated
    frame = read_directory(path).frame
    shares = frame["precision"].value_counts(normalize=True)
    for precision, expected, slack in (
        ("address", 0.50, 0.05),
        ("postcode", 0.25, 0.04),
        ("locality", 0.15, 0.04),
    ):
        assert abs(shares.get(precision, 0) - expected) <= slack, (precision, shares.to_dict())
    unplaced = frame["precision"].isin(["national", "online"])
    assert shares.get("national", 0) > 0
    assert shares.get("online", 0) > 0
    assert abs(unplaced.mean() - 0.10) <= 0.03
    # The generator leaves every position to the loader.
    with path.open(encoding="utf-8", newline="") as handle:
        assert all(row["latitude"] == row["longitude"] == "" for row in csv.DictReader(handle))
    assert frame.loc[unplaced, "latitude"].isna().all()
    assert frame.loc[unplaced, "longitude"].isna().all()
    assert (frame.loc[unplaced, ["address", "postcode", "city"]] == "").all().all()
    placed = frame[~unplaced]
    assert placed["latitude"].notna().all()
    assert placed["longitude"].notna().all()
    assert (placed["coord_source"] == "geocoded").all()
    address = frame[frame["precision"] == "address"]
    assert (address["address"] != "").all()
    assert (address["postcode"] != "").all()
    locality = frame[frame["precision"] == "locality"]
    assert (locality["postcode"] == "").all()
    assert (locality["city"] != "").all()
    assert (locality["coord_precision"] == "locality").all()


def test_spread_and_organisations(generated) -> None:
    path, *_ = generated
    frame = read_directory(path).frame
    assert abs(frame["org_id"].nunique() - N / 5) <= N / 50
    assert (frame.groupby("org_id")["organisation"].nunique() == 1).all()
    # Spread roughly like the population: all three regions, Flanders the largest, and
    # the big towns ahead of small ones.
    regions = frame.loc[frame["region_code"] != "", "region_code"].value_counts()
    assert set(regions.index) == {"02000", "03000", "04000"}
    assert regions.idxmax() == "02000"
    towns = frame["municipality"].value_counts()
    assert towns.get("Anvers", 0) > towns.get("Herstappe", 0)
    assert frame["municipality"].nunique() > 200
    # Nothing real: reserved .example domains only.
    for column in ("email", "website"):
        values = frame.loc[frame[column] != "", column]
        assert values.str.endswith(".example").all()


def test_deterministic_for_a_seed(generated) -> None:
    _, first, again, other = generated
    assert first == again
    assert first != other


def test_in_process_generation_loads(tmp_path: Path) -> None:
    rows = synthetic.generate(200, seed=3)
    assert len(rows) == 200
    assert all(set(row) == set(SCHEMA_COLUMNS) for row in rows)
    path = synthetic.write(rows, tmp_path / "small.csv")
    frame = load_directory(path)
    assert len(frame) == 200
    assert synthetic.generate(200, seed=3) == rows
