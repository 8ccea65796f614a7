"""Microsoft Graph v1.0's front door: throttling, authentication, scopes, routing, errors.

Order matters and follows Graph: a call is counted (and maybe throttled), then its bearer
token is checked (missing, unknown, expired, or issued before a session revocation, which
earns a CAE ``insufficient_claims`` challenge), then injected faults apply, then an Outlook
call takes one of its mailbox's concurrency slots (see :mod:`._mailbox_limits`) and waits the
``graph_latency`` knob, then the route's scope table decides between the handler and a 403.
"""

from __future__ import annotations

import base64
import json
import re
import time
from collections.abc import Callable
from email.message import Message
from typing import TYPE_CHECKING

from . import _batch, _directory_delta, _mailbox_limits, _resources_outlook, _resources_work
from ._graph_common import GraphCall, GraphResult, error
from ._odata import ODataError
from ._scopes import GRAPH_APP_ID
from ._server import Request, Response

if TYPE_CHECKING:
    from ._state import EmulatorState

# /users/delta before /users/{id}: the first match wins
ROUTES = _resources_outlook.ROUTES + _directory_delta.ROUTES + _resources_work.ROUTES
_USERS_PATH = re.compile(r"^/users/([^/]+)(/.*)?$", re.IGNORECASE)
_THROTTLE = {429: ("TooManyRequests", "Too many requests. Retry after the interval given in "
                                      "the Retry-After header."),
             503: ("ServiceUnavailable", "The service is temporarily unavailable. Retry after "
                                         "the interval given in the Retry-After header."),
             504: ("GatewayTimeout", "The gateway did not receive a timely response. Retry "
                                     "after the interval given in the Retry-After header.")}
_DENIED = {
    "ErrorAccessDenied": "Access is denied. Check credentials and try again.",
    "Authorization_RequestDenied": "Insufficient privileges to complete the operation.",
    "accessDenied": "Access denied",
}
_CONTENT_TYPE = ("application/json;odata.metadata=minimal;odata.streaming=true;"
                 "IEEE754Compatible=false;charset=utf-8")


def _challenge(state: EmulatorState, extra: str = "") -> str:
    return (f'Bearer realm="", authorization_uri="{state.url}/common/oauth2/v2.0/authorize", '
            f'client_id="{GRAPH_APP_ID}"{extra}')


def authenticate(state: EmulatorState, call: GraphCall) -> GraphResult | None:
    """Attach the caller to ``call``, or return the 401 Graph would send."""
    scheme, _, token = (call.headers.get("Authorization") or "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return error(401, "InvalidAuthenticationToken", "Access token is empty.", call,
                     {"WWW-Authenticate": _challenge(state)})
    with state.lock:
        grant = state.tokens.access.get(token)
        revoked_at = state.tokens.sessions_revoked_at.get(grant.user.oid) if grant else None
    if grant is None:
        message = ("IDX14100: JWT is not well formed, there are no dots (.)."
                   if token.count(".") != 2 else "Access token validation failure.")
        return error(401, "InvalidAuthenticationToken", message, call,
                     {"WWW-Authenticate": _challenge(state, ', error="invalid_token"')})
    if state.now() >= grant.expires_at:
        return error(401, "InvalidAuthenticationToken",
                     "Lifetime validation failed, the token is expired.", call,
                     {"WWW-Authenticate": _challenge(
                         state, ', error="invalid_token", error_description="The access token '
                                'has expired"')})
    if revoked_at is not None and grant.issued_at < revoked_at:
        claims = {"access_token": {"nbf": {"essential": True, "value": str(int(revoked_at))}}}
        encoded = base64.b64encode(json.dumps(claims).encode()).decode()
        return error(401, "InvalidAuthenticationToken",
                     "Continuous access evaluation resulted in challenge with result: "
                     "InteractionRequired and code: TokenIssuedBeforeRevocationTimestamp", call,
                     {"WWW-Authenticate": _challenge(
                         state, f', error="insufficient_claims", claims="{encoded}"')})
    call.user, call.grant = grant.user, grant
    return None


def _own_path(call: GraphCall) -> str | GraphResult:
    """``/users/{me}/…`` is ``/me/…``; another user's mailbox is not ours to read."""
    match = _USERS_PATH.match(call.path)
    if not match:
        return call.path
    who, rest = match.group(1).lower(), match.group(2) or ""
    if who in (call.me.oid.lower(), call.me.upn.lower()):
        return "/me" + rest
    if rest:
        return error(403, "ErrorAccessDenied", _DENIED["ErrorAccessDenied"], call)
    return call.path


def serve(state: EmulatorState, call: GraphCall) -> GraphResult:
    """Answer one Graph call (top-level or inside a $batch)."""
    try:
        return _serve(state, call)
    except ODataError as exc:
        return error(exc.status, exc.code, exc.message, call)


