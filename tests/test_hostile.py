"""Hostile and awkward input can't hurt the service: every case ends in a message, within limits.

Boundedness is asserted through the worker's limits, never with a stopwatch: what runs under
`lien.ingest.worker` is stopped past its memory and CPU limits, so a case that returns a result has
stayed within them (speed itself is measured by bench/hostile.py).
"""

from __future__ import annotations

import csv
import io
import logging
import pickle
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lien import check, openreferral
from lien.config import ORGANISATIONS_CSV, ROOT
from lien.ingest import directory, tabular, upload, worker
from lien.ingest import hsds as hsds_in
from lien.outputs import hsds as hsds_out
from lien.problems import DirectoryError, ProblemList, problem
from lien.text import clean_query, fold
from lien_dev import hostile
from tests.support import tasks
from tests.support.markdown import shown

APP = str(ROOT / "app.py")
DATA_PAGE = "pages/2_Donnees_Gegevens_Data.py"
# Tight limits: a bounded case needs far less, an unbounded one far more.
TIGHT = worker.Limits(memory_mb=1024, cpu_seconds=10, wall_seconds=60)


def _checked(maker: str) -> upload.Upload | upload.Refusal:
    name, data = hostile.UPLOADS[maker]()
    return worker.run(upload.check_upload, data, name, None, None, limits=TIGHT)


def _refusal_code(maker: str) -> str:
    result = _checked(maker)
    assert isinstance(result, upload.Refusal), result
    (found,) = result.problems
    return found.code


# --- the worker ----------------------------------------------------------------------------------


def test_a_worker_returns_its_result_and_reports_progress() -> None:
    seen: list[tuple[int, int]] = []
    assert worker.run(tasks.count, 3, progress=lambda d, t: seen.append((d, t))) == 3
    assert seen
    assert seen[-1] == (3, 3)


@pytest.mark.parametrize(
    ("task", "limits", "reason"),
    [
        (tasks.hog_memory, worker.Limits(memory_mb=700, cpu_seconds=30, wall_seconds=60), "memory"),
        (tasks.spin, worker.Limits(memory_mb=1024, cpu_seconds=1, wall_seconds=60), "cpu"),
        (tasks.fail, worker.UPLOAD_LIMITS, "crash"),
    ],
    ids=["memory", "cpu", "crash"],
)
def test_a_worker_over_its_limit_is_stopped(
    task: object, limits: worker.Limits, reason: str
) -> None:
    with pytest.raises(worker.WorkerError) as stopped:
        worker.run(task, limits=limits)  # type: ignore[arg-type]
    assert stopped.value.reason == reason


def test_a_worker_past_its_deadline_is_killed() -> None:
    with pytest.raises(worker.WorkerError) as stopped:
        worker.run(tasks.sleep, 30, limits=worker.Limits(wall_seconds=1))
    assert stopped.value.reason == "time"


def test_the_data_page_says_so_when_the_worker_is_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    # The upload's task replaced by one that never stops allocating, under a small limit.
    monkeypatch.setattr(upload, "check_upload", tasks.hog_memory)
    monkeypatch.setattr(worker, "UPLOAD_LIMITS", worker.Limits(memory_mb=700))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = "nl"
    at.run()
    at.switch_page(DATA_PAGE).run()
    at.file_uploader(key="upload_file").set_value(
        ("netwerk.csv", b"Naam,Diensten\nA,b\n", "text/csv")
    )
    at.run()
    assert not at.exception
    heading, reason = shown(at.error[0].value).split("\n\n")
    assert heading == "netwerk.csv kan niet gelezen worden:"
    assert "te groot of te complex om hier te controleren (geheugen)" in reason


# --- files: each hostile upload ends in a result or a plain refusal ------------------------------


def test_an_xlsx_declaring_17_billion_cells_is_read_as_its_two_rows() -> None:
    result = _checked("xlsx_dimension_bomb")
    assert isinstance(result, upload.Upload)
    assert result.rows_read == 1
    assert list(result.frame["organisation"]) == ["Maison"]


def test_an_xlsx_row_as_wide_as_excel_is_refused() -> None:
    assert _refusal_code("xlsx_wide_row") == "too_many_columns"


