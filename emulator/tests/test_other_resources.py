"""One sign-in, several APIs: Entra's multi-resource refresh tokens, and consent per API."""

from __future__ import annotations

import base64
import json

import httpx
from authsome_nb_emulator import Emulator

from .helpers import bearer, device_sign_in, msal_app


def _claims(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_a_graph_sign_in_refreshes_into_a_storage_token_once_storage_is_consented(
        emu: Emulator, graph: httpx.Client) -> None:
    app = msal_app(emu)
    device_sign_in(emu, ["User.Read", "https://storage.azure.com/user_impersonation"], app=app)
    account = app.get_accounts()[0]

    storage = app.acquire_token_silent_with_error(["https://storage.azure.com/.default"],
                                                  account=account)

    assert storage["scope"] == "https://storage.azure.com/user_impersonation"
    assert _claims(storage["access_token"])["aud"] == "https://storage.azure.com"
    # A token for another audience is no Graph token.
    refused = graph.get("/me", headers=bearer(storage["access_token"]))
    assert refused.status_code == 401
    graph_token = app.acquire_token_silent(["User.Read"], account=account)["access_token"]
    assert graph.get("/me", headers=bearer(graph_token)).status_code == 200


def test_the_sign_in_token_is_for_the_first_scopes_resource(emu: Emulator) -> None:
    signed_in = device_sign_in(emu, ["User.Read", "https://management.azure.com/.default"])

    assert _claims(signed_in["access_token"])["aud"] == "00000003-0000-0000-c000-000000000000"
    assert signed_in["scope"] == "User.Read"


def test_an_api_never_consented_to_needs_consent(emu: Emulator) -> None:
    app = msal_app(emu)
    device_sign_in(emu, ["User.Read"], app=app)

    result = app.acquire_token_silent_with_error(["https://management.azure.com/.default"],
                                                 account=app.get_accounts()[0])

    assert result["error"] == "invalid_grant" and result["suberror"] == "consent_required"
    assert result["error_codes"] == [65001]


def test_an_unknown_api_is_not_found_in_the_tenant(emu: Emulator) -> None:
    app = msal_app(emu)
    device_sign_in(emu, ["User.Read"], app=app)

    result = app.acquire_token_silent_with_error(["https://api.unknown.example/.default"],
                                                 account=app.get_accounts()[0])

    assert result["error_codes"] == [500011]
