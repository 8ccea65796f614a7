"""Token sources: where a connection's tokens come from (see :mod:`._protocol`).

* :class:`StoreSource`: connections signed in here, in the encrypted store, refreshed by their
  engine under the store's lock.
* :class:`HubSource`: on a JupyterHub that signs its users in with Microsoft, the Hub's token
  for the user (``microsoft/hub``, and ``microsoft/default`` until one is signed in here).

:func:`token_sources` gives a session its sources in the order it asks them.
"""

from __future__ import annotations

from pathlib import Path

from ._errors import not_signed_in, refresh_error
from ._hub import HubSource, hub_source
from ._hub_token import HUB_CONNECTION, HUB_FLOW, jwt_claims, margin_for
from ._protocol import SignInAsk, TokenSource
from ._store import StoreSource, connection_of

__all__ = [
    "HUB_CONNECTION",
    "HUB_FLOW",
    "HubSource",
    "SignInAsk",
    "StoreSource",
    "TokenSource",
    "connection_of",
    "jwt_claims",
    "margin_for",
    "not_signed_in",
    "refresh_error",
    "token_sources",
]


def token_sources(home: Path, store: StoreSource) -> tuple[TokenSource, ...]:
    """The sources a session asks, in order: its store, then what the place it runs offers."""
    hub = hub_source(home)
    return (store,) if hub is None else (store, hub)
