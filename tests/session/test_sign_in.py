"""Signing in with real MSAL against the emulator: device code, PKCE, connections, logout."""

from __future__ import annotations

import _thread
import socket
import threading

import pytest

import authsome_nb as an
from authsome_nb.errors import (
    ConfigurationError,
    NotSignedInError,
    SignInCancelled,
    SignInDeclined,
    SignInTimeout,
    UserInfoError,
)
from authsome_nb.events import AuthorizeUrl, DeviceCode, Failed, FlowChosen, SignedIn


def test_device_code_sign_in_fills_the_account_from_me(authsome_env):
    emu = authsome_env
    emu.auto_approve_after = 1
    events = []
    conn = an.login("microsoft", flow="device", on_event=events.append)
    adele = emu.users[0]
    assert (conn.username, conn.display_name, conn.tenant_id) == (
        adele.upn,
        adele.display_name,
        adele.tenant_id,
    )
    assert conn.scopes == (
        "User.Read",
        "Mail.ReadWrite",
        "Calendars.ReadWrite",
        "Files.ReadWrite",
        "Tasks.ReadWrite",
    )
    kinds = [type(e) for e in events]
    assert kinds[:2] == [FlowChosen, DeviceCode] and kinds[-1] is SignedIn
    code = next(e for e in events if isinstance(e, DeviceCode))
    assert code.verification_uri.startswith(emu.url) and len(code.user_code) >= 8
    token = an.token()
    assert token.connection == "default" and len(token) > 100
    assert str(token.value) not in repr(token)
    # offline_access was requested: a refresh token came back
    assert emu.count("token", grant_type="urn:ietf:params:oauth:grant-type:device_code") >= 1


def test_device_code_approved_from_another_thread(authsome_env):
    emu = authsome_env
    approver = threading.Thread(
        target=lambda: emu.approve(emu.wait_for_user_code(10), user="megan")
    )
    approver.start()
    conn = an.login(flow="device", on_event=lambda e: None)
    approver.join()
    assert conn.username == emu.user("megan").upn


def test_pkce_sign_in_with_the_test_playing_the_browser(authsome_env):
    emu = authsome_env
    seen = []
    conn = an.login(
        flow="pkce",
        open_browser=lambda url: emu.play_browser(url, user="megan"),
        on_event=seen.append,
    )
    assert conn.username == emu.user("megan").upn and conn.flow == "pkce"
    url_event = next(e for e in seen if isinstance(e, AuthorizeUrl))
    assert url_event.redirect_uri.startswith(
        "http://localhost:"
    ) and url_event.redirect_uri.endswith("/callback")
    assert "code_challenge_method=S256" in url_event.url and "state=" in url_event.url
    assert "response_mode=form_post" in url_event.url  # the code never sits in a URL
    port = int(url_event.redirect_uri.split(":")[2].split("/")[0])
    with socket.socket() as s:  # the listener answered once and is gone
        assert s.connect_ex(("127.0.0.1", port)) != 0


def test_two_connections_of_different_users_side_by_side(authsome_env):
    emu = authsome_env
    quiet = {"on_event": lambda e: None}
    work = an.login(
        connection="work",
        flow="pkce",
        services="outlook,teams",
        open_browser=lambda url: emu.play_browser(url, user="adele"),
        **quiet,
    )
    personal = an.login(
        connection="personal",
        flow="pkce",
        tenant="consumers",
        open_browser=lambda url: emu.play_browser(url, user="sam"),
        **quiet,
    )
    assert work.username == emu.user("adele").upn
    assert personal.username == emu.user("sam").upn
    assert work.scopes == (
        "User.Read",
        "Mail.ReadWrite",
        "Mail.Send",
        "Chat.ReadWrite",
        "ChannelMessage.Send",
    )
    assert personal.authority.endswith("/consumers")
    assert an.token(connection="work") != an.token(connection="personal")
    assert [c.connection for c in an.connections()] == ["personal", "work"]


