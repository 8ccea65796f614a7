"""GitHub's OAuth app, as a generic client meets it (under ``/github`` on the emulator).

Modelled from https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps
and https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/refreshing-user-access-tokens:

* ``/login/oauth/access_token`` and ``/login/device/code`` answer form-encoded
  (``access_token=…&scope=repo%2Cread%3Auser&token_type=bearer``) unless the request's
  ``Accept`` asks for JSON; errors come with HTTP **200** and an ``error`` field;
* the web flow needs the client secret (PKCE, supported since 2025, comes on top); the device
  flow needs only the client id;
* granted scopes come back comma-separated;
* OAuth app tokens do not expire and come without a refresh token; with *expiring user
  tokens* (``expiring_tokens = True``) they last 8 hours and come with a single-use refresh
  token (``expires_in`` 28800, ``refresh_token_expires_in`` 15897600);
* loopback redirect URIs may use any port;
* device polling: ``authorization_pending``, ``slow_down`` (the answer carries the new
  ``interval``: 5 s more), ``expired_token``, ``access_denied``, ``incorrect_device_code``;
* ``GET /api/user`` (api.github.com/user) names the account: ``login``, ``id``, ``name``.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from ._server import Response
from ._standins import Grant, StandIn, consent_page, is_loopback_redirect

if TYPE_CHECKING:
    from ._server import Request
    from ._state import EmulatorState
    from ._users import User

PREFIX = "/github"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
EXPIRING_ACCESS_LIFETIME = 28800
REFRESH_LIFETIME = 15897600


class GitHub(StandIn):
    def __init__(self) -> None:
        super().__init__("github", access_token_lifetime=None, issue_refresh_tokens=False)
        self.expiring_tokens = False

    def set_expiring_tokens(self, on: bool) -> None:
        self.expiring_tokens = on
        self.access_token_lifetime = EXPIRING_ACCESS_LIFETIME if on else None


def login_of(user: User) -> str:
    return user.upn.split("@", 1)[0].lower()


def _answer(request: Request, body: dict, status: int = 200) -> Response:
    """JSON if asked for, else form-encoded: GitHub's default."""
    if "json" in (request.header("Accept") or ""):
        return Response.json(body, status=status)
    text = urlencode({k: str(v) for k, v in body.items()})
    return Response(status, text.encode(), "application/x-www-form-urlencoded; charset=utf-8")


def _error(request: Request, error: str, description: str, **extra) -> Response:
    return _answer(request, {"error": error, "error_description": description, **extra})


def handle(state: EmulatorState, github: GitHub, request: Request) -> Response:
    path = request.path.removeprefix(PREFIX)
    if path == "/login/oauth/authorize":
        return _authorize(state, github, request)
    if path == "/login/oauth/access_token" and request.method == "POST":
        return _token(github, request)
    if path == "/login/device/code" and request.method == "POST":
        return _device_code(state, github, request)
    if path == "/api/user" and request.method == "GET":
        grant = github.bearer(request.header("Authorization"))
        if grant is None:
            return Response.json({"message": "Bad credentials",
                                  "documentation_url": "https://docs.github.com/rest"},
                                 status=401)
        user = grant.user
        return Response.json({"login": login_of(user), "id": abs(hash(user.oid)) % 10**8,
                              "name": user.display_name, "email": user.mail, "type": "User"})
    return Response.json({"message": "Not Found"}, status=404)


