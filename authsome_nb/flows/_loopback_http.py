"""The loopback listener's sockets: many connections at once, each short-lived and small.

A browser's speculative preconnect, a port scan or another local process may connect and send
nothing, never finish its headers, or announce a negative or huge ``Content-Length``.  None
of that may delay the real redirect or grow the kernel's memory, so:

* one thread serves every connection through ``selectors``: an idle one blocks nobody;
* each connection has :data:`CONNECTION_TIMEOUT` seconds from its accept to deliver one
  complete request, however slowly it trickles, and is closed after one answer;
* a request's head may be :data:`MAX_HEAD_BYTES` (h11 checks what it holds after each 16 KiB
  read), its body :data:`MAX_BODY_BYTES` (a larger ``Content-Length`` is refused before a byte
  of body is read); at most :data:`MAX_CONNECTIONS` are open, and a new one closes the oldest;
* requests are parsed by h11 (the HTTP/1.1 parser under httpx, strict about framing), so only
  a complete, well-formed request reaches the handler;
* both loopback stacks are bound on one port: the redirect URI says ``localhost``, which a
  browser may resolve to 127.0.0.1 or to [::1], and an unbound [::1]:port could be taken by
  another local user to receive the code.
"""

from __future__ import annotations

import contextlib
import errno
import http
import selectors
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import h11

CONNECTION_TIMEOUT = 10.0  # seconds for a whole request: a browser sends it in milliseconds
MAX_HEAD_BYTES = 64 * 1024  # request line and headers (a browser's cookies for localhost…)
MAX_BODY_BYTES = 64 * 1024  # a form_post of code, state and session_state is ~2 KiB
MAX_CONNECTIONS = 32
SEND_TIMEOUT = 2.0
_POLL_INTERVAL = 0.1
_BIND_ATTEMPTS = 20


@dataclass(frozen=True)
class Request:
    """A complete request as h11 parsed it (header names in lower case)."""

    method: str
    target: str
    headers: dict[str, str]
    body: bytes


Handler = Callable[[Request], tuple[int, bytes]]


@dataclass
class _Client:
    sock: socket.socket
    deadline: float
    parser: h11.Connection = field(default_factory=lambda: h11.Connection(
        h11.SERVER, max_incomplete_event_size=MAX_HEAD_BYTES))
    request: h11.Request | None = None
    body: bytearray = field(default_factory=bytearray)


class LoopbackSockets:
    """Listens on 127.0.0.1 and [::1] (same port) and hands each complete request to
    ``handler``, whose ``(status, html)`` is sent back before the connection is closed."""

    def __init__(self, handler: Handler, port: int = 0) -> None:
        self._handler = handler
        self.listeners = bind_loopback(port)
        self.port: int = self.listeners[0].getsockname()[1]
        self._selector = selectors.DefaultSelector()
        for listener in self.listeners:
            listener.setblocking(False)
            self._selector.register(listener, selectors.EVENT_READ, None)
        self._clients: dict[socket.socket, _Client] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, name=f"authsome-loopback-{self.port}", daemon=True
        )
        self._thread.start()

    @property
    def addresses(self) -> list[str]:
        """The hosts bound, e.g. ``["127.0.0.1", "::1"]``."""
        return [s.getsockname()[0] for s in self.listeners if s.fileno() != -1]

    @property
    def open_connections(self) -> int:
        return len(self._clients)

    @property
    def closed(self) -> bool:
        return not self._thread.is_alive()

    def close(self) -> None:
        """Stop serving and close every socket (the listening ones and the connections)."""
        self._stop.set()
        if self._thread is not threading.current_thread():
            self._thread.join(timeout=5)

    # -- the serving thread ------------------------------------------------------------------
    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                for key, _ in self._selector.select(timeout=_POLL_INTERVAL):
                    if key.data is None:
                        self._accept(key.fileobj)  # type: ignore[arg-type]
                    else:
                        self._receive(key.data)
                self._expire(time.monotonic())
        finally:
            for client in list(self._clients.values()):
                self._drop(client)
            for listener in self.listeners:
                listener.close()
            self._selector.close()

    def _accept(self, listener: socket.socket) -> None:
        try:
            sock, _ = listener.accept()
        except OSError:  # the peer gave up already, or no descriptors left: try again later
            return
        sock.setblocking(False)
        if len(self._clients) >= MAX_CONNECTIONS:
            self._drop(min(self._clients.values(), key=lambda c: c.deadline))
        client = _Client(sock, time.monotonic() + CONNECTION_TIMEOUT)
        self._clients[sock] = client
        self._selector.register(sock, selectors.EVENT_READ, client)

    def _receive(self, client: _Client) -> None:
        try:
            data = client.sock.recv(16 * 1024)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            self._drop(client)
            return
        try:
            client.parser.receive_data(data)  # b"" is the end of the stream
            while True:
                event = client.parser.next_event()
                if event is h11.NEED_DATA:
                    return
                if isinstance(event, h11.Request):
                    client.request = event
                    if _content_length(event) > MAX_BODY_BYTES:
                        self._answer(client, 413, b"")
                        return
                elif isinstance(event, h11.Data):
                    client.body += event.data
                    if len(client.body) > MAX_BODY_BYTES:  # chunked: no length up front
                        self._answer(client, 413, b"")
                        return
                elif isinstance(event, h11.EndOfMessage) and client.request is not None:
                    status, page = self._handler(_request_of(client.request, client.body))
                    self._answer(client, status, page)
                    return
                else:  # closed before a whole request: nothing counts
                    self._drop(client)
                    return
        except h11.RemoteProtocolError as exc:  # malformed, too large, or cut short
            self._answer(client, exc.error_status_hint, b"")

    def _answer(self, client: _Client, status: int, page: bytes) -> None:
        phrase = http.HTTPStatus(status).phrase
        if not page:  # refused before the handler saw it: say so, in the browser's tab
            page = (f"<!doctype html><title>{status} {phrase}</title><p>{phrase}. Go back to "
                    "your notebook and sign in again.</p>").encode()
        head = (
            f"HTTP/1.1 {status} {phrase}\r\n"
            "Content-Type: text/html; charset=utf-8\r\n"
            f"Content-Length: {len(page)}\r\n"
            "Cache-Control: no-store\r\nReferrer-Policy: no-referrer\r\n"
            "X-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n"
        )
        with contextlib.suppress(OSError):
            client.sock.settimeout(SEND_TIMEOUT)  # a page of ~1 KiB: the kernel buffers it
            client.sock.sendall(head.encode("ascii") + page)
            client.sock.shutdown(socket.SHUT_WR)
        self._drop(client)

    def _expire(self, now: float) -> None:
        for client in [c for c in self._clients.values() if c.deadline <= now]:
            self._drop(client)

    def _drop(self, client: _Client) -> None:
        if self._clients.pop(client.sock, None) is not None:
            with contextlib.suppress(KeyError, ValueError):
                self._selector.unregister(client.sock)
        client.sock.close()


