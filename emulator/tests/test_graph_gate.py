"""Graph's front door: tokens, scopes, CAE challenges, throttling and injected errors."""

from __future__ import annotations

import base64
import json

import httpx
from authsome_nb_emulator import Emulator

from .helpers import bearer, device_sign_in, msal_app


def test_me_with_the_issued_token(graph: httpx.Client, sign_in) -> None:
    token = sign_in(["User.Read"], "adele")
    me = graph.get("/me", headers=bearer(token))
    assert me.status_code == 200
    assert me.json()["userPrincipalName"] == "AdeleV@contoso.example"
    assert me.headers["request-id"] and me.json()["@odata.context"].endswith("#users/$entity")
    picked = graph.get("/me", params={"$select": "displayName"}, headers=bearer(token)).json()
    assert set(picked) == {"@odata.context", "displayName", "id"}


def test_missing_unknown_and_expired_tokens_get_401(emu: Emulator, graph: httpx.Client,
                                                   sign_in) -> None:
    missing = graph.get("/me")
    assert missing.status_code == 401
    assert missing.json()["error"]["code"] == "InvalidAuthenticationToken"
    assert missing.json()["error"]["innerError"]["request-id"]
    assert missing.headers["www-authenticate"].startswith("Bearer realm=")
    assert graph.get("/me", headers=bearer("not-a-jwt")).status_code == 401

    token = sign_in(["User.Read"])
    emu.advance_clock(3601)
    expired = graph.get("/me", headers=bearer(token))
    assert expired.status_code == 401
    assert 'error="invalid_token"' in expired.headers["www-authenticate"]
    assert "expired" in expired.json()["error"]["message"]


def test_a_token_without_the_scope_gets_403(graph: httpx.Client, sign_in) -> None:
    token = sign_in(["User.Read"])
    mail = graph.get("/me/messages", headers=bearer(token))
    assert mail.status_code == 403 and mail.json()["error"]["code"] == "ErrorAccessDenied"
    users = graph.get("/users", headers=bearer(token))
    assert users.json()["error"]["code"] == "Authorization_RequestDenied"
    chats = graph.get("/me/chats", headers=bearer(token)).json()["error"]
    assert "Chat.Read" in chats["message"]


def test_revoked_sessions_get_a_cae_challenge_that_msal_can_answer(emu: Emulator,
                                                                  graph: httpx.Client) -> None:
    app = msal_app(emu)
    token = device_sign_in(emu, ["User.Read"], app=app)
    emu.revoke_sessions("adele")

    challenged = graph.get("/me", headers=bearer(token))
    header = challenged.headers["www-authenticate"]
    assert challenged.status_code == 401 and 'error="insufficient_claims"' in header
    claims = base64.b64decode(header.split('claims="')[1].split('"')[0]).decode()
    assert json.loads(claims)["access_token"]["nbf"]["essential"] is True

    fresh = app.acquire_token_silent(["User.Read"], account=app.get_accounts()[0],
                                     claims_challenge=claims)
    assert graph.get("/me", headers=bearer(fresh)).status_code == 200


def test_every_nth_call_is_throttled(emu: Emulator, graph: httpx.Client, sign_in) -> None:
    token = sign_in(["User.Read"])
    emu.throttle_every, emu.throttle_retry_after = 3, 2
    statuses = [graph.get("/me", headers=bearer(token)) for _ in range(6)]
    assert [r.status_code for r in statuses] == [200, 200, 429, 200, 200, 429]
    assert statuses[2].headers["retry-after"] == "2"
    assert statuses[2].json()["error"]["code"] == "TooManyRequests"

    emu.throttle_status, emu.throttle_every = 503, 1
    assert graph.get("/me", headers=bearer(token)).status_code == 503


def test_injected_graph_errors_hit_their_path_only(emu: Emulator, graph: httpx.Client,
                                                   sign_in) -> None:
    token = sign_in(["User.Read", "Mail.Read"])
    emu.inject_graph_error("/v1.0/me/messages", status=403, code="ErrorAccessDenied", count=1)
    assert graph.get("/me", headers=bearer(token)).status_code == 200
    assert graph.get("/me/messages", headers=bearer(token)).status_code == 403
    assert graph.get("/me/messages", headers=bearer(token)).status_code == 200


def test_unknown_paths_and_methods(graph: httpx.Client, sign_in) -> None:
    token = sign_in(["User.Read", "Mail.Read"])
    missing = graph.get("/me/nothing-here", headers=bearer(token))
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] in ("ResourceNotFound", "Request_ResourceNotFound")
    assert graph.put("/me", headers=bearer(token)).status_code == 405
    assert graph.get("/me/messages/AAMkNOPE", headers=bearer(token)).json()["error"]["code"] == \
        "ErrorItemNotFound"


def test_users_path_of_the_caller_is_me_and_others_are_denied(emu: Emulator,
                                                              graph: httpx.Client,
                                                              sign_in) -> None:
    token = sign_in(["User.Read", "Mail.Read"])
    mine = graph.get(f"/users/{emu.user('adele').upn}/messages", headers=bearer(token))
    assert mine.status_code == 200
    theirs = graph.get(f"/users/{emu.user('megan').oid}/messages", headers=bearer(token))
    assert theirs.status_code == 403


def test_next_links_can_point_at_another_host_name(emu: Emulator, graph: httpx.Client,
                                                   sign_in) -> None:
    token = sign_in(["Mail.Read"])
    emu.next_link_host = "localhost"
    first = graph.get("/me/messages", headers=bearer(token)).json()
    assert first["@odata.nextLink"].startswith(f"https://localhost:{emu.port}/v1.0/me/messages?")
    assert graph.get(first["@odata.nextLink"], headers=bearer(token)).status_code == 200
    assert emu.count("graph", host=f"localhost:{emu.port}") == 1
