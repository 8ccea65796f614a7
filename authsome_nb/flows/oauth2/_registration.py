"""Dynamic client registration (RFC 7591): a provider that needs no app registered by hand.

Notion's and Linear's MCP servers, and most MCP servers, let a client register itself.  A
provider whose definition says ``flow: "dcr_pkce"`` (or ``supports_dcr``) and has no client id
configured signs in with a client registered here, once per provider per home:

* as a native application (RFC 8252) with the port-less loopback redirect URIs, which match
  any port (§7.3), so one registration serves every sign-in; plus the Jupyter server's and
  the JupyterHub service's callbacks where they exist;
* as a public client (``token_endpoint_auth_method: none``); a secret the server issues
  anyway is kept, and used;
* kept in the encrypted store (``registrations`` beside ``connections``, see
  ``.._registrations``), and reused — unless
  its secret expired (``client_secret_expires_at``), it lacks a callback this sign-in needs,
  or the server forgot it.  The last is asked the cheapest way every server answers: a token
  request with a code that cannot exist, which a known client gets ``invalid_grant`` for and
  an unknown one ``invalid_client`` (RFC 6749 §5.2).

A registration endpoint that wants an initial access token (RFC 7591 §3, HTTP 401) gets it
from ``<NAME>_OAUTH_INITIAL_ACCESS_TOKEN`` (or the variable ``oauth.initial_access_token_env``
names), and says so when it is missing.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ...errors import ConfigurationError, SignInError
from ._http import TokenEndpointError, protocol_client, shared_client

if TYPE_CHECKING:
    from ..._providers import Provider
    from .._engine import SignInRequest
    from ._metadata import Endpoints

LOOPBACK_REDIRECTS = ("http://127.0.0.1/callback", "http://localhost/callback")
CLIENT_NAME = "authsome_nb (Jupyter notebooks)"
_PROBE_CODE = "authsome-nb-registration-check"  # no server ever issued this code
_EXPIRY_MARGIN = 60.0


@dataclass(frozen=True)
class AppCredentials:
    """The client a sign-in uses: configured, or registered here (``registered``)."""

    client_id: str
    client_secret: str | None
    auth_method: str | None
    registered: bool = False

    def outcome_fields(self) -> dict[str, Any]:
        """The registered client, for the connection's record (its refreshes need it)."""
        if not self.registered:
            return {}
        return {"client_id": self.client_id, "client_secret": self.client_secret}


def client_for(request: SignInRequest, provider: Provider, endpoints: Endpoints) -> AppCredentials:
    """The configured client, or (no client id configured) a registered one."""
    assert provider.oauth is not None
    if request.client_id or not provider.registers_clients:
        return AppCredentials(request.client_id, request.client_secret,
                              provider.oauth.token_auth_method)
    if not endpoints.registration:
        raise ConfigurationError(
            f"{provider.display_name} registers its clients at sign-in, but no registration "
            "endpoint is known (the definition names none, and discovery found none)",
            remedy='add "registration_endpoint" to the "oauth" object of the provider '
            f"definition, or register an app by hand and set its client id "
            f"({provider.client_id_variable})",
        )
    wanted = redirect_uris(request)
    registrations = request.registrations
    stored = registrations.get(provider.name) if registrations is not None else None
    if stored is None or not still_usable(stored, endpoints, wanted):
        stored = register(provider, endpoints, wanted)
        if registrations is not None:
            registrations.put(provider.name, stored)
    return AppCredentials(stored["client_id"], stored.get("client_secret"),
                          stored.get("token_endpoint_auth_method"), registered=True)


def redirect_uris(request: SignInRequest) -> list[str]:
    """The loopback redirects, and the callbacks of running Jupyter servers and of the
    JupyterHub service, where they exist (the same ones ``%authsome setup`` lists)."""
    from .._hub_redirect import hub_service_redirect
    from ..rendezvous import registered_redirect_uris

    home = getattr(request.registrations, "home", None)
    uris = [*LOOPBACK_REDIRECTS, *registered_redirect_uris(home)]
    hub = hub_service_redirect()  # None at once off a JupyterHub
    if hub is not None:
        uris.append(hub.redirect_uri)
        hub.close()
    return list(dict.fromkeys(uris))


