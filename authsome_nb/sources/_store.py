"""The store's token source: connections signed in here, kept in the encrypted store.

The token hot path (:meth:`StoreSource.token`) is a ``stat`` of the store and a dict lookup.
Only when no valid token is in memory does it reload the store, and only when the store has
none either does it refresh — under the store's inter-process lock, after reloading again,
so that N kernels reaching expiry together make one refresh between them and nobody uses a
refresh token another process has just rotated away.

The sign-in engines (MSAL's, the generic OAuth one) belong here: they are what turns a
record's state into a fresh token.  Signing in stores its outcome through :meth:`save`.
"""

from __future__ import annotations

import contextlib
import threading
import time
from pathlib import Path

from .._connection import AccessToken, Connection
from .._scopes import covers, scope_keys, split_scopes
from ..errors import AuthsomeError, TokenError
from ..flows import Engine, Refreshed, new_engine
from ..store import ConnectionRecord, EncryptedStore, Transaction
from ._errors import not_signed_in, refresh_error
from ._protocol import SignInAsk
from ._token_index import TokenIndex, expiry_of


class StoreSource:
    """The connections of the store in ``home``, and the engines that refresh them."""

    def __init__(self, home: Path) -> None:
        self.store = EncryptedStore(home)
        self._index = TokenIndex()
        self._engines: dict[str, Engine] = {}
        self._lock = threading.RLock()

    def engine(self, name: str) -> Engine:
        """The engine of kind ``name`` (``msal``, ``oauth2`` …), made on first use."""
        found = self._engines.get(name)
        if found is None:
            found = self._engines.setdefault(name, new_engine(name))
        return found

    # -- tokens ------------------------------------------------------------------------------
    def token(self, provider: str, connection: str,
              scopes: tuple[str, ...] | None) -> AccessToken | None:
        key = f"{provider}/{connection}"
        wanted = None if scopes is None else scope_keys(scopes)
        store, index = self.store, self._index
        if store.is_current() and index.generation == store.generation:
            found = index.lookup(key, wanted)
            if found is not None or not index.knows(key):
                return found
        with self._lock:
            self._sync_index()
            found = self._index.lookup(key, wanted)
            if found is not None or not self._index.knows(key):
                return found
        return self._refresh(provider, connection, scopes, mode="expired")

    def refresh(self, provider: str, connection: str, scopes: tuple[str, ...] | None, *,
                stale: str | None, claims: str | None) -> AccessToken | None:
        if f"{provider}/{connection}" not in self.store.records():
            return None
        return self._refresh(provider, connection, scopes, mode="always" if stale is None
                             else "stale", stale=stale, claims=claims)

    def _refresh(self, provider: str, connection: str, scopes: tuple[str, ...] | None, *,
                 mode: str, stale: str | None = None,
                 claims: str | None = None) -> AccessToken:
        """The single-flight refresh; ``mode`` says when the token in the store is good enough.

        ``expired``: any valid token (another process may have refreshed while we waited for
        the lock); ``stale``: any token but ``stale``; ``always``: none.
        """
        key = f"{provider}/{connection}"
        wanted = None if scopes is None else scope_keys(scopes)
        with self._lock, self.store.transaction() as tx:
            self._sync_index()
            current = self._index.lookup(key, wanted)
            if current is not None and (mode == "expired" or (mode == "stale"
                                                              and current != stale)):
                return current
            record = tx.record(key)
            if record is None:
                raise not_signed_in(provider, connection)
            asked = list(scopes) if scopes is not None else list(record.default_scopes)
            engine = self.engine(record.engine)
            refreshed = engine.refresh(record, asked, force=mode != "expired" or bool(claims),
                                       claims=claims)
            failure = self._keep(tx, record, engine, refreshed, asked)
        if failure is not None:
            raise failure  # outside the transaction: raising inside would discard the write
        return _access_token(refreshed, provider, connection)

    @staticmethod
    def _keep(tx: Transaction, record: ConnectionRecord, engine: Engine, refreshed: Refreshed,
              asked: list[str]) -> TokenError | None:
        """Store what the refresh changed, or remember its failure (the status bar shows it)."""
        result = refreshed.result
        if "access_token" not in result:
            failure = refresh_error(engine, result, record.provider, record.connection, asked)
            summary = failure.message.splitlines()[0]
            if record.refresh_error != summary:
                tx.put(record.replace(refresh_error=summary))
            return failure
        if refreshed.state is not None or record.refresh_error:
            tx.put(record.replace(state=refreshed.state or record.state,
                                  last_refresh=time.time(), refresh_error=None))
        return None

    def _sync_index(self) -> None:
        records = self.store.records()
        if self._index.generation != self.store.generation:
            self._index.rebuild(records, self.store.generation)

    # -- connections -------------------------------------------------------------------------
    def record(self, provider: str, connection: str) -> ConnectionRecord | None:
        return self.store.records().get(f"{provider}/{connection}")

    def connection(self, provider: str, connection: str) -> Connection | None:
        record = self.record(provider, connection)
        return None if record is None else connection_of(record)

    def connections(self, provider: str | None) -> list[Connection]:
        return [connection_of(record) for record in self.store.records().values()
                if provider is None or record.provider == provider]

    def reuse(self, ask: SignInAsk) -> Connection | None:
        """The stored connection, when it already has the scopes, in the place asked for, and
        its sign-in still works (a refresh that fails means: sign in again)."""
        existing = ask.existing
        if existing is None or ask.force or ask.new_key:
            return None
        same_place = ask.tenant is None or existing.authority == ask.provider.authority_for(
            ask.tenant)
        if not (covers(existing.scopes, ask.wanted) and same_place):
            return None
        try:
            self.token(existing.provider, existing.connection, None)
        except TokenError:
            return None
        return self.connection(existing.provider, existing.connection)

    def refresh_token(self, provider: str, connection: str) -> str | None:
        record = self.record(provider, connection)
        return None if record is None else record.refresh_token()

    # -- writing -----------------------------------------------------------------------------
    def save(self, record: ConnectionRecord) -> None:
        """Store a sign-in's record (replacing the connection's), all or nothing."""
        with self._lock, self.store.transaction() as tx:
            tx.put(record)
        self.engine(record.engine).forget(record.key)

    def sign_out(self, provider: str, connection: str) -> bool | None:
        """Remove the connection and its tokens (None: not stored here), and revoke them at the
        provider where it can (RFC 7009); the local sign-out stands if the provider is away."""
        key = f"{provider}/{connection}"
        with self._lock, self.store.transaction() as tx:
            removed = tx.remove(key)
        if removed is None:
            return None
        engine = self.engine(removed.engine)
        engine.forget(key)
        with contextlib.suppress(AuthsomeError):
            engine.revoke(removed)
        return True

    def reset(self) -> Path | None:
        """Move an unreadable store aside (kept, not deleted), start empty."""
        with self._lock:
            moved = self.store.reset()
            for engine in self._engines.values():
                engine.forget()
            return moved


def connection_of(record: ConnectionRecord) -> Connection:
    account = record.account
    return Connection(
        provider=record.provider, connection=record.connection, username=account.username,
        display_name=account.display_name, tenant_id=account.tenant_id, scopes=record.scopes,
        expires_at=expiry_of(record), created_at=record.created_at,
        last_refresh=record.last_refresh, client_id=record.client_id,
        authority=record.authority, flow=record.flow, refresh_error=record.refresh_error,
    )


def _access_token(refreshed: Refreshed, provider: str, connection: str) -> AccessToken:
    result = refreshed.result
    expires_at = result.get("expires_at") or time.time() + int(result.get("expires_in", 0))
    return AccessToken(result["access_token"], provider=provider, connection=connection,
                       expires_at=float(expires_at),
                       scopes=tuple(split_scopes(str(result.get("scope", "")))))
