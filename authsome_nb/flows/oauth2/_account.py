"""Who signed in: the id_token's claims and userinfo (OpenID Connect), or a profile endpoint.

An OpenID Connect provider names the account in the validated id_token and at its userinfo
endpoint, whose ``sub`` must be the id_token's (OpenID Connect Core §5.3.4).  A plain OAuth 2.0
provider such as GitHub has neither: its definition names a ``profile_url`` (GitHub's
``/user``) and the field that names the account (``account_field``: ``login``).  Either call
also proves the new token works before anything is stored.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...errors import UserInfoError
from .._engine import Account
from ._http import get_json
from ._metadata import Endpoints

if TYPE_CHECKING:
    from ..._providers import Provider

USERNAME_CLAIMS = ("preferred_username", "email", "login", "username", "upn", "sub")


def account_of(provider: Provider, endpoints: Endpoints, access_token: str,
               claims: dict[str, Any]) -> tuple[Account, dict[str, Any]]:
    """The account and everything known about it (claims merged with userinfo/profile)."""
    info = dict(claims)
    if provider.profile_url:
        info.update(_fetch(provider, provider.profile_url, access_token, "profile"))
    elif endpoints.userinfo and claims:  # userinfo is OpenID Connect's: with an id_token only
        userinfo = _fetch(provider, endpoints.userinfo, access_token, "userinfo")
        if claims.get("sub") and userinfo.get("sub") != claims["sub"]:
            raise UserInfoError(
                f"{provider.display_name}'s userinfo names another subject than the id_token",
                remedy="sign in again; if it persists, the provider's userinfo_url is wrong",
            )
        info.update(userinfo)
    fields = (provider.account_field, *USERNAME_CLAIMS) if provider.account_field else \
        USERNAME_CLAIMS
    username = next((str(info[f]) for f in fields if f and info.get(f)), None)
    display_name = info.get(provider.display_name_field) or info.get("name")
    return Account(username=username, display_name=display_name or None,
                   id=_account_id(info, endpoints)), info


def _account_id(info: dict[str, Any], endpoints: Endpoints) -> str | None:
    """OpenID Connect's ``sub`` within its issuer (Core §2: unique there only), else a plain
    OAuth profile's ``id`` (GitHub's user id)."""
    if info.get("sub"):
        return f"{endpoints.issuer or ''}|{info['sub']}"
    return str(info["id"]) if info.get("id") not in (None, "") else None


def _fetch(provider: Provider, url: str, access_token: str, what: str) -> dict[str, Any]:
    status, body = get_json(url, bearer=access_token)
    if status != 200:
        raise UserInfoError(
            f"Failed to read the signed-in account from {provider.display_name}'s {what} "
            f"endpoint (HTTP {status})",
            remedy=f"check {'profile_url' if what == 'profile' else 'oauth.userinfo_url'} in the "
            "provider definition, and that the requested scopes allow reading the profile",
        )
    return body
