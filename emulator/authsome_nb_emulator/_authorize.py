"""``/authorize``: the browser leg of the auth-code flow, with Microsoft's checks in order.

An unknown client or a redirect URI that is not registered shows an error page and never
redirects (AADSTS700016 / AADSTS50011): redirecting would hand a code to an untrusted URL.
Everything after that redirects back with ``error=…``.  ``http://localhost/callback`` as
registered matches any port, as it does at Microsoft.  A person picks an account on a small
form; with ``auto_consent_user`` set the emulator answers at once (headless tests).
"""

from __future__ import annotations

import secrets
import uuid
from typing import TYPE_CHECKING
from urllib.parse import urlencode, urlsplit

from . import _pages
from ._aadsts import CATALOG, describe, timestamp
from ._errors import UnknownUserError
from ._identity_common import audience, known_client, stamp
from ._scopes import ScopeError, Scopes
from ._scopes import parse as parse_scopes
from ._server import Request, Response
from ._state import NATIVE_CLIENT_REDIRECT
from ._tokens import AuthCode
from ._users import Audience, User

if TYPE_CHECKING:
    from ._state import EmulatorState

_PENDING_LIFETIME = 3600.0
# Redirect URI matching as Microsoft documents it ("Redirect URI (reply URL) restrictions",
# https://learn.microsoft.com/en-us/entra/identity-platform/reply-url): paths are
# case-sensitive and matched exactly; for "localhost" redirect URIs (and the 127.0.0.1
# literal the page recommends instead) the port is ignored, for http and https alike; the host
# itself still has to match, so a registered http://localhost/callback does not admit
# http://127.0.0.1:port/callback; and "the IPv6 loopback address ([::1]) is not currently
# supported": never matched.
_PORT_FREE_HOSTS = ("localhost", "127.0.0.1")


def redirect_allowed(registered: list[str], uri: str) -> bool:
    """Exact match, except that the port of a localhost / 127.0.0.1 URI is ignored."""
    asked = urlsplit(uri)
    if (asked.hostname or "") == "::1":
        return False
    for candidate in registered:
        known = urlsplit(candidate)
        if uri == candidate:
            return True
        same_place = (asked.scheme.lower() == known.scheme.lower()
                      and (asked.hostname or "") == (known.hostname or "")
                      and asked.path == known.path and asked.query == known.query)
        if same_place and (asked.port == known.port or known.hostname in _PORT_FREE_HOSTS):
            return True
    return False


def _error_page(state: EmulatorState, request: Request, code: int, context: dict,
                status: int = 400) -> Response:
    page = _pages.error(code, describe(code, context), request_id=str(uuid.uuid4()),
                        timestamp=timestamp(state.now()))
    return stamp(request, Response.html(page, status=status))


def _reply(params: dict[str, str], redirect_uri: str, fields: dict[str, str]) -> Response:
    """Send ``fields`` back to the client the way it asked (query, fragment or form_post)."""
    if params.get("state") is not None:
        fields["state"] = params["state"]
    mode = params.get("response_mode", "query")
    if mode == "form_post":
        return Response.html(_pages.form_post(redirect_uri, fields))
    joiner = "#" if mode == "fragment" else ("&" if "?" in redirect_uri else "?")
    return Response.redirect(redirect_uri + joiner + urlencode(fields))


def _redirect_error(state: EmulatorState, params: dict[str, str], redirect_uri: str, code: int,
                    context: dict) -> Response:
    entry = CATALOG[code]
    description = (f"{describe(code, context)}\r\nTrace ID: {uuid.uuid4()}\r\nCorrelation ID: "
                   f"{uuid.uuid4()}\r\nTimestamp: {timestamp(state.now())}")
    return _reply(params, redirect_uri, {
        "error": entry.authorize_error, "error_description": description,
        "error_uri": f"{state.url}/error?code={code}"})


def _complete(state: EmulatorState, params: dict[str, str], user: User, scopes: Scopes,
              ) -> Response:
    redirect_uri = params.get("redirect_uri") or NATIVE_CLIENT_REDIRECT
    with state.lock:
        state.tokens.consent(params["client_id"], user, scopes)
        code = state.tokens.new_code(AuthCode(
            client_id=params["client_id"], user=user,
            redirect_uri=params.get("redirect_uri", ""), scopes=scopes,
            code_challenge=params["code_challenge"], nonce=params.get("nonce"),
            issued_at=state.now()))
    return _reply(params, redirect_uri, {"code": code, "session_state": str(uuid.uuid4())})


