"""The upstream leg of a proxied request: the token set for a routed API, the answer streamed back.

A decrypted request to a routed API host gets its connection's token in ``Authorization``
(or an API-key provider's own header), replacing whatever the child sent — the placeholder
``authsome-proxy-managed`` usually.  The token comes from the session's hot path (a ``stat``),
refreshed under the store's single flight when it nears expiry.  When the connection can no
longer give a token (signed out, refresh refused) the child gets a 401 whose body names the
sign-in to run, and no request leaves.  Other requests on an intercepted host (the provider's
own OAuth endpoints, paths outside the API's prefix) and plain-http requests go on untouched.
"""

from __future__ import annotations

import itertools
import json
import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import h11
import httpx

from ..errors import AuthsomeError
from ._link import UpstreamGone, UpstreamLink

if TYPE_CHECKING:
    from .._connection import AccessToken
    from ..errors import Syntax
    from ._proxy import ClientConnection
    from ._routes import Route, RouteTable
    from ._upstream import UpstreamClients

log = logging.getLogger("authsome_nb.broker")
# Hop-by-hop headers (RFC 9110, 7.6.1) and the proxy's own: never passed on.
_HOP = frozenset({b"connection", b"keep-alive", b"proxy-authorization", b"proxy-authenticate",
                  b"proxy-connection", b"te", b"trailer", b"transfer-encoding", b"upgrade"})
_NO_BODY = frozenset({b"GET", b"HEAD", b"OPTIONS", b"DELETE", b"TRACE"})

TokenFor = Callable[[str, str], "AccessToken"]  # (provider, connection) → token