def _authorize(state: EmulatorState, github: GitHub, request: Request) -> Response:
    params = request.form() if request.method == "POST" else dict(request.query)
    if params.get("client_id") != github.client_id:
        return Response.html("<p id='error'>The client_id is not an OAuth app here.</p>", 404)
    redirect_uri = params.get("redirect_uri", "")
    if not is_loopback_redirect(redirect_uri):
        return Response.html("<p id='error'>The redirect_uri MUST match the registered "
                             "callback URL for this application.</p>", 400)
    if request.method == "GET":
        fields = {k: v for k, v in params.items() if k != "login"}
        return Response.html(consent_page("Authorize app", f"{PREFIX}/login/oauth/authorize",
                                          fields, state.directory.snapshot(), login_of))
    back = {"state": params.get("state", "")}
    if params.get("decision") != "allow":
        back.update(error="access_denied",
                    error_description="The user has denied your application access.")
    else:
        user = next(u for u in state.directory.snapshot() if login_of(u) == params.get("login"))
        grant = Grant(user, github.client_id, params.get("scope", "").split())
        challenge = params.get("code_challenge") if params.get(
            "code_challenge_method") == "S256" else None
        back["code"] = github.new_code(grant, redirect_uri, challenge)
    separator = "&" if "?" in redirect_uri else "?"
    return Response.redirect(redirect_uri + separator + urlencode(back))


def _device_code(state: EmulatorState, github: GitHub, request: Request) -> Response:
    form = request.form()
    if form.get("client_id") != github.client_id:
        return _error(request, "incorrect_client_credentials",
                      "The client_id and/or client_secret passed are incorrect.")
    first = state.directory.snapshot()[0]
    device_code, device = github.new_device(Grant(first, github.client_id,
                                                  form.get("scope", "").split()))
    return _answer(request, {"device_code": device_code, "user_code": device.user_code,
                             "verification_uri": f"{state.url}{PREFIX}/login/device",
                             "expires_in": github.device_code_lifetime,
                             "interval": device.interval})


def _token(github: GitHub, request: Request) -> Response:
    form = request.form()
    if form.get("client_id") != github.client_id:
        return _error(request, "incorrect_client_credentials",
                      "The client_id and/or client_secret passed are incorrect.")
    grant_type = form.get("grant_type") or "authorization_code"
    if grant_type == DEVICE_GRANT:
        return _device_grant(github, request, form)
    if form.get("client_secret") != github.client_secret:
        return _error(request, "incorrect_client_credentials",
                      "The client_id and/or client_secret passed are incorrect.")
    if grant_type == "refresh_token":
        with github.lock:
            grant = github.refresh_tokens.pop(form.get("refresh_token", ""), None)  # single use
        if grant is None or not github.expiring_tokens:
            return _error(request, "bad_refresh_token", "The refresh token passed is incorrect "
                          "or expired.")
        return _issued(github, request, grant, grant_type)
    found = github.redeem(form.get("code", ""), form.get("redirect_uri", ""),
                          form.get("code_verifier"))
    if isinstance(found, str):
        return _error(request, "bad_verification_code",
                      "The code passed is incorrect or expired.")
    return _issued(github, request, found, grant_type)


def _device_grant(github: GitHub, request: Request, form: dict[str, str]) -> Response:
    with github.lock:
        device = github.devices.get(form.get("device_code", ""))
        if device is None:
            return _error(request, "incorrect_device_code",
                          "The device_code provided is not valid.")
        now = time.time()
        if device.expires_at < now:
            return _error(request, "expired_token", "The device_code has expired.")
        if device.status == "denied":
            return _error(request, "access_denied",
                          "The authorization request was denied.")
        if device.status == "pending":
            too_soon = now - device.last_poll < device.interval
            device.last_poll = now
            if too_soon:
                device.interval += 5
                return _error(request, "slow_down", "Too many requests have been made in the "
                              "same timeframe.", interval=device.interval)
            return _error(request, "authorization_pending",
                          "The authorization request is still pending.")
        del github.devices[form["device_code"]]
    return _issued(github, request, device.grant, DEVICE_GRANT)


def _issued(github: GitHub, request: Request, grant: Grant, grant_type: str) -> Response:
    answer = github.issue(grant, grant_type, with_refresh=github.expiring_tokens)
    answer["scope"] = ",".join(grant.scopes)
    if github.expiring_tokens:
        answer["refresh_token_expires_in"] = REFRESH_LIFETIME
    return _answer(request, answer)


def approve(state: EmulatorState, github: GitHub, user_code: str, user: User | None) -> None:
    device = github.device_of(user_code)
    with github.lock:
        if user is not None:
            device.grant.user = user
        device.status = "approved"

