"""The geocode.py command line: one query as JSON, and CSV batches in the encodings people send."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import geocode
from geocode import RESULT_KEYS
from lien.config import ROOT  # noqa: E402

ADDED = [*RESULT_KEYS, "geocode_error"]


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever the developer's shell says, these tests use the offline geocoder."""
    monkeypatch.delenv("LIEN_GEOCODER", raising=False)


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """Run `python geocode.py ARGS` from the repository root, as a user would."""
    env = {k: v for k, v in os.environ.items() if k != "LIEN_GEOCODER"}
    env["PYTHONUTF8"] = "1"  # decode output the same way on every platform
    return subprocess.run(
        [sys.executable, "geocode.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


def read_out(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """The output CSV, which is always UTF-8 and comma-delimited."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


# --- one query -----------------------------------------------------------------------------


def test_single_query_prints_json() -> None:
    """`python geocode.py "Luik"`: one JSON object with exactly the 10 keys, exit 0."""
    proc = run_cli("Luik")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == 1
    answer = json.loads(lines[0])
    assert tuple(answer) == RESULT_KEYS
    assert answer["municipality"] == "Liège"
    assert answer["province_code"] == "60000"
    assert answer["precision"] == "locality"


def test_single_address() -> None:
    """A full address resolves by its postcode."""
    proc = run_cli("Drève des Alliés 3, 6530 Thuin")
    assert proc.returncode == 0, proc.stderr
    answer = json.loads(proc.stdout)
    assert answer["municipality"] == "Thuin"
    assert answer["postcode"] == "6530"
    assert answer["precision"] == "postcode"


def test_no_match_exits_1_with_one_line() -> None:
    """No match: exit 1, nothing on stdout, one explanatory line on stderr."""
    proc = run_cli("xyzzy nowhere")
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert len(proc.stderr.strip().splitlines()) == 1
    assert "xyzzy nowhere" in proc.stderr


@pytest.mark.parametrize(("query", "status"), [("Kelmis", 0), ("Paris", 1), ("12345", 1)])
def test_main_in_process(capsys: pytest.CaptureFixture[str], query: str, status: int) -> None:
    """main() returns the exit status instead of exiting, for callers and tests."""
    assert geocode.main([query]) == status
    out, err = capsys.readouterr()
    if status == 0:
        assert json.loads(out)["municipality_code"] == "63040"
        assert err == ""
    else:
        assert out == ""
        assert len(err.strip().splitlines()) == 1


def test_no_arguments_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """Neither QUERY nor --csv: argparse's usage error (exit 2)."""
    with pytest.raises(SystemExit) as exc:
        geocode.main([])
    assert exc.value.code == 2
    assert "QUERY" in capsys.readouterr().err


# --- batch ---------------------------------------------------------------------------------

ROWS = [
    {"id": "1", "nom": "Service social", "adresse": "Rue de Parme 26, 1060 Bruxelles"},
    {"id": "2", "nom": "Maison médicale", "adresse": ""},
    {"id": "3", "nom": "Café", "adresse": "xyzzy nowhere"},
    {"id": "4", "nom": "École", "adresse": "Drève des Alliés 3, 6530 Thuin"},
    {"id": "5", "nom": "Centre", "adresse": "Luik"},
    {"id": "6", "nom": "Antenne", "adresse": "   "},
    {"id": "7", "nom": "Accueil", "adresse": "85 Rue Léon Théodor à Jette"},
    {"id": "8", "nom": "Bureau", "adresse": "Paris"},
]
EXPECTED = {"1": "21013", "4": "56078", "5": "62063", "7": "21010"}


def write_csv(
    path: Path, rows: list[dict[str, str]], *, delimiter: str = ",", encoding: str = "utf-8"
) -> None:
    """Write rows the way a spreadsheet would export them."""
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(
        buffer, fieldnames=list(rows[0]), delimiter=delimiter, lineterminator="\r\n"
    )
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))


def check_batch(
    out: Path,
    rows: list[dict[str, str]],
    column: str = "adresse",
    expected: dict[str, str] | None = None,
) -> None:
    """Every row, in order, original cells untouched, answers or reasons added."""
    expected = EXPECTED if expected is None else expected
    fields, got = read_out(out)
    assert fields == [*rows[0], *ADDED]
    assert len(got) == len(rows)
    for before, after in zip(rows, got, strict=True):
        assert {k: after[k] for k in before} == before
        if before["id"] in expected:
            assert after["municipality_code"] == expected[before["id"]], before
            assert after["latitude"]
            assert after["longitude"]
            assert after["geocode_error"] == ""
        else:
            assert after["latitude"] == after["longitude"] == "", before
            assert after["municipality"] == ""
            assert after["geocode_error"].strip(), before
    empties = [a["geocode_error"] for b, a in zip(rows, got, strict=True) if not b[column].strip()]
    assert empties
    assert all("empty" in reason for reason in empties)


@pytest.mark.parametrize(
    ("delimiter", "encoding"),
    [
        (",", "utf-8"),
        (";", "utf-8"),  # the French/Belgian Excel default
        (";", "cp1252"),  # Excel on Windows, accents in the legacy code page
        (",", "utf-8-sig"),  # Excel's "CSV UTF-8", with a byte-order mark
        ("\t", "utf-8"),
    ],
)
def test_batch_formats(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], delimiter: str, encoding: str
) -> None:
    """Comma, semicolon or tab; UTF-8, cp1252 or UTF-8 with BOM: the same output."""
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    write_csv(src, ROWS, delimiter=delimiter, encoding=encoding)
    status = geocode.main(["--csv", str(src), "--column", "adresse", "--out", str(out)])
    assert status == 0, capsys.readouterr().err
    check_batch(out, ROWS)
    err = capsys.readouterr().err
    assert "geocoded 4 of 8 rows" in err


