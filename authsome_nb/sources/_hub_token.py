"""What JupyterHub's ``auth_state`` says about the user's Microsoft token.

oauthenticator keeps the Entra tokens in the user's ``auth_state``; this module reads the access
token out of it (never the refresh token, which is dropped as soon as the answer is parsed: the
Hub stays the only party that refreshes), checks that it is a Microsoft Graph token, and says
when to ask again.  :mod:`._hub` is the token source built on it.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from .._providers import Provider
from .._scopes import dedupe, scope_keys, split_scopes
from ..errors import ConsentRequiredError, NotSignedInError, Step

HUB_CONNECTION = "hub"
HUB_FLOW = "jupyterhub"

#: Microsoft Graph's application id, the ``aud`` of its access tokens (in every cloud).
GRAPH_AUDIENCES = frozenset({"00000003-0000-0000-c000-000000000000",
                             "https://graph.microsoft.com", "https://graph.microsoft.com/"})
_OIDC_SCOPES = frozenset({"openid", "profile", "email", "offline_access"})
UNAVAILABLE_FOR = 30.0  # seconds a "the Hub has no token for you" answer is remembered
README_SECTION = "README, section JupyterHub"


def margin_for(lifetime: float) -> float:
    """Ask the Hub again when this much is left: a tenth of the lifetime, 1 s to 5 min."""
    return min(300.0, max(lifetime / 10, 1.0))


@dataclass(frozen=True)
class HubToken:
    """The Hub's access token for this user, with what we need to know about it."""

    value: str
    expires_at: float
    lifetime: float
    scopes: tuple[str, ...]
    username: str | None
    display_name: str | None
    tenant_id: str | None
    client_id: str | None

    def __repr__(self) -> str:
        return f"<HubToken {self.username} (masked), expires {self.expires_at:.0f}>"

    def fresh(self, now: float) -> bool:
        return self.expires_at - now > margin_for(self.lifetime)

    def valid(self, now: float) -> bool:
        return self.expires_at - now > min(30.0, max(self.lifetime / 30, 0.5))


def jwt_claims(token: str | None) -> dict[str, Any] | None:
    """The payload of a JWT-shaped token, unverified (None if it is not one).

    Only used to read what the Hub's token says about itself (expiry, audience, tenant):
    the Hub, which obtained it from the identity platform, is the party we trust.
    """
    parts = (token or "").split(".")
    if len(parts) != 3:
        return None
    try:
        payload = base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4))
        claims = json.loads(payload)
    except (ValueError, UnicodeDecodeError):
        return None
    return claims if isinstance(claims, dict) else None


def parse_auth_state(auth_state: Any, provider: Provider, user: str,
                     now: float | None = None) -> HubToken:
    """The Microsoft Graph token in oauthenticator's ``auth_state``, or why there is none."""
    now = time.time() if now is None else now
    if not isinstance(auth_state, dict):
        raise unavailable(
            f"JupyterHub gives this server no auth_state for {user}",
            "the Hub admin sets c.Authenticator.enable_auth_state = True (JUPYTERHUB_CRYPT_KEY "
            "set) and grants admin:auth_state!user to both the 'user' and the 'server' roles "
            f"({README_SECTION})")
    value = auth_state.get("access_token")
    if not isinstance(value, str) or not value:
        raise unavailable(f"JupyterHub's auth_state for {user} holds no access token",
                           "the Hub's authenticator must keep its tokens in auth_state "
                           f"(oauthenticator does, with enable_auth_state) ({README_SECTION})")
    claims = jwt_claims(value) or {}
    user_info = _user_info(auth_state)
    id_claims = jwt_claims(auth_state.get("id_token")) or {}
    _check_microsoft(claims, id_claims, provider, user)
    token_response = auth_state.get("token_response")
    response: dict[str, Any] = token_response if isinstance(token_response, dict) else {}
    lifetime = _number(response.get("expires_in"))
    if lifetime is None and _number(claims.get("exp")) and _number(claims.get("iat")):
        lifetime = float(claims["exp"]) - float(claims["iat"])
    expires_at = _number(auth_state.get("expires_at")) or _number(claims.get("exp"))
    if expires_at is None:  # neither stamped by the Hub's hook nor readable: ask again soon
        expires_at, lifetime = now + 600.0, 3600.0
    granted = auth_state.get("scope") or response.get("scope") or claims.get("scp") or ()
    scopes = dedupe(s for s in split_scopes(granted) if s.lower() not in _OIDC_SCOPES)
    return HubToken(
        value=value, expires_at=expires_at, lifetime=lifetime or 3600.0, scopes=scopes,
        username=_first(user_info, "userPrincipalName", "preferred_username", "upn", "mail",
                        "email") or _first(id_claims, "preferred_username", "upn", "email")
        or _first(claims, "upn", "unique_name"),
        display_name=_first(user_info, "displayName", "name") or _first(id_claims, "name"),
        tenant_id=_first(claims, "tid") or _first(id_claims, "tid") or _first(user_info, "tid"),
        client_id=_first(claims, "appid", "azp") or _first(id_claims, "aud"),
    )


