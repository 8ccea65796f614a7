"""``/token``: the device-code, authorization-code and refresh-token grants.

Each grant checks what Microsoft checks, in the same order, and answers with the same
AADSTS codes: a code is single-use and bound to its PKCE challenge and redirect URI; a
refresh token rotates on every use (``strict_rotation`` makes the old one invalid); asking
a refresh for scopes the user never consented to is AADSTS65001 ``consent_required``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
from typing import TYPE_CHECKING, Any

from . import _devices
from ._aadsts import timestamp
from ._errors import EmulatorError
from ._identity_common import audience, known_client, reply_error, stamp
from ._jwt import b64url
from ._scopes import ScopeError, Scopes
from ._scopes import parse as parse_scopes
from ._server import Request, Response
from ._state import DEVICE_GRANT
from ._users import Audience, User

if TYPE_CHECKING:
    from ._state import EmulatorState


class _Refusal(Exception):
    """Ends a grant with an AADSTS answer."""

    def __init__(self, code: int, context: dict[str, Any] | None = None, *,
                 error: str | None = None, text: str | None = None) -> None:
        super().__init__(code)
        self.code, self.context, self.error, self.text = code, context or {}, error, text


def token(state: EmulatorState, request: Request, segment: str) -> Response:
    form = request.form()
    grant_type = form.get("grant_type", "")
    client_id = form.get("client_id", "")
    context = {"client_id": client_id, "tenant": segment, "scope": form.get("scope", ""),
               "redirect_uri": form.get("redirect_uri", "")}
    response = _token(state, request, segment, form, grant_type, client_id, context)
    response.log["grant_type"] = grant_type or None
    return response


def _redeemed_as_public_client(state: EmulatorState, form: dict[str, str]) -> bool:
    """Whether this grant redeems what a "Mobile and desktop applications" redirect received.

    Microsoft decides public or confidential per request, by the platform under which the
    request's redirect URI is registered: "Web" is confidential (a secret is required,
    AADSTS7000218), "Mobile and desktop applications" is public (a secret is refused,
    AADSTS700025) — so one app registration serves a web app with a secret and native
    clients without one.  A refresh token keeps the kind of the redemption that issued it.
    https://learn.microsoft.com/en-us/troubleshoot/entra/entra-id/app-integration/confidential-client-application-authentication-error-aadsts7000218
    """
    grant_type = form.get("grant_type")
    if grant_type == "authorization_code":
        code = state.tokens.codes.get(form.get("code", ""))
        return code is not None and code.redirect_uri in state.public_client_redirect_uris
    if grant_type == "refresh_token":
        grant = state.tokens.refresh.get(form.get("refresh_token", ""))
        return grant is not None and grant.public_client
    return False


def _client_authentication(state: EmulatorState, form: dict[str, str]) -> int | None:
    """The AADSTS code refusing the client's credentials, or None when they fit its kind."""
    presented = form.get("client_secret") or form.get("client_assertion")
    if state.client_secret is None or _redeemed_as_public_client(state, form):
        return 700025 if presented else None
    if not presented:
        return 7000218
    return None if hmac.compare_digest(presented, state.client_secret) else 7000215


def _token(state: EmulatorState, request: Request, segment: str, form: dict[str, str],
           grant_type: str, client_id: str, context: dict[str, Any]) -> Response:
    for field_name, value in (("grant_type", grant_type), ("client_id", client_id)):
        if not value:
            return reply_error(state, request, 900144, {**context, "field": field_name})
    injected = state.take_identity_fault("token", grant_type)
    if injected is not None:
        return reply_error(state, request, injected, context)
    if not known_client(state, client_id):
        return reply_error(state, request, 700016, context)
    refusal = _client_authentication(state, form)
    if refusal is not None:
        return reply_error(state, request, refusal, context)
    found = audience(state, segment)
    if found is None:
        return reply_error(state, request, 90002, context)
    grants = {DEVICE_GRANT: _device_grant, "authorization_code": _code_grant,
              "refresh_token": _refresh_grant}
    if grant_type not in grants:
        return reply_error(state, request, 70005, {**context, "field": "grant_type"},
                           error="unsupported_grant_type")
    try:
        with state.lock:
            body = grants[grant_type](state, form, found)
    except _Refusal as refusal:
        return reply_error(state, request, refusal.code, {**context, **refusal.context},
                           error=refusal.error, text=refusal.text)
    except ScopeError as exc:
        return reply_error(state, request, exc.code, {**context, "scope": exc.scope,
                                                      "resource": exc.scope})
    headers = [("Cache-Control", "no-store, no-cache"), ("Pragma", "no-cache")]
    return stamp(request, Response.json(body, headers=headers))


