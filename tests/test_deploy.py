"""The deployment recipe (deploy/Caddyfile) as it is, in front of a real Lien server: files are
compressed, Lien's named files cached for a day, Streamlit's hashed ones for a year, and the app
answers through it uncached. (bench/proxy.py loads the pages through it in chromium.)"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest
import streamlit

from lien.config import ROOT
from tests.support import harness

CADDY_MISSING = "Debian caddy is not installed: apt-get install caddy"
STREAMLIT_STATIC = Path(streamlit.__file__).parent / "static"


@pytest.fixture(scope="module")
def proxied(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Lien behind deploy/Caddyfile on local ports; the proxy's base URL."""
    if shutil.which("caddy") is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(CADDY_MISSING, pytrace=False)
        pytest.skip(CADDY_MISSING)
    logs = tmp_path_factory.mktemp("deploy")
    app, app_url = harness.start_app(logs / "app.log", env=harness.offline_env())
    port = harness.free_port()
    env = {**os.environ, "LIEN_SITE": f":{port}", "LIEN_APP": app_url.removeprefix("http://")}
    with (logs / "caddy.log").open("wb") as out:
        proxy = subprocess.Popen(
            ["caddy", "run", "--config", str(ROOT / "deploy" / "Caddyfile")],
            # As the README runs it: from the repository, whose .venv holds Streamlit's bundles.
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        harness.wait_until_healthy(proxy, url, logs / "caddy.log", 30.0)
        yield url
    finally:
        harness.stop(proxy)
        harness.stop(app)


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
    assert headers["content-encoding"] == "gzip" and len(body) < len(plain) / 2
    cache = headers["cache-control"]
    assert "immutable" in cache and "max-age=31536000" in cache


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


def test_lien_leaflet_files_are_cached_for_a_day_and_revalidated(proxied: str) -> None:
    leaflet = next(Path(ROOT / "static").rglob("leaflet.js")).relative_to(ROOT)
    headers, _ = _get(f"{proxied}/app/{leaflet.as_posix()}", "zstd")
    assert headers["content-encoding"] == "zstd"
    assert headers["cache-control"] == "public, max-age=86400, must-revalidate"
    assert "etag" in headers


def test_the_app_answers_through_the_proxy(proxied: str) -> None:
    headers, body = _get(proxied + "/_stcore/health", "identity")
    assert body == b"ok"
    assert "max-age" not in headers.get("cache-control", "")  # the app is always asked afresh