@pytest.mark.parametrize("maker", ["xlsx_entities", "xlsx_damaged"])
def test_xml_entities_and_damaged_workbooks_are_refused_plainly(maker: str) -> None:
    assert _refusal_code(maker) == "bad_xlsx"


def test_a_long_xlsx_cell_is_reported_not_matched() -> None:
    result = _checked("xlsx_long_cell")
    assert isinstance(result, upload.Upload)
    (found,) = result.problems
    # Bounded as it is read, under the file's own column name, before any mapping or lookup.
    assert (found.row, found.field, found.code) == (2, "Ville", "too_long")


def test_800000_rows_are_read_up_to_the_cap_and_said() -> None:
    result = _checked("csv_many_rows")
    assert isinstance(result, upload.Upload)
    capped = [n for n in result.notes if n.code == "too_many_rows"]
    assert len(capped) == 1
    assert dict(capped[0].params)["limit"] == "50000"
    assert result.rows_read == tabular.UPLOAD_CAPS.rows
    # No column maps onto a Lien field: refused with two problems, not 2.4 million.
    assert result.refused
    assert result.problems.total == 2


def test_problems_are_capped_per_kind_and_counted() -> None:
    result = _checked("csv_many_problems")
    assert isinstance(result, upload.Upload)
    problems = result.problems
    assert len(result.frame) == 0
    assert len(problems.bad_rows) == 40_000
    assert problems.kinds["unknown_service_label"] == 40_000
    assert problems.kinds["postcode"] == 40_000
    assert len(problems) <= len(problems.kinds) * 200
    assert problems.dropped()["postcode"] == 40_000 - 200
    # Every row set aside still says why, in the download.
    rejected = upload.rejected_rows(result, "en")
    assert len(rejected) == 40_000
    assert rejected["problems"].str.len().min() > 0


@pytest.mark.parametrize("maker", ["csv_long_town", "csv_quadratic_address", "csv_huge_cell"])
def test_long_cells_set_their_row_aside_and_keep_the_others(maker: str) -> None:
    result = _checked(maker)
    assert isinstance(result, upload.Upload)
    assert set(result.frame["organisation"]) == {"Croix-Rouge Accueil", "Vluchtelingenwerk"}
    assert result.problems
    assert {p.code for p in result.problems} <= {
        "too_long",
        "unknown_city",
        "needs_place",
    }
    assert any(p.code == "too_long" for p in result.problems)


def test_an_unclosed_quote_is_reported_where_it_starts_and_the_rest_is_read() -> None:
    result = _checked("csv_unclosed_quote")
    assert isinstance(result, upload.Upload)
    (found,) = result.problems
    assert (found.row, found.code) == (2, "unclosed_quote")
    assert "a quote opened on line 2 is never closed" in found.message
    assert set(result.frame["organisation"]) == {"Croix-Rouge Accueil", "Vluchtelingenwerk"}
    assert list(upload.rejected_rows(result)["row"]) == [2]


def test_invisible_characters_in_a_town_do_not_defeat_matching() -> None:
    result = _checked("csv_invisible_town")
    assert isinstance(result, upload.Upload)
    assert not result.problems
    assert set(result.frame["municipality"]) == {"Liège", "Anvers"}


@pytest.mark.parametrize(
    ("maker", "code"),
    [
        ("hsds_deep_datapackage", "hsds_bad_datapackage"),
        ("hsds_many_services", "hsds_too_many_rows"),
        ("hsds_damaged", "hsds_not_zip"),
    ],
)
def test_hostile_open_referral_packages_are_refused_plainly(maker: str, code: str) -> None:
    assert _refusal_code(maker) == code


