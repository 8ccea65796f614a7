"""The in-memory index behind the token hot path.

Built from the store's typed records whenever its generation changes: for every connection,
the access tokens its engine state holds, with their scopes and expiry (a token that never
expires, as GitHub's may, has ``expires_at`` infinity).  A lookup is two dict reads and a short
scan of that connection's own tokens (one to three), so it costs the same with one connection
or a hundred — unlike MSAL's own lookup, which scans the whole cache when the server returned
more scopes than were asked for (about 60 µs at 100 accounts).
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from .._connection import AccessToken
from .._scopes import scope_keys, served_keys
from ..store import ConnectionRecord

# MSAL treats a token with less than 5 minutes left as expired; so do we, to agree with it.
MIN_VALIDITY_SECONDS = 300


@dataclass(frozen=True)
class _Entry:
    scope_keys: frozenset[str]
    token: AccessToken


class TokenIndex:
    def __init__(self) -> None:
        self.generation = -1
        self._entries: dict[str, list[_Entry]] = {}
        self._default_keys: dict[str, frozenset[str]] = {}

    def rebuild(self, records: Mapping[str, ConnectionRecord], generation: int) -> None:
        entries: dict[str, list[_Entry]] = {}
        defaults: dict[str, frozenset[str]] = {}
        for key, record in records.items():
            defaults[key] = scope_keys(record.default_scopes)
            entries[key] = list(_entries_of(record))
        self._entries, self._default_keys, self.generation = entries, defaults, generation

    def lookup(self, key: str, scopes: frozenset[str] | None,
               min_validity: float = MIN_VALIDITY_SECONDS) -> AccessToken | None:
        """A token of ``key`` covering ``scopes`` (None: the connection's own) that stays valid."""
        candidates = self._entries.get(key)
        if not candidates:
            return None
        wanted = self._default_keys.get(key, frozenset()) if scopes is None else scopes
        horizon = time.time() + min_validity
        for entry in candidates:
            if entry.token.expires_at > horizon and wanted <= entry.scope_keys:
                return entry.token
        return None

    def knows(self, key: str) -> bool:
        return key in self._default_keys


def _entries_of(record: ConnectionRecord) -> Iterator[_Entry]:
    for held in record.access_tokens():
        yield _Entry(served_keys(held.serves),
                     AccessToken(held.secret, provider=record.provider,
                                 connection=record.connection, expires_at=held.expires_at,
                                 scopes=held.scopes))


def expiry_of(record: ConnectionRecord) -> float | None:
    """When the connection's default-scope token expires (None if it has none)."""
    wanted = scope_keys(record.default_scopes)
    best = None
    for entry in _entries_of(record):
        if wanted <= entry.scope_keys and (best is None or entry.token.expires_at > best):
            best = entry.token.expires_at
    return best
