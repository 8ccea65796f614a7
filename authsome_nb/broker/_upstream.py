"""How the broker itself reaches the APIs: directly, or through the proxy the kernel already had.

A corporate ``HTTPS_PROXY`` in the kernel's environment (from before a kernel-wide broker
replaced it) carries the broker's own upstream connections, and its ``NO_PROXY`` is honoured;
the broker never loops through itself.  TLS to an API verifies against the CA bundle the rest
of the package uses (``AUTHSOME_NB_CA_BUNDLE`` …).
"""

from __future__ import annotations

import base64
import socket
import threading
from collections.abc import Mapping
from urllib.parse import unquote, urlsplit

import h11
import httpx

from .._tls import ssl_context

CONNECT_TIMEOUT = 30.0
READ_TIMEOUT = 300.0  # a slow API answer (a large download) is the child's business


def proxy_for(env: Mapping[str, str], scheme: str, host: str) -> str | None:
    """The proxy URL ``env`` names for ``scheme://host``, honouring ``NO_PROXY``."""
    if _bypassed(env, host):
        return None
    names = ("HTTPS_PROXY", "https_proxy") if scheme == "https" else ("HTTP_PROXY", "http_proxy")
    for name in (*names, "ALL_PROXY", "all_proxy"):
        if env.get(name):
            return env[name]
    return None


def _bypassed(env: Mapping[str, str], host: str) -> bool:
    no_proxy = env.get("NO_PROXY") or env.get("no_proxy") or ""
    bare = (urlsplit("//" + host).hostname or host).lower()
    for entry in (e.strip().lower() for e in no_proxy.split(",")):
        if entry == "*":
            return True
        entry = entry.lstrip(".").removeprefix("*.")
        if entry and (bare == entry or bare.endswith("." + entry) or host.lower() == entry):
            return True
    return False


def open_tunnel(host: str, port: int, proxy: str | None) -> socket.socket:
    """A TCP connection to ``host:port``, through ``proxy``'s CONNECT when there is one."""
    if proxy is None:
        return socket.create_connection((host, port), timeout=CONNECT_TIMEOUT)
    parts = urlsplit(proxy)
    sock = socket.create_connection((parts.hostname or "", parts.port or 80),
                                    timeout=CONNECT_TIMEOUT)
    try:
        _connect_through(sock, f"{host}:{port}", parts.username, parts.password)
    except BaseException:
        sock.close()
        raise
    return sock


def _connect_through(sock: socket.socket, target: str, user: str | None,
                     password: str | None) -> None:
    headers = [("Host", target)]
    if user is not None:
        basic = base64.b64encode(f"{unquote(user)}:{unquote(password or '')}".encode()).decode()
        headers.append(("Proxy-Authorization", f"Basic {basic}"))
    conn = h11.Connection(h11.CLIENT)
    sock.sendall(conn.send(h11.Request(method="CONNECT", target=target, headers=headers)))
    while True:
        event = conn.next_event()
        if event is h11.NEED_DATA:
            conn.receive_data(sock.recv(65536))
            continue
        if isinstance(event, h11.Response | h11.InformationalResponse):
            if not 200 <= event.status_code < 300:
                raise OSError(f"the upstream proxy refused CONNECT {target}: "
                              f"{event.status_code}")
            return
        raise OSError(f"the upstream proxy closed CONNECT {target}")


class UpstreamClients:
    """httpx clients for the broker's upstream requests, one per upstream proxy (or none)."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self._env = dict(env)
        self._clients: dict[str | None, httpx.Client] = {}
        self._lock = threading.Lock()

    def proxy(self, scheme: str, host: str) -> str | None:
        return proxy_for(self._env, scheme, host)

    def for_url(self, scheme: str, host: str) -> httpx.Client:
        proxy = self.proxy(scheme, host)
        with self._lock:
            client = self._clients.get(proxy)
            if client is None:
                client = self._clients[proxy] = httpx.Client(
                    verify=ssl_context(), trust_env=False, proxy=proxy, follow_redirects=False,
                    timeout=httpx.Timeout(READ_TIMEOUT, connect=CONNECT_TIMEOUT),
                    limits=httpx.Limits(max_connections=64, max_keepalive_connections=16))
                client.headers.clear()  # the child's headers, not httpx's defaults
            return client

    def close(self) -> None:
        with self._lock:
            clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            client.close()