def test_formulas_in_hsds_files_are_defended_and_read_back_as_text() -> None:
    sites = directory.read_directory().frame.drop_duplicates("org_id").head(3)
    sites = sites.reset_index(drop=True)
    sites.loc[0, "organisation"] = '=HYPERLINK("http://evil.example","x")'
    sites.loc[1, "description"] = "@SUM(1+1)"
    sites.loc[2, "hours"] = "=cmd|' /C calc'!A0"
    package = hsds_out.export_zip(sites)
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        cells = [
            cell
            for name in archive.namelist()
            if name.endswith(".csv")
            for row in csv.reader(io.StringIO(archive.read(name).decode("utf-8")))
            for cell in row
        ]
    assert not [c for c in cells if c.startswith(("=", "@", "\t", "\r"))]
    back = hsds_in.import_zip(package)
    assert list(back["phone"].head(3)) == list(sites["phone"])  # phone numbers stay intact
    assert list(back["organisation"].head(3)) == list(sites["organisation"])
    assert back.loc[1, "description"] == "@SUM(1+1)"
    assert back.loc[2, "hours"] == "=cmd|' /C calc'!A0"


def test_a_foreign_package_of_formulas_is_read_as_text() -> None:
    name, data = hostile.hsds_formulas()
    rows = hsds_in.import_zip(data, name)
    assert rows.loc[0, "organisation"] == '=HYPERLINK("http://evil.example","x")'
    assert rows.loc[0, "description"] == "@SUM(1+1)"


