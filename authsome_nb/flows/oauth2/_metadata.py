"""Where a provider's endpoints are: its definition, completed by discovery.

An OIDC provider named by its issuer (``oauth.issuer``) publishes
``{issuer}/.well-known/openid-configuration`` (OpenID Connect Discovery 1.0 §4); its
``issuer`` must equal the configured one exactly (§4.3), or the document is refused.  A
definition without an issuer (authsome's files) has its issuer found from the authorization
endpoint (``_discovery``).  URLs written in the definition win over discovered ones, so an
override can still point one endpoint elsewhere; a discovered one must be https (http only on
loopback), as a written one must.  A document is fetched once per process and issuer.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..._providers import insecure_reason
from ...errors import ConfigurationError
from ._discovery import discover_issuer
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
    registration: str | None = None  # RFC 7591's registration endpoint


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


#: discovered fields an endpoint comes from, and the definition's field it stands in for
_DISCOVERED = (("token_endpoint", "token_url"), ("authorization_endpoint", "authorization_url"),
               ("device_authorization_endpoint", "device_authorization_url"),
               ("revocation_endpoint", "revocation_url"), ("userinfo_endpoint", "userinfo_url"),
               ("jwks_uri", "jwks_uri"), ("registration_endpoint", "registration_endpoint"))


def endpoints_of(provider: Provider) -> Endpoints:
    oauth = provider.oauth
    if oauth is None:  # pragma: no cover - the session refuses such providers first
        raise ConfigurationError(f"{provider.name} has no OAuth settings")
    found, issuer = _metadata(provider)
    urls = {mine: getattr(oauth, mine, None) or found.get(theirs) for theirs, mine in _DISCOVERED}
    if not urls["token_url"]:
        raise ConfigurationError(
            f"{provider.display_name} names no token endpoint",
            remedy="add oauth.token_url to the provider definition",
        )
    return Endpoints(
        token=urls["token_url"],
        authorization=urls["authorization_url"],
        device=urls["device_authorization_url"] if oauth.supports_device_code else None,
        revocation=urls["revocation_url"],
        userinfo=urls["userinfo_url"],
        jwks=urls["jwks_uri"],
        issuer=issuer,
        response_modes=tuple(found.get("response_modes_supported") or ()),
        id_token_algorithms=tuple(found.get("id_token_signing_alg_values_supported")
                                  or ("RS256",)),
        issuer_in_redirect=bool(found.get("authorization_response_iss_parameter_supported")),
        registration=urls["registration_endpoint"],
    )


def _metadata(provider: Provider) -> tuple[dict[str, Any], str | None]:
    """The discovery document (``{}`` if none) and the issuer, its endpoints checked."""
    oauth = provider.oauth
    assert oauth is not None
    if oauth.issuer:
        found, where = discovery(oauth.issuer), oauth.issuer
    elif oauth.authorization_url and not provider.is_microsoft:
        found, where = discover_issuer(oauth.authorization_url) or {}, oauth.authorization_url
    else:
        return {}, None
    for theirs, _ in _DISCOVERED:
        value = found.get(theirs)
        problem = insecure_reason(value) if isinstance(value, str) else None
        if value is not None and (problem or not isinstance(value, str)):
            raise ConfigurationError(
                f"{provider.display_name}'s discovery document (for {where}) names the "
                f"{theirs} {value!r}: it {problem or 'must be a URL'}",
                remedy="the provider must publish https endpoints; or write the endpoint in the "
                "provider definition (oauth.*_url), which wins over discovery",
                error="insecure_endpoint",
            )
    return found, oauth.issuer or found.get("issuer")


def forget_discovery() -> None:
    from ._discovery import forget_discovered_issuers

    with _lock:
        _discovered.clear()
    forget_discovered_issuers()


def require_issuer_for_openid(provider: Provider, endpoints: Endpoints,
                              scopes: list[str]) -> None:
    """OpenID Connect without an issuer cannot check an id_token: refuse before signing in."""
    if "openid" not in scopes or endpoints.issuer:
        return
    where = endpoints.authorization or endpoints.token
    raise ConfigurationError(
        f"{provider.display_name} asks for 'openid', but its issuer is unknown: the "
        f"definition names no oauth.issuer, and no discovery document was found for {where}",
        remedy='add "issuer" to the "oauth" object of the provider definition (the URL the '
        "provider names as its issuer, e.g. https://id.example.org/realms/main), or take "
        "'openid' out of its scopes",
        error="unknown_issuer",
    )
