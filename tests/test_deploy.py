"""The deployment recipe (deploy/Caddyfile) as it is, in front of a real Lien server: files are
compressed, Lien's named files cached for a day, Streamlit's hashed ones for a year, and the app
answers through it uncached. (bench/proxy.py loads the pages through it in chromium.)"""

from __future__ import annotations

import base64
import os
import re
import socket
import tomllib
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit
import streamlit_folium

from lien.config import ROOT
from lien.render import assets, outlines
from lien.ui.navigation import COVERAGE_PATH
from lien_dev import harness
from tests.conftest import require_caddy

# A Lien server behind Caddy: the browser tier (docs/testing.md).
pytestmark = pytest.mark.browser

STREAMLIT_STATIC = Path(streamlit.__file__).parent / "static"
FOLIUM_BUILD = Path(streamlit_folium.__file__).parent / "frontend" / "build"


def _folium_bundle() -> str:
    """The map frame's script as its page names it ("static/js/main.<digest>.js")."""
    index = (FOLIUM_BUILD / "index.html").read_text(encoding="utf-8")
    found = re.search(r'src="\./(static/js/main\.[0-9a-f]+\.js)"', index)
    assert found, index[:500]
    return found.group(1)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """Lien behind deploy/Caddyfile on local ports: the app's own base URL, and the proxy's."""
    require_caddy()
    logs = tmp_path_factory.mktemp("deploy")
    app, app_url = harness.start_app(logs / "app.log", env=harness.offline_env())
    try:
        with harness.caddy(app_url, logs / "caddy.log") as url:
            yield app_url, url
    finally:
        harness.stop(app)


@pytest.fixture(scope="module")
def proxied(served: tuple[str, str]) -> str:
    """The proxy's base URL."""
    return served[1]


def _get(url: str, encoding: str = "gzip") -> tuple[dict[str, str], bytes]:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    request = urllib.request.Request(url, headers={"Accept-Encoding": encoding})
    with opener.open(request, timeout=30) as response:
        return {k.lower(): v for k, v in response.headers.items()}, response.read()


def test_streamlit_bundles_arrive_compressed_and_cached_for_a_year(proxied: str) -> None:
    _, page = _get(proxied + "/", "identity")
    script = re.search(rb'src="\./(static/js/index\.[A-Za-z0-9_-]{8}\.js)"', page)
    assert script, page[:500]
    plain_headers, plain = _get(f"{proxied}/{script.group(1).decode()}", "identity")
    headers, body = _get(f"{proxied}/{script.group(1).decode()}", "gzip")
    assert "content-encoding" not in plain_headers
    assert headers["content-encoding"] == "gzip"
    assert len(body) < len(plain) / 2
    cache = headers["cache-control"]
    assert "immutable" in cache
    assert "max-age=31536000" in cache


def test_streamlit_bundles_come_from_disk_not_from_the_app(proxied: str) -> None:
    """Caddy reads Streamlit's hashed bundles from the installed package: the app's Python
    process, busy with a visitor's first script run, no longer serves thirty files meanwhile."""
    _, page = _get(proxied + "/", "identity")
    names = re.findall(rb'(?:src|href)="\./(static/(?:js|css)/[^"]+)"', page)
    assert len(names) >= 2, page[:500]
    app_headers, health = _get(proxied + "/_stcore/health", "identity")
    assert health == b"ok"
    # What answers through the proxy names itself (Streamlit's server is uvicorn); a file Caddy
    # read from disk carries Caddy's name alone.
    app_server = app_headers["server"].lower()
    assert "uvicorn" in app_server
    for name in names:
        headers, body = _get(f"{proxied}/{name.decode()}", "identity")
        assert body == (STREAMLIT_STATIC / name.decode()).read_bytes()
        assert headers["server"].lower() == "caddy", headers


def test_the_map_frame_and_its_scripts_come_from_disk_not_from_the_app(proxied: str) -> None:
    """The components' frames, their bundles and Lien's Leaflet files are read by Caddy from the
    installed packages and the repository: the map's frame asks for them while the visitor's
    script run is still sending the map from the app's Python process."""
    frame = "/component/streamlit_folium.st_folium/index.html"
    _, index = _get(proxied + frame, "identity")
    assert index == (FOLIUM_BUILD / "index.html").read_bytes()
    bundle = _folium_bundle()
    files = {
        f"/component/streamlit_folium.st_folium/{bundle}": FOLIUM_BUILD / bundle,
        "/component/lien.ui.geolocate.lien_geolocate/index.html": ROOT
        / "lien/ui/buttons/index.html",
        "/component/lien.ui.reached.lien_reached/index.html": ROOT / "lien/ui/buttons/index.html",
        **{
            f"/app/{path.relative_to(ROOT).as_posix()}": path
            for path in (ROOT / "static").rglob("*.js")
        },
    }
    assert len(files) >= 6, files
    for url, path in files.items():
        headers, body = _get(proxied + url, "identity")
        assert body == path.read_bytes(), url
        assert headers["server"].lower() == "caddy", (url, headers)
        assert headers["cache-control"] == "public, max-age=86400, must-revalidate", url
    # Nothing else of the repository is served: the file server's root is static/ alone.
    for escape in ("/app/static/../app.py", "/app/static/%2e%2e/app.py", "/app/static/..%2fapp.py"):
        with pytest.raises(urllib.error.HTTPError) as refused:
            _get(proxied + escape, "identity")
        assert refused.value.code in (400, 404), escape


