"""oauthenticator hooks that make the Hub refresh Entra tokens *before* they expire.

oauthenticator refreshes in ``refresh_user`` (called when a request comes after
``auth_refresh_age``) only once its access token *fails*: the stock ``AzureAdOAuthenticator``
never presents it (so never refreshes), and ``GenericOAuthenticator`` with Graph ``/me`` as
``userdata_url`` refreshes only after expiry — a kernel then waits up to ``auth_refresh_age``
with a dead token.  With these two hooks the Hub refreshes when less than a fifth of the
token's lifetime (at most 10 minutes) is left::

    c.OAuthenticator.modify_auth_state_hook = stamp_expiry
    c.OAuthenticator.refresh_user_hook = refresh_before_expiry

Kernels ask again when a tenth (at most 5 minutes) is left, so with ``auth_refresh_age`` of
5 minutes or less they always find a fresh token.  The refresh itself is oauthenticator's own
(its token request and user-model code); the Hub does not serialise refreshes of one user,
so the hook does, per user, within the Hub process.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

from ..sources import jwt_claims

#: refresh when less than this share of the lifetime is left (and at most this many seconds)
SHARE_LEFT, MOST_SECONDS = 0.2, 600.0
EXPIRES_AT = "expires_at"

_locks: dict[str, asyncio.Lock] = {}


def stamp_expiry(authenticator: Any, auth_state: dict) -> dict:
    """``modify_auth_state_hook``: record when the access token expires (``expires_at``)."""
    response = auth_state.get("token_response") or {}
    # Without expires_in, refresh_before_expiry falls back to the token's own exp claim.
    with contextlib.suppress(KeyError, TypeError, ValueError):
        auth_state[EXPIRES_AT] = time.time() + float(response["expires_in"])
    return auth_state


def due(auth_state: dict | None, now: float | None = None) -> bool:
    """Whether the access token in ``auth_state`` should be refreshed now."""
    if not auth_state or not auth_state.get("refresh_token"):
        return False
    claims = jwt_claims(auth_state.get("access_token")) or {}
    expires_at = auth_state.get(EXPIRES_AT) or claims.get("exp")
    response = auth_state.get("token_response") or {}
    lifetime = response.get("expires_in") or (
        claims["exp"] - claims["iat"] if "exp" in claims and "iat" in claims else None)
    if not isinstance(expires_at, int | float) or not isinstance(lifetime, int | float | str):
        return False
    left = float(expires_at) - (time.time() if now is None else now)
    return left < min(MOST_SECONDS, SHARE_LEFT * float(lifetime))


async def refresh_before_expiry(authenticator: Any, user: Any, auth_state: dict | None) -> Any:
    """``refresh_user_hook``: a new token from the refresh token once one is :func:`due`.

    Returns None while the token has time left (oauthenticator's own check follows), the
    new auth model after a refresh, True when another request just refreshed it, and False
    (sign in again) when the identity platform refused the refresh token.
    """
    if not due(auth_state):
        return None
    lock = _locks.setdefault(user.name, asyncio.Lock())
    async with lock:
        current = await user.get_auth_state()
        if not due(current):
            return True  # refreshed by a request that held the lock before us
        refresh_token = current["refresh_token"]
        params = authenticator.build_refresh_token_request_params(refresh_token)
        try:
            token_info = await authenticator.get_token_info(None, params)
        except Exception as exc:  # what oauthenticator's refresh_user does on a failed refresh
            authenticator.log.info(f"Refreshing {user.name}'s token before expiry failed: "
                                   f"{type(exc).__name__}. Requiring fresh login.")
            return False
        if not token_info.get("refresh_token"):  # Microsoft rotates it; others may not
            token_info["refresh_token"] = refresh_token
        authenticator.log.info(f"Refreshed {user.name}'s access token before expiry")
        return await authenticator._token_to_auth_model(token_info)