def test_batch_subprocess_with_progress_bar(tmp_path: Path) -> None:
    """Run as a user would; tqdm's bar and the summary go to stderr, nothing to stdout."""
    src, out = tmp_path / "adresses.csv", tmp_path / "resultat.csv"
    write_csv(src, ROWS, delimiter=";", encoding="cp1252")
    proc = run_cli("--csv", str(src), "--column", "adresse", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""
    assert "geocoding" in proc.stderr
    assert "8/8" in proc.stderr
    check_batch(out, ROWS)


def test_batch_multiline_and_quoted_cells(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Spreadsheet cells may hold commas, quotes and line breaks; all survive unchanged."""
    rows = [
        {"id": "1", "nom": 'Le "Relais"', "adresse": "Rue X 1\r\n1000 Bruxelles"},
        {"id": "2", "nom": "A, B et C", "adresse": "Kerkstraat 5,\n9000 Gent"},
        {"id": "3", "nom": "Vide", "adresse": ""},
    ]
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    write_csv(src, rows)
    assert geocode.main(["--csv", str(src), "--column", "adresse", "--out", str(out)]) == 0
    capsys.readouterr()
    check_batch(out, rows, expected={"1": "21004", "2": "44021"})


def test_batch_undecodable_bytes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Bytes that are neither UTF-8 nor cp1252 still give an output, not a traceback."""
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    src.write_bytes(b"id;adresse\r\n1;Li\xe8ge\r\n2;\x81\x8d\r\n")
    assert geocode.main(["--csv", str(src), "--column", "adresse", "--out", str(out)]) == 0
    capsys.readouterr()
    _, got = read_out(out)
    assert [r["id"] for r in got] == ["1", "2"]
    assert got[0]["municipality_code"] == "62063"
    assert got[1]["latitude"] == ""
    assert got[1]["geocode_error"]


def test_batch_missing_column(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A --column that is not in the file: non-zero exit naming it, and no output file."""
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    write_csv(src, ROWS)
    status = geocode.main(["--csv", str(src), "--column", "address_line", "--out", str(out)])
    assert status != 0
    err = capsys.readouterr().err
    assert "address_line" in err
    assert "adresse" in err  # and it lists the columns there are
    assert not out.exists()


def test_batch_missing_column_subprocess(tmp_path: Path) -> None:
    """Same through the real command line: non-zero exit, a message on stderr."""
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    write_csv(src, ROWS)
    proc = run_cli("--csv", str(src), "--column", "address_line", "--out", str(out))
    assert proc.returncode != 0
    assert "address_line" in proc.stderr
    assert proc.stdout == ""


def test_batch_missing_input_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An input file that does not exist: non-zero exit with a message, no traceback."""
    status = geocode.main(
        [
            "--csv",
            str(tmp_path / "absent.csv"),
            "--column",
            "adresse",
            "--out",
            str(tmp_path / "out.csv"),
        ]
    )
    assert status != 0
    assert "absent.csv" in capsys.readouterr().err


def test_batch_needs_column_and_out(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--csv without --column/--out is a usage error."""
    src = tmp_path / "in.csv"
    write_csv(src, ROWS)
    with pytest.raises(SystemExit) as exc:
        geocode.main(["--csv", str(src)])
    assert exc.value.code == 2
    assert "--column" in capsys.readouterr().err


def test_batch_regeocoding_keeps_column_positions(tmp_path: Path) -> None:
    """An output fed back in keeps its columns where they stand, with fresh values."""
    src = tmp_path / "in.csv"
    src.write_text("latitude,adresse\n1.0,Luik\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    assert geocode.main(["--csv", str(src), "--column", "adresse", "--out", str(out)]) == 0
    with out.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
    assert reader.fieldnames[:2] == ["latitude", "adresse"]
    assert rows[0]["municipality"] == "Liège"
    assert rows[0]["latitude"] != "1.0"