def test_login_again_reuses_a_valid_sign_in_and_force_replaces_it(authsome_env):
    emu = authsome_env
    emu.auto_approve_after = 1
    quiet = {"on_event": lambda e: None}
    first = an.login(flow="device", **quiet)
    codes_before = emu.count("devicecode")
    again = an.login(flow="device", **quiet)
    assert again.username == first.username and emu.count("devicecode") == codes_before
    emu.auto_approve_user = "megan"
    replaced = an.login(flow="device", force=True, **quiet)
    assert replaced.username == emu.user("megan").upn
    assert emu.count("devicecode") == codes_before + 1


def test_logout_removes_the_account_and_its_tokens(authsome_env):
    authsome_env.auto_approve_after = 1
    an.login(connection="work", flow="device", on_event=lambda e: None)
    assert an.logout(connection="work") is True
    assert an.connections() == []
    with pytest.raises(NotSignedInError, match="microsoft/work") as caught:
        an.token(connection="work")
    assert "an.login('microsoft', connection='work')" in str(caught.value)
    assert an.logout(connection="work") is False


def test_declined_device_code(authsome_env):
    emu = authsome_env
    threading.Thread(target=lambda: emu.deny(emu.wait_for_user_code(10))).start()
    seen = []
    with pytest.raises(SignInDeclined, match="declined") as caught:
        an.login(flow="device", on_event=seen.append)
    assert an.connections() == []
    failed = [e for e in seen if isinstance(e, Failed)]  # event-driven displays hear it too
    assert len(failed) == 1 and failed[0].outcome == "declined" and failed[0].error is caught.value


def test_expired_device_code(authsome_env):
    emu = authsome_env
    threading.Thread(target=lambda: emu.expire(emu.wait_for_user_code(10))).start()
    seen = []
    with pytest.raises(SignInTimeout, match="expired") as caught:
        an.login(flow="device", on_event=seen.append)
    assert "new code" in str(caught.value)
    assert [e.outcome for e in seen if isinstance(e, Failed)] == ["expired"]


def test_device_code_cancel_button(authsome_env):
    cancel = threading.Event()
    authsome_env_codes = []

    def show(event):
        if isinstance(event, DeviceCode):
            authsome_env_codes.append(event.user_code)
            threading.Timer(0.3, cancel.set).start()

    with pytest.raises(SignInCancelled):
        an.login(flow="device", on_event=show, cancel=cancel)
    assert authsome_env_codes and an.connections() == []


def test_interrupted_pkce_leaves_no_listener_and_no_state(authsome_env):
    seen = []

    def show(event):
        seen.append(event)
        if isinstance(event, AuthorizeUrl):
            threading.Timer(0.3, _thread.interrupt_main).start()

    with pytest.raises(SignInCancelled):
        an.login(flow="pkce", open_browser=False, on_event=show)
    url_event = next(e for e in seen if isinstance(e, AuthorizeUrl))
    port = int(url_event.redirect_uri.split(":")[2].split("/")[0])
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0
    assert an.connections() == []
    assert not (authsome_env_home() / "credentials.enc").exists()


def test_interrupted_device_code_is_a_clean_cancel(authsome_env):
    def show(event):
        if isinstance(event, DeviceCode):
            threading.Timer(0.3, _thread.interrupt_main).start()

    with pytest.raises(SignInCancelled, match="interrupted"):
        an.login(flow="device", on_event=show)
    assert an.connections() == []


def test_user_info_failure_is_the_seed_message_and_stores_nothing(authsome_env):
    emu = authsome_env
    emu.auto_approve_after = 1
    emu.inject_graph_error("/v1.0/me", status=403, code="Authorization_RequestDenied")
    with pytest.raises(
        UserInfoError, match="Failed to get user info from Microsoft Graph"
    ) as caught:
        an.login(flow="device", on_event=lambda e: None)
    assert "User.Read" in str(caught.value)
    assert an.connections() == []