def authorize(state: EmulatorState, request: Request, segment: str) -> Response:
    if request.method == "POST":
        return _consent_submitted(state, request, segment)
    params = dict(request.query)
    client_id = params.get("client_id", "")
    redirect_uri = params.get("redirect_uri") or NATIVE_CLIENT_REDIRECT
    context = {"client_id": client_id, "tenant": segment, "redirect_uri": redirect_uri}
    found = audience(state, segment)
    if found is None:
        return _error_page(state, request, 90002, context)
    if not client_id:
        return _error_page(state, request, 900144, {**context, "field": "client_id"})
    if not known_client(state, client_id):
        return _error_page(state, request, 700016, context)
    if not redirect_allowed(state.redirect_uris, redirect_uri):
        return _error_page(state, request, 50011, context)
    injected = state.take_identity_fault("authorize")
    if injected is not None:
        if CATALOG[injected].page_only:
            return _error_page(state, request, injected, context)
        return _redirect_error(state, params, redirect_uri, injected, context)
    if "code" not in params.get("response_type", "").split():
        return _redirect_error(state, params, redirect_uri, 70005,
                               {**context, "field": "response_type"})
    try:
        scopes = parse_scopes(params.get("scope"))
    except ScopeError as exc:
        return _redirect_error(state, params, redirect_uri, exc.code,
                               {**context, "scope": exc.scope, "resource": exc.scope})
    if not params.get("code_challenge") or params.get("code_challenge_method") != "S256":
        return _redirect_error(state, params, redirect_uri, 9002325, context)
    if state.auto_consent_user:
        user = state.directory.find(state.auto_consent_user)
        if not found.accepts(user):
            return _error_page(state, request, 50020, {**context, "upn": user.upn})
        if params.get("prompt") == "none" and state.tokens.missing_consent(client_id, user,
                                                                            scopes):
            return _redirect_error(state, params, redirect_uri, 65001, context)
        return stamp(request, _complete(state, params, user, scopes))
    if params.get("prompt") == "none":
        return _redirect_error(state, params, redirect_uri, 50058, context)
    return stamp(request, _sign_in_page(state, params, found, scopes))


def _sign_in_page(state: EmulatorState, params: dict[str, str], found: Audience,
                  scopes: Scopes) -> Response:
    context_id = secrets.token_urlsafe(24)
    with state.lock:
        now = state.now()
        for stale in [k for k, (_, t) in state.pending_sign_ins.items()
                      if now - t > _PENDING_LIFETIME]:
            del state.pending_sign_ins[stale]
        state.pending_sign_ins[context_id] = (params, now)
    users = [u for u in state.directory.snapshot() if found.accepts(u)]
    selected = None
    if params.get("login_hint"):
        try:
            selected = state.directory.find(params["login_hint"]).upn
        except UnknownUserError:
            selected = None
    return Response.html(_pages.sign_in(
        action=f"{state.url}/{found.segment}/oauth2/v2.0/authorize", context_id=context_id,
        users=users, selected=selected, scopes=list(scopes.names)))


def _consent_submitted(state: EmulatorState, request: Request, segment: str) -> Response:
    form = request.form()
    with state.lock:
        pending = state.pending_sign_ins.pop(form.get("ctx", ""), None)
    if pending is None:
        return _error_page(state, request, 50089, {})
    params = pending[0]
    redirect_uri = params.get("redirect_uri") or NATIVE_CLIENT_REDIRECT
    context = {"client_id": params.get("client_id"), "tenant": segment,
               "redirect_uri": redirect_uri}
    if form.get("action") != "accept":
        return stamp(request, _redirect_error(state, params, redirect_uri, 65004, context))
    try:
        user = state.directory.find(form.get("user", ""))
    except UnknownUserError:
        return _error_page(state, request, 50126, context)
    found = audience(state, segment)
    if found is None or not found.accepts(user):
        return _error_page(state, request, 50020, {**context, "upn": user.upn})
    return stamp(request, _complete(state, params, user, parse_scopes(params.get("scope"))))


def logout(state: EmulatorState, request: Request, segment: str) -> Response:
    target = request.query.get("post_logout_redirect_uri")
    if target:
        extra = {"state": request.query["state"]} if "state" in request.query else {}
        joiner = "&" if "?" in target else "?"
        return Response.redirect(target + (joiner + urlencode(extra) if extra else ""))
    return Response.html(_pages.message("You signed out of your account",
                                        "It's a good idea to close all browser windows."))
