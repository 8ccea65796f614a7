"""id_token validation: signature against the issuer's keys, then iss, aud, exp and nonce."""

from __future__ import annotations

import time

import pytest
from authsome_nb_emulator import _jwt
from standin_fixtures import emulator, standin_env  # noqa: F401 - fixtures

from authsome_nb._providers import load_provider
from authsome_nb.errors import SignInError
from authsome_nb.flows.oauth2._id_token import validate_id_token
from authsome_nb.flows.oauth2._metadata import endpoints_of


@pytest.fixture
def google_endpoints(emulator, tmp_path, monkeypatch):  # noqa: F811
    google = standin_env(emulator, "google", tmp_path, monkeypatch)
    return google, endpoints_of(load_provider("google"))


def claims(google, **changes):
    now = int(time.time())
    base = {"iss": google.base, "aud": google.client_id, "sub": "someone", "iat": now,
            "exp": now + 600, "nonce": "n-1"}
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def test_a_valid_id_token_gives_its_claims(google_endpoints):
    google, endpoints = google_endpoints
    found = validate_id_token(_jwt.encode(claims(google)), endpoints,
                              client_id=google.client_id, nonce="n-1")
    assert found["sub"] == "someone"


@pytest.mark.parametrize("change", [
    {"nonce": "another sign-in's"},
    {"aud": "another-app"},
    {"iss": "https://elsewhere.example"},
    {"exp": int(time.time()) - 3600},
    {"sub": None},
])
def test_each_broken_claim_is_refused(google_endpoints, change):
    google, endpoints = google_endpoints
    with pytest.raises(SignInError, match="id_token failed validation"):
        validate_id_token(_jwt.encode(claims(google, **change)), endpoints,
                          client_id=google.client_id, nonce="n-1")


def test_a_forged_signature_is_refused(google_endpoints):
    google, endpoints = google_endpoints
    header, payload, signature = _jwt.encode(claims(google)).split(".")
    forged = _jwt.encode(claims(google, sub="the attacker")).split(".")[1]
    with pytest.raises(SignInError, match="id_token failed validation"):
        validate_id_token(f"{header}.{forged}.{signature}", endpoints,
                          client_id=google.client_id, nonce="n-1")


def test_several_audiences_need_azp_to_name_this_app(google_endpoints):
    google, endpoints = google_endpoints
    token = _jwt.encode(claims(google, aud=[google.client_id, "other"]))
    with pytest.raises(SignInError, match="azp"):
        validate_id_token(token, endpoints, client_id=google.client_id, nonce="n-1")
