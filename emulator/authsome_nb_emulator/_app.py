"""The emulator's one HTTP entry point: route by path, then log the answer (without secrets).

Identity URLs carry the tenant as their first segment (``/common/oauth2/v2.0/token``), Graph
lives under ``/v1.0``, and the control API under ``/_emulator`` (loopback callers only, and
kept out of the request log so it never disturbs counts a test asserts on).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from . import _authorize, _github, _google, _graph, _identity, _token_endpoint
from ._graph_common import GraphCall
from ._identity_common import stamp
from ._server import App, Request, Response
from ._synth_work import directory_user

if TYPE_CHECKING:
    from ._state import EmulatorState

_TENANT_ROUTE = re.compile(
    r"^/(?P<tenant>[^/]+)/(?:"
    r"(?P<metadata>v2\.0/\.well-known/openid-configuration)"
    r"|oauth2/v2\.0/(?P<verb>authorize|token|devicecode|logout)"
    r"|(?P<keys>discovery/(?:v2\.0/)?keys))/?$")
_LOOPBACK = ("127.0.0.1", "::1", "::ffff:127.0.0.1")


def _identity_route(state: EmulatorState, request: Request) -> Response | None:
    match = _TENANT_ROUTE.match(request.path)
    if match is None:
        return None
    tenant, verb = match.group("tenant"), match.group("verb")
    if match.group("metadata"):
        response = _identity.openid_configuration(state, request, tenant)
        response.log["endpoint"] = "openid-configuration"
    elif match.group("keys"):
        response = _identity.keys(state, request)
        response.log["endpoint"] = "jwks"
    elif verb == "authorize" and request.method in ("GET", "POST"):
        response = _authorize.authorize(state, request, tenant)
    elif verb == "logout" and request.method == "GET":
        response = _authorize.logout(state, request, tenant)
    elif verb == "token" and request.method == "POST":
        response = _token_endpoint.token(state, request, tenant)
    elif verb == "devicecode" and request.method == "POST":
        response = _identity.device_code(state, request, tenant)
    else:
        return Response.json({"error": "invalid_request",
                              "error_description": f"{request.method} is not supported here."},
                             status=405)
    response.log.setdefault("endpoint", verb)
    return response


def _userinfo(state: EmulatorState, request: Request) -> Response:
    call = GraphCall(request.method, "/oidc/userinfo", "/oidc/userinfo", request.query_string,
                     request.query, request.headers, request.body)
    refused = _graph.authenticate(state, call)
    if refused is not None:
        return _graph.to_response(call, refused)
    profile = directory_user(call.me, seed=state.seed)
    return Response.json({"sub": call.grant.user.oid if call.grant else "",
                          "name": profile["displayName"], "family_name": profile["surname"],
                          "given_name": profile["givenName"], "email": profile["mail"]})


def _route(state: EmulatorState, request: Request) -> Response:
    path = request.path
    if path.startswith(_github.PREFIX + "/"):
        response = _github.handle(state, state.github, request)
        response.log["endpoint"] = "github"
        return response
    if path.startswith(_google.PREFIX + "/"):
        response = _google.handle(state, state.google, request)
        response.log["endpoint"] = "google"
        return response
    if path == "/v1.0" or path.startswith("/v1.0/"):
        return _graph.handle(state, request)
    if path.lower() == "/common/discovery/instance":
        response = stamp(request, _identity.instance_discovery(state, request))
        response.log["endpoint"] = "instance-discovery"
        return response
    if path.rstrip("/") == "/devicelogin":
        response = _identity.device_login(state, request)
        response.log["endpoint"] = "devicelogin"
        return response
    if path == "/error":
        return _identity.error_code_page(state, request)
    if path == "/oidc/userinfo":
        return _userinfo(state, request)
    routed = _identity_route(state, request)
    if routed is not None:
        return routed
    return Response.json({"error": {"code": "NotFound", "message": f"No route for {path}."}},
                         status=404)


def make_app(state: EmulatorState, control: Callable[[Request], Response]) -> App:
    def app(request: Request) -> Response:
        if request.path.startswith("/_emulator/"):
            if request.client_host not in _LOOPBACK:
                return Response.json({"error": "the control API answers loopback callers only"},
                                     status=403)
            return control(request)
        response = _route(state, request)
        state.ledger.record({
            "method": request.method, "host": request.host, "path": request.path,
            "query": request.query_string, "endpoint": response.log.get("endpoint", "other"),
            "status": response.status,
            "has_authorization": request.header("Authorization") is not None,
            "grant_type": response.log.get("grant_type"), "batch": False,
        })
        return response
    return app
