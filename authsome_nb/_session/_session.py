"""The public verbs: sign in, list, get a token, export, sign out.

A :class:`Session` binds one home folder (one encrypted store).  The module-level functions
of ``authsome_nb`` use one session per ``AUTHSOME_NB_HOME``; tests and servers may hold
their own.

Every verb asks the session's token sources in order (its store, then what the place it runs
offers: see :mod:`authsome_nb.sources`) and the first that knows the connection answers; the
session never asks which kind of source that is.  Signing in is a pipeline of its own
(:mod:`._sign_in`) whose outcome the store keeps.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from .._connection import AccessToken, Connection
from .._home import home_dir
from .._providers import load_provider
from .._scopes import split_scopes
from ..errors import ConfigurationError, ReauthenticationRequired, Step
from ..events import EventHandler
from ..flows import Flow
from ..sources import StoreSource, TokenSource, not_signed_in, token_sources
from ..store import EncryptedStore
from ._sign_in import LoginOptions, sign_in

DEFAULT_PROVIDER = "microsoft"
DEFAULT_CONNECTION = "default"

_T = TypeVar("_T")


class Session:
    """Sign-ins and tokens for the store in ``home`` (default: ``$AUTHSOME_NB_HOME``)."""

    def __init__(self, home: str | os.PathLike[str] | None = None, *,
                 sources: Iterable[TokenSource] | None = None) -> None:
        """``sources``: the token sources to ask after the store, instead of those the place
        this runs offers (JupyterHub's); found on first use when not given."""
        self.home: Path = home_dir(home)
        self._store = StoreSource(self.home)
        self._sources: tuple[TokenSource, ...] | None = \
            None if sources is None else (self._store, *sources)
        self._sources_lock = threading.Lock()

    @property
    def store(self) -> EncryptedStore:
        """The encrypted store this session signs in to (and the Graph sync state keys from)."""
        return self._store.store

    def sources(self) -> tuple[TokenSource, ...]:
        """The token sources this session asks, in order (the store first)."""
        found = self._sources
        if found is None:
            with self._sources_lock:
                found = self._sources = self._sources or token_sources(self.home, self._store)
        return found

    def _first(self, ask: Callable[[TokenSource], _T | None]) -> _T | None:
        for source in self.sources():
            answer = ask(source)
            if answer is not None:
                return answer
        return None

    # -- the hot path --------------------------------------------------------------------
    def token(self, provider: str = DEFAULT_PROVIDER, connection: str = DEFAULT_CONNECTION,
              scopes: Iterable[str] | None = None) -> AccessToken:
        """A valid access token (refreshed if needed) as a masked ``str``."""
        asked = None if scopes is None else tuple(split_scopes(scopes))
        for source in self._sources or self.sources():
            found = source.token(provider, connection, asked)
            if found is not None:
                return found
        raise not_signed_in(provider, connection)

    def refresh(self, provider: str = DEFAULT_PROVIDER, connection: str = DEFAULT_CONNECTION,
                scopes: Iterable[str] | None = None, *, stale: str | None = None,
                claims_challenge: str | None = None) -> AccessToken:
        """Refresh now, under the store lock; with ``stale``, only if that token is still current.

        ``stale`` is how a 401 from an API asks for a new token: if another process already
        replaced it, its token is returned and no request is made.
        """
        asked = None if scopes is None else tuple(split_scopes(scopes))
        found = self._first(lambda source: source.refresh(
            provider, connection, asked, stale=stale, claims=claims_challenge))
        if found is None:
            raise not_signed_in(provider, connection)
        return found

    # -- sign-in -------------------------------------------------------------------------
    def login(
        self,
        provider: str = DEFAULT_PROVIDER,
        connection: str = DEFAULT_CONNECTION,
        *,
        flow: Flow = "auto",
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
        redirect: Any = None,
        api_key: str | None = None,
    ) -> Connection:
        """Sign in (or reuse a valid sign-in) and store the connection; see the README.
        ``api_key`` stores an API-key provider's key (without it, the key is asked for)."""
        options = LoginOptions(
            flow=flow, scopes=scopes, services=services, tenant=tenant, client_id=client_id,
            client_secret=client_secret, open_browser=open_browser, timeout=timeout,
            force=force, on_event=on_event, cancel=cancel, redirect=redirect, api_key=api_key)
        return sign_in(self.sources(), self._store, provider, connection, options)

    # -- the rest of the verbs -----------------------------------------------------------
    def logout(self, provider: str = DEFAULT_PROVIDER,
               connection: str = DEFAULT_CONNECTION) -> bool:
        """Remove the connection, its account and all its tokens; False if it did not exist."""
        return bool(self._first(lambda source: source.sign_out(provider, connection)))

    def connections(self, provider: str | None = None) -> list[Connection]:
        """Every connection (of ``provider``, if given); a source asked earlier wins a name."""
        found: dict[str, Connection] = {}
        for source in self.sources():
            for item in source.connections(provider):
                found.setdefault(item.key, item)
        return sorted(found.values(), key=lambda c: (c.provider, c.connection))

    def get(self, provider: str = DEFAULT_PROVIDER,
            connection: str = DEFAULT_CONNECTION) -> Connection:
        found = self._first(lambda source: source.connection(provider, connection))
        if found is None:
            raise not_signed_in(provider, connection)
        return found

    def export(self, provider: str = DEFAULT_PROVIDER, connection: str = DEFAULT_CONNECTION,
               *, include_refresh_token: bool = False) -> list[str]:
        """Set the provider's env vars in this process; returns their names (never the values)."""
        names = load_provider(provider, self.home).export_names
        if not names.get("access_token"):
            raise ConfigurationError(f"The provider '{provider}' defines no export env var")
        values = {name: self.token(provider, connection).value for name in names["access_token"]}
        if include_refresh_token:
            if not names.get("refresh_token"):
                raise ConfigurationError(
                    f"The provider '{provider}' defines no refresh-token env var")
            refresh = self._first(lambda source: source.refresh_token(provider, connection))
            if not refresh:
                raise ReauthenticationRequired(
                    f"{provider}/{connection} holds no refresh token",
                    remedy="sign in again: {step}", step=Step.of("login", provider, connection))
            values.update(dict.fromkeys(names["refresh_token"], refresh))
        os.environ.update(values)
        return list(values)

    def key_source(self) -> str:
        """Which key protects the store (e.g. ``key file /home/me/.authsome_nb/store.key``)."""
        return self.store.key_source_label()

    def reset_store(self) -> Path | None:
        """Move an unreadable store aside (kept, not deleted), start empty; return where it went."""
        return self._store.reset()
