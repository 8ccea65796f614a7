"""The generic engine against a certified OpenID Connect server: device code, PKCE, refresh."""

from __future__ import annotations

import os
import threading

import httpx
import pytest
from op_browser import submit_pages
from op_process import PUBLIC_CLIENT

import authsome_nb as an
from authsome_nb.errors import ReauthenticationRequired, SignInDeclined
from authsome_nb.events import AuthorizeUrl, DeviceCode, FlowChosen, SignedIn


def approving(op, login: str, events: list):
    """An on_event handler that, like a person, enters the device code on the provider's pages."""
    threads = []

    def handle(event) -> None:
        events.append(event)
        if isinstance(event, DeviceCode):
            thread = threading.Thread(target=submit_pages, args=(event.verification_uri,),
                                      kwargs={"ca_path": op.ca_path, "login": login,
                                              "user_code": event.user_code})
            thread.start()
            threads.append(thread)

    return handle


def browsing(op, login: str):
    """An ``open_browser`` callable: a person who signs in on the provider's pages."""

    def open_browser(url: str) -> None:
        threading.Thread(target=submit_pages, args=(url,),
                         kwargs={"ca_path": op.ca_path, "login": login}).start()

    return open_browser


def test_device_code_signs_in_through_the_providers_own_pages(op_env):
    op = op_env
    events: list = []
    conn = an.login("testoidc", flow="device", on_event=approving(op, "ada", events))
    assert (conn.username, conn.display_name) == ("ada", "Test User ada")
    code = next(e for e in events if isinstance(e, DeviceCode))
    assert code.verification_uri == f"{op.issuer}/device"
    assert code.interval == 5  # oidc-provider sends none: RFC 8628's default
    assert code.user_code in code.message and code.verification_uri in code.message
    assert isinstance(events[-1], SignedIn)
    token = an.token("testoidc")
    assert op.userinfo(token.value).json()["sub"] == "ada"  # the provider accepts it
    assert token.value not in repr(token)


def test_pkce_through_the_loopback_with_form_post(op_env):
    op = op_env
    events: list = []
    conn = an.login("testoidc", "browser", flow="pkce", on_event=events.append,
                    open_browser=browsing(op, "grace"))
    assert conn.username == "grace" and conn.flow == "pkce"
    url = next(e for e in events if isinstance(e, AuthorizeUrl)).url
    assert "code_challenge_method=S256" in url and "nonce=" in url
    assert "response_mode=form_post" in url and "prompt=consent" in url
    assert op.userinfo(an.token("testoidc", "browser").value).status_code == 200
    assert any(isinstance(e, FlowChosen) and e.flow == "pkce" for e in events)


def test_refresh_rotates_the_refresh_token_and_keeps_the_grant(op_env):
    op = op_env
    an.login("testoidc", flow="pkce", open_browser=browsing(op, "ada"), on_event=lambda e: None)
    first = an.token("testoidc")
    old_refresh = refresh_token()
    op.reset_counts()
    second = an.refresh("testoidc")
    assert second != first and op.refreshes() == 1
    assert refresh_token() != old_refresh  # rotated, and the new one was stored
    assert op.counts()["revoked"] == 0
    assert op.userinfo(second.value).status_code == 200


def test_the_peer_is_strict_a_reused_refresh_token_revokes_the_grant(op_env):
    op = op_env
    an.login("testoidc", flow="pkce", open_browser=browsing(op, "ada"), on_event=lambda e: None)
    old_refresh = refresh_token()
    an.refresh("testoidc")
    reuse = httpx.post(f"{op.issuer}/token", verify=op.tls, trust_env=False,
                       data={"grant_type": "refresh_token", "refresh_token": old_refresh,
                             "client_id": PUBLIC_CLIENT})
    assert reuse.json()["error"] == "invalid_grant" and op.counts()["revoked"] >= 1
    with pytest.raises(ReauthenticationRequired) as caught:
        an.refresh("testoidc")  # the stored, newer refresh token died with the grant
    assert caught.value.error == "invalid_grant"
    assert "an.login('testoidc'" in caught.value.remedy
    assert an.get("testoidc").refresh_error  # the sidebar can show it


def refresh_token() -> str:
    an.export("testoidc", include_refresh_token=True)
    os.environ.pop("TESTOIDC_ACCESS_TOKEN")
    return os.environ.pop("TESTOIDC_REFRESH_TOKEN")


def test_declining_on_the_device_page_is_a_declined_sign_in(op_env, monkeypatch):
    op = op_env
    import op_browser

    def abort(url, *, ca_path, login, user_code=None, **_):
        import httpx

        with httpx.Client(verify=op.tls, trust_env=False) as browser:
            page = browser.get(url)
            form = op_browser._Forms()
            form.feed(page.text)
            fields = dict(form.forms[0]["fields"], user_code=user_code)
            confirm = browser.post(page.url, data=fields)
            form = op_browser._Forms()
            form.feed(confirm.text)
            browser.post(confirm.url.join(form.forms[0]["action"]),
                         data=dict(form.forms[0]["fields"], abort="yes"))

    def handle(event):
        if isinstance(event, DeviceCode):
            threading.Thread(target=abort, args=(event.verification_uri,),
                             kwargs={"ca_path": op.ca_path, "login": "x",
                                     "user_code": event.user_code}).start()

    with pytest.raises(SignInDeclined, match="access_denied"):
        an.login("testoidc", flow="device", on_event=handle)