class Forwarder:
    """Sends requests on to their API and streams the answers back to the child."""

    def __init__(self, routes: RouteTable, upstream: UpstreamClients, token_for: TokenFor,
                 syntax: Syntax = "python") -> None:
        self.routes, self.upstream, self.token_for, self.syntax = (
            routes, upstream, token_for, syntax)
        self.forwarded = 0  # requests sent on upstream (a count for tests and benchmarks)

    def forward_https(self, conn: ClientConnection, host: str, request: h11.Request) -> None:
        target = request.target.decode("ascii", "replace")
        headers = _passed_on(request.headers, keep_framing=True)
        route = self.routes.match(host, target)
        if route is not None:
            try:
                token = self.token_for(route.provider, route.connection)
            except AuthsomeError as exc:
                self._no_token(conn, route, exc)
                return
            headers = _with_token(headers, route, token.value)
        upstream = h11.Request(method=request.method, target=request.target, headers=headers)
        self.forwarded += 1
        try:
            self._exchange(conn, conn.link(host), upstream)
        except (OSError, h11.ProtocolError) as exc:
            conn.close_link()
            if conn.http.our_state is h11.SEND_RESPONSE:  # nothing sent yet: say why
                conn.reply(502, f"The broker could not reach {host}: {type(exc).__name__}\n"
                           .encode(), "text/plain")
            else:
                raise
        log.debug("%s %s%s (%s)", request.method.decode(), host, urlpath(target),
                  f"{route.provider}/{route.connection}" if route else "untouched")

    def _exchange(self, conn: ClientConnection, link: UpstreamLink,
                  request: h11.Request) -> None:
        """Send ``request`` (and the client's body) on ``link``, stream the answer back."""
        has_body = conn.http.their_state is h11.SEND_BODY
        try:
            reused = link.send_head(request)
            if not has_body:
                link.send(h11.EndOfMessage())
            events = link.response(reused)
            first = next(events) if not has_body else None
        except UpstreamGone:  # a kept-alive connection the server had closed: once more
            reused = link.send_head(request)
            if not has_body:
                link.send(h11.EndOfMessage())
            events = link.response(reused)
            first = next(events) if not has_body else None
        if has_body:
            for chunk in conn.body():
                link.send(h11.Data(data=chunk))
            link.send(h11.EndOfMessage())
            first = next(events)
        assert first is not None
        for event in itertools.chain((first,), events):
            if isinstance(event, h11.Response):
                event = h11.Response(status_code=event.status_code, reason=event.reason,
                                     headers=_passed_on(event.headers, keep_framing=True))
            elif isinstance(event, h11.InformationalResponse):
                continue  # 100 Continue and the like are the upstream leg's business
            conn.send(event, flush=isinstance(event, h11.EndOfMessage))

    def forward_http(self, conn: ClientConnection, netloc: str, request: h11.Request) -> None:
        """A plain-http request through the proxy: forwarded as it came (never a token)."""
        headers = _passed_on(request.headers)
        url = request.target.decode("ascii", "replace")
        self._send(conn, request, "http", netloc, url, headers, None)

    def _send(self, conn: ClientConnection, request: h11.Request, scheme: str, host: str,
              target: str, headers: list[tuple[bytes, bytes]], route: Route | None) -> None:
        url = target if target.startswith(("http://", "https://")) else (
            f"{scheme}://{host}{target}")
        method = request.method
        has_body = any(n.lower() in (b"content-length", b"transfer-encoding")
                       for n, _ in request.headers) and method not in _NO_BODY
        client = self.upstream.for_url(scheme, host)
        self.forwarded += 1
        upstream_request = client.build_request(
            method.decode(), url, headers=headers,
            content=conn.body() if has_body else None)
        try:
            response = client.send(upstream_request, stream=True)
        except httpx.HTTPError as exc:
            if not has_body:
                _drain(conn)
            conn.reply(502, f"The broker could not reach {host}: {type(exc).__name__}\n"
                       .encode(), "text/plain")
            return
        try:
            if not has_body:
                _drain(conn)
            self._stream_back(conn, response)
        finally:
            response.close()
        log.debug("%s %s%s -> %s (%s)", method.decode(), host, urlpath(target),
                  response.status_code,
                  f"{route.provider}/{route.connection}" if route else "untouched")

    @staticmethod
    def _stream_back(conn: ClientConnection, response: httpx.Response) -> None:
        headers = [(k, v) for k, v in response.headers.raw if k.lower() not in _HOP]
        conn.send(h11.Response(status_code=response.status_code, headers=headers,
                               reason=response.reason_phrase.encode() or b""))
        for chunk in response.iter_raw():
            if chunk:
                conn.send(h11.Data(data=chunk), flush=True)
        conn.send(h11.EndOfMessage(), flush=True)

    def _no_token(self, conn: ClientConnection, route: Route, exc: AuthsomeError) -> None:
        remedy = exc.remedy_in(self.syntax)
        body = {"error": {"code": "authsome_no_token",
                          "message": f"The broker has no token for {route.provider}/"
                                     f"{route.connection}: {exc.message}",
                          "remedy": remedy}}
        conn.reply(401, json.dumps(body).encode() + b"\n")


def _passed_on(headers: Iterable[tuple[bytes, bytes]],
               keep_framing: bool = False) -> list[tuple[bytes, bytes]]:
    """Without hop-by-hop headers; ``keep_framing``: ``Transfer-Encoding`` stays, for h11 to
    frame the body the same way on the other leg."""
    dropped = _HOP - {b"transfer-encoding"} if keep_framing else _HOP
    return [(n, v) for n, v in headers if n.lower() not in dropped]


def _with_token(headers: list[tuple[bytes, bytes]], route: Route,
                token: str) -> list[tuple[bytes, bytes]]:
    """``headers`` with the route's header set to the token, the child's own one dropped."""
    name, value = route.credential(token)
    kept = [(n, v) for n, v in headers if n.lower() != name.lower().encode()]
    return [*kept, (name.encode(), value.encode())]


def _drain(conn: ClientConnection) -> None:
    if conn.http.their_state is h11.SEND_BODY:
        for _ in conn.body():
            pass


def urlpath(target: str) -> str:
    """The path of a request target without its query (queries may carry secrets)."""
    return target.split("?", 1)[0]


