"""One intercepted client connection's own kept-alive connection to its API host, on h11.

The proxy pairs each decrypted client connection with one upstream TLS connection, taken at
the first request and used for all of that client connection's requests: no HTTP client
library between the two h11 state machines, which keeps a proxied request within a
millisecond of a direct one.  When the client connection ends, its upstream connection waits
in a small pool for the next client connection to the same host, so a child that opens a new
connection per request does not pay a second TLS handshake too.  A kept-alive connection the
server closed while idle is opened again once, for a request whose body was not yet sent.
"""

from __future__ import annotations

import contextlib
import select
import socket
import ssl
import threading
import time
from collections.abc import Iterator

import h11

from .._tls import ssl_context
from ._upstream import READ_TIMEOUT, open_tunnel


class UpstreamGone(ConnectionError):
    """The upstream connection closed before it answered (safe to try once more)."""


class UpstreamLink:
    """``https://host:port`` for one client connection (through ``proxy`` when one is set)."""

    def __init__(self, host: str, port: int, proxy: str | None) -> None:
        self.host, self.port, self.proxy = host, port, proxy
        self._sock: ssl.SSLSocket | None = None
        self._http: h11.Connection | None = None

    def reusable(self) -> bool:
        """Open, between two exchanges, and not closed by the server meanwhile."""
        return (self._sock is not None and self._http is not None
                and self._http.our_state is h11.IDLE and not _readable(self._sock))

    def close(self) -> None:
        sock, self._sock, self._http = self._sock, None, None
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.close()

    def _connect(self) -> tuple[ssl.SSLSocket, h11.Connection]:
        raw = open_tunnel(self.host, self.port, self.proxy)
        raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        raw.settimeout(READ_TIMEOUT)
        context = ssl_context()
        try:
            self._sock = context.wrap_socket(raw, server_hostname=self.host)
        except BaseException:
            raw.close()
            raise
        self._http = h11.Connection(h11.CLIENT)
        return self._sock, self._http

    def send_head(self, request: h11.Request) -> bool:
        """Send the request line and headers; True when it went on a reused connection."""
        reused = self.reusable()
        if not reused:
            self.close()
        sock, http = (self._sock, self._http) if reused else self._connect()
        assert sock is not None and http is not None
        try:
            sock.sendall(http.send(request) or b"")
        except OSError:
            self.close()
            if reused:
                raise UpstreamGone() from None
            raise
        return reused

    def send(self, event: h11.Data | h11.EndOfMessage) -> None:
        assert self._sock is not None and self._http is not None
        data = self._http.send(event)
        if data:
            self._sock.sendall(data)

    def response(self, reused: bool) -> Iterator[h11.Event]:
        """The answer's events (Response, Data …, EndOfMessage), as they arrive."""
        assert self._sock is not None and self._http is not None
        sock, http = self._sock, self._http
        answered = False
        while True:
            event = http.next_event()
            if event is h11.NEED_DATA:
                try:
                    data = sock.recv(65536)
                except OSError:
                    data = b""
                if not data and not answered and reused:
                    self.close()
                    raise UpstreamGone()
                http.receive_data(data)
                continue
            if isinstance(event, h11.ConnectionClosed):
                raise h11.RemoteProtocolError("the API closed the connection mid-answer")
            assert isinstance(event, h11.Event)
            answered = answered or isinstance(event, h11.Response)
            yield event
            if isinstance(event, h11.EndOfMessage):
                self._next_cycle()
                return

    def _next_cycle(self) -> None:
        http = self._http
        if http is None:
            return
        if http.our_state is h11.DONE and http.their_state is h11.DONE:
            http.start_next_cycle()
        else:
            self.close()


def _readable(sock: ssl.SSLSocket) -> bool:
    """An idle kept-alive connection with something to read has been closed by the server."""
    readable, _, _ = select.select([sock], [], [], 0)
    return bool(readable)


IDLE_LINKS_PER_HOST = 8
LINK_IDLE_SECONDS = 60.0  # less than the idle timeouts of the APIs we talk to


class LinkPool:
    """Idle upstream connections by ``(host, port, proxy)``, newest first."""

    def __init__(self) -> None:
        self._idle: dict[tuple[str, int, str | None], list[tuple[float, UpstreamLink]]] = {}
        self._lock = threading.Lock()

    def take(self, host: str, port: int, proxy: str | None) -> UpstreamLink:
        now = time.monotonic()
        with self._lock:
            waiting = self._idle.get((host, port, proxy), [])
            while waiting:
                since, link = waiting.pop()
                if now - since < LINK_IDLE_SECONDS:
                    return link
                link.close()
        return UpstreamLink(host, port, proxy)

    def give_back(self, link: UpstreamLink) -> None:
        if not link.reusable():
            link.close()
            return
        with self._lock:
            waiting = self._idle.setdefault((link.host, link.port, link.proxy), [])
            waiting.append((time.monotonic(), link))
            while len(waiting) > IDLE_LINKS_PER_HOST:
                waiting.pop(0)[1].close()

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, {}
        for waiting in idle.values():
            for _, link in waiting:
                link.close()
