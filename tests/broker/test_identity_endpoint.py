"""The managed-identity endpoint answers as App Service does: the secret header, the
api-version, one identity, any consented resource (a trailing slash is the same one), and an
unconsented resource's answer names the sign-in that grants it."""

from __future__ import annotations

import httpx
import pytest
from azure_world import REFRESH, claims, consent_elsewhere

import authsome_nb as an
from authsome_nb.broker import Broker

STORAGE = "https://storage.azure.com"


@pytest.fixture
def endpoint(signed_in):
    with Broker(an.session(), [("microsoft", "default")]) as broker:
        env = broker.environment({})
        with httpx.Client(base_url=env["IDENTITY_ENDPOINT"], trust_env=False) as client:
            yield client, env["IDENTITY_HEADER"]


def ask(endpoint, header: str | None = "right", **params):
    client, secret = endpoint
    headers = {} if header is None else {
        "X-IDENTITY-HEADER": secret if header == "right" else header}
    return client.get("", params={"api-version": "2019-08-01", **params}, headers=headers)


def test_a_token_for_any_consented_resource_and_a_trailing_slash_is_the_same(endpoint,
                                                                             signed_in):
    consent_elsewhere(signed_in, f"{STORAGE}/user_impersonation")
    plain = ask(endpoint, resource=STORAGE)
    slashed = ask(endpoint, resource=STORAGE + "/")

    assert plain.status_code == 200
    body = plain.json()
    assert set(body) == {"access_token", "expires_on", "resource", "token_type", "client_id"}
    assert body["token_type"] == "Bearer" and body["resource"] == STORAGE
    assert body["client_id"] == signed_in.client_id and body["expires_on"].isdigit()
    assert claims(body["access_token"])["aud"] == STORAGE
    assert slashed.json()["access_token"] == body["access_token"]
    assert signed_in.count("token", **REFRESH) == 1


def test_a_missing_or_wrong_secret_header_is_401(endpoint):
    for header in (None, "not-the-secret", ""):
        answer = ask(endpoint, header, resource=STORAGE)
        assert answer.status_code == 401 and "X-IDENTITY-HEADER" in answer.json()["message"]


def test_another_identity_or_protocol_version_is_400(endpoint, signed_in):
    assert ask(endpoint, resource=STORAGE, client_id=signed_in.client_id).status_code != 400
    for other in ({"client_id": "11111111-2222-3333-4444-555555555555"},
                  {"mi_res_id": "/subscriptions/x/resourcegroups/y/providers/z"},
                  {"principal_id": "66666666-2222-3333-4444-555555555555"}):
        answer = ask(endpoint, resource=STORAGE, **other)
        assert answer.status_code == 400 and "Managed Identity" in answer.json()["message"]
    assert ask(endpoint, resource=STORAGE, **{"api-version": "2017-09-01"}).status_code == 400
    assert ask(endpoint).status_code == 400  # no resource


def test_an_unconsented_resource_names_the_sign_in_that_grants_it(endpoint):
    answer = ask(endpoint, resource="https://management.azure.com/")
    assert answer.status_code == 400
    assert answer.json()["error"] == "consent_required"
    assert ("an.login('microsoft', scopes=['https://management.azure.com/.default'])"
            in answer.json()["message"])


def test_a_sign_out_is_401_naming_the_sign_in(endpoint):
    an.logout()
    answer = ask(endpoint, resource="https://graph.microsoft.com")
    assert answer.status_code == 401
    assert "an.login('microsoft')" in answer.json()["message"]


def test_no_endpoint_without_a_microsoft_connection(signed_in):
    with Broker(an.session(), []) as broker:
        assert "IDENTITY_ENDPOINT" not in broker.environment({})
