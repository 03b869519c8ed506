"""Leaflet and Leaflet.markercluster for offline maps: copied from the pinned XStatic packages."""

from __future__ import annotations

import filecmp
import sys
from importlib import import_module
from pathlib import Path

from lien.config import STATIC_DIR
from lien.files import write_atomic

# The URLs the app points folium at. Streamlit serves ./static/ at /app/static/ when
# `[server] enableStaticServing = true` (.streamlit/config.toml).
LEAFLET_JS = "/app/static/leaflet/leaflet.js"
LEAFLET_CSS = "/app/static/leaflet/leaflet.css"
LEAFLET_IMAGES = "/app/static/leaflet/images/"
MARKERCLUSTER_JS = "/app/static/markercluster/leaflet.markercluster.js"
MARKERCLUSTER_CSS = "/app/static/markercluster/MarkerCluster.css"
MARKERCLUSTER_DEFAULT_CSS = "/app/static/markercluster/MarkerCluster.Default.css"

# (XStatic package, file inside its data directory, file under static/)
_LEAFLET = "xstatic.pkg.leaflet"
_MARKERCLUSTER = "xstatic.pkg.leaflet_markercluster"
FILES: tuple[tuple[str, str, str], ...] = (
    (_LEAFLET, "leaflet.js", "leaflet/leaflet.js"),
    (_LEAFLET, "leaflet.css", "leaflet/leaflet.css"),
    (_LEAFLET, "images/marker-icon.png", "leaflet/images/marker-icon.png"),
    (_LEAFLET, "images/marker-icon-2x.png", "leaflet/images/marker-icon-2x.png"),
    (_LEAFLET, "images/marker-shadow.png", "leaflet/images/marker-shadow.png"),
    (_LEAFLET, "images/layers.png", "leaflet/images/layers.png"),
    (_LEAFLET, "images/layers-2x.png", "leaflet/images/layers-2x.png"),
    (_MARKERCLUSTER, "leaflet.markercluster.js", "markercluster/leaflet.markercluster.js"),
    (_MARKERCLUSTER, "MarkerCluster.css", "markercluster/MarkerCluster.css"),
    (_MARKERCLUSTER, "MarkerCluster.Default.css", "markercluster/MarkerCluster.Default.css"),
)


def _source_dir(package: str) -> Path:
    """The data directory of an installed XStatic package (imported only when copying)."""
    return Path(import_module(package).BASE_DIR)


def _copy(source: Path, target: Path) -> None:
    """Copy through a temporary file in the target directory, so a reader never sees half a file."""
    # Readable by all: a web server in front of the app may serve static/ itself.
    write_atomic(target, source.read_bytes(), permissions=0o644)


def install(dest: Path = STATIC_DIR) -> list[Path]:
    """Copy the files that are missing or differ into `dest`; return the paths written."""
    written: list[Path] = []
    for package, name, relative in FILES:
        source = _source_dir(package) / name
        target = dest / relative
        if target.is_file() and filecmp.cmp(source, target, shallow=False):
            continue
        _copy(source, target)
        written.append(target)
    return written


def missing(dest: Path = STATIC_DIR) -> list[str]:
    """The files (relative to `dest`, such as "leaflet/leaflet.js") not installed yet."""
    return [relative for _, _, relative in FILES if not (dest / relative).is_file()]


def main() -> int:
    """`python -m lien.assets`: install into static/ and say what was copied."""
    written = install()
    if written:
        print(f"Copied {len(written)} of {len(FILES)} files into {STATIC_DIR}:")
        for path in written:
            print(f"  {path.relative_to(STATIC_DIR).as_posix()}")
    else:
        print(f"{STATIC_DIR}: all {len(FILES)} files up to date.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
