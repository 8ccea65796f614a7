"""The in-memory index behind the token hot path.

Built from the decoded store whenever its generation changes: for every connection, its
access tokens with their scopes and expiry — those of its MSAL cache (Microsoft), the one
token of the generic OAuth engine's ``oauth2`` entry (a token that never expires, as GitHub's
may, has ``expires_at`` infinity), or an API-key connection's key (``api_key``: a token that
never expires and has no scopes).  A lookup is two dict reads
and a short scan of that connection's own tokens (one to three), so it costs the same with
one connection or a hundred — unlike MSAL's own lookup, which scans the whole cache when the
server returned more scopes than were asked for (about 60 µs at 100 accounts).
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ._connection import AccessToken
from ._scopes import scope_keys

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

    def rebuild(self, connections: Mapping[str, Mapping[str, Any]], generation: int) -> None:
        entries: dict[str, list[_Entry]] = {}
        defaults: dict[str, frozenset[str]] = {}
        for key, record in connections.items():
            defaults[key] = scope_keys(record.get("scopes", ()))
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


def _entries_of(record: Mapping[str, Any]) -> Iterable[_Entry]:
    provider, connection = record["provider"], record["connection"]
    # -- an API-key connection: its key is its token, forever --------------------------
    key = (record.get("api_key") or {}).get("key")
    if isinstance(key, str) and key:
        yield _Entry(frozenset(), AccessToken(key, provider=provider, connection=connection,
                                              expires_at=math.inf))
        return
    tokens = record.get("oauth2")
    if tokens is not None:
        entry = _oauth2_entry(tokens, record, provider, connection)
        if entry is not None:
            yield entry
        return
    cache = record.get("msal_cache") or {}
    for item in (cache.get("AccessToken") or {}).values():
        try:
            expires_at = float(item["expires_on"])
            secret = item["secret"]
        except (KeyError, TypeError, ValueError):
            continue
        target = tuple(item.get("target", "").split())
        yield _Entry(
            scope_keys(target),
            AccessToken(secret, provider=provider, connection=connection, expires_at=expires_at,
                        scopes=target),
        )


def _oauth2_entry(tokens: Mapping[str, Any], record: Mapping[str, Any], provider: str,
                  connection: str) -> _Entry | None:
    secret = tokens.get("access_token")
    if not isinstance(secret, str) or not secret:
        return None
    expires_at = tokens.get("expires_at")
    expires_at = math.inf if expires_at is None else float(expires_at)
    granted = tuple(tokens.get("scopes") or ())
    # Providers spell granted scopes their own way (Google answers `email` with
    # .../auth/userinfo.email): the token serves what was asked for and what was granted.
    keys = scope_keys(granted) | scope_keys(record.get("scopes", ()))
    return _Entry(keys, AccessToken(secret, provider=provider, connection=connection,
                                    expires_at=expires_at, scopes=granted))


def refresh_token_of(record: Mapping[str, Any]) -> str | None:
    """The connection's refresh token (for an explicit export), None if it has none."""
    tokens = record.get("oauth2")
    if tokens is not None:
        return tokens.get("refresh_token") or None
    cache = record.get("msal_cache") or {}
    for item in (cache.get("RefreshToken") or {}).values():
        if item.get("secret"):
            return str(item["secret"])
    return None


def expiry_of(record: Mapping[str, Any]) -> float | None:
    """When the connection's default-scope token expires (None if it has none)."""
    wanted = scope_keys(record.get("scopes", ()))
    best = None
    for entry in _entries_of(record):
        if wanted <= entry.scope_keys and (best is None or entry.token.expires_at > best):
            best = entry.token.expires_at
    return best
