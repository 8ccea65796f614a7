"""The broker's loopback proxy: CONNECT tunnels, TLS interception for routed API hosts only,
plain-http forwarding, and the managed-identity endpoint — one port, one thread per client.

Every client must present the run's secret (``Proxy-Authorization: Basic``, which curl,
requests, httpx, git and pip send from ``http://user:secret@host:port``), else 407; the
managed-identity endpoint checks its own header instead.  The listener binds 127.0.0.1 only.
Built on h11 (HTTP/1.1 framing), ``ssl`` and httpx for the upstream leg; see bench/RESULTS.md
for why this and not mitmproxy.  Nothing here logs a header value.
"""

from __future__ import annotations

import base64
import contextlib
import hmac
import logging
import select
import socket
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlsplit

import h11

from ._forward import Forwarder
from ._identity import PATH as IDENTITY_PATH
from ._identity import IdentityEndpoint
from ._link import LinkPool, UpstreamLink
from ._upstream import open_tunnel

if TYPE_CHECKING:
    from ._ca import BrokerCA
    from ._routes import RouteTable
    from ._upstream import UpstreamClients

log = logging.getLogger("authsome_nb.broker")
USER = "authsome"
_IDLE_SECONDS = 300.0  # a kept-alive client connection idle this long is closed
_MAX_HEADERS = 64 * 1024


@dataclass
class ProxyConfig:
    secret: str
    routes: RouteTable
    ca: BrokerCA
    upstream: UpstreamClients
    forwarder: Forwarder
    identity: IdentityEndpoint | None
    links: LinkPool = field(default_factory=LinkPool)


class LoopbackProxy:
    """Serves the run's children on ``127.0.0.1:<port>`` until :meth:`stop`."""

    def __init__(self, config: ProxyConfig) -> None:
        self.config = config
        self._listener = socket.create_server(("127.0.0.1", 0), backlog=128)
        self.port: int = self._listener.getsockname()[1]
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._accept, name=f"authsome-broker:{self.port}",
                                        daemon=True)

    @property
    def own_hosts(self) -> frozenset[str]:
        return frozenset({f"127.0.0.1:{self.port}", f"localhost:{self.port}"})

    def start(self) -> LoopbackProxy:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopped.set()
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)  # wakes the accept() below
        with contextlib.suppress(OSError):
            self._listener.close()
        with self._lock:
            live, self._open = list(self._open), set()
        for sock in live:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                sock.close()
        self._thread.join(timeout=5)
        self.config.links.close()

    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                sock, _ = self._listener.accept()
            except OSError:
                return
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sock.settimeout(_IDLE_SECONDS)
            with self._lock:
                self._open.add(sock)
            threading.Thread(target=self._serve, args=(sock,), daemon=True).start()

    def _serve(self, sock: socket.socket) -> None:
        try:
            ClientConnection(self, sock).serve()
        except (OSError, h11.ProtocolError, ssl.SSLError) as exc:
            log.debug("client connection ended: %s", type(exc).__name__)
        finally:
            with self._lock:
                self._open.discard(sock)
            with contextlib.suppress(OSError):
                sock.close()

    def track(self, sock: socket.socket) -> None:
        with self._lock:
            self._open.add(sock)


