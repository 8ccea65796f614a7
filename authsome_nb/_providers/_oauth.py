"""The ``oauth`` object of a definition: endpoints, scopes and how the provider wants to be asked.

authsome's fields (``authorization_url``, ``token_url``, ``device_authorization_url``,
``revocation_url``, ``scopes``, ``pkce``, ``supports_device_code``, ``base_url`` for
``{base_url}`` templates) plus what a generic OAuth 2.0 / OpenID Connect client needs to
know that the URLs do not say:

``issuer``                     an OpenID Connect provider: endpoints from its discovery document
                               (``{issuer}/.well-known/openid-configuration``) where the file
                               gives none, and id_tokens validated against it
``userinfo_url``               the OIDC userinfo endpoint (else discovery's)
``authorize_params``           extra authorization parameters (Google: ``access_type=offline``)
``token_auth_method``          ``client_secret_basic`` | ``client_secret_post`` | ``none``
``response_mode``              ``form_post`` or ``query`` (else form_post where discovery offers it)
``client_secret_required_for`` the flows whose token request needs the client secret
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ._fields import SchemaError, boolean, choice, https_url, string_map, url, words

TOKEN_AUTH_METHODS = ("client_secret_basic", "client_secret_post", "none")
RESPONSE_MODES = ("form_post", "query")
SECRET_FLOWS = ("pkce", "device_code")


@dataclass(frozen=True)
class OAuthSettings:
    authorization_url: str | None
    token_url: str | None
    device_authorization_url: str | None = None
    revocation_url: str | None = None
    scopes: tuple[str, ...] = ()
    pkce: bool = True
    supports_device_code: bool = False
    supports_dcr: bool = False
    issuer: str | None = None
    userinfo_url: str | None = None
    authorize_params: Mapping[str, str] = field(default_factory=dict)
    token_auth_method: str | None = None
    response_mode: str | None = None
    client_secret_required_for: tuple[str, ...] = ()

    @property
    def is_oidc(self) -> bool:
        return self.issuer is not None


def oauth_settings(value: Any, *, required: bool) -> OAuthSettings | None:
    if value is None:
        if required:
            raise SchemaError("oauth", "is required when auth_type is oauth2")
        return None
    if not isinstance(value, Mapping):
        raise SchemaError("oauth", "must be an object")
    p = "oauth."
    device = value.get("supports_device_code", value.get("supports_device_flow", False))
    if not isinstance(device, bool):
        key = "supports_device_code" if "supports_device_code" in value else "supports_device_flow"
        raise SchemaError(p + key, f"must be true or false, got {device!r}")
    base = url(value, "base_url", required=False, prefix=p)
    issuer = https_url(value, "issuer", prefix=p)
    if issuer is not None:
        issuer = issuer.rstrip("/")
    # An OpenID Connect provider may leave its endpoints to discovery.
    endpoints = {
        key: url(value, key, required=issuer is None, prefix=p, base_url=base)
        for key in ("authorization_url", "token_url")
    }
    required_for = words(value, "client_secret_required_for", p)
    unknown = sorted(set(required_for) - set(SECRET_FLOWS))
    if unknown:
        raise SchemaError(p + "client_secret_required_for",
                          f"lists {', '.join(unknown)}; the flows are {', '.join(SECRET_FLOWS)}")
    if "client_secret" in value:
        raise SchemaError(p + "client_secret", _SECRET_IN_FILE)
    return OAuthSettings(
        **endpoints,
        device_authorization_url=url(value, "device_authorization_url", required=False,
                                     prefix=p, base_url=base),
        revocation_url=url(value, "revocation_url", required=False, prefix=p, base_url=base),
        scopes=words(value, "scopes", p),
        pkce=boolean(value, "pkce", True, p),
        supports_device_code=device,
        supports_dcr=boolean(value, "supports_dcr", False, p),
        issuer=issuer,
        userinfo_url=url(value, "userinfo_url", required=False, prefix=p, base_url=base),
        authorize_params=string_map(value, "authorize_params", p),
        token_auth_method=choice(value, "token_auth_method", TOKEN_AUTH_METHODS, None, p),
        response_mode=choice(value, "response_mode", RESPONSE_MODES, None, p),
        client_secret_required_for=required_for,
    )


_SECRET_IN_FILE = (
    "a client secret must not sit in a plain file: pass client_secret= to an.login (or set the "
    "provider's client_secret_env variable); it is then kept in the encrypted store only"
)


def secret_in_file_error(field_name: str = "client_secret") -> SchemaError:
    return SchemaError(field_name, _SECRET_IN_FILE)


