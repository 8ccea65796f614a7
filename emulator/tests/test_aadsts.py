"""Injected AADSTS errors come back with Microsoft's error, description, ids and suberror."""

from __future__ import annotations

import httpx
import pytest
from authsome_nb_emulator import Emulator

from .helpers import device_sign_in, msal_app

EXPECTED = {  # code: (HTTP status, error, suberror)
    50011: (400, "invalid_request", None),
    65001: (400, "invalid_grant", "consent_required"),
    65004: (400, "invalid_grant", None),
    700016: (400, "unauthorized_client", None),
    50020: (400, "invalid_grant", None),
    7000218: (401, "invalid_client", None),
    50076: (400, "interaction_required", None),
    50079: (400, "interaction_required", None),
    53003: (400, "invalid_grant", "message_only"),
    70008: (400, "invalid_grant", None),
    700082: (400, "invalid_grant", "bad_token"),
    9002313: (400, "invalid_request", None),
    90014: (400, "invalid_request", None),
    500011: (400, "invalid_resource", None),
    50126: (400, "invalid_grant", None),
    50173: (400, "invalid_grant", None),
    70000: (400, "invalid_grant", None),
}


def _refresh(identity: httpx.Client, emu: Emulator, **extra: str) -> httpx.Response:
    return identity.post("/common/oauth2/v2.0/token", headers={"client-request-id": "corr-1"},
                         data={"grant_type": "refresh_token", "client_id": emu.client_id,
                               "refresh_token": "0.Anything", "scope": "User.Read", **extra})


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_an_injected_error_looks_like_microsofts(code: int, emu: Emulator,
                                                 identity: httpx.Client) -> None:
    status, error, suberror = EXPECTED[code]
    emu.inject_error(code)

    answer = _refresh(identity, emu)

    body = answer.json()
    assert answer.status_code == status
    assert body["error"] == error and body["error_codes"] == [code]
    assert body.get("suberror") == suberror
    first_line, trace, correlation, stamp = body["error_description"].split("\r\n")
    assert first_line.startswith(f"AADSTS{code}: ") and len(first_line) > 30
    assert trace == f"Trace ID: {body['trace_id']}"
    assert correlation == "Correlation ID: corr-1" == f"Correlation ID: {body['correlation_id']}"
    assert stamp == f"Timestamp: {body['timestamp']}"
    assert body["error_uri"].endswith(f"/error?code={code}")
    assert _refresh(identity, emu).json()["error_codes"] == [9002313]  # used up: real answer


def test_injection_can_target_one_grant_type_and_repeat(emu: Emulator,
                                                        identity: httpx.Client) -> None:
    emu.inject_error("AADSTS50173", grant_type="refresh_token", count=2)
    emu.inject_error(70000, endpoint="devicecode")
    codes = [_refresh(identity, emu).json()["error_codes"][0] for _ in range(3)]
    assert codes == [50173, 50173, 9002313]
    device = identity.post("/common/oauth2/v2.0/devicecode",
                           data={"client_id": emu.client_id, "scope": "User.Read"})
    assert device.json()["error_codes"] == [70000]


def test_msal_reports_an_mfa_requirement_on_refresh(emu: Emulator) -> None:
    app = msal_app(emu)
    device_sign_in(emu, ["User.Read"], app=app)
    emu.inject_error(50076, grant_type="refresh_token")

    result = app.acquire_token_silent_with_error(["User.Read"], account=app.get_accounts()[0],
                                                 force_refresh=True)

    assert result["error"] == "interaction_required" and result["claims"]
    assert "multi-factor authentication" in result["error_description"]


def test_an_unknown_client_is_refused_for_real(emu: Emulator, identity: httpx.Client) -> None:
    answer = identity.post("/common/oauth2/v2.0/token", data={
        "grant_type": "refresh_token", "client_id": "00000000-1111-2222-3333-444444444444",
        "refresh_token": "x"})
    assert answer.json()["error_codes"] == [700016]
    assert "was not found in the directory 'common'" in answer.json()["error_description"]


def test_inject_error_refuses_codes_it_does_not_know(emu: Emulator) -> None:
    with pytest.raises(ValueError):
        emu.inject_error(12345)
    with pytest.raises(ValueError):
        emu.inject_error(50076, endpoint="graph")
