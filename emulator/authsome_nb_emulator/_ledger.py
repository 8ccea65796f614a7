"""What the emulator was asked: counters for assertions and a short log for debugging.

Entries hold the method, host, path, query, endpoint, status, whether an Authorization
header was present and the grant type: never a token, code or secret, so a log can be
printed in a failing test without leaking anything.
"""

from __future__ import annotations

import threading
from collections import Counter, deque
from typing import Any

ENDPOINTS = ("token", "devicecode", "authorize", "openid-configuration", "instance-discovery",
             "graph", "batch", "devicelogin", "logout", "jwks", "other")
_KEY_FIELDS = ("endpoint", "method", "host", "path", "grant_type", "status",
               "has_authorization", "batch")
_FILTERS = frozenset(_KEY_FIELDS) | {"path_prefix"}


class Ledger:
    def __init__(self, keep: int = 2000) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[tuple[Any, ...]] = Counter()
        self._recent: deque[dict[str, Any]] = deque(maxlen=keep)

    def record(self, entry: dict[str, Any]) -> None:
        key = tuple(entry.get(name) for name in _KEY_FIELDS)
        with self._lock:
            self._counts[key] += 1
            self._recent.append(entry)

    def count(self, endpoint: str, **filters: Any) -> int:
        unknown = set(filters) - _FILTERS
        if unknown:
            raise TypeError(f"unknown count filter(s) {sorted(unknown)}; use {sorted(_FILTERS)}")
        prefix = filters.pop("path_prefix", None)
        wanted = [(i, filters[name]) for i, name in enumerate(_KEY_FIELDS) if name in filters]
        total = 0
        with self._lock:
            for key, n in self._counts.items():
                if key[0] != endpoint:
                    continue
                if prefix is not None and not str(key[3]).startswith(prefix):
                    continue
                if all(key[i] == value for i, value in wanted):
                    total += n
        return total

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()
            self._recent.clear()

    def recent(self) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(e) for e in self._recent]