def test_not_configured_names_the_env_var_and_the_setup(authsome_env, monkeypatch):
    monkeypatch.delenv("MICROSOFT_OAUTH_CLIENT_ID")
    override = authsome_env_home() / "providers" / "microsoft.json"
    import json

    data = json.loads(override.read_text())
    data.pop("client_id", None)
    override.write_text(json.dumps(data))
    with pytest.raises(ConfigurationError, match="Microsoft OAuth not configured") as caught:
        an.login(flow="device", on_event=lambda e: None)
    text = str(caught.value)
    assert "MICROSOFT_OAUTH_CLIENT_ID" in text and "http://localhost/callback" in text


def test_client_id_argument_beats_the_environment(authsome_env, monkeypatch):
    emu = authsome_env
    emu.auto_approve_after = 1
    monkeypatch.setenv("MICROSOFT_OAUTH_CLIENT_ID", "11111111-2222-3333-4444-555555555555")
    conn = an.login(flow="device", client_id=emu.client_id, on_event=lambda e: None)
    assert conn.client_id == emu.client_id


def authsome_env_home():
    import os
    from pathlib import Path

    return Path(os.environ["AUTHSOME_NB_HOME"])


def test_slow_down_is_honoured_and_the_sign_in_still_completes(authsome_env):
    emu = authsome_env
    emu.slow_down_polls = 1
    emu.auto_approve_after = 1
    conn = an.login(flow="device", on_event=lambda e: None)
    assert conn.username == emu.users[0].upn
    polls = emu.count("token", grant_type="urn:ietf:params:oauth:grant-type:device_code")
    assert polls >= 3  # slow_down, pending, then the tokens


@pytest.mark.parametrize(
    "tenant", ["contoso.example", "6e1b5a4c-3f2d-4b8e-9a17-c0ffee000001", "organizations"]
)
def test_a_tenant_by_domain_guid_or_kind(authsome_env, tenant):
    emu = authsome_env
    conn = an.login(
        connection="t",
        flow="pkce",
        tenant=tenant,
        open_browser=lambda url: emu.play_browser(url),
        on_event=lambda e: None,
    )
    assert conn.authority.endswith("/" + tenant)
    assert conn.tenant_id == emu.users[0].tenant_id
    assert an.token(connection="t")


def test_a_client_secret_is_accepted_and_stored_only_encrypted(authsome_env):
    emu = authsome_env
    secret = "app-secret-" + "S" * 30
    emu.client_secret = secret  # the emulator's app becomes a confidential client
    conn = an.login(
        flow="auto",
        client_secret=secret,
        open_browser=lambda url: emu.play_browser(url),
        on_event=lambda e: None,
    )
    assert conn.flow == "pkce"  # a confidential client has no device flow
    raw = (authsome_env_home() / "credentials.enc").read_bytes()
    assert secret.encode() not in raw
    assert secret not in repr(conn) and secret not in str(conn.to_dict())
    from authsome_nb.store import EncryptedStore

    assert (
        EncryptedStore(authsome_env_home()).data()["connections"]["microsoft/default"][
            "client_secret"
        ]
        == secret
    )
    with pytest.raises(ConfigurationError, match="public clients"):
        an.login(connection="other", flow="device", client_secret=secret, on_event=lambda e: None)


def test_a_wrong_or_unwanted_client_secret_is_explained(authsome_env):
    emu = authsome_env
    browser = {"open_browser": lambda url: emu.play_browser(url), "on_event": lambda e: None}
    with pytest.raises(ConfigurationError, match="AADSTS700025") as public:
        an.login(flow="pkce", client_secret="not-needed-for-a-public-client", **browser)
    assert "drop client_secret" in str(public.value)
    emu.client_secret = "the-real-secret-value"
    with pytest.raises(ConfigurationError, match="AADSTS7000215") as wrong:
        an.login(flow="pkce", client_secret="the-secret-id-by-mistake", **browser)
    assert "Value (not its Secret ID)" in str(wrong.value)
