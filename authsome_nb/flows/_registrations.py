"""Where clients registered at sign-in (RFC 7591) are kept: the encrypted store.

One entry per provider under ``registrations`` (beside ``connections``): the client id, a
secret if the server issued one, its expiry, the redirect URIs registered and the endpoint
that registered it.  The session hands this to the engine; kept out of ``oauth2`` so that the
session does not import the OAuth library to build it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..store import EncryptedStore


class StoredRegistrations:
    """Registered clients in the encrypted store, one per provider: ``registrations``."""

    def __init__(self, store: EncryptedStore) -> None:
        self.store = store
        self.home = store.home

    def get(self, provider: str) -> dict[str, Any] | None:
        found = (self.store.data().get("registrations") or {}).get(provider)
        return dict(found) if isinstance(found, dict) else None

    def put(self, provider: str, registration: dict[str, Any]) -> None:
        with self.store.transaction() as tx:
            tx.data.setdefault("registrations", {})[provider] = registration
            tx.save()
