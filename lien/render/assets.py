"""The map's web assets, served from the app's own static/ folder so the map draws offline.

Two registries, both pinned and fetched at setup (`make assets`), never committed:
- PyPI's XStatic packages (installed with the requirements): Leaflet and Leaflet.markercluster;
- the npm registry, for what has no XStatic package: each tarball's version and sha512 integrity
  are written here, it is downloaded once into the cache directory, checked, and unpacked.
"""

from __future__ import annotations

import base64
import filecmp
import hashlib
import io
import re
import sys
import tarfile
import urllib.request
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path

from lien.config import STATIC_DIR, cache_dir
from lien.files import write_atomic

# Streamlit serves ./static/ at /app/static/ when `[server] enableStaticServing = true`
# (.streamlit/config.toml).
STATIC_URL = "/app/static/"


def static_url(relative: str) -> str:
    """The address in the app of a file under static/ (such as "leaflet/leaflet.js")."""
    return STATIC_URL + relative


# The URLs the app points folium at.
LEAFLET_JS = static_url("leaflet/leaflet.js")
LEAFLET_CSS = static_url("leaflet/leaflet.css")
LEAFLET_IMAGES = static_url("leaflet/images/")
MARKERCLUSTER_JS = static_url("markercluster/leaflet.markercluster.js")
MARKERCLUSTER_CSS = static_url("markercluster/MarkerCluster.css")
MARKERCLUSTER_DEFAULT_CSS = static_url("markercluster/MarkerCluster.Default.css")
GESTURE_CSS = static_url("gesture/leaflet-gesture-handling.min.css")
SUPERCLUSTER_JS = static_url("supercluster/supercluster.min.js")

# The app's map loads its four scripts as one file. streamlit-folium adds a map's scripts one
# after the other, each waiting until the one before has loaded and run: four files were four
# round trips and four turns of a main thread that the page around the frame keeps busy: as one,
# the first markers come sooner on a phone (docs/performance.md). The offline file inlines the
# four files themselves.
MAP_BUNDLE = "map/leaflet-bundle.js"
MAP_BUNDLE_JS = static_url(MAP_BUNDLE)
MAP_SCRIPTS = (  # every script of the map, in the order they need each other
    "leaflet/leaflet.js",
    "markercluster/leaflet.markercluster.js",
    "gesture/leaflet-gesture-handling.min.js",
    "supercluster/supercluster.min.js",
)
# A part's own source map would be looked for next to the bundle, where it is not.
_SOURCE_MAP_LINE = re.compile(rb"^//# sourceMappingURL=[^\n]*$", re.M)

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


NPM_REGISTRY = "https://registry.npmjs.org"


@dataclass(frozen=True)
class NpmPackage:
    """A pinned npm tarball: its sha512 integrity is the registry's own ("dist.integrity")."""

    name: str
    version: str
    integrity: str
    files: tuple[tuple[str, str], ...]  # (file inside the tarball, file under static/)

    @property
    def url(self) -> str:
        return f"{NPM_REGISTRY}/{self.name}/-/{self.name}-{self.version}.tgz"


NPM: tuple[NpmPackage, ...] = (
    # One finger scrolls the page, two move the map (MIT).
    NpmPackage(
        "leaflet-gesture-handling",
        "1.2.2",
        "sha512-Blf5V4PoNphWkzL7Y1qge+Spkd4OCQ2atjwUNhMhLIcjKzPcBH++x/lwOinaR9jSqLWqJ6oKYO8d0XdTffy4hQ==",
        (
            (
                "package/dist/leaflet-gesture-handling.min.js",
                "gesture/leaflet-gesture-handling.min.js",
            ),
            (
                "package/dist/leaflet-gesture-handling.min.css",
                "gesture/leaflet-gesture-handling.min.css",
            ),
        ),
    ),
    # Clusters a large set in the browser, only the view's becoming markers (ISC). Its UMD
    # build bundles its one dependency (kdbush) and defines the global Supercluster.
    NpmPackage(
        "supercluster",
        "9.1.0",
        "sha512-WMhsJPm8Tf9f5mKxJ1D0mB5tbCMOFi8wTrm/LGnsJHGg8xkeNT/TWDZuFauOGRISnclbYgnxD7g3xJAfQO3FLg==",
        (("package/dist/supercluster.min.js", "supercluster/supercluster.min.js"),),
    ),
)