class ClientConnection:
    """One client's connection: a CONNECT, then a tunnel or decrypted requests; or plain
    requests (forwarded http, or the managed-identity endpoint)."""

    def __init__(self, proxy: LoopbackProxy, sock: socket.socket) -> None:
        self.proxy, self.config, self.sock = proxy, proxy.config, sock
        self.http = h11.Connection(h11.SERVER, max_incomplete_event_size=_MAX_HEADERS)
        self._out = bytearray()
        self._link: UpstreamLink | None = None

    def serve(self) -> None:
        try:
            self._serve()
        except h11.RemoteProtocolError:
            if self.http.our_state in (h11.IDLE, h11.SEND_RESPONSE):
                with contextlib.suppress(h11.LocalProtocolError, OSError):
                    self.send(h11.Response(status_code=400, headers=[
                        ("Content-Length", "0"), ("Connection", "close")]))

    def _serve(self) -> None:
        while True:
            request = self._next_request()
            if request is None:
                return
            if request.method == b"CONNECT":
                self._connect(request)
                return
            self._plain(request)
            if not self._next_cycle():
                return

    # -- reading -------------------------------------------------------------------------
    def _next_event(self) -> h11.Event:
        while True:
            event = self.http.next_event()
            if event is h11.PAUSED:  # the client pipelined a request before our answer
                return h11.ConnectionClosed()
            if event is not h11.NEED_DATA:
                assert isinstance(event, h11.Event)
                return event
            data = self.sock.recv(65536)
            self.http.receive_data(data)
            if not data and self.http.their_state is h11.CLOSED:
                return h11.ConnectionClosed()

    def _next_request(self) -> h11.Request | None:
        event = self._next_event()
        return event if isinstance(event, h11.Request) else None

    def body(self) -> Iterator[bytes]:
        """The request's body as it arrives (the upstream request streams it on)."""
        while True:
            event = self._next_event()
            if isinstance(event, h11.Data):
                yield bytes(event.data)
            elif isinstance(event, h11.EndOfMessage):
                return
            else:
                raise h11.RemoteProtocolError("the client closed in the middle of a request")

    def _next_cycle(self) -> bool:
        if self.http.our_state is h11.MUST_CLOSE or self.http.their_state is h11.MUST_CLOSE:
            return False
        try:
            self.http.start_next_cycle()
        except h11.LocalProtocolError:
            return False
        return True

    # -- writing -------------------------------------------------------------------------
    def send(self, event: h11.Event, flush: bool = True) -> None:
        """Send ``event``; without ``flush`` its bytes wait for the next flush (one TLS record
        and one system call for a whole small answer instead of three)."""
        data = self.http.send(event)
        if data:
            self._out += data
        if self._out and (flush or len(self._out) >= 65536):
            out, self._out = bytes(self._out), bytearray()
            self.sock.sendall(out)

    def link(self, host: str) -> UpstreamLink:
        """This connection's own connection to ``host`` (made at the first request)."""
        if self._link is None:
            name, _, port = host.rpartition(":") if host.count(":") == 1 else (host, "", "")
            self._link = self.config.links.take(name.strip("[]"), int(port or 443),
                                                self.config.upstream.proxy("https", host))
        return self._link

    def close_link(self, reuse: bool = False) -> None:
        """Let go of the upstream connection: to the pool (``reuse``) or closed."""
        link, self._link = self._link, None
        if link is not None and reuse:
            self.config.links.give_back(link)
        elif link is not None:
            link.close()

    def reply(self, status: int, body: bytes, content_type: str = "application/json",
              headers: tuple[tuple[str, str], ...] = ()) -> None:
        """A whole small answer of the broker's own (errors, the identity endpoint)."""
        if self.http.their_state is h11.SEND_BODY:
            for _ in self.body():  # drain what the client still sends, to keep framing
                pass
        self.send(h11.Response(status_code=status, reason=HTTPStatus(status).phrase.encode(),
                               headers=[("Content-Type", content_type),
                                        ("Content-Length", str(len(body))),
                                        ("Cache-Control", "no-store"), *headers]), flush=False)
        self.send(h11.Data(data=body), flush=False)
        self.send(h11.EndOfMessage())

    # -- the secret ----------------------------------------------------------------------
    def authorized(self, request: h11.Request) -> bool:
        for name, value in request.headers:
            if name == b"proxy-authorization":
                scheme, _, encoded = value.partition(b" ")
                if scheme.lower() != b"basic":
                    return False
                try:
                    user, _, secret = base64.b64decode(encoded).partition(b":")
                except ValueError:
                    return False
                return user == USER.encode() and hmac.compare_digest(
                    secret, self.config.secret.encode())
        return False

    def refuse(self) -> None:
        self.reply(407, b"Proxy authentication required: this proxy serves only the "
                   b"processes its run started\n", "text/plain",
                   (("Proxy-Authenticate", 'Basic realm="authsome_nb broker"'),))

    # -- CONNECT -------------------------------------------------------------------------
    def _connect(self, request: h11.Request) -> None:
        target = request.target.decode("ascii", "replace")
        host, _, port_text = target.rpartition(":")
        if not self.authorized(request):
            self.refuse()
            return
        if not host or not port_text.isdigit():
            self.reply(400, b"CONNECT needs host:port\n", "text/plain")
            return
        named = target if port_text != "443" else host
        intercept = self.config.routes.intercepts(named) and self.config.ca.permits(
            host.strip("[]"))
        upstream = None
        if not intercept:
            try:
                upstream = open_tunnel(host.strip("[]"), int(port_text),
                                       self.config.upstream.proxy("https", named))
            except OSError as exc:
                self.reply(502, f"Cannot reach {target}: {exc}\n".encode(), "text/plain")
                return
        self.send(h11.Response(status_code=200, reason=b"Connection established", headers=[]))
        leftover, _ = self.http.trailing_data
        if upstream is not None:
            self.proxy.track(upstream)
            _splice(self.sock, upstream, leftover)
        elif not leftover:  # a client that speaks TLS before our 200 is not one we decrypt
            self._intercepted(named, host.strip("[]"))

    def _intercepted(self, named: str, host: str) -> None:
        context = self.config.ca.server_context(host)
        tls = context.wrap_socket(self.sock, server_side=True)
        inner = ClientConnection(self.proxy, tls)
        try:
            while True:
                request = inner._next_request()
                if request is None:
                    return
                self.config.forwarder.forward_https(inner, named, request)
                if not inner._next_cycle():
                    return
        finally:
            inner.close_link(reuse=True)

    # -- plain requests ------------------------------------------------------------------
    def _plain(self, request: h11.Request) -> None:
        target = request.target.decode("ascii", "replace")
        parts = urlsplit(target)
        own = not parts.scheme or parts.netloc in self.proxy.own_hosts
        if own and parts.path.rstrip("/") == IDENTITY_PATH and self.config.identity:
            self._identity(request, parts.query)
        elif own:
            self.reply(404, b"Not found: this is the broker's proxy\n", "text/plain")
        elif not self.authorized(request):
            self.refuse()
        elif parts.scheme != "http":
            self.reply(400, b"Only http:// is forwarded; https goes through CONNECT\n",
                       "text/plain")
        else:
            self.config.forwarder.forward_http(self, parts.netloc, request)

    def _identity(self, request: h11.Request, query: str) -> None:
        assert self.config.identity is not None
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in request.headers}
        if request.method not in (b"GET", b"POST"):
            self.reply(405, b'{"error": "method_not_allowed"}')
            return
        answer = self.config.identity.answer(dict(parse_qsl(query)), headers)
        self.reply(answer.status, answer.body)


def _splice(client: socket.socket, upstream: socket.socket, leftover: bytes,
            idle: float = _IDLE_SECONDS) -> None:
    """Copy bytes both ways until either side closes: an untouched tunnel."""
    try:
        if leftover:
            upstream.sendall(leftover)
        for sock in (client, upstream):
            sock.setblocking(True)
        pairs: dict[socket.socket, socket.socket] = {client: upstream, upstream: client}
        while True:
            readable, _, _ = select.select(list(pairs), [], [], idle)
            if not readable:
                return
            for sock in readable:
                data = sock.recv(65536)
                if not data:
                    return
                pairs[sock].sendall(data)
    finally:
        with contextlib.suppress(OSError):
            upstream.close()

