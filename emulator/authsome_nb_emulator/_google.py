"""Google's OAuth 2.0 for installed apps, as a generic client meets it (under ``/google``).

Modelled from https://developers.google.com/identity/protocols/oauth2/native-app,
https://developers.google.com/identity/protocols/oauth2/limited-input-device and
https://developers.google.com/identity/openid-connect/openid-connect:

* an OpenID Connect issuer (here ``{emulator}/google``, standing in for
  https://accounts.google.com) with discovery, JWKS, signed id_tokens (``nonce`` echoed) and
  a userinfo endpoint;
* a refresh token only with ``access_type=offline`` (the authorization-code flow; the device
  flow always gives one), and refresh answers carry no new one: Google does not rotate;
* every token request needs the client secret, even of an installed ("Desktop") app;
* granted scopes come back in Google's spelling: ``email`` and ``profile`` as
  ``https://www.googleapis.com/auth/userinfo.email`` / ``.profile``;
* the device answer names the page ``verification_url`` (not RFC 8628's ``verification_uri``),
  and polling before approval answers HTTP 428 ``authorization_pending``;
* revocation at ``/revoke`` (``token=…``) ends the whole grant.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from . import _jwt
from ._server import Response
from ._standins import Grant, StandIn, consent_page, is_loopback_redirect

if TYPE_CHECKING:
    from ._server import Request
    from ._state import EmulatorState
    from ._users import User

PREFIX = "/google"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
_SPELLING = {"email": "https://www.googleapis.com/auth/userinfo.email",
             "profile": "https://www.googleapis.com/auth/userinfo.profile"}


class Google(StandIn):
    def __init__(self) -> None:
        super().__init__("google", access_token_lifetime=3599)


def email_of(user: User) -> str:
    return user.mail or user.upn


def _granted(scopes: list[str]) -> str:
    return " ".join(_SPELLING.get(s, s) for s in scopes)


def _error(error: str, description: str, status: int = 400) -> Response:
    return Response.json({"error": error, "error_description": description}, status=status)


def handle(state: EmulatorState, google: Google, request: Request) -> Response:
    path = request.path.removeprefix(PREFIX)
    issuer = f"{state.url}{PREFIX}"
    if path == "/.well-known/openid-configuration":
        return Response.json({
            "issuer": issuer,
            "authorization_endpoint": f"{issuer}/o/oauth2/v2/auth",
            "device_authorization_endpoint": f"{issuer}/device/code",
            "token_endpoint": f"{issuer}/token",
            "userinfo_endpoint": f"{issuer}/v1/userinfo",
            "revocation_endpoint": f"{issuer}/revoke",
            "jwks_uri": f"{issuer}/oauth2/v3/certs",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": [_jwt.ALGORITHM],  # RS256, as Google's
            "scopes_supported": ["openid", "email", "profile"],
            "code_challenge_methods_supported": ["plain", "S256"],
            "grant_types_supported": ["authorization_code", "refresh_token", DEVICE_GRANT],
        })
    if path == "/oauth2/v3/certs":
        return Response.json(_jwt.jwks())
    if path == "/o/oauth2/v2/auth":
        return _authorize(state, google, request)
    if path == "/token" and request.method == "POST":
        return _token(state, google, request)
    if path == "/device/code" and request.method == "POST":
        form = request.form()
        if form.get("client_id") != google.client_id:
            return _error("invalid_client", "The OAuth client was not found.", 401)
        first = state.directory.snapshot()[0]
        device_code, device = google.new_device(Grant(first, google.client_id,
                                                      form.get("scope", "").split()))
        return Response.json({"device_code": device_code, "user_code": device.user_code,
                              "verification_url": f"{issuer}/device",
                              "expires_in": google.device_code_lifetime,
                              "interval": device.interval})
    if path == "/revoke" and request.method == "POST":
        if google.revoke(request.form().get("token", "")):
            return Response.json({})
        return _error("invalid_token", "Token expired or revoked")
    if path in ("/v1/userinfo", "/drive/v3/about"):
        grant = google.bearer(request.header("Authorization"))
        if grant is None:
            return Response.json({"error": {"code": 401, "message": "Request had invalid "
                                            "authentication credentials.",
                                            "status": "UNAUTHENTICATED"}}, status=401)
        person = {"sub": grant.user.oid, "name": grant.user.display_name,
                  "email": email_of(grant.user), "email_verified": True}
        if path == "/drive/v3/about":
            return Response.json({"user": {"displayName": person["name"],
                                           "emailAddress": person["email"]}})
        return Response.json(person)
    return _error("not_found", f"No route for {request.path}.", 404)


def _authorize(state: EmulatorState, google: Google, request: Request) -> Response:
    params = request.form() if request.method == "POST" else dict(request.query)
    if params.get("client_id") != google.client_id:
        return Response.html("<p id='error'>Error 401: invalid_client. The OAuth client was "
                             "not found.</p>", 401)
    redirect_uri = params.get("redirect_uri", "")
    if not is_loopback_redirect(redirect_uri):
        return Response.html("<p id='error'>Error 400: redirect_uri_mismatch</p>", 400)
    if request.method == "GET":
        fields = {k: v for k, v in params.items() if k != "login"}
        return Response.html(consent_page("Sign in with Google", f"{PREFIX}/o/oauth2/v2/auth",
                                          fields, state.directory.snapshot(), email_of))
    back = {"state": params.get("state", "")}
    if params.get("decision") != "allow":
        back["error"] = "access_denied"
    else:
        user = next(u for u in state.directory.snapshot() if email_of(u) == params.get("login"))
        grant = Grant(user, google.client_id, params.get("scope", "").split(),
                      nonce=params.get("nonce"), offline=params.get("access_type") == "offline")
        challenge = params.get("code_challenge") if params.get(
            "code_challenge_method") == "S256" else None
        back["code"] = google.new_code(grant, redirect_uri, challenge)
        back["scope"] = _granted(grant.scopes)
    return Response.redirect(redirect_uri + "?" + urlencode(back))


def _token(state: EmulatorState, google: Google, request: Request) -> Response:
    form = request.form()
    if form.get("client_id") != google.client_id:
        return _error("invalid_client", "The OAuth client was not found.", 401)
    if form.get("client_secret") != google.client_secret:
        return _error("invalid_client", "Unauthorized", 401)
    grant_type = form.get("grant_type")
    if grant_type == "authorization_code":
        found = google.redeem(form.get("code", ""), form.get("redirect_uri", ""),
                              form.get("code_verifier"))
        if isinstance(found, str):
            return _error("invalid_grant", "Malformed auth code.")
        return _issued(state, google, found, grant_type, with_refresh=found.offline)
    if grant_type == "refresh_token":
        with google.lock:
            grant = google.refresh_tokens.get(form.get("refresh_token", ""))  # not rotated
        if grant is None:
            return _error("invalid_grant", "Token has been expired or revoked.")
        return _issued(state, google, grant, grant_type, with_refresh=False)
    if grant_type == DEVICE_GRANT:
        with google.lock:
            device = google.devices.get(form.get("device_code", ""))
            if device is None or device.expires_at < time.time():
                return _error("expired_token", "The device code has expired.")
            if device.status == "denied":
                return _error("access_denied", "Forbidden", 403)
            if device.status == "pending":
                return _error("authorization_pending", "Precondition Required", 428)
            del google.devices[form["device_code"]]
        return _issued(state, google, device.grant, grant_type, with_refresh=True)
    return _error("unsupported_grant_type", f"Invalid grant_type: {grant_type}")


def _issued(state: EmulatorState, google: Google, grant: Grant, grant_type: str, *,
            with_refresh: bool) -> Response:
    answer = google.issue(grant, grant_type, with_refresh=with_refresh)
    answer["token_type"] = "Bearer"
    answer["scope"] = _granted(grant.scopes)
    if "openid" in grant.scopes and grant_type != "refresh_token":
        now = int(time.time())
        claims = {"iss": f"{state.url}{PREFIX}", "aud": google.client_id, "azp": google.client_id,
                  "sub": grant.user.oid, "email": email_of(grant.user), "email_verified": True,
                  "name": grant.user.display_name, "iat": now, "exp": now + 3600}
        if grant.nonce:
            claims["nonce"] = grant.nonce
        answer["id_token"] = _jwt.encode(claims)
    return Response.json(answer)


def approve(google: Google, user_code: str, user: User | None) -> None:
    device = google.device_of(user_code)
    with google.lock:
        if user is not None:
            device.grant.user = user
        device.status = "approved"