class AssetError(RuntimeError):
    """A pinned asset could not be fetched or did not match its integrity."""


def _tarball(package: NpmPackage) -> bytes:
    """The package's tarball: from the cache, else from the registry once (checked either way)."""
    cached = cache_dir() / "npm" / f"{package.name}-{package.version}.tgz"
    if cached.is_file():
        data = cached.read_bytes()
    else:
        try:
            with urllib.request.urlopen(package.url, timeout=60) as response:  # noqa: S310
                data = response.read()
        except OSError as exc:
            raise AssetError(
                f"could not fetch {package.url} ({exc}); `make assets` needs the "
                "npm registry once, then works offline"
            ) from None
    algorithm, _, expected = package.integrity.partition("-")
    digest = base64.b64encode(hashlib.new(algorithm, data).digest()).decode("ascii")
    if digest != expected:
        raise AssetError(f"{package.url} does not match its pinned integrity {package.integrity}")
    if not cached.is_file():
        write_atomic(cached, data)
    return data


def npm_file(relative: str) -> bytes:
    """The bytes of one npm asset (such as "gesture/leaflet-gesture-handling.min.js")."""
    for package in NPM:
        for inside, target in package.files:
            if target == relative:
                with tarfile.open(fileobj=io.BytesIO(_tarball(package)), mode="r:gz") as archive:
                    member = archive.extractfile(inside)
                    if member is None:
                        raise AssetError(f"{inside} is not a file of {package.url}")
                    return member.read()
    raise KeyError(relative)


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
    for npm in NPM:
        for _, relative in npm.files:
            written += _write_if_changed(dest / relative, npm_file(relative))
    written += _write_if_changed(dest / MAP_BUNDLE, bundle())
    return written


def _write_if_changed(target: Path, data: bytes) -> list[Path]:
    if target.is_file() and target.read_bytes() == data:
        return []
    write_atomic(target, data, permissions=0o644)
    return [target]


def bundle() -> bytes:
    """MAP_SCRIPTS' pinned bytes as one script, each part named and closed by a ";"."""
    parts = []
    for relative in MAP_SCRIPTS:
        code = _SOURCE_MAP_LINE.sub(b"", source(relative)).rstrip()
        parts.append(b"/* " + relative.encode("ascii") + b" */\n" + code + b"\n;\n")
    return b"".join(parts)


def source(relative: str) -> bytes:
    """An asset's pinned bytes (such as "leaflet/leaflet.js"), read from its XStatic package or
    npm tarball, never from static/: a stale or hand-edited copy can't leak into a download."""
    for package, name, target in FILES:
        if target == relative:
            return (_source_dir(package) / name).read_bytes()
    if relative == MAP_BUNDLE:
        return bundle()
    return npm_file(relative)


def relative_files() -> list[str]:
    """Every asset, relative to static/ (such as "leaflet/leaflet.js")."""
    return [r for _, _, r in FILES] + [r for npm in NPM for _, r in npm.files] + [MAP_BUNDLE]


def missing(dest: Path = STATIC_DIR) -> list[str]:
    """The files (relative to `dest`, such as "leaflet/leaflet.js") not installed yet."""
    return [relative for relative in relative_files() if not (dest / relative).is_file()]


def main() -> int:
    """`python -m lien.render.assets`: install into static/ and say what was copied."""
    try:
        written = install()
    except AssetError as exc:
        print(f"lien.render.assets: {exc}", file=sys.stderr)
        return 1
    if written:
        print(f"Copied {len(written)} of {len(relative_files())} files into {STATIC_DIR}:")
        for path in written:
            print(f"  {path.relative_to(STATIC_DIR).as_posix()}")
    else:
        print(f"{STATIC_DIR}: all {len(relative_files())} files up to date.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