def test_the_map_page_names_its_frames_two_scripts_for_the_browser_to_fetch_early(
    proxied: str,
) -> None:
    """The map page's answer preloads the two scripts its map's frame loads one after the other
    (streamlit-folium's bundle, then Lien's Leaflet bundle), by the names they have now: a
    streamlit-folium upgrade renames its bundle, and this says which name to write."""
    expected = [f"/component/streamlit_folium.st_folium/{_folium_bundle()}", assets.MAP_BUNDLE_JS]
    for page in ("/", "/?lang=nl&service=legal_aid"):
        headers, _ = _get(proxied + page, "identity")
        preloaded = re.findall(r"<([^>]+)>; rel=preload; as=script", headers.get("link", ""))
        assert preloaded == expected, f"deploy/Caddyfile's Link header should preload {expected}"
    for url in expected:
        headers, body = _get(proxied + url, "gzip")
        assert body, url
        assert headers["cache-control"] == "public, max-age=86400, must-revalidate", url
    # The other pages have no map: nothing to fetch for it.
    headers, _ = _get(f"{proxied}/{COVERAGE_PATH}", "identity")
    assert "link" not in headers, headers


def test_lien_leaflet_files_are_cached_for_a_day_and_revalidated(proxied: str) -> None:
    leaflet = next(Path(ROOT / "static").rglob("leaflet.js")).relative_to(ROOT)
    headers, _ = _get(f"{proxied}/app/{leaflet.as_posix()}", "zstd")
    assert headers["content-encoding"] == "zstd"
    assert headers["cache-control"] == "public, max-age=86400, must-revalidate"
    assert "etag" in headers


def test_the_province_outlines_arrive_compressed_and_cached(proxied: str) -> None:
    """The outlines' file (lien.render.outlines), which the map fetches instead of carrying it in
    every message, crosses the network compressed and is kept by the browser."""
    address = outlines.url()
    assert address is not None
    headers, _ = _get(proxied + address, "zstd")
    assert headers["content-encoding"] == "zstd"
    assert headers["cache-control"] == "public, max-age=86400, must-revalidate"
    _, body = _get(proxied + address, "identity")
    assert body == outlines.geometry_json().encode("utf-8")


def test_the_app_messages_are_compressed_through_the_proxy(proxied: str) -> None:
    """The WebSocket that carries the page (and the map's message: 3.6 MB at 100,000 sites)
    agrees on permessage-deflate with a browser that offers it, through Caddy."""
    host, port = proxied.removeprefix("http://").split(":")
    handshake = (
        "GET /_stcore/stream HTTP/1.1\r\n"
        f"Host: {host}:{port}\r\n"
        "Upgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {base64.b64encode(os.urandom(16)).decode()}\r\n"
        "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: streamlit\r\n"
        "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
        f"Origin: {proxied}\r\n\r\n"
    )
    with socket.create_connection((host, int(port)), timeout=30) as connection:
        connection.sendall(handshake.encode())
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = connection.recv(4096)
            assert chunk, answer
            answer += chunk
    head = answer.split(b"\r\n\r\n")[0].decode().lower()
    assert head.startswith("http/1.1 101"), head
    assert "sec-websocket-extensions: permessage-deflate" in head, head


def test_the_app_answers_through_the_proxy(proxied: str) -> None:
    headers, body = _get(proxied + "/_stcore/health", "identity")
    assert body == b"ok"
    assert "max-age" not in headers.get("cache-control", "")  # the app is always asked afresh


def test_the_server_sets_up_no_source_watcher_for_each_visitor() -> None:
    """Streamlit would watch every loaded module for each new session, before its first run
    (.streamlit/config.toml says what it cost a first visit)."""
    with (ROOT / ".streamlit" / "config.toml").open("rb") as f:
        assert tomllib.load(f)["server"]["fileWatcherType"] == "none"


def _status(url: str) -> int:
    try:
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(url, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_streamlit_s_counters_are_not_served_to_visitors(served: tuple[str, str]) -> None:
    """/_stcore/metrics counts the sessions and each server-wide cache's hits: behind the
    proxy, no visitor reads it; Streamlit itself still serves it, on the loopback only."""
    app_url, proxy_url = served
    assert _status(app_url + "/_stcore/metrics") == 200
    for path in ("/_stcore/metrics", "/_stcore/script-health-check", "/_stcore/anything"):
        assert _status(proxy_url + path) == 404, path
    for path in ("/_stcore/health", "/_stcore/host-config"):
        assert _status(proxy_url + path) == 200, path
