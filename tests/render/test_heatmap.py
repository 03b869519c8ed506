"""lien.render.heatmap: the coverage heatmaps as HTML tables, in the count classes of the maps,
translated, every name escaped."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pandas as pd
import pytest

from lien import coverage, taxonomy
from lien.geo.areas import PROVINCE_CODES
from lien.ingest import directory
from lien.render import charts, heatmap


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return directory.prepare(directory.read_directory().frame)


class _Heatmap(HTMLParser):
    """The table's caption, column headers, rows (header, then cells: text, style, title), and
    the legend's entries."""

    def __init__(self) -> None:
        super().__init__()
        self.caption, self.headers, self.legend = "", [], []
        self.rows: list[list[dict[str, str]]] = []
        self.box: dict[str, str | None] = {}
        self._into: dict[str, str] | None = None
        self._where = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if tag == "div" and "lien-heatmap" in found.get("class", ""):
            self.box = dict(attrs)
        elif tag in ("caption", "thead", "tbody", "ul"):
            self._where = tag
        elif tag == "tr" and self._where == "tbody":
            self.rows.append([])
        elif tag in ("th", "td", "li"):
            self._into = {"tag": tag, "text": "", **found}

    def handle_data(self, data: str) -> None:
        if self._where == "caption":
            self.caption += data
        elif self._into is not None:
            self._into["text"] += data

    def handle_endtag(self, tag: str) -> None:
        if tag in ("th", "td", "li") and self._into is not None:
            cell, self._into = self._into, None
            if self._where == "thead":
                self.headers.append(cell["text"])
            elif self._where == "tbody":
                self.rows[-1].append(cell)
            elif self._where == "ul":
                self.legend.append(cell["text"])
        elif tag == "caption":
            self._where = ""


def _heatmap(
    frame: pd.DataFrame, services: list[str], lang: str, title: str = "Matrix"
) -> _Heatmap:
    parsed = _Heatmap()
    parsed.feed(heatmap.heatmap_html(coverage.matrix(frame, "province", services), lang, title))
    return parsed


def _background(cell: dict[str, str]) -> str:
    match = re.search(r"background:(#[0-9a-f]{6})", cell["style"])
    assert match, cell
    return match.group(1)


def test_a_row_per_service_and_a_column_per_area_in_the_readers_language(
    frame: pd.DataFrame,
) -> None:
    parsed = _heatmap(frame, ["housing", "health"], "nl", "Locaties per dienst")
    assert parsed.caption == "Locaties per dienst"
    assert parsed.headers[0] == "Dienst"
    assert "Luik" in parsed.headers
    assert len(parsed.headers) == 1 + len(PROVINCE_CODES) + 1
    assert [row[0]["text"] for row in parsed.rows] == ["Huisvesting", "Gezondheidszorg"]
    assert all(row[0]["tag"] == "th" and row[0]["scope"] == "row" for row in parsed.rows)
    # A box a keyboard can reach and scroll sideways, named by the chart's title.
    assert parsed.box["role"] == "region"
    assert parsed.box["tabindex"] == "0"
    assert parsed.box["aria-label"] == "Locaties per dienst"


def test_a_gap_is_orange_marked_and_said_the_national_column_is_no_gap(
    frame: pd.DataFrame,
) -> None:
    parsed = _heatmap(frame, ["detention_visits"], "fr")
    cells = dict(zip(parsed.headers[1:], parsed.rows[0][1:], strict=True))
    assert cells.pop("Brabant flamand")["text"] == "3"
    national = cells.pop("National / en ligne")
    assert national["text"] == "0"  # no site there, but the national column is not an area
    for cell in cells.values():
        assert cell["text"] == f"{charts.GAP_MARK} lacune"  # the word for screen readers
        assert _background(cell) == charts.GAP_COLOUR
        assert cell["title"].endswith(": 0 (lacune)")


def test_cells_in_classes_with_readable_ink_and_a_whole_number_legend(
    frame: pd.DataFrame,
) -> None:
    table = coverage.matrix(frame, "province", None)
    parsed = _heatmap(frame, list(table.index), "fr")
    for values, row in zip(table.itertuples(index=False), parsed.rows, strict=True):
        for value, cell in zip(values, row[1:], strict=True):
            index = charts.count_class(int(value))
            assert _background(cell) == charts.CLASSES[index][2]
            ink = "#fff" if index >= charts.DARK_FROM else "#000"
            assert f"color:{ink}" in cell["style"]
            assert cell["title"].split(": ")[-1].startswith(str(int(value)))
    # Every class in the legend, even one the data lacks; the gap said in words.
    assert parsed.legend == charts.class_labels("fr")
    assert parsed.legend[0].startswith("0 ✕")
    assert "lacune" in parsed.legend[0]
    assert parsed.legend[1:] == ["1", "2", "3–4", "5+"]


def test_names_stay_text(frame: pd.DataFrame, monkeypatch: pytest.MonkeyPatch) -> None:
    hostile = '<img src=x onerror=alert(1)>" onmouseover="x'
    monkeypatch.setattr(heatmap, "area_label", lambda code, lang: hostile + code)
    labels = taxonomy.services()
    monkeypatch.setattr(type(labels), "label", lambda self, code, lang: hostile + code)
    page = heatmap.heatmap_html(
        coverage.matrix(frame, "province", ["housing"]), "en", hostile + "title"
    )
    assert "<img" not in page
    assert 'onmouseover="x' not in page
    parsed = _Heatmap()
    parsed.feed(page)
    assert parsed.caption == hostile + "title"
    assert parsed.box["aria-label"] == hostile + "title"
    assert parsed.rows[0][0]["text"] == hostile + "housing"
    assert hostile + PROVINCE_CODES[0] in parsed.headers
    assert parsed.rows[0][1]["title"].startswith(hostile + "housing — " + hostile)
