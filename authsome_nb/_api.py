"""The module-level verbs (``an.login``, ``an.token`` …): one Session per home folder.

The session is looked up by ``$AUTHSOME_NB_HOME`` on every call (a dict read), so a test or
a notebook that points the variable elsewhere gets a separate store at once.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ._connection import AccessToken, Connection
from ._home import HOME_ENV
from ._session import DEFAULT_CONNECTION, DEFAULT_PROVIDER, Session

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
    provider: str = DEFAULT_PROVIDER, connection: str = DEFAULT_CONNECTION, **kwargs: Any
) -> Connection:
    """Sign in; see :meth:`Session.login` for the options (flow, scopes, services, tenant …)."""
    return session().login(provider, connection, **kwargs)


def logout(provider: str = DEFAULT_PROVIDER, connection: str = DEFAULT_CONNECTION) -> bool:
    return session().logout(provider, connection)


def connections(provider: str | None = None) -> list[Connection]:
    return session().connections(provider)


def get(provider: str = DEFAULT_PROVIDER, connection: str = DEFAULT_CONNECTION) -> Connection:
    return session().get(provider, connection)


def token(
    provider: str = DEFAULT_PROVIDER,
    connection: str = DEFAULT_CONNECTION,
    scopes: Iterable[str] | None = None,
) -> AccessToken:
    """A valid access token: from memory when valid (a ``stat`` of the store), else refreshed."""
    return session().token(provider, connection, scopes)


def refresh(
    provider: str = DEFAULT_PROVIDER,
    connection: str = DEFAULT_CONNECTION,
    scopes: Iterable[str] | None = None,
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
    return session().export(provider, connection, include_refresh_token=include_refresh_token)


def providers() -> list:
    """Every provider definition known here (bundled and in ``$AUTHSOME_NB_HOME/providers``)."""
    from ._providers import list_providers

    return list_providers(session().home)


def key_source() -> str:
    return session().key_source()


def reset_store() -> Path | None:
    return session().reset_store()
