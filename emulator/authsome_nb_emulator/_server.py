"""HTTPS on loopback: a threading HTTP/1.1 server whose TLS handshake runs per connection.

The handshake happens in the connection's own thread, not in the accept loop, so sixteen
client processes connecting at once don't queue behind each other.  Responses always carry
Content-Length so keep-alive works with every client, and go out in one write with Nagle
off (otherwise every request waits ~40 ms on a delayed ACK).  ``stop`` wakes the accept loop through
a socket pair (no polling delay) and closes live keep-alive connections, so a stopped
emulator leaves nothing listening or half-open behind.
"""

from __future__ import annotations

import contextlib
import json
import selectors
import socket
import ssl
import sys
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

HANDSHAKE_TIMEOUT = 10.0
IDLE_TIMEOUT = 120.0


@dataclass
class Request:
    method: str
    target: str
    path: str
    query_string: str
    query: dict[str, str]
    headers: Message
    body: bytes
    client_host: str

    @property
    def host(self) -> str:
        return self.headers.get("Host", "")

    def header(self, name: str, default: str | None = None) -> str | None:
        return self.headers.get(name, default)

    def form(self) -> dict[str, str]:
        return dict(parse_qsl(self.body.decode("utf-8", "replace"), keep_blank_values=True))

    def json(self) -> Any:
        return json.loads(self.body or b"null")


@dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: str | None = None
    headers: list[tuple[str, str]] = field(default_factory=list)
    # What the request log should say about this answer (never a token value).
    log: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def json(cls, obj: Any, status: int = 200, headers: list[tuple[str, str]] | None = None,
             ) -> Response:
        body = json.dumps(obj, separators=(",", ":")).encode()
        return cls(status, body, "application/json; charset=utf-8", list(headers or []))

    @classmethod
    def html(cls, text: str, status: int = 200) -> Response:
        return cls(status, text.encode(), "text/html; charset=utf-8")

    @classmethod
    def redirect(cls, location: str, status: int = 302) -> Response:
        return cls(status, b"", None, [("Location", location)])

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        return next((v for k, v in self.headers if k.lower() == lowered), None)


App = Callable[[Request], Response]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "authsome-emulator"
    timeout = IDLE_TIMEOUT
    # Buffer the status line, headers and body into one write (flushed per response by
    # handle_one_request): separate small writes meet delayed ACKs and cost ~40 ms each.
    wbufsize = 256 * 1024
    server: TlsServer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - base signature
        """Silent: the emulator keeps its own request log (without secrets)."""

    def version_string(self) -> str:
        return self.server_version

    def handle_expect_100(self) -> bool:
        """``Expect: 100-continue`` (curl, large bodies): the interim answer must not wait in
        the write buffer."""
        answered = super().handle_expect_100()
        self.wfile.flush()
        return answered

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline().strip():
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _dispatch(self) -> None:
        split = urlsplit(self.path)
        request = Request(
            method=self.command, target=self.path, path=unquote(split.path) or "/",
            query_string=split.query,
            query=dict(parse_qsl(split.query, keep_blank_values=True)),
            headers=self.headers, body=self._read_body(), client_host=self.client_address[0],
        )
        try:
            response = self.server.app(request)
        except Exception:  # a bug in the emulator must not look like a network failure
            traceback.print_exc(file=sys.stderr)
            response = Response.json({"error": "emulator_bug",
                                      "error_description": "The emulator failed; see stderr."},
                                     status=500)
        self.send_response(response.status)
        for name, value in response.headers:
            self.send_header(name, value)
        if response.content_type:
            self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = do_HEAD = do_OPTIONS = _dispatch


class TlsServer(ThreadingHTTPServer):
    """ThreadingHTTPServer serving ``app`` over TLS on a loopback address."""

    daemon_threads = True
    allow_reuse_address = True  # a restarted CLI can take its port back at once

    def __init__(self, address: tuple[str, int], app: App, context: ssl.SSLContext) -> None:
        self.app = app
        self.tls_context = context
        self._live: set[socket.socket] = set()
        self._live_lock = threading.Lock()
        self._wake_r, self._wake_w = socket.socketpair()
        self._thread: threading.Thread | None = None
        super().__init__(address, _Handler)

    @property
    def port(self) -> int:
        return self.server_address[1]

    # --- per connection (runs in the connection's thread) ---
    def finish_request(self, request: Any, client_address: Any) -> None:
        request.settimeout(HANDSHAKE_TIMEOUT)
        request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            conn = self.tls_context.wrap_socket(request, server_side=True)
        except (OSError, ssl.SSLError):
            request.close()
            return
        with self._live_lock:
            self._live.add(conn)
        try:
            self.RequestHandlerClass(conn, client_address, self)
        except (OSError, ssl.SSLError, ValueError):
            pass  # the client went away mid-request, or stop() closed the connection
        finally:
            with self._live_lock:
                self._live.discard(conn)
            conn.close()

    def shutdown_request(self, request: Any) -> None:
        request.close()  # after wrap_socket this raw socket is already detached

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Connection-level failures are the client's business, not stderr noise."""

    # --- lifecycle ---
    def _accept_loop(self) -> None:
        with selectors.DefaultSelector() as selector:
            selector.register(self.socket, selectors.EVENT_READ)
            selector.register(self._wake_r, selectors.EVENT_READ)
            while True:
                events = selector.select()
                if any(key.fileobj is self._wake_r for key, _ in events):
                    return
                try:
                    sock, address = self.socket.accept()
                except OSError:
                    continue
                self.process_request(sock, address)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._accept_loop, daemon=True,
                                        name=f"authsome-emulator:{self.port}")
        self._thread.start()

    def stop(self) -> None:
        self._wake_w.send(b"x")
        if self._thread is not None:
            self._thread.join(5)
        self.server_close()
        with self._live_lock:
            live = list(self._live)
        for conn in live:
            # The plain socket method: unblocks the reader without touching SSL state.
            with contextlib.suppress(OSError):
                socket.socket.shutdown(conn, socket.SHUT_RDWR)
        self._wake_r.close()
        self._wake_w.close()
