"""Where a provider's endpoints are: its definition, completed by OpenID Connect discovery.

An OIDC provider (``oauth.issuer``) publishes ``{issuer}/.well-known/openid-configuration``
(OpenID Connect Discovery 1.0 §4); its ``issuer`` must equal the configured one exactly
(§4.3), or the document is refused.  URLs written in the definition win over discovered ones,
so an override can still point one endpoint elsewhere.  A document is fetched once per
process and issuer.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ...errors import ConfigurationError
from ._http import get_json

if TYPE_CHECKING:
    from ..._providers import Provider

_discovered: dict[str, dict[str, Any]] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class Endpoints:
    token: str
    authorization: str | None = None
    device: str | None = None
    revocation: str | None = None
    userinfo: str | None = None
    jwks: str | None = None
    issuer: str | None = None
    response_modes: tuple[str, ...] = ()
    id_token_algorithms: tuple[str, ...] = ("RS256",)
    issuer_in_redirect: bool = False  # RFC 9207: the redirect must carry `iss`


def discovery(issuer: str) -> dict[str, Any]:
    """The issuer's discovery document (remembered for the life of the process)."""
    with _lock:
        found = _discovered.get(issuer)
    if found is not None:
        return found
    url = issuer.rstrip("/") + "/.well-known/openid-configuration"
    status, document = get_json(url)
    if status != 200 or not document:
        raise ConfigurationError(
            f"OpenID Connect discovery failed: {url} answered HTTP {status}",
            remedy="check oauth.issuer in the provider definition (discovery lives under it)",
        )
    if document.get("issuer") != issuer:
        raise ConfigurationError(
            f"OpenID Connect discovery at {url} names the issuer {document.get('issuer')!r}, "
            f"not {issuer!r}",
            remedy="set oauth.issuer to exactly the issuer the provider names (OpenID Connect "
            "requires them to be equal)",
        )
    with _lock:
        _discovered[issuer] = document
    return document


def endpoints_of(provider: Provider) -> Endpoints:
    oauth = provider.oauth
    if oauth is None:  # pragma: no cover - the session refuses such providers first
        raise ConfigurationError(f"{provider.name} has no OAuth settings")
    found: dict[str, Any] = discovery(oauth.issuer) if oauth.issuer else {}
    token = oauth.token_url or found.get("token_endpoint")
    if not token:
        raise ConfigurationError(
            f"{provider.display_name} names no token endpoint",
            remedy="add oauth.token_url to the provider definition",
        )
    device = oauth.device_authorization_url or found.get("device_authorization_endpoint")
    return Endpoints(
        token=token,
        authorization=oauth.authorization_url or found.get("authorization_endpoint"),
        device=device if oauth.supports_device_code else None,
        revocation=oauth.revocation_url or found.get("revocation_endpoint"),
        userinfo=oauth.userinfo_url or found.get("userinfo_endpoint"),
        jwks=found.get("jwks_uri"),
        issuer=oauth.issuer,
        response_modes=tuple(found.get("response_modes_supported") or ()),
        id_token_algorithms=tuple(found.get("id_token_signing_alg_values_supported")
                                  or ("RS256",)),
        issuer_in_redirect=bool(found.get("authorization_response_iss_parameter_supported")),
    )


def forget_discovery() -> None:
    with _lock:
        _discovered.clear()
