"""Minting tokens, and the registries that remember what each one grants.

Access tokens are JWT-shaped (Graph looks them up here instead of verifying a signature),
refresh tokens and codes are opaque random strings.  Consent is tracked per
(client id, user): an authorization or a device-code approval consents the scopes asked for,
and a refresh asking for more answers AADSTS65001, as Microsoft does.

A refresh token serves every resource the user consented to for the app (Graph, Storage,
Resource Manager …: see ``_scopes.AZURE_RESOURCES``); a token for another resource carries
that resource as its ``aud`` and is kept apart from Graph's, so Graph refuses it as Graph
refuses a token minted for another audience.
"""

from __future__ import annotations

import hashlib
import secrets
import string
from dataclasses import dataclass, field
from typing import Any

from . import _jwt
from ._scopes import (
    GRAPH_APP_ID,
    GRAPH_RESOURCE,
    STATIC_PERMISSIONS,
    STATIC_RESOURCE_PERMISSIONS,
    Scopes,
    split_by_resource,
)
from ._users import Audience, User

_USER_CODE_ALPHABET = string.ascii_uppercase + string.digits


@dataclass
class AccessGrant:
    user: User
    client_id: str
    scopes: tuple[str, ...]  # bare permission names, as in the token's ``scp``
    issued_at: float
    expires_at: float
    resource: str = GRAPH_RESOURCE.rstrip("/")  # the token's audience (App ID URI)


@dataclass
class RefreshGrant:
    user: User
    client_id: str
    issued_at: float
    last_used: float
    revoked: bool = False
    rotated: bool = False  # a newer refresh token replaced this one
    public_client: bool = False  # issued to a public-client redemption: redeemed without secret


@dataclass
class AuthCode:
    client_id: str
    user: User
    redirect_uri: str
    scopes: Scopes
    code_challenge: str
    nonce: str | None
    issued_at: float
    redeemed: bool = False


@dataclass
class DeviceAuthorization:
    device_code: str
    user_code: str
    client_id: str
    scopes: Scopes
    audience: Audience
    issued_at: float
    expires_at: float
    status: str = "pending"  # pending, approved, denied, expired, redeemed
    user: User | None = None
    polls: int = 0
    waited_for: bool = False  # already returned by a wait_for_user_code()


