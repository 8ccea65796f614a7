"""Google through the generic engine, against the emulator's stand-in (an OIDC issuer)."""

from __future__ import annotations

import ssl

import httpx
import pytest
from standin_fixtures import approving, emulator, standin_env  # noqa: F401 - fixtures

import authsome_nb as an
from authsome_nb.errors import ConfigurationError
from authsome_nb.events import AuthorizeUrl, DeviceCode


@pytest.fixture
def google(emulator, tmp_path, monkeypatch):  # noqa: F811
    standin = standin_env(emulator, "google", tmp_path, monkeypatch)
    monkeypatch.setenv("GOOGLE_OAUTH_CLIENT_SECRET", standin.client_secret)
    return standin


def browser_login(google, user: str = "adele", events: list | None = None, **options):
    return an.login("google", flow="pkce", on_event=(events.append if events is not None
                                                     else lambda e: None),
                    open_browser=lambda url: google.play_browser(url, user=user), **options)


def test_pkce_names_the_account_from_the_validated_id_token_and_userinfo(google, emulator):  # noqa: F811
    events: list = []
    conn = browser_login(google, "megan", events)
    megan = emulator.user("megan")
    assert (conn.username, conn.display_name) == (megan.mail or megan.upn, megan.display_name)
    url = next(e for e in events if isinstance(e, AuthorizeUrl)).url
    assert "access_type=offline" in url and "prompt=consent" in url and "nonce=" in url


def test_googles_spelling_of_granted_scopes_does_not_cost_a_refresh_per_call(google):
    browser_login(google)
    before = google.counts()["grants"].get("refresh_token", 0)
    token = an.token("google")
    assert "https://www.googleapis.com/auth/userinfo.email" in token.scopes
    for _ in range(5):
        assert an.token("google") == token
    assert google.counts()["grants"].get("refresh_token", 0) == before


def test_a_refresh_keeps_the_refresh_token_google_does_not_rotate(google):
    browser_login(google)
    first, second = an.refresh("google"), an.refresh("google")
    assert first != second
    assert google.counts()["grants"]["refresh_token"] >= 2


def test_the_device_code_reads_googles_verification_url(google):
    events: list = []
    conn = an.login("google", flow="device", on_event=approving(google, events, user="adele"))
    code = next(e for e in events if isinstance(e, DeviceCode))
    assert code.verification_uri == f"{google.base}/device"
    assert conn.username and conn.flow == "device"


def test_without_the_client_secret_neither_flow_can_start(google, monkeypatch):
    monkeypatch.delenv("GOOGLE_OAUTH_CLIENT_SECRET")
    with pytest.raises(ConfigurationError) as caught:
        an.login("google", on_event=lambda e: None)
    assert "GOOGLE_OAUTH_CLIENT_SECRET" in caught.value.remedy


def test_signing_out_revokes_the_grant_at_google(google, emulator):  # noqa: F811
    browser_login(google)
    token = an.token("google").value
    an.logout("google")
    answer = httpx.get(f"{google.base}/v1/userinfo", headers={"Authorization": f"Bearer {token}"},
                       verify=ssl.create_default_context(cafile=emulator.ca_path),
                       trust_env=False)
    assert answer.status_code == 401 and google.counts()["revoked"] >= 1


def test_the_client_sends_the_bearer_to_googles_api_hosts(google):
    browser_login(google)
    with an.client("google") as client:
        assert client.get("drive/v3/about").json()["user"]["emailAddress"]
