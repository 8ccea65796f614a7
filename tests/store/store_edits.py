"""A connection written into a store the way the session writes one: under its transaction."""

from __future__ import annotations

from authsome_nb.store import EncryptedStore


def put(store: EncryptedStore, name: str, **fields) -> None:
    with store.transaction() as tx:
        tx.connections[name] = {"provider": "microsoft", "connection": name, **fields}
        tx.save()
