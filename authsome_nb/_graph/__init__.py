"""Microsoft Graph (and any provider's REST API) from a signed-in connection.

:func:`client` is a plain ``httpx.Client`` on the provider's API base whose auth flow injects
the bearer for the provider's API hosts only, refreshes once on a 401 and retries throttled
calls.  :func:`graph` wraps one in :class:`GraphClient`: OData options as keywords, paging,
``$batch`` and DataFrames.  Both are given the :class:`~authsome_nb.Session` whose tokens they
use (``an.client()`` and ``an.graph()`` pass the default one).

Nothing here is imported by ``import authsome_nb``; httpx is imported when this package is,
pandas only when a DataFrame is built.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import httpx

from .._outbound import own_client_options
from .._version import __version__
from ._auth import GraphAuth
from ._client import GraphClient
from ._frames import flatten, to_frame
from ._network import ApiClient
from ._parameters import suggest_flag
from ._retry import DEFAULT_POLICY, RetryPolicy
from ._sync import summary as sync_summary

if TYPE_CHECKING:
    from .._session import Session

__all__ = ["ApiClient", "GraphAuth", "GraphClient", "RetryPolicy", "client", "flatten", "graph",
           "suggest_flag", "sync_summary", "to_frame"]

DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=15.0)
USER_AGENT = f"authsome-nb/{__version__} httpx/{httpx.__version__}"

_graphs: dict[tuple, GraphClient] = {}
_graphs_lock = threading.Lock()


def client(session: Session, provider: str = "microsoft", connection: str = "default", *,
           scopes: Iterable[str] | None = None, retry: RetryPolicy = DEFAULT_POLICY,
           **httpx_kwargs: Any) -> httpx.Client:
    """An ``httpx.Client`` for ``provider``'s API as ``connection`` of ``session`` (yours to close).

    ``base_url`` is the provider's ``api_base``; TLS verifies against the CA bundle in force
    (``AUTHSOME_NB_CA_BUNDLE`` …); redirects are followed (the bearer never follows one to
    another host, and a request body never follows one to another origin).  Any
    ``httpx.Client`` argument may be overridden.  A request that gets no answer (DNS, refused,
    TLS, timeout) raises our ``NetworkError`` naming the host, which is also the
    ``httpx.TransportError`` httpx raised.
    """
    from .._providers import load_provider
    from .._tls import ssl_context

    definition = load_provider(provider, session.home)
    follow = httpx_kwargs.pop("follow_redirects", True)
    options: dict[str, Any] = {
        "base_url": definition.api_base or "",
        "verify": ssl_context(),
        "timeout": DEFAULT_TIMEOUT,
        "headers": {"User-Agent": USER_AGENT},
        **own_client_options(),  # never through a kernel-wide broker of our own
    }
    options.update(httpx_kwargs)
    # The auth flow follows redirects itself, so a body or the bearer never leaves the origin.
    options["follow_redirects"] = False
    options["auth"] = GraphAuth(session, definition, connection, scopes=scopes, retry=retry,
                                follow_redirects=follow)
    return ApiClient(**options)


def graph(session: Session, connection: str = "default", *, provider: str = "microsoft",
          **options: Any) -> GraphClient:
    """The Graph client of ``connection``: ``.get``, ``.frame``, ``.pages``, ``.sync``, ``.batch``.

    Without extra ``options`` (or with ``backend=`` only) one client per (store, provider,
    connection, CA bundle, backend) is kept and reused, so calling ``an.graph()`` in every cell
    reuses its connections.
    """
    backend = options.pop("backend", "pandas") if set(options) <= {"backend"} else None
    if backend is None:
        return GraphClient(session, connection, provider=provider, **options)
    from .._providers import load_provider
    from .._tls import ssl_context

    definition = load_provider(provider, session.home)  # cached; re-read when the file changes
    key = (id(session), provider, connection, id(ssl_context()), backend)
    with _graphs_lock:
        found = _graphs.get(key)
        if found is None or found.session is not session or found.provider is not definition:
            if found is not None:
                found.close()
            found = _graphs[key] = GraphClient(session, connection, provider=provider,
                                               backend=backend)
    return found
