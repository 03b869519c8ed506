"""lien.problems: problems with their row and field, capped per kind, and how they travel."""

from __future__ import annotations

import pickle

from lien.problems import DirectoryError, ProblemList, collect, problem


def test_a_problem_names_its_row_field_and_reason_in_each_language() -> None:
    found = problem(12, "postcode", "postcode", value="'75001'")
    assert str(found) == "row 12, postcode: '75001' is not a Belgian postcode"
    assert found.text("fr") == "'75001' n'est pas un code postal belge"
    assert found.where("nl") == "rij 12"
    assert problem(None, "file", "empty").where("fr") == "fichier"


def test_a_quoted_value_is_cut() -> None:
    found = problem(2, "city", "unknown_city", value="x" * 500)
    assert len(dict(found.params)["value"]) == 80


def test_a_list_keeps_the_first_of_each_kind_and_remembers_every_bad_row() -> None:
    found = ProblemList(per_kind=3)
    for row in range(2, 12):
        found.append(problem(row, "services", "unknown_service", value="'x'"))
    found.append(problem(50, "postcode", "postcode", value="'1'"))
    assert len(found) == 4
    assert found.total == 11
    assert found.bad_rows == set(range(2, 12)) | {50}
    assert found.dropped() == {"unknown_service": 7}
    # A row whose problems were only counted still says why.
    assert found.of_row()[11][0].code == "unknown_service"
    assert not found.file_level
    found.append(problem(None, "organisation", "missing_column"))
    assert found.file_level


def test_extending_with_a_capped_list_keeps_its_counts() -> None:
    first = ProblemList(per_kind=2)
    for row in range(2, 6):
        first.append(problem(row, "site", "required"))
    merged = ProblemList()
    merged.extend(first)
    assert merged.total == 4
    assert merged.bad_rows == {2, 3, 4, 5}


def test_collect_sorts_by_row_then_field() -> None:
    found = collect(
        [problem(5, "b", "required"), problem(None, "file", "empty"), problem(5, "a", "required")]
    )
    assert [(p.row, p.field) for p in found] == [(None, "file"), (5, "a"), (5, "b")]


def test_problems_and_refusals_survive_pickling() -> None:
    capped = ProblemList([problem(r, "f", "required") for r in range(2, 300)])
    again = pickle.loads(pickle.dumps(capped))
    assert again.total == 298
    assert again.dropped() == {"required": 98}
    error = DirectoryError("x.csv", [problem(None, "file", "empty")])
    assert pickle.loads(pickle.dumps(error)).problems == error.problems
    assert str(error).startswith("x.csv was refused: 1 problem")
