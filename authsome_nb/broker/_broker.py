"""One broker: a CA, a loopback proxy and a managed-identity endpoint for a set of connections.

Made for a run (``an.run``, ``%authsome run``) or for the kernel (``--kernel``), started in
a few milliseconds, stopped with it.  Its secrets (the proxy's, the identity endpoint's) and
its CA are new each time: whatever a child kept of them opens nothing after the run.
"""

from __future__ import annotations

import functools
import os
import secrets
import shutil
import tempfile
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from .._outbound import environment_before_broker
from .._providers import load_provider
from ._ca import BrokerCA
from ._environment import child_environment, write_bundle
from ._forward import Forwarder
from ._identity import PATH as IDENTITY_PATH
from ._identity import IdentityEndpoint
from ._proxy import USER, LoopbackProxy, ProxyConfig
from ._routes import Route, RouteTable, routes_for
from ._upstream import UpstreamClients

if TYPE_CHECKING:
    from .._connection import AccessToken
    from .._session import Session
    from ..errors import Syntax


class Broker:
    """Credentials for child processes of ``connections`` (``(provider, connection)`` pairs)."""

    def __init__(self, session: Session, connections: Iterable[tuple[str, str]], *,
                 syntax: Syntax = "python", upstream_env: Mapping[str, str] | None = None,
                 ) -> None:
        self.session = session
        self.connections = tuple(connections)
        self.syntax: Syntax = syntax
        self._upstream_env = dict(environment_before_broker() if upstream_env is None
                                  else upstream_env)
        self._folder: Path | None = None
        self._proxy: LoopbackProxy | None = None
        self._upstream: UpstreamClients | None = None
        self._identity_secret = secrets.token_urlsafe(32)
        self._proxy_secret = secrets.token_urlsafe(32)
        self.bundle: Path | None = None
        self.started_in: float | None = None  # seconds start() took

    def __repr__(self) -> str:
        where = f"127.0.0.1:{self._proxy.port}" if self._proxy else "stopped"
        names = ", ".join(f"{p}/{c}" for p, c in self.connections)
        return f"<Broker {where} for {names}>"

    # -- lifecycle -----------------------------------------------------------------------
    def start(self) -> Broker:
        began = time.perf_counter()
        self._folder = Path(tempfile.mkdtemp(prefix="authsome-broker-"))  # 0700
        try:
            self._start_in(self._folder)
        except BaseException:
            self.stop()
            raise
        self.started_in = time.perf_counter() - began
        return self

    def _start_in(self, folder: Path) -> None:
        definitions = {p: load_provider(p, self.session.home) for p, _ in self.connections}
        routes: list[Route] = []
        for provider, connection in self.connections:
            definition = definitions[provider]
            routes += routes_for(definition, connection)
        table = RouteTable.of(routes)
        names, addresses = table.constraint_names()
        ca = BrokerCA(folder, names, addresses)
        self.bundle = write_bundle(folder, self._upstream_env, ca.pem)
        self._upstream = UpstreamClients(self._upstream_env)
        forwarder = Forwarder(table, self._upstream, self.session.token, self.syntax)
        self._proxy = LoopbackProxy(ProxyConfig(
            secret=self._proxy_secret, routes=table, ca=ca, upstream=self._upstream,
            forwarder=forwarder, identity=self._identity_endpoint(definitions)))
        self._routes, self._definitions = table, definitions
        self._proxy.start()

    def _identity_endpoint(self, definitions: Mapping) -> IdentityEndpoint | None:
        """App Service's endpoint for the first routed Microsoft connection, if any."""
        for provider, connection in self.connections:
            if definitions[provider].is_microsoft:
                client_id = self.session.get(provider, connection).client_id or ""
                return IdentityEndpoint(
                    secret=self._identity_secret, client_id=client_id, syntax=self.syntax,
                    token_for=functools.partial(_token_for_scope, self.session, provider,
                                                connection))
        return None

    def stop(self) -> None:
        proxy, self._proxy = self._proxy, None
        if proxy is not None:
            proxy.stop()
        upstream, self._upstream = self._upstream, None
        if upstream is not None:
            upstream.close()
        folder, self._folder = self._folder, None
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)

    def __enter__(self) -> Broker:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- what a child is given -------------------------------------------------------------
    @property
    def port(self) -> int:
        if self._proxy is None:
            raise RuntimeError("the broker is not running")
        return self._proxy.port

    @property
    def proxy_url(self) -> str:
        """``http://authsome:<secret>@127.0.0.1:<port>`` (a secret of this run: never print it)."""
        return f"http://{USER}:{self._proxy_secret}@127.0.0.1:{self.port}"

    @property
    def requests_forwarded(self) -> int:
        """How many requests the proxy has sent on to an upstream host so far."""
        return self._proxy.config.forwarder.forwarded if self._proxy else 0

    @property
    def identity_endpoint(self) -> str | None:
        if self._proxy is None or self._proxy.config.identity is None:
            return None
        return f"http://127.0.0.1:{self.port}{IDENTITY_PATH}"

    def environment(self, base: Mapping[str, str] | None = None) -> dict[str, str]:
        """The child's environment: ``base`` (default: this process's) with ours winning."""
        assert self.bundle is not None, "start() the broker first"
        placeholders = [name for provider in self._definitions.values()
                        for names in provider.export_names.values() for name in names]
        identity = ((self.identity_endpoint, self._identity_secret)
                    if self.identity_endpoint else None)
        return child_environment(
            dict(os.environ if base is None else base), proxy_url=self.proxy_url,
            bundle=self.bundle, placeholders=placeholders, identity=identity,
            routed_hosts=[r.host for r in self._routes.routes if r.host])


def _token_for_scope(session: Session, provider: str, connection: str,
                     scope: str) -> AccessToken:
    return session.token(provider, connection, [scope])