@dataclass
class TokenRegistry:
    """Every token, code and consent the emulator handed out. Callers hold the state lock."""

    access: dict[str, AccessGrant] = field(default_factory=dict)  # Graph's tokens
    resource_access: dict[str, AccessGrant] = field(default_factory=dict)  # other APIs'
    refresh: dict[str, RefreshGrant] = field(default_factory=dict)
    codes: dict[str, AuthCode] = field(default_factory=dict)
    devices: dict[str, DeviceAuthorization] = field(default_factory=dict)  # by device_code
    user_codes: dict[str, DeviceAuthorization] = field(default_factory=dict)
    consents: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)
    sessions_revoked_at: dict[str, float] = field(default_factory=dict)  # oid → time

    # --- consent ---
    def consent(self, client_id: str, user: User, scopes: Scopes) -> None:
        """Consent every resource the request names (``.default``: the app's static list)."""
        granted = self.consents.setdefault((client_id, user.oid), {})
        for group in split_by_resource(scopes):
            if group.is_default:
                names = (STATIC_PERMISSIONS if group.is_graph
                         else STATIC_RESOURCE_PERMISSIONS.get(group.resource, ()))
            else:
                names = group.names
            for name in names:
                word = name if group.is_graph else f"{group.resource}/{name}"
                granted.setdefault(word.lower(), word)

    def consented(self, client_id: str, user: User,
                  resource: str = GRAPH_RESOURCE) -> list[str]:
        """The permissions of ``resource`` consented to, bare (``User.Read``)."""
        values = self.consents.get((client_id, user.oid), {}).values()
        if resource.rstrip("/") == GRAPH_RESOURCE.rstrip("/"):
            return [v for v in values if "://" not in v]
        prefix = resource.rstrip("/").lower() + "/"
        return [v[len(prefix):] for v in values if v.lower().startswith(prefix)]

    def missing_consent(self, client_id: str, user: User, scopes: Scopes) -> list[str]:
        granted = {n.lower() for n in self.consented(client_id, user, scopes.resource)}
        if scopes.is_default and not scopes.is_graph and not granted:
            # Nothing of that API was ever consented: AADSTS65001, as for a named scope.
            return [f"{scopes.resource}/.default"]
        return [n for n in scopes.names if n.lower() != ".default" and n.lower() not in granted]

    # --- device codes ---
    def new_device_authorization(self, *, client_id: str, scopes: Scopes, audience: Audience,
                                 now: float, lifetime: int) -> DeviceAuthorization:
        while True:
            user_code = "".join(secrets.choice(_USER_CODE_ALPHABET) for _ in range(9))
            if user_code not in self.user_codes:
                break
        device = DeviceAuthorization(
            device_code="DAQABIQEAAAB" + secrets.token_urlsafe(96), user_code=user_code,
            client_id=client_id, scopes=scopes, audience=audience, issued_at=now,
            expires_at=now + lifetime)
        self.devices[device.device_code] = device
        self.user_codes[user_code] = device
        return device

    # --- codes ---
    def new_code(self, code: AuthCode) -> str:
        value = "1.A" + secrets.token_urlsafe(120)
        self.codes[value] = code
        return value

    # --- tokens ---
    def issue(self, *, user: User, client_id: str, scopes: Scopes, now: float, lifetime: int,
              base_url: str, extra_scopes: list[str], nonce: str | None = None,
              public_client: bool = False) -> dict[str, Any]:
        """A token response body, registering the new access (and refresh) token."""
        consented = self.consented(client_id, user, scopes.resource)
        if scopes.is_default:
            scp = tuple(consented)
        elif scopes.names:
            scp = scopes.names
        else:
            scp = tuple(sorted(scopes.oidc - {"offline_access"}))
        audience = GRAPH_APP_ID if scopes.is_graph else scopes.resource
        access_token = _jwt.encode(self._access_claims(user, client_id, scp, now, lifetime,
                                                       base_url, audience))
        registry = self.access if scopes.is_graph else self.resource_access
        registry[access_token] = AccessGrant(user, client_id, scp, now, now + lifetime,
                                             scopes.resource)
        body: dict[str, Any] = {
            "token_type": "Bearer",
            "scope": scopes.response_scope(consented, extra_scopes),
            "expires_in": lifetime,
            "ext_expires_in": lifetime,
            "access_token": access_token,
        }
        if scopes.offline_access:
            refresh_token = "0.A" + secrets.token_urlsafe(96)
            self.refresh[refresh_token] = RefreshGrant(user, client_id, now, now,
                                                       public_client=public_client)
            body["refresh_token"] = refresh_token
        if "openid" in scopes.oidc:
            body["id_token"] = _jwt.encode(self._id_claims(user, client_id, now, base_url, nonce,
                                                           "email" in scopes.oidc))
        body["client_info"] = _jwt.b64url_json({"uid": user.oid, "utid": user.tenant_id})
        return body

    @staticmethod
    def _access_claims(user: User, client_id: str, scp: tuple[str, ...], now: float,
                       lifetime: int, base_url: str, audience: str) -> dict[str, Any]:
        issued = int(now)
        return {
            "aud": audience, "iss": f"{base_url}/{user.tenant_id}/v2.0",
            "iat": issued, "nbf": issued, "exp": issued + lifetime,
            "acr": "1", "amr": ["pwd", "mfa"], "app_displayname": "authsome_nb",
            "appid": client_id, "appidacr": "0", "family_name": user.surname,
            "given_name": user.given_name, "idtyp": "user", "ipaddr": "127.0.0.1",
            "name": user.display_name, "oid": user.oid, "platf": "3", "scp": " ".join(scp),
            "sub": _pairwise(user, audience), "tid": user.tenant_id,
            "unique_name": user.upn, "upn": user.upn, "uti": secrets.token_urlsafe(16),
            "ver": "1.0",
        }

    @staticmethod
    def _id_claims(user: User, client_id: str, now: float, base_url: str, nonce: str | None,
                   email: bool) -> dict[str, Any]:
        issued = int(now)
        claims: dict[str, Any] = {
            "ver": "2.0", "iss": f"{base_url}/{user.tenant_id}/v2.0",
            "sub": _pairwise(user, client_id), "aud": client_id,
            "exp": issued + 3600, "iat": issued, "nbf": issued,
            "name": user.display_name, "preferred_username": user.upn, "oid": user.oid,
            "tid": user.tenant_id, "uti": secrets.token_urlsafe(16),
        }
        if nonce is not None:
            claims["nonce"] = nonce
        if email:
            claims["email"] = user.mail
        return claims

    # --- revocation ---
    def revoke_refresh_tokens(self, oid: str | None = None) -> int:
        count = 0
        for grant in self.refresh.values():
            if (oid is None or grant.user.oid == oid) and not grant.revoked:
                grant.revoked = True
                count += 1
        return count


def _pairwise(user: User, audience: str) -> str:
    """``sub`` is per (user, app) at Microsoft: stable, but not the object id."""
    return _jwt.b64url(hashlib.sha256(f"{user.oid}:{audience}".encode()).digest())
