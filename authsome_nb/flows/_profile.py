"""Who signed in: Graph ``/me`` right after sign-in fills username and display name.

A failure here is the seed's "Failed to get user info from Microsoft Graph" with its remedy
(usually the app lacks ``User.Read``), and nothing is stored.
"""

from __future__ import annotations

import contextlib
from typing import Any

from .._outbound import own_client_options
from .._tls import network_error, ssl_context
from ..errors import NetworkError, UserInfoError

PROFILE_FIELDS = "id,displayName,userPrincipalName,mail"


def fetch_profile(api_base: str, access_token: str, timeout: float = 30.0) -> dict[str, Any]:
    """``GET {api_base}/me``; returns Graph's JSON object."""
    import httpx

    url = api_base.rstrip("/") + "/me"
    try:
        with httpx.Client(verify=ssl_context(), timeout=timeout,
                          **own_client_options()) as client:
            response = client.get(
                url,
                params={"$select": PROFILE_FIELDS},
                headers={"Authorization": f"Bearer {access_token}", "Accept": "application/json"},
            )
    except httpx.TransportError as exc:
        raise network_error(url, exc) from None
    if response.status_code != 200:
        code = ""
        with contextlib.suppress(ValueError):
            code = response.json().get("error", {}).get("code", "")
        raise UserInfoError(
            f"Failed to get user info from Microsoft Graph (HTTP {response.status_code}"
            f"{', ' + code if code else ''})",
            remedy="in the Azure portal open your app's API permissions, check that Microsoft "
            "Graph "
            "User.Read (delegated) is added, then sign in again to grant it",
        )
    try:
        profile = response.json()
    except ValueError:
        profile = None
    if isinstance(profile, dict):
        return profile
    raise NetworkError(f"{url} did not answer with a JSON object")
