"""The REST routes the JupyterLab panel uses, on a real Jupyter server sharing the test's store.

Every answer is checked against the schema the extension's TypeScript types come from."""

from __future__ import annotations

import base64
import contextlib
import json
import os
import time

import httpx
import pytest
from rest_api import assert_shape

from authsome_nb._session import Session
from authsome_nb.store import Account, ConnectionRecord, MsalState


def _add_connection(home, connection: str, **extra) -> None:
    """A stored connection, written as a kernel's sign-in would have left it."""
    record = ConnectionRecord(
        provider="microsoft", connection=connection, client_id="c",
        authority="https://login.example/common", scopes=("User.Read",), flow="device",
        account=Account(f"{connection}@contoso.com", connection.title(), "tenant-1"),
        state=MsalState(None, {}), created_at=time.time(), **extra,
    )
    with Session(home).store.transaction() as tx:
        tx.put(record)


def _browser(jupyter) -> httpx.Client:
    """A client signed in to Jupyter as a browser is: a login cookie and an _xsrf cookie."""
    http = jupyter.client(token=False)
    assert http.get("", params={"token": jupyter.token}).status_code in (200, 302)
    http.get("login")  # sets _xsrf
    assert "_xsrf" in http.cookies
    return http


def test_connections_need_jupyters_token(jupyter):
    with jupyter.client(token=False) as anonymous:
        assert anonymous.get("authsome/api/connections").status_code == 403
        assert anonymous.delete("authsome/api/connections/microsoft/default").status_code == 403
        assert anonymous.post("authsome/api/login", json={}).status_code == 403
    with jupyter.client() as http:
        reply = http.get("authsome/api/connections")
    assert reply.status_code == 200 and reply.headers["Cache-Control"] == "no-store"
    assert_shape(reply.json(), "ConnectionList")


def test_connections_show_what_any_process_stored_including_a_failed_refresh(jupyter):
    _add_connection(jupyter.home, "work", refresh_error="Token refresh failed for microsoft/work: "
                    "AADSTS700082: The refresh token has expired")
    with jupyter.client() as http:
        listed = assert_shape(http.get("authsome/api/connections").json(), "ConnectionList")
    found = {c["key"]: c for c in listed["connections"]}
    work = found["microsoft/work"]
    assert (work["username"], work["tenant_id"]) == ("work@contoso.com", "tenant-1")
    assert work["scopes"] == ["User.Read"]
    assert work["refresh_error"].startswith("Token refresh failed") and work["expires_at"] is None
    assert "msal_cache" not in work and "client_secret" not in work


def test_sign_out_removes_the_connection_for_every_process(jupyter):
    _add_connection(jupyter.home, "leaving")
    with jupyter.client() as http:
        assert http.delete("authsome/api/connections/microsoft/leaving").status_code == 204
        again = http.delete("authsome/api/connections/microsoft/leaving")
    assert again.status_code == 404
    assert "microsoft/leaving" in assert_shape(again.json(), "ErrorReply")["message"]
    assert "microsoft/leaving" not in {c.key for c in Session(jupyter.home).connections()}


def test_a_browser_session_needs_the_xsrf_token_to_change_anything(jupyter):
    _add_connection(jupyter.home, "guarded")
    with contextlib.closing(_browser(jupyter)) as browser:
        assert browser.get("authsome/api/connections").status_code == 200
        forged = browser.delete("authsome/api/connections/microsoft/guarded")
        assert forged.status_code == 403
        real = browser.delete("authsome/api/connections/microsoft/guarded",
                              headers={"X-XSRFToken": browser.cookies["_xsrf"]})
        assert real.status_code == 204


@pytest.mark.parametrize("body, complaint", [
    ("not json", "Invalid JSON"),
    ('["a list"]', "JSON object"),
    ('{"connection": "a/b"}', "without '/'"),
    ('{"services": 3}', "list of strings"),
])
def test_a_bad_sign_in_request_is_refused_with_the_reason(jupyter, body, complaint):
    with jupyter.client() as http:
        reply = http.post("authsome/api/login", content=body)
    assert reply.status_code == 400
    assert complaint in assert_shape(reply.json(), "ErrorReply")["message"]