def _serve(state: EmulatorState, call: GraphCall) -> GraphResult:
    if state.next_graph_call_throttled():
        code, message = _THROTTLE[state.throttle_status]
        return error(state.throttle_status, code, message, call,
                     {"Retry-After": str(state.throttle_retry_after)})
    refused = authenticate(state, call)
    if refused is not None:
        return refused
    fault = state.take_graph_fault(call.path)
    if fault is not None:
        headers = ({"Retry-After": str(state.throttle_retry_after)}
                   if fault.status in _THROTTLE else {})
        message = fault.message or _DENIED.get(fault.code) or f"Injected {fault.status}."
        return error(fault.status, fault.code, message, call, headers)
    path = _own_path(call)
    if isinstance(path, GraphResult):
        return path
    call.path = path
    mailbox = (call.grant.client_id if call.grant else "", call.me.oid)
    outlook = _mailbox_limits.OUTLOOK_PATH.match(path) is not None
    if outlook and not state.mailbox_slots.enter(mailbox, state.mailbox_concurrency):
        return error(429, _mailbox_limits.CODE, _mailbox_limits.MESSAGE, call,
                     {"Retry-After": str(state.throttle_retry_after)})
    try:
        if state.graph_latency and not call.in_batch:
            time.sleep(state.graph_latency)  # inside the slot, as a distant mailbox holds it
        return _dispatch(state, call, path)
    finally:
        if outlook:
            state.mailbox_slots.leave(mailbox)


def _dispatch(state: EmulatorState, call: GraphCall, path: str) -> GraphResult:
    allowed_elsewhere = False
    for route in ROUTES:
        match = route.pattern.match(path)
        if match is None:
            continue
        if call.method not in route.methods:
            allowed_elsewhere = True
            continue
        granted = {s.lower() for s in call.grant.scopes} if call.grant else set()
        if route.scopes and not any(s.lower() in granted for s in route.scopes):
            message = _DENIED.get(route.denied_code) or (
                f"Missing scope permissions on the request. API requires one of "
                f"'{', '.join(route.scopes)}'. Scopes on the request "
                f"'{', '.join(sorted(granted))}'")
            return error(403, route.denied_code, message, call)
        params = {k: v for k, v in match.groupdict().items() if v is not None}
        return route.handler(state, call, **params)
    if allowed_elsewhere:
        return error(405, "Request_BadRequest",
                     "Specified HTTP method is not allowed for the request target.", call)
    segment = path.rstrip("/").rsplit("/", 1)[-1] or path
    return error(404, "ResourceNotFound", f"Resource not found for the segment '{segment}'.",
                 call)


def to_response(call: GraphCall, result: GraphResult,
                encode: Callable[[dict], bytes] | None = None) -> Response:
    headers = [("request-id", call.request_id),
               ("client-request-id", call.headers.get("client-request-id") or call.request_id),
               ("OData-Version", "4.0"), ("Cache-Control", "no-cache"),
               ("Strict-Transport-Security", "max-age=31536000")]
    headers += list(result.headers.items())
    if result.body is None:
        return Response(result.status, b"", None, headers)
    if encode is not None and result.stored_values:
        # A page of stored objects: their cached JSON joined, not 1000 messages re-encoded.
        rest = {k: v for k, v in result.body.items() if k != "value"}
        head = json.dumps(rest, separators=(",", ":")).encode()[:-1]
        values = b",".join(map(encode, result.body["value"]))
        body = head + (b"," if rest else b"") + b'"value":[' + values + b"]}"
    else:
        body = json.dumps(result.body, separators=(",", ":")).encode()
    return Response(result.status, body, _CONTENT_TYPE, headers)


def handle(state: EmulatorState, request: Request) -> Response:
    """Entry point for ``/v1.0/…`` requests."""
    path = request.path[len("/v1.0"):] or "/"
    call = GraphCall(method=request.method, path=path, link_path=path,
                     query_string=request.query_string, query=request.query,
                     headers=request.headers, body=request.body)
    if path.rstrip("/").lower() == "/$batch":
        if state.graph_latency:
            time.sleep(state.graph_latency)  # one round trip for the batch, not one per request
        result = _batch.run(state, call, lambda sub: serve(state, sub),
                            lambda outer: authenticate(state, outer), to_headers=_sub_headers)
        response = to_response(call, result)
        response.log["endpoint"] = "batch"
        return response
    response = to_response(call, serve(state, call), state.data.encoded)
    response.log["endpoint"] = "graph"
    return response


def _sub_headers(pairs: dict[str, str]) -> Message:
    message = Message()
    for name, value in pairs.items():
        message[name] = value
    return message
