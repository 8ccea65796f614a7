"""Where a connection's tokens come from: one seam, several sources.

A session asks its sources in order — its own encrypted store first, then whatever the place
it runs in offers (JupyterHub's token for the user) — and the first that knows a connection
serves it.  Each method answers ``None`` for "not mine", so the session never asks which kind
of source it is talking to, and a new source (a managed-identity endpoint, an environment
token) is one class, not a branch in every verb.

This is google-auth's ``Credentials`` seam (one abstract way to get and refresh a token; a
user, a service account and a metadata server are each one class) applied per connection.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from .._connection import AccessToken, Connection
    from .._providers import Provider
    from ..store import ConnectionRecord


@dataclass(frozen=True)
class SignInAsk:
    """What a sign-in asks for, as a source needs to know it to serve it without one."""

    provider: Provider
    connection: str
    engine: str  # what signs in: "msal", "oauth2", "api_key"
    wanted: tuple[str, ...]  # the resource scopes the connection should end up with
    scopes_named: bool  # the caller named scopes or services (else: the definition's defaults)
    flow: str
    force: bool
    tenant: str | None
    client_id: str | None
    existing: ConnectionRecord | None  # the stored connection of that name, if any
    new_key: bool = False  # the caller brings a new API key: nothing stored stands in for it


class TokenSource(Protocol):
    """A source of connections and their tokens.  ``None`` means "not mine": ask the next."""

    def token(self, provider: str, connection: str,
              scopes: tuple[str, ...] | None) -> AccessToken | None:
        """A valid token covering ``scopes`` (None: the connection's own), refreshed if needed."""

    def refresh(self, provider: str, connection: str, scopes: tuple[str, ...] | None, *,
                stale: str | None, claims: str | None) -> AccessToken | None:
        """A new token now; with ``stale``, only if that token is still the current one."""

    def connection(self, provider: str, connection: str) -> Connection | None:
        """The connection's account and status (never a token)."""

    def connections(self, provider: str | None) -> list[Connection]:
        """Every connection this source serves (of ``provider``, if given)."""

    def reuse(self, ask: SignInAsk) -> Connection | None:
        """The connection, if this source can serve the sign-in ``ask`` without a new one."""

    def sign_out(self, provider: str, connection: str) -> bool | None:
        """Forget the connection (True), or say why it cannot be (an error)."""

    def refresh_token(self, provider: str, connection: str) -> str | None:
        """The connection's refresh token, for an explicit export (None: none here)."""
