"""Identity platform endpoints other than authorize and token: OpenID metadata, instance
discovery, JWKS, the device-code endpoint and the ``/devicelogin`` page a person uses.

Every ``PublicClientApplication`` fetches the OpenID configuration first, so its URLs must
stay under the tenant segment the client used (MSAL derives its tenant from them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from . import _devices, _jwt, _pages
from ._aadsts import CATALOG, describe
from ._errors import EmulatorError, UnknownUserCodeError
from ._identity_common import audience, known_client, reply_error, stamp
from ._scopes import ScopeError
from ._scopes import parse as parse_scopes
from ._server import Request, Response

if TYPE_CHECKING:
    from ._state import EmulatorState

_TEMPLATE_TENANT = "{tenantid}"


def openid_configuration(state: EmulatorState, request: Request, segment: str) -> Response:
    found = audience(state, segment)
    if found is None:
        return reply_error(state, request, 90002, {"tenant": segment}, error="invalid_tenant")
    base = f"{state.url}/{segment}"
    issuer_tenant = found.tenant_id or _TEMPLATE_TENANT
    host = urlsplit(state.url).netloc
    body = {
        "token_endpoint": f"{base}/oauth2/v2.0/token",
        "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt",
                                                  "client_secret_basic"],
        "jwks_uri": f"{base}/discovery/v2.0/keys",
        "response_modes_supported": ["query", "fragment", "form_post"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": [_jwt.ALGORITHM],  # RS256, as Microsoft's
        "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
        "issuer": f"{state.url}/{issuer_tenant}/v2.0",
        "request_uri_parameter_supported": False,
        "userinfo_endpoint": f"{state.url}/oidc/userinfo",
        "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
        "device_authorization_endpoint": f"{base}/oauth2/v2.0/devicecode",
        "http_logout_supported": True,
        "frontchannel_logout_supported": True,
        "end_session_endpoint": f"{base}/oauth2/v2.0/logout",
        "claims_supported": ["sub", "iss", "cloud_instance_name", "cloud_instance_host_name",
                             "cloud_graph_host_name", "msgraph_host", "aud", "exp", "iat",
                             "auth_time", "acr", "nonce", "preferred_username", "name", "tid",
                             "ver", "at_hash", "c_hash", "email"],
        "kerberos_endpoint": f"{base}/kerberos",
        "tenant_region_scope": None,
        "cloud_instance_name": "microsoftonline.com",
        "cloud_graph_host_name": "graph.windows.net",
        "msgraph_host": host,
        "rbac_url": "https://pas.windows.net",
    }
    response = Response.json(body, headers=[("Cache-Control", "max-age=86400, private")])
    return stamp(request, response)


def instance_discovery(state: EmulatorState, request: Request) -> Response:
    endpoint = request.query.get("authorization_endpoint", "")
    split = urlsplit(endpoint)
    ours = urlsplit(state.url)
    aliases = [ours.netloc, f"localhost:{ours.port}"]
    # MSAL sends the authority's host without its port, so compare host names only.
    if (split.hostname or "") not in ("127.0.0.1", "localhost"):
        return reply_error(state, request, 50049, error="invalid_instance")
    tenant = split.path.strip("/").split("/")[0] or "common"
    body = {
        "tenant_discovery_endpoint": f"{state.url}/{tenant}/v2.0/.well-known/openid-configuration",
        "api-version": request.query.get("api-version", "1.1"),
        "metadata": [{"preferred_network": ours.netloc, "preferred_cache": ours.netloc,
                      "aliases": aliases}],
    }
    return stamp(request, Response.json(body))


def keys(state: EmulatorState, request: Request) -> Response:
    return stamp(request, Response.json(_jwt.jwks()))


def device_code(state: EmulatorState, request: Request, segment: str) -> Response:
    form = request.form()
    client_id = form.get("client_id", "")
    context = {"client_id": client_id, "tenant": segment, "field": "client_id"}
    if not client_id:
        return reply_error(state, request, 900144, context)
    injected = state.take_identity_fault("devicecode")
    if injected is not None:
        return reply_error(state, request, injected, context)
    if not known_client(state, client_id):
        return reply_error(state, request, 700016, context)
    found = audience(state, segment)
    if found is None:
        return reply_error(state, request, 90002, context)
    try:
        scopes = parse_scopes(form.get("scope"))
    except ScopeError as exc:
        return reply_error(state, request, exc.code, {**context, "scope": exc.scope,
                                                      "resource": exc.scope})
    with state.device_issued:
        device = state.tokens.new_device_authorization(
            client_id=client_id, scopes=scopes, audience=found, now=state.now(),
            lifetime=state.device_code_lifetime)
        state.device_issued.notify_all()
    verification_uri = f"{state.url}/devicelogin"
    body = {
        "user_code": device.user_code,
        "device_code": device.device_code,
        "verification_uri": verification_uri,
        "expires_in": state.device_code_lifetime,
        "interval": max(1, state.device_interval),  # 0 makes MSAL busy-poll
        "message": (f"To sign in, use a web browser to open the page {verification_uri} and "
                    f"enter the code {device.user_code} to authenticate."),
    }
    return stamp(request, Response.json(body, headers=[("Cache-Control", "no-store, no-cache")]))


def device_login(state: EmulatorState, request: Request) -> Response:
    """The page behind ``verification_uri``: type the code, pick an account."""
    users = state.directory.snapshot()
    if request.method != "POST":
        return Response.html(_pages.device_login(users, user_code=request.query.get("otc", "")))
    form = request.form()
    code = form.get("otc", "")
    try:
        if form.get("action") == "deny":
            _devices.deny(state, code)
            return Response.html(_pages.message("Sign-in declined",
                                                "You declined to sign in to the application."))
        who = _devices.approve(state, code, form.get("user") or None)
    except UnknownUserCodeError:
        return Response.html(_pages.device_login(
            users, user_code=code, problem="That code didn't work. Check the code and try "
                                           "again."), status=400)
    except EmulatorError as exc:
        return Response.html(_pages.error(50020, f"AADSTS50020: {exc}", request_id="-",
                                          timestamp=""), status=400)
    return Response.html(_pages.message(
        "You're signed in", f"You have signed in to the authsome_nb application on your device "
                            f"as {who.upn}. You may now close this window."))


def error_code_page(state: EmulatorState, request: Request) -> Response:
    """``error_uri`` targets: the description of one AADSTS code."""
    try:
        code = int(request.query.get("code", ""))
    except ValueError:
        code = 0
    if code not in CATALOG:
        return Response.html(_pages.message("Error lookup", "Unknown error code."), status=404)
    return Response.html(_pages.message(f"AADSTS{code}", describe(code)))
