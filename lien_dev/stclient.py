"""A Lien visitor without a browser: Streamlit's own protocol over its WebSocket (the BackMsg and
ForwardMsg protobufs that ship with Streamlit), for the protocol-level load test (bench/loadtest.py)
and its small version in `make test`.

A visitor opens a page (a rerun with the address's query), changes a widget by its key (a rerun
with that widget's new value), moves to another page (a rerun with that page's hash) and taps a
download (the deferred file's URL asked for over the WebSocket, then fetched). Each step ends when
the server says the script run finished; what it took is timed. Nothing is rendered. Every wait
is bounded (STEP_TIMEOUT_S) and only loopback addresses are accepted.
"""

from __future__ import annotations

import asyncio
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.protocol import State

STEP_TIMEOUT_S = 120.0  # a step that takes longer is an error, not a hang
SETTLE_S = 0.005  # how long a step first listens for what the server sent by itself
MAX_MESSAGE = 64 * 2**20  # the map of a large view is one message of several MB
LOOPBACK = ("127.0.0.1", "localhost", "::1")


class VisitorError(RuntimeError):
    """A step failed: the server closed, answered with an exception, or took too long."""


@dataclass
class Page:
    """What the last run drew: widgets by key (their id and kind), downloads by key (their
    deferred file's id), the app's pages by URL path (their hash), and an exception's text."""

    widgets: dict[str, tuple[str, str]] = field(default_factory=dict)
    downloads: dict[str, str] = field(default_factory=dict)
    pages: dict[str, str] = field(default_factory=dict)
    exception: str = ""
    messages: int = 0
    texts: list[str] = field(default_factory=list)  # markdown bodies, button labels

    def says(self, text: str) -> bool:
        return any(text in t for t in self.texts)


def _key(widget_id: str) -> str:
    """The key a page gave a widget, from Streamlit's id ("$$ID-<hash>-<key>")."""
    return widget_id.rsplit("-", 1)[-1] if widget_id.startswith("$$ID-") else widget_id


