"""The public verbs: sign in, list, get a token, export, sign out.

A :class:`Session` binds one home folder (one encrypted store).  The module-level functions
of ``authsome_nb`` use one session per ``AUTHSOME_NB_HOME``; tests and servers may hold
their own.

The token hot path (:meth:`Session.token`) is a ``stat`` of the store and a dict lookup.
Only when no valid token is in memory does it reload the store, and only when the store has
none either does it refresh — under the store's inter-process lock, after reloading again,
so that N kernels reaching expiry together make one refresh between them and nobody uses a
refresh token another process has just rotated away.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ._connection import AccessToken, Connection
from ._credentials import resolve_client_id, secret_from_env
from ._home import home_dir
from ._providers import load_provider
from ._same_account import require_same_account
from ._scopes import covers, dedupe, resolve_scopes, scope_keys, split_scopes
from ._token_errors import not_signed_in, refresh_error
from ._token_index import TokenIndex, expiry_of, refresh_token_of
from .errors import (
    AuthsomeError,
    ConfigurationError,
    NotSignedInError,
    ReauthenticationRequired,
    Step,
    TokenError,
)
from .events import EventHandler, Failed, KeyStored, SignedIn, failure_outcome, print_event
from .flows import Engine, Flow, SignInRequest, StoredRegistrations, new_engine
from .flows._hub_token import HUB_CONNECTION, HubTokenSource, hub_token_source
from .store import EncryptedStore

DEFAULT_PROVIDER = "microsoft"
DEFAULT_CONNECTION = "default"


class Session:
    """Sign-ins and tokens for the store in ``home`` (default: ``$AUTHSOME_NB_HOME``)."""

    def __init__(self, home: str | os.PathLike[str] | None = None) -> None:
        self.home: Path = home_dir(home)
        self.store = EncryptedStore(self.home)
        self._index = TokenIndex()
        self._engines: dict[str, Engine] = {}
        self._lock = threading.RLock()
        self._hub: HubTokenSource | None = None  # JupyterHub's tokens, on a Hub
        self._hub_looked_up = False

    def _engine(self, name: str) -> Engine:
        """The session's engine of kind ``name`` (``msal`` or ``oauth2``), made on first use."""
        found = self._engines.get(name)
        if found is None:
            found = self._engines.setdefault(name, new_engine(name))
        return found

    # -- the hot path --------------------------------------------------------------------
    def token(
        self,
        provider: str = DEFAULT_PROVIDER,
        connection: str = DEFAULT_CONNECTION,
        scopes: Iterable[str] | None = None,
    ) -> AccessToken:
        """A valid access token (refreshed if needed) as a masked ``str``."""
        key = f"{provider}/{connection}"
        wanted = None if scopes is None else scope_keys(split_scopes(scopes))
        store = self.store
        if store.is_current() and self._index.generation == store.generation:
            token = self._index.lookup(key, wanted)
            if token is not None:
                return token
            hub = None if self._index.knows(key) else self._hub_serving(provider, connection)
            if hub is not None:
                return self._from_hub(hub, provider, connection, scopes)
        return self._token_slow(provider, connection, scopes, wanted)

    def _token_slow(self, provider: str, connection: str, scopes, wanted) -> AccessToken:
        key = f"{provider}/{connection}"
        with self._lock:
            self._sync_index()
            token = self._index.lookup(key, wanted)
            if token is not None:
                return token
            known = self._index.knows(key)
        if not known:
            hub = self._hub_serving(provider, connection)
            if hub is not None:
                return self._from_hub(hub, provider, connection, scopes)
            raise not_signed_in(provider, connection)
        return self._refresh(provider, connection, scopes, mode="expired")

    def refresh(
        self,
        provider: str = DEFAULT_PROVIDER,
        connection: str = DEFAULT_CONNECTION,
        scopes: Iterable[str] | None = None,
        *,
        stale: str | None = None,
        claims_challenge: str | None = None,
    ) -> AccessToken:
        """Refresh now, under the store lock; with ``stale``, only if that token is still current.

        ``stale`` is how a 401 from an API asks for a new token: if another process already
        replaced it, its token is returned and no request is made.
        """
        mode = "stale" if stale is not None else "always"
        if self._record(f"{provider}/{connection}") is None:
            hub = self._hub_serving(provider, connection)
            if hub is not None:  # the Hub refreshes its tokens: ask it again
                return self._from_hub(hub, provider, connection, scopes, stale=stale or "")
        return self._refresh(
            provider, connection, scopes, mode=mode, stale=stale, claims_challenge=claims_challenge
        )

    def _refresh(
        self,
        provider: str,
        connection: str,
        scopes: Iterable[str] | None,
        *,
        mode: str,
        stale: str | None = None,
        claims_challenge: str | None = None,
    ) -> AccessToken:
        """The single-flight refresh; ``mode`` says when the token in the store is good enough.

        ``expired``: any valid token (another process may have refreshed while we waited for
        the lock); ``stale``: any token but ``stale``; ``always``: none.
        """
        key = f"{provider}/{connection}"
        wanted = None if scopes is None else scope_keys(split_scopes(scopes))
        with self._lock, self.store.transaction() as tx:
            self._sync_index()
            current = self._index.lookup(key, wanted)
            if current is not None and (
                mode == "expired" or (mode == "stale" and current != stale)
            ):
                return current
            record = tx.connections.get(key)
            if record is None:
                raise not_signed_in(provider, connection)
            request_scopes = (
                split_scopes(scopes) if scopes is not None else list(record["scopes"])
            )
            engine = self._engine(_engine_of(record))
            refreshed = engine.refresh(
                record,
                request_scopes,
                force=mode != "expired" or claims_challenge is not None,
                claims=claims_challenge,
            )
            result = refreshed.result
            failure = None
            if "access_token" not in result:
                # Remember the failure (the JupyterLab status bar shows it), then raise outside
                # the transaction: raising inside would discard the write.
                failure = refresh_error(engine, result, provider, connection, request_scopes)
                if record.get("refresh_error") != failure.message.splitlines()[0]:
                    record["refresh_error"] = failure.message.splitlines()[0]
                    tx.save()
            elif refreshed.updates or record.get("refresh_error"):
                record.update(refreshed.updates)
                record["last_refresh"] = time.time()
                record.pop("refresh_error", None)
                tx.save()
        if failure is not None:
            raise failure
        expires_at = result.get("expires_at") or time.time() + int(result.get("expires_in", 0))
        return AccessToken(
            result["access_token"],
            provider=provider,
            connection=connection,
            expires_at=float(expires_at),
            scopes=tuple(split_scopes(str(result.get("scope", "")))),
        )

    # -- JupyterHub as a token source (see flows/_hub_token.py) --------------------------
    def _hub_serving(self, provider: str, connection: str) -> HubTokenSource | None:
        """The Hub's token source where it answers for a connection not stored here: ``hub``,
        and ``default`` until the user signs in otherwise.  None when not on a JupyterHub."""
        if provider != DEFAULT_PROVIDER or connection not in (HUB_CONNECTION, DEFAULT_CONNECTION):
            return None
        if not self._hub_looked_up:
            self._hub, self._hub_looked_up = hub_token_source(self.home, provider), True
        return self._hub

    def _from_hub(self, hub: HubTokenSource, provider: str, connection: str, scopes,
                  stale: str | None = None) -> AccessToken:
        try:
            return hub.token(scopes, stale=stale)
        except NotSignedInError as exc:
            if connection == HUB_CONNECTION:
                raise
            base = not_signed_in(provider, connection)
            raise NotSignedInError(f"{base.message}, and {exc.message}",
                                   remedy=f"{base._remedy}; or: {exc.remedy}",
                                   step=base.step) from None

    def _sync_index(self) -> None:
        data = self.store.data()
        if self._index.generation != self.store.generation:
            self._index.rebuild(data["connections"], self.store.generation)

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
        open_browser: bool | Any = True,
        timeout: float | None = None,
        force: bool = False,
        on_event: EventHandler | None = None,
        cancel: threading.Event | None = None,
        redirect: Any = None,
        api_key: str | None = None,
    ) -> Connection:
        """Sign in (or reuse a valid sign-in) and store the connection; see the README."""
        _check_name(connection)
        if flow not in ("auto", "pkce", "device"):
            raise ConfigurationError(
                f"Unknown flow {flow!r}", remedy="use flow='auto', 'pkce' or 'device'"
            )
        emit = on_event or print_event
        definition = load_provider(provider, self.home)
        if definition.auth_type == "api_key" or api_key is not None:  # API keys: see below
            return self._login_with_api_key(definition, connection, api_key, flow=flow,
                                            force=force, emit=emit)
        if definition.auth_type != "oauth2" or definition.oauth is None:
            raise ConfigurationError(
                f"'{provider}' signs in with {definition.auth_type!r}, which authsome_nb does not "
                "support",
                remedy="authsome_nb signs in to OAuth 2.0 / OpenID Connect providers "
                "(auth_type 'oauth2'); use authsome itself for API keys and browser sessions",
            )
        wanted = resolve_scopes(definition, scopes, services)
        key = f"{provider}/{connection}"
        existing = self._record(key)
        hub = self._hub_serving(provider, connection) if existing is None else None
        if hub is not None and (connection == HUB_CONNECTION or (
                flow == "auto" and not force and tenant is None and client_id is None)):
            # Signed in at the Hub: its token serves unless scopes it lacks are asked for.
            asked = None if scopes is None and services is None else wanted
            from_hub = hub.login_connection(connection, asked)
            if from_hub is not None:
                emit(SignedIn(provider, HUB_CONNECTION, from_hub.username, from_hub.display_name))
                return from_hub
        login_hint = None
        if existing is not None and not force:
            same_place = tenant is None or existing["authority"] == definition.authority_for(tenant)
            if covers(existing["scopes"], wanted) and same_place:
                try:
                    self.token(provider, connection)
                    found = self.get(provider, connection)
                    emit(SignedIn(provider, connection, found.username, found.display_name))
                    return found
                except TokenError:
                    pass  # the stored sign-in no longer works: sign in again below
            wanted = dedupe([*existing["scopes"], *wanted])  # incremental consent keeps old scopes
            login_hint = existing.get("username")
        resolved_id = resolve_client_id(definition, client_id)
        secret = client_secret
        if secret is None and not definition.is_microsoft:
            secret = secret_from_env(definition)
            if secret is None and existing and existing.get("client_id") == resolved_id:
                secret = existing.get("client_secret")  # kept encrypted from an earlier sign-in
        authority = definition.authority_for(tenant)
        request = SignInRequest(
            client_id=resolved_id,
            authority=authority,
            scopes=list(wanted),
            flow=flow,
            supports_device_code=definition.offers_device_code,
            client_secret=secret,
            open_browser=open_browser,
            timeout=timeout,
            on_event=emit,
            cancel=cancel,
            redirect=redirect,
            login_hint=login_hint,
            provider=definition,
            registrations=StoredRegistrations(self.store),  # clients registered at sign-in
        )
        engine = self._engine(definition.engine)
        try:
            outcome = engine.sign_in(request)
            require_same_account(existing, outcome.account, key=key, force=force)
        except AuthsomeError as exc:
            emit(Failed(exc, failure_outcome(exc)))  # for event-driven displays; then raise it
            raise
        now = time.time()
        record = {
            "provider": provider,
            "connection": connection,
            "engine": definition.engine,
            "client_id": resolved_id,
            "authority": authority,
            "scopes": list(wanted),
            "flow": outcome.flow,
            "username": outcome.account.username,
            "display_name": outcome.account.display_name,
            "tenant_id": outcome.account.tenant_id,
            "account_id": outcome.account.id,
            "created_at": existing["created_at"] if existing and not force else now,
            "last_refresh": now,
            **outcome.state,
        }
        if secret:
            record["client_secret"] = secret
        try:
            with self._lock, self.store.transaction() as tx:
                tx.connections[key] = record
                tx.save()
        except AuthsomeError as exc:  # e.g. a full disk: nothing stored, said like any failure
            emit(Failed(exc, failure_outcome(exc)))
            raise
        engine.forget(key)
        found = self._connection_of(record)
        emit(SignedIn(provider, connection, found.username, found.display_name))
        return found

    # -- API keys (auth_type "api_key"): the key engine takes and checks the key --------
    def _login_with_api_key(self, definition: Any, connection: str, api_key: str | None, *,
                            flow: Flow, force: bool, emit: EventHandler) -> Connection:
        """Store an API key as the connection; a new key replaces the old one and says so.

        Without ``api_key`` a stored key is reused (``force`` asks for a new one)."""
        key = f"{definition.name}/{connection}"
        existing = self._record(key)
        if existing is not None and api_key is None and not force:
            found = self._connection_of(existing)
            emit(SignedIn(definition.name, connection, None, definition.display_name))
            return found
        request = SignInRequest(client_id="", authority="", scopes=[], flow=flow, on_event=emit,
                                provider=definition, api_key=api_key)
        engine = self._engine("api_key")
        try:
            outcome = engine.sign_in(request)
        except AuthsomeError as exc:
            emit(Failed(exc, failure_outcome(exc)))
            raise
        before = (existing or {}).get("api_key") or {}
        now = time.time()
        record = {"provider": definition.name, "connection": connection, "engine": "api_key",
                  "client_id": None, "authority": None, "scopes": [], "flow": outcome.flow,
                  "username": None, "display_name": "API key", "tenant_id": None,
                  "account_id": None,
                  "created_at": existing["created_at"] if existing else now, "last_refresh": now,
                  **outcome.state}
        with self._lock, self.store.transaction() as tx:
            tx.connections[key] = record
            tx.save()
        replaced = bool(before.get("key")) and before.get("key") != record["api_key"]["key"]
        emit(KeyStored(definition.name, connection, None, definition.display_name,
                       replaced=replaced))
        return self._connection_of(record)

    # -- the rest of the verbs -----------------------------------------------------------
    def logout(
        self, provider: str = DEFAULT_PROVIDER, connection: str = DEFAULT_CONNECTION
    ) -> bool:
        """Remove the connection, its account and all its tokens; False if it did not exist."""
        key = f"{provider}/{connection}"
        if connection == HUB_CONNECTION and self._record(key) is None and self._hub_serving(
                provider, connection) is not None:
            raise ConfigurationError(
                f"{key} is JupyterHub's sign-in, not one of this store",
                remedy="log out of the Hub to end it (JupyterLab: File → Log Out); connections "
                "signed in here sign out with %authsome logout microsoft --connection NAME")
        with self._lock, self.store.transaction() as tx:
            removed = tx.connections.pop(key, None)
            if removed is not None:
                tx.save()
        if removed is not None:
            engine = self._engine(_engine_of(removed))
            engine.forget(key)
            # Where the provider can revoke (RFC 7009), the tokens die at the server too; the
            # local sign-out stands even when the provider cannot be reached.
            with contextlib.suppress(AuthsomeError):
                engine.revoke(removed)
        return removed is not None

    def connections(self, provider: str | None = None) -> list[Connection]:
        data = self.store.data()
        found = [
            self._connection_of(r)
            for r in data["connections"].values()
            if provider is None or r["provider"] == provider
        ]
        hub = self._hub_serving(provider or DEFAULT_PROVIDER, HUB_CONNECTION)
        if hub is not None and f"{DEFAULT_PROVIDER}/{HUB_CONNECTION}" not in data["connections"]:
            from_hub = hub.connection_or_none()  # listed only where the Hub has a token
            found.extend([from_hub] if from_hub is not None else [])
        return sorted(found, key=lambda c: (c.provider, c.connection))

    def get(
        self, provider: str = DEFAULT_PROVIDER, connection: str = DEFAULT_CONNECTION
    ) -> Connection:
        record = self._record(f"{provider}/{connection}")
        if record is None:
            hub = self._hub_serving(provider, connection)
            if hub is not None:
                self._from_hub(hub, provider, connection, None)  # raises when it has no token
                return hub.connection()
            raise not_signed_in(provider, connection)
        return self._connection_of(record)

    def export(
        self,
        provider: str = DEFAULT_PROVIDER,
        connection: str = DEFAULT_CONNECTION,
        *,
        include_refresh_token: bool = False,
    ) -> list[str]:
        """Set the provider's env vars in this process; returns their names (never the values)."""
        definition = load_provider(provider, self.home)
        names = definition.export_names
        if not names.get("access_token"):
            raise ConfigurationError(f"The provider '{provider}' defines no export env var")
        access = self.token(provider, connection).value
        exported = list(names["access_token"])
        if include_refresh_token:
            if not names.get("refresh_token"):
                raise ConfigurationError(
                    f"The provider '{provider}' defines no refresh-token env var"
                )
            refresh = refresh_token_of(self._record(f"{provider}/{connection}") or {})
            if not refresh:
                raise ReauthenticationRequired(
                    f"{provider}/{connection} holds no refresh token",
                    remedy="sign in again: {step}", step=Step.of("login", provider, connection),
                )
            for name in names["refresh_token"]:
                os.environ[name] = refresh
            exported.extend(names["refresh_token"])
        for name in names["access_token"]:
            os.environ[name] = access
        return exported

    def key_source(self) -> str:
        """Which key protects the store (e.g. ``key file /home/me/.authsome_nb/store.key``)."""
        return self.store.key_source_label()

    def reset_store(self) -> Path | None:
        """Move an unreadable store aside (kept, not deleted), start empty; return where it went."""
        with self._lock:
            moved = self.store.reset()
            for engine in self._engines.values():
                engine.forget()
            return moved

    # -- helpers -------------------------------------------------------------------------
    def _record(self, key: str) -> dict | None:
        return self.store.data()["connections"].get(key)

    def _connection_of(self, record: dict) -> Connection:
        return Connection(
            provider=record["provider"],
            connection=record["connection"],
            username=record.get("username"),
            display_name=record.get("display_name"),
            tenant_id=record.get("tenant_id"),
            scopes=tuple(record.get("scopes", ())),
            expires_at=expiry_of(record),
            created_at=record.get("created_at"),
            last_refresh=record.get("last_refresh"),
            client_id=record.get("client_id"),
            authority=record.get("authority"),
            flow=record.get("flow"),
            refresh_error=record.get("refresh_error"),
        )


def _check_name(connection: str) -> None:
    if (
        not isinstance(connection, str)
        or not connection
        or "/" in connection
        or len(connection) > 64
    ):
        raise ConfigurationError(
            f"{connection!r} is not a connection name",
            remedy="use a short name without '/', such as 'work' or 'personal'",
        )


def _engine_of(record: dict) -> str:
    """The engine a record was made by (records written before there were two are MSAL's)."""
    return record.get("engine") or "msal"
