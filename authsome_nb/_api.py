"""The module-level verbs (``an.login``, ``an.token``, ``an.graph`` …): one Session per home.

The session is looked up by ``$AUTHSOME_NB_HOME`` on every call (a dict read), so a test or
a notebook that points the variable elsewhere gets a separate store at once.  This is the
top of the library's layers: it hands that session down to the Graph layer, which never
reaches up for it.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ._connection import AccessToken, Connection
from ._home import HOME_ENV
from ._session import DEFAULT_CONNECTION, DEFAULT_PROVIDER, Session

if TYPE_CHECKING:
    import subprocess

    import httpx

    from ._graph import GraphClient, RetryPolicy
    from ._providers import Provider
    from .events import EventHandler

_sessions: dict[str, Session] = {}
_sessions_lock = threading.Lock()


def session(home: str | os.PathLike[str] | None = None) -> Session:
    """The shared Session for ``home`` (default: ``$AUTHSOME_NB_HOME`` or ``~/.authsome_nb``)."""
    key = os.fspath(home) if home is not None else os.environ.get(HOME_ENV, "")
    found = _sessions.get(key)
    if found is None:
        with _sessions_lock:
            found = _sessions.get(key)
            if found is None:
                found = _sessions[key] = Session(home if home is not None else (key or None))
    return found


def login(
    provider: str = DEFAULT_PROVIDER,
    connection: str = DEFAULT_CONNECTION,
    *,
    flow: Literal["auto", "pkce", "device"] = "auto",
    scopes: str | Iterable[str] | None = None,
    services: str | Iterable[str] | None = None,
    tenant: str | None = None,
    client_id: str | None = None,
    client_secret: str | None = None,
    open_browser: bool | Callable[[str], object] = True,
    timeout: float | None = None,
    force: bool = False,
    on_event: EventHandler | None = None,
    cancel: threading.Event | None = None,
    api_key: str | None = None,
) -> Connection:
    """Sign in (or reuse a valid sign-in) and store the connection; see :meth:`Session.login`.

    ``timeout=None`` waits as long as the device code is valid (Microsoft's ``expires_in``) or,
    for a browser sign-in, as long; a number of seconds gives up sooner.  ``api_key`` stores
    the key of an API-key provider (``an.login("openai", api_key=...)``); without it the key
    is asked for without echo.
    """
    return session().login(
        provider, connection, flow=flow, scopes=scopes, services=services, tenant=tenant,
        client_id=client_id, client_secret=client_secret, open_browser=open_browser,
        timeout=timeout, force=force, on_event=on_event, cancel=cancel, api_key=api_key,
    )


def logout(provider: str = DEFAULT_PROVIDER, connection: str = DEFAULT_CONNECTION) -> bool:
    """Remove the connection, its account and its tokens; False if there was none."""
    return session().logout(provider, connection)


def connections(provider: str | None = None) -> list[Connection]:
    """Every connection in the store (of ``provider`` if given), sorted."""
    return session().connections(provider)


def get(provider: str = DEFAULT_PROVIDER, connection: str = DEFAULT_CONNECTION) -> Connection:
    """One connection's account and status (never its token)."""
    return session().get(provider, connection)


def token(
    provider: str = DEFAULT_PROVIDER,
    connection: str = DEFAULT_CONNECTION,
    scopes: str | Iterable[str] | None = None,
) -> AccessToken:
    """A valid access token: from memory when valid (a ``stat`` of the store), else refreshed."""
    return session().token(provider, connection, scopes)


def refresh(
    provider: str = DEFAULT_PROVIDER,
    connection: str = DEFAULT_CONNECTION,
    scopes: str | Iterable[str] | None = None,
    *,
    stale: str | None = None,
    claims_challenge: str | None = None,
) -> AccessToken:
    """Refresh now (one request for all processes); with ``stale``, only if it is still current."""
    return session().refresh(
        provider, connection, scopes, stale=stale, claims_challenge=claims_challenge
    )


def export(
    provider: str = DEFAULT_PROVIDER,
    connection: str = DEFAULT_CONNECTION,
    *,
    include_refresh_token: bool = False,
) -> list[str]:
    """Set the provider's env vars (``MICROSOFT_ACCESS_TOKEN``) here; returns their names."""
    return session().export(provider, connection, include_refresh_token=include_refresh_token)


def providers() -> list[Provider]:
    """Every provider definition known here (bundled and in ``$AUTHSOME_NB_HOME/providers``)."""
    from ._providers import list_providers

    return list_providers(session().home)


def key_source() -> str:
    """Which key protects the store (e.g. ``key file ~/.authsome_nb/store.key``)."""
    return session().key_source()


def reset_store() -> Path | None:
    """Move an unreadable store aside (kept, not deleted); returns where it went."""
    return session().reset_store()


def client(
    provider: str = DEFAULT_PROVIDER,
    connection: str = DEFAULT_CONNECTION,
    *,
    scopes: str | Iterable[str] | None = None,
    retry: RetryPolicy | None = None,
    **httpx_kwargs: Any,
) -> httpx.Client:
    """An ``httpx.Client`` for the provider's API; the bearer goes to its API hosts only."""
    from . import _graph

    return _graph.client(
        session(), provider, connection, scopes=scopes, retry=retry or _graph.DEFAULT_POLICY,
        **httpx_kwargs,
    )


def graph(
    connection: str = DEFAULT_CONNECTION,
    *,
    provider: str = DEFAULT_PROVIDER,
    **options: Any,
) -> GraphClient:
    """The Graph client of ``connection``: ``.get``, ``.frame``, ``.pages``, ``.sync``, ``.batch`` …

    Options (``page_size=`` to override every endpoint's largest page, ``concurrency=`` for
    Outlook pages in flight (4), ``progress=``, ``retry=``, httpx arguments) make a new client;
    without them one client per connection is kept and reused.
    """
    from . import _graph

    return _graph.graph(session(), connection, provider=provider, **options)


# -- credentials for what a notebook imports or starts (authsome_nb.sdk, authsome_nb.broker) --
def credential(
    provider: str = DEFAULT_PROVIDER,
    connection: str | None = None,
    *,
    asynchronous: bool = False,
) -> Any:
    """The credential the provider's own SDKs take: for Microsoft an azure-core
    ``TokenCredential`` (``asynchronous=True``: its ``AsyncTokenCredential`` twin) serving any
    resource the user consented to; for Google a ``google.auth.credentials.Credentials``."""
    from . import sdk

    return sdk.credential(session(), provider, connection or DEFAULT_CONNECTION,
                          asynchronous=asynchronous)


def run(
    args: str | list[str],
    *,
    provider: str | None = None,
    connection: str | None = None,
    **subprocess_run_kwargs: Any,
) -> subprocess.CompletedProcess:
    """``subprocess.run`` under a broker: the child reaches the routed connections' APIs
    through a loopback proxy that injects their tokens (and Microsoft's managed-identity
    endpoint), and its environment holds placeholders, never a token.

    No provider named: every provider's signed-in ``default`` connection is routed.  ``env=``
    is merged over this process's environment; the broker's variables win.
    """
    from . import broker

    return broker.run(session(), args, provider=provider, connection=connection,
                      **subprocess_run_kwargs)
