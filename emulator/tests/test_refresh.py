"""Refresh tokens: rotation, strict rotation, consent, revocation and expiry."""

from __future__ import annotations

import httpx
from authsome_nb_emulator import Emulator

from .helpers import device_sign_in, msal_app


def _refresh(identity: httpx.Client, emu: Emulator, refresh_token: str,
             scope: str = "User.Read offline_access openid profile") -> httpx.Response:
    return identity.post("/common/oauth2/v2.0/token", data={
        "grant_type": "refresh_token", "client_id": emu.client_id,
        "refresh_token": refresh_token, "scope": scope})


def test_every_refresh_rotates_and_strict_rotation_refuses_the_old_token(
        emu: Emulator, identity: httpx.Client) -> None:
    first = device_sign_in(emu, ["User.Read"])["refresh_token"]
    second = _refresh(identity, emu, first).json()["refresh_token"]
    assert second != first
    assert _refresh(identity, emu, first).status_code == 200  # lenient by default

    emu.strict_rotation = True
    third = _refresh(identity, emu, second).json()["refresh_token"]
    refused = _refresh(identity, emu, second)
    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid_grant"
    assert refused.json()["error_codes"] == [70008]
    assert _refresh(identity, emu, third).status_code == 200


def test_msal_keeps_refreshing_across_strict_rotations(emu: Emulator) -> None:
    emu.strict_rotation = True
    app = msal_app(emu)
    device_sign_in(emu, ["User.Read"], app=app)
    account = app.get_accounts()[0]

    tokens = {app.acquire_token_silent(["User.Read"], account=account,
                                       force_refresh=True)["access_token"] for _ in range(4)}

    assert len(tokens) == 4
    assert emu.count("token", grant_type="refresh_token", status=200) == 4


def test_a_new_scope_without_consent_needs_interaction(emu: Emulator) -> None:
    app = msal_app(emu)
    device_sign_in(emu, ["User.Read"], app=app)

    result = app.acquire_token_silent_with_error(["Mail.Read"], account=app.get_accounts()[0])

    assert result["error"] == "invalid_grant" and result["suberror"] == "consent_required"
    assert result["error_codes"] == [65001]
    assert "has not consented to use the application" in result["error_description"]


def test_revoked_and_expired_refresh_tokens_stop_working(emu: Emulator,
                                                         identity: httpx.Client) -> None:
    adele = device_sign_in(emu, ["User.Read"], "adele")["refresh_token"]
    megan = device_sign_in(emu, ["User.Read"], "megan")["refresh_token"]

    assert emu.revoke_refresh_tokens("adele") == 1
    assert _refresh(identity, emu, adele).json()["error_codes"] == [70008]
    assert _refresh(identity, emu, megan).status_code == 200

    emu.advance_clock(91 * 86400)
    expired = _refresh(identity, emu, megan).json()
    assert expired["error_codes"] == [700082] and expired["suberror"] == "bad_token"


def test_the_response_scope_and_lifetime_follow_the_knobs(emu: Emulator,
                                                          identity: httpx.Client) -> None:
    emu.access_token_lifetime = 310
    emu.extra_response_scopes = ["openid", "profile", "email"]
    app = msal_app(emu)
    signed_in = device_sign_in(emu, ["https://graph.microsoft.com/Mail.Read"], app=app)
    assert signed_in["expires_in"] == 310
    assert signed_in["scope"] == "https://graph.microsoft.com/Mail.Read openid profile email"
    assert app.acquire_token_silent(["https://graph.microsoft.com/Mail.Read"],
                                    account=app.get_accounts()[0])["access_token"] == \
        signed_in["access_token"]

    default = _refresh(identity, emu, signed_in["refresh_token"],
                       "https://graph.microsoft.com/.default offline_access").json()
    assert default["scope"].split()[0] == "https://graph.microsoft.com/Mail.Read"


def test_token_responses_carry_microsofts_headers(emu: Emulator, identity: httpx.Client) -> None:
    refresh_token = device_sign_in(emu, ["User.Read"])["refresh_token"]
    answer = identity.post("/common/oauth2/v2.0/token", headers={"client-request-id": "c-1"},
                           data={"grant_type": "refresh_token", "client_id": emu.client_id,
                                 "refresh_token": refresh_token, "scope": "User.Read"})
    assert answer.headers["cache-control"].startswith("no-store")
    assert answer.headers["client-request-id"] == "c-1" and answer.headers["x-ms-request-id"]
    assert answer.json()["refresh_token"]  # rotated even without offline_access
    assert not any(refresh_token in str(entry) for entry in emu.requests)