def test_hsds_export_defends_formulas_but_keeps_phones_and_numbers() -> None:
    assert openreferral.formula_safe("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert openreferral.formula_safe("@SUM(1)") == "'@SUM(1)"
    assert openreferral.formula_safe("=cmd|' /C calc'!A0") == "'=cmd|' /C calc'!A0"
    assert openreferral.formula_safe("-2+3+cmd|' /C calc'!A0") == "'-2+3+cmd|' /C calc'!A0"
    assert openreferral.formula_safe("\tx") == "'\tx"
    for intact in ("+32 2 123 45 67", "-0.5", "4.35", "Maison"):
        assert openreferral.formula_safe(intact) == intact
    for value in ("=1", "+x", "@a", "plain"):
        assert openreferral.unformula(openreferral.formula_safe(value)) == value


# --- text: linear, and bounded before work -------------------------------------------------------


@pytest.mark.parametrize("name", tasks.PROBES)
def test_text_handlers_are_linear_on_100_kb_adversarial_strings(name: str) -> None:
    """Each handler of visitor text gets every adversarial string (~100 KB) within 10 s of CPU:
    a quadratic one (as the old trailing-place regex) needs minutes and is stopped."""
    texts = list(hostile.ADVERSARIAL.values())
    assert worker.run(tasks.probe, name, texts, limits=TIGHT) == len(texts)


def test_queries_are_bounded_and_cleaned_before_matching() -> None:
    assert len(clean_query("Bruxelles " * 1_000)) == 200
    assert clean_query("Li\u200bège\x07 ") == "Liège"
    assert fold("Lie\u200bge") == fold("Liège") == "liege"


def test_a_long_value_is_cut_in_the_message() -> None:
    found = problem(3, "city", "unknown_city", value=repr("a " * 3_000))
    assert len(found.message) < 150
    assert found.message.endswith("… is not a Belgian municipality or locality")


# --- the shared directory degrades, it doesn't disappear ----------------------------------------


def _seed_with(tmp_path: Path, extra: str) -> Path:
    path = tmp_path / "directory.csv"
    path.write_text(ORGANISATIONS_CSV.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return path


def _row(**values: str) -> str:
    """One more line for the seed file: a valid national site, with `values` changed."""
    fields = ORGANISATIONS_CSV.read_text(encoding="utf-8").splitlines()[0].split(",")
    row = {f: "" for f in fields}
    row.update(
        {
            "site_id": "new-1",
            "org_id": "new",
            "organisation": "New",
            "site": "New",
            "precision": "national",
            "services": "housing",
            "source": "test",
            **values,
        }
    )
    return ",".join(row.values()) + "\n"


def test_one_bad_row_hides_itself_only(tmp_path: Path) -> None:
    shared = directory.load_shared(str(_seed_with(tmp_path, _row(precision="street"))))
    assert not shared.refused
    assert shared.hidden == 1
    assert len(shared.frame) == 32
    assert (
        check.report(shared)
        .splitlines()[1]
        .endswith("'street' is not one of address, postcode, locality, national, online")
    )


def test_a_row_whose_service_is_unknown_is_shown_with_a_warning(tmp_path: Path) -> None:
    shared = directory.load_shared(str(_seed_with(tmp_path, _row(services="teleportation"))))
    assert not shared.refused
    assert shared.hidden == 0
    assert shared.warned == 1
    assert len(shared.frame) == 33
    assert shared.frame.iloc[-1]["services"] == ""
    assert (
        check.report(shared)
        .splitlines()[1]
        .endswith("unknown service code 'teleportation'; value left out, row kept")
    )


def test_strict_mode_refuses_on_any_problem(tmp_path: Path) -> None:
    path = _seed_with(tmp_path, _row(services="teleportation"))
    assert directory.load_shared(str(path), strict=True).refused


@pytest.mark.parametrize(
    ("where", "code"),
    [
        (lambda tmp: tmp, "is_folder"),
        (lambda tmp: tmp / "nowhere.csv", "not_found"),
        (lambda tmp: Path(__file__) / "below-a-file.csv", "unreadable"),
    ],
    ids=["folder", "missing", "not-a-folder"],
)
def test_unreadable_directories_are_refused_with_a_reason(
    tmp_path: Path, where: object, code: str
) -> None:
    shared = directory.load_shared(str(where(tmp_path)))  # type: ignore[operator]
    assert shared.refused
    assert [p.code for p in shared.problems] == [code]


def test_a_cell_past_the_csv_field_limit_in_lien_data_is_a_problem(tmp_path: Path) -> None:
    # A description is optional: the site is shown without it, and the report says so.
    shared = directory.load_shared(str(_seed_with(tmp_path, _row(description="x" * 200_000))))
    assert shared.hidden == 0
    assert shared.warned == 1
    assert len(shared.frame) == 33
    assert [(p.code, p.kept) for p in shared.problems] == [("too_long", True)]
    assert shared.frame.iloc[-1]["description"] == ""
    # A name is not: that site is set aside (the name emptied as read, it is also missing).
    shared = directory.load_shared(str(_seed_with(tmp_path, _row(site="x" * 200_000))))
    assert shared.hidden == 1
    assert ("too_long", False) in [(p.code, p.kept) for p in shared.problems]


def test_the_check_command_prints_the_report_and_fails_on_problems(tmp_path: Path) -> None:
    clean = subprocess.run(
        [sys.executable, "-m", "lien.check", str(ORGANISATIONS_CSV)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert clean.returncode == 0, clean.stderr
    assert clean.stdout.startswith("organisations.csv: 32 record(s) read, 32 shown, 0 set aside")
    broken = _seed_with(tmp_path, "\n" + "x," * 3 + "\n")
    found = subprocess.run(
        [sys.executable, "-m", "lien.check", str(broken), "--lang", "fr"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert found.returncode == 1
    assert "ligne 35" in found.stdout
    assert "Traceback" not in found.stderr


def test_bad_geocode_cache_rows_are_skipped_and_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from lien import geocoding as geocode

    path = tmp_path / "cache.csv"
    header = ",".join(geocode.GeocodeCache.FIELDS)
    path.write_text(
        "\n".join(
            [
                header,
                "namur,Namur,ok,50.46,4.87,locality,5000,Namur,2026-01-01",
                "inf,Inf,ok,1e999,4.87,locality,,,",
                "word,Word,ok,north,4.87,locality,,,",
                "short,Short",
                "odd,Odd,maybe,,,,,,",
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    with caplog.at_level(logging.WARNING, logger="lien.geocode"):
        cache = geocode.GeocodeCache(path)
    assert set(cache.rows) == {"namur"}
    assert cache.skipped == 4
    assert "4 bad row(s) skipped" in caplog.text


def test_a_refusal_crosses_the_worker_intact() -> None:
    result = worker.run(upload.check_upload, b"", "vide.csv", None, None)
    assert isinstance(result, upload.Refusal)
    assert result.problems[0].code == "empty"
    error = DirectoryError("x.csv", [problem(None, "file", "empty")])
    assert pickle.loads(pickle.dumps(error)).problems == error.problems
    capped = ProblemList([problem(r, "f", "required") for r in range(2, 500)])
    again = pickle.loads(pickle.dumps(capped))
    assert again.total == 498
    assert again.dropped() == {"required": 298}