def _issue(state: EmulatorState, user: User, client_id: str, scopes: Scopes,
           nonce: str | None = None, public_client: bool = False) -> dict[str, Any]:
    return state.tokens.issue(user=user, client_id=client_id, scopes=scopes, now=state.now(),
                              lifetime=state.access_token_lifetime, base_url=state.url,
                              extra_scopes=state.extra_response_scopes, nonce=nonce,
                              public_client=public_client)


def _require(form: dict[str, str], name: str) -> str:
    value = form.get(name)
    if not value:
        raise _Refusal(900144, {"field": name})
    return value


def _check_audience(found: Audience, user: User) -> None:
    if not found.accepts(user):
        raise _Refusal(50020, {"upn": user.upn, "idp": "live.com" if user.is_personal
                               else f"https://sts.windows.net/{user.tenant_id}/"})


def _device_grant(state: EmulatorState, form: dict[str, str], found: Audience) -> dict:
    device = state.tokens.devices.get(_require(form, "device_code"))
    if device is None or device.client_id != form["client_id"]:
        raise _Refusal(70000, error="bad_verification_code",
                       text="The provided value for the input parameter 'device_code' is not "
                            "valid.")
    if device.status == "pending" and state.now() >= device.expires_at:
        device.status = "expired"
    if device.status == "redeemed":
        raise _Refusal(70000, text="The device code was already redeemed.")
    if device.status == "expired":
        raise _Refusal(70020)
    if device.status == "denied":
        raise _Refusal(65004, error="authorization_declined",
                       text="The end user denied the authorization request.")
    if device.status == "pending":
        if state.slow_down_polls > 0:
            state.slow_down_polls -= 1
            raise _Refusal(70016, error="slow_down",
                           text="The client is polling too often. Poll less frequently.")
        polls_before, device.polls = device.polls, device.polls + 1
        if state.auto_approve_after is None or polls_before < state.auto_approve_after:
            raise _Refusal(70016)
        try:
            user = _devices.default_user(state, device, state.auto_approve_user)
            _devices.approve_device(state, device, user)
        except EmulatorError:
            raise _Refusal(50020, {"upn": state.auto_approve_user}) from None
    assert device.user is not None
    _check_audience(found, device.user)
    device.status = "redeemed"
    return _issue(state, device.user, device.client_id, device.scopes)


def _code_grant(state: EmulatorState, form: dict[str, str], found: Audience) -> dict:
    record = state.tokens.codes.get(_require(form, "code"))
    if record is None:
        raise _Refusal(9002313)
    if record.redeemed:
        raise _Refusal(54005)
    record.redeemed = True  # a failed redemption burns the code too
    if state.now() - record.issued_at > state.auth_code_lifetime:
        raise _Refusal(70008)
    if record.client_id != form["client_id"]:
        raise _Refusal(70000)
    if form.get("redirect_uri", "") != record.redirect_uri:
        raise _Refusal(500112, {"redirect_uri": form.get("redirect_uri", "")})
    verifier = form.get("code_verifier", "")
    if not verifier or b64url(hashlib.sha256(verifier.encode()).digest()) != record.code_challenge:
        raise _Refusal(501481)
    _check_audience(found, record.user)
    return _issue(state, record.user, record.client_id, record.scopes, nonce=record.nonce,
                  public_client=record.redirect_uri in state.public_client_redirect_uris)


def _refresh_grant(state: EmulatorState, form: dict[str, str], found: Audience) -> dict:
    grant = state.tokens.refresh.get(_require(form, "refresh_token"))
    now = state.now()
    if grant is None:
        raise _Refusal(9002313)
    if grant.client_id != form["client_id"]:
        raise _Refusal(70000)
    if grant.revoked or (grant.rotated and state.strict_rotation):
        raise _Refusal(70008)
    if now - grant.last_used > state.refresh_token_lifetime:
        raise _Refusal(700082, {"issued": timestamp(grant.issued_at)})
    _check_audience(found, grant.user)
    scopes = parse_scopes(form.get("scope"))
    if not scopes.graph:
        scopes = Scopes(tuple(state.tokens.consented(grant.client_id, grant.user)), scopes.oidc)
    if state.tokens.missing_consent(grant.client_id, grant.user, scopes):
        raise _Refusal(65001)
    grant.rotated, grant.last_used = True, now
    # Microsoft returns a new refresh token on every refresh, asked for or not; the token is
    # for the first scope's resource (see _scopes), which may be another API than Graph.
    return _issue(state, grant.user, grant.client_id,
                  dataclasses.replace(scopes, oidc=scopes.oidc | {"offline_access"}, others=()),
                  public_client=grant.public_client)