def _content_length(request: h11.Request) -> int:
    for name, value in request.headers:
        if name == b"content-length":
            return int(value)  # h11 accepts digits only
    return 0


def _request_of(request: h11.Request, body: bytearray) -> Request:
    headers = {name.decode("latin-1"): value.decode("latin-1")
               for name, value in request.headers}
    return Request(method=request.method.decode("ascii", "replace"),
                   target=request.target.decode("latin-1"), headers=headers, body=bytes(body))


def bind_loopback(port: int = 0) -> list[socket.socket]:
    """Listening sockets on 127.0.0.1 and, where the machine has IPv6, [::1] — one port.

    With ``port=0`` the system picks a free port for 127.0.0.1; if [::1] is taken on that
    port (by anyone), another port is tried.  Where [::1] cannot be bound at all (no IPv6),
    nobody can listen there, and 127.0.0.1 alone is enough.
    """
    for _ in range(_BIND_ATTEMPTS):
        v4 = _listener(socket.AF_INET)
        try:
            v4.bind(("127.0.0.1", port))
            chosen = v4.getsockname()[1]
            v6, taken = _ipv6_on(chosen)
        except BaseException:
            v4.close()
            raise
        if taken:
            v4.close()
            if port:
                raise OSError(errno.EADDRINUSE, f"[::1]:{port} is in use by another program")
            continue
        v4.listen(64)
        if v6 is None:
            return [v4]
        v6.listen(64)
        return [v4, v6]
    raise OSError(errno.EADDRINUSE, "no port is free on both 127.0.0.1 and [::1]")


def _ipv6_on(port: int) -> tuple[socket.socket | None, bool]:
    """``(socket bound to [::1]:port, False)``; ``(None, False)`` where the machine has no
    IPv6 loopback; ``(None, True)`` when someone else holds [::1]:port."""
    if not socket.has_ipv6:
        return None, False
    try:
        v6 = _listener(socket.AF_INET6)
    except OSError:
        return None, False
    try:
        v6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        v6.bind(("::1", port))
    except OSError as exc:
        v6.close()
        if exc.errno == errno.EADDRINUSE:
            return None, True
        if exc.errno in (errno.EADDRNOTAVAIL, errno.EAFNOSUPPORT, errno.EPROTONOSUPPORT):
            return None, False
        raise
    return v6, False


def _listener(family: socket.AddressFamily) -> socket.socket:
    sock = socket.socket(family, socket.SOCK_STREAM)
    # Never SO_REUSEADDR: on Windows it would let another process bind the same port.
    if hasattr(socket, "SO_EXCLUSIVEADDRUSE"):  # pragma: no cover - Windows
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_EXCLUSIVEADDRUSE, 1)
    return sock