def still_usable(stored: dict[str, Any], endpoints: Endpoints, wanted: list[str]) -> bool:
    """Whether a stored registration may serve this sign-in (asks the server if it knows it)."""
    if stored.get("registration_endpoint") != endpoints.registration:
        return False  # the definition points elsewhere now
    if not set(wanted) <= set(stored.get("redirect_uris") or ()):
        return False
    expires = stored.get("client_secret_expires_at") or 0
    if stored.get("client_secret") and expires and float(expires) < time.time() + _EXPIRY_MARGIN:
        return False
    client = protocol_client(stored["client_id"], stored.get("client_secret"),
                             stored.get("token_endpoint_auth_method"))
    try:
        client.fetch_token(endpoints.token, grant_type="authorization_code", code=_PROBE_CODE,
                           redirect_uri=LOOPBACK_REDIRECTS[0], code_verifier="x" * 43)
    except TokenEndpointError as exc:
        return not (exc.error == "invalid_client" or exc.status == 401)
    return True  # pragma: no cover - no server redeems a code it never issued


def register(provider: Provider, endpoints: Endpoints, uris: list[str]) -> dict[str, Any]:
    """Register a native public client; the server's answer plus what we asked and where."""
    assert endpoints.registration is not None and provider.oauth is not None
    grants = ["authorization_code", "refresh_token"]
    if endpoints.device:
        grants.append("urn:ietf:params:oauth:grant-type:device_code")
    metadata = {"client_name": CLIENT_NAME, "application_type": "native",
                "redirect_uris": uris, "grant_types": grants, "response_types": ["code"],
                "token_endpoint_auth_method": "none"}
    token_env = (provider.oauth.initial_access_token_env
                 or provider.variable("OAUTH_INITIAL_ACCESS_TOKEN"))
    headers = {"Accept": "application/json"}
    initial = os.environ.get(token_env, "").strip()
    if initial:
        headers["Authorization"] = f"Bearer {initial}"
    response = shared_client().post(endpoints.registration, json=metadata, headers=headers)
    if response.status_code in (401, 403):
        raise ConfigurationError(
            f"{provider.display_name}'s registration endpoint refused to register a client "
            f"(HTTP {response.status_code}): it wants an initial access token"
            + (", and the one in " + token_env + " was not accepted" if initial else ""),
            remedy=f"set {token_env} to the initial access token the provider's administrator "
            "issues for registering clients, or register an app by hand and set its client id",
            error="invalid_token",
        )
    return _registered(provider, endpoints, response, uris)


def _registered(provider: Provider, endpoints: Endpoints, response: Any,
                uris: list[str]) -> dict[str, Any]:
    try:
        answer = response.json()
    except ValueError:
        answer = {}
    if response.status_code not in (200, 201) or not isinstance(answer, dict) \
            or not answer.get("client_id"):
        error = answer.get("error") if isinstance(answer, dict) else None
        detail = answer.get("error_description") if isinstance(answer, dict) else None
        raise SignInError(
            f"{provider.display_name} did not register a client (HTTP {response.status_code}"
            f"{': ' + str(error) if error else ''}{' — ' + str(detail) if detail else ''})",
            remedy="try again; if it persists, register an app by hand and set its client id",
            error=str(error or "registration_failed"),
        )
    return {
        "client_id": str(answer["client_id"]),
        "client_secret": answer.get("client_secret") or None,
        "client_secret_expires_at": answer.get("client_secret_expires_at") or 0,
        "token_endpoint_auth_method": answer.get("token_endpoint_auth_method")
        or ("client_secret_basic" if answer.get("client_secret") else "none"),
        "redirect_uris": list(answer.get("redirect_uris") or uris),
        "registration_endpoint": endpoints.registration,
        "registered_at": time.time(),
    }