def test_a_sign_in_that_cannot_start_says_why_and_how_to_fix_it(jupyter):
    with jupyter.client() as http:
        started = http.post("authsome/api/login", json={"connection": "noclient"})
        job = assert_shape(started.json(), "LoginJob")
        assert started.status_code == 202
        assert started.headers["Location"].endswith(f"/authsome/api/login/{job['id']}")
        assert job["status"] == "failed" and job["outcome"] == "error"
        assert "no client id" in job["error"] and "MICROSOFT_OAUTH_CLIENT_ID" in job["error"]
        assert http.get(f"authsome/api/login/{job['id']}").json() == job
        assert http.get("authsome/api/login/nope").status_code == 404


def test_a_store_the_server_cannot_open_is_a_clear_error_not_a_traceback(jupyter, start_jupyter):
    _add_connection(jupyter.home, "locked")
    other_key = base64.b64encode(os.urandom(32)).decode()
    wrong = start_jupyter(jupyter.home, env={"AUTHSOME_NB_KEY": other_key})
    with wrong.client() as http:
        reply = http.get("authsome/api/connections")
    assert reply.status_code == 500
    message = assert_shape(reply.json(), "ErrorReply")["message"]
    assert "What to do" in message and "Traceback" not in reply.text
    assert "microsoft/locked" in {c.key for c in Session(jupyter.home).connections()}  # untouched


def test_a_home_others_can_write_is_reported_as_a_message_not_a_traceback(jupyter):
    _add_connection(jupyter.home, "exposed")
    jupyter.home.chmod(0o777)
    try:
        with jupyter.client() as http:
            reply = http.delete("authsome/api/connections/microsoft/exposed")
    finally:
        jupyter.home.chmod(0o700)
    assert reply.status_code == 500 and "Traceback" not in reply.text
    message = reply.json()["message"]
    assert "is writable by its group and others (mode 0777)" in message and "chmod 700" in message
    assert "microsoft/exposed" in {c.key for c in Session(jupyter.home).connections()}


def test_any_authsome_error_is_a_message_not_only_a_store_error(jupyter, start_jupyter):
    misconfigured = start_jupyter(jupyter.home, env={"AUTHSOME_NB_KEY": "not-a-key"})
    with misconfigured.client() as http:
        reply = http.get("authsome/api/connections")
    assert reply.status_code == 500 and "Traceback" not in reply.text
    assert "AUTHSOME_NB_KEY is not base64 of 32 bytes" in reply.json()["message"]


def test_the_sign_in_form_is_offered_every_provider_defined_as_data(jupyter):
    providers = jupyter.home / "providers"
    providers.mkdir(mode=0o700, exist_ok=True)
    acme = providers / "acme.json"  # the user's own: PKCE only, no device code
    acme.write_text(json.dumps({"name": "acme", "display_name": "Acme", "oauth": {
        "authorization_url": "https://acme.example/a", "token_url": "https://acme.example/t"}}))
    try:
        with jupyter.client() as http:
            reply = http.get("authsome/api/providers")
            assert reply.status_code == 200 and reply.headers["Cache-Control"] == "no-store"
            listed = assert_shape(reply.json(), "ProviderList")["providers"]
            offered = {p["name"]: p for p in listed}
            assert {"microsoft", "github", "google", "acme"} <= offered.keys()
            microsoft = offered["microsoft"]
            assert microsoft["device_code"] and microsoft["services"][:2] == ["outlook", "calendar"]
            assert offered["github"]["device_code"] and offered["google"]["device_code"]
            assert offered["acme"] == {"name": "acme", "display_name": "Acme", "services": [],
                                       "device_code": False}
            with jupyter.client(token=False) as anonymous:
                assert anonymous.get("authsome/api/providers").status_code == 403

            acme.write_text('{"name": "acme", "oauth": {"authorization_url": 7}}')
            broken = http.get("authsome/api/providers")
        assert broken.status_code == 500 and "Traceback" not in broken.text
        assert "acme.json" in broken.json()["message"]
    finally:
        acme.unlink()
