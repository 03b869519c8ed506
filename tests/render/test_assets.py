"""The offline web assets: copied from the XStatic packages, idempotent, the URLs the app uses."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from lien.config import ROOT, STATIC_DIR
from lien.render import assets

EXPECTED = {
    "leaflet/leaflet.js",
    "leaflet/leaflet.css",
    "leaflet/images/marker-icon.png",
    "leaflet/images/marker-icon-2x.png",
    "leaflet/images/marker-shadow.png",
    "leaflet/images/layers.png",
    "leaflet/images/layers-2x.png",
    "markercluster/leaflet.markercluster.js",
    "markercluster/MarkerCluster.css",
    "markercluster/MarkerCluster.Default.css",
    "gesture/leaflet-gesture-handling.min.js",
    "gesture/leaflet-gesture-handling.min.css",
    "supercluster/supercluster.min.js",
    "map/leaflet-bundle.js",
}


def test_install_copies_every_file(tmp_path: Path) -> None:
    written = assets.install(tmp_path)
    assert {p.relative_to(tmp_path).as_posix() for p in written} == EXPECTED
    for relative in EXPECTED:
        stat = (tmp_path / relative).stat()
        assert stat.st_size > 0, relative
        assert stat.st_mode & 0o444 == 0o444, f"{relative} must be readable by a web server"
    assert "Leaflet 1.9.3" in (tmp_path / "leaflet/leaflet.js").read_text(encoding="utf-8")[:200]
    assert "L.MarkerClusterGroup" in (
        tmp_path / "markercluster/leaflet.markercluster.js"
    ).read_text(encoding="utf-8")
    assert not list(tmp_path.rglob(".*")), "no temporary file may be left behind"


def test_the_map_bundle_is_its_four_scripts_in_order(tmp_path: Path) -> None:
    """One file for the app's frame: each part whole and in the order they need each other,
    closed by a ";" so that no part runs into the next, without a source map that isn't there."""
    assets.install(tmp_path)
    bundle = (tmp_path / assets.MAP_BUNDLE).read_bytes()
    assert bundle == assets.bundle() == assets.source(assets.MAP_BUNDLE)
    assert assets.MAP_SCRIPTS[0] == "leaflet/leaflet.js"
    at = 0
    for relative in assets.MAP_SCRIPTS:
        code = b"\n".join(
            line
            for line in assets.source(relative).rstrip().split(b"\n")
            if not line.startswith(b"//# sourceMappingURL=")
        )
        start = bundle.index(b"/* " + relative.encode() + b" */\n" + code + b"\n;\n", at)
        assert start >= at, relative
        at = start + len(code)
    assert b"sourceMappingURL" not in bundle
    assert b"sourceMappingURL" in assets.source("leaflet/leaflet.js")  # what was taken out


def test_npm_assets_are_checked_against_their_pinned_integrity(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A tarball that is not the pinned one is refused, whatever the cache or the registry hold."""
    (package,) = [p for p in assets.NPM if p.name == "leaflet-gesture-handling"]
    monkeypatch.setenv("LIEN_CACHE_DIR", str(tmp_path))
    cached = tmp_path / "npm" / f"{package.name}-{package.version}.tgz"
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"not the package")
    with pytest.raises(assets.AssetError, match="does not match its pinned integrity"):
        assets.npm_file("gesture/leaflet-gesture-handling.min.js")


def test_second_install_copies_nothing(tmp_path: Path) -> None:
    assets.install(tmp_path)
    assert assets.install(tmp_path) == []


def test_install_replaces_only_a_changed_or_deleted_file(tmp_path: Path) -> None:
    assets.install(tmp_path)
    (tmp_path / "leaflet/leaflet.css").write_text("/* edited */", encoding="utf-8")
    (tmp_path / "markercluster/MarkerCluster.css").unlink()
    written = assets.install(tmp_path)
    assert [p.relative_to(tmp_path).as_posix() for p in written] == [
        "leaflet/leaflet.css",
        "markercluster/MarkerCluster.css",
    ]
    assert "/* edited */" not in (tmp_path / "leaflet/leaflet.css").read_text(encoding="utf-8")


def test_missing_names_what_is_not_installed(tmp_path: Path) -> None:
    assert set(assets.missing(tmp_path)) == EXPECTED
    assets.install(tmp_path)
    assert assets.missing(tmp_path) == []
    (tmp_path / "leaflet/images/marker-icon.png").unlink()
    assert assets.missing(tmp_path) == ["leaflet/images/marker-icon.png"]


def test_urls_point_at_installed_files() -> None:
    """Each URL constant is /app/static/ + a file (or the images folder) that install() writes."""
    assert STATIC_DIR == ROOT / "static"
    files = {"/app/static/" + relative for _, _, relative in assets.FILES}
    for url in (
        assets.LEAFLET_JS,
        assets.LEAFLET_CSS,
        assets.MARKERCLUSTER_JS,
        assets.MARKERCLUSTER_CSS,
        assets.MARKERCLUSTER_DEFAULT_CSS,
    ):
        assert url in files
    assert assets.MAP_BUNDLE_JS == "/app/static/" + assets.MAP_BUNDLE
    assert assets.MAP_BUNDLE in assets.relative_files()
    assert assets.LEAFLET_IMAGES.endswith("/")
    assert assets.LEAFLET_IMAGES + "marker-icon.png" in files


def test_streamlit_serves_static_files() -> None:
    with (ROOT / ".streamlit" / "config.toml").open("rb") as f:
        assert tomllib.load(f)["server"]["enableStaticServing"] is True
