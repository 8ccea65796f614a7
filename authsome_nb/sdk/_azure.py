"""An azure-core credential over a connection: what msgraph-sdk and every Azure SDK take.

``MicrosoftCredential`` is a ``TokenCredential`` and a ``SupportsTokenInfo``;
``AsyncMicrosoftCredential`` is its ``AsyncTokenCredential`` twin.  Both ask the connection's
session for a token for the scopes the SDK names (``https://storage.azure.com/.default``):
MSAL gets it silently with the connection's refresh token, under the store's single-flight
refresh, and a resource the user never consented to raises ``ConsentRequiredError`` naming
the sign-in that grants it.  Importing this module imports azure-core: it is imported only
when ``an.credential("microsoft")`` is called.
"""

from __future__ import annotations

import asyncio
import math
import time
from typing import TYPE_CHECKING, Any

from ..errors import ConfigurationError
from . import missing_extra

try:
    from azure.core.credentials import AccessToken, AccessTokenInfo, TokenRequestOptions
except ImportError:  # pragma: no cover - exercised by a test without the extra
    raise missing_extra("azure", "an.credential('microsoft') returns an azure-core "
                        "credential: azure-core") from None

if TYPE_CHECKING:
    from .._connection import AccessToken as Token
    from .._session import Session

#: azure-core refreshes a token at ``refresh_on``; ours are renewed 5 minutes before expiry.
REFRESH_MARGIN_SECONDS = 300


class MicrosoftCredential:
    """``TokenCredential`` + ``SupportsTokenInfo`` for ``provider/connection`` of ``session``."""

    def __init__(self, session: Session, provider: str, connection: str) -> None:
        self._session, self._provider, self._connection = session, provider, connection

    def __repr__(self) -> str:
        return f"<MicrosoftCredential {self._provider}/{self._connection}>"

    def get_token(self, *scopes: str, claims: str | None = None, tenant_id: str | None = None,
                  enable_cae: bool = False, **kwargs: Any) -> AccessToken:
        """azure-core's ``TokenCredential.get_token``: ``AccessToken(token, expires_on)``."""
        token = self._token(scopes, claims, tenant_id)
        return AccessToken(token.value, _epoch(token))

    def get_token_info(self, *scopes: str,
                       options: TokenRequestOptions | None = None) -> AccessTokenInfo:
        """azure-core's ``SupportsTokenInfo.get_token_info``."""
        options = options or {}
        token = self._token(scopes, options.get("claims"), options.get("tenant_id"))
        expires_on = _epoch(token)
        return AccessTokenInfo(token.value, expires_on, token_type="Bearer",
                               refresh_on=max(int(time.time()),
                                              expires_on - REFRESH_MARGIN_SECONDS))

    def _token(self, scopes: tuple[str, ...], claims: str | None,
               tenant_id: str | None) -> Token:
        if not scopes:
            raise ValueError("get_token needs at least one scope, such as "
                             "'https://graph.microsoft.com/.default'")
        self._check_tenant(tenant_id)
        if claims:  # a Continuous Access Evaluation challenge: a new token, with the claims
            return self._session.refresh(self._provider, self._connection, scopes,
                                         claims_challenge=claims)
        return self._session.token(self._provider, self._connection, scopes)

    def _check_tenant(self, tenant_id: str | None) -> None:
        if not tenant_id:
            return
        signed_in = self._session.get(self._provider, self._connection).tenant_id
        if signed_in and tenant_id.lower() != signed_in.lower():
            raise ConfigurationError(
                f"A token for tenant {tenant_id} was asked of {self._provider}/"
                f"{self._connection}, which is signed in to tenant {signed_in}",
                remedy=f"sign in a connection to that tenant: an.login('{self._provider}', "
                f"connection='{tenant_id[:8]}', tenant='{tenant_id}')",
            )

    def close(self) -> None:
        """Nothing to release: the session outlives the credential."""

    def __enter__(self) -> MicrosoftCredential:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class AsyncMicrosoftCredential:
    """The ``AsyncTokenCredential`` twin: the same tokens, a refresh off the event loop."""

    def __init__(self, session: Session, provider: str, connection: str) -> None:
        self._sync = MicrosoftCredential(session, provider, connection)

    def __repr__(self) -> str:
        return repr(self._sync).replace("<Microsoft", "<AsyncMicrosoft")

    async def get_token(self, *scopes: str, claims: str | None = None,
                        tenant_id: str | None = None, enable_cae: bool = False,
                        **kwargs: Any) -> AccessToken:
        # A refresh is network I/O under a file lock: never on the notebook's event loop.
        return await asyncio.to_thread(self._sync.get_token, *scopes, claims=claims,
                                       tenant_id=tenant_id, enable_cae=enable_cae)

    async def get_token_info(self, *scopes: str,
                             options: TokenRequestOptions | None = None) -> AccessTokenInfo:
        return await asyncio.to_thread(self._sync.get_token_info, *scopes, options=options)

    async def close(self) -> None:
        """Nothing to release."""

    async def __aenter__(self) -> AsyncMicrosoftCredential:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()


def _epoch(token: Token) -> int:
    """``expires_on`` as azure-core wants it: whole seconds (a far date for "never")."""
    return int(token.expires_at) if math.isfinite(token.expires_at) else 2**31 - 1
