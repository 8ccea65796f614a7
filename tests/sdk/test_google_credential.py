"""an.credential('google'): a google-auth Credentials over the connection's tokens."""

from __future__ import annotations

import base64
import datetime
import os

import google.auth.credentials
import pytest
from google.auth.transport.requests import AuthorizedSession

import authsome_nb as an
from authsome_nb.errors import ConfigurationError


@pytest.fixture
def standin(emulator, tmp_path, monkeypatch):
    google_standin = emulator.google
    home = tmp_path / "home"
    google_standin.write_provider_override(home)
    monkeypatch.setenv("AUTHSOME_NB_HOME", str(home))
    monkeypatch.setenv("AUTHSOME_NB_KEY", base64.b64encode(os.urandom(32)).decode())
    monkeypatch.setenv("AUTHSOME_NB_CA_BUNDLE", emulator.ca_path)
    monkeypatch.setenv("GOOGLE_OAUTH_CLIENT_SECRET", google_standin.client_secret)
    an.login("google", flow="pkce", on_event=lambda event: None,
             open_browser=lambda url: google_standin.play_browser(url, user="megan"))
    return google_standin


def test_google_auths_own_session_reads_the_api_with_it(standin, emulator):
    credential = an.credential("google")
    assert isinstance(credential, google.auth.credentials.Credentials)
    session = AuthorizedSession(credential)

    me = session.get(f"{standin.base}/v1/userinfo", verify=emulator.ca_path)

    assert me.status_code == 200 and me.json()["name"] == emulator.user("megan").display_name
    assert credential.valid and credential.token == an.token("google").value


def test_an_expired_credential_takes_the_connections_next_token(standin, emulator):
    credential = an.credential("google")
    credential.refresh(None)
    credential.expiry = datetime.datetime(2000, 1, 1)  # as if it had expired long ago
    assert not credential.valid
    fresh = an.refresh("google")
    session = AuthorizedSession(credential)

    assert session.get(f"{standin.base}/v1/userinfo",
                       verify=emulator.ca_path).status_code == 200
    assert credential.token == fresh.value and credential.valid


def test_google_has_no_async_twin(standin):
    with pytest.raises(ConfigurationError, match="no async twin"):
        an.credential("google", asynchronous=True)
