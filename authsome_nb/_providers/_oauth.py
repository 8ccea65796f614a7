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
``registration_endpoint``      RFC 7591 dynamic client registration (authsome keeps it in a
                               top-level ``registration`` object; both are read), else the one
                               discovery names
``initial_access_token_env``   the variable holding the token a registration endpoint may ask
                               for (RFC 7591 §3; default ``<NAME>_OAUTH_INITIAL_ACCESS_TOKEN``)
``device_token_request``       ``form`` (RFC 8628) or ``json``: a device server that wants JSON
                               bodies (Postiz's)
``client_id_required``         false for a server that knows no clients (Postiz's device server)

authsome's spellings ``authorization_method`` (``basic``/``post``/``none``) and
``authorization_params`` mean ``token_auth_method`` and ``authorize_params``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ._fields import SchemaError, boolean, choice, https_url, string, string_map, url, words

TOKEN_AUTH_METHODS = ("client_secret_basic", "client_secret_post", "none")
_AUTHSOME_AUTH_METHODS = {"basic": "client_secret_basic", "post": "client_secret_post",
                          "none": "none", "client_secret_basic": "client_secret_basic",
                          "client_secret_post": "client_secret_post"}
DEVICE_REQUESTS = ("form", "json")
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
    registration_endpoint: str | None = None
    initial_access_token_env: str | None = None
    device_token_request: str = "form"
    client_id_required: bool = True

    @property
    def is_oidc(self) -> bool:
        """Whether sign-ins are OpenID Connect's: ``openid`` asked for, or an issuer named."""
        return self.issuer is not None or "openid" in self.scopes


def oauth_settings(value: Any, *, required: bool, registration: Any = None,
                   device_only: bool = False) -> OAuthSettings | None:
    """The ``oauth`` object; ``device_only``: the definition's flow is the device code, which
    needs no authorization endpoint."""
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
        key: url(value, key, prefix=p, base_url=base, required=issuer is None and not (
            device_only and key == "authorization_url"))
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
        **_authsome_spellings(value, p),
        registration_endpoint=_registration_endpoint(value, registration, base),
        initial_access_token_env=string(value, "initial_access_token_env", prefix=p),
        device_token_request=choice(value, "device_token_request", DEVICE_REQUESTS, "form", p),
        client_id_required=boolean(value, "client_id_required", True, p),
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
        response_mode=choice(value, "response_mode", RESPONSE_MODES, None, p),
        client_secret_required_for=required_for,
    )


def _authsome_spellings(value: Mapping[str, Any], p: str) -> dict[str, Any]:
    """``authorize_params`` and ``token_auth_method``, also under authsome's names."""
    params_key = "authorize_params" if "authorize_params" in value else "authorization_params"
    method = choice(value, "token_auth_method", TOKEN_AUTH_METHODS, None, p)
    if method is None and value.get("authorization_method") is not None:
        spelled = value["authorization_method"]
        if spelled not in _AUTHSOME_AUTH_METHODS:
            raise SchemaError(p + "authorization_method",
                              f"must be basic, post or none; got {spelled!r}")
        method = _AUTHSOME_AUTH_METHODS[spelled]
    return {"authorize_params": string_map(value, params_key, p), "token_auth_method": method}


def _registration_endpoint(value: Mapping[str, Any], registration: Any,
                           base: str | None) -> str | None:
    found = url(value, "registration_endpoint", required=False, prefix="oauth.", base_url=base)
    if found is None and registration is not None:
        if not isinstance(registration, Mapping):
            raise SchemaError("registration", "must be an object")
        found = url(registration, "registration_endpoint", required=False,
                    prefix="registration.", base_url=base)
    return found


_SECRET_IN_FILE = (
    "a client secret must not sit in a plain file: pass client_secret= to an.login (or set the "
    "provider's client_secret_env variable); it is then kept in the encrypted store only"
)


def secret_in_file_error(field_name: str = "client_secret") -> SchemaError:
    return SchemaError(field_name, _SECRET_IN_FILE)


