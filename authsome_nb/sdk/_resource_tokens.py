"""A connection's tokens for any resource its sign-in reaches, by the scopes an SDK asks for.

SDKs ask Microsoft for ``<resource>/.default`` ("whatever this app may do at that API"), and
the identity platform answers with the permissions it granted
(``https://storage.azure.com/user_impersonation``); MSAL keys its cache on that answer, so a
second ``.default`` request would never find the first token and would refresh every time.
Here the first answer is remembered: later requests ask the session for the granted scopes,
which its hot path finds in memory (one ``stat``), and which its single-flight refresh renews
at expiry — so eight children asking at once still make one refresh.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterable
from typing import TYPE_CHECKING

from .._scopes import split_scopes

if TYPE_CHECKING:
    from .._connection import AccessToken
    from .._session import Session


class ResourceTokens:
    """Tokens of one session's connections for the scopes SDKs ask for."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._granted: dict[tuple[str, str, tuple[str, ...]], tuple[str, ...]] = {}
        self._first_asks: dict[tuple[str, str, tuple[str, ...]], threading.Lock] = {}
        self._lock = threading.Lock()

    def token(self, provider: str, connection: str,
              scopes: Iterable[str] | None = None) -> AccessToken:
        """A valid token of ``provider/connection`` for ``scopes`` (None: the sign-in's own)."""
        wanted = tuple(sorted(set(split_scopes(scopes))))
        if not wanted:
            return self._session.token(provider, connection)
        key = (provider, connection, wanted)
        granted = self._granted.get(key)
        if granted is not None:
            return self._session.token(provider, connection, granted)
        with self._lock:
            first_ask = self._first_asks.setdefault(key, threading.Lock())
        with first_ask:  # one first request per scope set: the others wait and reuse it
            granted = self._granted.get(key)
            if granted is not None:
                return self._session.token(provider, connection, granted)
            token = self._session.token(provider, connection, wanted)
            if token.scopes:
                self._granted[key] = tuple(token.scopes)
            return token

    def refresh(self, provider: str, connection: str, scopes: Iterable[str] | None, *,
                stale: str | None = None, claims_challenge: str | None = None) -> AccessToken:
        """A new token for ``scopes`` (a CAE claims challenge, or a token an API refused)."""
        wanted = tuple(sorted(set(split_scopes(scopes))))
        asked = self._granted.get((provider, connection, wanted), wanted) or None
        return self._session.refresh(provider, connection, asked, stale=stale,
                                     claims_challenge=claims_challenge)


_per_session: weakref.WeakKeyDictionary[Session, ResourceTokens] = weakref.WeakKeyDictionary()
_per_session_lock = threading.Lock()


def resource_tokens(session: Session) -> ResourceTokens:
    """The :class:`ResourceTokens` of ``session`` (one per session, shared by its users)."""
    with _per_session_lock:
        found = _per_session.get(session)
        if found is None:
            found = _per_session[session] = ResourceTokens(session)
        return found
