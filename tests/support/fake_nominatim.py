"""A fake Nominatim on 127.0.0.1, for driving geopy's real Nominatim class through faults."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

USER_AGENT = "lien-tests/1.0 (fake nominatim on 127.0.0.1)"
# A Nominatim answer in its json/jsonv2 list format, away from 4000's centroid so the point
# can only have come from the server.
FRAGNEE = {
    "place_id": 1234,
    "licence": "Data © OpenStreetMap contributors, ODbL 1.0.",
    "osm_type": "node",
    "osm_id": 5678,
    "lat": "50.6269157",
    "lon": "5.5630064",
    "category": "place",
    "type": "house",
    "place_rank": 30,
    "importance": 0.1,
    "addresstype": "place",
    "name": "",
    "display_name": '2, Rue de Fragnée, "Fragnée", Liège, 4000, België / Belgique / Belgien',
    "address": {
        "house_number": "2",
        "road": "Rue de Fragnée",
        "suburb": "Fragnée",
        "city": "Liège",
        "postcode": "4000",
        "country": "België / Belgique / Belgien",
        "country_code": "be",
    },
}
PROXY_VARIABLES = (
    "http_proxy",
    "https_proxy",
    "all_proxy",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
)


@dataclass
class Request:
    """One request as the fake server saw it."""

    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    arrived: float  # time.monotonic(), the same clock the tests read

    @property
    def q(self) -> str:
        """The free-form query text."""
        return self.query.get("q", [""])[0]


@dataclass
class FakeNominatim:
    """A Nominatim stand-in whose answer to the next requests is switched by `mode`."""

    mode: str = "ok"
    answer: dict[str, Any] = field(default_factory=lambda: dict(FRAGNEE))
    # In "ok" mode, the answer for a query text; None answers `answer` to every query.
    answer_for: Callable[[str], dict[str, Any]] | None = None
    sleep_seconds: float = 2.0
    retry_after: str | None = "1"  # None sends no Retry-After header
    # Requests after the first `answer_limit` get no answer until `stopping` is set: a client
    # killed while waiting for one has then been answered exactly `answer_limit` times.
    answer_limit: int | None = None
    requests: list[Request] = field(default_factory=list)
    answered: list[str] = field(default_factory=list)  # query texts, in answer order
    port: int = 0
    server: ThreadingHTTPServer | None = None
    stopping: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        """The base URL to give OnlineGeocoder."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Listen on 127.0.0.1 (port 0 the first time, the same port on a restart)."""
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), _handler(self))
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    def stop(self) -> None:
        """Close the listening socket: connections to the port are then refused."""
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


# The modes that answer every request with one fixed status and body.
_CANNED = {
    "empty": (200, "[]"),
    "500": (500, "<html>Internal Server Error</html>"),
    "malformed": (200, '[{"lat": "50.6", "lon": '),
    # Valid JSON, but not a place: geopy itself raises on it.
    "incomplete": (200, '[{"place_id": 1}]'),
    # geopy would read this as the point (0, 0).
    "no_coordinates": (
        200,
        json.dumps([{"display_name": "Liège", "address": {"postcode": "4000"}}]),
    ),
}


def _handler(fake: FakeNominatim) -> type[BaseHTTPRequestHandler]:
    return type("Handler", (_Handler,), {"fake": fake})


class _Handler(BaseHTTPRequestHandler):
    fake: FakeNominatim  # set on the class _handler makes for each server
    _q = ""

    def log_message(self, format: str, *args: Any) -> None:
        """Keep pytest's output clean."""

    def _send(self, status: int, body: str, headers: dict[str, str] | None = None) -> None:
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()
        with self.fake.lock:
            self.fake.answered.append(self._q)

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        request = Request(parts.path, parse_qs(parts.query), dict(self.headers), time.monotonic())
        self._q = request.q
        fake = self.fake
        with fake.lock:
            fake.requests.append(request)
            number = len(fake.requests)
        if fake.answer_limit is not None and number > fake.answer_limit:
            fake.stopping.wait()
            return  # the connection closes with no answer
        # The client may give up first, as it should on a slow server.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self._answer(request)

    def _answer(self, request: Request) -> None:
        """Answer as the fake's mode says."""
        fake, mode = self.fake, self.fake.mode
        if mode in _CANNED:
            self._send(*_CANNED[mode])
        elif mode == "ok":
            answer = fake.answer_for(request.q) if fake.answer_for else fake.answer
            self._send(200, json.dumps([answer]))
        elif mode == "slow":
            # Stays silent past the client's timeout, then answers (to nobody).
            fake.stopping.wait(fake.sleep_seconds)
            self._send(200, json.dumps([fake.answer]))
        elif mode == "drip":
            self._drip()
        elif mode == "429":
            headers = {} if fake.retry_after is None else {"Retry-After": fake.retry_after}
            self._send(429, '{"error": "Too Many Requests"}', headers)
        else:
            raise AssertionError(f"unknown fake mode {mode!r}")

    def _drip(self) -> None:
        """One byte every 0.25 s: each read returns before a per-read timeout, so only a deadline
        on the whole request can end it."""
        for byte in b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n[]":
            if self.fake.stopping.wait(0.25):
                return
            self.wfile.write(bytes([byte]))
            self.wfile.flush()