class Visitor:
    """One visitor's session on the server at `base` ("http://127.0.0.1:8080"), with the
    affinity cookie a proxy gave it kept for its WebSocket and downloads."""

    def __init__(self, base: str, source: str = "", agent: str = "") -> None:
        host = urlsplit(base).hostname or ""
        if host not in LOOPBACK:
            raise ValueError(f"loopback only, not {base!r}")
        self.base = base.rstrip("/")
        self.cookie = ""
        self.page = Page()
        self.query = ""
        self._socket: Any = None
        self._page_hash = ""
        self.session_id = ""  # the server's, from its first message
        # The loopback address the visitor connects from (127.0.1.7…): a proxy passes it on in
        # X-Forwarded-For, so that each simulated visitor counts as one client, not all as one.
        if source and source not in LOOPBACK and not source.startswith("127."):
            raise ValueError(f"loopback only, not {source!r}")
        self.source = source
        self.agent = agent  # the User-Agent it says (a phone's: the page shows cards)
        self._mid_run = False  # between a run's first message and its last
        self.parts: tuple[float, float, float] = (0.0, 0.0, 0.0)

    async def open(self, query: str = "", path: str = "") -> float:
        """Open the page at `path` ("" for the map) with `query`; the seconds to its last
        element."""
        self.query = query
        return await self._connect(path)

    async def reconnect(self) -> float:
        """What a browser does when its WebSocket closes (its replica gone): connect again through
        the proxy, which sends it to a replica still up, and run the page it showed with its
        address (its filters); the seconds until that page is drawn."""
        if self._socket is not None:
            # No closing handshake with a dead replica (websockets would wait 10 s for it): a
            # browser just drops the connection.
            self._socket.transport.abort()
        return await self._connect()

    @property
    def cut(self) -> bool:
        """Whether the WebSocket closed (the replica went away), after the page had opened."""
        return bool(self.session_id) and (
            self._socket is None or self._socket.state in (State.CLOSING, State.CLOSED)
        )

    async def closed_within(self, seconds: float) -> bool:
        """Wait `seconds` (a visitor reading); True as soon as the WebSocket closes meanwhile."""
        try:
            await asyncio.wait_for(asyncio.shield(self._socket.wait_closed()), seconds)
        except TimeoutError:
            return False
        return True

    async def _connect(self, path: str = "") -> float:
        start = time.perf_counter()
        self._mid_run = False  # a run cut by a closed connection won't finish on the new one
        await asyncio.to_thread(self._first_request)
        fetched = time.perf_counter()
        url = self.base.replace("http", "ws", 1) + "/_stcore/stream"
        headers = {"Cookie": self.cookie} if self.cookie else {}
        if self.agent:
            headers["User-Agent"] = self.agent
        self._socket = await asyncio.wait_for(
            websockets.connect(
                url,
                subprotocols=["streamlit"],  # type: ignore[list-item]
                origin=self.base,  # type: ignore[arg-type]
                max_size=MAX_MESSAGE,
                additional_headers=headers,
                local_addr=(self.source, 0) if self.source else None,
            ),
            STEP_TIMEOUT_S,
        )
        connected = time.perf_counter()
        await self._run(self._rerun_msg(), path)
        done = time.perf_counter()
        # Where a (re)connection's time went: the page's HTML, the WebSocket, the first run.
        self.parts = (fetched - start, connected - fetched, done - connected)
        return done - start

    def _first_request(self) -> None:
        """The page's HTML, as a browser fetches it first: a proxy sets its cookie here."""
        request = urllib.request.Request(self.base + "/")
        if self.agent:
            request.add_header("User-Agent", self.agent)
        if self.cookie:
            request.add_header("Cookie", self.cookie)
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(request, timeout=STEP_TIMEOUT_S) as response:
            response.read()
            for header in response.headers.get_all("Set-Cookie") or []:
                self.cookie = header.split(";", 1)[0]

    def _rerun_msg(self, **values: Any) -> BackMsg:
        message = BackMsg()
        rerun = message.rerun_script
        rerun.query_string = self.query
        rerun.page_script_hash = self._page_hash
        for key, value in values.items():
            widget_id, kind = self.page.widgets[key]
            state = rerun.widget_states.widgets.add()
            state.id = widget_id
            if kind == "multiselect":
                state.string_array_value.data.extend(value)
            elif kind == "number_input":
                state.double_value = float(value)
            elif kind == "checkbox":
                state.bool_value = bool(value)
            elif kind == "button":  # a tap: a form's submit button, say
                state.trigger_value = bool(value)
            else:
                state.string_value = str(value)
        return message

    async def change(self, **values: Any) -> float:
        """Set widgets by key (a text, a number, a list of option labels); the rerun's seconds."""
        missing = [k for k in values if k not in self.page.widgets]
        if missing:
            raise VisitorError(f"no widget {missing} on the page")
        return await self._run(self._rerun_msg(**values))

    async def submit(self, form: str, **values: Any) -> float:
        """Fill form `form`'s widgets by key and tap its submit button; the rerun's seconds."""
        return await self.change(**values, **{f"submit:{form}": True})

    async def go(self, path: str, query: str | None = None) -> float:
        """Move to the page at URL path `path` (as the sidebar's link does)."""
        if path not in self.page.pages:
            raise VisitorError(f"no page {path!r}: {sorted(self.page.pages)}")
        self._page_hash = self.page.pages[path]
        if query is not None:
            self.query = query
        return await self._run(self._rerun_msg())

    async def download(self, key: str) -> tuple[float, bytes]:
        """Tap the download button `key`: its file is built on the server, then fetched."""
        start = time.perf_counter()
        url = await self.tap(key)
        data = await self.fetch(url)
        return time.perf_counter() - start, data

    async def fetch(self, url: str) -> bytes:
        """GET a file the server made (a tapped download's URL), with the affinity cookie."""
        return await asyncio.to_thread(self._fetch, url)

    async def tap(self, key: str) -> str:
        """Tap the download button `key`: its file is built on the server; the file's URL."""
        if key not in self.page.downloads:
            raise VisitorError(f"no download {key!r}: {sorted(self.page.downloads)}")
        await self.settle()
        if key not in self.page.downloads:
            raise VisitorError(f"no download {key!r} once the page settled")
        message = BackMsg()
        request = message.backend_operation_request
        request.request_id = uuid.uuid4().hex
        request.session_id = self.session_id
        request.deferred_file.file_id = self.page.downloads[key]
        try:
            await self._socket.send(message.SerializeToString())
            return await asyncio.wait_for(self._deferred_url(request.request_id), STEP_TIMEOUT_S)
        except websockets.ConnectionClosed as error:
            raise VisitorError(f"{type(error).__name__}: {error}") from error

    async def pushed(self, timeout: float) -> float:
        """Wait, without sending anything, for a run the server starts by itself (a publish seen
        by its watch, lien.store.watch); its seconds until finished."""
        start = time.perf_counter()
        # The page stays as it is until such a run starts (its first message redraws it).
        try:
            await asyncio.wait_for(self._until_finished(), timeout)
        except (TimeoutError, websockets.ConnectionClosed) as error:
            raise VisitorError(f"no run pushed: {type(error).__name__}: {error}") from error
        return time.perf_counter() - start

    async def _deferred_url(self, request_id: str) -> str:
        while True:
            forward = self._parse(await self._socket.recv())
            if forward.WhichOneof("type") != "backend_operation_response":
                self._take(forward)  # a run the server started meanwhile
                continue
            answer = forward.backend_operation_response
            if answer.request_id == request_id:
                if answer.error_msg:
                    raise VisitorError(f"download refused: {answer.error_msg}")
                return str(answer.deferred_file.url)

    def _fetch(self, url: str) -> bytes:
        request = urllib.request.Request(self.base + "/" + url.lstrip("/"))
        if self.cookie:
            request.add_header("Cookie", self.cookie)
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(request, timeout=STEP_TIMEOUT_S) as response:
            return bytes(response.read())

    async def _run(self, message: BackMsg, path: str = "") -> float:
        """Send a rerun and read until its script run finishes; its seconds."""
        await self.settle()
        start = time.perf_counter()
        if path:
            # The first run of a page opened by its address: the server finds it by its path.
            message.rerun_script.page_name = path.strip("/")
        self.page = Page(pages=self.page.pages)
        try:
            await self._socket.send(message.SerializeToString())
            await asyncio.wait_for(self._until_finished(), STEP_TIMEOUT_S)
        except (TimeoutError, websockets.ConnectionClosed) as error:
            raise VisitorError(f"{type(error).__name__}: {error}") from error
        if self.page.exception:
            raise VisitorError(f"the page raised: {self.page.exception}")
        return time.perf_counter() - start

    @staticmethod
    def _parse(data: bytes | str) -> ForwardMsg:
        forward = ForwardMsg()
        forward.ParseFromString(data if isinstance(data, bytes) else data.encode())
        return forward

    async def _until_finished(self) -> None:
        while not self._take(self._parse(await self._socket.recv())):
            pass

    async def settle(self) -> None:
        """Take in what the server sent by itself since the last step (a run after a publish,
        or after the database came back): the page as it is now; a run under way is waited
        for. Nothing sent."""
        deadline = time.perf_counter() + STEP_TIMEOUT_S
        while True:
            wait = deadline - time.perf_counter() if self._mid_run else SETTLE_S
            try:
                # websockets' recv() can be cancelled without losing a message.
                data = await asyncio.wait_for(self._socket.recv(), max(wait, 0.0))
            except TimeoutError:
                if self._mid_run:
                    raise VisitorError("a run the server started never finished") from None
                return
            except websockets.ConnectionClosed as error:
                raise VisitorError(f"{type(error).__name__}: {error}") from error
            self._take(self._parse(data))

    def _take(self, forward: ForwardMsg) -> bool:
        """Read one message into the page; whether it ends a script run."""
        self.page.messages += 1
        kind = forward.WhichOneof("type")
        if kind == "script_finished":
            if forward.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                return False  # st.rerun(), or a newer run replaced this one: the next follows
            self._mid_run = False
            return True
        if kind == "delta":
            self._read_delta(forward)
        elif kind == "new_session":
            # A run starts (the visitor's, or one the server started): the page is drawn anew.
            self.page = Page(pages=self.page.pages, messages=1)
            self._mid_run = True
            if forward.new_session.initialize.session_id:
                self.session_id = forward.new_session.initialize.session_id
        elif kind == "navigation":
            pages = forward.navigation.app_pages
            self.page.pages = {p.url_pathname: p.page_script_hash for p in pages}
            self._page_hash = forward.navigation.page_script_hash or self._page_hash
        elif kind == "page_info_changed":
            # The page wrote its view into the address: a reconnect reopens that view.
            self.query = forward.page_info_changed.query_string
        return False

    def _read_delta(self, forward: ForwardMsg) -> None:
        delta = forward.delta
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        kind = element.WhichOneof("type")
        if kind == "exception":
            self.page.exception = element.exception.message or element.exception.type
            return
        if kind == "markdown":
            self.page.texts.append(element.markdown.body)
        elif kind == "alert":  # st.success, st.error…
            self.page.texts.append(element.alert.body)
        widget = getattr(element, kind or "", None)
        label = getattr(widget, "label", "")
        if isinstance(label, str) and label:
            self.page.texts.append(label)
        widget_id = getattr(widget, "id", "")
        if not widget_id:
            return
        if kind == "button" and element.button.is_form_submitter:
            # A form's submit button has no key of its own: found by its form's key.
            self.page.widgets[f"submit:{element.button.form_id}"] = (widget_id, kind)
            return
        if kind == "download_button":
            self.page.downloads[_key(widget_id)] = element.download_button.deferred_file_id
        self.page.widgets[_key(widget_id)] = (widget_id, kind or "")

    async def close(self) -> None:
        if self._socket is not None:
            await self._socket.close()
