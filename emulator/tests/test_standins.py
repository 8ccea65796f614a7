"""The GitHub and Google stand-ins answer the way their documentation says."""

from __future__ import annotations

import ssl

import httpx
import pytest
from authsome_nb_emulator import Emulator

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


@pytest.fixture(scope="module")
def emu():
    with Emulator() as emulator:
        yield emulator


@pytest.fixture
def http(emu):
    with httpx.Client(verify=ssl.create_default_context(cafile=emu.ca_path),
                      trust_env=False) as client:
        yield client


def test_github_answers_errors_with_http_200_and_form_encoding_by_default(emu, http):
    github = emu.github
    code = http.post(f"{github.base}/login/device/code", data={"client_id": github.client_id,
                                                              "scope": "repo"})
    device_code = dict(httpx.QueryParams(code.text))["device_code"]
    poll = http.post(f"{github.base}/login/oauth/access_token",
                     data={"client_id": github.client_id, "device_code": device_code,
                           "grant_type": DEVICE_GRANT})
    assert poll.status_code == 200 and "error=authorization_pending" in poll.text
    again = http.post(f"{github.base}/login/oauth/access_token",
                      headers={"Accept": "application/json"},
                      data={"client_id": github.client_id, "device_code": device_code,
                            "grant_type": DEVICE_GRANT})
    assert again.json()["error"] == "slow_down" and again.json()["interval"] == 10


def test_github_tokens_do_not_expire_and_scopes_come_comma_separated(emu, http):
    github = emu.github
    github.configure(expiring_tokens=False, device_interval=1)
    answer = http.post(f"{github.base}/login/device/code", headers={"Accept": "application/json"},
                       data={"client_id": github.client_id, "scope": "repo read:user"}).json()
    github.approve(answer["user_code"])
    token = http.post(f"{github.base}/login/oauth/access_token",
                      headers={"Accept": "application/json"},
                      data={"client_id": github.client_id, "device_code": answer["device_code"],
                            "grant_type": DEVICE_GRANT}).json()
    assert token["scope"] == "repo,read:user" and "expires_in" not in token
    assert "refresh_token" not in token
    me = http.get(f"{github.base}/api/user",
                  headers={"Authorization": f"token {token['access_token']}"})
    assert me.json()["login"] == github.login_of(emu.users[0])


def test_google_names_the_page_verification_url_and_pending_is_428(emu, http):
    google = emu.google
    answer = http.post(f"{google.base}/device/code", data={"client_id": google.client_id,
                                                           "scope": "openid email"}).json()
    assert answer["verification_url"].endswith("/google/device")
    assert "verification_uri" not in answer
    poll = http.post(f"{google.base}/token", data={
        "client_id": google.client_id, "client_secret": google.client_secret,
        "device_code": answer["device_code"], "grant_type": DEVICE_GRANT})
    assert poll.status_code == 428 and poll.json()["error"] == "authorization_pending"
    no_secret = http.post(f"{google.base}/token", data={
        "client_id": google.client_id, "device_code": answer["device_code"],
        "grant_type": DEVICE_GRANT})
    assert no_secret.status_code == 401 and no_secret.json()["error"] == "invalid_client"


def test_google_discovery_names_itself_the_issuer(emu, http):
    google = emu.google
    document = http.get(f"{google.base}/.well-known/openid-configuration").json()
    assert document["issuer"] == google.base
    assert document["id_token_signing_alg_values_supported"] == ["RS256"]  # as Google's says
    key = http.get(document["jwks_uri"]).json()["keys"][0]
    assert (key["kty"], key["alg"]) == ("RSA", "RS256")