def missing_scopes_error(provider: Provider, granted: Iterable[str], wanted: Iterable[str],
                         ) -> ConsentRequiredError:
    """Which scopes the Hub's token lacks, and the sign-in that gets them."""
    missing = sorted(scope_keys(wanted) - scope_keys(granted))
    names = [s for s in split_scopes(wanted) if s.lower() in missing] or missing
    service = next((name for name, preset in provider.services.items()
                    if set(missing) <= scope_keys(preset)), None)
    asked = {"services": [service]} if service else {"scopes": names}
    return ConsentRequiredError(
        f"JupyterHub's token (microsoft/hub) does not include {', '.join(names)}: the Hub "
        f"asked Microsoft only for {' '.join(granted) or 'no Graph scopes'}",
        remedy="sign in for it in this notebook: {step} (a connection of your own; the Hub "
        "service's callback makes that PKCE in this browser), or ask the Hub admin to add it "
        "to the authenticator's scope",
        step=Step.of("login", provider.name, None, **asked))


def unavailable(message: str, remedy: str) -> NotSignedInError:
    return NotSignedInError(message, remedy=remedy)


def _check_microsoft(claims: dict[str, Any], id_claims: dict[str, Any], provider: Provider,
                     user: str) -> None:
    """Refuse a token that is not Microsoft Graph's: a Hub may sign in with GitHub or Google."""
    audience = claims.get("aud")
    if isinstance(audience, str) and audience in GRAPH_AUDIENCES:
        return
    issuer_host = urlsplit(str(id_claims.get("iss") or "")).netloc.lower()
    authority_host = urlsplit(provider.authority_for(None)).netloc.lower()
    if not audience and issuer_host and issuer_host == authority_host:
        return  # an opaque access token (personal accounts) from the provider's authority
    where = f" (it is for {audience})" if isinstance(audience, str) and audience else ""
    raise unavailable(
        f"JupyterHub's token for {user} is not a Microsoft Graph token{where}",
        "a Hub that signs in with Microsoft Entra ID asks for Graph scopes (User.Read …) in "
        f"the authenticator's scope ({README_SECTION}); elsewhere sign in here: "
        "%authsome login microsoft")


def _user_info(auth_state: dict[str, Any]) -> dict[str, Any]:
    """oauthenticator's user model: ``oauth_user`` (GenericOAuthenticator) or ``user`` (Azure)."""
    for key in ("oauth_user", "user"):
        value = auth_state.get(key)
        if isinstance(value, dict):
            return value
    return {}


def _first(data: dict[str, Any], *names: str) -> str | None:
    for name in names:
        value = data.get(name)
        if isinstance(value, str) and value:
            return value
    return None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        return float(value)
    except ValueError:
        return None
