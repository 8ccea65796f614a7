"""GitHub through the generic engine, against the emulator's stand-in of its OAuth app."""

from __future__ import annotations

import math
import os
import ssl

import httpx
import pytest
from standin_fixtures import approving, emulator, standin_env  # noqa: F401 - fixtures

import authsome_nb as an
from authsome_nb.errors import ConfigurationError
from authsome_nb.events import FlowChosen


@pytest.fixture
def github(emulator, tmp_path, monkeypatch):  # noqa: F811
    standin = standin_env(emulator, "github", tmp_path, monkeypatch)
    standin.configure(expiring_tokens=False)
    return standin


def test_without_a_secret_auto_takes_the_device_code_and_the_token_never_expires(github):
    events: list = []
    conn = an.login("github", on_event=approving(github, events, user="megan"))
    assert conn.username == github.login_of("megan") and conn.flow == "device"
    chosen = next(e for e in events if isinstance(e, FlowChosen))
    assert chosen.flow == "device" and "client secret" in chosen.reason
    assert math.isinf(conn.expires_at) and "does not expire" in repr(conn)
    assert conn.to_dict()["never_expires"] and conn.to_dict()["expires_at"] is None
    assert conn.scopes == ("repo", "read:user")
    with an.client("github") as client:
        assert client.get("user").json()["login"] == github.login_of("megan")
    assert github.counts()["grants"] == {"urn:ietf:params:oauth:grant-type:device_code": 1}


def test_github_answers_form_encoded_unless_asked_for_json(github, emulator):  # noqa: F811
    plain = httpx.post(f"{github.base}/login/device/code", data={"client_id": github.client_id},
                       verify=ssl.create_default_context(cafile=emulator.ca_path),
                       trust_env=False)
    assert plain.headers["content-type"].startswith("application/x-www-form-urlencoded")
    assert "user_code=" in plain.text


def test_pkce_with_the_client_secret_from_the_environment(github, monkeypatch):
    monkeypatch.setenv("GITHUB_OAUTH_CLIENT_SECRET", github.client_secret)
    conn = an.login("github", flow="pkce", on_event=lambda e: None,
                    open_browser=lambda url: github.play_browser(url, user="adele"))
    assert conn.username == github.login_of("adele") and conn.flow == "pkce"
    token = an.token("github")
    assert token.scopes == ("repo", "read:user")  # GitHub's comma-separated answer, read


def test_pkce_without_a_secret_says_where_to_put_it(github):
    with pytest.raises(ConfigurationError) as caught:
        an.login("github", flow="pkce", on_event=lambda e: None)
    assert "GITHUB_OAUTH_CLIENT_SECRET" in caught.value.remedy


def test_a_wrong_secret_is_explained(github):
    with pytest.raises(ConfigurationError) as caught:
        an.login("github", flow="pkce", client_secret="wrong", on_event=lambda e: None,
                 open_browser=lambda url: github.play_browser(url))
    assert caught.value.error == "incorrect_client_credentials"


def test_expiring_user_tokens_are_refreshed_with_single_use_refresh_tokens(github):
    github.configure(expiring_tokens=True)
    an.login("github", flow="pkce", client_secret=github.client_secret, on_event=lambda e: None,
             open_browser=lambda url: github.play_browser(url))
    assert an.get("github").expires_in == pytest.approx(28800, abs=60)
    first = an.refresh("github")
    second = an.refresh("github")  # the first refresh token was used up: the new one works
    assert first != second
    assert github.counts()["grants"]["refresh_token"] == 2


def test_export_sets_both_variables_of_the_definition(github):
    an.login("github", on_event=approving(github, []))
    assert an.export("github") == ["GITHUB_ACCESS_TOKEN", "GH_TOKEN"]
    assert os.environ.pop("GITHUB_ACCESS_TOKEN") == os.environ.pop("GH_TOKEN")


def test_denying_the_device_code_is_declined(github):
    import threading

    from authsome_nb.errors import SignInDeclined
    from authsome_nb.events import DeviceCode

    def deny(event):
        if isinstance(event, DeviceCode):
            threading.Thread(target=github.deny, args=(event.user_code,)).start()

    with pytest.raises(SignInDeclined, match="access_denied"):
        an.login("github", flow="device", on_event=deny)
