"""The province outlines: a file the app's map fetches once, inline in the offline map file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lien.config import STATIC_DIR
from lien.geo.areas import display_geojson, province_names
from lien.render import mapview, outlines


def _a_coordinate() -> str:
    """The first vertex of the first outline as the map's JSON writes it: a marker of inline
    geometry in a rendered page."""
    geometry = display_geojson()["features"][0]["geometry"]
    ring = geometry["coordinates"][0]
    while isinstance(ring[0][0], list):  # a MultiPolygon's first polygon's ring
        ring = ring[0]
    return json.dumps(list(ring[0]), separators=(",", ":"))


def test_the_apps_map_names_the_outlines_file_and_carries_no_geometry() -> None:
    page = mapview.base_map("fr").get_root().render()
    address = outlines.url()
    assert address == f"/app/static/outlines/{outlines.file_name()}"
    assert f"fetch({json.dumps(address)})" in page
    assert _a_coordinate() not in page
    # What st_folium sends again at every rerun: the tiles, legend and styles, not 118 kB of map.
    assert len(page) < 30_000, len(page)


def test_the_file_in_static_holds_every_province_outline() -> None:
    assert outlines.url()  # written by then
    path = STATIC_DIR / "outlines" / outlines.file_name()
    served = json.loads(path.read_text(encoding="utf-8"))
    expected = display_geojson()["features"]
    assert [f["properties"] for f in served["features"]] == [
        {"code": f["properties"]["code"]} for f in expected
    ]
    assert [f["geometry"] for f in served["features"]] == [
        json.loads(json.dumps(f["geometry"])) for f in expected
    ]


def test_the_tooltips_name_each_province_in_the_visitors_language_escaped() -> None:
    for lang in ("fr", "nl", "en"):
        page = mapview.base_map(lang).get_root().render()
        labels = json.loads(outlines.labels_json(lang))
        assert labels == province_names(lang)  # short names carry no character to escape
        assert outlines.labels_json(lang) in page
    assert "labels[feature.properties.code]" in page


def test_the_outlines_are_out_of_the_tab_order() -> None:
    # Their hover names make Chromium take each outline for a Tab stop (tests/browser/
    # test_keyboard.py walks the page).
    for framed in (True, False):
        page = mapview.base_map("fr", framed=framed).get_root().render()
        assert "path.setAttribute('tabindex', '-1');" in page


def test_the_offline_map_file_keeps_its_outlines_inline() -> None:
    page = mapview.base_map("fr", framed=False).get_root().render()
    assert _a_coordinate() in page
    assert "fetch(" not in page


def test_a_new_geometry_gets_a_new_name_and_the_old_file_goes(tmp_path: Path) -> None:
    old = tmp_path / "outlines" / "provinces-0000000000000000.json"
    old.parent.mkdir()
    old.write_text("{}", encoding="utf-8")
    written = outlines.write(tmp_path)
    assert written.name == outlines.file_name() != old.name
    assert written.read_text(encoding="utf-8") == outlines.geometry_json()
    assert not old.exists()
    assert outlines.write(tmp_path) == written  # already there: left as it is


def test_a_static_folder_that_cant_be_written_puts_the_outlines_back_inline(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(dest: Path = STATIC_DIR) -> Path:
        raise PermissionError(f"{dest} is read-only")

    monkeypatch.setattr(outlines, "write", refuse)
    outlines.url.cache_clear()
    try:
        assert outlines.url() is None
        page = mapview.base_map("fr").get_root().render()
        assert _a_coordinate() in page
        assert "fetch(" not in page
    finally:
        outlines.url.cache_clear()
